"""Golly's rule tables and trees: read as Golly reads them, run as bgolly runs them, written back for Golly."""

import importlib.util
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from lifelab import random_boards, run_seagull, simulate
from lifelab.cli import main
from lifelab.io import load_trajectories
from lifelab.io.rle import load_rle, save_rle
from lifelab.rules import (
    GOLLY_NEIGHBOURHOODS,
    SYMMETRIES,
    TableRule,
    find_rule_file,
    load_rule_file,
    parse_rule,
    read_rule_file,
    rule_file,
    save_rule_file,
    table_rule,
)

RULES = Path(__file__).parents[1] / "golden" / "rules"
_spec = importlib.util.spec_from_file_location("make_rule_tables", RULES.parent / "make_rule_tables.py")
make_rule_tables = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_rule_tables)


@pytest.fixture
def rule_path(monkeypatch):
    """The committed rule files on lifelab's rule search path (and nothing of an installed Golly's first)."""
    monkeypatch.setenv("LIFELAB_RULES", f"{RULES}:{RULES / 'written'}:{RULES / 'learned'}")


def _table(body: str, header: str = "n_states:3\nneighborhood:vonNeumann\nsymmetries:none") -> TableRule:
    return read_rule_file(f"@RULE Test\n@TABLE\n{header}\n{body}\n")


@pytest.mark.parametrize("name", sorted(make_rule_tables.CASES))
def test_runs_as_bgolly_runs_it_cell_for_cell(name, rule_path):
    """bgolly's RuleLoader ran each start board on its grid; lifelab's simulation ends on exactly Golly's board."""
    steps = make_rule_tables.CASES[name][-1]
    start, rulestring = load_rle(RULES / f"{name}.start.rle")
    end, _ = load_rle(RULES / f"{name}.end.rle")
    rule = parse_rule(rulestring)
    assert isinstance(rule, TableRule) and str(rule) == rulestring
    dtype = bool if rule.states == 2 else np.uint8
    final = simulate(rule, start.astype(dtype)[None], steps, every=steps)[0, -1]
    np.testing.assert_array_equal(final.astype(np.uint8), end.astype(np.uint8))


@pytest.mark.parametrize("name", sorted(make_rule_tables.WRITTEN))
def test_the_written_fixtures_are_what_lifelab_writes_now(name):
    """bgolly ran these files (the cases above); they must still be lifelab's output for the same rules."""
    source = make_rule_tables.WRITTEN[name]
    rule = load_rule_file(RULES / f"{source}.rule") if (RULES / f"{source}.rule").is_file() else parse_rule(source)
    assert rule_file(rule, name, rewrite=True) == (RULES / "written" / f"{name}.rule").read_text()


def test_every_rule_file_golly_ships_here_reads_with_its_header():
    golly = {path.stem: load_rule_file(path) for path in RULES.glob("*.rule")}
    assert golly["Langtons-Loops"].states == 8 and golly["Langtons-Loops"].neighbourhood == "vonNeumann"
    assert golly["Langtons-Loops"].symmetries == "rotate4" and len(golly["Langtons-Loops"].transitions) == 219
    assert golly["WireWorld"].neighbourhood == "Moore" and golly["WireWorld"].colors[1] == (0, 128, 255)
    assert golly["BriansBrain"].tree is not None and golly["BriansBrain"].states == 3
    assert golly["HPP"].states == 34


def test_variables_bind_within_a_transition_and_nest():
    rule = _table("var a={1,2}\nvar b={a,0}\n0,a,a,b,0,a\n1,b,0,0,0,2")
    assert rule.transitions == (
        (((0,), (1,), (1,), (1, 2, 0), (0,)), 1),
        (((0,), (2,), (2,), (1, 2, 0), (0,)), 2),
        (((1,), (1, 2, 0), (0,), (0,), (0,)), 2),
    )
    nexts = rule.next_states(
        np.array([[0, 1, 1, 2, 0], [0, 2, 2, 0, 0], [0, 1, 2, 0, 0], [1, 2, 0, 0, 0], [1, 1, 1, 0, 0]])
    )
    assert nexts.tolist() == [1, 2, 0, 2, 1]  # a bound twice must agree; no match leaves the cell as it is


def test_the_first_matching_transition_wins():
    rule = _table("0,1,0,0,0,2\n0,1,0,0,0,1")
    assert rule.next_states(np.array([[0, 1, 0, 0, 0]])).tolist() == [2]


def test_comma_free_transitions_and_comments():
    rule = _table("# a comment\n010002   # a trailing comment\n\n020001")
    assert rule.next_states(np.array([[0, 1, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 1, 0, 0]])).tolist() == [2, 1, 0]


