"""The compiled engines against the numpy reference, cell for cell, and the packed history."""

import numpy as np
import pytest
import torch

import lifelab.engines.simulation as simulate_module
from lifelab import PackedHistory, random_boards, simulate
from lifelab.rules import parse_rule
from lifelab.utils import threads

# one of every engine path: outer-totalistic Moore (the fused adder), other 3x3 tables, Generations (dying
# counts of 1 to 8 bit planes, wrapping at a power of two or not, and a 2-state one),
# Larger than Life's box (running sums, with and without the centre), diamond and disc (prefix sums), HROT on
# Golly 4's neighbourhoods (runs of equal weights: discs, checkerboards, custom cells, negative and state weights,
# Gaussian, dying states, Larger than Life spelled on one)
RULES = [
    "B3/S23",
    "B36/S23",
    "B0/S8",
    "B/S",
    "B012345678/S012345678",
    "B2-a/S12",
    "B2/S013V",
    "B2/S34H",
    "/2/3",
    "345/2/4",
    "B2-a/S12/5",
    "B2/S34/17H",
    "23/3/255",
    "B3/S23/2",
    "R2,C0,M1,S5..9,B6..8,NM",
    "R5,C0,M1,S34..58,B34..45,NM",
    "R3,C4,M0,S2..9,B3..7,NM",
    "R3,C4,M0,S2..9,B3..7,NN",
    "R4,C0,M1,S10..30,B12..25,NC",
    "R2,C3,M0,S1..4,B2..5,NC",
    "R3,C2,S0,7-12,27,B8,12,20-27,N2",
    "R2,C0,S2-4,B3,NB",
    "R2,C0,S2-4,B3,N@0EDC00H",
    "R2,C0,S2-6,B3-5,NW0110112F2112021F2211F0110",
    "R1,C3,S2-4,B3,NW111101111,012",
    "R3,C3,S40-90,B40-70,NG",
    "R2,C4,S3-7,B4-6",
    "R1,C0,M1,S2..3,B3..3,NX",
]

# rows of one word, part of a word, several words with a partial last one, one cell; boards wider than tall
SHAPES = [(3, 17, 20), (2, 64, 64), (1, 5, 130), (4, 1, 3), (2, 9, 1), (1, 33, 128)]


@pytest.fixture(autouse=True)
def _rows_of_any_width_in_the_compiled_engine(monkeypatch):
    """Narrow rows normally step in numpy's lanes: here the compiled engine takes every width."""
    monkeypatch.setattr(simulate_module, "_LANES_UP_TO", 0)


def _boards(rule, shape, seed=0):
    rule = parse_rule(rule)
    if rule.states == 2:
        return random_boards(shape[0], shape[1:], 0.4, seed=seed)
    return np.random.default_rng(seed).integers(0, rule.states, size=shape, dtype=np.uint8)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("rule", RULES)
def test_compiled_engine_agrees_with_the_numpy_reference(rule, shape):
    boards = _boards(rule, shape)
    for every in (1, 3):
        fast = simulate(rule, boards, 6, every=every)
        reference = simulate(rule, boards, 6, every=every, engine="numpy")
        assert fast.dtype == reference.dtype and fast.shape == reference.shape
        np.testing.assert_array_equal(fast, reference)


@pytest.mark.parametrize(
    "rule",
    ["B3/S23", "B2-a/S12", "Star Wars", "R2,C0,M1,S5..9,B6..8,NM", "R2,C3,M0,S1..4,B2..5,NC", "R2,C0,S2-4,B3,N+"],
)
def test_compiled_engine_agrees_on_a_bounded_plane(rule):
    boards = _boards(rule, (2, 12, 70), seed=1)
    fast = simulate(rule, boards, 9, boundary="dead")
    np.testing.assert_array_equal(fast, simulate(rule, boards, 9, boundary="dead", engine="numpy"))


