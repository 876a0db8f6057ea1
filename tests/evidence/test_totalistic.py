"""Beyond 3x3: count evidence and its verdicts, the structure test of networks, the loop on Larger than Life rules."""

import numpy as np
import pytest
import torch
from torch import nn

from lifelab.cli import main
from lifelab.engines import random_boards, simulate
from lifelab.evidence import CountEvidence, Evidence, decide, decide_counts
from lifelab.evidence.neighbourhood import parse_neighbourhood
from lifelab.geometry import Neighbourhood
from lifelab.io import save_trajectories
from lifelab.learning import build_model, class_test, extract_rule, predict, receptive_radius
from lifelab.learning.counting import _weighted_sets
from lifelab.loop import learn_rule
from lifelab.rules import HROTRule, LtLRule, parse_rule

R2_BOX = "R2,C0,M1,S5..9,B6..8,NM"
R2_DIAMOND = "R2,C0,M0,S2..5,B3..4,NN"
BOSCO = "R5,C0,M1,S34..58,B34..45,NM"


def _runs(counts) -> list[tuple[int, int]]:
    """Maximal runs of consecutive integers."""
    runs = []
    for c in sorted(counts):
        if runs and c == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


def exact_network(rule: LtLRule, born=None, survives=None, heavier=None) -> nn.Module:
    """A network that counts the neighbourhood and thresholds it exactly: one conv layer, ReLU, a 1x1 head.

    Each run ``a..b`` of live counts becomes four ReLU units whose sum is 1
    inside the run and 0 outside; the centre cell's weight (+-1000) switches
    off the units of the other centre state.  ``born``/``survives`` override
    the rule's counts (to build a totalistic rule that is no interval);
    ``heavier`` doubles the weight of one cell (a rule that is not totalistic).
    """
    r, big = rule.range, 1000.0
    k = 2 * r + 1
    ones = torch.zeros(k, k)
    for dy, dx in Neighbourhood.of(rule).offsets:
        ones[dy + r, dx + r] = 1.0
    if heavier is not None:
        ones[heavier[0] + r, heavier[1] + r] = 2.0
    units = []
    born, survives = rule.born if born is None else born, rule.survives if survives is None else survives
    for centre, counts in ((0, born), (1, survives)):
        for a, b in _runs(counts):
            units += [(centre, 1 - a, 1.0), (centre, -a, -1.0), (centre, -b, -1.0), (centre, -b - 1, 1.0)]
    conv = nn.Conv2d(2, len(units), k, padding=r, padding_mode="circular")
    head = nn.Conv2d(len(units), 2, 1)
    with torch.no_grad():
        for module in (conv, head):
            module.weight.zero_()
            module.bias.zero_()
        for j, (centre, shift, sign) in enumerate(units):
            conv.weight[j, 1] = ones
            conv.weight[j, 1, r, r] = big if centre else -big
            conv.bias[j] = shift - (big if centre else 0.0)
            head.weight[1, j] = 20.0 * sign
        head.bias[1] = -10.0
    return nn.Sequential(conv, nn.ReLU(), head)


def trajectories(rule, n=3, size=32, steps=12, density=0.4, seed=0):
    return simulate(rule, random_boards(n, (size, size), density, seed=seed), steps)


def test_ltl_rules_are_equal_when_they_act_alike():
    assert parse_rule("R2,C0,M1,S5..9,B6..8,NM") == parse_rule("R2,C0,M0,S4..8,B6..8,NM")
    assert hash(parse_rule("R2,C0,M1,S5..9,B6..8,NM")) == hash(parse_rule("R2,C0,M0,S4..8,B6..8,NM"))
    assert parse_rule("R1,C0,M0,S2..3,B3..3,NC") == parse_rule("R1,C0,M0,S2..3,B3..3,NM")  # the R1 disc is the box
    assert parse_rule("R2,C0,M1,S5..9,B6..8,NM") != parse_rule("R2,C0,M0,S5..9,B6..8,NM")
    assert parse_rule("R2,C0,M0,S2..5,B3..4,NN") != parse_rule("R2,C0,M0,S2..5,B3..4,NM")
    assert parse_rule(BOSCO).name == "Bosco's Rule"  # the registry still finds it
    assert parse_rule("R2,C0,M1,S0..25,B6..8,NM").survives == frozenset(range(0, 25))  # M1: S0 means -1 neighbours


