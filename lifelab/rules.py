"""One 2-state rule on the 3x3 neighbourhood, in every notation.

A rule is a 512-entry truth table: entry ``i`` is the next state of the centre
cell for the neighbourhood configuration ``i``, where ``i`` adds Golly's MAP
cell weights of the live cells::

    NW=256  N=128  NE=64
    W=32    C=16   E=8
    SW=4    S=2    SE=1

Every notation (``B3/S23``, ``B2/S013V``, ``B2/S34H``, legacy ``23/3``,
``MAP...``) is a view of that table, and two rules are equal when their tables
are.  ``str(rule)`` prints the simplest notation that describes the table
exactly.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from scipy.signal import correlate2d

from lifelab.patterns import CENTRE, MAP_WEIGHTS, N_PATTERNS, NEIGHBOURHOODS, counts

__all__ = [
    "NamedRule",
    "SeagullRule",
    "as_rule",
    "NotTotalisticError",
    "RULES",
    "Rule",
    "named_rules",
]

_SUFFIX = {"moore": "", "vonneumann": "V", "hexagonal": "H"}
_FAMILY_NAME = {"moore": "Moore", "vonneumann": "von Neumann", "hexagonal": "hexagonal"}
_BASE64_CHARS = re.compile(r"^[A-Za-z0-9+/]*$")
_HENSEL_LETTERS = set("cekainyqjrtwz-")


class NotTotalisticError(ValueError):
    """Raised when a B/S view is asked of a rule that has none."""


def _table_from_bs(birth: Iterable[int], survival: Iterable[int], neighbourhood: str) -> np.ndarray:
    live = counts(neighbourhood)
    return np.where(CENTRE, np.isin(live, list(survival)), np.isin(live, list(birth)))


def _totalistic_view(table: np.ndarray, neighbourhood: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Return (birth, survival) if ``table`` is outer-totalistic on ``neighbourhood``."""
    live = counts(neighbourhood)
    birth, survival = [], []
    for centre, found in ((False, birth), (True, survival)):
        for count in range(int(NEIGHBOURHOODS[neighbourhood].sum()) + 1):
            values = table[(live == count) & (CENTRE == centre)]
            if values.min() != values.max():
                return None
            if values[0]:
                found.append(count)
    return tuple(birth), tuple(survival)


@dataclass(frozen=True)
class NamedRule:
    """An entry of the registry of named rules.

    Attributes:
        name: The usual name (Golly / LifeWiki), e.g. ``"HighLife"``.
        rulestring: The rule in canonical notation, e.g. ``"B36/S23"``.
        description: One line on what the rule does.
        studied: True for the nine rules the research programme studies (``lifelab rules --studied``).
    """

    name: str
    rulestring: str
    description: str
    studied: bool = False

    @property
    def rule(self) -> Rule:
        """The rule itself."""
        if self.rulestring.startswith("MAP"):
            return Rule._parse_map(self.rulestring[3:], self.rulestring)
        return Rule._parse_bs(self.rulestring, self.rulestring)


def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


