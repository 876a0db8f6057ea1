"""The registry of named rules: Golly's and LifeWiki's names for Life-like, Generations and Larger than Life rules."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol, Self

from lifelab.errors import InputError, InputTypeError

__all__ = ["RULES", "NamedRule", "named_rule", "named_rules"]


@dataclass(frozen=True)
class NamedRule:
    """An entry of the registry of named rules.

    Attributes:
        name: The usual name (Golly / LifeWiki), e.g. ``"HighLife"``.
        rulestring: The rule in canonical notation, e.g. ``"B36/S23"``.
        description: One line on what the rule does.
        studied: True for the nine rules the research programme studies (``lifelab rules --studied``).
        kind: ``"life-like"`` (a :class:`~lifelab.rules.Rule`), ``"Generations"`` or ``"Larger than Life"``
            (the ``kind`` of the rule's type).
    """

    name: str
    rulestring: str
    description: str
    studied: bool = False
    kind: str = "life-like"

    @property
    def rule(self):
        """The rule itself, of whichever type its kind is."""
        from lifelab.rules.parse import parse_rule  # parse_rule reads names through this registry

        return parse_rule(self.rulestring)


def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


_REGISTRY_DATA = [
    # (name, rulestring, description, one of the nine rules the research programme studies)
    ("Life", "B3/S23", "Conway's Game of Life", True),
    ("HighLife", "B36/S23", "like Life, but has a self-replicator", True),
    ("Day & Night", "B3678/S34678", "dead cells in live regions act like live cells in dead regions", True),
    ("Diamoeba", "B35678/S5678", "unpredictable diamond-shaped blobs", True),
    ("Seeds", "B2/S", "every live cell dies each step, yet it often explodes", True),
    ("Serviettes", "B234/S", "a single 2x2 grows into a Persian rug", True),
    ("Long Life", "B345/S5", "oscillators of very long period arise naturally", True),
    ("B13/S012V", "B13/S012V", "von Neumann rule from the research notes", True),
    ("B2/S013V", "B2/S013V", "von Neumann rule from the research notes", True),
    ("Life without Death", "B3/S012345678", "nothing dies; ladders and chaotic growth", False),
    ("Maze", "B3/S12345", "grows maze-like corridors", False),
    ("Mazectric", "B3/S1234", "maze with long straight corridors", False),
    ("Replicator", "B1357/S1357", "every pattern is copied many times over", False),
    ("Fredkin", "B1357/S02468", "every pattern replicates; parity rule", False),
    ("2x2", "B36/S125", "patterns made of 2x2 blocks behave like a coarser Life", False),
    ("Morley", "B368/S245", "also called Move; rich in spaceships", False),
    ("34 Life", "B34/S34", "explosive; many small oscillators", False),
    ("Amoeba", "B357/S1358", "chaotic blobs with a stable boundary", False),
    ("Assimilation", "B345/S4567", "diamond-shaped growth that fills in", False),
    ("Coagulations", "B378/S235678", "expanding blobs that coagulate", False),
    ("Coral", "B3/S45678", "slow coral-like growth", False),
    ("DryLife", "B37/S23", "Life with extra birth on 7; has a small replicator", False),
    ("Gnarl", "B1/S1", "single cell grows into gnarled fractal structures", False),
    ("Live Free or Die", "B2/S0", "only isolated cells survive", False),
    ("Pseudo Life", "B357/S238", "behaves much like Life at a glance", False),
    ("Stains", "B3678/S235678", "patterns grow into stable stains", False),
    ("Walled Cities", "B45678/S2345", "walls enclose active cities", False),
    ("Anneal", "B4678/S35678", "twisted majority vote; boundaries anneal", False),
    ("Majority", "B5678/S45678", "majority vote; domains form and freeze", False),
    ("Bugs", "B3567/S15678", "bug-shaped moving blobs", False),
    ("Flock", "B3/S12", "small birds that flock and die out", False),
    # lifelab's own example of a rule with less symmetry than p4m (not a Golly rule): Life, except
    # that a dead cell whose live neighbours are exactly N, E and SE (MAP 14), or a quarter turn of
    # that hook (137, 224, 290), stays dead; the mirror-image hooks are still born.
    (
        "Chiral Life",
        "MAPARQXfhZofugWaH7oaIDogBYofuhogOiAaIDogAAAgAAWaH7oSIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA",
        "Life without birth on one hook of 3 and its turns: symmetric under rotations, not mirrors (p4)",
        False,
    ),
]

# Golly's named Generations rules (Help/Algorithms/Generations.html), survival/birth/states.
_GENERATIONS_DATA = [
    ("Brian's Brain", "/2/3", "chaotic; every live cell dies at once through a refractory state"),
    ("Star Wars", "345/2/4", "exploding; starships on a background of decaying debris"),
    ("Banners", "2367/3457/5", "exploding rule by Mirek Wojtowicz"),
    ("Bloomerang", "234/34678/24", "expanding rule by John Elliott"),
    ("Caterpillars", "124567/378/4", "chaotic rule by Mirek Wojtowicz"),
    ("Cooties", "23/2/8", "exploding rule by Rudy Rucker"),
    ("Fireworks", "2/13/21", "exploding rule by John Elliott"),
    ("Frogs", "12/34/3", "chaotic rule by Scott Robert Ladd"),
    ("Lava", "12345/45678/8", "expanding rule by Mirek Wojtowicz"),
    ("Lines", "012345/458/3", "stable rule by Anders Starmark"),
    ("Sticks", "3456/2/6", "exploding rule by Rudy Rucker"),
    ("Transers", "345/26/5", "exploding rule by John Elliott"),
    ("Xtasy", "1456/2356/16", "exploding rule by John Elliott"),
]

# Golly's named Larger than Life rules (Help/Algorithms/Larger_than_Life.html).
_LTL_DATA = [
    ("Bosco's Rule", "R5,C0,M1,S34..58,B34..45,NM", "chaotic; home of Bosco, a period-166 oscillator (Kellie Evans)"),
    ("Bugsmovie", "R10,C0,M1,S123..212,B123..170,NM", "chaotic rule by David Griffeath"),
    ("Globe", "R8,C0,M0,S163..223,B74..252,NM", "expanding rule by Mirek Wojtowicz"),
    ("LtL Majority", "R4,C0,M1,S41..81,B41..81,NM", "stable majority vote at range 4 (David Griffeath)"),
    ("Majorly", "R7,C0,M1,S113..225,B113..225,NM", "expanding rule by David Griffeath"),
    ("Waffle", "R7,C0,M1,S100..200,B75..170,NM", "expanding rule by Kellie Evans"),
]

RULES: dict[str, NamedRule] = {
    **{
        name: NamedRule(name, rulestring, description, studied)
        for name, rulestring, description, studied in _REGISTRY_DATA
    },
    **{
        name: NamedRule(name, rulestring, description, False, "Generations")
        for name, rulestring, description in _GENERATIONS_DATA
    },
    **{
        name: NamedRule(name, rulestring, description, False, "Larger than Life")
        for name, rulestring, description in _LTL_DATA
    },
}
"""The registry of named rules, by name."""

_ALIASES = {"conway": "Life", "gameoflife": "Life", "conwayslife": "Life", "move": "Morley", "vote": "Majority"}
_BY_NAME = {_normalise_name(name): entry for name, entry in RULES.items()}
_BY_NAME.update({alias: RULES[target] for alias, target in _ALIASES.items()})


def named_rule(name: str) -> NamedRule | None:
    """The registry entry a name (or alias) refers to, any kind; None if there is none.

    Names match loosely: case, spaces and punctuation are ignored (``"day and night"`` finds Day & Night).
    """
    return _BY_NAME.get(_normalise_name(name)) if isinstance(name, str) else None


def named_rules(studied_only: bool = False, kind: str | None = "life-like") -> list[NamedRule]:
    """The registry entries, in registry order.

    Args:
        studied_only: Only the nine rules of the research programme.
        kind: ``"life-like"`` (2-state 3x3 rules, the default), ``"Generations"``,
            ``"Larger than Life"``, or None for every kind.

    Returns:
        A list of :class:`NamedRule`.
    """
    return [
        entry
        for entry in RULES.values()
        if (entry.studied or not studied_only) and (kind is None or entry.kind == kind)
    ]


def rulestring_of(text) -> tuple[str, NamedRule | None]:
    """A rulestring as given, stripped, and the registry entry it names (None if it is no name).

    Raises:
        TypeError: For a non-string.
        InputError: For an empty string.
    """
    if not isinstance(text, str):
        raise InputTypeError(f"rulestring must be a str, got {type(text).__name__}")
    s = text.strip()
    if not s:
        raise InputError("empty rulestring")
    return s, named_rule(s)


class Registered(Protocol):
    """A rule whose type the registry names rules of: the type's ``kind`` (a :attr:`NamedRule.kind`) and its
    ``parse``."""

    kind: str

    @classmethod
    def parse(cls, text: str) -> Self: ...


def registered_name(rule: Registered) -> str | None:
    """The registry name of a rule (its type has a ``kind`` and a ``parse``), or None."""
    return _names(type(rule)).get(rule)


@functools.cache
def _names(rule_type: type[Registered]) -> dict[Registered, str]:
    return {rule_type.parse(entry.rulestring): entry.name for entry in named_rules(kind=rule_type.kind)}
