"""Every rule Golly runs in the Life-like world: Hensel isotropic, Generations, Larger than Life, RLE."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelab import Rule, random_boards, run_seagull, simulate
from lifelab.geometry import LETTERS, N_PATTERNS, hensel_classes, letters_for
from lifelab.io.rle import load_rle, place, read_rle, save_rle, write_rle
from lifelab.rules import GenerationsRule, HROTRule, LtLRule, named_rules, parse_rule, rule_states

GOLDEN = Path(__file__).parents[1] / "golden"
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)


@pytest.mark.parametrize("name", sorted(make_golden.CASES))
def test_agrees_with_golly_cell_for_cell(name):
    """bgolly ran each start board on its torus; lifelab's simulation ends on exactly Golly's board."""
    steps = make_golden.CASES[name][3]
    start, rule = load_rle(GOLDEN / f"{name}.start.rle")
    end, golly_rule = load_rle(GOLDEN / f"{name}.end.rle")
    parsed = parse_rule(rule)
    assert str(parsed) == golly_rule == rule  # Golly's canonical spelling, torus included
    final = simulate(parsed, start[None], steps, b0="golly")[0, -1]  # B0 as Golly emulates it; others unchanged
    np.testing.assert_array_equal(final.astype(np.uint8), end.astype(np.uint8))


@pytest.mark.parametrize(
    "text, canonical",
    [
        # what bgolly 4 (Golly's source, 2025) wrote back for each spelling
        ("r3,c2,s0,7-12,27,b8,12,20-27,n2", "R3,C0,S0,7-12,27,B8,12,20-27,N2"),
        ("R2,C0,S3,1-2,B4,3,NM", "R2,C0,S1-3,B3-4"),
        ("R1,C0,S,B3", "R1,C0,S,B3"),
        ("R2,C5,S2-3,B3,N+", "R2,C5,S2-3,B3,N+"),
        ("R1,C0,M0,S2..3,B3..3,NX", "R1,C0,M0,S2..3,B3..3,NX"),
        ("R2,C0,S2-4,B3,nw0110112f2112021f2211f0110", "R2,C0,S2-4,B3,NW0110112F2112021F2211F0110"),
        ("R2,C0,S2,B3,N@21fa09", "R2,C0,S2,B3,N@21FA09"),
        ("r2,c0,s16-30,b14-24,ng", "R2,C0,S16-30,B14-24,NG"),
        ("R2,C0,S2-4,B3,N@0edc00h", "R2,C0,S2-4,B3,N@0EDC00H"),
    ],
)
def test_hrot_spellings_read_and_print_as_golly_4_prints_them(text, canonical):
    rule = parse_rule(text)
    assert isinstance(rule, HROTRule) and str(rule) == canonical and parse_rule(canonical) == rule


def test_b0_runs_exactly_unless_golly_s_emulation_is_asked_for():
    boards = random_boards(2, (16, 16), 0.4, seed=4)
    exact, shown = simulate("B03/S23", boards, 4), simulate("B03/S23", boards, 4, b0="golly")
    np.testing.assert_array_equal(shown[:, 1::2], ~exact[:, 1::2])  # odd generations complemented
    np.testing.assert_array_equal(shown[:, ::2], exact[:, ::2])
    with_s8 = simulate("B03/S238", boards, 3, b0="golly")
    np.testing.assert_array_equal(with_s8, ~simulate("B03/S238", ~boards, 3))  # the complemented rule
    np.testing.assert_array_equal(simulate("B3/S23", boards, 3, b0="golly"), simulate("B3/S23", boards, 3))
    with pytest.raises(ValueError, match="b0 must be one of"):
        simulate("B03/S23", boards, 1, b0="emulate")


def test_hrot_shapes_count_golly_s_cells():
    """Golly's neighbour counts (max_neighbors) at r = 2 and 3, and one rule in two spellings."""
    sizes = {n: [HROTRule(r, (), (1,), neighbourhood=n).size for r in (2, 3)] for n in "MNC2+X*#BDH"}
    assert sizes == {
        "M": [24, 48],
        "N": [12, 24],
        "C": [20, 36],
        "2": [12, 28],
        "+": [8, 12],
        "X": [8, 12],
        "*": [16, 24],
        "#": [16, 24],
        "B": [12, 24],
        "D": [12, 24],
        "H": [18, 36],
    }
    assert parse_rule("R1,C0,S2-3,B3,NM") == parse_rule("R1,C0,M1,S3..4,B3..3,N*")  # Life; M1 counts the cell
    assert parse_rule("R1,C0,S2-3,B3,NW111101111") == parse_rule("R1,C0,S2-3,B3")  # NW lists count the centre: 0
    life = simulate("B3/S23", random_boards(2, (16, 16), 0.4, seed=3), 8)
    np.testing.assert_array_equal(simulate("R1,C0,S2-3,B3", life[:, 0], 8), life)


