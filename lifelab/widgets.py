"""ipywidgets front ends for the notebooks."""

from __future__ import annotations

import io
from typing import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lifelab.plots import plot_board

__all__ = ["trajectory_slider"]


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def trajectory_slider(trajectories: Mapping[str, np.ndarray], columns: int = 3, cell_inches: float = 2.4):
    """A time slider over one or more trajectories drawn side by side.

    The boards are rendered to a PNG shown in an ``ipywidgets.Image``, so the
    widget behaves the same in JupyterLab, in nbclient and under nbval.

    Args:
        trajectories: Label -> ``(steps + 1, height, width)`` trajectory; all
            the same length.
        columns: Panels per row.
        cell_inches: Size of each panel.

    Returns:
        An ``ipywidgets.VBox`` of the slider (``children[0]``, an
        ``IntSlider`` over the steps) and the image; its ``figure`` attribute
        is the matplotlib figure last drawn.
    """
    if not trajectories:
        raise ValueError("no trajectories to show")
    arrays = {label: np.asarray(traj) for label, traj in trajectories.items()}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1:
        raise ValueError(f"trajectories must have the same length, got {sorted(lengths)}")
    steps = lengths.pop() - 1
    columns = min(columns, len(arrays))
    rows = -(-len(arrays) // columns)

    slider = widgets.IntSlider(value=0, min=0, max=steps, step=1, description="t",
                               continuous_update=False, layout=widgets.Layout(width="60%"))
    image = widgets.Image(format="png")
    box = widgets.VBox([slider, image])

    def draw(t: int) -> None:
        # A bare Figure, not pyplot's: the inline backend must not show it a second time.
        fig = Figure(figsize=(cell_inches * columns, cell_inches * rows))
        axes = fig.subplots(rows, columns, squeeze=False)
        for ax, (label, traj) in zip(axes.flat, arrays.items()):
            plot_board(traj[t], ax=ax, title=f"{label}  t={t}  live={int(traj[t].sum())}")
        for ax in axes.flat[len(arrays):]:
            ax.axis("off")
        fig.tight_layout()
        box.figure = fig
        image.value = _png(fig)

    slider.observe(lambda change: draw(change["new"]), names="value")
    draw(0)
    return box
