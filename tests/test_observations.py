"""Learning from observations: frames with an edge, the neighbourhood found from the data, the learner that follows."""

from __future__ import annotations

import numpy as np
import pytest

from lifelab import Rule, random_boards, simulate
from lifelab.cli import main
from lifelab.data import TrajectoryDataset, save_trajectories
from lifelab.errors import InputError
from lifelab.evidence import CountEvidence, Evidence, Neighbourhood, VerdictProtocol, decide, decide_counts
from lifelab.evidence.boundary import choose_boundary, interior, keyed
from lifelab.evidence.neighbourhood import parse_neighbourhood, search_neighbourhood
from lifelab.extract import generator_check
from lifelab.families import parse_rule
from lifelab.loop import learn_rule
from lifelab.patterns import N_PATTERNS, pattern_index


def windows(rule, world: int, frame: int, n: int = 8, steps: int = 16, density: float = 0.4, seed: int = 0):
    """``n`` trajectories of a ``world`` x ``world`` torus seen through a random ``frame`` x ``frame`` window each."""
    rng = np.random.default_rng(seed)
    runs = simulate(rule, random_boards(n, (world, world), density, seed=rng), steps)
    out = []
    for run in runs:
        y, x = rng.integers(0, world - frame, 2)
        out.append(run[:, y:y + frame, x:x + frame])
    return np.stack(out)


def test_interior_and_keys_under_each_boundary():
    assert interior((5, 6), 1).sum() == 3 * 4 and not interior((2, 9), 1).any()
    board = np.zeros((1, 4, 4), dtype=bool)
    board[0, 0, 0] = True
    torus = keyed(board, 1, "torus", pattern_index)
    dead = keyed(board, 1, "dead", pattern_index)
    opened = keyed(board, 1, "open", pattern_index)
    assert torus[0, 3, 3] == 1  # the live corner wraps round to be the SE neighbour of the far corner
    assert dead[0, 3, 3] == 0 and dead[0, 1, 1] == 256  # a dead outside: nothing wraps; NW of (1, 1) is live
    assert (opened[0][~interior((4, 4), 1)] == -1).all() and opened[0, 1, 1] == 256


@pytest.mark.parametrize("boundary", ["torus", "dead", "open"])
def test_evidence_counts_the_cells_each_boundary_lets_count(boundary):
    traj = simulate("B3/S23", random_boards(2, (10, 12), 0.4, seed=1), 3)
    evidence = Evidence.of(traj, boundary=boundary)
    cells = 10 * 12 if boundary != "open" else 8 * 10
    assert evidence.observations == 2 * 3 * cells and evidence.boundary == boundary
    with pytest.raises(InputError, match="cannot pool evidence counted with a"):
        evidence + Evidence.of(traj, boundary="torus" if boundary != "torus" else "open")


def test_a_torus_is_recognised_and_its_edge_used():
    traj = simulate("B3/S23", random_boards(8, (32, 32), 0.4, seed=2), 16)
    evidence = Evidence.of(traj, boundary="auto")
    assert evidence.boundary == "torus" and "taken as a torus" in evidence.boundary_note
    assert decide(evidence).rule == Rule.parse("B3/S23")


def test_a_dead_outside_is_recognised_where_a_torus_would_be_inconsistent():
    traj = simulate("B3/S23:P32,32", random_boards(8, (32, 32), 0.4, seed=3), 16)
    assert decide(Evidence.of(traj, boundary="torus")).rung == "inconsistent"  # the wrap is not what happened
    evidence = Evidence.of(traj, boundary="auto")
    assert evidence.boundary == "dead" and "dead outside" in evidence.boundary_note
    verdict = decide(evidence)
    assert verdict.rung == "identified" and verdict.rule == Rule.parse("B3/S23") and verdict.noise is None
    assert "dead outside" in verdict.sentence()