def _geometric_images(neighbourhood: str, symmetries: str) -> set[tuple]:
    """The images of one asymmetric configuration under the symmetry, made by turning and flipping a board."""
    offsets = GOLLY_NEIGHBOURHOODS[neighbourhood]
    config = tuple(range(len(offsets)))
    board = np.full((3, 3), -1)
    for value, (dy, dx) in zip(config, offsets, strict=True):
        board[1 + dy, 1 + dx] = value
    turns = {
        "none": [0],
        "rotate4": [0, 1, 2, 3],
        "rotate8": None,
        "rotate4reflect": [0, 1, 2, 3],
        "reflect_horizontal": [0],
    }[symmetries]
    boards = [np.rot90(board, -t) for t in turns]
    if symmetries in ("rotate4reflect", "reflect_horizontal"):
        boards += [np.fliplr(b) for b in boards]
    return {tuple(int(b[1 + dy, 1 + dx]) for dy, dx in offsets) for b in boards}


@pytest.mark.parametrize(
    "neighbourhood, symmetries",
    [
        ("vonNeumann", "rotate4"),
        ("vonNeumann", "rotate4reflect"),
        ("vonNeumann", "reflect_horizontal"),
        ("Moore", "rotate4"),
        ("Moore", "rotate4reflect"),
        ("Moore", "reflect_horizontal"),
        ("Moore", "none"),
    ],
)
def test_each_symmetry_is_the_turns_and_flips_of_the_board(neighbourhood, symmetries):
    remapped = {tuple(remap) for remap in SYMMETRIES[neighbourhood][symmetries]}
    assert remapped == _geometric_images(neighbourhood, symmetries)


@pytest.mark.parametrize(
    "neighbourhood, symmetries, images",
    [
        ("vonNeumann", "permute", math.factorial(4)),
        ("Moore", "rotate8", 8),
        ("Moore", "rotate8reflect", 16),
        ("hexagonal", "rotate6reflect", 12),
        ("hexagonal", "rotate3", 3),
        ("oneDimensional", "reflect", 2),
    ],
)
def test_a_transition_matches_exactly_its_images(neighbourhood, symmetries, images):
    k = len(GOLLY_NEIGHBOURHOODS[neighbourhood])
    states = k
    inputs = ",".join(str(i) for i in range(k))
    rule = _table(f"{inputs},1", f"n_states:{states}\nneighborhood:{neighbourhood}\nsymmetries:{symmetries}")
    configs = np.array([(0, *outer) for outer in itertools.permutations(range(1, k))])
    assert int((rule.next_states(configs) == 1).sum()) == images  # unmatched, the cell stays 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("@TABLE\nn_states:2\nneighborhood:Moore\nsymmetries:none\n", "no '@RULE name' line"),
        ("@RULE X\n@TABLE\nn_states:300\n", "line 3: n_states is a number from 2 to 256"),
        ("@RULE X\n@TABLE\nn_states:2\nneighborhood:Hex\n", "line 4: unsupported neighborhood"),
        (
            "@RULE X\n@TABLE\nn_states:2\nneighborhood:vonNeumann\nsymmetries:rotate8\n",
            "line 5: unsupported symmetries",
        ),
        ("@RULE X\n@TABLE\nn_states:2\nneighborhood:vonNeumann\nsymmetries:none\n0,1,0,0,1\n", "line 6: too few"),
        ("@RULE X\n@TABLE\nn_states:2\nneighborhood:vonNeumann\nsymmetries:none\n0,1,0,0,2,1\n", "state 2 is out of"),
        ("@RULE X\n@TABLE\nn_states:2\nneighborhood:vonNeumann\nsymmetries:none\n0,1,x,0,0,1\n", "'x' is neither"),
        (
            "@RULE X\n@TABLE\nn_states:3\nneighborhood:vonNeumann\nsymmetries:none\n"
            "var a={1,2}\n0,a,0,0,0,b\nvar b={1,2}\n",
            "line 7: 'b' is neither",
        ),
        (
            "@RULE X\n@TABLE\nn_states:3\nneighborhood:vonNeumann\nsymmetries:none\n"
            "var a={1,2}\nvar b={1,2}\n0,a,0,0,0,b\n",
            "line 8: the output must be",
        ),
        ("@RULE X\n@TABLE\n0,1,0,0,0,1\n", "line 3: n_states, neighborhood and symmetries must come before"),
        ("@RULE X\n@TREE\nnum_states=2\nnum_neighbors=4\nnum_nodes=5\n1 0 1\n3 0 0\n", "line 7: a node must point"),
        ("@RULE X\n@TREE\nnum_states=2\nnum_neighbors=4\nnum_nodes=4\n1 0 1\n2 0 0\n3 1 1\n4 2 2\n", "level 5"),
        ("@RULE X\n@TREE\nnum_states=2\nnum_neighbors=4\nnum_nodes=9\n1 0 1\n", "has 1 nodes, num_nodes says 9"),
        ("@RULE X\n@COLORS\n1 2 3\n@TABLE\n", "line 3: a colour is"),
        ("@RULE X\n@ICONS\n", "no @TABLE or @TREE"),
    ],
)
def test_malformed_rule_files_fail_with_the_line(text, message):
    with pytest.raises(ValueError, match=message):
        read_rule_file(text, "X.rule")