def test_neighbourhoods_and_class_names():
    box, diamond, disc = Neighbourhood(2, "M"), Neighbourhood(2, "N"), Neighbourhood(3, "C")
    assert (box.size, diamond.size, disc.size) == (24, 12, 36)
    assert box.title == "the range-2 box (NM)" and disc.class_name(37 + 5) == "alive, 5 live"
    rule = parse_rule(R2_DIAMOND)
    decisions = diamond.decisions(rule)
    assert decisions.shape == (2, 13) and list(np.flatnonzero(decisions[0])) == [3, 4]
    assert list(np.flatnonzero(decisions[1])) == [2, 3, 4, 5]
    with pytest.raises(ValueError, match="different neighbourhood"):
        box.decisions(rule)
    with pytest.raises(ValueError, match="shape must be one of"):
        Neighbourhood(2, "Q")
    assert Neighbourhood(2, "H").symmetry == "trivial" and Neighbourhood(2, "+").symmetry == "p4m"
    assert Neighbourhood(2, "+").title == "the range-2 cross (N+)" and Neighbourhood(2, "+").size == 8


def test_count_evidence_counts_each_class():
    board = np.zeros((1, 2, 7, 7), dtype=bool)
    board[0, 0, 1, 1:6] = True
    board[0, 0, 4, 3] = True
    board[0, 1] = parse_rule(R2_BOX).step(board[0, 0])
    evidence = CountEvidence.of(board, Neighbourhood(2, "M"))
    assert evidence.counts.shape == (2, 25, 2) and evidence.observations == 49 and evidence.transitions == 1
    live = sum(
        np.roll(board[0, 0], (dy, dx), axis=(0, 1)).astype(int)  # the 24 cells around, by brute force
        for dy in range(-2, 3)
        for dx in range(-2, 3)
        if (dy, dx) != (0, 0)
    )
    for centre in (0, 1):
        for count in range(25):
            cells = (board[0, 0] == centre) & (live == count)
            assert evidence.counts[centre, count].sum() == cells.sum()
    assert (evidence + evidence).counts.sum() == 98
    with pytest.raises(ValueError, match="smaller than the range-2 box"):
        CountEvidence.of(np.zeros((1, 2, 4, 4), dtype=bool), Neighbourhood(2, "M"))
    with pytest.raises(ValueError, match="found value 4"):
        CountEvidence.of(np.full((1, 2, 8, 8), 4, dtype=np.uint8), Neighbourhood(2, "M"), states=3)
    with pytest.raises(ValueError, match="cannot pool"):
        evidence + CountEvidence.of(board, Neighbourhood(2, "N"))


@pytest.mark.parametrize("text", [R2_BOX, R2_DIAMOND, BOSCO])
def test_enough_data_identify_the_rule_within_larger_than_life(text):
    rule = parse_rule(text)
    size = 64 if rule.range > 2 else 32
    evidence = CountEvidence.of(trajectories(rule, size=size), Neighbourhood.of(rule))
    if rule.neighbourhood == "M":  # extreme counts of a box never occur: only the interval assumption decides them
        assert not evidence.observed.all()
    verdict = decide_counts(evidence, guess=rule)
    assert verdict.rung == "identified within family" and verdict.determined and verdict.exit_code == 0
    assert verdict.rule == rule and verdict.rules_fit == 1 and verdict.disagreements(rule) == 0
    assert verdict.guess_accuracy(rule) == (None if evidence.observed.all() else 1.0)
    assert "Identified" in verdict.sentence() and "one interval" in verdict.sentence()
    assert f"2^{Neighbourhood.of(rule).size + 1}" in verdict.sentence()


