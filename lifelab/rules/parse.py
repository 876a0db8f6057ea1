"""Every rule type lifelab holds, and one ``parse_rule`` for all of them."""

from __future__ import annotations

from lifelab.rules.counts import HROTRule, LtLRule
from lifelab.rules.generations import GenerationsRule
from lifelab.rules.lifelike import Rule
from lifelab.rules.oned import OneDRule, WolframRule
from lifelab.rules.reading import read_rule
from lifelab.rules.stochastic import StochasticRule
from lifelab.rules.tables import TableRule

__all__ = ["RULE_TYPES", "parse_rule", "rule_reach", "rule_states"]

#: Every type of rule lifelab holds: the one list of them.
RULE_TYPES = (Rule, GenerationsRule, LtLRule, HROTRule, TableRule, StochasticRule, WolframRule, OneDRule)


def parse_rule(text) -> Rule | GenerationsRule | LtLRule | HROTRule | TableRule | StochasticRule | OneDRule:
    """Read any rule lifelab knows, in any of Golly's spellings, or a registry name.

    Life-like rules (``B3/S23``, ``B2-a/S12``, ``MAP...``) give a
    :class:`~lifelab.rules.lifelike.Rule`; ``S/B/C`` and ``B../S../C`` spellings and
    Catagolue's ``g3b2s`` a :class:`~lifelab.rules.generations.GenerationsRule`;
    ``R..,C..,M..,S..,B..,N..`` (or Kellie Evans' ``r,bmin,bmax,smin,smax``) an
    :class:`~lifelab.rules.counts.LtLRule`, HROT's ``R..,C..,S..,B..,N..`` an
    :class:`~lifelab.rules.counts.HROTRule`; ``B3/S23 [B3=0.8]`` a
    :class:`~lifelab.rules.stochastic.StochasticRule`; Golly's Wolfram rules
    ``W110`` a :class:`~lifelab.rules.oned.WolframRule` (on the 2-D plane),
    ``R1,C2,W110`` a 1-D :class:`~lifelab.rules.oned.OneDRule`.  A Golly ``.rule`` file's
    path (``rules/WireWorld.rule``), or a name no other notation reads whose
    ``NAME.rule`` lies on :func:`~lifelab.rules.rulefiles.rule_search_path`
    (``WireWorld``, ``Langtons-Loops``), gives a
    :class:`~lifelab.rules.tables.TableRule`; each takes Golly's grid suffix
    (``WireWorld:T64,64``).  A rule object is returned as it is.

    Raises:
        TypeError: For a non-string.
        ValueError: Naming the bad part.

    Examples:
        >>> from lifelab.rules import parse_rule
        >>> parse_rule("HighLife"), parse_rule("B3/S23:P30,20").grid
        (Rule('B36/S23'), Grid(kind='P', width=30, height=20))
        >>> str(parse_rule("R2,C0,M1,S5..9,B6..8,NM")), str(parse_rule("345/2/4"))
        ('R2,C0,M1,S5..9,B6..8,NM', '345/2/4')
    """
    if isinstance(text, RULE_TYPES):
        return text
    if isinstance(text, str) and "[" in text:
        return StochasticRule.parse(text)
    return read_rule(text, (Rule, GenerationsRule, LtLRule, HROTRule, TableRule, WolframRule, OneDRule))


def rule_states(rule) -> int:
    """Number of cell states of a rule of any type (2 for a :class:`~lifelab.rules.lifelike.Rule`)."""
    return getattr(rule, "states", 2)


def rule_reach(rule) -> int:
    """How far a rule's neighbourhood reaches from the cell: 1 for 3x3 rules, the range of a Larger than Life one."""
    return getattr(rule, "reach", 1)