def test_a_tree_is_read_in_gollys_variable_order():
    """A von Neumann tree whose output is its north neighbour: the root decides on N (Golly's N, W, E, S, C)."""
    lines = [
        "num_states=2",
        "num_neighbors=4",
        "num_nodes=9",
        "1 0 0",
        "1 1 1",
        "2 0 0",
        "2 1 1",
        "3 2 2",
        "3 3 3",
        "4 4 4",
        "4 5 5",
        "5 6 7",
    ]
    rule = read_rule_file("@RULE N\n@TREE\n" + "\n".join(lines) + "\n")
    configs = np.array(list(itertools.product(range(2), repeat=5)))  # Golly's table order: C, N, E, S, W
    assert rule.next_states(configs).tolist() == configs[:, 1].tolist()


@pytest.mark.parametrize(
    "rulestring",
    [
        "B3/S23",
        "B2-a/S12",
        "B2/S013V",
        "B2/S34H",
        "/2/3",
        "345/2/4",
        "R1,C0,M1,S2..3,B3..3,NM",
        "R1,C0,M0,S1..2,B1..1,NN",
    ],
)
def test_every_family_on_one_cell_writes_a_table_that_runs_as_the_rule(rulestring, tmp_path):
    rule = parse_rule(rulestring)
    path = save_rule_file(tmp_path / "Written.rule", rule)
    written = load_rule_file(path)
    assert written.name == "Written" and written == table_rule(rule)
    states = getattr(rule, "states", 2)
    boards = np.random.default_rng(1).integers(0, states, (2, 12, 13)).astype(bool if states == 2 else np.uint8)
    np.testing.assert_array_equal(simulate(written, boards, 6), simulate(rule, boards, 6))


def test_a_table_writes_back_as_it_was_read_and_afresh_with_its_symmetry():
    loops = load_rule_file(RULES / "Langtons-Loops.rule")
    again = read_rule_file(rule_file(loops))
    assert again == loops and again.transitions == loops.transitions and again.symmetries == "rotate4"
    fresh = read_rule_file(rule_file(loops, rewrite=True))
    assert fresh == loops and fresh.symmetries in ("rotate4", "rotate4reflect", "permute")
    wireworld = read_rule_file(rule_file(load_rule_file(RULES / "WireWorld.rule"), rewrite=True))
    assert wireworld.symmetries == "permute" and len(wireworld.transitions) == 3  # Golly's own file lists 6 (rotate8)


def test_a_set_written_again_later_gets_its_own_new_variable():
    """Each set's variables are named by the set: a second {1,2} in a later line must not reuse {0,1}'s names."""
    rule = TableRule(
        "T",
        3,
        "vonNeumann",
        transitions=[
            (((0,), (1, 2), (0,), (0,), (0,)), 1),
            (((0,), (0, 1), (0,), (0,), (0,)), 2),
            (((1,), (1, 2), (1, 2), (0,), (0,)), 0),
            (((2,), (0, 1), (0, 1), (0,), (0,)), 1),
        ],
    )
    assert read_rule_file(rule_file(rule)).transitions == rule.transitions


def test_rules_that_no_table_holds_are_refused(tmp_path):
    with pytest.raises(ValueError, match="reaches 2 cells"):
        rule_file(parse_rule("R2,C0,M1,S5..9,B6..8,NM"))
    with pytest.raises(ValueError, match="not a deterministic rule"):
        rule_file(parse_rule("B3/S23 [B3=0.8]"))
    with pytest.raises(ValueError, match="more than lifelab tabulates"):
        rule_file(parse_rule("/2/7"))
    with pytest.raises(ValueError, match="ends in .rule"):
        save_rule_file(tmp_path / "x.txt", parse_rule("B3/S23"))
    with pytest.raises(TypeError, match="takes a rule object"):
        rule_file("B3/S23")


