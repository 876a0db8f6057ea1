"""The protocols' picture: bars, the published lines, the ceiling's dots."""

import pytest

from lifelab.benchmarks import BenchmarkReport, Published
from lifelab.errors import InputError
from lifelab.viz import plot_benchmark


def _report():
    return BenchmarkReport(
        "demo",
        "a demo",
        {"accuracy": "right", "determined": "the ceiling"},
        rows=[{"learner": "table", "condition": "a", "episodes": 4, "accuracy": 0.5, "determined": 0.25}],
        published=[Published("someone", "accuracy", 0.8, "a paper")],
    )


def test_bars_lines_and_dots():
    fig = plot_benchmark(_report(), "accuracy")
    ax = fig.axes[0]
    assert [round(p.get_height()) for p in ax.patches] == [50]
    assert [line.get_ydata()[0] for line in ax.lines] == [25.0, 80.0]


def test_an_unknown_metric_is_refused():
    with pytest.raises(InputError, match="no metric 'speed'"):
        plot_benchmark(_report(), "speed")
