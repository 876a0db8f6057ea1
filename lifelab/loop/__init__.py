"""The active-learning loop: its settings, the learners it drives, rounds, the run and its report, and the table
loop.
"""

# isort: off  (in the layer's own order)
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
from lifelab.loop.run import (
    COLLECTIONS,
    Fit,
    LoopReport,
    LoopRun,
    QueryCollection,
    RandomCollection,
    Round,
    TableLoopReport,
    learn_rule,
    learn_table,
    query_board,
    run_round,
)
from lifelab.loop.settings import BACKENDS, DEFAULT_SIZE, LOOP, MODES, SWEEP, LoopSettings, SweepSettings, help_text

# isort: on

__all__ = [
    "BACKENDS", "DEFAULT_SIZE", "LOOP", "MODES", "SWEEP", "LoopSettings", "SweepSettings", "help_text",
    "NOISY_EPOCHS", "STABLE_EPOCHS", "TABLE_GROUPS", "WIDER", "AutoGrow", "FixedModel", "Learner", "NetworkLearner",
    "TableNetwork", "fit_table_network", "learner_names", "make_learner", "wider_learner", "COLLECTIONS", "Fit",
    "LoopReport", "LoopRun", "QueryCollection", "RandomCollection", "Round", "TableLoopReport", "learn_rule",
    "learn_table", "query_board", "run_round"
]
