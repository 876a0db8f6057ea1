"""Reading a rulestring of any type: which type its spelling is, registry names, the grid suffix, rule files.

Golly tells its rule types apart by their spelling: ``R..`` (or Kellie
Evans' five numbers) is Larger than Life, or HROT without ``..`` intervals
or with a neighbourhood beyond box, diamond and disc, or with a Wolfram code
(``R1,C2,W110``) a 1-D rule; ``W110`` Golly's Wolfram rule; two ``/`` (or
Catagolue's ``g3b2s``, or ``MAP.../n``) Generations; anything else a
birth/survival rule.  A name no notation reads may be a rule file's.
"""

from __future__ import annotations

import re
from typing import Protocol, TypeGuard

from lifelab.errors import InputError
from lifelab.geometry import LTL_NEIGHBOURHOODS
from lifelab.rules.base import RuleBase
from lifelab.rules.grid import Grid, split_topology
from lifelab.rules.named import rulestring_of
from lifelab.rules.notation import split_map_states
from lifelab.rules.rulefiles import find_rule_file, load_rule_file
from lifelab.rules.tables import TableRule
from lifelab.utils import ascii_digits

__all__ = ["read_rule", "spelled_kind"]


def spelled_kind(core: str) -> str:
    """The rule type a rulestring (its grid suffix split off) spells, by its ``kind``: ``"life-like"``,
    ``"Generations"``, ``"Larger than Life"``, ``"HROT"``, ``"Wolfram"`` (``W110``) or ``"1-D"`` (``R1,C2,W110``)."""
    if re.fullmatch(r"[Ww][0-9]+", core):
        return "Wolfram"
    if re.fullmatch(r"[Rr][0-9]+,[Cc][0-9]+,[Ww].*", core):
        return "1-D"
    if (core[:1] in "Rr" and ascii_digits(core[1:2])) or re.fullmatch(r"[0-9]{1,18}(,[0-9]{1,18}){4}", core):
        return "HROT" if _is_hrot(core) else "Larger than Life"
    if core[:3].upper() == "MAP":
        is_generations = split_map_states(core) is not None
    else:
        is_generations = core.count("/") == 2 or re.fullmatch(r"[gG][0-9]{1,18}[bB].*", core) is not None
    return "Generations" if is_generations else "life-like"


def _is_hrot(core: str) -> bool:
    """HROT syntax (no ``..`` intervals), or Larger than Life's with a neighbourhood beyond box, diamond and disc."""
    upper = core.upper()
    if re.fullmatch(r"[0-9]{1,18}(,[0-9]{1,18}){4}", core):
        return False
    if ".." not in upper:
        return True
    hood = re.search(r",N(.)", upper)
    return hood is not None and hood[1] not in LTL_NEIGHBOURHOODS


class Placed(Protocol):
    """A rule as a reader gives it, its grid suffix still to set: every rule type keeps ``_grid`` in its
    ``__slots__`` or its ``__dict__`` (:class:`~lifelab.rules.base.RuleBase` only declares it)."""

    _grid: Grid | None


class SpelledType(Protocol):
    """A rule type a rulestring spells (every type but the rule tables, which are named): its ``kind`` (what
    :func:`spelled_kind` gives) and its reader of a rulestring's core."""

    kind: str

    def _from_core(self, core: str, text: str) -> Placed: ...


def _spelled(kind: type[RuleBase]) -> TypeGuard[SpelledType]:
    """Whether ``kind`` is read from a rulestring's core (it has a ``_from_core``)."""
    return hasattr(kind, "_from_core")


def read_rule(text, types: tuple[type[RuleBase], ...]):
    """Read a rule of one of ``types``, in any of Golly's spellings, or a registry name.

    A Golly ``.rule`` file's path, or a name no notation reads whose
    ``NAME.rule`` lies on :func:`~lifelab.rules.rulefiles.rule_search_path`,
    gives a :class:`~lifelab.rules.tables.TableRule` where ``types`` holds it.

    Args:
        text: The rulestring, with Golly's grid suffix if any.
        types: The rule types it may be: a type's own ``parse`` reads that type only.

    Raises:
        TypeError: For a non-string.
        InputError: Naming the bad part, or the type the spelling is when it is not one of ``types``.
    """
    s, entry = rulestring_of(text)
    if entry is not None:
        s = entry.rulestring
    core, grid = split_topology(s, text)
    if core.lower().endswith(".rule"):
        return _table_rule(load_rule_file(core), grid, types)
    try:
        kind = next((t for t in types if t.kind == spelled_kind(core)), None)
        if kind is None or not _spelled(kind):
            raise InputError(f"{text!r} is not a {types[0].kind} rule")
        rule = kind._from_core(core, text)
    except InputError as exc:
        path = find_rule_file(core) if TableRule in types else None
        if path is None:
            raise
        return _table_rule(load_rule_file(path), grid, types, exc)
    rule._grid = grid
    return rule


def _table_rule(
    rule: TableRule, grid: Grid | None, types: tuple[type[RuleBase], ...], error: Exception | None = None
) -> TableRule:
    if TableRule not in types:
        raise InputError(f"{rule.name!r} is a rule table, not a {types[0].kind} rule") from error
    rule._grid = grid
    return rule
