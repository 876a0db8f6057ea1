"""1-D rules drawn as people draw them: a space-time diagram, a row a generation, time running down."""

from __future__ import annotations

import numpy as np

from lifelab.errors import InputError
from lifelab.viz.boards import _new_ax, state_cmap

__all__ = ["plot_spacetime"]


def plot_spacetime(history, ax=None, title: str | None = None, states: int | None = None):
    """Draw a 1-D trajectory as a space-time diagram: row ``t`` is generation ``t``, time running down.

    Args:
        history: ``(T, W)`` cell states, or ``(T, 1, W)`` (one row of each board of a trajectory).
        ax: Axes to draw on; a new figure if None.
        title: Optional axes title.
        states: Number of states, so diagrams of one rule share colours (default: what the history shows).

    Returns:
        The figure.

    Raises:
        InputError: For a history of another shape.
    """
    arr = np.asarray(history)
    if arr.ndim == 3 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 2:
        raise InputError(f"a space-time diagram is (T, W) or (T, 1, W), got shape {arr.shape}")
    arr = arr.astype(np.int64)
    n = states or max(2, int(arr.max(initial=0)) + 1)
    height, width = arr.shape
    fig, ax = _new_ax(ax, figsize=(min(8.0, 2 + width / 16), min(8.0, 1 + height / 16)))
    ax.imshow(arr, cmap=state_cmap(n), vmin=0, vmax=n - 1, interpolation="nearest", aspect="equal")
    ax.set_xlabel("cell")
    ax.set_ylabel("time")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return fig
