"""Rule parsing, notations, round trips and the registry."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifelab import RULES, NotTotalisticError, Rule, named_rules
from lifelab.geometry import MAP_WEIGHTS, NEIGHBOURHOODS

GOLLY_LIFE_MAP = "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA"


def config(**cells) -> int:
    """MAP index of a 3x3 configuration given by live cell names (nw, n, ne, w, c, e, sw, s, se)."""
    names = ["nw", "n", "ne", "w", "c", "e", "sw", "s", "se"]
    return sum(MAP_WEIGHTS.ravel()[names.index(k)] for k, v in cells.items() if v)


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("B3/S23", "B3/S23"),
        ("b3/s23", "B3/S23"),
        ("  B3/S23 ", "B3/S23"),
        ("23/3", "B3/S23"),
        ("S23/B3", "B3/S23"),
        ("B63/S32", "B36/S23"),
        ("B2/S", "B2/S"),
        ("B/S", "B/S"),
        ("B2/S013V", "B2/S013V"),
        ("b2/s013v", "B2/S013V"),
        ("013/2V", "B2/S013V"),
        ("B2/S34H", "B2/S34H"),
        ("HighLife", "B36/S23"),
        ("highlife", "B36/S23"),
        ("Day & Night", "B3678/S34678"),
        ("day and night", "B3678/S34678"),
        ("conway", "B3/S23"),
        ("Long Life", "B345/S5"),
        ("34 Life", "B34/S34"),
        ("2x2", "B36/S125"),
        (GOLLY_LIFE_MAP, "B3/S23"),
        (GOLLY_LIFE_MAP + "==", "B3/S23"),
    ],
)
def test_parse_valid(text, canonical):
    assert str(Rule.parse(text)) == canonical


def test_to_map_matches_golly_test_vector():
    assert Rule.parse("B3/S23").to_map() == GOLLY_LIFE_MAP
    assert len(Rule.parse("B36/S23").to_map()) == 3 + 86


@pytest.mark.parametrize(
    "text, message",
    [
        ("B9/S23", "birth digit 9 is out of range 0-8 for a Moore rule"),
        ("B3/S239", "survival digit 9 is out of range 0-8 for a Moore rule"),
        ("B5/S2V", "birth digit 5 is out of range 0-4 for a von Neumann rule"),
        ("B2/S7H", "survival digit 7 is out of range 0-6 for a hexagonal rule"),
        ("B3/S23x", "unexpected character 'x' in survival part '23x'"),
        ("B36/S23/G", "is a Generations rule"),
        ("", "empty rulestring"),
        ("   ", "empty rulestring"),
        ("B3", "neither a known rule name nor a rulestring"),
        ("B3/B23", "one part 'B' .* the other 'S'"),
        ("B1z/S12", "letter 'z' does not exist for 1 live neighbours"),
        ("B2a/S12V", "Hensel letters, which Golly defines on the Moore neighbourhood only"),
        ("B9a/S12", "birth digit 9 is out of range 0-8"),
        ("B2-/S12", "must be followed by letters"),
        ("B3/S23:S64", "topology .S64. is not supported"),
        ("B3/S23:T0,4", "positive width and height"),
        ("B3/S23:Tx", "malformed grid suffix"),
        ("MAPabcd", "86 \\(Moore\\), 22 \\(hexagonal\\) or 6 \\(von Neumann\\)"),
        ("R2,C0,M1,S5..9,B6..8,NM", "Larger than Life rule"),
        ("Brian's Brain", "is a Generations rule"),
        ("MAP" + GOLLY_LIFE_MAP[3:-1], "base64 characters after 'MAP', got 85"),
        ("MAP" + GOLLY_LIFE_MAP[3:] + "A", "base64 characters after 'MAP', got 87"),
        ("MAP" + GOLLY_LIFE_MAP[3:-1] + "!", "character '!' outside the base64 alphabet"),
        ("MAP" + GOLLY_LIFE_MAP[3:-1] + "B", "stray bits"),
        ("NoSuchRule", "neither a known rule name nor a rulestring"),
    ],
)
def test_parse_invalid_names_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        Rule.parse(text)


def test_parse_rejects_non_strings():
    with pytest.raises(TypeError, match="rulestring must be a str"):
        Rule.parse(23)


def test_table_semantics_life():
    life = Rule.parse("B3/S23").table
    assert life.shape == (512,) and life.dtype == bool
    assert life[config(n=1, e=1, s=1)]  # dead centre, three neighbours: born
    assert not life[config(n=1, e=1)]  # dead centre, two: stays dead
    assert life[config(c=1, nw=1, se=1)]  # live centre, two: survives
    assert not life[config(c=1, n=1)]  # live centre, one: dies
    assert not life[config(c=1, n=1, e=1, s=1, w=1)]  # four: dies
    assert life.sum() == 140  # C(8,3) births + C(8,2) + C(8,3) survivals


def test_table_is_read_only():
    rule = Rule.parse("B3/S23")
    with pytest.raises(ValueError):
        rule.table[0] = True


def test_von_neumann_rule_ignores_corners_and_differs_from_moore():
    vn = Rule.parse("B13/S012V")
    corners = config(nw=1, ne=1, sw=1, se=1)
    idx = np.arange(512)
    assert np.array_equal(vn.table, vn.table[idx & ~corners])
    # seagull's parser reads this string as the Moore rule B13/S012: it is not that.
    assert vn != Rule.parse("B13/S012")
    assert vn.neighbourhood == "vonneumann"


def test_hexagonal_rule_ignores_ne_and_sw():
    hexrule = Rule.parse("B2/S34H")
    ignored = config(ne=1, sw=1)
    idx = np.arange(512)
    assert np.array_equal(hexrule.table, hexrule.table[idx & ~ignored])
    assert not np.array_equal(hexrule.table, hexrule.table[idx & ~config(nw=1)])


def test_birth_survival_views():
    rule = Rule.parse("B36/S23")
    assert rule.birth == (3, 6) and rule.survival == (2, 3) and rule.neighbourhood == "moore"
    assert np.array_equal(rule.kernel, NEIGHBOURHOODS["moore"])
    vn = Rule.parse("B2/S013V")
    assert vn.birth == (2,) and vn.survival == (0, 1, 3)
    assert vn.to_bs() == "B2/S013V"


def test_non_totalistic_rule_has_clear_errors():
    table = Rule.parse("B3/S23").table.copy()
    table[config(n=1, e=1, s=1)] = False  # one configuration of B3 no longer births
    rule = Rule.from_table(table)
    assert not rule.is_totalistic
    assert str(rule).startswith("MAP") and len(str(rule)) == 89
    for attribute in ("birth", "survival", "neighbourhood", "kernel"):
        with pytest.raises(NotTotalisticError, match="not outer-totalistic"):
            getattr(rule, attribute)
    with pytest.raises(NotTotalisticError):
        Rule.parse("B3/S23").to_bs("vonneumann")


def test_equality_and_hash_follow_tables():
    assert Rule.parse("23/3") == Rule.parse("B3/S23")
    assert hash(Rule.parse("23/3")) == hash(Rule.parse("B3/S23"))
    assert Rule.parse("B3/S23") != Rule.parse("B36/S23")
    assert len({Rule.parse("Life"), Rule.parse("B3/S23"), Rule.parse("HighLife")}) == 2
    assert repr(Rule.parse("Life")) == "Rule('B3/S23')"


def test_from_table_validates():
    with pytest.raises(ValueError, match="512 entries"):
        Rule.from_table(np.zeros(100))
    with pytest.raises(ValueError, match="0 or 1, found 2"):
        Rule.from_table(np.full(512, 2))
    with pytest.raises(TypeError, match="not a string"):
        Rule.from_table("B3/S23")
    with pytest.raises(TypeError, match="dtype"):
        Rule.from_table(np.array(["a"] * 512))
    assert Rule.from_table(np.zeros((8, 64), dtype=int)) == Rule.parse("B/S")


def test_from_bs_validates():
    assert Rule.from_bs([3], [2, 3]) == Rule.parse("B3/S23")
    assert Rule.from_bs([2], [0, 1, 3], "vonneumann") == Rule.parse("B2/S013V")
    with pytest.raises(ValueError, match="unknown neighbourhood"):
        Rule.from_bs([3], [2], "triangular")
    with pytest.raises(ValueError, match="birth digit 5 is out of range 0-4"):
        Rule.from_bs([5], [], "vonneumann")
    with pytest.raises(TypeError, match="integers"):
        Rule.from_bs(["3"], [])


def test_registry_holds_the_nine_studied_rules():
    studied = named_rules(studied_only=True)
    assert [e.rulestring for e in studied] == [
        "B3/S23",
        "B36/S23",
        "B3678/S34678",
        "B35678/S5678",
        "B2/S",
        "B234/S",
        "B345/S5",
        "B13/S012V",
        "B2/S013V",
    ]
    assert len(named_rules()) > len(studied)
    for entry in named_rules():
        rule = Rule.parse(entry.name)
        assert str(rule) == entry.rulestring, entry.name
        assert rule.name == entry.name
    assert Rule.parse("B3/S23").name == "Life"
    assert Rule.parse("B1/S").name is None
    assert RULES["HighLife"].rule == Rule.parse("B36/S23")


@pytest.mark.parametrize("entry", named_rules(), ids=lambda e: e.name)
def test_registry_round_trips(entry):
    rule = entry.rule
    assert Rule.parse(str(rule)) == rule
    assert Rule.parse(rule.to_map()) == rule
    assert Rule.from_table(rule.table) == rule


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), min_size=512, max_size=512))
@pytest.mark.slow
def test_any_table_round_trips(bits):
    rule = Rule.from_table(bits)
    assert Rule.parse(str(rule)) == rule
    assert Rule.parse(rule.to_map()) == rule
    assert rule.table.tolist() == bits


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(NEIGHBOURHOODS)),
    st.data(),
)
def test_totalistic_rules_print_as_bs_and_round_trip(neighbourhood, data):
    top = int(NEIGHBOURHOODS[neighbourhood].sum())
    birth = data.draw(st.sets(st.integers(0, top)))
    survival = data.draw(st.sets(st.integers(0, top)))
    rule = Rule.from_bs(birth, survival, neighbourhood)
    text = str(rule)
    assert not text.startswith("MAP")
    assert Rule.parse(text) == rule
    # The simplest family is printed: Moore first, then V, then H.
    if rule.neighbourhood == neighbourhood:
        assert set(rule.birth) == birth and set(rule.survival) == survival
