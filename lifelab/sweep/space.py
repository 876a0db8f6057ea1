"""Rule spaces: seeded random samples of a rule family, and every B/S rule of a neighbourhood.

A *family* is a named set of rules (as the verdicts' assumptions are):
:func:`random_rules` draws from the Moore or von Neumann B/S rules, the
isotropic non-totalistic rules near Life, Generations and Larger than Life;
:func:`all_rules` enumerates the 2^18 Moore or 2^10 von Neumann B/S rules;
:func:`family_of` names the family a given rule belongs to, in the words a
sweep's rows use.
"""

from __future__ import annotations

import re

import numpy as np

from lifelab.errors import InputError
from lifelab.evidence import family as family_named
from lifelab.geometry import hensel_classes
from lifelab.rules import GenerationsRule, LtLRule, Rule, parse_rule
from lifelab.utils import check_int

__all__ = ["ENUMERATED", "SAMPLED_FAMILIES", "all_rules", "random_rules", "family_of", "rule_indices"]

#: Families :func:`random_rules` samples.
SAMPLED_FAMILIES = ("moore", "vonneumann", "isotropic", "generations", "ltl")
#: Families :func:`all_rules` enumerates, with the number of B/S bits.
ENUMERATED = {"moore": 18, "vonneumann": 10}


def random_rules(family: str, n: int, seed: int = 0) -> list[str]:
    """``n`` distinct random rules of a family, seeded.

    Args:
        family: ``"moore"`` or ``"vonneumann"`` (each birth and survival count
            in or out with probability 1/2), ``"isotropic"`` (Life with three
            random Hensel classes of 2-6 neighbours switched, so the rule is
            isotropic and not totalistic), ``"generations"`` (a random Moore B/S
            rule without B0, with 3 to 8 states) or ``"ltl"`` (range-2 box rules with random
            birth and survival intervals).
        n: How many.
        seed: Seed of the sample.

    Returns:
        Canonical rulestrings.
    """
    if family not in SAMPLED_FAMILIES:
        raise InputError(f"unknown family {family!r}; random rules come from {list(SAMPLED_FAMILIES)}")
    n = check_int("n", n, 1)
    limit = {"vonneumann": 2**10}.get(family)
    if limit is not None and n > limit:
        raise InputError(f"there are only {limit} {family} B/S rules; use all_rules({family!r})")
    rng = np.random.default_rng(seed)
    out: dict[str, None] = {}
    isotropic = [m for (_, count, letter), m in hensel_classes().items() if letter and 2 <= count <= 6]
    while len(out) < n:
        if family in ("moore", "vonneumann", "generations"):
            top = 4 if family == "vonneumann" else 8
            birth, survival = (np.flatnonzero(rng.random(top + 1) < 0.5) for _ in range(2))
            if family == "generations":  # Golly's Generations rules have no B0
                birth = birth[birth > 0]
            rule = Rule.from_bs(birth, survival, "vonneumann" if family == "vonneumann" else "moore")
            text = str(rule) if family != "generations" else str(GenerationsRule(rule, int(rng.integers(3, 9))))
        elif family == "isotropic":
            table = Rule.parse("B3/S23").table.copy()
            for k in rng.choice(len(isotropic), 3, replace=False):
                table[list(isotropic[k])] ^= True
            rule = Rule.from_table(table)
            if rule.is_totalistic:
                continue
            text = str(rule)
        else:
            born = np.sort(rng.integers(1, 25, 2))
            kept = np.sort(rng.integers(1, 26, 2))
            text = f"R2,C0,M1,S{kept[0]}..{kept[1]},B{born[0]}..{born[1]},NM"
        out.setdefault(text)
    return list(out)


def all_rules(family: str) -> list[str]:
    """Every B/S rule of a neighbourhood: 2^18 Moore rules or 2^10 von Neumann rules, in binary order.

    Rule ``i`` has birth count ``c`` when bit ``c`` of ``i`` is set and survival count ``c`` when
    bit ``c + n + 1`` is (``n`` neighbours).
    """
    if family not in ENUMERATED:
        raise InputError(f"unknown family {family!r}; all_rules enumerates {list(ENUMERATED)}")
    bits = ENUMERATED[family]
    half = bits // 2
    out = []
    for i in range(2**bits):
        birth = [c for c in range(half) if i >> c & 1]
        survival = [c for c in range(half) if i >> (c + half) & 1]
        out.append(str(Rule.from_bs(birth, survival, family)))
    return out


def rule_indices(rules, family: str = "moore") -> np.ndarray:
    """Each B/S rule's place in :func:`all_rules`' order (its birth counts in the low bits, its survival counts above).

    So ``index & (2 ** (n + 1) - 1)`` is the birth set and ``index >> (n + 1)``
    the survival set, one bit a count, for ``n`` neighbours: a map of the
    whole family is an image indexed by the two.

    Args:
        rules: Rulestrings (or rules) of the family, as a sweep's rows name them.
        family: ``"moore"`` or ``"vonneumann"``.

    Returns:
        ``(len(rules),)`` int64.

    Raises:
        ValueError: For a rule that is not an outer-totalistic rule of the family.
    """
    if family not in ENUMERATED:
        raise InputError(f"unknown family {family!r}; rule_indices numbers the rules of {list(ENUMERATED)}")
    half = ENUMERATED[family] // 2
    canonical = re.compile(rf"B([0-{half - 1}]*)/S([0-{half - 1}]*){'V' if family == 'vonneumann' else ''}")
    out = np.empty(len(rules), dtype=np.int64)
    for i, rule in enumerate(rules):
        text = str(rule)
        match = canonical.fullmatch(text)  # a sweep's rows spell them canonically: read the digits
        if match is None:
            parsed = parse_rule(text)
            view = parsed.bs_view(family) if isinstance(parsed, Rule) else None
            if view is None:
                raise InputError(f"{text} is not a {family} B/S rule")
            birth, survival = view
        else:
            birth, survival = (tuple(map(int, digits)) for digits in match.groups())
        out[i] = sum(1 << c for c in birth) | sum(1 << (c + half) for c in survival)
    return out


def family_of(rule) -> str:
    """The family a rule belongs to, in the words of a sweep's rows.

    ``"moore"``, ``"vonneumann"`` or ``"hexagonal"`` (outer-totalistic), ``"isotropic"``,
    ``"table"`` (any other 3x3 rule), ``"generations"`` or ``"ltl"``.
    """
    rule = parse_rule(rule)
    if isinstance(rule, GenerationsRule):
        return "generations"
    if isinstance(rule, LtLRule):
        return "ltl"
    if rule.is_totalistic:
        return rule.neighbourhood
    return "isotropic" if family_named("isotropic").contains(rule) else "table"
