"""The batched simulator against seagull and independent references."""

import importlib

import numpy as np
import pytest
import seagull as sg
from seagull.lifeforms import Glider
from seagull.rules import life_rule

from lifelab import Rule, named_rules, place_lifeforms, random_boards, run_seagull, simulate
from lifelab.engines import lifeform_names
from lifelab.rules import SeagullRule

SHAPES = [(16, 16), (13, 29), (8, 64), (9, 70), (5, 130)]
MOORE_RULES = [e for e in named_rules() if e.rule.is_totalistic and e.rule.neighbourhood == "moore"]


def reference_count_rule(rule_bs, neighbourhood, boards, steps):
    """Direct neighbour counting with np.roll, written independently of lifelab."""
    offsets = {
        "vonneumann": [(-1, 0), (1, 0), (0, -1), (0, 1)],
        "hexagonal": [(-1, -1), (-1, 0), (0, -1), (0, 1), (1, 0), (1, 1)],
    }[neighbourhood]
    birth, survival = rule_bs
    out = [boards]
    x = boards.astype(np.int64)
    for _ in range(steps):
        count = sum(np.roll(x, (-dy, -dx), axis=(1, 2)) for dy, dx in offsets)
        x = np.where(x == 1, np.isin(count, survival), np.isin(count, birth)).astype(np.int64)
        out.append(x.astype(bool))
    return np.stack(out, axis=1)