@pytest.mark.parametrize("rule, world, frame", [("B3/S23", 96, 32), ("B36/S23", 128, 48)])
def test_a_window_of_a_larger_world_is_open_and_never_noise(rule, world, frame):
    data = windows(rule, world, frame)
    torus = decide(Evidence.of(data, boundary="torus"))
    assert torus.rung != "identified"  # the wrap-around edge is no rule's doing
    evidence = Evidence.of(data, boundary="auto")
    assert evidence.boundary == "open" and "were not used: the frame is not a torus" in evidence.boundary_note
    verdict = decide(evidence, "auto")
    assert verdict.noise is None and verdict.rung != "explained with noise"
    assert verdict.rule is None or verdict.rule == Rule.parse(rule)  # never a wrong rule
    assert verdict.determined  # the interior of 8 windows shows every pattern (or class) these rules need


def test_a_mostly_empty_world_shows_no_boundary_and_is_taken_open():
    board = np.zeros((1, 24, 24), dtype=bool)
    board[0, 10:13, 11] = True  # a blinker far from the edge: the edge never tells torus from dead
    choice = choose_boundary(*(lambda t: (t[:, :-1], t[:, 1:]))(simulate("B3/S23", board, 6)), 1, pattern_index,
                             N_PATTERNS)
    assert choice.boundary == "open" and "neither a torus nor a dead outside" in choice.note


