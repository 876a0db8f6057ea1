"""The rule-type base: identity from one key, perceive + update, and the registry's rules of every kind."""

import numpy as np
import pytest

from lifelab.rules import (
    RULE_TYPES,
    RULES,
    GenerationsRule,
    HROTRule,
    LtLRule,
    RuleBase,
    RuleType,
    StochasticRule,
    named_rules,
    parse_rule,
)

DETERMINISTIC = [
    "B3/S23",
    "B2-a/S12",
    "/2/3",
    "R2,C0,M1,S5..9,B6..8,NM",
    "R2,C3,S1-3,B2-3,N+",
    "R2,C0,S2-4,B3,NW0110112F2112021F2211F0110",
]


def test_every_rule_type_derives_from_the_base():
    assert all(issubclass(kind, RuleBase) for kind in RULE_TYPES)
    assert [kind for kind in RULE_TYPES if not issubclass(kind, RuleType)] == [StochasticRule]


@pytest.mark.parametrize("text", DETERMINISTIC)
def test_a_step_is_update_of_perceive(text):
    rule = parse_rule(text)
    boards = np.random.default_rng(4).integers(0, rule.states, (2, 12, 13))
    boards = boards.astype(np.uint8 if rule.states > 2 else bool)
    perception = rule.perceive(boards)
    assert perception.shape == boards.shape
    np.testing.assert_array_equal(rule.update(boards, perception), rule.step(boards))
    assert rule.reach == max(max(abs(dy), abs(dx)) for dy, dx in rule.offsets)


def test_equal_rules_hash_alike_across_spellings_and_grids_and_reprs_name_the_type():
    ltl, hrot = parse_rule("R2,C0,M1,S4..8,B4..6,NM"), parse_rule("R2,C0,S3-7,B4-6")
    assert ltl == hrot and hash(ltl) == hash(hrot) and type(ltl) is not type(hrot)
    assert parse_rule("B3/S23:T8,8") == parse_rule("B3/S23") != parse_rule("/3/2")
    assert parse_rule("B3/S23") != parse_rule("B3/S23 [B3=0.8]") != "B3/S23"
    assert {parse_rule("/2/3"), GenerationsRule("B2/S", 3)} == {parse_rule("Brian's Brain")}
    assert repr(parse_rule("B3/S23:T8,8")) == "Rule('B3/S23:T8,8')"
    assert repr(parse_rule("R2,C0,S3-7,B4-6")) == "HROTRule('R2,C0,S3-7,B4-6')"


def test_every_registry_entry_gives_its_rule():
    for entry in named_rules(kind=None):
        assert str(entry.rule) == entry.rulestring and entry.rule.name == entry.name
    assert isinstance(RULES["Bosco's Rule"].rule, LtLRule) and not isinstance(RULES["Bosco's Rule"].rule, HROTRule)
    assert isinstance(RULES["Star Wars"].rule, GenerationsRule)