def reference_table_rule(table, boards, steps):
    """Index each 3x3 window by explicit per-cell weights and look it up."""
    weights = {(dy, dx): 1 << (8 - (3 * (dy + 1) + dx + 1)) for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
    out = [boards]
    x = boards
    for _ in range(steps):
        index = sum(np.roll(x, (-dy, -dx), axis=(1, 2)).astype(np.int64) * w for (dy, dx), w in weights.items())
        x = table[index]
        out.append(x)
    return np.stack(out, axis=1)


@pytest.mark.parametrize("entry", MOORE_RULES, ids=lambda e: e.name)
def test_agrees_with_seagull_on_every_moore_registry_rule(entry):
    rule = entry.rule
    for seed, shape in enumerate([(20, 20), (11, 70)]):
        board = random_boards(1, shape, density=0.4, seed=seed)[0]
        sim = sg.Simulator(sg.Board(size=shape))
        sim.board.state = board.copy()
        sim.run(lambda X: life_rule(X, entry.rulestring), iters=12)
        expected = sim.get_history().astype(bool)
        np.testing.assert_array_equal(simulate(rule, board, 12)[0], expected)


@pytest.mark.parametrize("rulestring", ["B13/S012V", "B2/S013V", "B1/S0V", "B024/S1234V"])
@pytest.mark.parametrize("shape", SHAPES)
def test_von_neumann_agrees_with_direct_reference(rulestring, shape):
    rule = Rule.parse(rulestring)
    boards = random_boards(4, shape, seed=7)
    expected = reference_count_rule((rule.birth, rule.survival), "vonneumann", boards, 10)
    np.testing.assert_array_equal(simulate(rule, boards, 10), expected)


@pytest.mark.parametrize("rulestring", ["B2/S34H", "B245/S3H"])
def test_hexagonal_agrees_with_direct_reference(rulestring):
    rule = Rule.parse(rulestring)
    boards = random_boards(3, (12, 67), seed=3)
    expected = reference_count_rule((rule.birth, rule.survival), "hexagonal", boards, 8)
    np.testing.assert_array_equal(simulate(rule, boards, 8), expected)


@pytest.mark.parametrize("shape", SHAPES)
def test_arbitrary_map_rule_agrees_with_table_reference(shape):
    rng = np.random.default_rng(11)
    rule = Rule.from_table(rng.random(512) < 0.5)
    boards = random_boards(3, shape, seed=5)
    np.testing.assert_array_equal(simulate(rule, boards, 6), reference_table_rule(rule.table, boards, 6))


@pytest.mark.parametrize("cell", range(9))
def test_shift_rules_copy_one_neighbour_every_step(cell):
    """A rule whose next state is one neighbour's: the compiled program is a bare input, many steps in a row."""
    dy, dx = divmod(cell, 3)
    rule = Rule.from_table(((np.arange(512) >> (8 - cell)) & 1).astype(bool))
    boards = random_boards(2, (9, 70), seed=cell)
    out = simulate(rule, boards, 5)
    for t in range(5):
        np.testing.assert_array_equal(out[:, t + 1], np.roll(out[:, t], (1 - dy, 1 - dx), axis=(1, 2)))
    np.testing.assert_array_equal(out, reference_table_rule(rule.table, boards, 5))


@pytest.mark.parametrize("rulestring", ["B3/S23", "B2/S013V", "B0/S8", "B/S", "B012345678/S012345678"])
def test_torch_engine_agrees_with_packed_engine(rulestring):
    boards = random_boards(5, (10, 66), seed=2)
    np.testing.assert_array_equal(simulate(rulestring, boards, 7, device="cpu"), simulate(rulestring, boards, 7))


@pytest.mark.parametrize(
    "n, shape",
    [
        (1, (1, 9)),
        (3, (9, 1)),
        (63, (63, 5)),
        (64, (5, 65)),
        (65, (16, 16)),
        (130, (7, 127)),
        (4097, (3, 5)),
        (5, (4, 8)),
        (9, (6, 32)),
        (7, (3, 64)),
        (33, (5, 17)),
        (2, (65, 63)),
        (3, (2, 128)),
    ],
)
@pytest.mark.parametrize("layout", ["rows", "boards"])
def test_both_packings_agree_with_the_table_reference(n, shape, layout):
    """Rows packed into words and boards bit-sliced across the batch give the same cells, Moore or any table."""
    from lifelab.engines.bitpack import simulate_packed

    rng = np.random.default_rng(n)
    boards = random_boards(n, shape, seed=n)
    for rule in (Rule.parse("B3/S23"), Rule.parse("B2/S013V"), Rule.from_table(rng.random(512) < 0.5)):
        expected = reference_table_rule(rule.table, boards, 6)
        for every in (1, 3):
            out = np.empty((n, 6 // every + 1, *shape), dtype=bool)
            np.testing.assert_array_equal(simulate_packed(rule, boards, 6, every, out, layout), expected[:, ::every])


@pytest.mark.parametrize("rule", ["B3/S23", "B2-a/S12", "Star Wars", "R2,C0,M1,S5..9,B6..8,NM", "Bosco's Rule"])
@pytest.mark.parametrize("device", [None, "cpu"])
def test_every_keeps_every_kth_board_of_every_engine(rule, device):
    boards = random_boards(70, (16, 24), 0.4, seed=3)
    boards = boards.astype(np.uint8) if rule == "Star Wars" else boards
    full = simulate(rule, boards, 12, device=device)
    for every in (1, 3, 12):
        kept = simulate(rule, boards, 12, every=every, device=device)
        assert kept.shape == (70, 12 // every + 1, 16, 24) and kept.dtype == full.dtype
        np.testing.assert_array_equal(kept, full[:, ::every])
    for bad, message in [(0, "every"), (5, "must divide steps=12"), (2.5, "every")]:
        with pytest.raises((ValueError, TypeError), match=message):
            simulate(rule, boards, 12, every=bad, device=device)


def test_shapes_dtypes_and_initial_state():
    boards = random_boards(6, (7, 9), seed=0)
    out = simulate("B3/S23", boards, 5)
    assert out.shape == (6, 6, 7, 9) and out.dtype == bool
    np.testing.assert_array_equal(out[:, 0], boards)
    assert simulate("B3/S23", boards, 0).shape == (6, 1, 7, 9)
    single = simulate("B3/S23", boards[0].astype(np.uint8), 5)
    assert single.shape == (1, 6, 7, 9)
    np.testing.assert_array_equal(single[0], out[0])
    assert simulate("B3/S23", np.zeros((0, 4, 4), bool), 3).shape == (0, 4, 4, 4)


def test_glider_translates_one_cell_diagonally_every_four_steps():
    board = place_lifeforms((12, 12), [(Glider(), (1, 1))])
    out = simulate("B3/S23", board, 48)[0]
    for t in range(0, 48, 4):
        np.testing.assert_array_equal(out[t + 4], np.roll(out[t], (1, 1), axis=(0, 1)))
    np.testing.assert_array_equal(out[48], board)  # once round the 12x12 torus
    assert (out.sum(axis=(1, 2)) == 5).all()


def test_periodic_boundary_blinker_across_the_edge():
    board = np.zeros((5, 5), bool)
    board[0, [4, 0, 1]] = True  # a horizontal blinker split by the vertical edge
    out = simulate("B3/S23", board, 2)[0]
    expected = np.zeros((5, 5), bool)
    expected[[4, 0, 1], 0] = True
    np.testing.assert_array_equal(out[1], expected)
    np.testing.assert_array_equal(out[2], board)


@pytest.mark.parametrize(
    "boards, steps, error, message",
    [
        (np.full((2, 4, 4), 2), 3, ValueError, "only 0 and 1"),
        (np.zeros((2, 2, 4, 4)), 3, ValueError, r"shape \(n, height, width\)"),
        (np.zeros(4), 3, ValueError, r"shape \(n, height, width\)"),
        (np.zeros((1, 0, 4)), 3, ValueError, "at least 1x1"),
        (np.array([["a"]]), 3, TypeError, "dtype"),
        (np.zeros((1, 4, 4)), -1, ValueError, "steps must be a non-negative integer"),
        (np.zeros((1, 4, 4)), 2.5, ValueError, "steps must be a non-negative integer"),
    ],
)
def test_simulate_rejects_bad_input(boards, steps, error, message):
    with pytest.raises(error, match=message):
        simulate("B3/S23", boards, steps)


def test_simulate_rejects_bad_rules():
    with pytest.raises(ValueError, match="birth digit 9"):
        simulate("B9/S23", np.zeros((1, 4, 4)), 1)
    with pytest.raises(TypeError, match="rulestring must be a str"):
        simulate(23, np.zeros((1, 4, 4)), 1)


@pytest.mark.parametrize("rulestring", ["B3/S23", "B13/S012V", "B2/S34H", "random-map"])
def test_seagull_rule_runs_in_seagull_simulator(rulestring):
    if rulestring == "random-map":
        rule = Rule.from_table(np.random.default_rng(0).random(512) < 0.5)
    else:
        rule = Rule.parse(rulestring)
    board = random_boards(1, (15, 18), seed=1)[0]
    sgboard = sg.Board(size=(15, 18))
    sgboard.state = board.copy()
    sim = sg.Simulator(sgboard)
    sim.run(rule.seagull_rule(), iters=9)
    np.testing.assert_array_equal(sim.get_history().astype(bool), simulate(rule, board, 9)[0])
    np.testing.assert_array_equal(run_seagull(rule, board, 9), simulate(rule, board, 9)[0])


def test_seagull_kernel_form():
    life = SeagullRule("B3/S23")
    assert life.kernel.tolist() == [[1, 1, 1], [1, 0, 1], [1, 1, 1]]
    assert np.flatnonzero(life.lookup[0]).tolist() == [3]
    assert np.flatnonzero(life.lookup[1]).tolist() == [2, 3]
    vn = Rule.parse("B2/S013V").seagull_rule()
    assert vn.kernel.tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    assert repr(vn) == "SeagullRule('B2/S013V')"
    with pytest.raises(ValueError, match="2-D"):
        life(np.zeros((2, 3, 3)))


def test_seagull_own_parser_misreads_von_neumann():
    """The reason for the bridge: seagull reads B13/S012V as the Moore rule B13/S012."""
    board = random_boards(1, (16, 16), seed=4)[0]
    seagull_says = life_rule(board, "B13/S012V")
    assert np.array_equal(seagull_says, simulate("B13/S012", board, 1)[0, 1])
    assert not np.array_equal(seagull_says, simulate("B13/S012V", board, 1)[0, 1])


def test_random_boards_is_seeded_and_validated():
    a = random_boards(4, (8, 8), density=0.3, seed=42)
    np.testing.assert_array_equal(a, random_boards(4, (8, 8), density=0.3, seed=42))
    assert not np.array_equal(a, random_boards(4, (8, 8), density=0.3, seed=43))
    assert a.dtype == bool and a.shape == (4, 8, 8)
    big = random_boards(1, (200, 200), density=0.3, seed=0)
    assert abs(big.mean() - 0.3) < 0.02
    assert not random_boards(2, (5, 5), density=0.0).any()
    assert random_boards(2, (5, 5), density=1.0).all()
    np.testing.assert_array_equal(
        random_boards(2, (5, 5), seed=np.random.default_rng(3)), random_boards(2, (5, 5), seed=3)
    )
    with pytest.raises(ValueError, match="density"):
        random_boards(1, (4, 4), density=1.5)
    with pytest.raises(ValueError, match="shape"):
        random_boards(1, 4)
    with pytest.raises(ValueError, match="height"):
        random_boards(1, (0, 4))
    with pytest.raises(ValueError, match="n must be"):
        random_boards(-1, (4, 4))
    with pytest.raises(TypeError, match="seed"):
        random_boards(1, (4, 4), seed="x")


def test_place_lifeforms():
    board = place_lifeforms((10, 12), [("Glider", (0, 0)), ("Blinker", (5, 5))])
    assert board.dtype == bool and board.shape == (10, 12)
    assert board.sum() == 5 + 3
    np.testing.assert_array_equal(board[:3, :3], Glider().layout.astype(bool))
    assert "Pulsar" in lifeform_names()
    with pytest.raises(ValueError, match="unknown lifeform"):
        place_lifeforms((10, 10), [("Spaceship", (0, 0))])
    with pytest.raises(ValueError, match="does not fit"):
        place_lifeforms((10, 10), [("Pulsar", (0, 0))])
    with pytest.raises(TypeError, match="seagull Lifeform"):
        place_lifeforms((10, 10), [(3, (0, 0))])


RULES_OF_EACH_KIND = ["B3/S23", "B2/S013V", "B2/S34H", "random MAP"]


def _rule_of_kind(kind):
    return Rule.from_table(np.random.default_rng(1).random(512) < 0.5) if kind == "random MAP" else Rule.parse(kind)


@pytest.mark.parametrize(
    "n, shape",
    [
        (1, (63, 70)),
        (3, (5, 16)),
        (8, (4, 8)),
        (9, (9, 20)),
        (70, (6, 64)),
        (4097, (2, 3)),
        (2, (1, 127)),
        (5, (127, 1)),
    ],
)
@pytest.mark.parametrize("kind", RULES_OF_EACH_KIND)
def test_long_histories_written_on_the_second_core_agree_with_the_reference(n, shape, kind, monkeypatch):
    """Histories of 8 or more frames are unpacked in runs of boards or of frames while stepping goes on;
    a tiny block size also drives the block loops (runs of groups, runs of frames of one board)."""
    engine = importlib.import_module("lifelab.engines.bitpack")

    rule = _rule_of_kind(kind)
    boards = random_boards(n, shape, seed=n)
    expected = reference_table_rule(rule.table, boards, 12)
    np.testing.assert_array_equal(simulate(rule, boards, 12), expected)
    monkeypatch.setattr(engine, "_BLOCK", 64)
    np.testing.assert_array_equal(simulate(rule, boards, 12), expected)
    np.testing.assert_array_equal(simulate(rule, boards, 12, every=4), expected[:, ::4])


def test_results_do_not_depend_on_the_second_core(monkeypatch):
    """With one core allowed, the history is written inline: the same cells."""
    engine = importlib.import_module("lifelab.engines.bitpack")

    boards = random_boards(300, (16, 40), seed=4)
    two = simulate("B36/S23", boards, 20)
    monkeypatch.setattr(engine.os, "sched_getaffinity", lambda pid: {0})
    np.testing.assert_array_equal(simulate("B36/S23", boards, 20), two)


@pytest.mark.parametrize("n, shape", [(1, (1, 1)), (4, (8, 16)), (3, (9, 33)), (2, (5, 130)), (65, (3, 64))])
@pytest.mark.parametrize("kind", RULES_OF_EACH_KIND)
def test_torch_bit_packed_engine_agrees_with_the_reference(n, shape, kind):
    rule = _rule_of_kind(kind)
    boards = random_boards(n, shape, seed=2)
    expected = reference_table_rule(rule.table, boards, 9)
    np.testing.assert_array_equal(simulate(rule, boards, 9, device="cpu"), expected)
    np.testing.assert_array_equal(simulate(rule, boards, 9, every=3, device="cpu"), expected[:, ::3])


@pytest.mark.parametrize("rule", ["B3/S23", "Star Wars", "R2,C0,M1,S5..9,B6..8,NM"])
@pytest.mark.parametrize("device", [None, "cpu"])
def test_out_receives_the_history(rule, device):
    boards = random_boards(5, (12, 20), seed=1)
    boards = boards.astype(np.uint8) if rule == "Star Wars" else boards
    expected = simulate(rule, boards, 6, every=2, device=device)
    out = np.ones((5, 4, 12, 20), dtype=expected.dtype)
    assert simulate(rule, boards, 6, every=2, out=out, device=device) is out
    np.testing.assert_array_equal(out, expected)


def test_out_of_the_wrong_kind_is_refused_by_name():
    boards = random_boards(5, (12, 20), seed=1)
    for out, error, message in [
        (np.zeros((5, 7, 12, 20), bool), ValueError, r"out must have shape \(5, 4, 12, 20\)"),
        (np.zeros((5, 4, 20, 12), bool), ValueError, "out must have shape"),
        (np.zeros((5, 4, 12, 20), np.uint8), TypeError, "out must have dtype bool"),
        (np.zeros((5, 4, 12, 20), np.float32), TypeError, "out must have dtype bool"),
        (np.zeros((4, 5, 12, 20), bool).transpose(1, 0, 2, 3), ValueError, "C-contiguous"),
        ([[0]], TypeError, "out must be a numpy array"),
    ]:
        with pytest.raises(error, match=message):
            simulate("B3/S23", boards, 6, every=2, out=out)
    frozen = np.zeros((5, 4, 12, 20), bool)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        simulate("B3/S23", boards, 6, every=2, out=frozen)
    with pytest.raises(TypeError, match="out must have dtype uint8"):
        simulate("Star Wars", boards.astype(np.uint8), 6, out=np.zeros((5, 7, 12, 20), bool))