class Rule:
    """A 2-state cellular-automaton rule on the 3x3 neighbourhood.

    Build one with :meth:`Rule.parse` (any notation or a registry name),
    :meth:`Rule.from_table` or :meth:`Rule.from_bs`.  Rules are immutable,
    hashable, and equal when their truth tables are equal.
    """

    __slots__ = ("_table", "_views")

    def __init__(self, table: np.ndarray):
        """Wrap a validated 512-entry table; prefer :meth:`from_table`."""
        table = np.array(table, dtype=bool).reshape(N_PATTERNS)
        table.setflags(write=False)
        self._table = table
        self._views: dict[str, tuple[tuple[int, ...], tuple[int, ...]] | None] = {}

    # ---- construction -------------------------------------------------
    @classmethod
    def from_table(cls, table) -> Rule:
        """Build a rule from its 512-entry truth table.

        Args:
            table: Array-like of 512 booleans or 0/1 integers, indexed by the
                MAP configuration number.

        Returns:
            The rule.

        Raises:
            TypeError: If ``table`` is not array-like of numbers or booleans.
            ValueError: If it does not have 512 entries or holds values other
                than 0 and 1.
        """
        if isinstance(table, (str, bytes)):
            raise TypeError("table must be an array of 512 booleans, not a string (use Rule.parse)")
        try:
            arr = np.asarray(table)
        except Exception as exc:  # ragged sequences and the like
            raise TypeError(f"table must be an array of 512 booleans: {exc}") from exc
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"table must hold booleans or 0/1 numbers, got dtype {arr.dtype}")
        if arr.size != N_PATTERNS:
            raise ValueError(f"table must have {N_PATTERNS} entries (one per 3x3 configuration), got {arr.size}")
        if arr.dtype != bool and not np.isin(arr, (0, 1)).all():
            bad = arr.ravel()[~np.isin(arr.ravel(), (0, 1))][0]
            raise ValueError(f"table entries must be 0 or 1, found {bad!r}")
        return cls(arr.reshape(N_PATTERNS).astype(bool))

    @classmethod
    def from_bs(cls, birth: Iterable[int], survival: Iterable[int], neighbourhood: str = "moore") -> Rule:
        """Build an outer-totalistic rule from birth and survival counts.

        Args:
            birth: Neighbour counts at which a dead cell comes alive.
            survival: Neighbour counts at which a live cell stays alive.
            neighbourhood: ``"moore"`` (counts 0-8), ``"vonneumann"`` (0-4)
                or ``"hexagonal"`` (0-6).

        Returns:
            The rule.

        Raises:
            ValueError: If the neighbourhood is unknown or a count is out of range.
        """
        if neighbourhood not in NEIGHBOURHOODS:
            raise ValueError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
        top = int(NEIGHBOURHOODS[neighbourhood].sum())
        for part, counts in (("birth", birth), ("survival", survival)):
            counts = list(counts)
            for c in counts:
                if isinstance(c, bool) or not isinstance(c, (int, np.integer)):
                    raise TypeError(f"{part} counts must be integers, got {c!r}")
                if not 0 <= c <= top:
                    raise ValueError(
                        f"{part} digit {c} is out of range 0-{top} for a {_FAMILY_NAME[neighbourhood]} rule"
                    )
        return cls(_table_from_bs(list(birth), list(survival), neighbourhood))

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Parse a rule in any supported notation, or a registry name.

        Accepted: ``B3/S23`` (any case), ``S23/B3``, legacy S/B ``23/3``, the
        von Neumann suffix ``V`` (``B2/S013V``, counts 0-4), the hexagonal
        suffix ``H`` (``B2/S34H``, counts 0-6), Golly ``MAP`` strings (86
        base64 characters, with or without the trailing ``==``), and the names
        in :data:`RULES` (``"HighLife"``, ``"Day & Night"``, ...).

        Args:
            text: The rulestring or name.

        Returns:
            The rule.

        Raises:
            TypeError: If ``text`` is not a string.
            ValueError: If ``text`` is not a valid rule; the message names the
                offending part.
        """
        if isinstance(text, Rule):
            return text
        if not isinstance(text, str):
            raise TypeError(f"rulestring must be a str, got {type(text).__name__}")
        s = text.strip()
        if not s:
            raise ValueError("empty rulestring")
        named = _BY_NAME.get(_normalise_name(s))
        if named is not None:
            return named.rule
        if s[:3].upper() == "MAP":
            return cls._parse_map(s[3:], text)
        return cls._parse_bs(s, text)

    @classmethod
    def _parse_map(cls, body: str, text: str) -> Rule:
        body = body[:-2] if body.endswith("==") else body
        if not _BASE64_CHARS.match(body):
            bad = next(ch for ch in body if not _BASE64_CHARS.match(ch))
            raise ValueError(f"MAP rule {text!r} has character {bad!r} outside the base64 alphabet")
        if len(body) != 86:
            raise ValueError(f"MAP rule must have 86 base64 characters after 'MAP', got {len(body)}")
        try:
            raw = base64.b64decode(body + "==", validate=True)
        except binascii.Error as exc:
            raise ValueError(f"MAP rule {text!r} is not valid base64: {exc}") from exc
        table = np.unpackbits(np.frombuffer(raw, dtype=np.uint8))[:N_PATTERNS].astype(bool)
        rule = cls(table)
        if rule.to_map() != "MAP" + body:
            raise ValueError(f"MAP rule {text!r}: the last character has stray bits beyond the 512 entries")
        return rule

    @classmethod
    def _parse_bs(cls, s: str, text: str) -> Rule:
        neighbourhood = "moore"
        if s[-1] in "VvHh":
            neighbourhood = "vonneumann" if s[-1] in "Vv" else "hexagonal"
            s = s[:-1]
        parts = s.split("/")
        if len(parts) == 1:
            raise ValueError(
                f"{text!r} is neither a known rule name nor a rulestring: expected B/S notation such as "
                "'B3/S23', a MAP string, or a name such as 'HighLife'"
            )
        if len(parts) != 2:
            raise ValueError(
                f"rulestring {text!r} has {len(parts)} '/'-separated parts; a 2-state rule has exactly two "
                "(birth/survival), e.g. 'B3/S23'"
            )
        left, right = parts
        lu, ru = left[:1].upper(), right[:1].upper()
        if lu == "B" and ru == "S":
            birth, survival = left[1:], right[1:]
        elif lu == "S" and ru == "B":
            survival, birth = left[1:], right[1:]
        elif {lu, ru} & {"B", "S"}:
            raise ValueError(f"rulestring {text!r} must name one part 'B' (birth) and the other 'S' (survival)")
        else:
            survival, birth = left, right  # legacy S/B order, as Golly reads '23/3'
        top = int(NEIGHBOURHOODS[neighbourhood].sum())
        counts = {}
        for part, digits in (("birth", birth), ("survival", survival)):
            found = []
            for ch in digits:
                if ch not in "0123456789":
                    if ch.lower() in _HENSEL_LETTERS:
                        raise ValueError(
                            f"{part} part {digits!r} of {text!r} uses isotropic non-totalistic (Hensel) notation, "
                            "which is not supported; give the rule as a MAP string"
                        )
                    raise ValueError(f"unexpected character {ch!r} in {part} part {digits!r} of {text!r}")
                value = int(ch)
                if value > top:
                    raise ValueError(
                        f"{part} digit {value} is out of range 0-{top} for a {_FAMILY_NAME[neighbourhood]} rule"
                    )
                found.append(value)
            counts[part] = found
        return cls(_table_from_bs(counts["birth"], counts["survival"], neighbourhood))

    # ---- views --------------------------------------------------------
    @property
    def table(self) -> np.ndarray:
        """The read-only (512,) bool truth table, indexed by MAP configuration."""
        return self._table

    def _view(self, neighbourhood: str):
        if neighbourhood not in self._views:
            self._views[neighbourhood] = _totalistic_view(self._table, neighbourhood)
        return self._views[neighbourhood]

    @property
    def neighbourhood(self) -> str:
        """The simplest outer-totalistic family: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.

        Raises:
            NotTotalisticError: If the rule is not outer-totalistic on any of them.
        """
        for name in NEIGHBOURHOODS:
            if self._view(name) is not None:
                return name
        raise NotTotalisticError(
            f"{self} is not outer-totalistic on the Moore, von Neumann or hexagonal neighbourhood; "
            "it has no birth/survival view (use rule.table)"
        )

    @property
    def is_totalistic(self) -> bool:
        """True when the rule has a B/S view on some neighbourhood."""
        return any(self._view(name) is not None for name in NEIGHBOURHOODS)

    @property
    def birth(self) -> tuple[int, ...]:
        """Neighbour counts at which a dead cell is born (outer-totalistic rules only)."""
        return self._view(self.neighbourhood)[0]

    @property
    def survival(self) -> tuple[int, ...]:
        """Neighbour counts at which a live cell survives (outer-totalistic rules only)."""
        return self._view(self.neighbourhood)[1]

    @property
    def kernel(self) -> np.ndarray:
        """The 3x3 neighbour-count kernel of the rule's neighbourhood (outer-totalistic rules only)."""
        return NEIGHBOURHOODS[self.neighbourhood].copy()

    @property
    def name(self) -> str | None:
        """The registry name of this rule, or None if it has none."""
        entry = _BY_TABLE.get(self._table.tobytes())
        return entry.name if entry else None

    def to_map(self) -> str:
        """Golly's MAP notation: ``"MAP"`` and 86 base64 characters of the 512 bits."""
        return "MAP" + base64.b64encode(np.packbits(self._table).tobytes()).decode("ascii")[:86]

    def to_bs(self, neighbourhood: str | None = None) -> str:
        """The B/S rulestring, e.g. ``"B36/S23"`` or ``"B2/S013V"``.

        Args:
            neighbourhood: Force a family (``"moore"``, ``"vonneumann"``,
                ``"hexagonal"``); by default the simplest one that fits.

        Raises:
            NotTotalisticError: If the rule has no B/S view on that neighbourhood.
        """
        neighbourhood = neighbourhood or self.neighbourhood
        if neighbourhood not in NEIGHBOURHOODS:
            raise ValueError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
        view = self._view(neighbourhood)
        if view is None:
            raise NotTotalisticError(f"{self} is not outer-totalistic on the {_FAMILY_NAME[neighbourhood]} neighbourhood")
        birth, survival = view
        return "B{}/S{}{}".format("".join(map(str, birth)), "".join(map(str, survival)), _SUFFIX[neighbourhood])

    def seagull_rule(self) -> SeagullRule:
        """A callable for ``seagull.Simulator(board).run(fn, iters=N)``.

        The callable computes the next board by convolution, as seagull does:
        a neighbour-count kernel plus birth/survival lookup for outer-totalistic
        rules, the MAP weight kernel plus table lookup for any other rule.
        """
        return SeagullRule(self)

    # ---- dunder ---------------------------------------------------------
    def __str__(self) -> str:
        return self.to_bs() if self.is_totalistic else self.to_map()

    def __repr__(self) -> str:
        return f"Rule({str(self)!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return bool(np.array_equal(self._table, other._table))

    def __hash__(self) -> int:
        return hash(self._table.tobytes())

    def __reduce__(self):
        return (Rule.from_table, (self._table.copy(),))


