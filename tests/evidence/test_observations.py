"""Learning from observations: frames with an edge, the neighbourhood found from the data, the learner that follows."""

from __future__ import annotations

import numpy as np
import pytest

from lifelab import Rule, random_boards, simulate
from lifelab.cli import main
from lifelab.errors import InputError
from lifelab.evidence import (
    CountEvidence,
    Evidence,
    Observations,
    TableEvidence,
    VerdictProtocol,
    add_noise,
    decide,
    decide_counts,
    generator_check,
    judge,
)
from lifelab.evidence.boundary import choose_boundary, interior, keyed
from lifelab.evidence.neighbourhood import parse_neighbourhood, search_neighbourhood
from lifelab.evidence.steps import search_steps
from lifelab.geometry import CENTRE, N_PATTERNS, Neighbourhood, counts, pattern_index
from lifelab.io import read_recording, save_trajectories
from lifelab.io.rle import save_rle
from lifelab.learning import TrajectoryDataset
from lifelab.loop import learn_rule
from lifelab.rules import parse_rule
from lifelab.viz import animate_trajectory, drop_scan_lines


def windows(rule, world: int, frame: int, n: int = 8, steps: int = 16, density: float = 0.4, seed: int = 0):
    """``n`` trajectories of a ``world`` x ``world`` torus seen through a random ``frame`` x ``frame`` window each."""
    rng = np.random.default_rng(seed)
    runs = simulate(rule, random_boards(n, (world, world), density, seed=rng), steps)
    out = []
    for run in runs:
        y, x = rng.integers(0, world - frame, 2)
        out.append(run[:, y : y + frame, x : x + frame])
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
    choice = choose_boundary(
        *(lambda t: (t[:, :-1], t[:, 1:]))(simulate("B3/S23", board, 6)), 1, pattern_index, N_PATTERNS
    )
    assert choice.boundary == "open" and "neither a torus nor a dead outside" in choice.note


@pytest.mark.slow
def test_the_loop_and_cli_find_the_boundary_of_supplied_data(tmp_path, capsys):
    traj = simulate("B3/S23:P32,32", random_boards(6, (32, 32), 0.4, seed=4), 16)
    report = learn_rule(traj, model="table", progress=False)
    assert report.boundary == "dead" and report.rule == Rule.parse("B3/S23")
    path = save_trajectories(
        tmp_path / "dish.npz", simulate("B3/S23", random_boards(6, (96, 96), 0.4, seed=5), 16)[:, :, 10:42, 20:52]
    )
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


@pytest.mark.parametrize(
    "text, density",
    [
        ("B3/S23", 0.4),
        ("B2/S013V", 0.3),
        ("R2,C0,M1,S5..9,B6..8,NM", 0.4),
        ("R2,C0,M0,S3..5,B3..4,NN", 0.35),
        ("R3,C0,M0,S8..14,B9..12,NC", 0.45),
        ("R5,C0,M1,S34..58,B34..45,NM", 0.4),
    ],
)
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
        parse_neighbourhood("R2,NQ")
    with pytest.raises(InputError, match="too small to tell neighbourhoods of range 5 apart"):
        search_neighbourhood(random_boards(1, (10, 10), seed=0)[None].repeat(2, axis=1))
    with pytest.raises(InputError, match="2-state"):
        search_neighbourhood(simulate("345/2/4", random_boards(1, (24, 24), seed=0).astype(np.uint8), 3))


@pytest.mark.slow
def test_a_stated_neighbourhood_is_counted_on(tmp_path, capsys):
    traj = simulate("R2,C0,M1,S5..9,B6..8,NM", random_boards(4, (32, 32), 0.4, seed=10), 12)
    path = save_trajectories(tmp_path / "box.npz", traj)
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NM", "--max-rounds", "2", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "identified within Larger than Life rules on the range-2 box (NM)" in out and "neighbourhood The" not in out
    assert main(["learn", "--data", str(path), "--neighbourhood", "R2,NQ"]) == 2
    assert main(["learn", "B3/S23", "--neighbourhood", "R2,NM"]) == 2


@pytest.mark.slow
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


