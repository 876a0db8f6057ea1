"""The field's own protocols run by lifelab, beside their published figures.

One protocol a module, after what they share:

- :mod:`~lifelab.benchmarks.base`: a run's report (:class:`BenchmarkReport`), its rows beside the papers'
  figures (:class:`Published`), as a table;
- :mod:`~lifelab.benchmarks.automatagpt`: AutomataGPT's inverse problem (one 16x16 torus pair, infer the rule);
- :mod:`~lifelab.benchmarks.lifegpt`: LifeGPT's one-step forecasts of Life on its test boards;
- :mod:`~lifelab.benchmarks.cellarc`: CellARC's few-shot 1-D episodes.

``lifelab bench NAME`` runs one and writes its table (:data:`BENCHMARKS`).
"""

from typing import Callable

# isort: off
from lifelab.benchmarks.base import BenchmarkReport, Published, check_learners, reading_of, share
from lifelab.benchmarks.automatagpt import (
    AUTOMATAGPT_LEARNERS,
    AUTOMATAGPT_METRICS,
    automatagpt,
    automatagpt_episode,
)
from lifelab.benchmarks.lifegpt import LIFEGPT_LEARNERS, LIFEGPT_METRICS, LIFEGPT_TEST, lifegpt
from lifelab.benchmarks.cellarc import (
    CELLARC_LEARNERS,
    CELLARC_METRICS,
    CELLARC_SPLITS,
    cellarc,
    read_episodes,
    score_episode,
)

# isort: on

#: Every benchmark by the name ``lifelab bench`` takes.
BENCHMARKS: dict[str, Callable[..., BenchmarkReport]] = {
    "automatagpt": automatagpt,
    "lifegpt": lifegpt,
    "cellarc": cellarc,
}

__all__ = [
    "BENCHMARKS",
    "BenchmarkReport",
    "Published",
    "check_learners",
    "reading_of",
    "share",
    "AUTOMATAGPT_LEARNERS",
    "AUTOMATAGPT_METRICS",
    "automatagpt",
    "automatagpt_episode",
    "LIFEGPT_LEARNERS",
    "LIFEGPT_METRICS",
    "LIFEGPT_TEST",
    "lifegpt",
    "CELLARC_LEARNERS",
    "CELLARC_METRICS",
    "CELLARC_SPLITS",
    "cellarc",
    "read_episodes",
    "score_episode",
]
