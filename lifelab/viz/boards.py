"""Boards and trajectories: single boards, snapshot grids, differences, population curves, animations.

Every helper takes ``ax=None`` (or builds its own grid) and returns the
matplotlib figure, so notebooks can restyle or save it.  The other picture
modules share the board checks and the new-axes helper here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation
from matplotlib.colors import ListedColormap

from lifelab.errors import InputError
from lifelab.io.palettes import lifelab_colours
from lifelab.utils import atomic_path

__all__ = [
    "animate_trajectory",
    "plot_board",
    "plot_boundary",
    "plot_difference",
    "plot_population",
    "plot_reading",
    "plot_snapshot_grid",
    "state_cmap",
]

DIFF_CMAP = ListedColormap(["#ffffff", "#1f1f3a", "#d62728", "#1f77b4"])


def _states(arr: np.ndarray) -> np.ndarray:
    """0/1 boards as bool, boards of more states as uint8."""
    if arr.dtype == bool or arr.max(initial=0) <= 1:
        return arr.astype(bool)
    return arr.astype(np.uint8)


def _board(board) -> np.ndarray:
    arr = np.asarray(board)
    if arr.ndim != 2:
        raise InputError(f"a board is 2-D (height, width), got shape {arr.shape}")
    return _states(arr)


def _trajectory(trajectory) -> np.ndarray:
    arr = np.asarray(trajectory)
    if arr.ndim != 3:
        raise InputError(f"a trajectory is 3-D (steps + 1, height, width), got shape {arr.shape}")
    return _states(arr)


def _new_ax(ax, figsize=(3, 3)):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def state_cmap(states: int, colors: dict | None = None) -> ListedColormap:
    """Colours of cell states: dead white, live dark, dying states from red to pale yellow.

    Args:
        states: Number of states.
        colors: ``{state: (r, g, b)}`` in 0-255 that take the place of these (a rule table's ``@COLORS``).
    """
    shades = lifelab_colours(states)
    for state, rgb in (colors or {}).items():
        if 0 <= state < states:
            shades[state] = tuple(c / 255 for c in rgb)
    return ListedColormap(shades)


def plot_board(board, ax=None, title: str | None = None, states: int | None = None, colors: dict | None = None):
    """Draw one board: live cells dark, dead cells white, dying states (multi-state rules) red to yellow.

    Args:
        board: ``(height, width)`` array of cell states (0/1 for 2-state rules).
        ax: Axes to draw on; a new figure if None.
        title: Optional axes title.
        states: Number of states, so frames of one trajectory share colours
            (default: what the board shows).
        colors: ``{state: (r, g, b)}`` in 0-255, e.g. a rule table's ``@COLORS`` (``rule.colors``).

    Returns:
        The figure.
    """
    fig, ax = _new_ax(ax)
    arr = _board(board)
    n = states or max(2, int(arr.max(initial=0)) + 1)
    ax.imshow(arr, cmap=state_cmap(n, colors), vmin=0, vmax=n - 1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def plot_boundary(board, reach: int, boundary: str, ax=None, title: str | None = None):
    """A frame with the cells its boundary leaves out shaded: what an open frame does not use as evidence.

    Args:
        board: ``(height, width)`` board (the first of a trajectory, say).
        reach: How far the neighbourhood reaches (the width of the left-out ring).
        boundary: ``"torus"``, ``"dead"`` or ``"open"`` (only ``"open"`` leaves cells out).
        ax: Axes to draw on; a new figure if None.
        title: Optional title (default: the boundary and what it leaves out).

    Returns:
        The figure.
    """
    fig = plot_board(board, ax=ax, title=title)
    ax = fig.axes[0] if ax is None else ax
    h, w = _board(board).shape
    if boundary == "open":
        ring = np.ones((h, w), dtype=bool)
        ring[reach : h - reach, reach : w - reach] = False
        ax.imshow(
            np.where(ring, 1.0, np.nan),
            cmap=ListedColormap(["#f4a261"]),
            alpha=0.55,
            vmin=0,
            vmax=1,
            interpolation="nearest",
        )
    else:
        ax.add_patch(
            plt.Rectangle(
                (-0.5, -0.5),
                w,
                h,
                fill=False,
                lw=2.5,
                ec="#2a9d8f" if boundary == "torus" else "#264653",
                ls="--" if boundary == "torus" else "-",
            )
        )
    if title is None:
        ax.set_title(
            {
                "open": f"open: the {reach}-cell ring is not evidence",
                "torus": "torus: the edges wrap",
                "dead": "dead outside: every cell counts",
            }[boundary],
            fontsize=9,
        )
    return fig


def plot_snapshot_grid(trajectories: Mapping[str, np.ndarray], times: Sequence[int], cell_inches: float = 1.3):
    """A grid of snapshots: one row per trajectory, one column per time.

    Args:
        trajectories: Row label -> ``(steps + 1, height, width)`` trajectory.
        times: Steps to show in each row.
        cell_inches: Size of each panel.

    Returns:
        The figure.
    """
    if not trajectories:
        raise InputError("no trajectories to plot")
    rows, cols = len(trajectories), len(times)
    fig, axes = plt.subplots(rows, cols, figsize=(cell_inches * cols + 1.2, cell_inches * rows), squeeze=False)
    for r, (label, traj) in enumerate(trajectories.items()):
        traj = _trajectory(traj)
        states = max(2, int(traj.max(initial=0)) + 1)
        for c, t in enumerate(times):
            if not 0 <= t < len(traj):
                raise InputError(f"time {t} is outside the trajectory of {label!r} (0-{len(traj) - 1})")
            plot_board(traj[t], ax=axes[r, c], title=f"t={t}" if r == 0 else None, states=states)
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.tight_layout()
    return fig


def plot_difference(a, b, ax=None, labels: tuple[str, str] = ("a", "b"), title: str | None = None):
    """Overlay two boards: cells alive (state 1) in both, only in ``a`` (red), only in ``b`` (blue).

    Args:
        a, b: ``(height, width)`` boards of the same shape.
        ax: Axes to draw on; a new figure if None.
        labels: Names of ``a`` and ``b`` for the legend.
        title: Optional axes title.

    Returns:
        The figure.
    """
    a, b = _board(a) == 1, _board(b) == 1
    if a.shape != b.shape:
        raise InputError(f"boards differ in shape: {a.shape} vs {b.shape}")
    fig, ax = _new_ax(ax)
    code = np.where(a & b, 1, np.where(a, 2, np.where(b, 3, 0)))
    ax.imshow(code, cmap=DIFF_CMAP, vmin=0, vmax=3, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    handles = [plt.Rectangle((0, 0), 1, 1, color=DIFF_CMAP(i)) for i in (1, 2, 3)]
    ax.legend(
        handles,
        ["both", f"only {labels[0]}", f"only {labels[1]}"],
        fontsize=7,
        loc="upper right",
        bbox_to_anchor=(1.0, -0.02),
        ncol=3,
        frameon=False,
    )
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def plot_population(trajectories: Mapping[str, np.ndarray], ax=None, density: bool = True):
    """Population curves: live cells per step, one line per trajectory.

    Args:
        trajectories: Label -> ``(steps + 1, height, width)`` trajectory, or
            ``(n, steps + 1, height, width)`` batch (its mean is drawn with a
            band from the 10th to the 90th percentile).
        ax: Axes to draw on; a new figure if None.
        density: Plot the fraction of live cells rather than the count.

    Returns:
        The figure.
    """
    fig, ax = _new_ax(ax, figsize=(6, 3.5))
    for label, traj in trajectories.items():
        arr = np.asarray(traj)
        if arr.ndim == 3:
            arr = arr[None]
        if arr.ndim != 4:
            raise InputError(f"trajectory {label!r} must be 3-D or 4-D, got shape {arr.shape}")
        pop = arr.sum(axis=(2, 3)).astype(float)
        if density:
            pop /= arr.shape[2] * arr.shape[3]
        steps = np.arange(pop.shape[1])
        (line,) = ax.plot(steps, pop.mean(axis=0), label=label, lw=1.4)
        if pop.shape[0] > 1:
            lo, hi = np.percentile(pop, [10, 90], axis=0)
            ax.fill_between(steps, lo, hi, color=line.get_color(), alpha=0.15, lw=0)
    ax.set_xlabel("step")
    ax.set_ylabel("live fraction" if density else "live cells")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_reading(recording, ax=None):
    """What a picture reader saw: the first frame read, the grid of cells found over it, the cells read as not
    dead marked (:func:`lifelab.io.read_recording`).

    Args:
        recording: A :class:`lifelab.io.Recording`.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The figure.
    """
    if recording.grid is None or recording.picture is None:
        return plot_board(
            recording.trajectories[0, 0],
            ax=ax,
            title=f"{Path(recording.source).name}: states as stored (no picture to read)",
        )
    fig, ax = _new_ax(ax)
    grid, pixels = recording.grid, recording.picture
    ax.imshow(pixels, interpolation="nearest")
    rows, columns = grid.rows, grid.columns
    ys = rows.start + np.arange(rows.cells + 1) * rows.size - 0.5
    xs = columns.start + np.arange(columns.cells + 1) * columns.size - 0.5
    ax.hlines(ys, xs[0], xs[-1], colors="#00b4d8", linewidth=0.4)
    ax.vlines(xs, ys[0], ys[-1], colors="#00b4d8", linewidth=0.4)
    board = np.asarray(recording.trajectories[0, 0]).astype(np.int64)
    cy, cx = np.nonzero(board)
    ax.scatter(
        xs[0] + (cx + 0.5) * columns.size,
        ys[0] + (cy + 0.5) * rows.size,
        s=max(2.0, columns.size**2 / 8),
        marker="s",
        facecolors="none",
        edgecolors="#e63946",
        linewidths=0.6,
    )
    ax.set_title(
        f"{Path(recording.source).name}: {grid.cells[1]}x{grid.cells[0]} cells of "
        f"{columns.size:.2f} px (grid blue, cells read as not dead red)",
        fontsize=8,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def animate_trajectory(trajectory, path: str | Path, fps: int = 8, title: str | None = None, dpi: int = 80) -> Path:
    """Write a trajectory (or several side by side) as an animated GIF, atomically.

    Args:
        trajectory: ``(steps + 1, height, width)`` array of states, or a mapping
            ``{label: trajectory}`` of equally long trajectories shown side by
            side (e.g. a network's rollout next to the true rule).
        path: Output file (``.gif``); its folder is created if missing.
        fps: Frames per second.
        title: Optional title; the step number is appended to it.
        dpi: Resolution of each frame (raised where needed so that a cell gets at least five pixels: the GIF
            then reads back into the trajectory, :func:`lifelab.io.read_recording`).

    Returns:
        The path written.
    """
    panels = (
        {str(k): _trajectory(v) for k, v in trajectory.items()}
        if isinstance(trajectory, Mapping)
        else {"": _trajectory(trajectory)}
    )
    if not panels or len({len(t) for t in panels.values()}) != 1:
        raise InputError("trajectories to animate side by side must be non-empty and equally long")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise InputError(f"animations are written as GIF; got {path.name!r}")
    fig, axes = plt.subplots(1, len(panels), figsize=(3 * len(panels), 3.2), squeeze=False)
    cells = max(max(t.shape[1:]) for t in panels.values())
    dpi = max(dpi, int(np.ceil(5 * cells / (0.77 * 3))))  # the axes take about 77% of each 3-inch panel
    images = []
    for ax, (label, traj) in zip(axes[0], panels.items(), strict=True):
        states = max(2, int(traj.max(initial=0)) + 1)
        images.append(ax.imshow(traj[0], cmap=state_cmap(states), vmin=0, vmax=states - 1, interpolation="nearest"))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(label, fontsize=9)
    heading = fig.suptitle("", fontsize=9)
    trajectories = list(panels.values())

    def frame(t):
        for image, traj in zip(images, trajectories, strict=True):
            image.set_data(traj[t])
        heading.set_text(f"{title + '  ' if title else ''}t={t}")
        return (*images, heading)

    anim = animation.FuncAnimation(fig, frame, frames=len(trajectories[0]), blit=False)
    with atomic_path(path) as tmp:
        anim.save(tmp, writer=animation.PillowWriter(fps=fps), dpi=dpi)
    plt.close(fig)
    return path
