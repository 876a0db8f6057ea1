"""What 1-D observations determine: windows counted, families, the radius and family chosen, and the verdict."""

import numpy as np
import pytest

from lifelab import simulate
from lifelab.errors import InputError
from lifelab.evidence import OneDEvidence, OneDFamily, decide_1d, row_pairs
from lifelab.rules import OneDRule


def _random_rows(states: int, n: int, width: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, states, (n, 1, width)).astype(np.uint8)


def _run(rule: OneDRule, n: int, width: int, steps: int, seed: int = 0) -> np.ndarray:
    return simulate(rule, _random_rows(rule.states, n, width, seed), steps)


def test_rule_110_is_identified_from_enough_random_rows():
    rule = OneDRule.from_wolfram(110)
    verdict = decide_1d(_run(rule, 4, 40, 10))
    assert verdict.rung == "identified" and verdict.determined
    assert verdict.rule == rule and verdict.radius == 1 and verdict.states == 2
    assert verdict.known.all() and verdict.disagreements(rule) == 0
    assert verdict.sentence().startswith("Identified R1,C2,W110")
    assert verdict.summary().startswith("verdict       identified")


def test_a_3_state_radius_2_rule_is_identified_at_the_radius_auto_finds():
    rule = OneDRule(np.random.default_rng(5).integers(0, 3, 243), 3, 2)
    verdict = decide_1d(_run(rule, 8, 64, 40, seed=1))
    assert verdict.rung == "identified"
    assert verdict.radius == 2 and verdict.rule == rule
    assert list(verdict.rejected) == [1] and verdict.rejected[1] > 0
    assert any("smallest window the data allow" in a for a in verdict.assumptions)
    assert any("3 states: the highest state the data show" in a for a in verdict.assumptions)


def test_too_little_data_leaves_the_rule_open_and_never_names_a_wrong_one():
    rule = OneDRule.from_wolfram(30)
    trajectory = _run(rule, 1, 6, 1, seed=3)
    verdict = decide_1d(trajectory, radius=1, family="table")
    evidence = OneDEvidence.of(trajectory, radius=1)
    unseen = 8 - evidence.codes.size
    assert unseen > 0
    assert verdict.rung == "underdetermined" and verdict.rule is None and not verdict.determined
    assert verdict.unobserved_classes == unseen == len(verdict.unobserved)
    assert verdict.consistent_rules == 2**unseen
    assert f"{unseen} of the 8 windows" in verdict.sentence()
    assert (verdict.table[verdict.known] == rule.table[verdict.known]).all()
    assert (verdict.table[~verdict.known] == -1).all()


def test_a_totalistic_rule_is_identified_within_totalistic_rules_while_the_table_is_open():
    rule = OneDRule.from_totalistic(1234, states=3, radius=1)
    row = np.array([[0, 0, 0, 1, 2, 2, 2, 0]])  # on a ring its 7 windows add up to every sum from 0 to 6
    pairs = [(row, rule.step(row[None])[0])]
    verdict = decide_1d(pairs)
    assert verdict.rung == "identified within family"
    assert verdict.family.name == "totalistic" and verdict.rule == rule
    assert verdict.label == "identified within totalistic 1-D rules of 3 states and radius 1"
    assert any("sum of the states" in a for a in verdict.assumptions)
    table = decide_1d(pairs, family="table")
    assert table.rung == "underdetermined" and table.rule is None
    assert table.unobserved_classes == 27 - table.evidence.codes.size == 20


def test_a_stated_family_the_data_contradict_is_inconsistent():
    verdict = decide_1d(_run(OneDRule.from_wolfram(110), 4, 40, 10), family="totalistic")
    assert verdict.rung == "inconsistent" and verdict.rule is None and not verdict.known.any()
    assert "contradict the totalistic" in verdict.sentence()
    assert verdict.allowed == ["table"]
    assert verdict.exit_code == 1


def test_pairs_that_conflict_at_every_radius_are_inconsistent():
    row = np.array([0, 1, 0, 0])
    verdict = decide_1d([(row, np.array([0, 0, 0, 0])), (row, np.array([0, 1, 0, 0]))])
    assert verdict.rung == "inconsistent"
    assert list(verdict.rejected) == [1, 2, 3] and verdict.radius == 3
    assert "at every radius tried" in verdict.sentence()


def test_the_families_are_nested_and_count_their_classes():
    names = ["table", "symmetric", "outer-totalistic", "totalistic"]
    families = [OneDFamily(name, 3, 1) for name in names]
    assert [f.n_classes for f in families] == [27, 18, 15, 7]
    for finer, coarser in zip(families, families[1:], strict=False):
        pairs = np.unique(np.stack([finer.labels, coarser.labels]), axis=1)
        assert len(np.unique(pairs[0])) == pairs.shape[1]  # each finer class inside one coarser class
    with pytest.raises(InputError, match="1-D family"):
        OneDFamily("isotropic", 2, 1)