def test_large_tables_decide_each_configuration_once_as_the_dense_lookup_does(monkeypatch):
    loops = load_rule_file(RULES / "Langtons-Loops.rule")
    start, _ = load_rle(RULES / "langtons_loops.start.rle")
    dense = simulate(loops, start[None], 30)
    monkeypatch.setattr("lifelab.rules.tables.DENSE_LIMIT", 10)
    remembered = load_rule_file(RULES / "Langtons-Loops.rule")
    np.testing.assert_array_equal(simulate(remembered, start[None], 30), dense)
    assert 0 < len(remembered._known[0]) < remembered.configurations  # only the configurations met were decided


def test_names_resolve_on_the_search_path_and_the_engines_and_seagull_agree(rule_path):
    assert find_rule_file("WireWorld") == RULES / "WireWorld.rule"
    wireworld = parse_rule("WireWorld:T20,16")
    assert str(wireworld) == "WireWorld:T20,16" and wireworld.grid.shape == (16, 20)
    assert parse_rule(str(RULES / "WireWorld.rule")) == wireworld
    boards = np.random.default_rng(2).integers(0, 4, (1, 16, 20)).astype(np.uint8)
    ours = simulate(wireworld, boards, 8)
    np.testing.assert_array_equal(ours, simulate(wireworld, boards, 8, engine="numpy"))
    np.testing.assert_array_equal(ours, simulate(wireworld, boards, 8, device="cpu"))
    np.testing.assert_array_equal(ours[0], run_seagull(wireworld, boards[0], 8))
    with pytest.raises(ValueError, match="NoSuchRule"):
        parse_rule("NoSuchRule")


def test_a_rule_table_oracle_goes_to_the_table_loop(rule_path):
    from lifelab.loop import learn_rule

    with pytest.raises(ValueError, match="learn it with learn_table"):
        learn_rule("WireWorld", model="table", max_rounds=1)


def test_the_cli_shows_and_simulates_a_rule_file(capsys, tmp_path):
    assert main(["show", str(RULES / "Langtons-Loops.rule")]) == 0
    assert "Langtons-Loops" in capsys.readouterr().out
    assert main(["simulate", str(RULES / "WireWorld.rule"), "--boards", "2", "--size", "16", "--steps", "3"]) == 0
    start, _ = load_rle(RULES / "langtons_loops.start.rle")
    rows, cols = np.nonzero(start)
    loop = start[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    save_rle(tmp_path / "loop.rle", loop, "Langtons-Loops")
    saved = tmp_path / "loop.npz"
    assert (
        main(
            [
                "simulate",
                str(RULES / "Langtons-Loops.rule"),
                "--pattern",
                str(tmp_path / "loop.rle"),
                "--size",
                "64",
                "40",
                "--steps",
                "20",
                "--save",
                str(saved),
            ]
        )
        == 0
    )
    assert "centred on one 64x40 board" in capsys.readouterr().out
    trajectory, meta = load_trajectories(saved)
    assert trajectory.shape == (1, 21, 40, 64) and meta["rule"] == "Langtons-Loops"
    y, x = (40 - loop.shape[0]) // 2, (64 - loop.shape[1]) // 2
    np.testing.assert_array_equal(trajectory[0, 0, y : y + loop.shape[0], x : x + loop.shape[1]], loop)
    assert trajectory[0, 0].astype(bool).sum() == loop.astype(bool).sum()
    assert main(["show", str(RULES / "Nope.rule")]) == 2
    assert "no rule file" in capsys.readouterr().err


def test_random_two_state_tables_round_trip():
    rule = read_rule_file(
        "@RULE R\n@TABLE\nn_states:2\nneighborhood:Moore\nsymmetries:rotate4reflect\n"
        "0,1,1,0,0,0,0,0,1,1\n1,0,0,0,0,0,0,0,0,0\n"
    )
    boards = random_boards(2, (10, 10), 0.4, seed=3)
    again = read_rule_file(rule_file(rule, rewrite=True))
    assert again == rule
    np.testing.assert_array_equal(simulate(again, boards, 5), simulate(rule, boards, 5))


@pytest.mark.parametrize(
    "name", ["WireWorld", "Langtons-Loops", "Byl-Loop", "Tempesti", "HPP", "LifeHistory", "learned/WireWorld-learned"]
)
def test_compiled_first_match_agrees_with_the_numpy_reference(name):
    rule = load_rule_file(RULES / f"{name}.rule")
    configs = np.random.default_rng(0).integers(0, rule.states, size=(5000, len(rule.offsets)))
    if rule.dense_table is not None:
        configs = rule.decode(np.arange(rule.configurations))  # every configuration where they can be listed
    np.testing.assert_array_equal(rule.next_states(configs), rule.next_states(configs, engine="numpy"))
    with pytest.raises(ValueError, match="engine must be one of"):
        rule.next_states(configs[:1], engine="fast")