def test_scarce_data_leave_the_interval_ends_open():
    rule = parse_rule(R2_BOX)
    one_step = trajectories(rule, n=1, size=8, steps=1, density=0.2)
    verdict = decide_counts(CountEvidence.of(one_step, Neighbourhood.of(rule)))
    assert verdict.rung == "underdetermined" and verdict.rule is None and verdict.exit_code == 3
    assert verdict.rules_fit > 1 and verdict.undecided and not verdict.known[verdict.undecided].any()
    assert f"{verdict.rules_fit} Larger than Life rules" in verdict.sentence()


def test_data_no_count_rule_explains_are_inconsistent_and_no_interval_falls_to_hrot():
    box = Neighbourhood(2, "M")
    life = CountEvidence.of(trajectories("B3/S23", n=2, size=32), box)  # Life counted on the wrong neighbourhood
    verdict = decide_counts(life)
    assert verdict.rung == "inconsistent" and verdict.unexplained and "went to both next states" in verdict.sentence()
    gap = CountEvidence(box, np.zeros((2, 25, 2), dtype=np.int64), 1)
    gap.counts[0, [3, 7], 1] = 1  # born at 3 and 7 ...
    gap.counts[0, 5, 0] = 1  # ... but not at 5
    gap.counts[1, 4, 1] = 1
    verdict = decide_counts(gap)  # no Larger than Life rule, but HROT rules (any sets of counts) do fit
    assert verdict.rung == "underdetermined" and verdict.family.lists and verdict.rules_fit == 2**46
    assert (
        "born alive after 3 and 7 live but dead after 5" in verdict.sentence()
        and "HROT rules fit" in verdict.sentence()
    )
    gap.counts[0, 0, 1] = 1  # and born on no live cell: B0, which Golly only emulates
    assert decide_counts(gap).rung == "inconsistent" and "(B0)" in decide_counts(gap).sentence()
    with pytest.raises(TypeError, match="CountEvidence"):
        decide_counts(life.counts)


@pytest.mark.parametrize("text", [R2_BOX, R2_DIAMOND, BOSCO])
@pytest.mark.slow
def test_supplied_larger_than_life_data_are_never_a_3x3_rule_but_their_own(text, tmp_path, capsys):
    """Judged as 3x3 data a Larger than Life file is inconsistent (never exit 0); the loop finds its neighbourhood."""
    data = trajectories(text, n=4, density=0.4)
    for family in ("table", "auto", "isotropic", "moore"):
        verdict = decide(Evidence.of(data), family)
        assert verdict.rung == "inconsistent" and verdict.rule is None and verdict.exit_code == 1
    path = save_trajectories(tmp_path / "ltl.npz", data)
    assert main(["learn", "--data", str(path), "--max-rounds", "2", "--device", "cpu"]) == 0
    rule = parse_rule(text)
    out = capsys.readouterr().out
    verdict_line = next(line for line in out.splitlines() if line.startswith("verdict"))
    assert verdict_line.startswith(
        f"verdict       identified within Larger than Life rules on {Neighbourhood.of(rule).title}: "
    )
    assert parse_rule(verdict_line.rsplit(": ", 1)[1]) == rule
    assert f"The next state is a function of the live count of {Neighbourhood.of(rule).title}" in out


@pytest.mark.parametrize("text", [R2_BOX, R2_DIAMOND, "R3,C0,M1,S10..20,B8..12,NC", BOSCO])
def test_structure_test_reads_exact_networks_without_enumerating(text):
    rule = parse_rule(text)
    model = exact_network(rule)
    boards = random_boards(4, (24, 24), 0.4, seed=1)
    np.testing.assert_array_equal(predict(model, boards), rule.step(boards))  # the network is the rule
    result = extract_rule(model)
    cells = Neighbourhood.of(rule).size + 1
    assert result.rule == rule and result.classes.totalistic and not result.reason
    assert result.classes.neighbourhood == Neighbourhood.of(rule) and not result.context_dependent
    assert result.patterns_evaluated <= 3 * 2 * cells * 16 and result.enumeration_patterns == 2**cells
    assert f"instead of 2^{cells}" in result.summary() and f"extracted rule: {result.rule}" in result.summary()