@pytest.mark.parametrize(
    "text, canonical",
    [
        # what bgolly 3.3 wrote back for each spelling (Golly's canonical form)
        ("B2cekin/S12", "B2-a/S12"),
        ("B2cekian/S12", "B2/S12"),
        ("B3/S23-a", "B3/S23-a"),
        ("B34ek/S2-i3", "B34ek/S2-i3"),
        ("B2ce/S12", "B2ce/S12"),
        ("B3_S23-a4ei6", "B3/S23-a4ei6"),
        ("B3S23", "B3/S23"),
        ("b3/s23", "B3/S23"),
        ("B36/S23:T32,32", "B36/S23:T32,32"),
        ("MAPHmlphg", "B2/S013V"),
        ("B2/S/3", "/2/3"),
        ("/2/3", "/2/3"),
        ("345/2/4", "345/2/4"),
        ("23/3/2", "23/3/2"),
        ("g3b2s", "/2/3"),
        ("B2/S/3V", "/2/3V"),
        ("B2-a/S12/4", "12/2-a/4"),
        ("B2/S/C3", "/2/3"),
        ("R2,C0,M1,S5..9,B6..8,NM", "R2,C0,M1,S5..9,B6..8,NM"),
        ("R2,C2,M1,S5..9,B6..8,NM", "R2,C0,M1,S5..9,B6..8,NM"),
        ("r2,c0,m0,s3..5,b3..4,nn", "R2,C0,M0,S3..5,B3..4,NN"),
        ("1,3,3,3,4", "R1,C0,M1,S3..4,B3..3,NM"),
        ("R5,C0,M1,S34..58,B34..45,NM:T500,40", "R5,C0,M1,S34..58,B34..45,NM:T500,40"),
    ],
)
def test_golly_spellings_read_and_print_canonically(text, canonical):
    rule = parse_rule(text)
    assert str(rule) == canonical and parse_rule(canonical) == rule


@pytest.mark.parametrize(
    "text, message",
    [
        ("B1z/S23", "letter 'z' does not exist for 1 live neighbours"),
        ("B9/S/3", "birth digit 9 is out of range 0-8"),
        ("B2/S/1", "2 to 256 states, got 1"),
        ("B2/S/300", "2 to 256 states, got 300"),
        ("B2/S/x", "number of states 'x' is not a number"),
        ("B2/B3/4", "one part 'B' .* the other 'S'"),
        ("R0,C0,M1,S5..9,B6..8,NM", "range R0 must be 1 to 500"),
        ("R2,C0,M1,S5..9,B6..8,NQ", "neighbourhood NQ is not supported"),
        ("R2,C0,S2-4,B30,N+", "B value out of range 0..8"),
        ("R2,C0,S4-2,B3", "S4-2: the lower end is above the upper one"),
        ("R2,C0,S2-4,B0-3", "B0 rules are run by Golly with its B0 emulation"),
        ("R2,C0,S2-4,B3,N@21FA", "needs 6 hex digits, got 4"),
        ("R1,C0,S2-4,B3,NW1111", "needs 9 or 18 hex digits, got 4"),
        ("R1,C3,S2-4,B3,NW111101111,01", "2 state weights for 3 states"),
        ("R1,C0,S2-4,B3,NW111101111L", "not the triangular L grid"),
        ("R2,C0,S2-4,B3,NM5", "after NM, which takes no digits"),
        ("R51,C0,S2-4,B3,NG", "Gaussian neighbourhood reaches range 50 at most"),
        ("R2,C0,S2;4,B3", "should read Rr,Cc,Slist,Blist"),
        ("R2,C0,M2,S5..9,B6..8,NM", "M2 must be M0 or M1"),
        ("R2,C0,M1,S9..5,B6..8,NM", "S9..5: the lower limit is above the upper one"),
        ("R2,C0,M1,S5..99,B6..8,NM", "S limit must be an integer in 0-25"),
        ("R2,C0,M1,S5-9,B6..8,NM", "'S5-9' should be Smin..max"),
        ("R2,C0,M1,S5..9,NM", "has 5 comma-separated fields"),
        ("R2,C3,M1,S5..9,B0..8,NM", "B0 is not allowed with more than 2 states"),
        ("R2,C0,M1,S5..9,B6..8,NM:K10,10", "topology .K10,10. is not supported"),
        ("B3_S23", "an underscore is valid only in non-totalistic"),
        ("R2,C0,M1,S5..9,B6..8,NM:P0,10", "an unbounded side is not supported"),
    ],
)
def test_malformed_rules_name_the_bad_part(text, message):
    with pytest.raises(ValueError, match=message):
        parse_rule(text)


