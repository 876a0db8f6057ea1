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
import functools
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import (
    CENTRE,
    LETTERS,
    MAP_WEIGHTS,
    N_PATTERNS,
    NEIGHBOURHOODS,
    WINDOW,
    counts,
    parse_hensel,
    pattern_index,
    table_from_hensel,
    to_hensel,
)
from lifelab.utils import ascii_digits

__all__ = [
    "NamedRule",
    "named_rule",
    "SeagullRule",
    "as_rule",
    "NotTotalisticError",
    "RULES",
    "Rule",
    "named_rules",
]

_SUFFIX = {"moore": "", "vonneumann": "V", "hexagonal": "H"}
_FAMILY_NAME = {"moore": "Moore", "vonneumann": "von Neumann", "hexagonal": "hexagonal"}
_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/]*")


class NotTotalisticError(InputError):
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
class Grid:
    """Golly's bounded grid, the suffix of a rulestring: a torus ``:Tw,h`` or a bounded plane ``:Pw,h``.

    On a torus the edges wrap around; on a bounded plane every cell outside
    is dead, always.  It is not part of a rule's identity (two rules that
    differ only in their grid are equal).

    Attributes:
        kind: ``"T"`` (torus) or ``"P"`` (bounded plane).
        width: Cells across.
        height: Cells down.
    """

    kind: str
    width: int
    height: int

    @property
    def boundary(self) -> str:
        """The boundary it gives simulation and evidence: ``"torus"`` or ``"dead"``."""
        return "torus" if self.kind == "T" else "dead"

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``, the shape of a board on it."""
        return self.height, self.width

    def __str__(self) -> str:
        return f":{self.kind}{self.width},{self.height}"


class OnGrid:
    """What every rule family shares about its grid suffix (``:Tw,h``, ``:Pw,h``), kept in ``_grid``."""

    __slots__ = ()

    @property
    def grid(self) -> Grid | None:
        """The bounded grid a ``:Tw,h`` or ``:Pw,h`` suffix asked for, or None (it is not part of equality)."""
        return self._grid

    @property
    def torus(self) -> tuple[int, int] | None:
        """``(width, height)`` of the torus a ``:Tw,h`` suffix asked for, or None."""
        return None if self._grid is None or self._grid.kind != "T" else (self._grid.width, self._grid.height)


def split_topology(s: str, text: str) -> tuple[str, Grid | None]:
    """Split Golly's bounded-grid suffix off a rulestring.

    Args:
        s: The rulestring.
        text: The whole string, for messages.

    Returns:
        ``(rule part, grid)``: ``grid`` is a :class:`Grid` for ``:Tw,h`` or
        ``:Pw,h`` (``:Tn``, ``:Pn`` are square), else None.

    Raises:
        InputError: For another topology (Golly's Klein bottle, cross-surface, sphere), an unbounded side
            (``:P0,h``) or a malformed size.
    """
    if ":" not in s:
        return s, None
    core, suffix = s.split(":", 1)
    match = re.fullmatch(r"([TtPp])([0-9]{1,18})(?:,([0-9]{1,18}))?", suffix)
    if match is None:
        if suffix[:1].upper() in "KCS":
            raise InputError(f"{text!r}: the topology {suffix!r} is not supported; lifelab simulates on a torus "
                             "(':Tw,h') or a bounded plane (':Pw,h')")
        raise InputError(f"{text!r}: malformed grid suffix {suffix!r}; expected ':Tw,h' (a w by h torus) or "
                         "':Pw,h' (a bounded plane)")
    kind = match[1].upper()
    width = int(match[2])
    height = int(match[3]) if match[3] is not None else width
    if width < 1 or height < 1:
        what = "a torus" if kind == "T" else "a bounded plane"
        raise InputError(f"{text!r}: {what} needs a positive width and height (an unbounded side is not "
                         f"supported), got {width}x{height}")
    return core, Grid(kind, width, height)


def split_map_states(core: str) -> tuple[str, int] | None:
    """Split ``MAP<base64>/<states>`` (a Generations rule on a MAP table) into the MAP and the states, else None.

    The base64 alphabet has ``/`` in it, so the split is the last ``/`` with
    digits after it and a MAP of a valid length before it.
    """
    match = re.fullmatch(r"(MAP[A-Za-z0-9+/]+?(?:==)?)/([0-9]{1,18})", core, re.IGNORECASE)
    if match is None or len(match[1][3:].removesuffix("==")) not in _MAP_LENGTHS:
        return None
    return match[1], int(match[2])


def split_bs(core: str, text: str) -> tuple[str, str, str]:
    """Split a B/S rulestring into its birth part, survival part and neighbourhood.

    Accepts ``B3/S23``, ``B3S23``, ``S23/B3``, legacy ``23/3`` (survival first), and a final ``V`` or ``H``;
    an underscore for the slash in a rule with Hensel letters (``B3_S23-a4ei6``), as Golly does (its
    file names cannot hold a slash), but not in a totalistic one.

    Returns:
        ``(birth, survival, neighbourhood)``: the counts and letters of each part.

    Raises:
        ValueError: For a string that is not of this form.
    """
    if "_" in core:
        if not re.search(r"[a-zA-Z]", re.sub(r"^[BbSs]|_[BbSs]|[VvHh]$", "", core)):
            raise InputError(f"{text!r}: an underscore is valid only in non-totalistic (Hensel) rules, as in Golly; "
                             "use a slash")
        core = core.replace("_", "/", 1)
    neighbourhood = "moore"
    if core and core[-1] in "VvHh":
        neighbourhood = "vonneumann" if core[-1] in "Vv" else "hexagonal"
        core = core[:-1]
    joined = re.fullmatch(r"[Bb]([^/Ss]*)[Ss]([^/]*)", core)
    if joined:
        return joined[1], joined[2], neighbourhood
    parts = core.split("/")
    if len(parts) == 1:
        raise InputError(f"{text!r} is neither a known rule name nor a rulestring: expected B/S notation such as "
                         "'B3/S23', a MAP string, or a name such as 'HighLife'")
    if len(parts) != 2:
        raise InputError(f"{text!r} is not a B/S rulestring: expected one '/' between birth and survival, as in "
                         "'B3/S23'")
    left, right = parts
    lu, ru = left[:1].upper(), right[:1].upper()
    if lu == "B" and ru == "S":
        return left[1:], right[1:], neighbourhood
    if lu == "S" and ru == "B":
        return right[1:], left[1:], neighbourhood
    if {lu, ru} & {"B", "S"}:
        raise InputError(f"rulestring {text!r} must name one part 'B' (birth) and the other 'S' (survival)")
    return right, left, neighbourhood  # legacy S/B order, as Golly reads '23/3'


def bs_table(birth: str, survival: str, neighbourhood: str, text: str) -> np.ndarray:
    """The 512-entry table of birth and survival parts (digits, and Hensel letters on the Moore neighbourhood).

    Raises:
        ValueError: Naming the out-of-range digit, the unknown character or the letter that does not exist.
    """
    if neighbourhood == "moore" and any(ch in LETTERS or ch == "-" for ch in birth + survival):
        return table_from_hensel(parse_hensel(birth, "birth", text), parse_hensel(survival, "survival", text))
    top = int(NEIGHBOURHOODS[neighbourhood].sum())
    found = {}
    for part, digits in (("birth", birth), ("survival", survival)):
        values = []
        for ch in digits:
            if ch not in "0123456789":
                if ch in LETTERS or ch == "-":
                    raise InputError(f"{part} part {digits!r} of {text!r} uses Hensel letters, which Golly defines "
                                     f"on the Moore neighbourhood only, not the {_FAMILY_NAME[neighbourhood]} one")
                raise InputError(f"unexpected character {ch!r} in {part} part {digits!r} of {text!r}")
            if int(ch) > top:
                raise InputError(f"{part} digit {ch} is out of range 0-{top} for a {_FAMILY_NAME[neighbourhood]} rule")
            values.append(int(ch))
        found[part] = values
    return _table_from_bs(found["birth"], found["survival"], neighbourhood)


#: The cells (MAP weights) each MAP length addresses, most significant first, as Golly's ``neighbormask``.
_MAP_MASKS = {"moore": 0x1FF, "hexagonal": 0x1BB, "vonneumann": 0xBA}
_MAP_LENGTHS = {86: "moore", 22: "hexagonal", 6: "vonneumann"}


def _map_cells(neighbourhood: str) -> list[int]:
    return [bit for bit in range(8, -1, -1) if _MAP_MASKS[neighbourhood] >> bit & 1]


@functools.cache
def _map_index(neighbourhood: str) -> np.ndarray:
    """For each of the 512 patterns, its entry in the MAP bit string of a neighbourhood (Golly's ``k``)."""
    cells = _map_cells(neighbourhood)
    index = np.zeros(N_PATTERNS, dtype=np.int64)
    for position, bit in enumerate(cells):
        index |= ((np.arange(N_PATTERNS) >> bit) & 1) << (len(cells) - 1 - position)
    index.flags.writeable = False
    return index


@dataclass(frozen=True)
class NamedRule:
    """An entry of the registry of named rules.

    Attributes:
        name: The usual name (Golly / LifeWiki), e.g. ``"HighLife"``.
        rulestring: The rule in canonical notation, e.g. ``"B36/S23"``.
        description: One line on what the rule does.
        studied: True for the nine rules the research programme studies (``lifelab rules --studied``).
        kind: ``"life-like"`` (a :class:`Rule`), ``"Generations"`` or ``"Larger than Life"``
            (see :func:`lifelab.rules.families.parse_rule`).
    """

    name: str
    rulestring: str
    description: str
    studied: bool = False
    kind: str = "life-like"

    @property
    def rule(self) -> Rule:
        """The rule itself (Life-like entries; the others are :func:`lifelab.rules.families.parse_rule`'s)."""
        if self.kind != "life-like":
            raise InputError(f"{self.name!r} is a {self.kind} rule; parse it with lifelab.rules.families.parse_rule")
        return Rule._parse_notation(self.rulestring, self.rulestring)


def _normalise_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


class Rule(OnGrid):
    """A 2-state cellular-automaton rule on the 3x3 neighbourhood.

    Build one with :meth:`Rule.parse` (any notation or a registry name),
    :meth:`Rule.from_table` or :meth:`Rule.from_bs`.  Rules are immutable,
    hashable, and equal when their truth tables are equal.
    """

    __slots__ = ("_table", "_views", "_grid")

    def __init__(self, table: np.ndarray):
        """Wrap a validated 512-entry table; prefer :meth:`from_table`."""
        table = np.array(table, dtype=bool).reshape(N_PATTERNS)
        table.setflags(write=False)
        self._table = table
        self._views: dict[str, tuple[tuple[int, ...], tuple[int, ...]] | None] = {}
        self._grid: Grid | None = None

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
            raise InputTypeError("table must be an array of 512 booleans, not a string (use Rule.parse)")
        try:
            arr = np.asarray(table)
        except Exception as exc:  # ragged sequences and the like
            raise InputTypeError(f"table must be an array of 512 booleans: {exc}") from exc
        if arr.dtype.kind not in "biuf":
            raise InputTypeError(f"table must hold booleans or 0/1 numbers, got dtype {arr.dtype}")
        if arr.size != N_PATTERNS:
            raise InputError(f"table must have {N_PATTERNS} entries (one per 3x3 configuration), got {arr.size}")
        if arr.dtype != bool and not np.isin(arr, (0, 1)).all():
            bad = arr.ravel()[~np.isin(arr.ravel(), (0, 1))][0]
            raise InputError(f"table entries must be 0 or 1, found {bad!r}")
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
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
        top = int(NEIGHBOURHOODS[neighbourhood].sum())
        birth, survival = list(birth), list(survival)  # iterables are read once
        for part, given in (("birth", birth), ("survival", survival)):
            for c in given:
                if isinstance(c, bool) or not isinstance(c, (int, np.integer)):
                    raise InputTypeError(f"{part} counts must be integers, got {c!r}")
                if not 0 <= c <= top:
                    raise InputError(
                        f"{part} digit {c} is out of range 0-{top} for a {_FAMILY_NAME[neighbourhood]} rule"
                    )
        return cls(_table_from_bs(birth, survival, neighbourhood))

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Parse a 2-state 3x3 rule in any notation Golly accepts, or a registry name.

        Accepted: ``B3/S23`` (any case, ``B3S23`` without the slash),
        ``S23/B3``, legacy S/B ``23/3``, the von Neumann suffix ``V``
        (``B2/S013V``, counts 0-4), the hexagonal suffix ``H`` (``B2/S34H``,
        counts 0-6), Hensel's isotropic non-totalistic letters on the Moore
        neighbourhood (``B2-a/S12``, ``B34ek/S2-i3``, letters in any order,
        ``-`` for "all but"), Golly ``MAP`` strings (86 base64 characters for
        the Moore neighbourhood, 22 hexagonal, 6 von Neumann; the trailing
        ``==`` optional), Golly's torus suffix ``:Tw,h`` (kept as
        :attr:`torus`), and the names in :data:`RULES`.

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
            raise InputTypeError(f"rulestring must be a str, got {type(text).__name__}")
        s = text.strip()
        if not s:
            raise InputError("empty rulestring")
        named = _BY_NAME.get(_normalise_name(s))
        if named is not None:
            if named.kind != "life-like":
                raise InputError(f"{named.name!r} is a {named.kind} rule ({named.rulestring}); parse it with "
                                 "lifelab.rules.families.parse_rule")
            return named.rule
        return cls._parse_notation(s, text)

    @classmethod
    def _parse_notation(cls, s: str, text: str) -> Rule:
        core, grid = split_topology(s, text)
        if core[:3].upper() == "MAP":
            if split_map_states(core) is not None:
                raise InputError(f"{text!r} is a Generations rule (MAP.../states); parse it with "
                                 "lifelab.rules.families.parse_rule")
            rule = cls._parse_map(core[3:], text)
        else:
            if core.count("/") >= 2 or core[:1] in "gG" and ascii_digits(core[1:2]):
                raise InputError(f"{text!r} is a Generations rule (it has a number of states); parse it with "
                                 "lifelab.rules.families.parse_rule")
            if core[:1] in "Rr" and ascii_digits(core[1:2]):
                raise InputError(f"{text!r} is a Larger than Life rule; parse it with lifelab.rules.families.parse_rule")
            birth, survival, neighbourhood = split_bs(core, text)
            rule = cls(bs_table(birth, survival, neighbourhood, text))
        rule._grid = grid
        return rule

    @classmethod
    def _parse_map(cls, body: str, text: str) -> Rule:
        body = body[:-2] if body.endswith("==") else body
        if not _BASE64_CHARS.fullmatch(body):  # fullmatch: "$" would match before a newline
            bad = next(ch for ch in body if not _BASE64_CHARS.fullmatch(ch))
            raise InputError(f"MAP rule {text!r} has character {bad!r} outside the base64 alphabet")
        neighbourhood = _MAP_LENGTHS.get(len(body))
        if neighbourhood is None:
            raise InputError(f"MAP rule needs 86 (Moore), 22 (hexagonal) or 6 (von Neumann) base64 characters "
                             f"after 'MAP', got {len(body)}")
        try:
            raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        except binascii.Error as exc:
            raise InputError(f"MAP rule {text!r} is not valid base64: {exc}") from exc
        cells = _map_cells(neighbourhood)
        bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8))[: 2 ** len(cells)].astype(bool)
        rule = cls(bits[_map_index(neighbourhood)])
        if rule.to_map(neighbourhood) != "MAP" + body:
            raise InputError(f"MAP rule {text!r}: the last character has stray bits beyond the "
                             f"{2 ** len(cells)} entries")
        return rule

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

    def bs_view(self, neighbourhood: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """``(birth, survival)`` counts on one neighbourhood, or None where the rule is not outer-totalistic there.

        Args:
            neighbourhood: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.
        """
        if neighbourhood not in NEIGHBOURHOODS:
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {list(NEIGHBOURHOODS)}")
        return self._view(neighbourhood)

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

    def to_map(self, neighbourhood: str = "moore") -> str:
        """Golly's MAP notation: ``"MAP"`` and the base64 bits of the table.

        Args:
            neighbourhood: ``"moore"`` (86 characters, any rule), ``"hexagonal"``
                (22) or ``"vonneumann"`` (6), for rules that only look at those cells.

        Raises:
            ValueError: If the rule depends on a cell outside the neighbourhood asked for.
        """
        if neighbourhood not in _MAP_MASKS:
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(_MAP_MASKS)}")
        index = _map_index(neighbourhood)
        bits = np.zeros(2 ** len(_map_cells(neighbourhood)), dtype=bool)
        bits[index] = self._table
        if not np.array_equal(bits[index], self._table):
            raise InputError(f"{self} depends on cells outside the {_FAMILY_NAME[neighbourhood]} neighbourhood; "
                             "only the 86-character Moore MAP can write it")
        length = {"moore": 86, "hexagonal": 22, "vonneumann": 6}[neighbourhood]
        return "MAP" + base64.b64encode(np.packbits(bits).tobytes()).decode("ascii")[:length]

    def to_hensel(self) -> str:
        """Hensel's isotropic notation in Golly's canonical spelling, e.g. ``"B2-a/S12"``.

        Raises:
            NotTotalisticError: If the rule is not isotropic (not the same for a pattern's turns and flips).
        """
        halves = to_hensel(self._table)
        if halves is None:
            raise NotTotalisticError(f"{self} is not isotropic; it has no Hensel notation (use to_map())")
        return f"B{halves[0]}/S{halves[1]}"

    def notation_parts(self) -> tuple[str, str, str] | None:
        """The simplest birth/survival spelling: ``(birth, survival, suffix)``, None when only MAP can write it.

        Tried in order: outer-totalistic Moore, von Neumann (suffix ``V``),
        hexagonal (``H``), then Hensel's isotropic letters (Moore).
        """
        for neighbourhood in NEIGHBOURHOODS:
            view = self._view(neighbourhood)
            if view is not None:
                return "".join(map(str, view[0])), "".join(map(str, view[1])), _SUFFIX[neighbourhood]
        halves = to_hensel(self._table)
        return None if halves is None else (halves[0], halves[1], "")

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
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
        view = self._view(neighbourhood)
        if view is None:
            raise NotTotalisticError(f"{self} is not outer-totalistic on the {_FAMILY_NAME[neighbourhood]} neighbourhood")
        birth, survival = view
        return "B{}/S{}{}".format("".join(map(str, birth)), "".join(map(str, survival)), _SUFFIX[neighbourhood])

    @property
    def states(self) -> int:
        """Cell states: 2."""
        return 2

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells the table depends on, ``(dy, dx)`` in reading order (the centre always included)."""
        table, every = self.table, np.arange(N_PATTERNS)
        return [cell for cell, weight in zip(WINDOW, MAP_WEIGHTS.ravel())
                if cell == (0, 0) or bool((table != table[every ^ int(weight)]).any())]

    def step(self, boards) -> np.ndarray:
        """One step on ``(..., H, W)`` 0/1 boards (periodic boundary): the table read at each cell's 3x3 window."""
        return self.table[pattern_index(np.asarray(boards).astype(bool))]

    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The rule as seagull computes it: ``(kernel, lookup, states)`` (see :class:`SeagullRule`).

        An outer-totalistic rule is its neighbour-count kernel with birth and
        survival lookups; any other table is the MAP weight kernel, whose value
        is the pattern's index, with the table as both lookups.
        """
        if self.is_totalistic:
            kernel = self.kernel
            lookup = np.zeros((2, int(kernel.sum()) + 1), dtype=bool)
            lookup[0, list(self.birth)] = True
            lookup[1, list(self.survival)] = True
            return kernel, lookup, 2
        return MAP_WEIGHTS.copy(), np.stack([self._table, self._table]), 2

    def seagull_rule(self) -> SeagullRule:
        """A callable for ``seagull.Simulator(board).run(fn, iters=N)``.

        The callable computes the next board by convolution, as seagull does:
        a neighbour-count kernel plus birth/survival lookup for outer-totalistic
        rules, the MAP weight kernel plus table lookup for any other rule.
        """
        return SeagullRule(self)

    # ---- dunder ---------------------------------------------------------
    def __str__(self) -> str:
        parts = self.notation_parts()
        text = self.to_map() if parts is None else f"B{parts[0]}/S{parts[1]}{parts[2]}"
        return text if self._grid is None else f"{text}{self._grid}"

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
    raise InputTypeError(f"rule must be a Rule or a rulestring, got {type(rule).__name__}")


class SeagullRule:
    """A rule in kernel form, callable by ``seagull.Simulator.run``.

    seagull counts neighbours by convolution; this does the same for any
    rule family with a ``kernel_form()``: the live cells (state 1) are
    correlated with an integer kernel (periodic boundary), and a lookup
    gives the next state of a dead and of a live cell for each value.  For a
    :class:`Rule` that is its neighbour-count kernel (Moore, von Neumann or
    hexagonal) plus birth/survival lookups, or, for any other table, the MAP
    weight kernel plus the table; Generations and Larger-than-Life rules
    (:mod:`lifelab.rules.families`) bring their own kernels.  With more than two
    states, a live cell that does not survive starts to die (state 2) and
    dying states count up to 0.

    Attributes:
        rule: The rule.
        kernel: The integer kernel correlated with the live cells.
        lookup: ``(2, K)`` bool: ``lookup[state, value]`` says whether a cell in
            ``state`` (0 dead, 1 live) with kernel value ``value`` is live next.
        states: Number of cell states.
    """

    def __init__(self, rule):
        """Build the kernel form of ``rule`` (a Rule, a rulestring, or a family's rule object)."""
        self.rule = as_rule(rule) if isinstance(rule, str) else rule
        self.kernel, self.lookup, self.states = self.rule.kernel_form()

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """One step of the rule on a 2-D board of states with periodic boundary."""
        X = np.asarray(X)
        if X.ndim != 2:
            raise InputError(f"seagull boards are 2-D, got shape {X.shape}")
        state = X.astype(np.int64)
        alive = state == 1
        from scipy.signal import correlate2d  # only seagull's path needs it; scipy.signal takes 0.4 s to import

        values = correlate2d(alive.astype(np.int64), self.kernel, mode="same", boundary="wrap")
        live_next = self.lookup[alive.astype(np.int64), values]
        if self.states == 2:
            return live_next & (state <= 1)
        decayed = np.where(state >= 2, (state + 1) % self.states, 0)
        return np.where(state == 0, live_next, np.where(alive, np.where(live_next, 1, 2), decayed)).astype(np.uint8)

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
    **{name: NamedRule(name, rulestring, description, studied)
       for name, rulestring, description, studied in _REGISTRY_DATA},
    **{name: NamedRule(name, rulestring, description, False, "Generations")
       for name, rulestring, description in _GENERATIONS_DATA},
    **{name: NamedRule(name, rulestring, description, False, "Larger than Life")
       for name, rulestring, description in _LTL_DATA},
}
"""The registry of named rules, by name."""

_ALIASES = {"conway": "Life", "gameoflife": "Life", "conwayslife": "Life", "move": "Morley", "vote": "Majority"}
_BY_NAME = {_normalise_name(name): entry for name, entry in RULES.items()}
_BY_NAME.update({alias: RULES[target] for alias, target in _ALIASES.items()})
_BY_TABLE = {entry.rule.table.tobytes(): entry for entry in RULES.values() if entry.kind == "life-like"}


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
    return [entry for entry in RULES.values()
            if (entry.studied or not studied_only) and (kind is None or entry.kind == kind)]