def test_a_network_that_is_not_totalistic_is_reported_as_such():
    rule = parse_rule(R2_DIAMOND)
    result = extract_rule(exact_network(rule, heavier=(1, 0)))  # one cell counts twice
    assert result.rule is None and not result.classes.totalistic
    assert [nb.shape for nb in result.classes.tried] == ["N", "*", "C"]  # every neighbourhood holding the support
    assert (
        "not totalistic on the range-2 diamond (NN); not totalistic on the range-2 star (N*); not totalistic on "
        "the range-2 disc (NC)"
    ) in result.summary()
    assert result.context_dependent and result.reason.startswith("not totalistic on the range-2 box (NM)")
    assert "live (" in result.reason and result.reason in result.summary()


def test_a_totalistic_network_whose_births_are_no_interval_is_read_as_an_hrot_rule():
    rule = parse_rule(R2_BOX)
    result = extract_rule(exact_network(rule, born={3, 4, 8, 9}))
    assert result.classes.totalistic and not result.reason
    assert result.rule == HROTRule(2, rule.survives, {3, 4, 8, 9}) and str(result.rule) == "R2,C0,S4-8,B3-4,8-9"
    assert extract_rule(exact_network(rule, born={0, 5})).rule is None  # B0: Golly emulates it; lifelab refuses


def test_class_test_counts_per_class():
    rule = parse_rule(R2_DIAMOND)
    check = class_test(exact_network(rule), Neighbourhood.of(rule), samples=5, seed=3)
    assert check.alive.shape == (2, 13) and check.samples == 5 and check.totalistic
    np.testing.assert_array_equal(check.alive > 0.5, Neighbourhood.of(rule).decisions(rule))
    assert len(check.rows()) == 26 and check.rows()[3] == {
        "centre": "dead",
        "live": 3,
        "alive": 1.0,
        "confidence": pytest.approx(1.0, abs=1e-4),
    }


def test_receptive_radius():
    assert receptive_radius(build_model("minimal")) == 1
    assert receptive_radius(build_model("tied", kernel_size=5)) == 2
    assert receptive_radius(build_model("e2cnn", kernel_size=11)) == 5
    assert receptive_radius(nn.Conv2d(2, 2, 3, dilation=2)) == 2
    assert receptive_radius(nn.ReLU()) == 0


@pytest.mark.parametrize("text", [R2_BOX, R2_DIAMOND])
@pytest.mark.slow
def test_the_loop_learns_range_2_rules(text):
    report = learn_rule(text, model="tied", seed=0, progress=False)
    assert report.recovered and report.rule == parse_rule(text) and report.verdict.exit_code == 0
    assert report.trained.config["kernel_size"] == 5 and report.rounds[-1].extraction.classes.totalistic
    assert report.verdict.label.startswith("identified within Larger than Life rules on the range-2")
    assert report.rounds[-1].disagreements == 0 and report.guessed_right in (None, 1.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(source=R2_BOX, model="minimal"), "fixed 3x3 kernels"),
        (dict(source=R2_BOX, model="table"), "tabulates 3x3 patterns"),
        (dict(source=R2_BOX, family="isotropic"), "names a 3x3 family"),
        (dict(source=R2_BOX, noise=0.01), "3x3 windows only"),
        (dict(source=R2_BOX, group="auto"), "group='auto'"),
        (dict(source=BOSCO, shape=(8, 8)), r"smaller than the range-5 box \(NM\) \(11x11\)"),
    ],
)
def test_the_loop_refuses_what_it_cannot_do_for_larger_than_life(kwargs, message):
    with pytest.raises(ValueError, match=message):
        learn_rule(progress=False, **kwargs)


@pytest.mark.slow
def test_cli_learns_a_larger_than_life_rule(capsys):
    assert main(["learn", R2_DIAMOND, "--max-rounds", "3"]) == 0
    out = capsys.readouterr().out
    assert "verdict       identified within Larger than Life rules on the range-2 diamond (NN)" in out
    assert "assumption    the next state depends only on the cell" in out and "2^13 patterns" in out
    assert "equals truth  yes" in out