def test_hensel_letters_partition_the_patterns():
    classes = hensel_classes()
    assert len(classes) == 2 * 51
    members = sorted(i for group in classes.values() for i in group)
    assert members == list(range(N_PATTERNS))  # every pattern in exactly one class
    assert [len(letters_for(k)) for k in range(9)] == [0, 2, 6, 10, 13, 10, 6, 2, 0]
    assert set("".join(letters_for(k) for k in range(9))) == set(LETTERS)
    # 2a: two live neighbours side by side, an edge and the corner next to it (Golly's picture of 'a')
    assert 0b000000011 in classes[0, 2, "a"] and 0b000101000 in classes[0, 2, "i"]


isotropic_tables = st.lists(st.booleans(), min_size=102, max_size=102).map(
    lambda bits: Rule.from_table(
        np.repeat(np.array(bits), [len(g) for g in hensel_classes().values()])[
            np.argsort(np.concatenate([np.array(g) for g in hensel_classes().values()]))
        ]
    )
)


@settings(max_examples=60, deadline=None)
@given(isotropic_tables)
def test_isotropic_rules_round_trip_through_hensel_notation(rule):
    text = str(rule)
    assert not text.startswith("MAP")  # isotropic rules always have a Hensel spelling
    assert Rule.parse(text) == rule and Rule.parse(rule.to_hensel()) == rule


@settings(max_examples=60, deadline=None)
@given(isotropic_tables, st.integers(2, 256), st.sampled_from(["", "V", "H"]))
def test_generations_rules_round_trip(rule, states, neighbourhood):
    base = (
        rule
        if not neighbourhood
        else Rule.from_bs([1, 3], [0, 2], "vonneumann" if neighbourhood == "V" else "hexagonal")
    )
    generations = GenerationsRule(base, states)
    assert parse_rule(str(generations)) == generations and rule_states(generations) == states


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 7), st.sampled_from("MNC"), st.booleans(), st.integers(0, 256), st.data())
def test_larger_than_life_rules_round_trip(r, shape, middle, states, data):
    probe = LtLRule(r, (0, 0), (1, 1), neighbourhood=shape)
    top = probe.size + middle
    smin = data.draw(st.integers(0, top))
    bmin = data.draw(st.integers(0 if states <= 2 else 1, top))
    rule = LtLRule(
        r,
        (smin, data.draw(st.integers(smin, top))),
        (bmin, data.draw(st.integers(bmin, top))),
        states=states,
        middle=middle,
        neighbourhood=shape,
    )
    assert parse_rule(str(rule)) == rule


def test_neighbourhood_sizes_are_golly_s():
    """Golly's counts for r = 3: Moore 48, von Neumann 24, circular 36 (getrule's neighbourhood size)."""
    assert [LtLRule(3, (0, 0), (1, 1), neighbourhood=n).size for n in "MNC"] == [48, 24, 36]
    assert LtLRule(1, (2, 3), (3, 3)).offsets == [
        (dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "/2/3",
        "12/2-a/4",
        "2/12/5V",
        "R2,C0,M1,S5..9,B6..8,NM",
        "R2,C3,M0,S3..5,B3..4,NN",
        "R3,C0,M0,S8..14,B9..12,NC",
        "B2-a/S12",
    ],
)
def test_every_engine_and_seagull_agree(rule):
    rule = parse_rule(rule)
    n = rule_states(rule)
    rng = np.random.default_rng(0)
    boards = np.where(rng.random((3, 20, 24)) < 0.4, rng.integers(1, n, (3, 20, 24)), 0)
    boards = boards.astype(np.uint8) if n > 2 else boards.astype(bool)
    numpy = simulate(rule, boards, 8)
    assert numpy.dtype == (np.uint8 if n > 2 else bool) and numpy.shape == (3, 9, 20, 24)
    np.testing.assert_array_equal(simulate(rule, boards, 8, device="cpu"), numpy)
    np.testing.assert_array_equal(run_seagull(rule, boards[1], 8), numpy[1])


