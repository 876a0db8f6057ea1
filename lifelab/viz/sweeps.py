"""Sweeps: every rule of a family as one pixel of a map."""

from __future__ import annotations

import numpy as np

from lifelab.errors import InputError
from lifelab.sweep import ENUMERATED
from lifelab.viz.boards import _new_ax

__all__ = ["plot_rule_map"]


def plot_rule_map(
    indices, values, family: str = "moore", ax=None, title: str | None = None, cmap="viridis", label: str | None = None
):
    """Every B/S rule of a family as one pixel: its birth set up the side, its survival set across.

    Sets are read as binary numbers (bit ``c``: count ``c``), as
    :func:`lifelab.sweep.space.rule_indices` numbers the rules, so the tick at
    ``c`` marks the first set whose largest count is ``c``; rules without a
    value stay blank.

    Args:
        indices: Rule numbers from :func:`lifelab.sweep.space.rule_indices`.
        values: One number per rule (e.g. 1 identified, 0 not; trajectories needed).
        family: ``"moore"`` (a 512 x 512 map) or ``"vonneumann"`` (32 x 32).
        ax: Axes to draw on; a new figure if None.
        title: Axes title.
        cmap: Colour map.
        label: Colour bar label.

    Returns:
        The figure.
    """
    if family not in ENUMERATED:
        raise InputError(f"unknown family {family!r}; a rule map is drawn for {list(ENUMERATED)}")
    bits = ENUMERATED[family] // 2
    indices, values = np.asarray(indices, dtype=np.int64), np.asarray(values, dtype=float)
    if indices.shape != values.shape or indices.ndim != 1:
        raise InputError(f"one value per rule index: got {indices.shape} indices and {values.shape} values")
    if indices.size and not (0 <= indices.min() and indices.max() < 4**bits):
        raise InputError(f"rule indices of the {family} family lie in 0-{4**bits - 1}")
    grid = np.full((2**bits, 2**bits), np.nan)
    grid[indices & (2**bits - 1), indices >> bits] = values
    fig, ax = _new_ax(ax, figsize=(5.5, 4.8))
    image = ax.imshow(grid, cmap=cmap, origin="lower", interpolation="nearest")
    ticks = [2**c for c in range(bits)]
    names = [str(c) if 2**c >= 2**bits // 32 else "" for c in range(bits)]  # the small sets' ticks crowd: unnamed
    ax.set_xticks(ticks, names, fontsize=7)
    ax.set_yticks(ticks, names, fontsize=7)
    ax.set_xlabel("survival set, in binary (tick c: sets whose largest count is c start here)", fontsize=8)
    ax.set_ylabel("birth set, in binary", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label=label)
    return fig
