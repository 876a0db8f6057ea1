"""Sweeps: rule spaces, the plan, batches fanned out over processes or Ray, the Parquet store and its summaries."""

# in the layer's own order
# isort: off
from lifelab.sweep.plan import Trial, plan
from lifelab.sweep.run import SweepSummary, run_batch, sweep
from lifelab.sweep.space import ENUMERATED, SAMPLED_FAMILIES, all_rules, family_of, random_rules, rule_indices
from lifelab.sweep.store import COLUMNS, MAP_COLUMNS, compact, read_store
from lifelab.sweep.summaries import (
    ModelComparison,
    by_rule,
    compare_models,
    digit_means,
    digit_pair_means,
    failure_reasons,
    failures,
    identified_crosstab,
    outcome_rates,
    rung_shares,
)

# isort: on

__all__ = [
    "ENUMERATED",
    "SAMPLED_FAMILIES",
    "all_rules",
    "random_rules",
    "family_of",
    "rule_indices",
    "Trial",
    "plan",
    "COLUMNS",
    "MAP_COLUMNS",
    "compact",
    "read_store",
    "SweepSummary",
    "run_batch",
    "sweep",
    "ModelComparison",
    "by_rule",
    "compare_models",
    "digit_means",
    "digit_pair_means",
    "failure_reasons",
    "failures",
    "identified_crosstab",
    "outcome_rates",
    "rung_shares",
]
