"""The field's protocols drawn: lifelab's figures beside the published ones, the identifiability ceiling marked."""

from __future__ import annotations

import math

import numpy as np

from lifelab.errors import InputError
from lifelab.viz.boards import _new_ax

__all__ = ["plot_benchmark"]


def plot_benchmark(report, metric: str, ax=None, ceiling: str = "determined"):
    """Bars of one metric per row of a benchmark report, the published figures as lines, the ceiling as dots.

    Args:
        report: A :class:`~lifelab.benchmarks.BenchmarkReport`.
        metric: The metric the bars show (a key of ``report.metrics``).
        ax: Axes to draw on; a new figure if None.
        ceiling: The metric drawn as dots over the bars (the share of episodes the data determine), or "".

    Returns:
        The figure.

    Raises:
        InputError: For a metric the report does not have.
    """
    for name in (metric, ceiling):
        if name and name not in report.metrics:
            raise InputError(f"{report.name} has no metric {name!r}; it has {', '.join(report.metrics)}")
    fig, ax = _new_ax(ax, (max(4.0, 0.9 * len(report.rows) + 2), 3.2))
    labels = [f"{row['learner']}\n{row.get('condition', '')}" for row in report.rows]
    x = np.arange(len(report.rows))
    values = [100 * _number(row.get(metric)) for row in report.rows]
    ax.bar(x, values, color="#4c72b0", label=f"lifelab: {metric}")
    if ceiling:
        dots = [100 * _number(row.get(ceiling)) for row in report.rows]
        ax.plot(x, dots, "o", color="#c44e52", label=f"lifelab: {ceiling} (the ceiling)")
    for i, fig_ in enumerate(f for f in report.published if f.metric == metric):
        ax.axhline(100 * fig_.value, color=f"C{2 + i}", linestyle="--", label=f"{fig_.system} (published)")
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title(report.title, fontsize=9)
    ax.legend(fontsize=7, loc="best")
    return fig


def _number(value) -> float:
    return float("nan") if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
