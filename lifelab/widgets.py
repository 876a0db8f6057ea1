"""ipywidgets front ends for the notebooks."""

from __future__ import annotations

import io
from typing import Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lifelab.data import cumulative_coverage
from lifelab.patterns import N_PATTERNS
from lifelab.plots import plot_board, plot_confidence, plot_dataset_growth, plot_evidence

__all__ = ["figure_slider", "loop_replay", "trajectory_slider", "visible_count_slider"]


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def figure_slider(draw: Callable[[int], Figure], low: int, high: int, value: int | None = None,
                  description: str = "") -> widgets.VBox:
    """An integer slider that redraws a figure.

    The figure is rendered to a PNG shown in an ``ipywidgets.Image``, so the
    widget behaves the same in JupyterLab, in nbclient and under nbval.

    Args:
        draw: Makes the figure for a slider value; it should build a bare
            ``matplotlib.figure.Figure`` (not pyplot's, which the inline
            backend would show a second time).
        low, high: Slider range.
        value: Initial value (default ``low``).
        description: Slider label.

    Returns:
        An ``ipywidgets.VBox`` of the ``IntSlider`` (``children[0]``) and the
        image; its ``figure`` attribute is the figure last drawn.
    """
    slider = widgets.IntSlider(value=low if value is None else value, min=low, max=high, step=1,
                               description=description, continuous_update=False,
                               layout=widgets.Layout(width="60%"))
    image = widgets.Image(format="png")
    box = widgets.VBox([slider, image])

    def update(v: int) -> None:
        box.figure = draw(v)
        image.value = _png(box.figure)

    slider.observe(lambda change: update(change["new"]), names="value")
    update(slider.value)
    return box


def trajectory_slider(trajectories: Mapping[str, np.ndarray], columns: int = 3, cell_inches: float = 2.4):
    """A time slider over one or more trajectories drawn side by side.

    Args:
        trajectories: Label -> ``(steps + 1, height, width)`` trajectory; all
            the same length.
        columns: Panels per row.
        cell_inches: Size of each panel.

    Returns:
        A :func:`figure_slider` over the steps.
    """
    if not trajectories:
        raise ValueError("no trajectories to show")
    arrays = {label: np.asarray(traj) for label, traj in trajectories.items()}
    states = {label: max(2, int(traj.max(initial=0)) + 1) for label, traj in arrays.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"trajectories must have the same length, got {sorted(lengths)}")
    steps = lengths.pop() - 1
    columns = min(columns, len(arrays))
    rows = -(-len(arrays) // columns)

    def draw(t: int) -> Figure:
        fig = Figure(figsize=(cell_inches * columns, cell_inches * rows))
        axes = fig.subplots(rows, columns, squeeze=False)
        for ax, (label, traj) in zip(axes.flat, arrays.items()):
            plot_board(traj[t], ax=ax, title=f"{label}  t={t}  live={int((traj[t] == 1).sum())}", states=states[label])
        for ax in axes.flat[len(arrays):]:
            ax.axis("off")
        fig.tight_layout()
        return fig

    return figure_slider(draw, 0, steps, description="t")


def visible_count_slider(trajectories, value: int = 1) -> widgets.VBox:
    """A slider over the number of visible trajectories, redrawing coverage and weights.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 array, in visibility order.
        value: Initial visible count.

    Returns:
        A :func:`figure_slider` from 1 to n (see :func:`lifelab.plots.plot_dataset_growth`).
    """
    coverage = cumulative_coverage(trajectories)
    return figure_slider(lambda k: plot_dataset_growth(coverage, k, fig=Figure(figsize=(13, 3.4))),
                         1, len(coverage), value=value, description="visible")


def loop_replay(reports: Mapping[str, object], cell_inches: float = 3.2) -> widgets.VBox:
    """Pick a loop run and step through its rounds.

    Each round shows the first board of the trajectory revealed for it (a
    query board in query mode), the evidence of every trajectory seen so far
    (:func:`lifelab.plots.plot_evidence`), the learner's table with its
    confidence (:func:`lifelab.plots.plot_confidence`), and the round's
    figures with its verdict.

    Args:
        reports: Label -> :class:`lifelab.loop.LoopReport`.
        cell_inches: Height of the figure.

    Returns:
        An ``ipywidgets.VBox`` of a ``Dropdown`` (``children[0]``), an
        ``IntSlider`` over rounds (``children[1]``) and the image; its
        ``figure`` attribute is the figure last drawn.
    """
    if not reports:
        raise ValueError("no loop reports to replay")
    picker = widgets.Dropdown(options=list(reports), description="run")
    slider = widgets.IntSlider(value=1, min=1, max=len(reports[picker.value].rounds), step=1,
                               description="round", continuous_update=False, layout=widgets.Layout(width="60%"))
    image = widgets.Image(format="png")
    box = widgets.VBox([picker, slider, image])

    def draw(*_) -> None:
        report = reports[picker.value]
        r = report.rounds[slider.value - 1]
        fig = Figure(figsize=(cell_inches * 4.6, cell_inches))
        ax_board, ax_evidence, ax_conf, ax_text = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1.6, 1.6, 1.3]})
        plot_board(report.trajectories_seen[r.visible - 1, 0],
                   ax=ax_board, title=f"trajectory {r.visible} ({r.collected}), t=0")
        plot_evidence(r.verdict, ax=ax_evidence, title=f"round {r.round}: evidence of {r.trajectories_seen} trajectories")
        if r.extraction.table.shape == (N_PATTERNS,):
            plot_confidence(r.extraction, ax=ax_conf, title=f"round {r.round}: learned table and confidence")
        else:
            ax_conf.axis("off")
        ax_text.axis("off")
        held = "-" if r.holdout_match is None else f"{r.holdout_match:.2%}"
        lines = [f"round {r.round} of {len(report.rounds)}", f"rule: {r.rule if r.rule is not None else '(none read)'}",
                 f"visible: {r.visible} ({r.transitions} transitions)", f"seen: {r.trajectories_seen}",
                 f"epochs: {r.epochs}", f"lowest confidence: {r.min_confidence:.3f}",
                 f"below threshold: {r.low_confidence}", f"reproduces visible: {r.visible_match:.2%}",
                 f"reproduces held out: {held}", f"unobserved patterns: {len(r.verdict.unobserved)}",
                 f"verdict: {r.verdict.label}", f"learner has the rule: {r.done}"]
        ax_text.text(0, 1, "\n".join(lines), va="top", family="monospace", fontsize=8, wrap=True)
        fig.tight_layout()
        box.figure = fig
        image.value = _png(fig)

    def pick(change) -> None:
        rounds = len(reports[change["new"]].rounds)
        with slider.hold_trait_notifications():
            slider.value = min(slider.value, rounds)
            slider.max = rounds
        draw()

    picker.observe(pick, names="value")
    slider.observe(draw, names="value")
    draw()
    return box
