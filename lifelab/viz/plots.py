"""Figures: boards, trajectories, rule comparisons, population curves, animations.

Every helper takes ``ax=None`` (or builds its own grid) and returns the
matplotlib figure, so notebooks can restyle or save it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import animation
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from lifelab.errors import InputError
from lifelab.geometry import CENTRE, ELEMENT_NAMES, N_PATTERNS, count_class_counts, counts
from lifelab.io.palettes import lifelab_colours
from lifelab.learning import EquivariantCNN, TiedConv2d, first_layer_kernels, regular_field_elements, trajectory_weights
from lifelab.sweep import ENUMERATED
from lifelab.utils import atomic_path

__all__ = [
    "animate_trajectory",
    "plot_board",
    "plot_boundary",
    "plot_class_test",
    "plot_confidence",
    "plot_count_kernels",
    "evidence_categories",
    "plot_dataset_growth",
    "plot_difference",
    "plot_evidence",
    "plot_growth",
    "plot_growth_kernels",
    "plot_kernels",
    "plot_loop",
    "plot_neighbourhood_search",
    "plot_population",
    "plot_predictions",
    "plot_rule_map",
    "plot_sensitivity",
    "plot_snapshot_grid",
    "plot_symmetry_evidence",
    "plot_training_curves",
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
        ring[reach:h - reach, reach:w - reach] = False
        ax.imshow(np.where(ring, 1.0, np.nan), cmap=ListedColormap(["#f4a261"]), alpha=0.55, vmin=0, vmax=1,
                  interpolation="nearest")
    else:
        ax.add_patch(plt.Rectangle((-0.5, -0.5), w, h, fill=False, lw=2.5,
                                   ec="#2a9d8f" if boundary == "torus" else "#264653",
                                   ls="--" if boundary == "torus" else "-"))
    if title is None:
        ax.set_title({"open": f"open: the {reach}-cell ring is not evidence", "torus": "torus: the edges wrap",
                      "dead": "dead outside: every cell counts"}[boundary], fontsize=9)
    return fig


def plot_neighbourhood_search(search, ax=None, top: int = 12):
    """The neighbourhood search: BIC of each candidate (bars), its conflicts, the one chosen.

    Args:
        search: A :class:`~lifelab.evidence.neighbourhood.NeighbourhoodSearch`.
        ax: Axes to draw on; a new figure if None.
        top: Show the ``top`` candidates of least BIC.

    Returns:
        The figure.
    """
    models = sorted(search.models, key=lambda m: m.bic)[:top]
    fig, ax = _new_ax(ax, figsize=(7, 0.3 * len(models) + 1))
    colours = ["#2a9d8f" if m is search.chosen else ("#8ab17d" if m.exact else "#e76f51") for m in models]
    names = [m.name.removeprefix("the ").replace("live count of the ", "count, ") for m in models]
    y = np.arange(len(models))
    ax.barh(y, [m.bic for m in models], color=colours)
    for i, m in enumerate(models):
        ax.text(m.bic, i, f"  {m.conflicts:,} conflicts", va="center", fontsize=7)
    ax.set_yticks(y, names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("BIC (bits; less is better)")
    chosen = search.chosen.name if search.chosen is not None else "none (no candidate without conflicts)"
    ax.set_title(f"chosen: {chosen}", fontsize=9)
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
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=DIFF_CMAP(i)) for i in (1, 2, 3)
    ]
    ax.legend(handles, ["both", f"only {labels[0]}", f"only {labels[1]}"], fontsize=7, loc="upper right",
              bbox_to_anchor=(1.0, -0.02), ncol=3, frameon=False)
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
        return plot_board(recording.trajectories[0, 0], ax=ax, title=f"{Path(recording.source).name}: states as "
                                                                      "stored (no picture to read)")
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
    ax.scatter(xs[0] + (cx + 0.5) * columns.size, ys[0] + (cy + 0.5) * rows.size, s=max(2.0, columns.size ** 2 / 8),
               marker="s", facecolors="none", edgecolors="#e63946", linewidths=0.6)
    ax.set_title(f"{Path(recording.source).name}: {grid.cells[1]}x{grid.cells[0]} cells of "
                 f"{columns.size:.2f} px (grid blue, cells read as not dead red)", fontsize=8)
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
    panels = ({str(k): _trajectory(v) for k, v in trajectory.items()} if isinstance(trajectory, Mapping)
              else {"": _trajectory(trajectory)})
    if not panels or len({len(t) for t in panels.values()}) != 1:
        raise InputError("trajectories to animate side by side must be non-empty and equally long")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise InputError(f"animations are written as GIF; got {path.name!r}")
    fig, axes = plt.subplots(1, len(panels), figsize=(3 * len(panels), 3.2), squeeze=False)
    cells = max(max(t.shape[1:]) for t in panels.values())
    dpi = max(dpi, int(np.ceil(5 * cells / (0.77 * 3))))  # the axes take about 77% of each 3-inch panel
    images = []
    for ax, (label, traj) in zip(axes[0], panels.items()):
        states = max(2, int(traj.max(initial=0)) + 1)
        images.append(ax.imshow(traj[0], cmap=state_cmap(states), vmin=0, vmax=states - 1, interpolation="nearest"))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(label, fontsize=9)
    heading = fig.suptitle("", fontsize=9)
    trajectories = list(panels.values())

    def frame(t):
        for image, traj in zip(images, trajectories):
            image.set_data(traj[t])
        heading.set_text(f"{title + '  ' if title else ''}t={t}")
        return (*images, heading)

    anim = animation.FuncAnimation(fig, frame, frames=len(trajectories[0]), blit=False)
    with atomic_path(path) as tmp:
        anim.save(tmp, writer=animation.PillowWriter(fps=fps), dpi=dpi)
    plt.close(fig)
    return path


def plot_dataset_growth(coverage: np.ndarray, visible: int, schemes: Sequence[str] = ("uniform", "linear", "geometric"),
                        fig=None):
    """What the visible trajectories cover, and how they are weighted.

    Three panels: how many of the 512 3x3 configurations and of the 18
    birth/survival classes have been seen at least once and at least 10
    times as the visible count grows (with the current count marked); how often each class was seen at the current
    count; the weight of each visible trajectory under each scheme.

    Args:
        coverage: ``(n, 512)`` cumulative counts from
            :func:`lifelab.learning.data.cumulative_coverage`.
        visible: The visible count to mark (1 to n).
        schemes: Weighting schemes to compare.
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.

    Returns:
        The figure.
    """

    coverage = np.asarray(coverage)
    n = len(coverage)
    if not 1 <= visible <= n:
        raise InputError(f"visible must be in 1-{n}, got {visible}")
    if fig is None:
        fig = plt.figure(figsize=(13, 3.4))
    ax_cov, ax_cls, ax_w = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.2, 1.2, 1]})
    counts = np.arange(1, n + 1)
    for times, style in ((1, "-"), (10, "--")):
        classes = np.array([(count_class_counts(c) >= times).sum() for c in coverage])
        ax_cov.plot(counts, (coverage >= times).sum(axis=1) / N_PATTERNS, "o" + style, ms=3, color="C0",
                    label=f"configurations seen >= {times}x (of 512)")
        ax_cov.plot(counts, classes / 18, "s" + style, ms=3, color="C1", label=f"B/S classes seen >= {times}x (of 18)")
    ax_cov.axvline(visible, color="grey", lw=1, ls="--")
    ax_cov.set(xlabel="visible trajectories", ylabel="fraction seen", ylim=(0, 1.05), title="coverage")
    ax_cov.legend(fontsize=7, loc="lower right")
    ax_cov.grid(alpha=0.3)
    seen = count_class_counts(coverage[visible - 1])
    im = ax_cls.imshow(np.log10(seen + 1), cmap="viridis", aspect="auto")
    for (state, k), value in np.ndenumerate(seen):
        ax_cls.text(k, state, str(value) if value < 1000 else f"{value / 1000:.0f}k", ha="center", va="center",
                    fontsize=6, color="white" if value == 0 else "black")
    ax_cls.set(xticks=range(9), yticks=[0, 1], yticklabels=["dead (B)", "alive (S)"],
               xlabel="live Moore neighbours", title=f"class counts, {visible} visible")
    fig.colorbar(im, ax=ax_cls, label="log10(count + 1)")
    width = 0.8 / len(schemes)
    for i, scheme in enumerate(schemes):
        ax_w.bar(np.arange(1, visible + 1) + (i - (len(schemes) - 1) / 2) * width,
                 trajectory_weights(visible, scheme), width=width, label=scheme)
    ax_w.set(xlabel="trajectory (oldest first)", ylabel="weight (mean 1)", title="weights")
    ax_w.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_training_curves(histories: Mapping[str, object], fig=None):
    """Training curves of one or more runs: loss, per-cell and per-board accuracy.

    Solid lines are the training set, dashed lines the validation set
    (when the run had one).  The loss axis is logarithmic; the cell
    accuracy panel shows the error ``1 - accuracy`` on a log axis too, since
    the interesting part is the last few wrong cells.

    Args:
        histories: ``{label: History}`` (:class:`lifelab.learning.training.History`).
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.

    Returns:
        The figure.
    """
    if not histories:
        raise InputError("no training histories to plot")
    if fig is None:
        fig = plt.figure(figsize=(13, 3.3))
    ax_loss, ax_cell, ax_board = fig.subplots(1, 3)
    for i, (label, h) in enumerate(histories.items()):
        color = f"C{i % 10}"
        ax_loss.plot(h.epoch, h.train_loss, color=color, label=label)
        ax_cell.plot(h.epoch, np.maximum(1 - np.asarray(h.train_cell_acc), 1e-6), color=color, label=label)
        ax_board.plot(h.epoch, h.train_board_acc, color=color, label=label)
        if h.val_loss:
            ax_loss.plot(h.epoch, h.val_loss, color=color, ls="--")
            ax_cell.plot(h.epoch, np.maximum(1 - np.asarray(h.val_cell_acc), 1e-6), color=color, ls="--")
            ax_board.plot(h.epoch, h.val_board_acc, color=color, ls="--")
        if h.converged_epoch is not None:
            ax_board.plot([h.converged_epoch], [1.0], "*", color=color, ms=9)
    ax_loss.set(yscale="log", xlabel="epoch", ylabel="weighted cross-entropy", title="loss")
    ax_cell.set(yscale="log", xlabel="epoch", ylabel="1 - cell accuracy (floor 1e-6)", title="cells wrong")
    ax_board.set(xlabel="epoch", ylabel="boards exactly right", ylim=(-0.03, 1.03),
                 title="boards right (star: converged)")
    for ax in (ax_loss, ax_cell, ax_board):
        ax.grid(alpha=0.3)
    ax_board.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def plot_predictions(boards, truth, predicted, labels: Sequence[str] | None = None, cell_inches: float = 1.6):
    """Predicted vs true next boards: input, truth, prediction, and their difference, one row per example.

    Args:
        boards: ``(n, H, W)`` input boards.
        truth: ``(n, H, W)`` true next boards.
        predicted: ``(n, H, W)`` predicted next boards.
        labels: Row labels (e.g. the rule of each row).
        cell_inches: Size of each panel.

    Returns:
        The figure.
    """
    boards, truth, predicted = (np.asarray(a).astype(bool) for a in (boards, truth, predicted))
    if boards.ndim != 3 or boards.shape != truth.shape or boards.shape != predicted.shape:
        raise InputError(f"boards, truth and predicted must share one (n, H, W) shape, got "
                         f"{boards.shape}, {truth.shape}, {predicted.shape}")
    n = len(boards)
    if labels is not None and len(labels) != n:
        raise InputError(f"got {len(labels)} labels for {n} rows")
    fig, axes = plt.subplots(n, 4, figsize=(4 * cell_inches, n * cell_inches + 0.3), squeeze=False)
    for i in range(n):
        wrong = int((truth[i] != predicted[i]).sum())
        plot_board(boards[i], ax=axes[i, 0], title="x_t" if i == 0 else None)
        plot_board(truth[i], ax=axes[i, 1], title="true x_t+1" if i == 0 else None)
        plot_board(predicted[i], ax=axes[i, 2], title="predicted" if i == 0 else None)
        plot_difference(predicted[i], truth[i], ax=axes[i, 3], labels=("predicted", "true"),
                        title=f"{wrong} cells wrong")
        axes[i, 3].get_legend().remove()
        if labels is not None:
            axes[i, 0].set_ylabel(labels[i], fontsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=DIFF_CMAP(i)) for i in (1, 2, 3)]
    fig.tight_layout(rect=(0, 0.3 / (n * cell_inches + 0.3), 1, 1))
    fig.legend(handles, ["both", "only predicted", "only true"], loc="lower center", ncol=3, fontsize=7,
               frameon=False)
    return fig


def _mosaic(weight: np.ndarray) -> np.ndarray:
    """Tile ``(out, in, k, k)`` kernels: out channels along x, in channels along y, NaN gaps."""
    out, c_in, kh, kw = weight.shape
    tile = np.full((c_in * (kh + 1) - 1, out * (kw + 1) - 1), np.nan)
    for o in range(out):
        for i in range(c_in):
            tile[i * (kh + 1): i * (kh + 1) + kh, o * (kw + 1): o * (kw + 1) + kw] = weight[o, i]
    return tile


def _model_layers(model) -> list[tuple[str, np.ndarray]]:

    net = model.export() if isinstance(model, EquivariantCNN) else model
    layers = []
    for name, module in net.named_modules():
        if isinstance(module, TiedConv2d):
            free = module.weight.detach().cpu().numpy()  # (out, in, orbits)
            layers.append((f"{name}: tied, free values (in x orbit)", free[:, :, None, :]))
        elif isinstance(module, torch.nn.Conv2d):
            layers.append((f"{name}: {module.in_channels}->{module.out_channels}, "
                           f"{module.kernel_size[0]}x{module.kernel_size[1]}", module.weight.detach().cpu().numpy()))
    return layers


def plot_kernels(model, fig=None, max_out: int = 32):
    """Every convolution kernel of a model as heat maps on one shared, centred colour scale.

    Spatial layers are tiled (output channels across, input channels down);
    1x1 layers appear as ``in x out`` weight matrices.  e2cnn models are shown
    after ``.export()`` (their expanded filters); a weight-tied layer shows
    its handful of free values (one row per input channel, one column per
    kernel orbit: for 3x3, corner, edge, centre in orbit order).

    Args:
        model: A model of the zoo.
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.
        max_out: Show at most this many output channels per layer.

    Returns:
        The figure.
    """
    layers = [(name, w[:max_out]) for name, w in _model_layers(model)]
    if not layers:
        raise InputError(f"{type(model).__name__} has no convolution layers")
    tiles = []
    for name, w in layers:
        if w.shape[2:] == (1, 1):
            tiles.append((name + " (rows: inputs, columns: outputs)", w[:, :, 0, 0].T))
        else:
            tiles.append((name, _mosaic(w)))
    scale = max(float(np.nanmax(np.abs(t))) for _, t in tiles) or 1.0
    heights = [max(t.shape[0], 4) for _, t in tiles]
    if fig is None:
        fig = plt.figure(figsize=(12, 0.8 + 0.6 * len(tiles) + 0.09 * sum(heights)))
    axes = fig.subplots(len(tiles), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (name, tile) in zip(axes, tiles):
        image = ax.imshow(tile, cmap="RdBu_r", vmin=-scale, vmax=scale, interpolation="nearest", aspect="auto")
        ax.set_title(name, fontsize=8, loc="left")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="weight")
    return fig


def plot_count_kernels(kernels, similarity: Mapping[str, np.ndarray], ax_row=None, max_kernels: int = 16):
    """First-layer kernels as the alive indicator sees them, each with its neighbour-count similarity.

    Args:
        kernels: ``(channels, 3, 3)`` from :func:`lifelab.learning.models.first_layer_kernels`.
        similarity: From :func:`lifelab.learning.extract.count_kernel_similarity`.
        ax_row: Sequence of axes to draw on (one per kernel); a new figure if None.
        max_kernels: Show the kernels with the largest weights, at most this many.

    Returns:
        The figure.
    """
    kernels = np.asarray(kernels)
    order = np.argsort(-np.abs(kernels).reshape(len(kernels), -1).sum(axis=1))[:max_kernels]
    if ax_row is None:
        fig, ax_row = plt.subplots(1, len(order), figsize=(1.15 * len(order), 1.6), squeeze=False)
        ax_row = ax_row[0]
    fig = ax_row[0].figure
    for ax, c in zip(ax_row, order):
        scale = float(np.abs(kernels[c]).max()) or 1.0
        ax.imshow(kernels[c], cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"M {abs(similarity['moore'][c]):.2f}\nV {abs(similarity['vonneumann'][c]):.2f}", fontsize=7)
    return fig


def plot_confidence(result, ax=None, title: str | None = None):
    """The extracted table and its confidence, arranged by centre state and live Moore neighbours.

    Each small square is one of the 512 patterns, in a column by its number
    of live Moore neighbours (birth panel: centre dead; survival panel:
    centre alive).  Red means "alive next", blue "dead next"; pale means the
    network was unsure.  An outer-totalistic Moore rule gives single-coloured
    columns.

    Args:
        result: An :class:`lifelab.learning.extract.ExtractionResult` of a local model.
        ax: Axes to draw on; a new figure if None.
        title: Optional title.

    Returns:
        The figure.
    """
    if result.table.shape != (N_PATTERNS,):
        raise InputError(f"the confidence map needs a 3x3 ({N_PATTERNS}-pattern) extraction")
    signed = np.where(result.table, result.confidence, -result.confidence)
    fig, ax = _new_ax(ax, figsize=(5.5, 4))
    ax.imshow(_pattern_grid(signed), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    _pattern_grid_axes(ax, title)
    return fig


def _pattern_grid(values: np.ndarray) -> np.ndarray:
    """Arrange one value per 3x3 pattern in columns by centre state and live Moore neighbours (NaN between)."""
    live = counts("moore")
    grid = np.full((70, 19), np.nan)  # 70 = C(8, 4), the most patterns sharing a centre and a count
    for state in (False, True):
        for k in range(9):
            members = np.flatnonzero((CENTRE == state) & (live == k))
            grid[: len(members), state * 10 + k] = values[members]
    return grid


def _pattern_grid_axes(ax, title: str | None) -> None:
    ax.set_xticks(list(range(9)) + list(range(10, 19)), [str(k) for k in range(9)] * 2, fontsize=7)
    ax.set_yticks([])
    ax.set_xlabel("live Moore neighbours:  birth (centre dead)  |  survival (centre alive)", fontsize=8)
    ax.set_ylabel("patterns with that count", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)


def plot_sensitivity(sens, ax=None, title: str | None = None):
    """Influence of each offset on a cell's prediction; decisive offsets outlined.

    Args:
        sens: A :class:`lifelab.learning.extract.Sensitivity`.
        ax: Axes to draw on; a new figure if None.
        title: Optional title.

    Returns:
        The figure.
    """
    fig, ax = _new_ax(ax, figsize=(3, 3))
    r = sens.radius
    ax.imshow(sens.influence, cmap="Greys", vmin=0, vmax=1, extent=(-r - 0.5, r + 0.5, r + 0.5, -r - 0.5))
    for dy, dx in sens.offsets:
        ax.add_patch(plt.Rectangle((dx - 0.5, dy - 0.5), 1, 1, fill=False, edgecolor="C3", lw=1.5))
    ax.set_xticks(range(-r, r + 1))
    ax.set_yticks(range(-r, r + 1))
    ax.tick_params(labelsize=6)
    ax.set_title(title or f"influence ({len(sens.offsets)} decisive cells)", fontsize=9)
    return fig


def plot_class_test(check, evidence=None, ax=None, title: str | None = None):
    """The structure test beyond 3x3: what the network decided per (centre, live count) class.

    Each cell is one class: dark red when every sampled pattern of it was
    made alive, dark blue when none was; anything in between (outlined in
    orange) is a class whose decision depends on *which* cells are alive,
    so the network is not totalistic there.  On a weighted neighbourhood the
    columns are the weighted counts; those no set of live cells gives are hatched.  With ``evidence``, the classes
    the data never showed are marked with a grey dot: there the network's
    answer is its own guess.

    Args:
        check: A :class:`lifelab.learning.extract.ClassCheck`.
        evidence: Optional :class:`lifelab.evidence.CountEvidence` on the same neighbourhood.
        ax: Axes to draw on; a new figure if None.
        title: Optional title.

    Returns:
        The figure.
    """
    width = check.alive.shape[1]
    fig, ax = _new_ax(ax, figsize=(max(4.0, 0.22 * width), 1.8))
    ax.imshow(check.alive, cmap="RdBu_r", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for centre, count in zip(*np.nonzero(~check.constant)):
        ax.add_patch(plt.Rectangle((count - 0.5, centre - 0.5), 1, 1, fill=False, edgecolor="#ff9f1c", lw=2))
    if evidence is not None:
        if evidence.neighbourhood != check.neighbourhood:
            raise InputError(f"the evidence counts {evidence.neighbourhood.title}, the test {check.neighbourhood.title}")
        centre, count = np.nonzero(evidence.counts.sum(axis=2) == 0)
        ax.plot(count, centre, "o", color="#7f7f7f", ms=3, label="never observed")
        if len(count):
            ax.legend(fontsize=7, loc="upper right", bbox_to_anchor=(1, 1.45), frameon=False)
    ax.set_yticks([0, 1], ["dead", "alive"])
    nb = check.neighbourhood
    never = np.flatnonzero(~nb.reachable)
    for count in never:  # counts no set of live cells gives: no class to test
        ax.add_patch(plt.Rectangle((count - 0.5, -0.5), 1, 2, facecolor="white", edgecolor="#d9d9d9", hatch="//"))
    step = max(1, width // 25)
    ax.set_xticks(range(0, width, step), [str(i + nb.low) for i in range(0, width, step)])
    ax.tick_params(labelsize=7)
    ax.set_xlabel(f"{'weighted count of the live cells' if nb.weighted else 'live cells'} in {nb.title}", fontsize=8)
    ax.set_title(title or f"{check.samples} random patterns per class: fraction made alive", fontsize=9)
    return fig


COLLECTED_COLORS = {"initial": "#7f7f7f", "random": "#1f77b4", "query": "#ff7f0e", "supplied": "#2ca02c"}


#: Categories of the evidence map, in colour order.
EVIDENCE_CATEGORIES = ("observed: dead next", "observed: alive next", "observed with both next states",
                       "unobserved: guessed dead", "unobserved: guessed alive", "unobserved", "cannot occur here")
EVIDENCE_CMAP = ListedColormap(["#2166ac", "#b2182b", "#ff9f1c", "#c6dbef", "#fcc5c0", "#d9d9d9", "#ffffff"])


def evidence_categories(verdict) -> np.ndarray:
    """The category of each 3x3 pattern in :data:`EVIDENCE_CATEGORIES` (index per pattern).

    Args:
        verdict: A :class:`lifelab.evidence.Verdict`.

    Returns:
        ``(512,)`` int array.
    """
    raw = verdict.raw
    counts = raw.counts
    showable = raw.family.expand(raw.observable)
    category = np.where(counts[:, 1] > 0, 1, 0)
    category[(counts > 0).all(axis=1)] = 2
    unseen = counts.sum(axis=1) == 0
    if verdict.guess is not None:
        category[unseen] = np.where(verdict.guess[unseen], 4, 3)
    else:
        category[unseen] = 5
    category[unseen & ~showable] = 6
    return category


def plot_evidence(verdict, ax=None, title: str | None = None):
    """What the data showed for each of the 512 patterns, and what the network guessed where they showed nothing.

    The layout is :func:`plot_confidence`'s (a column per centre state and
    number of live Moore neighbours): deep blue or red where the data show
    the next state, orange where they show both (noise, or no 3x3 rule),
    pale blue or red where the pattern was never observed and the network
    guessed, grey where it was never observed, white where boards of the
    data's size cannot show it.

    Args:
        verdict: A :class:`lifelab.evidence.Verdict` (e.g. ``report.verdict`` or ``round.verdict``).
        ax: Axes to draw on; a new figure if None.
        title: Optional title (default: the rung and the counts).

    Returns:
        The figure.
    """
    category = evidence_categories(verdict).astype(float)
    fig, ax = _new_ax(ax, figsize=(5.5, 4))
    ax.imshow(_pattern_grid(category), cmap=EVIDENCE_CMAP, vmin=-0.5, vmax=len(EVIDENCE_CATEGORIES) - 0.5,
              aspect="auto", interpolation="nearest")
    present = sorted(set(category.astype(int)))
    ax.legend(handles=[Patch(facecolor=EVIDENCE_CMAP(i), edgecolor="#999999", label=EVIDENCE_CATEGORIES[i])
                       for i in present], fontsize=6, loc="lower right", framealpha=0.9)
    seen = int(verdict.raw.observed.sum())
    _pattern_grid_axes(ax, title if title is not None else f"{verdict.label}: {seen} of {N_PATTERNS} patterns observed")
    return fig


def plot_loop(report, fig=None):
    """The active-learning loop round by round.

    Left: trajectories visible in each round, coloured by how the newest was
    chosen, and all trajectories seen (visible and held out). Second: the
    patterns never observed (and the classes of the assumed family left
    open), with the verdict's rung per round. Third: the lowest confidence
    over the 512 patterns and how many are below the threshold. Right: the
    fraction of visible and held-out transitions the learner's rule
    reproduces, with the rule written above each round (green when it is the
    rule the data determine in the end, red when not).

    Args:
        report: A :class:`lifelab.loop.run.LoopReport`.
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.

    Returns:
        The figure.
    """
    rounds = report.rounds
    if not rounds:
        raise InputError("the report has no rounds to plot")
    if fig is None:
        fig = plt.figure(figsize=(15, 3.6))
    ax_data, ax_evidence, ax_conf, ax_match = fig.subplots(1, 4)
    x = [r.round for r in rounds]
    ax_data.bar(x, [r.visible for r in rounds], color=[COLLECTED_COLORS[r.collected] for r in rounds])
    ax_data.plot(x, [r.trajectories_seen for r in rounds], "k_", ms=14, mew=2, label="seen in all")
    handles = [Patch(color=color, label=f"newest: {name}") for name, color in COLLECTED_COLORS.items()
               if any(r.collected == name for r in rounds)]
    ax_data.set(xlabel="round", ylabel="visible trajectories", title="data")
    ax_data.legend(handles=handles + ax_data.get_legend_handles_labels()[0], fontsize=7, loc="upper left")
    ax_evidence.plot(x, [len(r.verdict.unobserved) for r in rounds], "o-", color="C3", label="patterns unobserved")
    if report.verdict.family.name != "table":
        ax_evidence.plot(x, [len(r.verdict.undecided) for r in rounds], "s--", color="C4",
                         label=f"open classes ({report.verdict.family.name})")
    for r in rounds:
        ax_evidence.annotate(r.verdict.rung, (r.round, len(r.verdict.unobserved)), xytext=(3, 5),
                             textcoords="offset points", rotation=45, fontsize=6)
    ax_evidence.set(xlabel="round", ylabel="count", title="evidence")
    ax_evidence.set_ylim(bottom=-1)
    ax_evidence.legend(fontsize=7, loc="upper right")
    ax_conf.plot(x, [r.min_confidence for r in rounds], "o-", color="C0", label="lowest confidence")
    ax_conf.axhline(report.threshold, color="C0", ls=":", lw=1)
    ax_conf.set(xlabel="round", ylabel="lowest confidence (512 patterns)", ylim=(0.45, 1.02), title="confidence")
    ax_low = ax_conf.twinx()
    low = [r.low_confidence for r in rounds]
    ax_low.bar(x, low, color="C1", alpha=0.35, width=0.5)
    ax_low.set_ylim(0, max(1, max(low)) * 1.1)
    ax_low.set_ylabel("patterns below threshold", color="C1")
    ax_match.plot(x, [r.visible_match for r in rounds], "o-", label="visible")
    held = [(r.round, r.holdout_match) for r in rounds if r.holdout_match is not None]
    if held:
        ax_match.plot(*zip(*held), "s--", label="held out")
    for r in rounds:
        text = "(none read)" if r.rule is None else str(r.rule)
        right = report.rule is not None and r.rule == report.rule
        ax_match.annotate(text if len(text) <= 24 else text[:21] + "...", (r.round, 1.0), xytext=(0, 6),
                          textcoords="offset points", rotation=60, fontsize=7, ha="left",
                          color="#2ca02c" if right else "#d62728")
    ax_match.set(xlabel="round", ylabel="transitions reproduced", ylim=(-0.03, 1.3), title="learned rule regenerates")
    ax_match.legend(fontsize=7, loc="lower right")
    for ax in (ax_data, ax_evidence, ax_conf, ax_match):
        ax.set_xticks(x)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{report.verdict.label}" + (f": {report.rule}" if report.rule is not None else ""), fontsize=10)
    fig.tight_layout()
    return fig


def plot_rule_map(indices, values, family: str = "moore", ax=None, title: str | None = None, cmap="viridis",
                  label: str | None = None):
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
    if indices.size and not (0 <= indices.min() and indices.max() < 4 ** bits):
        raise InputError(f"rule indices of the {family} family lie in 0-{4 ** bits - 1}")
    grid = np.full((2 ** bits, 2 ** bits), np.nan)
    grid[indices & (2 ** bits - 1), indices >> bits] = values
    fig, ax = _new_ax(ax, figsize=(5.5, 4.8))
    image = ax.imshow(grid, cmap=cmap, origin="lower", interpolation="nearest")
    ticks = [2 ** c for c in range(bits)]
    names = [str(c) if 2 ** c >= 2 ** bits // 32 else "" for c in range(bits)]  # the small sets' ticks crowd: unnamed
    ax.set_xticks(ticks, names, fontsize=7)
    ax.set_yticks(ticks, names, fontsize=7)
    ax.set_xlabel("survival set, in binary (tick c: sets whose largest count is c start here)", fontsize=8)
    ax.set_ylabel("birth set, in binary", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label=label)
    return fig


def plot_symmetry_evidence(results: Mapping[str, object], ax=None):
    """Which of the 8 D4 elements the data contradict, rule by rule.

    Each cell reads ``contradicted / checked``: of the observed pattern pairs
    ``(P, g P)``, how many went to different next states.  Red cells are
    contradicted elements; white ones are allowed by the data (grey: nothing
    to check).  The largest group the data allow is written at the right of
    each row.

    Args:
        results: ``{label: DataSymmetry}`` from :func:`lifelab.evidence.data_symmetry`.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The figure.
    """

    if not results:
        raise InputError("no symmetry results to plot")
    names = list(ELEMENT_NAMES.values())
    checked = np.array([[r.checked[n] for n in names] for r in results.values()])
    bad = np.array([[r.contradicted[n] for n in names] for r in results.values()])
    status = np.where(checked == 0, 0.5, np.where(bad > 0, 1.0, 0.0))
    fig, ax = _new_ax(ax, figsize=(8.5, 0.42 * len(results) + 1.4))
    ax.imshow(status, cmap=ListedColormap(["#ffffff", "#cccccc", "#e8a0a0"]), vmin=0, vmax=1, aspect="auto")
    for (i, j), n in np.ndenumerate(checked):
        ax.text(j, i, f"{bad[i, j]}/{n}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(results)), list(results), fontsize=8)
    for i, r in enumerate(results.values()):
        ax.annotate(r.group, (1.01, 1 - (i + 0.5) / len(results)), xycoords="axes fraction", va="center", fontsize=8,
                    color="#2ca02c" if r.group == "p4m" else "#d62728")
    ax.set_title("pattern pairs (P, gP) that disagree / pairs checked; right: the largest group the data allow",
                 fontsize=9)
    fig.tight_layout()
    return fig


def plot_growth_kernels(before, after, fields: int = 4, fig=None):
    """First-layer kernels of a model before and after :func:`lifelab.learning.models.grow_group`.

    One row per hidden field: the old field's kernel on the left (its
    identity channel), then the kernels
    the grown model has for that field (one for the weight-tied route: the
    projection; one per group element ``g`` for e2cnn: the old kernel moved
    by ``g``).  Kernels are ``W_alive - W_dead`` as in
    :func:`lifelab.learning.models.first_layer_kernels`; each row has its own
    centred colour scale.

    Args:
        before: The model before growth.
        after: The grown model.
        fields: How many fields (rows) to show.
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.

    Returns:
        The figure.
    """

    def field_size(model) -> int:
        return len(regular_field_elements(model.symmetry)) if isinstance(model, EquivariantCNN) else 1

    old, new = first_layer_kernels(before), first_layer_kernels(after)
    old_size, new_size = field_size(before), field_size(after)
    if len(old) // old_size != len(new) // new_size:
        raise InputError(f"the models have {len(old) // old_size} and {len(new) // new_size} first-layer fields; "
                         "pass a model and its grow_group() result")
    titles = ([f"g = {ELEMENT_NAMES[g]}" for g in regular_field_elements(after.symmetry)]
              if isinstance(after, EquivariantCNN) else ["projected"])
    rows = min(fields, len(old) // old_size)
    if fig is None:
        fig = plt.figure(figsize=(1.1 * (new_size + 1) + 0.6, 1.15 * rows + 0.5))
    axes = fig.subplots(rows, new_size + 1, squeeze=False)
    for c in range(rows):
        row = [old[c * old_size], *new[c * new_size:(c + 1) * new_size]]
        scale = max(float(np.abs(k).max()) for k in row) or 1.0
        for j, (ax, kernel) in enumerate(zip(axes[c], row)):
            ax.imshow(kernel, cmap="RdBu_r", vmin=-scale, vmax=scale)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_title("before" if j == 0 else titles[j - 1], fontsize=8)
        axes[c][0].set_ylabel(f"field {c}", fontsize=8)
    fig.suptitle(f"{type(before).__name__} ({getattr(before, 'symmetry', '?')}) -> "
                 f"{type(after).__name__} ({getattr(after, 'symmetry', '?')})", fontsize=9)
    return fig


def plot_growth(comparison, fig=None):
    """What growing the group keeps, and what it saves.

    Left: how many of the 512 patterns the model gets wrong before growth
    and just after it (no training), mean over seeds, per route and step.
    Right: optimiser steps to predict every training board exactly again
    after growth, against a fresh model of the larger group (bars: medians
    of the runs that got there; dots: seeds; crosses at the top: runs that
    never did within the budget).

    Args:
        comparison: A :class:`lifelab.viz.experiments.GrowthComparison`.
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.

    Returns:
        The figure.
    """
    keys = list(dict.fromkeys((s.route, s.start, s.to) for s in comparison.steps))
    if not keys:
        raise InputError("the comparison has no growth steps")
    if fig is None:
        fig = plt.figure(figsize=(12, 3.6))
    ax_acc, ax_steps = fig.subplots(1, 2)
    x = np.arange(len(keys))
    labels = [f"{route}\n{start}->{to}" for route, start, to in keys]
    budget = comparison.epochs * max(s.steps_per_epoch for s in comparison.steps)
    for offset, (name, attr, color) in zip((-0.2, 0.2), (("before growth", "source_patterns", "#7f7f7f"),
                                                          ("after growth, no training", "grown_patterns", "C0"))):
        wrong = [N_PATTERNS * (1 - np.mean([getattr(s, attr) for s in comparison.steps if (s.route, s.start, s.to) == k]))
                 for k in keys]
        bars = ax_acc.bar(x + offset, wrong, width=0.38, color=color, label=name)
        ax_acc.bar_label(bars, [f"{w:.3g}" for w in wrong], fontsize=7)
    ax_acc.set(ylabel="patterns wrong, of 512 (mean over seeds)", title="how much of the rule survives")
    ax_acc.set_ylim(0, max(1.0, ax_acc.get_ylim()[1] * 1.15))
    ax_acc.set_xticks(x, labels, fontsize=8)
    ax_acc.legend(fontsize=7, loc="upper left")
    for offset, (name, attr, color) in zip((-0.2, 0.2), (("after growth", "retrain_steps", "C0"),
                                                          ("from scratch", "scratch_steps", "C1"))):
        for i, k in enumerate(keys):
            values = [getattr(s, attr) for s in comparison.steps if (s.route, s.start, s.to) == k]
            reached = [v for v in values if v is not None]
            if reached:
                ax_steps.bar(i + offset, np.median(reached), width=0.38, color=color, alpha=0.6, label=name)
                ax_steps.plot([i + offset] * len(reached), reached, "o", color=color, ms=3)
            missed = len(values) - len(reached)
            if missed:
                ax_steps.plot([i + offset] * missed, [budget] * missed, "x", color=color, ms=7, label=f"{name}: never")
    ax_steps.set(ylabel="optimiser steps to 100% of training boards", title="what it saves",
                 ylim=(0, budget * 1.08))
    ax_steps.set_xticks(x, labels, fontsize=8)
    handles, names = ax_steps.get_legend_handles_labels()
    by_name = dict(zip(names, handles))
    ax_steps.legend(by_name.values(), by_name.keys(), fontsize=7, loc="upper left")
    for ax in (ax_acc, ax_steps):
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"growing the symmetry group on {comparison.rule.name or comparison.rule}", fontsize=10)
    fig.tight_layout()
    return fig
