"""Rule types: Life-like rules and Golly's grid suffix, rule tables and rule files, Generations, Larger than Life
and HROT, stochastic rules, named rules, and one ``parse_rule``.
"""

# isort: off  (in the layer's own order)
from lifelab.rules.families import (
    HROT_NEIGHBOURHOODS,
    LTL_NEIGHBOURHOODS,
    MAX_RANGE,
    MAX_STATES,
    RULE_TYPES,
    GenerationsRule,
    HROTRule,
    LtLRule,
    RuleType,
    StochasticRule,
    count_runs,
    parse_rule,
    rule_reach,
    rule_states,
)
from lifelab.rules.lifelike import (
    RULES,
    NamedRule,
    NotTotalisticError,
    Rule,
    SeagullRule,
    as_rule,
    named_rule,
    named_rules,
)
from lifelab.rules.tables import (
    DENSE_LIMIT,
    GOLLY_NEIGHBOURHOODS,
    SYMMETRIES,
    TableRule,
    compact_table,
    find_rule_file,
    load_rule_file,
    read_rule_file,
    rule_file,
    rule_search_path,
    save_rule_file,
    table_rule,
)

# isort: on

__all__ = [
    "NamedRule", "named_rule", "SeagullRule", "as_rule", "NotTotalisticError", "RULES", "Rule", "named_rules",
    "DENSE_LIMIT", "GOLLY_NEIGHBOURHOODS", "SYMMETRIES", "TableRule", "compact_table", "find_rule_file",
    "load_rule_file", "read_rule_file", "rule_file", "rule_search_path", "save_rule_file", "table_rule",
    "HROT_NEIGHBOURHOODS", "LTL_NEIGHBOURHOODS", "MAX_RANGE", "MAX_STATES", "RULE_TYPES", "GenerationsRule",
    "HROTRule", "LtLRule", "RuleType", "StochasticRule", "count_runs", "parse_rule", "rule_reach", "rule_states"
]