def test_cli_refuses_a_data_file_with_states_outside_its_rule(tmp_path, capsys):
    trajectories = simulate("/2/3", random_boards(1, (8, 8), 0.4, seed=0), 2)
    trajectories[0, 1, 0, 0] = 4  # Brian's Brain has states 0-2
    path = save_trajectories(tmp_path / "bad.npz", trajectories, metadata={"rule": "/2/3"})
    assert main(["learn", "--data", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "(rule /2/3) must be states 0-2, found value 4" in err[0]


@pytest.mark.parametrize("text", ["R2,C0,M1,S2..4,B2..3,N+", "R2,C0,M1,S4..8,B4..6,N#", "R3,C0,M1,S3..6,B3..4,NX"])
@pytest.mark.slow
def test_larger_than_life_on_golly_4_s_other_shapes_is_learned_and_read_back(text):
    """Weighted counts are counts: the class verdict and the network's structure test work on any square shape."""
    report = learn_rule(text, model="tied", seed=0, progress=False)
    assert report.verdict.rung == "identified within family" and report.rule == parse_rule(text)
    assert report.extracted == report.rule and f"(N{text[-1]})" in report.verdict.label
    nb = Neighbourhood.of(parse_rule(text))
    assert nb.size == parse_rule(text).size and (0, 0) not in nb.offsets
    with pytest.raises(ValueError, match=r"range-2 hexagonal \(NH\) is not p4m-symmetric .* use a plain 'small'"):
        learn_rule("R2,C0,S2-4,B3,NH", model="tied", progress=False)


CUSTOM = "R2,C0,S2-3,B3,N@A8A0FF"  # 14 cells of the 5x5 box, no symmetry of the square


@pytest.mark.parametrize(
    "text, model, group",
    [
        (CUSTOM, "small", None),
        ("R1,C0,S2-4,B3-4,NW121202121", "tied", None),
        ("R1,C0,S4,6,B4,6,NW222202222", "tied", None),
        ("R1,C0,S1-3,B2-3,NW1F1202121", "small", None),
        ("R2,C0,S2-4,B3,NH", "e2cnn", "trivial"),
        ("R2,C0,S16-30,B14-24,NG", "tied", None),
        ("R2,C0,S2-4,B3,N@0EDC00H", "small", None),
    ],
)
@pytest.mark.slow
def test_golly_4_s_custom_weighted_and_hexagonal_neighbourhoods_are_learned_and_read_back(text, model, group):
    """N@, NW and NH are named by the rule, not found by the structure test: the loop reads the network on
    their classes, weighted counts (negative weights, counts no set of cells gives) included."""
    report = learn_rule(text, model=model, group=group, seed=0, max_rounds=6, progress=False)
    assert report.stop_reason == "determined" and report.verdict.rung == "identified within family"
    assert report.rule == parse_rule(text) and report.extracted == report.rule
    assert report.rounds[-1].extraction.classes.neighbourhood == Neighbourhood.of(parse_rule(text))


def test_supplied_data_on_a_custom_neighbourhood_are_learned_when_it_is_named(tmp_path, capsys):
    path = save_trajectories(tmp_path / "custom.npz", simulate(CUSTOM, random_boards(4, (32, 32), 0.35, seed=0), 16))
    assert (
        main(
            [
                "learn",
                "--data",
                str(path),
                "--neighbourhood",
                "R2,N@A8A0FF",
                "--model",
                "small",
                "--max-rounds",
                "2",
                "--device",
                "cpu",
            ]
        )
        == 0
    )
    assert (
        f"identified within Larger than Life rules on the range-2 custom (N@A8A0FF): {CUSTOM}"
        in capsys.readouterr().out
    )
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,N@A8A0FF", "--device", "cpu"]) == 2
    assert "is not p4m-symmetric" in capsys.readouterr().err


def test_a_weighted_neighbourhood_s_classes_are_its_weighted_counts():
    evens = Neighbourhood(1, "W", "222202222")  # every count even: the odd ones never occur
    assert (evens.low, evens.high, evens.width, evens.size, evens.weighted) == (0, 16, 17, 8, True)
    assert list(np.flatnonzero(evens.reachable)) == list(range(0, 17, 2)) and evens.symmetry == "p4m"
    signed = Neighbourhood(1, "W", "1F1202121")  # -7 in the top middle: counts -7..10, all reachable
    assert (signed.low, signed.high, signed.reachable.all(), signed.symmetry) == (-7, 10, True, "trivial")
    assert signed.class_name(0) == "dead, count -7" and signed.class_name(signed.width + 7) == "alive, count 0"
    board = np.zeros((9, 9), bool)
    board[3, 4] = board[4, 3] = True  # the -7 cell above the centre (4, 4) and a 2 to its left
    assert signed.counts(board)[4, 4] == -5 and signed.keys(board)[4, 4] == -5 + 7
    with pytest.raises(ValueError, match="state weights"):
        Neighbourhood(1, "W", "121202121,01")
    with pytest.raises(ValueError, match="counts no cell"):
        Neighbourhood(1, "@", "00")
    assert parse_neighbourhood("R2,N@a8a0ff") == Neighbourhood(2, "@", "A8A0FF")
    assert parse_neighbourhood("R1,NW121202121").same_cells(Neighbourhood(1, "W", "121202121"))
    gaussian = parse_neighbourhood("R2,NG")  # Golly's weights (3 - |dy|)(3 - |dx|), the centre's not counted
    assert (gaussian.high, gaussian.weights[0, 0], gaussian.weights[1, 2], gaussian.symmetry) == (72, 1, 6, "p4m")
    assert parse_neighbourhood("R2,N@0edc00h").spec == "0EDC00H"  # Golly's hexagonal grid: the same counts
    sets = _weighted_sets(signed, np.arange(-7, 11).repeat(3), np.random.default_rng(0))
    weights = signed.weights[signed.weights != 0]
    assert (sets @ weights == np.arange(-7, 11).repeat(3)).all()  # every count built exactly


def test_counts_golly_cannot_write_are_inconsistent_not_a_rule():
    signed = Neighbourhood(1, "W", "1F1202121")
    born_below_zero = np.zeros((1, 2, 9, 9), bool)
    born_below_zero[0, 0, 3, 4] = True  # count -7 at the centre, born there
    born_below_zero[0, 1, 4, 4] = True
    ev = CountEvidence.of(born_below_zero, signed)
    verdict = decide_counts(ev)
    assert verdict.rung == "inconsistent" and verdict.rule is None
    assert "born at count -7" in verdict.note and "cannot say" in verdict.note


def test_supplied_data_on_a_cross_are_learned_when_the_neighbourhood_is_named(tmp_path, capsys):
    text = "R2,C0,M1,S2..4,B2..3,N+"
    path = save_trajectories(tmp_path / "cross.npz", simulate(text, random_boards(4, (32, 32), 0.3, seed=5), 16))
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,N+", "--max-rounds", "2", "--device", "cpu"]) == 0
    assert f"identified within Larger than Life rules on the range-2 cross (N+): {text}" in capsys.readouterr().out


@pytest.mark.slow
def test_count_lists_that_are_no_interval_are_identified_within_hrot_rules():
    text = "R2,C0,S2,4,B3,5,N+"
    rule = parse_rule(text)
    traj = simulate(rule, random_boards(8, (32, 32), 0.35, seed=1), 20)
    verdict = decide_counts(CountEvidence.of(traj, Neighbourhood.of(rule)))
    assert verdict.rung == "identified within family" and verdict.rule == rule and verdict.family.lists
    assert verdict.label == "identified within HROT rules on the range-2 cross (N+)"
    assert "which one interval cannot express" in verdict.sentence() and verdict.disagreements(rule) == 0
    short = decide_counts(CountEvidence.of(traj[:1, :2], Neighbourhood(2, "M")))  # not B/S intervals, few classes
    assert short.rung in ("underdetermined", "inconsistent") and short.rule is None
    report = learn_rule(text, model="tied", seed=0, progress=False)
    assert report.rule == rule and report.extracted == rule and report.stop_reason == "determined"


def test_b0_on_golly_4_s_shapes_is_refused_by_the_verdict_and_the_structure_test():
    cross = Neighbourhood(2, "+")
    evidence = CountEvidence(cross, np.zeros((2, 9, 2), dtype=np.int64), 1)
    evidence.counts[0, 0:3, 1] = evidence.counts[1, 2:4, 1] = 1
    evidence.counts[0, 3:, 0] = 1
    evidence.counts[1, [0, 1, 4, 5, 6, 7, 8], 0] = 1
    verdict = decide_counts(evidence)  # one interval each, but born on 0: no HROT rule lifelab names
    assert verdict.rung == "inconsistent" and verdict.rule is None and "(B0)" in verdict.sentence()
    result = extract_rule(exact_network(HROTRule(2, {2, 3}, {3}, neighbourhood="+"), born={0, 1, 2}))
    assert result.rule is None and "B0" in result.reason


DYING = "R2,C4,S3-7,B4-6"  # Golly 4's HROT spelling of a 4-state Larger than Life rule on the range-2 box


def test_dying_states_are_checked_and_the_classes_read_from_the_dead_and_live_cells():
    rule = parse_rule(DYING)
    trajectories = simulate(rule, random_boards(8, (32, 32), 0.35, seed=0), 16)
    evidence = CountEvidence.of(trajectories, Neighbourhood.of(rule))
    assert (evidence.states, evidence.astray, evidence.shown) == (4, 0, True)
    verdict = decide_counts(evidence)
    assert verdict.rung == "identified within family" and verdict.rule == rule and verdict.rule.states == 4
    assert verdict.rule == parse_rule("R2,C4,M1,S4..8,B4..6,NM")  # one rule, two spellings
    assert "of 4 states" in verdict.label and "dies through states 2 to 3" in verdict.family.assumption
    tampered = trajectories.copy()
    tampered[0, 5][tampered[0, 4] == 2] = 2  # dying cells that stay put
    broken = decide_counts(CountEvidence.of(tampered, Neighbourhood.of(rule)))
    assert broken.rung == "inconsistent" and "broke the dying states of a 4-state rule" in broken.note
    first = simulate(rule, random_boards(8, (32, 32), 0.35, seed=0), 1)  # states 0..2 seen, 2 never followed
    short = decide_counts(CountEvidence.of(first, Neighbourhood.of(rule)))
    assert (
        short.rung == "underdetermined" and short.rule is None and "(Golly's C) is open: 3 or more" in short.sentence()
    )
    for states in (3, 4):  # stated, the number of states is the user's assumption, and one rule fits each
        stated = decide_counts(CountEvidence.of(first, Neighbourhood.of(rule), states=states))
        assert stated.rung == "identified within family" and stated.rule.states == states
    assert decide_counts(CountEvidence.of(first, Neighbourhood.of(rule), states=4)).rule == rule


@pytest.mark.slow
def test_a_rule_with_dying_states_is_learned_by_the_loop_and_read_back():
    report = learn_rule(DYING, seed=0, max_rounds=6, progress=False)
    assert report.stop_reason == "determined" and report.rule == parse_rule(DYING)
    extraction = report.rounds[-1].extraction
    assert report.extracted == report.rule and extraction.states == 4 and extraction.structure == 1.0


def test_cli_learns_dying_states_from_saved_data_when_a_count_neighbourhood_is_named(tmp_path, capsys):
    path = save_trajectories(tmp_path / "dying.npz", simulate(DYING, random_boards(4, (32, 32), 0.35, seed=0), 16))
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NM", "--max-rounds", "4", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "identified within Larger than Life rules of 4 states on the range-2 box (NM): R2,C4,M1,S4..8,B4..6" in out
