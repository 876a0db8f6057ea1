"""What a network holds: its kernels, the influence of each offset, the structure test, growing its group."""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
import torch

from lifelab.errors import InputError
from lifelab.geometry import ELEMENT_NAMES, N_PATTERNS
from lifelab.learning import EquivariantCNN, TiedConv2d, first_layer_kernels, regular_field_elements
from lifelab.viz.boards import _new_ax

__all__ = [
    "plot_class_test",
    "plot_count_kernels",
    "plot_growth",
    "plot_growth_kernels",
    "plot_kernels",
    "plot_sensitivity",
]


def _mosaic(weight: np.ndarray) -> np.ndarray:
    """Tile ``(out, in, k, k)`` kernels: out channels along x, in channels along y, NaN gaps."""
    out, c_in, kh, kw = weight.shape
    tile = np.full((c_in * (kh + 1) - 1, out * (kw + 1) - 1), np.nan)
    for o in range(out):
        for i in range(c_in):
            tile[i * (kh + 1) : i * (kh + 1) + kh, o * (kw + 1) : o * (kw + 1) + kw] = weight[o, i]
    return tile


def _model_layers(model) -> list[tuple[str, np.ndarray]]:

    net = model.export() if isinstance(model, EquivariantCNN) else model
    layers = []
    for name, module in net.named_modules():
        if isinstance(module, TiedConv2d):
            free = module.weight.detach().cpu().numpy()  # (out, in, orbits)
            layers.append((f"{name}: tied, free values (in x orbit)", free[:, :, None, :]))
        elif isinstance(module, torch.nn.Conv2d):
            layers.append(
                (
                    f"{name}: {module.in_channels}->{module.out_channels}, "
                    f"{module.kernel_size[0]}x{module.kernel_size[1]}",
                    module.weight.detach().cpu().numpy(),
                )
            )
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
    for ax, (name, tile) in zip(axes, tiles, strict=True):
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
    for ax, c in zip(ax_row, order, strict=False):  # axes given may outnumber the kernels shown
        scale = float(np.abs(kernels[c]).max()) or 1.0
        ax.imshow(kernels[c], cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"M {abs(similarity['moore'][c]):.2f}\nV {abs(similarity['vonneumann'][c]):.2f}", fontsize=7)
    return fig


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
    for centre, count in zip(*np.nonzero(~check.constant), strict=True):
        ax.add_patch(plt.Rectangle((count - 0.5, centre - 0.5), 1, 1, fill=False, edgecolor="#ff9f1c", lw=2))
    if evidence is not None:
        if evidence.neighbourhood != check.neighbourhood:
            raise InputError(
                f"the evidence counts {evidence.neighbourhood.title}, the test {check.neighbourhood.title}"
            )
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
        raise InputError(
            f"the models have {len(old) // old_size} and {len(new) // new_size} first-layer fields; "
            "pass a model and its grow_group() result"
        )
    titles = (
        [f"g = {ELEMENT_NAMES[g]}" for g in regular_field_elements(after.symmetry)]
        if isinstance(after, EquivariantCNN)
        else ["projected"]
    )
    rows = min(fields, len(old) // old_size)
    if fig is None:
        fig = plt.figure(figsize=(1.1 * (new_size + 1) + 0.6, 1.15 * rows + 0.5))
    axes = fig.subplots(rows, new_size + 1, squeeze=False)
    for c in range(rows):
        row = [old[c * old_size], *new[c * new_size : (c + 1) * new_size]]
        scale = max(float(np.abs(k).max()) for k in row) or 1.0
        for j, (ax, kernel) in enumerate(zip(axes[c], row, strict=True)):
            ax.imshow(kernel, cmap="RdBu_r", vmin=-scale, vmax=scale)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_title("before" if j == 0 else titles[j - 1], fontsize=8)
        axes[c][0].set_ylabel(f"field {c}", fontsize=8)
    fig.suptitle(
        f"{type(before).__name__} ({getattr(before, 'symmetry', '?')}) -> "
        f"{type(after).__name__} ({getattr(after, 'symmetry', '?')})",
        fontsize=9,
    )
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
        comparison: A :class:`lifelab.viz.comparisons.GrowthComparison`.
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
    for offset, (name, attr, color) in zip(
        (-0.2, 0.2),
        (("before growth", "source_patterns", "#7f7f7f"), ("after growth, no training", "grown_patterns", "C0")),
        strict=True,
    ):
        wrong = [
            N_PATTERNS * (1 - np.mean([getattr(s, attr) for s in comparison.steps if (s.route, s.start, s.to) == k]))
            for k in keys
        ]
        bars = ax_acc.bar(x + offset, wrong, width=0.38, color=color, label=name)
        ax_acc.bar_label(bars, [f"{w:.3g}" for w in wrong], fontsize=7)
    ax_acc.set(ylabel="patterns wrong, of 512 (mean over seeds)", title="how much of the rule survives")
    ax_acc.set_ylim(0, max(1.0, ax_acc.get_ylim()[1] * 1.15))
    ax_acc.set_xticks(x, labels, fontsize=8)
    ax_acc.legend(fontsize=7, loc="upper left")
    for offset, (name, attr, color) in zip(
        (-0.2, 0.2), (("after growth", "retrain_steps", "C0"), ("from scratch", "scratch_steps", "C1")), strict=True
    ):
        for i, k in enumerate(keys):
            values = [getattr(s, attr) for s in comparison.steps if (s.route, s.start, s.to) == k]
            reached = [v for v in values if v is not None]
            if reached:
                ax_steps.bar(i + offset, np.median(reached), width=0.38, color=color, alpha=0.6, label=name)
                ax_steps.plot([i + offset] * len(reached), reached, "o", color=color, ms=3)
            missed = len(values) - len(reached)
            if missed:
                ax_steps.plot([i + offset] * missed, [budget] * missed, "x", color=color, ms=7, label=f"{name}: never")
    ax_steps.set(ylabel="optimiser steps to 100% of training boards", title="what it saves", ylim=(0, budget * 1.08))
    ax_steps.set_xticks(x, labels, fontsize=8)
    handles, names = ax_steps.get_legend_handles_labels()
    by_name = dict(zip(names, handles, strict=True))
    ax_steps.legend(by_name.values(), by_name.keys(), fontsize=7, loc="upper left")
    for ax in (ax_acc, ax_steps):
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"growing the symmetry group on {comparison.rule.name or comparison.rule}", fontsize=10)
    fig.tight_layout()
    return fig
