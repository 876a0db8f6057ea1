"""Sweeps: rule spaces, the plan, batches fanned out over processes or Ray, and the Parquet store."""

# isort: off  (in the layer's own order)
from lifelab.sweep.run import COLUMNS, MAP_COLUMNS, SweepSummary, Trial, compact, plan, read_store, run_batch, sweep
from lifelab.sweep.space import ENUMERATED, SAMPLED_FAMILIES, all_rules, family_of, random_rules, rule_indices

# isort: on

__all__ = [
    "ENUMERATED", "SAMPLED_FAMILIES", "all_rules", "random_rules", "family_of", "rule_indices", "COLUMNS",
    "MAP_COLUMNS", "SweepSummary", "Trial", "compact", "plan", "read_store", "run_batch", "sweep"
]
