"""ipywidgets front ends for the notebooks.

Each widget shows pictures that a slider (and a dropdown) picks.  A picture
is a PNG in an ``ipywidgets.Image`` shown at its own size (never stretched
to the output's width), drawn at twice the screen's resolution so that its
text stays sharp.  Pictures are drawn once and kept; while one is shown,
its neighbours are drawn ahead on a second thread, so stepping through them
redraws at once.  Boards are coloured straight from their cells (no
matplotlib), a few milliseconds each.

Each widget also carries its current picture (every panel, with its
title) as a plain PNG beside the widget view in its display data, at its
width on screen: where the live widget cannot be shown (a notebook just
opened and not yet trusted, or viewed outside Jupyter) that picture is
shown instead of the widget's text.
"""

from __future__ import annotations

import base64
import html
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Generic, Hashable, Iterable, Mapping, TypeVar

import ipywidgets as widgets
import numpy as np
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from PIL import Image

from lifelab.errors import InputError
from lifelab.geometry import N_PATTERNS
from lifelab.learning import cumulative_coverage
from lifelab.loop import LoopReport
from lifelab.viz.boards import plot_board, state_cmap
from lifelab.viz.evidence import plot_confidence, plot_evidence
from lifelab.viz.training import plot_dataset_growth

__all__ = ["figure_slider", "loop_replay", "trajectory_slider", "visible_count_slider", "wide_text_scrolls"]

CSS_DPI = 96  # screen pixels per inch of a figure
SCALE = 2  # PNG pixels per screen pixel


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CSS_DPI * SCALE)
    return buffer.getvalue()


def _png_of(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="png")
    return buffer.getvalue()


def _picture(width_px: float) -> widgets.Image:
    """An image widget shown ``width_px`` screen pixels wide, or narrower where the output is narrower."""
    return widgets.Image(
        format="png", layout=widgets.Layout(width=f"{int(width_px)}px", max_width="100%", height="auto")
    )


_DRAWING = threading.Lock()  # matplotlib is not thread-safe: one picture is drawn at a time


_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class _Drawn(Generic[_K, _V]):
    """Pictures drawn once by key, the neighbours of the one shown drawn ahead on a second thread."""

    def __init__(self, draw: Callable[[_K], _V]):
        self.draw = draw
        self.done: dict[_K, _V] = {}
        self.lock = threading.Lock()
        self.ahead_pool = ThreadPoolExecutor(1)

    def __getitem__(self, key: _K) -> _V:
        with self.lock:
            if key in self.done:
                return self.done[key]
        with _DRAWING:
            drawn = self.draw(key)
        with self.lock:
            return self.done.setdefault(key, drawn)

    def ahead(self, keys: Iterable[_K]) -> None:
        """Draw these on the second thread, unless drawn already."""
        for key in keys:
            if key not in self.done:
                self.ahead_pool.submit(self.__getitem__, key)


class _PictureBox(widgets.VBox):
    """A VBox that puts its current picture, as a plain PNG, beside its widget view when displayed.

    ``still()`` gives that picture and its width on screen.
    """

    summary: str = ""
    #: The current picture and its width on screen (each function that builds a box sets it).
    still: Callable[[], tuple[bytes, int]]

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/plain"] = self.summary
        png, width = self.still()
        data["image/png"] = base64.b64encode(png).decode("ascii")
        return data, {"image/png": {"width": width}}


def figure_slider(
    draw: Callable[[int], Figure], low: int, high: int, value: int | None = None, description: str = ""
) -> widgets.VBox:
    """An integer slider that shows a figure per value.

    Args:
        draw: Makes the figure for a slider value; it should build a bare
            ``matplotlib.figure.Figure`` (not pyplot's, which the inline
            backend would show a second time), and may be called on a second thread.
        low, high: Slider range.
        value: Initial value (default ``low``).
        description: Slider label.

    Returns:
        An ``ipywidgets.VBox`` of the ``IntSlider`` (``children[0]``) and the
        image; its ``figure`` attribute is the figure shown.
    """
    slider = widgets.IntSlider(
        value=low if value is None else value,
        min=low,
        max=high,
        step=1,
        description=description,
        continuous_update=False,
        layout=widgets.Layout(width="60%"),
    )
    drawn: _Drawn[int, tuple[Figure, bytes]] = _Drawn(lambda v: (lambda fig: (fig, _png(fig)))(draw(v)))
    first = drawn[slider.value][0]
    image = _picture(first.get_size_inches()[0] * CSS_DPI)
    box = _PictureBox([slider, image])
    box.summary = f"{description or 'value'} slider, {low} to {high}: run the notebook to move it"
    box.still = lambda: (image.value, int(box.figure.get_size_inches()[0] * CSS_DPI))

    def show(v: int) -> None:
        box.figure, image.value = drawn[v]
        drawn.ahead(n for n in (v + 1, v - 1) if low <= n <= high)

    slider.observe(lambda change: show(change["new"]), names="value")
    show(slider.value)
    return box