def test_the_loop_and_cli_find_the_boundary_of_supplied_data(tmp_path, capsys):
    traj = simulate("B3/S23:P32,32", random_boards(6, (32, 32), 0.4, seed=4), 16)
    report = learn_rule(traj, model="table", progress=False)
    assert report.boundary == "dead" and report.rule == Rule.parse("B3/S23")
    path = save_trajectories(tmp_path / "dish.npz", simulate("B3/S23", random_boards(6, (96, 96), 0.4, seed=5), 16)
                             [:, :, 10:42, 20:52])
    assert main(["learn", "--data", str(path), "--model", "table", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "boundary      open: cells within 1 of the frame's edge were not used" in out
    assert "verdict       identified: B3/S23" in out and "noise" not in out.split("verdict")[1].split("\n")[0]


def test_an_open_frame_trains_without_its_edge_and_checks_only_what_it_shows():
    data = windows("B3/S23", 64, 24, n=2, steps=6)
    framed = TrajectoryDataset(data, visible=2, boundary="open", margin=1)
    x, y, _ = framed.tensors()
    assert (y[:, 0] == -100).all() and (y[:, 1:-1, 1:-1] >= 0).all()
    dish = TrajectoryDataset(data, visible=2, boundary="dead", margin=2)
    x, y, _ = dish.tensors()
    assert x.shape[-2:] == (28, 28) and (x[:, 1, :2] == 0).all() and (y[:, :2] == -100).all()
    assert generator_check("B3/S23", data, "open").transition_match == 1.0
    assert generator_check("B3/S23", data, "torus").transition_match < 1.0


@pytest.mark.parametrize("text, density", [
    ("B3/S23", 0.4), ("B2/S013V", 0.3),
    ("R2,C0,M1,S5..9,B6..8,NM", 0.4), ("R2,C0,M0,S3..5,B3..4,NN", 0.35), ("R3,C0,M0,S8..14,B9..12,NC", 0.45),
    ("R5,C0,M1,S34..58,B34..45,NM", 0.4),
])
def test_the_search_finds_each_golly_neighbourhood(text, density):
    rule = parse_rule(text)
    search = search_neighbourhood(simulate(rule, random_boards(4, (48, 48), density, seed=6), 12), support=False)
    assert search.chosen is not None and search.chosen.exact
    if hasattr(rule, "range"):
        assert search.counting == Neighbourhood.of(rule)
        assert f"the live count of {Neighbourhood.of(rule).title}" in search.sentence()
        assert "the 3x3 window leaves" in search.sentence()
    else:
        assert search.chosen.within_3x3 and search.counting is None


def test_the_support_search_finds_cells_a_rule_reads():
    # the next state is the cell two columns to the right: a support no Golly neighbourhood describes
    boards = random_boards(4, (32, 32), 0.5, seed=7)
    traj = np.stack([boards, np.roll(boards, -2, axis=-1)], axis=1)
    search = search_neighbourhood(traj)
    assert search.chosen is not None and search.chosen.kind == "window" and search.chosen.offsets[-1] == (0, 2)
    assert len(search.chosen.offsets) == 2 and not search.chosen.within_3x3


def test_the_search_names_no_neighbourhood_for_a_mixture_of_rules():
    life = simulate("B3/S23", random_boards(4, (48, 48), 0.4, seed=8), 16)
    highlife = simulate("B36/S23", random_boards(4, (48, 48), 0.4, seed=9), 16)
    search = search_neighbourhood(np.concatenate([life, highlife]), support=False)
    assert search.chosen is None and search.counting is None
    assert search.sentence().startswith("No neighbourhood tried makes the next state a function of it")


def test_neighbourhood_names_and_bad_input():
    assert parse_neighbourhood("R2,NM") == Neighbourhood(2, "M") and parse_neighbourhood("3x3") is None
    assert parse_neighbourhood("r3nc") == Neighbourhood(3, "C")
    with pytest.raises(InputError, match="Golly's Larger than Life spelling"):
        parse_neighbourhood("R2,NX")
    with pytest.raises(InputError, match="too small to tell neighbourhoods of range 5 apart"):
        search_neighbourhood(random_boards(1, (10, 10), seed=0)[None].repeat(2, axis=1))
    with pytest.raises(InputError, match="2-state"):
        search_neighbourhood(simulate("345/2/4", random_boards(1, (24, 24), seed=0).astype(np.uint8), 3))


def test_a_stated_neighbourhood_is_counted_on(tmp_path, capsys):
    traj = simulate("R2,C0,M1,S5..9,B6..8,NM", random_boards(4, (32, 32), 0.4, seed=10), 12)
    path = save_trajectories(tmp_path / "box.npz", traj)
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NM", "--max-rounds", "2",
                 "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "identified within Larger than Life rules on the range-2 box (NM)" in out and "neighbourhood The" not in out
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NQ"]) == 2
    assert main(["learn", "B3/S23", "--neighbourhood", "R2,NM"]) == 2


def test_the_learner_moves_when_the_data_contradict_its_family():
    report = learn_rule("B2ce3ai/S12ak3", model="tied", max_rounds=6, progress=False, device="cpu")
    moved = [r for r in report.rounds if r.moved]
    assert moved and "from TiedCNN v1.0.0 to EquivariantCNN v1.0.0" in moved[0].moved
    assert "contradict rules of the cell, its live edge and its live corner neighbours" in moved[0].moved
    assert report.converged and report.rule == parse_rule("B2ce3ai/S12ak3")
    kept = learn_rule("B2ce3ai/S12ak3", model="tied", max_rounds=2, follow=False, progress=False, device="cpu")
    assert not any(r.moved for r in kept.rounds)


def test_both_verdict_kinds_meet_the_verdict_protocol():
    life = simulate("B3/S23", random_boards(2, (32, 32), 0.4, seed=11), 16)
    box = simulate("R2,C0,M1,S5..9,B6..8,NM", random_boards(2, (32, 32), 0.4, seed=12), 12)
    verdicts = [decide(Evidence.of(life)), decide_counts(CountEvidence.of(box, Neighbourhood(2, "M")))]
    for verdict in verdicts:
        assert isinstance(verdict, VerdictProtocol)
        assert verdict.determined == (verdict.exit_code == 0)
        assert verdict.label.startswith("identified") and verdict.sentence().startswith("Identified")
        assert verdict.disagreements(verdict.rule) == 0 and isinstance(verdict.unobserved, list)
        assert verdict.summary().splitlines()[0].startswith("verdict")


def test_a_file_may_carry_its_boundary(tmp_path, capsys):
    dish = simulate("B3/S23:P24,24", random_boards(4, (24, 24), 0.4, seed=13), 12)
    path = save_trajectories(tmp_path / "dish.npz", dish, metadata={"boundary": "dead"})
    assert main(["learn", "--data", str(path), "--model", "table", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "boundary      dead, as the file's metadata say" in out and "verdict       identified: B3/S23" in out
    bad = save_trajectories(tmp_path / "bad.npz", dish, metadata={"boundary": "klein"})
    assert main(["learn", "--data", str(bad), "--model", "table"]) == 2
    assert "boundary must be one of" in capsys.readouterr().err
