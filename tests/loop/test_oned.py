"""The 1-D loop: rows from an oracle until the rule is determined, or supplied data, read by a table or a network."""

import numpy as np
import pytest

from lifelab import simulate
from lifelab.errors import InputError
from lifelab.loop import learn_1d
from lifelab.rules import OneDRule, WolframRule


def test_an_oracle_is_recovered_in_one_round_of_enough_rows():
    report = learn_1d(WolframRule(110), seed=1)
    assert report.verdict.rung == "identified" and report.rounds == 1
    assert report.recovered and report.rule == OneDRule.from_wolfram(110)
    assert report.summary().startswith("read          R1,C2,W110 by the table (the oracle's rule)")


def test_rounds_go_on_until_the_rule_is_determined_or_max_rounds():
    rule = OneDRule(np.random.default_rng(0).integers(0, 3, 243), 3, 2)
    short = learn_1d(rule, rows=1, width=12, steps=2, max_rounds=3)
    assert short.rounds == 3 and short.verdict.rung == "underdetermined" and not short.recovered
    assert (short.rule.table[~short.verdict.known] == 0).all()  # the table learner: unknown windows dead
    assert (short.rule.table[short.verdict.known] == rule.table[short.verdict.known]).all()
    enough = learn_1d(rule, rows=4, width=64, steps=20, max_rounds=8)
    assert enough.recovered and enough.verdict.radius == 2 and 1 <= enough.rounds < 8


def test_supplied_data_are_weighed_once():
    rule = OneDRule.from_wolfram(150)
    trajectory = simulate(rule, np.random.default_rng(2).integers(0, 2, (3, 1, 30)), 6)
    report = learn_1d(trajectory)
    assert report.rounds == 1 and report.truth is None and report.rule == rule and not report.recovered
    pairs = [(trajectory[0, 0, 0, :7], trajectory[0, 1, 0, :7])]
    assert learn_1d(pairs, boundary="open").verdict.evidence.observations == 5


def test_the_network_reading_is_a_member_of_the_verdicts_family():
    rule = OneDRule.from_totalistic(1234, states=3, radius=1)
    report = learn_1d(rule, model="network", family="symmetric", rows=1, width=10, steps=1, max_rounds=1, epochs=60)
    verdict = report.verdict
    assert verdict.family.name == "symmetric" and not verdict.determined
    assert report.network is not None and report.network.symmetric
    labels = verdict.family.labels
    assert all(len(set(report.rule.table[labels == c])) == 1 for c in range(verdict.family.n_classes))
    assert verdict.member(report.rule) == report.rule
    assert verdict.disagreements(report.rule) == 0


def test_a_determined_verdict_is_what_the_network_reports():
    report = learn_1d("W90", model="network", epochs=20)
    assert report.verdict.determined and report.rule == report.verdict.rule


@pytest.mark.parametrize(
    ("source", "changes", "match"),
    [
        ("W110", {"model": "forest"}, "model must be one of"),
        ("B3/S23", {}, "learns 1-D rules"),
        ("W110", {"states": 3}, "has 2 states, not 3"),
        ("W110", {"rows": 0}, "rows must be"),
    ],
)
def test_bad_requests_are_refused(source, changes, match):
    with pytest.raises(InputError, match=match):
        learn_1d(source, **changes)


def test_the_command_line_passes_the_settings_the_1d_loop_reads_and_refuses_the_others(capsys):
    from lifelab.cli import main

    assert main(["learn", "R1,C2,W90", "--boundary", "dead", "--max-rounds", "2"]) == 0
    assert "family auto, rows dead" in capsys.readouterr().out
    assert main(["learn", "R1,C2,W90", "--noise", "0.1"]) == 2
    assert "the 1-D loop does not read --noise" in capsys.readouterr().err
    assert main(["learn", "R1,C2,W90", "--family", "moore"]) == 2
