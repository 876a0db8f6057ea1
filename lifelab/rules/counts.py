"""Count rules: Larger than Life (``Rr,Cc,Mm,Smin..max,Bmin..max,Nn``) and HROT (``Rr,Cc,Slist,Blist,Nn``).

A count rule sums the weights of the live cells of a range-``r``
neighbourhood (a box, a diamond, a disc, or any of Golly 4's
neighbourhoods, :mod:`lifelab.geometry.neighbourhoods`): a dead cell is born
and a live cell survives when that count lies in the rule's birth or
survival counts, optionally counting the cell itself; with more than two
states a cell that does not survive dies through states 2, 3, ... as in
Generations.  Larger than Life writes the counts as intervals, HROT as lists.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Self

import numpy as np

from lifelab.errors import InputError
from lifelab.geometry import (
    HROT_NEIGHBOURHOODS,
    LTL_NEIGHBOURHOODS,
    MAX_RANGE,
    NAMED_SHAPES,
    Neighbourhood,
    disc_widths,
    neighbourhood_weights,
    shape_weights,
    window_sums,
)
from lifelab.rules.base import RuleType, check_states, decay
from lifelab.rules.lifelike import KernelRule
from lifelab.rules.named import registered_name
from lifelab.rules.reading import read_rule
from lifelab.utils import ascii_digits, check_int

__all__ = ["HROTRule", "LtLRule", "count_rule", "count_runs"]


class _CountRule(RuleType):
    """What Larger than Life and HROT rules share: a range, weights, and an identity by what they do.

    Two count rules are equal when they make the same moves: same cells counted alike, same birth and survival
    counts (a Larger than Life rule and its HROT spelling, ``R2,C0,M1,S4..8,B4..6`` and ``R2,C0,S3-7,B4-6``, too).

    Attributes:
        range: How far the neighbourhood reaches.
        state_weights: ``NW``'s optional weight per state (then every non-dead state counts), or None.
    """

    state_weights: tuple[int, ...] | None = None
    range: int

    @classmethod
    @abstractmethod
    def parse(cls, text: str) -> Self:
        """Read a rule of this type from its notation (any case).

        Raises:
            ValueError: Naming the bad field.
        """

    @property
    @abstractmethod
    def weights(self) -> np.ndarray:
        """``(2r + 1, 2r + 1)`` int64: each cell's weight in the count."""

    @property
    @abstractmethod
    def born(self) -> frozenset[int]:
        """Neighbour counts (the cell itself never counted) at which a dead cell is born."""

    @property
    @abstractmethod
    def survives(self) -> frozenset[int]:
        """Neighbour counts (the cell itself not counted) at which a live cell survives."""

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells with a weight, ``(dy, dx)`` in reading order (the centre when it counts)."""
        r = self.range
        return [(int(dy) - r, int(dx) - r) for dy, dx in zip(*np.nonzero(self.weights), strict=True)]

    @property
    def reach(self) -> int:
        """The range."""
        return self.range

    def _key(self) -> tuple:
        # the neighbours' weights (the centre's own part taken out), the state weights, the states, and the
        # neighbour counts at which a cell is born and survives
        outer = self.weights.copy()
        outer[self.range, self.range] = 0
        return outer.shape, outer.tobytes(), self.state_weights, self.states, self.born, self.survives

    @property
    def name(self) -> str | None:
        """The registry name of this rule, or None."""
        return registered_name(self)


class LtLRule(_CountRule, KernelRule):
    """A Larger than Life rule (Golly's ``Rr,Cc,Mm,Smin..max,Bmin..max,Nn``).

    Attributes:
        range: ``r``, how far the neighbourhood reaches (1 to 500).
        states: Number of states (Golly's ``C``; 0 and 1 mean 2).
        middle: The cell itself is counted among its neighbours (``M1``).
        survival: ``(smin, smax)``: a live cell survives when its live count lies in it.
        birth: ``(bmin, bmax)``: a dead cell is born when its live count lies in it.
        neighbourhood: ``"M"`` (box), ``"N"`` (diamond) or ``"C"`` (disc).
    """

    kind = "Larger than Life"

    def __init__(
        self,
        range: int,
        survival: tuple[int, int],
        birth: tuple[int, int],
        *,
        states: int = 2,
        middle: bool = False,
        neighbourhood: str = "M",
    ):
        """Build and check a rule (see the attributes)."""
        if neighbourhood not in LTL_NEIGHBOURHOODS:
            raise InputError(
                f"neighbourhood N{neighbourhood} is not supported: lifelab reads "
                + ", ".join(f"N{k} ({v})" for k, v in LTL_NEIGHBOURHOODS.items())
            )
        self.range = check_int("range", range, 1, MAX_RANGE)
        self.states = 2 if states in (0, 1) else check_states(states, "Larger than Life rule")
        self.middle = bool(middle)
        self.neighbourhood = neighbourhood
        top = self.size + self.middle
        for part, limits in (("S", survival), ("B", birth)):
            low, high = (check_int(f"{part} limit", v, 0, top) for v in limits)
            if low > high:
                raise InputError(f"{part}{low}..{high}: the lower limit is above the upper one")
        self.survival, self.birth = tuple(int(v) for v in survival), tuple(int(v) for v in birth)
        if self.birth[0] == 0 and self.states > 2:
            raise InputError("B0 is not allowed with more than 2 states (as in Golly)")
        self._grid = None

    @classmethod
    def parse(cls, text: str) -> LtLRule:
        """Read Golly's ``R2,C0,M1,S5..9,B6..8,NM`` (any case) or Kellie Evans' ``r,bmin,bmax,smin,smax``.

        Raises:
            ValueError: Naming the bad field.
        """
        return read_rule(text, (cls,))

    @classmethod
    def _from_core(cls, core: str, text: str) -> LtLRule:
        fields = core.split(",")
        if all(ascii_digits(f.strip()) for f in fields) and len(fields) == 5:  # Kellie Evans: r,bmin,bmax,smin,smax
            r, bmin, bmax, smin, smax = (int(f) for f in fields)
            return cls(r, (smin, smax), (bmin, bmax), middle=True)
        expected = "Rr,Cc,Mm,Smin..max,Bmin..max,Nn"
        if len(fields) != 6:
            raise InputError(
                f"Larger than Life rule {text!r} has {len(fields)} comma-separated fields; expected 6: {expected}"
            )
        values: dict[str, int] = {}  # R, C and M
        limits: dict[str, tuple[int, int]] = {}  # S and B
        hood = ""
        for field, key in zip(fields, "RCMSBN", strict=True):
            if field[:1].upper() != key:
                raise InputError(
                    f"Larger than Life rule {text!r}: field {field!r} should start with {key!r} ({expected})"
                )
            body = field[1:]
            if key in "SB":
                interval = re.fullmatch(r"([0-9]{1,18})\.\.([0-9]{1,18})", body)
                if interval is None:
                    raise InputError(f"Larger than Life rule {text!r}: {field!r} should be {key}min..max")
                limits[key] = (int(interval[1]), int(interval[2]))
            elif key == "N":
                hood = body.upper()
            elif not ascii_digits(body):
                raise InputError(f"Larger than Life rule {text!r}: {field!r} should be {key} and a number")
            else:
                values[key] = int(body)
        if values["M"] not in (0, 1):
            raise InputError(f"Larger than Life rule {text!r}: M{values['M']} must be M0 or M1")
        if values["R"] < 1:
            raise InputError(f"Larger than Life rule {text!r}: range R{values['R']} must be 1 to {MAX_RANGE}")
        return cls(
            values["R"], limits["S"], limits["B"], states=values["C"], middle=bool(values["M"]), neighbourhood=hood
        )

    @property
    def widths(self) -> list[int]:
        """For each row ``dy = -r..r`` of the neighbourhood, how many cells it reaches to each side."""
        r = self.range
        if self.neighbourhood == "M":
            return [r] * (2 * r + 1)
        if self.neighbourhood == "N":
            return [r - abs(dy) for dy in range(-r, r + 1)]
        return disc_widths(r)

    @property
    def weights(self) -> np.ndarray:
        """``(2r + 1, 2r + 1)`` int64: 1 on each counted cell (the cell itself only with ``M1``), else 0."""
        weights = shape_weights(self.neighbourhood, self.range)
        weights[self.range, self.range] = int(self.middle)
        return weights

    @property
    def size(self) -> int:
        """Neighbours of a cell, itself not counted."""
        return sum(2 * w + 1 for w in self.widths) - 1

    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The count kernel (ones on the counted cells) and the birth/survival lookup, with the states."""
        top = self.size + 1
        counts = np.arange(top + 1)
        lookup = np.stack(
            [
                (self.birth[0] <= counts) & (counts <= self.birth[1]),
                (self.survival[0] <= counts) & (counts <= self.survival[1]),
            ]
        )
        return self.weights, lookup, self.states

    def counts(self, alive: np.ndarray) -> np.ndarray:
        """Live cells counted around every cell of ``(..., H, W)`` boards (periodic), int32.

        A box is counted from a summed-area table (four lookups per cell,
        whatever the range); a diamond or a disc row by row from prefix sums
        (each row of the neighbourhood is a run of cells: ``2r + 1`` passes).
        """
        return window_sums(alive, self.weights, np.int32)

    def perceive(self, states: np.ndarray) -> np.ndarray:
        """Each cell's live count (:meth:`counts` of the live cells)."""
        return self.counts(states == 1)

    def update(self, states: np.ndarray, perception: np.ndarray) -> np.ndarray:
        """Birth and survival by the intervals, then the dying states.

        Returns:
            bool boards for 2 states, uint8 states otherwise.
        """
        alive = states == 1
        c = perception
        live_next = np.where(
            alive, (self.survival[0] <= c) & (c <= self.survival[1]), (self.birth[0] <= c) & (c <= self.birth[1])
        )
        return decay(states, live_next, self.states)

    def _notation(self) -> str:
        return (
            f"R{self.range},C{0 if self.states == 2 else self.states},M{int(self.middle)},"
            f"S{self.survival[0]}..{self.survival[1]},B{self.birth[0]}..{self.birth[1]},N{self.neighbourhood}"
        )

    @property
    def born(self) -> frozenset[int]:
        """Neighbour counts (the cell itself never counted) at which a dead cell is born."""
        return frozenset(range(max(self.birth[0], 0), min(self.birth[1], self.size) + 1))

    @property
    def survives(self) -> frozenset[int]:
        """Neighbour counts (the cell itself not counted) at which a live cell survives; ``M1`` shifts them by one."""
        low, high = (v - self.middle for v in self.survival)
        return frozenset(range(max(low, 0), min(high, self.size) + 1))


def _count_list(body: str, low: int, high: int, part: str, text: str) -> frozenset[int]:
    """An HROT count list such as ``0,7-12,27`` (empty allowed), each value checked to lie in ``low..high``."""
    values: set[int] = set()
    for item in filter(None, body.split(",")):
        match = re.fullmatch(r"([0-9]{1,18})(?:-([0-9]{1,18}))?", item)
        if match is None:
            raise InputError(f"HROT rule {text!r}: {part} list item {item!r} should be a count or a range a-b")
        a, b = int(match[1]), int(match[2] or match[1])
        if a > b:
            raise InputError(f"HROT rule {text!r}: {part}{a}-{b}: the lower end is above the upper one")
        if a < low or b > high:
            raise InputError(f"HROT rule {text!r}: {part} value out of range {low}..{high} in {item!r}")
        values.update(range(a, b + 1))
    return frozenset(values)


def count_runs(values) -> str:
    """Golly's canonical count list: ascending runs, ``a-b`` or ``a``, comma-separated."""
    out, ordered = [], sorted(values)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


class HROTRule(_CountRule):
    """A Higher Range Outer Totalistic rule (Golly's ``Rr,Cc,Slist,Blist,Nn``) on any of Golly's square-grid
    neighbourhoods, or Larger than Life written with one of them (``R2,C0,M1,S5..9,B6..8,N+``).

    The count is what Golly's Larger than Life algorithm sums: the weights
    of the neighbourhood's live cells (state 1), the centre among them (its
    weight 1 for a shape, as given for ``NW``).  A dead cell is born when the
    count is in ``birth``; a live cell survives when the count, less one for
    the centre (except with ``M1`` or ``NW``, whose lists include it), is in
    ``survival``; with more than two states a cell that does not survive
    dies through states 2, 3, ... as in Generations.

    Attributes:
        range: How far the neighbourhood reaches.
        states: Cell states (Golly's ``C``; 0 and 1 mean 2).
        survival: Survival counts, as written.
        birth: Birth counts, as written.
        neighbourhood: A key of :data:`HROT_NEIGHBOURHOODS`.
        spec: The hex digits (and state weights) of ``N@`` and ``NW``, upper case; empty otherwise.
        state_weights: ``NW``'s optional weight per state (then every non-dead state counts), or None.
        ltl: Written in Larger than Life's syntax (``M`` flag, ``S..``/``B..`` intervals).
        middle: ``M1`` (Larger than Life syntax only).
    """

    kind = "HROT"

    def __init__(
        self,
        range: int,
        survival,
        birth,
        *,
        states: int = 2,
        neighbourhood: str = "M",
        spec: str = "",
        ltl: bool = False,
        middle: bool = False,
        text: str | None = None,
    ):
        """Build and check a rule (see the attributes)."""
        text = text or "HROT rule"
        if neighbourhood not in HROT_NEIGHBOURHOODS:
            raise InputError(
                f"HROT rule {text!r}: neighbourhood N{neighbourhood} is not supported: lifelab reads "
                + ", ".join(f"N{k} ({v})" for k, v in HROT_NEIGHBOURHOODS.items())
            )
        self.range = check_int("range", range, 1, MAX_RANGE)
        self.states = 2 if states in (0, 1) else check_states(states, "HROT rule")
        self.neighbourhood, self.ltl, self.middle = neighbourhood, bool(ltl), bool(middle) and bool(ltl)
        self._weights, self.state_weights, self.spec = neighbourhood_weights(
            neighbourhood, self.range, spec, self.states, text
        )
        self.survival, self.birth = frozenset(survival), frozenset(birth)
        if 0 in self.birth:
            raise InputError(
                f"HROT rule {text!r}: B0 rules are run by Golly with its B0 emulation (complemented "
                "rules on odd generations), which lifelab does not reproduce yet"
            )
        self._grid = None

    @classmethod
    def parse(cls, text: str) -> HROTRule:
        """Read Golly's ``Rr,Cc,Slist,Blist,Nn`` (any case), or Larger than Life's spelling on a neighbourhood
        beyond box, diamond and disc (``R2,C0,M1,S5..9,B6..8,N+``).

        Raises:
            ValueError: Naming the bad field.
        """
        return read_rule(text, (cls,))

    @property
    def weights(self) -> np.ndarray:
        """``(2r + 1, 2r + 1)`` int64: each cell's weight in the count."""
        return self._weights

    @property
    def _shift(self) -> int:
        """What the survival counts leave out: the centre (1), unless M1 or NW include it."""
        return 0 if self.middle or self.neighbourhood == "W" else 1

    @property
    def size(self) -> int:
        """The largest count, the centre left out (Golly's ``maxn``)."""
        if self.neighbourhood == "W":
            return int(self.weights[self.weights > 0].sum()) * max(self.state_weights or (1,))
        return int(self.weights.sum()) - 1

    @property
    def values(self) -> np.ndarray:
        """``(states,)`` int64: what a cell of each state adds to a count, times its weight (1 for state 1 only,
        unless ``NW`` gives state weights)."""
        if self.state_weights is None:
            return (np.arange(self.states) == 1).astype(np.int64)
        return np.array([w if s or w > 0 else 0 for s, w in enumerate(self.state_weights)], np.int64)

    def counts(self, states: np.ndarray) -> np.ndarray:
        """Golly's count around every cell of ``(..., H, W)`` boards (periodic), the centre included."""
        return window_sums(self.values[np.asarray(states).astype(np.int64)], self.weights)

    def perceive(self, states: np.ndarray) -> np.ndarray:
        """Each cell's count (:meth:`counts`)."""
        return self.counts(states)

    def update(self, states: np.ndarray, perception: np.ndarray) -> np.ndarray:
        """Each cell's next state from its state and Golly's count (as :meth:`counts` gives it), broadcast.

        Returns:
            bool boards for 2 states, uint8 states otherwise.
        """
        states, count = np.broadcast_arrays(np.asarray(states), np.asarray(perception))
        top = max(self.size + 2, 1)
        born = np.isin(np.arange(top), list(self.birth))
        kept = np.isin(np.arange(top) - self._shift, list(self.survival))
        inside = (count >= 0) & (count < top)
        index = np.where(inside, count, 0)
        alive = states == 1
        live_next = inside & np.where(alive, kept[index], born[index])
        return decay(states, live_next, self.states)

    def _notation(self) -> str:
        c = 0 if self.states == 2 else self.states
        hood = f"N{self.neighbourhood}{self.spec}"
        if self.ltl:
            (s1, s2), (b1, b2) = ((min(v), max(v)) for v in (self.survival, self.birth))
            return f"R{self.range},C{c},M{int(self.middle)},S{s1}..{s2},B{b1}..{b2},{hood}"
        return f"R{self.range},C{c},S{count_runs(self.survival)},B{count_runs(self.birth)}" + (
            "" if self.neighbourhood == "M" else f",{hood}"
        )

    @property
    def _centre(self) -> tuple[int, int]:
        """What the cell itself adds to its count when dead and when live."""
        weight = int(self.weights[self.range, self.range])
        live, dead = (1, 0) if self.state_weights is None else (self.state_weights[1], self.state_weights[0])
        return weight * dead, weight * live

    @property
    def born(self) -> frozenset[int]:
        """Counts of the neighbours (the cell itself left out) at which a dead cell is born."""
        return frozenset(v - self._centre[0] for v in self.birth)

    @property
    def survives(self) -> frozenset[int]:
        """Counts of the neighbours (the cell itself left out) at which a live cell survives."""
        return frozenset(v + self._shift - self._centre[1] for v in self.survival)

    @classmethod
    def _from_core(cls, core: str, text: str) -> HROTRule:
        upper = core.upper()
        ltl = re.fullmatch(
            r"R([0-9]{1,18}),C([0-9]{1,18}),M([0-9]{1,18}),S([0-9]{1,18})\.\.([0-9]{1,18}),"
            r"B([0-9]{1,18})\.\.([0-9]{1,18}),N(.)(.*)",
            upper,
        )
        if ltl is not None:
            r, c, m, s1, s2, b1, b2 = (int(v) for v in ltl.groups()[:7])
            letter, spec = ltl[8], ltl[9]
            if m not in (0, 1):
                raise InputError(f"Larger than Life rule {text!r}: M{m} must be M0 or M1")
            probe = cls(r, (), (), states=c, neighbourhood=letter, spec=spec, text=text)
            for part, a, b, low in (("S", s1, s2, m), ("B", b1, b2, 0)):
                if a > b or a < low or b > probe.size + m:
                    raise InputError(
                        f"Larger than Life rule {text!r}: {part}{a}..{b} out of range {low}..{probe.size + m}"
                    )
            return cls(
                r,
                range(s1, s2 + 1),
                range(b1, b2 + 1),
                states=c,
                neighbourhood=letter,
                spec=spec,
                ltl=True,
                middle=bool(m),
                text=text,
            )
        match = re.fullmatch(r"R([0-9]{1,18}),C([0-9]{1,18}),S([0-9,\-]*?),?B([0-9,\-]*?)(?:,N(.)(.*))?", upper)
        if match is None:
            raise InputError(f"HROT rule {text!r} should read Rr,Cc,Slist,Blist[,Nn] (e.g. R3,C2,S2-4,B3,N+)")
        r, c = int(match[1]), int(match[2])
        letter, spec = match[5] or "M", match[6] or ""
        probe = cls(r, (), (), states=c, neighbourhood=letter, spec=spec, text=text)
        survival = _count_list(match[3], 0, probe.size, "S", text)
        birth = _count_list(match[4], 0, probe.size, "B", text)
        return cls(r, survival, birth, states=c, neighbourhood=letter, spec=spec, text=text)


def count_rule(neighbourhood: Neighbourhood, birth, survival, states: int = 2) -> LtLRule | HROTRule:
    """The rule on a neighbourhood born and surviving at these counts (the cell not counted).

    Args:
        neighbourhood: The cells counted.
        birth, survival: ``(first, last)`` intervals, written in Larger
            than Life's syntax (``M1``, as Golly's own rules are: its
            survival limits count the live cell itself, so they are one
            higher); or sets of counts, an HROT rule.  On a named shape
            (:data:`~lifelab.geometry.NAMED_SHAPES`) always HROT's lists.
        states: Golly's ``C``: with more than 2, a live cell that does not survive dies through states
            2, 3, ..., ``states - 1``.
    """
    nb = neighbourhood
    intervals = all(isinstance(v, tuple) and len(v) == 2 for v in (birth, survival))
    if intervals and nb.shape not in NAMED_SHAPES:
        if nb.shape in LTL_NEIGHBOURHOODS:
            return LtLRule(
                nb.range, (survival[0] + 1, survival[1] + 1), birth, middle=True, neighbourhood=nb.shape, states=states
            )
        return HROTRule(
            nb.range,
            range(survival[0] + 1, survival[1] + 2),
            range(birth[0], birth[1] + 1),
            neighbourhood=nb.shape,
            ltl=True,
            middle=True,
            states=states,
        )
    if intervals:
        birth, survival = range(birth[0], birth[1] + 1), range(survival[0], survival[1] + 1)
    if nb.shape in NAMED_SHAPES:  # one spelling per rule: only the counts that can occur are listed
        birth, survival = (
            {c for c in v if nb.low <= c <= nb.high and nb.reachable[c - nb.low]} for v in (birth, survival)
        )
    written = nb.centre_weight - (0 if nb.shape == "W" else 1)  # what Golly's survival list adds
    return HROTRule(
        nb.range, {c + written for c in survival}, set(birth), neighbourhood=nb.shape, spec=nb.spec, states=states
    )
