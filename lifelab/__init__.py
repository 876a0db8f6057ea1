"""lifelab: learn Game-of-Life-like rules from trajectories, and read the rule back out.

The public API notebooks and tests rely on::

    from lifelab import Rule, simulate, random_boards
    rule = Rule.parse("B36/S23")
    trajectories = simulate(rule, random_boards(8, (32, 32), seed=0), steps=50)
"""

from lifelab.rules import RULES, NotTotalisticError, Rule, named_rules
from lifelab.simulate import PackedHistory, place_lifeforms, random_boards, run_seagull, simulate
from lifelab.utils import data_dir, get_device, lifelab_version, seed_everything

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
