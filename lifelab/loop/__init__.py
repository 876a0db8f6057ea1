"""The active-learning loop: its settings, the learners it drives, rounds, the run and its report, the table
loop, and the 1-D loop.
"""

# in the layer's own order
# isort: off
from lifelab.loop.collect import COLLECTIONS, QueryCollection, RandomCollection, query_board
from lifelab.loop.learners import (
    NOISY_EPOCHS,
    STABLE_EPOCHS,
    TABLE_GROUPS,
    WIDER,
    AutoGrow,
    FixedModel,
    Learner,
    NetworkLearner,
    TableNetwork,
    fit_table_network,
    learner_names,
    make_learner,
    wider_learner,
)
from lifelab.loop.report import LoopReport, TableLoopReport
from lifelab.loop.rounds import Fit, Round, run_round
from lifelab.loop.run import LoopRun, learn_rule
from lifelab.loop.settings import (
    BACKENDS,
    DEFAULT_SIZE,
    LOOP,
    MODES,
    SWEEP,
    LoopSettings,
    SweepSettings,
    help_text,
    setting,
)
from lifelab.loop.tables import learn_table
from lifelab.loop.oned import MODELS_1D, OneDReport, learn_1d

# isort: on

__all__ = [
    "BACKENDS",
    "DEFAULT_SIZE",
    "LOOP",
    "MODES",
    "SWEEP",
    "LoopSettings",
    "SweepSettings",
    "help_text",
    "setting",
    "NOISY_EPOCHS",
    "STABLE_EPOCHS",
    "TABLE_GROUPS",
    "WIDER",
    "AutoGrow",
    "FixedModel",
    "Learner",
    "NetworkLearner",
    "TableNetwork",
    "fit_table_network",
    "learner_names",
    "make_learner",
    "wider_learner",
    "COLLECTIONS",
    "QueryCollection",
    "RandomCollection",
    "query_board",
    "Fit",
    "Round",
    "run_round",
    "LoopReport",
    "TableLoopReport",
    "LoopRun",
    "learn_rule",
    "learn_table",
    "MODELS_1D",
    "OneDReport",
    "learn_1d",
]
