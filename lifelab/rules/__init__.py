"""Rule types: Life-like rules and Golly's grid suffix, rule tables and rule files, Generations, Larger than Life
and HROT, stochastic rules, 1-D rules, named rules, and one ``parse_rule``.

One concept a module, in dependency order:

- :mod:`~lifelab.rules.grid`: Golly's bounded grid, the ``:Tw,h`` / ``:Pw,h`` suffix;
- :mod:`~lifelab.rules.base`: what a rule type is (:class:`RuleBase`) and a deterministic one (:class:`RuleType`,
  perceive + update);
- :mod:`~lifelab.rules.named`: the registry of named rules;
- :mod:`~lifelab.rules.notation`: birth/survival and MAP strings of a 3x3 table;
- :mod:`~lifelab.rules.lifelike`: the 2-state 3x3 :class:`Rule`, and the kernel form it shares (seagull's);
- :mod:`~lifelab.rules.tables`: Golly's rule tables and trees run (:class:`TableRule`);
- :mod:`~lifelab.rules.rulefiles`: Golly's ``.rule`` files read, found and written;
- :mod:`~lifelab.rules.reading`: which type a rulestring spells, names, rule files;
- :mod:`~lifelab.rules.generations`: :class:`GenerationsRule`;
- :mod:`~lifelab.rules.counts`: Larger than Life and HROT (:class:`LtLRule`, :class:`HROTRule`);
- :mod:`~lifelab.rules.stochastic`: :class:`StochasticRule`;
- :mod:`~lifelab.rules.oned`: the 1-D world, Golly's Wolfram rules (:class:`WolframRule`) and 1-D rules of k
  states and radius r (:class:`OneDRule`);
- :mod:`~lifelab.rules.parse`: :data:`RULE_TYPES` and :func:`parse_rule`.
"""

# the modules in their own order, each after what it imports
# isort: off
from lifelab.rules.grid import Grid, split_topology
from lifelab.rules.base import MAX_STATES, BoardStep, RuleBase, RuleType
from lifelab.rules.named import RULES, NamedRule, named_rule, named_rules
from lifelab.rules.notation import bs_table
from lifelab.rules.lifelike import KernelRule, NotTotalisticError, Rule, SeagullRule, as_rule
from lifelab.rules.tables import DENSE_LIMIT, GOLLY_NEIGHBOURHOODS, MAX_EXPANDED, SYMMETRIES, TableRule
from lifelab.rules.rulefiles import (
    compact_table,
    find_rule_file,
    load_rule_file,
    read_rule_file,
    rule_file,
    rule_search_path,
    save_rule_file,
    table_rule,
)
from lifelab.rules.reading import read_rule, spelled_kind
from lifelab.rules.generations import GenerationsRule
from lifelab.rules.counts import HROTRule, LtLRule, count_rule, count_runs
from lifelab.rules.stochastic import StochasticRule
from lifelab.rules.oned import MAX_RADIUS, OneDRule, WolframRule, window_codes, window_count, window_digits
from lifelab.rules.parse import RULE_TYPES, parse_rule, rule_reach, rule_states

# isort: on

__all__ = [
    "Grid",
    "split_topology",
    "MAX_STATES",
    "BoardStep",
    "RuleBase",
    "RuleType",
    "RULES",
    "NamedRule",
    "named_rule",
    "named_rules",
    "bs_table",
    "KernelRule",
    "NotTotalisticError",
    "Rule",
    "SeagullRule",
    "as_rule",
    "DENSE_LIMIT",
    "GOLLY_NEIGHBOURHOODS",
    "MAX_EXPANDED",
    "SYMMETRIES",
    "TableRule",
    "compact_table",
    "find_rule_file",
    "load_rule_file",
    "read_rule_file",
    "rule_file",
    "rule_search_path",
    "save_rule_file",
    "table_rule",
    "read_rule",
    "spelled_kind",
    "GenerationsRule",
    "HROTRule",
    "LtLRule",
    "count_rule",
    "count_runs",
    "StochasticRule",
    "MAX_RADIUS",
    "OneDRule",
    "WolframRule",
    "window_codes",
    "window_count",
    "window_digits",
    "RULE_TYPES",
    "parse_rule",
    "rule_reach",
    "rule_states",
]
