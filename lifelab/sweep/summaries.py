"""Summaries of a sweep store: rates per group, the verdict ladder, two models rule by rule, failures, digit maps.

Each takes the DataFrame :func:`~lifelab.sweep.store.read_store` returns, one row per trial (the columns of a
compact store, :data:`~lifelab.sweep.store.MAP_COLUMNS`, are enough), and returns a DataFrame or a small
dataclass, to print or plot as it is or after formatting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lifelab.sweep.space import ENUMERATED, rule_indices

__all__ = [
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


def _keys(by) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def outcome_rates(runs: pd.DataFrame, by="model") -> pd.DataFrame:
    """How each group of trials ended: the shares identified and determined, the wrong verdicts, the data used.

    Args:
        runs: A sweep store's rows.
        by: A column or columns to group by, such as ``["family", "model"]``.

    Returns:
        One row per group, sorted by it: the ``by`` columns, then ``trials``, ``identified`` (the share of
        trials), ``wrong`` (a count: it must be 0), ``determined`` (a share), ``median_trajectories`` and
        ``median_rounds``.
    """
    return (
        runs.groupby(_keys(by))
        .agg(
            trials=("rule", "size"),
            identified=("identified", "mean"),
            wrong=("wrong", "sum"),
            determined=("determined", "mean"),
            median_trajectories=("trajectories", "median"),
            median_rounds=("rounds", "median"),
        )
        .reset_index()
    )


def rung_shares(runs: pd.DataFrame, by="model") -> pd.DataFrame:
    """Where the loop stopped: the share of each group's trials on each rung of the verdict ladder.

    Args:
        runs: A sweep store's rows.
        by: A column or columns to group by.

    Returns:
        One row per group (the groups as its index), one column per rung; each row sums to 1.
    """
    return runs.groupby(_keys(by))["rung"].value_counts(normalize=True).unstack(fill_value=0)


def by_rule(runs: pd.DataFrame, column: str, aggfunc="mean") -> pd.DataFrame:
    """One column of the trials, rule by rule and model by model.

    Args:
        runs: A sweep store's rows.
        column: The column to spread, such as ``"trajectories"``.
        aggfunc: How the seeds of one rule and model combine (any pandas aggregation).

    Returns:
        One row per rule (the index), one column per model.
    """
    return runs.pivot_table(index="rule", columns="model", values=column, aggfunc=aggfunc)


@dataclass(frozen=True)
class ModelComparison:
    """Two models compared rule by rule on one column (:func:`compare_models`).

    Attributes:
        column: The column compared.
        first: The first model.
        second: The model it is compared with.
        lower: Rules where the first model's value is below the second's.
        equal: Rules where the two are equal.
        higher: Rules where the first model's value is above the second's.
    """

    column: str
    first: str
    second: str
    lower: int
    equal: int
    higher: int


def compare_models(runs: pd.DataFrame, column: str, first: str = "tied", second: str = "table") -> ModelComparison:
    """On how many rules one model's value of a column is below, equal to or above another's.

    Each rule's value is the mean over its seeds (:func:`by_rule`); a rule that either model has no value for
    counts in none of the three.

    Args:
        runs: A sweep store's rows, with trials of both models.
        column: A numeric column, such as ``"trajectories"`` or ``"entries_right"``.
        first: The model compared.
        second: The model it is compared with.

    Returns:
        A :class:`ModelComparison`.
    """
    pair = by_rule(runs, column)
    return ModelComparison(
        column,
        first,
        second,
        lower=int((pair[first] < pair[second]).sum()),
        equal=int((pair[first] == pair[second]).sum()),
        higher=int((pair[first] > pair[second]).sum()),
    )


def identified_crosstab(runs: pd.DataFrame, first: str = "tied", second: str = "table") -> pd.DataFrame:
    """How many rules each of two models identified, the one against the other.

    A model identified a rule when every trial of it on the rule did; rules that only one of the two models ran
    are left out.

    Args:
        runs: A sweep store's rows.
        first: The model whose outcome labels the rows.
        second: The model whose outcome labels the columns.

    Returns:
        One row per outcome of the first model: a ``"FIRST identified"`` column (True or False), then a count of
        rules per outcome of the second, in ``"SECOND not"`` and ``"SECOND identified"`` (only the outcomes
        that occur).
    """
    both = by_rule(runs, "identified", "all")[[first, second]].dropna().astype(bool)
    crossed = pd.crosstab(both[first].rename(f"{first} identified"), both[second])
    crossed.columns = [f"{second} {'identified' if outcome else 'not'}" for outcome in crossed.columns]
    return crossed.reset_index()


def failures(runs: pd.DataFrame) -> pd.DataFrame:
    """The trials that did not identify their rule, each with why, in a ``why`` column.

    Why, tried in this order: the data determined a rule and the learner's own rule never matched it
    (``"learner's rule never matched the determined one"``); the last boards were empty (``"boards die
    out"``) or nearly full (``"boards fill up"``, a live fraction above 0.99), so the data stopped showing new
    patterns; else some classes were never observed (``"classes never observed"``).

    Args:
        runs: A sweep store's rows.

    Returns:
        A copy of the failed rows, with ``why`` added.
    """
    failed = runs[~runs["identified"]].copy()
    failed["why"] = np.select(
        [failed["determined"], failed["end_density"] == 0, failed["end_density"] > 0.99],
        ["learner's rule never matched the determined one", "boards die out", "boards fill up"],
        default="classes never observed",
    )
    return failed


def failure_reasons(runs: pd.DataFrame, by="model") -> pd.DataFrame:
    """How many trials of each group failed, for each reason of :func:`failures`.

    Args:
        runs: A sweep store's rows.
        by: A column or columns to group by.

    Returns:
        One row per group and reason (only those that occur): the ``by`` columns, ``why`` and ``trials``.
    """
    return failures(runs).groupby([*_keys(by), "why"]).size().rename("trials").reset_index()


def _digit_masks(runs: pd.DataFrame, family: str) -> tuple[np.ndarray, np.ndarray]:
    """Whether each trial's rule holds each count in its birth set, and in its survival set: two (n, trials)."""
    indices = rule_indices(runs["rule"], family)
    half = ENUMERATED[family] // 2
    digits = np.arange(half)[:, None]
    return (indices >> digits) & 1 == 1, (indices >> (digits + half)) & 1 == 1


def digit_means(runs: pd.DataFrame, column: str, family: str = "moore") -> pd.DataFrame:
    """Which counts make a B/S rule hard: a column's mean over the trials whose rule is born, or survives, on a count.

    Args:
        runs: A sweep store's rows, each an outer-totalistic rule of ``family``.
        column: The column to average, such as ``"identified"`` (a share) or ``"trajectories"``.
        family: ``"moore"`` (counts 0 to 8) or ``"vonneumann"`` (0 to 4).

    Returns:
        One row per count (the index, ``digit``): ``birth``, the mean over the trials whose birth set holds the
        count, and ``survival``, over those whose survival set holds it.
    """
    born, survives = _digit_masks(runs, family)
    values = runs[column]
    return pd.DataFrame(
        {"birth": [values[mask].mean() for mask in born], "survival": [values[mask].mean() for mask in survives]},
        index=pd.RangeIndex(len(born), name="digit"),
    )


def digit_pair_means(runs: pd.DataFrame, column: str, family: str = "moore") -> pd.DataFrame:
    """A column's mean over the trials whose rule is born on count ``b`` and survives on count ``s``, for each pair.

    Args:
        runs: A sweep store's rows, each an outer-totalistic rule of ``family``.
        column: The column to average, such as ``"identified"`` (a share) or ``"trajectories"``.
        family: ``"moore"`` (counts 0 to 8) or ``"vonneumann"`` (0 to 4).

    Returns:
        A square table: one row per birth count ``b`` (the index, ``birth``), one column per survival count
        ``s`` (``survival``).
    """
    born, survives = _digit_masks(runs, family)
    values = runs[column]
    means = [[values[b & s].mean() for s in survives] for b in born]
    return pd.DataFrame(
        means, index=pd.RangeIndex(len(born), name="birth"), columns=pd.RangeIndex(len(survives), name="survival")
    )