def as_rule(rule: Rule | str) -> Rule:
    """Return ``rule`` as a :class:`Rule`, parsing strings and names.

    Raises:
        TypeError: If ``rule`` is neither a Rule nor a string.
        ValueError: If the string is not a valid rule.
    """
    if isinstance(rule, Rule):
        return rule
    if isinstance(rule, str):
        return Rule.parse(rule)
    raise TypeError(f"rule must be a Rule or a rulestring, got {type(rule).__name__}")


class SeagullRule:
    """A rule in kernel form, callable by ``seagull.Simulator.run``.

    seagull counts neighbours by convolution; this does the same for any
    :class:`Rule`: an outer-totalistic rule becomes its neighbour-count kernel
    (Moore, von Neumann or hexagonal) plus birth/survival lookup tables, any
    other rule the MAP weight kernel plus its 512-entry table.

    Attributes:
        rule: The rule.
        kernel: The 3x3 integer kernel correlated with the board (periodic).
        lookup: ``(2, K)`` bool array: ``lookup[state, value]`` is the next
            state of a cell in ``state`` whose kernel value is ``value``.
    """

    def __init__(self, rule: Rule | str):
        """Build the kernel form of ``rule`` (a Rule or a rulestring)."""
        self.rule = as_rule(rule)
        if self.rule.is_totalistic:
            self.kernel = self.rule.kernel
            top = int(self.kernel.sum())
            self.lookup = np.zeros((2, top + 1), dtype=bool)
            self.lookup[0, list(self.rule.birth)] = True
            self.lookup[1, list(self.rule.survival)] = True
        else:
            self.kernel = MAP_WEIGHTS.copy()
            # The MAP index already includes the centre, so both rows are the table.
            self.lookup = np.stack([self.rule.table, self.rule.table])

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """One step of the rule on a 2-D 0/1 board with periodic boundary."""
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"seagull boards are 2-D, got shape {X.shape}")
        state = X.astype(np.int64)
        values = correlate2d(state, self.kernel, mode="same", boundary="wrap")
        return self.lookup[state, values]

    def __repr__(self) -> str:
        return f"SeagullRule({str(self.rule)!r})"


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
    ("Chiral Life", "MAPARQXfhZofugWaH7oaIDogBYofuhogOiAaIDogAAAgAAWaH7oSIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA",
     "Life without birth on one hook of 3 and its turns: symmetric under rotations, not mirrors (p4)", False),
]

RULES: dict[str, NamedRule] = {
    name: NamedRule(name, rulestring, description, studied)
    for name, rulestring, description, studied in _REGISTRY_DATA
}
"""The registry of named rules, by name."""

_ALIASES = {"conway": "Life", "gameoflife": "Life", "conwayslife": "Life", "move": "Morley", "vote": "Majority"}
_BY_NAME = {_normalise_name(name): entry for name, entry in RULES.items()}
_BY_NAME.update({alias: RULES[target] for alias, target in _ALIASES.items()})
_BY_TABLE = {entry.rule.table.tobytes(): entry for entry in RULES.values()}


def named_rules(studied_only: bool = False) -> list[NamedRule]:
    """The registry entries, in registry order.

    Args:
        studied_only: Only the nine rules of the research programme.

    Returns:
        A list of :class:`NamedRule`.
    """
    return [entry for entry in RULES.values() if entry.studied or not studied_only]