def test_long_runs_agree_and_do_not_depend_on_the_number_of_threads(monkeypatch):
    # three boards: on two threads the steps are shared out row by row, on one each board runs alone
    boards = random_boards(3, (40, 100), 0.35, seed=3)
    states = _boards("Star Wars", (3, 40, 100), seed=3)
    runs = {}
    for cpus in ({0}, {0, 1}):
        monkeypatch.setattr(threads.os, "sched_getaffinity", lambda pid, cpus=cpus: cpus)
        runs[len(cpus)] = [
            simulate("B3/S23", boards, 200, every=50),
            simulate("Star Wars", states, 60, every=20),
            simulate("Bosco's Rule", boards, 30, every=10),
        ]
    for one, two in zip(runs[1], runs[2], strict=True):
        np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(runs[2][0], simulate("B3/S23", boards, 200, every=50, engine="numpy"))


@pytest.mark.parametrize("rule", ["B3/S23", "B2-a/S12", "R2,C0,M1,S5..9,B6..8,NM", "B3/S23:P30,10"])
def test_packed_history_is_the_bool_history(rule):
    boards = random_boards(3, (10, 30), 0.4, seed=4)
    packed = simulate(rule, boards, 8, every=2, packed=True)
    history = simulate(rule, boards, 8, every=2)
    assert isinstance(packed, PackedHistory) and packed.shape == history.shape and len(packed) == 3
    assert packed.words.shape == (3, 5, 10, 1) and packed.words.dtype == np.uint64
    np.testing.assert_array_equal(packed.unpack(), history)
    np.testing.assert_array_equal(np.asarray(packed), history)
    assert PackedHistory.pack(history) == packed
    out = np.empty(history.shape, dtype=bool)
    assert packed.unpack(out=out) is out


def test_a_packed_history_is_indexed_by_board_and_frame_as_the_bool_form_is():
    packed = simulate("B36/S23", random_boards(3, (5, 70), 0.4, seed=1), 4, packed=True)
    history = np.asarray(packed)
    for key in [1, -1, (1, 2), (slice(0, 2), slice(1, 3)), ([2, 0], slice(1, 4)), ([2, 0], 3), (np.array([1]), 0)]:
        np.testing.assert_array_equal(packed[key], history[key])
    assert [board.shape for board in packed] == [(5, 5, 70)] * 3
    with pytest.raises(ValueError, match="indexed by board and frame"):
        packed[0, 0, 1]
    with pytest.raises(IndexError):
        packed[3]