def test_every_kind_of_evidence_pools_alike():
    life = simulate("B3/S23", random_boards(2, (16, 16), 0.4, seed=13), 4)
    states = life.astype(np.uint8)
    kinds = [
        (Evidence.of(life), life),
        (CountEvidence.of(life, Neighbourhood(2, "M")), life),
        (TableEvidence.of(states, "Moore"), states),
    ]
    for evidence, data in kinds:
        pooled = evidence + evidence.like(data)
        assert isinstance(pooled, Observations) and type(pooled) is type(evidence)
        assert pooled.observations == 2 * evidence.observations
        assert (pooled.states, pooled.boundary, pooled.boundary_note) == (evidence.states, evidence.boundary, "")
    with pytest.raises(InputError, match="cannot pool counts taken with a torus and a dead boundary"):
        kinds[1][0] + CountEvidence.of(life, Neighbourhood(2, "M"), boundary="dead")
    with pytest.raises(TypeError):
        kinds[0][0] + kinds[1][0]


def test_a_file_may_carry_its_boundary(tmp_path, capsys):
    dish = simulate("B3/S23:P24,24", random_boards(4, (24, 24), 0.4, seed=13), 12)
    path = save_trajectories(tmp_path / "dish.npz", dish, metadata={"boundary": "dead"})
    assert main(["learn", "--data", str(path), "--model", "table", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "boundary      dead, as the file's metadata say" in out and "verdict       identified: B3/S23" in out
    bad = save_trajectories(tmp_path / "bad.npz", dish, metadata={"boundary": "klein"})
    assert main(["learn", "--data", str(bad), "--model", "table"]) == 2
    assert "boundary must be one of" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Stochastic rules, dependent errors, every k-th step, pictures
# ---------------------------------------------------------------------------


def test_a_stochastic_rule_reads_prints_and_runs_on_its_own_stream():
    rule = parse_rule("B3/S23 [B3=0.8]")
    assert str(rule) == "B3/S23 [B3=0.8]" and rule.base == Rule.parse("B3/S23") and rule.exceptions == {"B3": 0.8}
    assert parse_rule(str(rule)) == rule and str(parse_rule("B3/S23 [B4=0.3, S2=0.9]")) == "B3/S23 [B4=0.3, S2=0.9]"
    boards = random_boards(4, (32, 32), 0.4, seed=0)  # the same seed as the run: the streams must not be one
    first, again = simulate(rule, boards, 8, seed=0), simulate(rule, boards, 8, seed=0)
    assert np.array_equal(first, again) and not np.array_equal(first, simulate(rule, boards, 8, seed=1))
    index = pattern_index(first[:, :-1])
    born = (~CENTRE & (counts("moore") == 3))[index]
    assert abs(first[:, 1:][born].mean() - 0.8) < 0.03  # the births on three really are at 0.8
    for bad, message in [
        ("B3/S23 [B9=0.5]", "unknown stochastic class"),
        ("B3/S23 [B3=1.5]", r"in \[0, 1\]"),
        ("B3/S23 [B3]", "should be CLASS=probability"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_rule(bad)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_stochastic_verdict_holds_the_true_probability_and_no_false_noise(seed):
    data = simulate("B3/S23 [B3=0.8]", random_boards(8, (48, 48), 0.4, seed=seed), 24, seed=seed)
    verdict = decide(Evidence.of(data), "auto")
    assert verdict.stochastic is not None and verdict.rung in ("stochastic", "underdetermined")
    assert verdict.flips.p_value < 1e-6 and verdict.rule is None or verdict.rung == "stochastic"
    random = verdict.stochastic.stochastic
    assert [c.name for c in random] == ["B3"] and random[0].low <= 0.8 <= random[0].high
    assert "a dead cell with 3 live neighbours is born with probability 0.8" in verdict.sentence()
    assert "explained with noise" not in verdict.sentence()


@pytest.mark.slow
def test_a_stochastic_oracle_is_learned_to_its_intervals_by_asking():
    report = learn_rule("B3/S23 [B3=0.8]", model="table", mode="query", shape=(48, 48), max_rounds=12, progress=False)
    b3 = next(c for c in report.verdict.stochastic.classes if c.name == "B3")
    assert b3.low <= 0.8 <= b3.high and b3.high - b3.low < 0.05
    assert report.wrong is not True  # a stochastic verdict names the oracle or nothing


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rate", [0.005, 0.01, 0.02])
@pytest.mark.slow
def test_independent_flips_are_neither_stochastic_nor_dependent(seed, rate):
    clean = simulate("B3/S23", random_boards(8, (32, 32), 0.5, seed=seed), 16)
    verdict = decide(Evidence.of(add_noise(clean, rate, seed=seed + 50)))
    assert verdict.rung in ("explained with noise", "underdetermined") and verdict.rule in (None, Rule.parse("B3/S23"))
    assert verdict.stochastic is None and verdict.independence.independent and verdict.noise is not None


def test_errors_in_rows_blocks_and_frames_are_not_called_independent_noise():
    clean = simulate("B3/S23", random_boards(8, (32, 32), 0.5, seed=3), 16)
    block = clean.copy()
    block[:, :, 5:10, 5:10] = True
    frame = clean.copy()
    frame[2, 7] = np.random.default_rng(6).random((32, 32)) < 0.5
    for data in (drop_scan_lines(clean, 0.3, seed=5), block, frame):
        verdict = decide(Evidence.of(data))
        assert verdict.rung == "inconsistent" and verdict.rule is None
        assert (
            "Independent cell flips do not explain the conflicts: the errors are not independent" in verdict.sentence()
        )


@pytest.mark.parametrize("rule", ["B3/S23", "B36/S23"])
@pytest.mark.slow
def test_frames_every_second_step_are_read_as_such(rule, tmp_path, capsys):
    frames = simulate(rule, random_boards(8, (32, 32), 0.4, seed=7), 32)[:, ::2]
    assert decide(Evidence.of(frames)).rung == "inconsistent"
    found = judge(frames)
    assert found.verdict.determined and found.verdict.rule == Rule.parse(rule)
    assert "observed every 2 steps" in found.verdict.label
    assert search_steps(frames, 3).rung == "inconsistent"  # and not 3 steps apart
    path = save_trajectories(tmp_path / "every2.npz", frames)
    assert main(["learn", "--data", str(path), "--device", "cpu"]) == 0
    assert f"identified within outer-totalistic Moore rules observed every 2 steps: {rule}" in capsys.readouterr().out


@pytest.mark.parametrize("shape, rule", [((32, 32), "B3/S23"), ((24, 40), "B36/S23"), ((20, 20), "345/2/4")])
@pytest.mark.slow
def test_lifelab_gifs_read_back_cell_for_cell(shape, rule, tmp_path):
    start = random_boards(1, shape, 0.4, seed=8)[0]
    traj = simulate(rule, start if rule != "345/2/4" else start.astype(np.uint8), 10)[0]
    path = animate_trajectory(traj, tmp_path / "run.gif", title="a title above the board")
    read = read_recording(path)
    back = read.trajectories
    assert back.shape == (1, 11, *shape) and np.array_equal(back[0].astype(np.uint8), traj.astype(np.uint8))
    assert read.grid.cells == shape


def test_png_and_rle_folders_read_back(tmp_path):
    from PIL import Image

    traj = simulate("B3/S23", random_boards(1, (16, 24), 0.4, seed=9), 6)[0]
    pngs, rles = tmp_path / "pngs", tmp_path / "rles"
    pngs.mkdir()
    rles.mkdir()
    for t, board in enumerate(traj):  # 6-pixel cells with a 3-pixel margin, as a screenshot might have
        pixels = np.full((16 * 6 + 6, 24 * 6 + 6, 3), 255, np.uint8)
        pixels[3:-3, 3:-3][np.repeat(np.repeat(board, 6, 0), 6, 1)] = (0, 90, 0)
        Image.fromarray(pixels).save(pngs / f"frame{t:03d}.png")
        save_rle(rles / f"frame{t:03d}.rle", board)
    read = read_recording(pngs)
    assert np.array_equal(read.trajectories[0], traj) and read.grid.cells == (16, 24)
    from_rle = read_recording(rles).trajectories
    # an RLE holds the live cells' bounding box: these boards touch every edge, so the boxes are the boards
    if all(b[0].any() and b[-1].any() and b[:, 0].any() and b[:, -1].any() for b in traj):
        assert np.array_equal(from_rle[0], traj)


def test_bad_pictures_get_one_clear_error(tmp_path):
    from PIL import Image

    one = tmp_path / "one"
    one.mkdir()
    Image.fromarray(np.full((20, 20, 3), 255, np.uint8)).save(one / "a.png")
    with pytest.raises(InputError, match="one.*(single colour|one frame)"):
        read_recording(one)
    sizes = tmp_path / "sizes"
    sizes.mkdir()
    save_rle(sizes / "a.rle", np.ones((3, 3), bool))
    save_rle(sizes / "b.rle", np.ones((4, 3), bool))
    with pytest.raises(InputError, match="the RLE frames differ in size"):
        read_recording(sizes)
    assert main(["learn", "--data", str(sizes)]) == 2
