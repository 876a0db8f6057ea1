"""A learner's reading projected onto the verdict's family (:meth:`~lifelab.evidence.Verdict.project`)."""

import numpy as np
import pytest

from lifelab import random_boards, simulate
from lifelab.evidence import Evidence, decide, family
from lifelab.rules import GenerationsRule, Rule, StochasticRule

MOORE = family("moore")
#: Isotropic, not outer-totalistic: what a weight-tied network may read while the verdict speaks of B/S rules.
ISOTROPIC = Rule.parse("B3inqy4eny567/S1e2-cn3aejkr45")


@pytest.fixture(scope="module")
def open_moore():
    """A Moore verdict Life's short run leaves open in B7, B8, S6, S7 and S8."""
    trajectory = simulate("B3/S23", random_boards(1, (8, 8), density=0.3, seed=0), 2)
    verdict = decide(Evidence.of(trajectory), "moore")
    assert verdict.rung == "underdetermined" and verdict.family is MOORE
    assert [MOORE.class_names[c] for c in verdict.undecided] == ["B7", "B8", "S6", "S7", "S8"]
    return verdict


def _class(name: str) -> np.ndarray:
    return MOORE.members(MOORE.class_names.index(name))


def test_an_isotropic_reading_becomes_a_b_s_rule(open_moore):
    assert family("isotropic").contains(ISOTROPIC) and not MOORE.contains(ISOTROPIC)
    projected = open_moore.project(ISOTROPIC)
    assert isinstance(projected, Rule) and MOORE.contains(projected)
    # observed classes keep the data's next state (B1, B2, S1, S4, S5 are Life's, not the reading's)
    known = open_moore.known
    assert known.any() and (projected.table[known] == open_moore.table[known]).all()
    assert open_moore.disagreements(projected) == 0 and open_moore.disagreements(ISOTROPIC) > 0
    # unobserved classes by the reading's vote: B7 all alive, B8 and S6..S8 all dead
    assert str(projected) == "B37/S23"


def test_unobserved_classes_follow_the_readings_majority_and_a_tie_is_dead(open_moore):
    table = open_moore.table.copy()
    table[_class("B7")[:4]] = True  # 4 of 8: a tie
    table[_class("S6")[:15]] = True  # 15 of 28
    table[_class("S7")[:3]] = True  # 3 of 8
    table[_class("S8")] = True
    table[_class("B3")[:30]] = False  # an observed class the reading half forgets: the data keep it alive
    reading = Rule.from_table(table)
    assert not MOORE.contains(reading)
    projected = open_moore.project(reading)
    assert str(projected) == "B3/S2368"


def test_a_generations_reading_keeps_its_states(open_moore):
    projected = open_moore.project(GenerationsRule(ISOTROPIC, 4))
    assert isinstance(projected, GenerationsRule) and projected.states == 4
    assert projected.rule == Rule.parse("B37/S23")


def test_members_and_readings_with_nothing_to_project_are_returned_as_they_are(open_moore):
    member = Rule.parse("B36/S23")
    assert open_moore.project(member) is member
    assert open_moore.project(None) is None
    stochastic = StochasticRule(np.full(512, 0.5))
    assert open_moore.project(stochastic) is stochastic
    trajectory = simulate("B3/S23", random_boards(1, (8, 8), density=0.3, seed=0), 2)
    free = decide(Evidence.of(trajectory), "table")
    assert free.family.name == "table" and free.project(ISOTROPIC) is ISOTROPIC


def test_a_determined_family_verdict_projects_onto_its_rule():
    trajectory = simulate("B3/S23", random_boards(1, (24, 24), seed=0), 8)
    verdict = decide(Evidence.of(trajectory), "moore")
    assert verdict.rung == "identified within family" and verdict.family is MOORE
    assert verdict.project(ISOTROPIC) == verdict.rule == Rule.parse("B3/S23")
