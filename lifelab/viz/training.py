"""Training: what the visible trajectories cover, training curves, predicted against true next boards."""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from lifelab.errors import InputError
from lifelab.geometry import N_PATTERNS, count_class_counts
from lifelab.learning import History, trajectory_weights
from lifelab.viz.boards import DIFF_CMAP, plot_board, plot_difference

__all__ = ["plot_dataset_growth", "plot_predictions", "plot_training_curves"]


def plot_dataset_growth(
    coverage: np.ndarray, visible: int, schemes: Sequence[str] = ("uniform", "linear", "geometric"), fig=None
):
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
        ax_cov.plot(
            counts,
            (coverage >= times).sum(axis=1) / N_PATTERNS,
            "o" + style,
            ms=3,
            color="C0",
            label=f"configurations seen >= {times}x (of 512)",
        )
        ax_cov.plot(counts, classes / 18, "s" + style, ms=3, color="C1", label=f"B/S classes seen >= {times}x (of 18)")
    ax_cov.axvline(visible, color="grey", lw=1, ls="--")
    ax_cov.set(xlabel="visible trajectories", ylabel="fraction seen", ylim=(0, 1.05), title="coverage")
    ax_cov.legend(fontsize=7, loc="lower right")
    ax_cov.grid(alpha=0.3)
    seen = count_class_counts(coverage[visible - 1])
    im = ax_cls.imshow(np.log10(seen + 1), cmap="viridis", aspect="auto")
    for (state, k), value in np.ndenumerate(seen):
        ax_cls.text(
            k,
            state,
            str(value) if value < 1000 else f"{value / 1000:.0f}k",
            ha="center",
            va="center",
            fontsize=6,
            color="white" if value == 0 else "black",
        )
    ax_cls.set(
        xticks=range(9),
        yticks=[0, 1],
        yticklabels=["dead (B)", "alive (S)"],
        xlabel="live Moore neighbours",
        title=f"class counts, {visible} visible",
    )
    fig.colorbar(im, ax=ax_cls, label="log10(count + 1)")
    width = 0.8 / len(schemes)
    for i, scheme in enumerate(schemes):
        ax_w.bar(
            np.arange(1, visible + 1) + (i - (len(schemes) - 1) / 2) * width,
            trajectory_weights(visible, scheme),
            width=width,
            label=scheme,
        )
    ax_w.set(xlabel="trajectory (oldest first)", ylabel="weight (mean 1)", title="weights")
    ax_w.legend(fontsize=7)
    fig.tight_layout()
    return fig


def plot_training_curves(histories: Mapping[str, History], fig=None):
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
    ax_board.set(
        xlabel="epoch", ylabel="boards exactly right", ylim=(-0.03, 1.03), title="boards right (star: converged)"
    )
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
        raise InputError(
            f"boards, truth and predicted must share one (n, H, W) shape, got "
            f"{boards.shape}, {truth.shape}, {predicted.shape}"
        )
    n = len(boards)
    if labels is not None and len(labels) != n:
        raise InputError(f"got {len(labels)} labels for {n} rows")
    fig, axes = plt.subplots(n, 4, figsize=(4 * cell_inches, n * cell_inches + 0.3), squeeze=False)
    for i in range(n):
        wrong = int((truth[i] != predicted[i]).sum())
        plot_board(boards[i], ax=axes[i, 0], title="x_t" if i == 0 else None)
        plot_board(truth[i], ax=axes[i, 1], title="true x_t+1" if i == 0 else None)
        plot_board(predicted[i], ax=axes[i, 2], title="predicted" if i == 0 else None)
        plot_difference(
            predicted[i], truth[i], ax=axes[i, 3], labels=("predicted", "true"), title=f"{wrong} cells wrong"
        )
        axes[i, 3].get_legend().remove()
        if labels is not None:
            axes[i, 0].set_ylabel(labels[i], fontsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=DIFF_CMAP(i)) for i in (1, 2, 3)]
    fig.tight_layout(rect=(0, 0.3 / (n * cell_inches + 0.3), 1, 1))
    fig.legend(handles, ["both", "only predicted", "only true"], loc="lower center", ncol=3, fontsize=7, frameon=False)
    return fig