def test_an_open_boundary_leaves_out_the_windows_reaching_beyond_the_ends():
    before, after = np.array([[1, 0, 0, 0, 1]]), np.array([[1, 1, 1, 1, 1]])
    open_ = OneDEvidence.of(before, after, states=2, radius=1, boundary="open")
    assert open_.observations == 3 and open_.codes.tolist() == [0, 1, 4]
    dead = OneDEvidence.of(before, after, states=2, radius=1, boundary="dead")
    ring = OneDEvidence.of(before, after, states=2, radius=1, boundary="ring")
    assert 2 in dead.codes and 6 not in dead.codes  # the first cell's window: dead, 1, 0
    assert 6 in ring.codes and 3 in ring.codes  # the ends wrap around: (1, 1, 0) and (0, 1, 1)
    assert decide_1d(open_).boundary == "open"


def test_rows_of_different_lengths_pool_and_match_one_count():
    rule = OneDRule.from_wolfram(54)
    rng = np.random.default_rng(2)
    rows = [rng.integers(0, 2, width) for width in (5, 9, 5, 13)]
    pairs = [(r, rule.step(r[None, None])[0, 0]) for r in rows]
    assert [b.shape for b, _ in row_pairs(pairs)] == [(2, 5), (1, 9), (1, 13)]
    whole = OneDEvidence.of(pairs, states=2)
    pooled = OneDEvidence.of(pairs[:2], states=2) + OneDEvidence.of(pairs[2:], states=2)
    assert np.array_equal(whole.codes, pooled.codes) and np.array_equal(whole.counts, pooled.counts)
    assert whole.observations == 32
    with pytest.raises(InputError, match="cannot pool"):
        whole + OneDEvidence.of(pairs, states=2, radius=2)


def test_predict_marks_the_cells_whose_window_the_data_decide():
    rule = OneDRule.from_wolfram(30)
    verdict = decide_1d(_run(rule, 1, 6, 1, seed=3), radius=1)
    rows = np.random.default_rng(4).integers(0, 2, (3, 11))
    truth = rule.step(rows[:, None])[:, 0]
    following, determined = verdict.predict(rows)
    codes = rule.perceive(rows)
    assert np.array_equal(determined, verdict.known[codes]) and determined.any() and not determined.all()
    assert np.array_equal(following[determined], truth[determined])
    mode = int(verdict.evidence.counts.sum(axis=0).argmax())
    assert (following[~determined] == mode).all()
    assert np.array_equal(verdict.predict(rows, fallback=rule)[0], truth)
    assert (verdict.predict(rows, fallback=1 - mode)[0][~determined] == 1 - mode).all()


def test_predict_under_an_open_boundary_never_decides_the_ends():
    rule = OneDRule.from_wolfram(90)
    verdict = decide_1d(_run(rule, 4, 30, 5), boundary="open")
    assert verdict.rung == "identified"
    _, determined = verdict.predict(np.zeros((2, 7), int))
    assert determined[:, 1:-1].all() and not determined[:, [0, -1]].any()


def test_member_keeps_the_data_and_votes_on_the_rest():
    # symmetric classes of 2 states, radius 1: {0} {1, 4} {2} {3, 6} {5} {7}; the data show windows 0 and 1
    evidence = OneDEvidence(2, 1, "ring", np.array([0, 1]), np.array([[0, 3], [2, 0]]))
    verdict = decide_1d(evidence, family="symmetric")
    assert verdict.rung == "underdetermined" and verdict.unobserved_classes == 4
    assert verdict.known.tolist() == [True, True, False, False, True, False, False, False]
    reading = np.array([0, 1, 1, 1, 1, 0, 0, 1])
    member = verdict.member(reading)
    # 0 and 1, 4 as the data say; 2, 5, 7 as read; 3, 6 tie (1 against 0): the smallest state
    assert member.table.tolist() == [1, 0, 1, 0, 0, 0, 0, 1]
    assert verdict.member(member) == member


def test_counted_evidence_must_agree_with_what_is_stated():
    evidence = OneDEvidence.of(_run(OneDRule.from_wolfram(110), 2, 20, 4), radius=1)
    with pytest.raises(InputError, match="no evidence counted at the radius 2"):
        decide_1d(evidence, radius=2)
    with pytest.raises(InputError, match="boundary"):
        decide_1d(evidence, boundary="dead")
    assert decide_1d({1: evidence}).rung == "identified"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ([(np.zeros(4, int), np.zeros(5, int))], "must match"),
        ([(np.zeros(4, int),)], "not a \\(before, after\\) pair"),
        (np.zeros((3, 1, 1, 4), float), "integer cell states"),
        (np.zeros((1, 1, 4), int), "at least 2 rows in time"),
        ("0110", "trajectory array or a list"),
    ],
)
def test_bad_data_are_refused_naming_what_is_wrong(data, match):
    with pytest.raises(InputError, match=match):
        decide_1d(data)


def test_bad_settings_are_refused():
    pairs = [(np.array([0, 1, 2]), np.array([1, 1, 1]))]
    with pytest.raises(InputError, match="more than 2 states"):
        decide_1d(pairs, states=2)
    with pytest.raises(InputError, match="1-D family"):
        decide_1d(pairs, family="isotropic")
    with pytest.raises(InputError, match="1-D boundary"):
        decide_1d(pairs, boundary="torus")
    with pytest.raises(InputError, match="radius"):
        decide_1d(pairs, radius=0)