def test_the_dataset_the_evidence_and_the_pattern_counts_read_a_packed_history_without_its_bool_form(monkeypatch):
    from lifelab.evidence import Evidence
    from lifelab.learning import TrajectoryDataset, pattern_frequencies

    packed = simulate("B36/S23", random_boards(4, (9, 70), 0.4, seed=2), 6, packed=True)
    history = packed.unpack()
    evidence = {b: Evidence.of(history, boundary=b) for b in ("torus", "dead", "open")}
    frequencies = pattern_frequencies(history, np.arange(1.0, 5.0), 8)
    datasets = [TrajectoryDataset(history, visible=3, skip=1), TrajectoryDataset(history, visible=2, order=[3, 1])]

    def whole(*args, **kwargs):
        raise AssertionError("the whole bool history was unpacked")

    monkeypatch.setattr(PackedHistory, "unpack", whole)
    for boundary, counted in evidence.items():
        read = Evidence.of(packed, boundary=boundary)
        np.testing.assert_array_equal(read.clusters, counted.clusters)
        assert all(np.array_equal(read.groups[k], counted.groups[k]) for k in counted.groups)
    read = pattern_frequencies(packed, np.arange(1.0, 5.0), 8)
    np.testing.assert_array_equal(read[0], frequencies[0])
    assert read[1] == frequencies[1]
    for kwargs, expected in zip([dict(visible=3, skip=1), dict(visible=2, order=[3, 1])], datasets, strict=True):
        dataset = TrajectoryDataset(packed, **kwargs)
        assert len(dataset) == len(expected) and dataset.states == 2
        for i in (0, len(dataset) // 2, len(dataset) - 1):
            assert all(torch.equal(a, b) for a, b in zip(dataset[i], expected[i], strict=True))
        np.testing.assert_array_equal(dataset.pairs(), expected.pairs())
        assert all(torch.equal(a, b) for a, b in zip(dataset.tensors(), expected.tensors(), strict=True))
    with pytest.raises(ValueError, match="packed 2-state history, not 3-state"):
        TrajectoryDataset(packed, states=3)
    with pytest.raises(ValueError, match="at least 2 boards per trajectory"):
        Evidence.of(simulate("B3/S23", random_boards(1, (4, 4), seed=0), 0, packed=True))
    with pytest.raises(ValueError, match="hold no trajectories"):
        TrajectoryDataset(PackedHistory(np.zeros((0, 3, 4, 1), dtype=np.uint64), 4))


def test_packed_words_hold_each_cell_at_its_bit():
    board = np.zeros((1, 2, 70), dtype=bool)
    board[0, 0, 0] = board[0, 1, 69] = True
    words = simulate("B/S", board, 1, packed=True).words
    assert words[0, 0, 0].tolist() == [1, 0] and words[0, 0, 1].tolist() == [0, 1 << 5]
    assert not words[0, 1].any()


def test_bad_engines_and_packing_are_refused_by_name():
    boards = random_boards(1, (8, 8), 0.5, seed=0)
    with pytest.raises(ValueError, match="engine must be one of 'compiled', 'numpy'"):
        simulate("B3/S23", boards, 2, engine="fortran")
    with pytest.raises(ValueError, match="only 2-state histories pack"):
        simulate("Star Wars", boards.astype(np.uint8), 2, packed=True)
    with pytest.raises(ValueError, match="out= is for the bool history"):
        simulate("B3/S23", boards, 2, packed=True, out=np.empty((1, 3, 8, 8), dtype=bool))
    with pytest.raises(TypeError, match="packed must be True or False"):
        simulate("B3/S23", boards, 2, packed="yes")
    with pytest.raises(TypeError, match="uint64"):
        PackedHistory(np.zeros((1, 1, 8, 1), dtype=np.int64), 8)
    with pytest.raises(ValueError, match="take 1 words, not 2"):
        PackedHistory(np.zeros((1, 1, 8, 2), dtype=np.uint64), 8)
    with pytest.raises(TypeError, match="bool array"):
        PackedHistory.pack(np.zeros((1, 1, 8, 8), dtype=np.uint8))


def test_many_boards_of_narrow_rows_step_in_numpy_lanes_by_default(monkeypatch):
    monkeypatch.undo()
    calls = []
    real = simulate_module.simulate_packed
    monkeypatch.setattr(simulate_module, "simulate_packed", lambda *a, **k: calls.append(1) or real(*a, **k))
    boards = random_boards(simulate_module._LANES_FROM_BOARDS, (4, 32), seed=5)
    narrow = simulate("B3/S23", boards, 4)
    assert calls and simulate("B3/S23", boards, 4, packed=True) == PackedHistory.pack(narrow)
    calls.clear()
    simulate("B3/S23", random_boards(1, (8, 33), seed=5), 4)
    simulate("B3/S23", boards[:-1], 4)
    assert not calls


def test_a_packed_history_is_read_as_its_bool_form():
    from lifelab.evidence import Evidence
    from lifelab.learning import TrajectoryDataset

    boards = random_boards(2, (12, 70), 0.4, seed=6)
    packed, history = simulate("B36/S23", boards, 6, packed=True), simulate("B36/S23", boards, 6)
    counted, reference = Evidence.of(packed), Evidence.of(history)
    np.testing.assert_array_equal(counted.observed, reference.observed)
    np.testing.assert_array_equal(counted.counts, reference.counts)
    a, b = TrajectoryDataset(packed), TrajectoryDataset(history)
    assert len(a) == len(b) == 6
    for i in (0, 3, 5):
        for x, y in zip(a[i], b[i], strict=True):
            np.testing.assert_array_equal(x, y)
