"""Summaries of a sweep store, on a small store written by hand whose summaries are worked out by hand."""

import math

import pandas as pd
import pytest

from lifelab.sweep import (
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

COLUMNS = [
    "rule",
    "model",
    "seed",
    "rung",
    "determined",
    "identified",
    "wrong",
    "trajectories",
    "rounds",
    "end_density",
    "entries_right",
]
ROWS = [
    ("B3/S23", "tied", 0, "identified", True, True, False, 4, 2, 0.3, 512),
    ("B3/S23", "tied", 1, "identified", True, True, False, 8, 3, 0.4, 512),
    ("B3/S23", "table", 0, "identified", True, True, False, 6, 3, 0.3, 512),
    ("B36/S23", "tied", 0, "identified", True, False, True, 10, 10, 0.0, 510),  # determined, then died out
    ("B36/S23", "table", 0, "identified within family", True, True, False, 8, 4, 0.2, 512),
    ("B2/S", "tied", 0, "underdetermined", False, False, False, 3, 10, 0.0, 500),
    ("B2/S", "table", 0, "underdetermined", False, False, False, 3, 10, 1.0, 505),
    ("B1/S1", "tied", 0, "underdetermined", False, False, False, 5, 10, 0.5, 480),  # only the tied model ran it
]


@pytest.fixture
def runs():
    return pd.DataFrame(ROWS, columns=COLUMNS).assign(family="moore")


def test_outcome_rates_per_model(runs):
    rates = outcome_rates(runs, "model")
    assert list(rates.columns) == [
        "model",
        "trials",
        "identified",
        "wrong",
        "determined",
        "median_trajectories",
        "median_rounds",
    ]
    table, tied = rates.to_dict("records")
    assert table == {
        "model": "table",
        "trials": 3,
        "identified": pytest.approx(2 / 3),
        "wrong": 0,
        "determined": pytest.approx(2 / 3),
        "median_trajectories": 6,
        "median_rounds": 4,
    }
    assert tied == {
        "model": "tied",
        "trials": 5,
        "identified": pytest.approx(2 / 5),
        "wrong": 1,
        "determined": pytest.approx(3 / 5),
        "median_trajectories": 5,
        "median_rounds": 10,
    }
    by_two = outcome_rates(runs, ["family", "model"])
    assert list(by_two[["family", "model", "trials"]].itertuples(index=False, name=None)) == [
        ("moore", "table", 3),
        ("moore", "tied", 5),
    ]


def test_rung_shares_sum_to_one_per_group(runs):
    shares = rung_shares(runs, "model")
    assert shares.loc["table"].to_dict() == pytest.approx(
        {"identified": 1 / 3, "identified within family": 1 / 3, "underdetermined": 1 / 3}
    )
    assert shares.loc["tied"].to_dict() == pytest.approx(
        {"identified": 3 / 5, "identified within family": 0, "underdetermined": 2 / 5}
    )


def test_by_rule_averages_the_seeds(runs):
    seen = by_rule(runs, "trajectories")
    assert seen.loc["B3/S23"].to_dict() == {"table": 6, "tied": 6}  # tied: (4 + 8) / 2
    assert seen.loc["B36/S23"].to_dict() == {"table": 8, "tied": 10}
    assert math.isnan(seen.loc["B1/S1", "table"])
    assert by_rule(runs, "trajectories", "first").loc["B3/S23", "tied"] == 4


def test_compare_models_counts_rules_below_equal_and_above(runs):
    assert compare_models(runs, "trajectories") == ModelComparison(
        "trajectories", "tied", "table", lower=0, equal=2, higher=1
    )  # B1/S1: no table value
    assert compare_models(runs, "entries_right") == ModelComparison(
        "entries_right", "tied", "table", lower=2, equal=1, higher=0
    )
    flipped = compare_models(runs, "trajectories", first="table", second="tied")
    assert (flipped.lower, flipped.equal, flipped.higher) == (1, 2, 0)


def test_identified_crosstab_counts_rules_both_models_ran(runs):
    crossed = identified_crosstab(runs)
    assert crossed.to_dict("records") == [
        {"tied identified": False, "table not": 1, "table identified": 1},
        {"tied identified": True, "table not": 0, "table identified": 1},
    ]
    runs.loc[1, "identified"] = False  # one seed of B3/S23 missed: the tied model did not identify it
    crossed = identified_crosstab(runs)
    assert crossed.to_dict("records") == [{"tied identified": False, "table not": 1, "table identified": 2}]


def test_failures_say_why_in_order(runs):
    failed = failures(runs)
    assert list(zip(failed["rule"], failed["model"], failed["why"], strict=True)) == [
        ("B36/S23", "tied", "learner's rule never matched the determined one"),  # determined comes first
        ("B2/S", "tied", "boards die out"),
        ("B2/S", "table", "boards fill up"),
        ("B1/S1", "tied", "classes never observed"),
    ]
    assert "why" not in runs
    reasons = failure_reasons(runs, "model")
    assert list(reasons.itertuples(index=False, name=None)) == [
        ("table", "boards fill up", 1),
        ("tied", "boards die out", 1),
        ("tied", "classes never observed", 1),
        ("tied", "learner's rule never matched the determined one", 1),
    ]


def test_digit_means_average_over_the_rules_holding_each_count(runs):
    tied = runs[runs["model"] == "tied"]  # B3/S23 twice (identified), B36/S23, B2/S, B1/S1 (not)
    means = digit_means(tied, "identified")
    assert list(means.index) == list(range(9)) and means.index.name == "digit"
    assert means["birth"].to_dict() == pytest.approx(
        {0: math.nan, 1: 0, 2: 0, 3: 2 / 3, 4: math.nan, 5: math.nan, 6: 0, 7: math.nan, 8: math.nan}, nan_ok=True
    )
    assert means["survival"].to_dict() == pytest.approx(
        {0: math.nan, 1: 0, 2: 2 / 3, 3: 2 / 3, 4: math.nan, 5: math.nan, 6: math.nan, 7: math.nan, 8: math.nan},
        nan_ok=True,
    )
    assert digit_means(tied, "trajectories").loc[3, "birth"] == pytest.approx((4 + 8 + 10) / 3)


def test_digit_pair_means_average_over_the_rules_holding_both_counts(runs):
    tied = runs[runs["model"] == "tied"]
    pairs = digit_pair_means(tied, "identified")
    assert pairs.shape == (9, 9) and (pairs.index.name, pairs.columns.name) == ("birth", "survival")
    held = {(b, s): pairs.loc[b, s] for b in range(9) for s in range(9) if not math.isnan(pairs.loc[b, s])}
    assert held == pytest.approx({(3, 2): 2 / 3, (3, 3): 2 / 3, (6, 2): 0, (6, 3): 0, (1, 1): 0})


def test_digit_means_of_von_neumann_rules():
    runs = pd.DataFrame({"rule": ["B1/S2V", "B12/SV"], "identified": [True, False]})
    means = digit_means(runs, "identified", "vonneumann")
    assert means.shape == (5, 2)
    assert means.loc[1, "birth"] == 0.5 and means.loc[2, "birth"] == 0 and means.loc[2, "survival"] == 1
    with pytest.raises(ValueError, match="is not a moore B/S rule"):
        digit_means(runs.assign(rule=["B1/S2V", "B2-a/S12"]), "identified")