def test_two_state_generations_is_the_life_like_rule():
    boards = random_boards(2, (16, 16), seed=1)
    np.testing.assert_array_equal(simulate("23/3/2", boards, 10), simulate("B3/S23", boards, 10))
    np.testing.assert_array_equal(simulate("R1,C0,M0,S2..3,B3..3,NM", boards, 10), simulate("B3/S23", boards, 10))


def test_brians_brain_cycles_live_dying_dead():
    board = np.zeros((8, 8), np.uint8)
    board[3, 3:5] = 1
    after = simulate("Brian's Brain", board, 1)[0, 1]
    assert (after[3, 3:5] == 2).all()  # live cells always die: to the dying state
    assert after[2, 3:5].all() and after[4, 3:5].all()  # cells with exactly two live neighbours are born
    assert (simulate("Brian's Brain", board, 2)[0, 2][3, 3:5] == 0).all()  # dying cells become dead


def test_states_and_torus_are_checked():
    with pytest.raises(ValueError, match="states 0-2 for a 3-state rule, found 3"):
        simulate("/2/3", np.full((1, 4, 4), 3), 1)
    with pytest.raises(ValueError, match="runs on a 16x8 torus"):
        simulate("B3/S23:T16,8", np.zeros((1, 16, 16)), 1)
    assert simulate("B3/S23:T16,8", np.zeros((1, 8, 16)), 1).shape == (1, 2, 8, 16)


def test_registry_holds_generations_and_larger_than_life_rules():
    generations = named_rules(kind="Generations")
    ltl = named_rules(kind="Larger than Life")
    assert {"Brian's Brain", "Star Wars"} <= {e.name for e in generations}
    assert "Bosco's Rule" in {e.name for e in ltl}
    for entry in generations + ltl:
        rule = parse_rule(entry.name)
        assert str(rule) == entry.rulestring and rule.name == entry.name
    with pytest.raises(ValueError, match="is a Generations rule"):
        Rule.parse("Star Wars")


def test_rle_round_trips_and_places_patterns(tmp_path):
    rng = np.random.default_rng(3)
    two = rng.random((7, 11)) < 0.4
    text = write_rle(two, Rule.parse("B3/S23"))
    assert text.startswith("x = 11, y = 7, rule = B3/S23\n")
    pattern, rule = read_rle(text)
    np.testing.assert_array_equal(pattern, two)
    many = rng.integers(0, 200, (5, 9)).astype(np.uint8)  # states beyond 24 use the two-letter tokens
    path = save_rle(tmp_path / "many.rle", many, "R2,C200,M1,S5..9,B6..8,NM")
    back, rule = load_rle(path)
    np.testing.assert_array_equal(back, many)
    assert rule == "R2,C200,M1,S5..9,B6..8,NM"
    glider, _ = read_rle("#N Glider\nx = 3, y = 3, rule = B3/S23\nbo$2bo$3o!")
    board = place(glider, (8, 8), at=(6, 6))
    assert board.sum() == 5 and board[6, 7] and board[0, 6]  # wrapped onto the torus
    wide = rng.integers(0, 2, (4, 300)).astype(bool)
    lines = write_rle(wide).splitlines()[1:]
    assert all(len(line) <= 70 for line in lines)
    assert not any(a[-1].isdigit() for a in lines[:-1])  # a run's count stays with its state (Golly 4 needs it)
    np.testing.assert_array_equal(read_rle(write_rle(wide))[0], wide)
    blank_rows = np.zeros((5, 4), bool)
    blank_rows[3, 1] = True
    np.testing.assert_array_equal(read_rle(write_rle(blank_rows))[0], blank_rows)  # leading empty rows kept


@pytest.mark.parametrize(
    "text, message",
    [
        ("bo$2bo$3o!", "malformed header"),
        ("x = 3, y = 3\nbo$2bo$3o", "without '!'"),
        ("x = 2, y = 3\nbo$2bo$3o!", "outside the 2x3"),
        ("x = 3, y = 3\nbo$2bZ$3o!", "unknown cell token 'Z'"),
        ("", "no header"),
    ],
)
def test_bad_rle_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        read_rle(text, name="pattern.rle")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=512, max_size=512), st.integers(3, 256))
def test_generations_rules_on_any_table_round_trip_as_map(bits, states):
    """A table no B/S spelling writes is a MAP with its states; the base64 '/' does not confuse the parser."""
    rule = GenerationsRule(Rule.from_table(bits), states)
    assert parse_rule(str(rule)) == rule
    plain = Rule.from_table(bits)
    assert parse_rule(plain.to_map()) == plain and isinstance(parse_rule(plain.to_map()), Rule)