def _colours(states: int, colors: dict | None = None) -> np.ndarray:
    return (to_rgba_array(state_cmap(states, colors).colors)[:, :3] * 255).astype(np.uint8)


def trajectory_slider(
    trajectories: Mapping[str, np.ndarray], columns: int = 3, cell_inches: float = 2.4, colors: dict | None = None
):
    """A time slider over one or more trajectories shown side by side.

    Args:
        trajectories: Label -> ``(steps + 1, height, width)`` trajectory; all
            the same length.
        columns: Panels per row.
        cell_inches: Width of each panel on screen.
        colors: ``{state: (r, g, b)}`` in 0-255 for the states (a rule table's ``@COLORS``, ``rule.colors``).

    Returns:
        An ``ipywidgets.VBox`` of the ``IntSlider`` over steps (``children[0]``)
        and the panels (``children[1]``), each a title (``ipywidgets.HTML``)
        over an image; ``titles`` lists the title widgets.
    """
    if not trajectories:
        raise InputError("no trajectories to show")
    arrays = {label: np.asarray(traj) for label, traj in trajectories.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1:
        raise InputError(f"trajectories must have the same length, got {sorted(lengths)}")
    steps = lengths.pop() - 1
    colours = {label: _colours(max(2, int(traj.max(initial=0)) + 1), colors) for label, traj in arrays.items()}
    width = cell_inches * CSS_DPI

    def draw(t: int) -> list[tuple[str, bytes]]:
        panels = []
        for label, traj in arrays.items():
            board = traj[t].astype(np.intp)
            zoom = max(1, round(width * SCALE / max(board.shape)))
            rgb = np.repeat(np.repeat(colours[label][board], zoom, axis=0), zoom, axis=1)
            live = int((board == 1).sum())
            panels.append((f"<b>{html.escape(label)}</b>&nbsp; t={t} &nbsp;live={live}", _png_of(rgb)))
        return panels

    slider = widgets.IntSlider(
        value=0, min=0, max=steps, step=1, description="t", continuous_update=False, layout=widgets.Layout(width="60%")
    )
    titles = [widgets.HTML() for _ in arrays]
    images = [_picture(width) for _ in arrays]
    grid = widgets.GridBox(
        [widgets.VBox([title, image]) for title, image in zip(titles, images, strict=True)],
        layout=widgets.Layout(
            grid_template_columns=f"repeat({min(columns, len(arrays))}, minmax(0, {int(width) + 8}px))"
        ),
    )
    box = _PictureBox([slider, grid])
    box.titles = titles
    box.summary = f"time slider over {', '.join(arrays)}, t = 0 to {steps}: run the notebook to move it"
    drawn = _Drawn(draw)

    def still() -> tuple[bytes, int]:
        """Every panel with its title at the slider's step, as one matplotlib figure."""
        t, shown = slider.value, min(columns, len(arrays))
        rows = -(-len(arrays) // shown)
        fig = Figure(figsize=(cell_inches * shown, (cell_inches + 0.3) * rows))
        axes = fig.subplots(rows, shown, squeeze=False)
        for ax, (label, traj) in zip(axes.flat, arrays.items(), strict=False):  # the last row may have spare axes
            plot_board(
                traj[t], ax=ax, title=f"{label}  t={t}  live={int((traj[t] == 1).sum())}", states=len(colours[label])
            )
        for ax in axes.flat[len(arrays) :]:
            ax.axis("off")
        fig.tight_layout()
        with _DRAWING:
            return _png(fig), int(cell_inches * shown * CSS_DPI)

    box.still = still

    def show(t: int) -> None:
        for (title, png), title_widget, image in zip(drawn[t], titles, images, strict=True):
            title_widget.value, image.value = title, png
        drawn.ahead(n for n in (t + 1, t - 1) if 0 <= n <= steps)

    slider.observe(lambda change: show(change["new"]), names="value")
    show(0)
    return box


def visible_count_slider(trajectories, value: int = 1) -> widgets.VBox:
    """A slider over the number of visible trajectories, redrawing coverage and weights.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 array, in visibility order.
        value: Initial visible count.

    Returns:
        A :func:`figure_slider` from 1 to n (see :func:`lifelab.viz.plot_dataset_growth`).
    """
    coverage = cumulative_coverage(trajectories)
    return figure_slider(
        lambda k: plot_dataset_growth(coverage, k, fig=Figure(figsize=(10.5, 3.6))),
        1,
        len(coverage),
        value=value,
        description="visible",
    )


def loop_replay(reports: Mapping[str, LoopReport], cell_inches: float = 2.6) -> widgets.VBox:
    """Pick a loop run and step through its rounds.

    Each round shows, under a title naming the run and the round, the first
    board of the trajectory revealed for it (a query board in query mode),
    the evidence of every trajectory seen so far
    (:func:`lifelab.viz.plot_evidence`), the learner's table with its
    confidence (:func:`lifelab.viz.plot_confidence`), and the round's
    figures with its verdict.

    Args:
        reports: Label -> :class:`lifelab.loop.run.LoopReport`.
        cell_inches: Height of the figure.

    It opens on the first run with more than one round.

    Returns:
        An ``ipywidgets.VBox`` of a ``Dropdown`` (``children[0]``), an
        ``IntSlider`` over rounds (``children[1]``) and the image; its
        ``figure`` attribute is the figure shown.
    """
    if not reports:
        raise InputError("no loop reports to replay")
    # open on the first run with more than one round to step through
    first = next((label for label, report in reports.items() if len(report.rounds) > 1), next(iter(reports)))
    picker = widgets.Dropdown(
        options=list(reports),
        value=first,
        description="run",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="max-content"),
    )
    slider = widgets.IntSlider(
        value=1,
        min=1,
        max=len(reports[picker.value].rounds),
        step=1,
        description="round",
        continuous_update=False,
        layout=widgets.Layout(width="60%"),
    )

    def draw(key: tuple[str, int]) -> tuple[Figure, bytes]:
        label, number = key
        report = reports[label]
        r = report.rounds[number - 1]
        fig = Figure(figsize=(cell_inches * 4.6, cell_inches + 0.4))
        ax_board, ax_evidence, ax_conf, ax_text = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1.6, 1.6, 1.3]})
        fig.suptitle(f"{label}: round {r.round} of {len(report.rounds)}", fontweight="bold")
        plot_board(
            report.trajectories_seen[r.visible - 1, 0],
            ax=ax_board,
            title=f"trajectory {r.visible} ({r.collected}), t=0",
        )
        plot_evidence(
            r.verdict, ax=ax_evidence, title=f"round {r.round}: evidence of {r.trajectories_seen} trajectories"
        )
        if r.extraction.table.shape == (N_PATTERNS,):
            plot_confidence(r.extraction, ax=ax_conf, title=f"round {r.round}: learned table and confidence")
        else:
            ax_conf.axis("off")
        ax_text.axis("off")
        held = "-" if r.holdout_match is None else f"{r.holdout_match:.2%}"
        lines = [
            f"round {r.round} of {len(report.rounds)}",
            f"rule: {r.rule if r.rule is not None else '(none read)'}",
            f"visible: {r.visible} ({r.transitions} transitions)",
            f"seen: {r.trajectories_seen}",
            f"epochs: {r.epochs}",
            f"lowest confidence: {r.min_confidence:.3f}",
            f"below threshold: {r.low_confidence}",
            f"reproduces visible: {r.visible_match:.2%}",
            f"reproduces held out: {held}",
            f"unobserved patterns: {len(r.verdict.unobserved)}",
            f"verdict: {r.verdict.label}",
            f"learner has the rule: {r.done}",
        ]
        ax_text.text(0, 1, "\n".join(lines), va="top", family="monospace", fontsize=8, wrap=True)
        fig.tight_layout()
        return fig, _png(fig)

    drawn = _Drawn(draw)
    image = _picture(cell_inches * 4.6 * CSS_DPI)
    box = _PictureBox([picker, slider, image])
    box.summary = f"replay of {len(reports)} loop runs ({', '.join(reports)}): run the notebook to step through them"
    box.still = lambda: (image.value, int(cell_inches * 4.6 * CSS_DPI))

    def show(*_) -> None:
        box.figure, image.value = drawn[picker.value, slider.value]
        drawn.ahead((picker.value, n) for n in (slider.value + 1, slider.value - 1) if 1 <= n <= slider.max)

    def pick(change) -> None:
        rounds = len(reports[change["new"]].rounds)
        with slider.hold_trait_notifications():
            slider.value = min(slider.value, rounds)
            slider.max = rounds
        show()

    picker.observe(pick, names="value")
    slider.observe(show, names="value")
    show()
    return box


def wide_text_scrolls() -> None:
    """Let long printed lines (the notebooks' tables) scroll sideways in JupyterLab instead of wrapping.

    Shows a style rule for the page; call it once in a notebook.  An
    untrusted notebook drops the rule, and its text wraps as before.
    """
    from IPython.display import HTML, display

    display(
        HTML("<style>.jp-OutputArea-output pre, .jp-RenderedText pre {white-space: pre; overflow-x: auto;}</style>")
    )
