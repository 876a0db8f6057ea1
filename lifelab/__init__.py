"""lifelab: learn Game-of-Life-like rules from trajectories, and read the rule back out.

The public API notebooks and tests rely on::

    from lifelab import Rule, simulate, random_boards
    rule = Rule.parse("B36/S23")
    trajectories = simulate(rule, random_boards(8, (32, 32), seed=0), steps=50)
"""

from lifelab.engines import PackedHistory, place_lifeforms, random_boards, run_seagull, simulate
from lifelab.rules import RULES, NotTotalisticError, Rule, named_rules
from lifelab.utils import data_dir, get_device, lifelab_version, seed_everything

# layers-start
#: The package's layers, from the ground up: a folder (or a module at the top) may import, at module level, only
#: what stands before it; the modules of one folder import each other freely.  ``tests/test_architecture.py``
#: checks every import against this order, and that every folder and top module of the tree has a place in it.
LAYERS = (
    "errors",  # input errors: bad input, exit 2 on the command line
    "utils",  # what everything uses: seeds, devices, threads, bounded allocation, declared constraints
    "geometry",  # the D4 symmetries, the 3x3 window and its patterns, Hensel's letters
    "rules",  # rule types, notations, Golly's rule files, named rules, parse_rule
    "io",  # boards, RLE, recordings: pictures, videos, arrays, colours read
    "engines",  # simulate: the numpy and compiled engines, the seagull bridge
    "evidence",  # what the data determine: counts, noise, steps, verdicts
    "learning",  # models and their registry, dataset, training, the stacked trainer, reading rules out
    "loop",  # settings, learners, rounds, the run and its report, the table loop
    "sweep",  # rule spaces, plans, batches, the store
    "benchmarks",  # the field's protocols (AutomataGPT, LifeGPT, CellARC) beside their published figures
    "viz",  # pictures, widgets, notebook experiments
    "testing",  # contract checks for models, learners, rule types and verdicts, for a researcher's own too
    "cli",  # the command line
    "__main__",  # python -m lifelab
)
# layers-end

__version__ = lifelab_version()

__all__ = [
    "RULES",
    "NotTotalisticError",
    "PackedHistory",
    "Rule",
    "data_dir",
    "get_device",
    "named_rules",
    "place_lifeforms",
    "random_boards",
    "run_seagull",
    "seed_everything",
    "simulate",
]
