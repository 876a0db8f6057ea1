"""What 1-D observations determine: the next state of every window of ``2r + 1`` cells they show.

A 1-D rule (:class:`~lifelab.rules.OneDRule`) of ``states`` states and radius r gives a next state to each of
``states ** (2r + 1)`` windows.  Pairs of rows (a row and the row one step later, of any length) show some of
them, so the evidence is kept per *observed* window:

- :class:`OneDEvidence` counts, for each window the data show, how often each next state followed it, with the
  row's ends read as a ring, as dead cells beyond, or left out (``"open"``);
- a **family** (:class:`OneDFamily`) groups windows into classes that share their next state: the full table (no
  assumption), reflection-symmetric rules (a window and its mirror image), outer-totalistic rules (the cell and
  the sum of the other cells' states) and totalistic rules (the sum of the window's states), each inside the one
  before;
- :func:`decide_1d` chooses the smallest radius the data allow and the weakest family under which every class was
  observed, states both as assumptions, and gives the verdict (:class:`OneDVerdict`) on the ladder's rungs:
  *identified* when every window was observed, *identified within* a family when every class of it was,
  *underdetermined* when some were not, *inconsistent* when some window goes two ways at every radius tried, or
  the stated family is contradicted.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.evidence.base import Observations, pool_codes, tally_codes
from lifelab.evidence.ladder import OnLadder
from lifelab.rules import DENSE_LIMIT, MAX_RADIUS, OneDRule, window_codes, window_count, window_digits
from lifelab.rules.base import check_states
from lifelab.utils import check_int

__all__ = [
    "BOUNDARIES_1D",
    "FAMILIES_1D",
    "OneDEvidence",
    "OneDFamily",
    "OneDVerdict",
    "decide_1d",
    "row_pairs",
]

#: What lies beyond a row's ends: it wraps around (``"ring"``), dead cells (``"dead"``), or nothing counted
#: (``"open"``: windows reaching beyond the ends are left out).
BOUNDARIES_1D = ("ring", "dead", "open")

#: The 1-D families, fewest assumptions first; each is inside the one before (``family="auto"`` tries them in
#: this order).
FAMILIES_1D = ("table", "symmetric", "outer-totalistic", "totalistic")

#: Counts of rules up to this are written out; larger ones as a power (``3^40``).
_WRITTEN_OUT = 10**6


def row_pairs(data, after=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Rows and the rows one step later, grouped by length: ``[(before (m, W), after (m, W)), ...]``, int64.

    Args:
        data: With ``after``: ``(m, W)`` rows (or one ``(W,)`` row). Without: a trajectory array, ``(T, W)``
            (one space-time diagram), ``(n, T, W)`` or ``(n, T, H, W)`` (every row its own 1-D world), whose
            consecutive rows in time are the pairs; or a sequence of ``(before, after)`` pairs of rows of any
            lengths, each side ``(W,)`` or ``(m, W)``.
        after: The rows one step after ``data``'s, the same shape.

    Returns:
        One ``(before, after)`` pair of arrays per row length, lengths in increasing order.

    Raises:
        InputError: For shapes that do not pair up, non-integer or negative states, or no pairs at all.
    """
    if after is not None:
        pairs = [(_rows(data, "before"), _rows(after, "after"))]
    elif isinstance(data, np.ndarray):
        pairs = [_trajectory_pairs(data)]
    elif isinstance(data, (list, tuple)):
        pairs = []
        for i, pair in enumerate(data):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise InputError(f"pair {i} is not a (before, after) pair of rows")
            pairs.append((_rows(pair[0], f"pair {i}'s before"), _rows(pair[1], f"pair {i}'s after")))
    else:
        raise InputTypeError(
            f"1-D data are a trajectory array or a list of (before, after) rows, got {type(data).__name__}"
        )
    by_length: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for i, (before, after_rows) in enumerate(pairs):
        if before.shape != after_rows.shape:
            raise InputError(f"pair {i}: before has shape {before.shape}, after {after_rows.shape}; they must match")
        if before.size:
            by_length.setdefault(before.shape[1], []).append((before, after_rows))
    if not by_length:
        raise InputError("the 1-D data hold no pair of rows")
    return [
        (np.concatenate([b for b, _ in group]), np.concatenate([a for _, a in group]))
        for _, group in sorted(by_length.items())
    ]


def _rows(rows, what: str) -> np.ndarray:
    """``(m, W)`` int64 states from one row or a stack of rows."""
    arr = _states_array(rows, what)
    if arr.ndim not in (1, 2):
        raise InputError(f"{what} must be one row (W,) or rows (m, W), got shape {arr.shape}")
    return arr if arr.ndim == 2 else arr[None]


def _trajectory_pairs(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive rows in time of a ``(T, W)``, ``(n, T, W)`` or ``(n, T, H, W)`` trajectory array."""
    arr = _states_array(data, "the trajectories")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        arr = arr[:, :, None]
    if arr.ndim != 4:
        raise InputError(f"1-D trajectories have shape (T, W), (n, T, W) or (n, T, H, W), got {arr.shape}")
    if arr.shape[1] < 2:
        raise InputError(f"1-D trajectories need at least 2 rows in time (one step), got shape {arr.shape}")
    width = arr.shape[-1]
    return arr[:, :-1].reshape(-1, width), arr[:, 1:].reshape(-1, width)


def _states_array(values, what: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biu":
        raise InputTypeError(f"{what} must hold integer cell states, got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise InputError(f"{what} hold a negative state ({int(arr.min())})")
    return arr


def _window_codes(rows: np.ndarray, states: int, radius: int, boundary: str) -> np.ndarray:
    """``(m, W)`` window numbers of every cell of ``(m, W)`` rows (:meth:`OneDRule.perceive`'s numbering); -1 where
    ``boundary="open"`` leaves the window out."""
    if boundary == "ring":
        return window_codes(rows, states, radius)
    width = rows.shape[1]  # dead cells beyond the ends: the numbers of the row padded with them, read as a ring
    code = window_codes(np.pad(rows, ((0, 0), (radius, radius))), states, radius)[:, radius : radius + width]
    if boundary == "open":
        code[:, :radius] = -1
        code[:, max(width - radius, 0) :] = -1
    return code


def _check_boundary(boundary) -> str:
    if boundary not in BOUNDARIES_1D:
        raise InputError(f"a 1-D boundary is one of {list(BOUNDARIES_1D)}, got {boundary!r}")
    return boundary


@dataclass
class OneDEvidence(Observations):
    """The observations of 1-D rows, per window of radius ``radius`` they show.

    Attributes:
        states: Cell states (0 .. states - 1).
        radius: The window's radius (``2 * radius + 1`` cells).
        boundary: What lay beyond a row's ends: ``"ring"``, ``"dead"`` or ``"open"``.
        codes: ``(m,)`` sorted window numbers observed (:meth:`~lifelab.rules.OneDRule.perceive`'s numbering).
        counts: ``(m, states)`` how often each next state followed each.
        boundary_note: Empty: the boundary is stated.

    Examples:
        >>> import numpy as np
        >>> from lifelab.evidence import OneDEvidence
        >>> evidence = OneDEvidence.of(np.array([[0, 1, 1, 0]]), np.array([[1, 1, 1, 0]]), states=2, radius=1)
        >>> evidence.codes.tolist(), evidence.counts.tolist()
        ([1, 3, 4, 6], [[0, 1], [0, 1], [1, 0], [0, 1]])
    """

    states: int
    radius: int
    boundary: str
    codes: np.ndarray
    counts: np.ndarray
    boundary_note: str = ""

    _alike = {
        what: f"cannot pool 1-D evidence of {what} {{0!r}} and {{1!r}}" for what in ("states", "radius", "boundary")
    }
    _settings = ("states", "radius", "boundary")

    @classmethod
    def of(cls, data, after=None, states: int | None = None, radius: int = 1, boundary: str = "ring") -> OneDEvidence:
        """Count the windows of pairs of rows and the states that followed them.

        Args:
            data: Rows, with ``after``; or a trajectory array or a list of ``(before, after)`` pairs of rows of
                any lengths (:func:`row_pairs` reads them).
            after: The rows one step after ``data``'s (``(m, W)``), or None.
            states: Cell states (default: the largest state seen, plus one; at least 2).
            radius: The window's radius.
            boundary: ``"ring"`` (a row's ends wrap around), ``"dead"`` (dead cells beyond them) or ``"open"``
                (only windows inside the row count).

        Raises:
            InputError: For data :func:`row_pairs` refuses, a state beyond ``states``, or too many windows.
        """
        pairs = row_pairs(data, after)
        return cls._count(pairs, _states_of(pairs, states), radius, boundary)

    @classmethod
    def _count(
        cls, pairs: list[tuple[np.ndarray, np.ndarray]], states: int, radius: int, boundary: str
    ) -> OneDEvidence:
        radius = check_int("radius", radius, 1, MAX_RADIUS)
        _check_boundary(boundary)
        window_count(states, radius)
        codes = np.concatenate([_window_codes(b, states, radius, boundary).reshape(-1) for b, _ in pairs])
        following = np.concatenate([a.reshape(-1) for _, a in pairs])
        return cls(states, radius, boundary, *tally_codes(codes, following, states))

    def _pooled(self, other: OneDEvidence) -> dict[str, Any]:
        return pool_codes(self, other)

    @property
    def windows(self) -> int:
        """All windows of the radius: ``states ** (2 * radius + 1)``."""
        return self.states ** (2 * self.radius + 1)

    def by_class(self, family: str = "table") -> tuple[np.ndarray, np.ndarray]:
        """The counts summed per class of a family.

        Args:
            family: One of :data:`FAMILIES_1D`.

        Returns:
            ``(summed, conflicting)``: ``(n_classes, states)`` counts of every class (zero where unobserved), and
            ``(n_classes,)`` bool, the classes followed by two different next states.
        """
        fam = OneDFamily(family, self.states, self.radius)
        summed = np.zeros((fam.n_classes, self.states), np.int64)
        np.add.at(summed, fam.labels[self.codes], self.counts)
        return summed, (summed > 0).sum(axis=1) > 1

    def conflicts(self, family: str = "table") -> int:
        """Classes of a family (windows, for ``"table"``) the data show going two ways."""
        return int(self.by_class(family)[1].sum())


def _states_of(pairs: list[tuple[np.ndarray, np.ndarray]], states: int | None) -> int:
    """The states stated, checked against the data's; else the largest state seen plus one (at least 2)."""
    seen = max(int(max(b.max(), a.max())) for b, a in pairs) + 1
    if states is None:
        return max(seen, 2)
    states = check_states(states, "a 1-D rule")
    if seen > states:
        raise InputError(f"the rows hold state {seen - 1}, more than {states} states allow")
    return states


@functools.cache
def _labels(name: str, states: int, radius: int) -> np.ndarray:
    """Each window's class under a family, ``0 .. n_classes - 1`` in order of the classes' smallest key."""
    codes = np.arange(states ** (2 * radius + 1), dtype=np.int64)
    digits = window_digits(codes, states, radius)
    if name == "table":
        keys = codes
    elif name == "symmetric":
        powers = states ** np.arange(2 * radius, -1, -1, dtype=np.int64)
        keys = np.minimum(codes, digits[:, ::-1] @ powers)
    elif name == "outer-totalistic":
        centre = digits[:, radius]
        keys = centre * (2 * radius * (states - 1) + 1) + digits.sum(axis=1) - centre
    else:
        keys = digits.sum(axis=1)
    labels = np.unique(keys, return_inverse=True)[1].reshape(-1).astype(np.int64)
    labels.setflags(write=False)
    return labels


@dataclass(frozen=True)
class OneDFamily:
    """An assumption about a 1-D rule: windows of one class share their next state.

    Attributes:
        name: One of :data:`FAMILIES_1D`.
        states: Cell states.
        radius: The window's radius.
    """

    name: str
    states: int
    radius: int

    def __post_init__(self):
        if self.name not in FAMILIES_1D:
            raise InputError(f"a 1-D family is one of {list(FAMILIES_1D)}, got {self.name!r}")

    @property
    def labels(self) -> np.ndarray:
        """``(windows,)`` the class of each window, ``0 .. n_classes - 1`` (read-only)."""
        return _labels(self.name, self.states, self.radius)

    @property
    def n_classes(self) -> int:
        """Number of classes (the family has ``states ** n_classes`` rules)."""
        return int(self.labels.max()) + 1

    @property
    def title(self) -> str:
        """What its members are called: ``"totalistic 1-D rules of 3 states and radius 1"``."""
        kind = {
            "table": "",
            "symmetric": "reflection-symmetric ",
            "outer-totalistic": "outer-totalistic ",
            "totalistic": "totalistic ",
        }[self.name]
        return f"{kind}1-D rules of {self.states} states and radius {self.radius}"

    @property
    def assumption(self) -> str:
        """The assumption in words, to quote in a verdict."""
        return {
            "table": f"no assumption beyond a deterministic rule on the window of {2 * self.radius + 1} cells",
            "symmetric": "the next state is the same for a window and its mirror image",
            "outer-totalistic": "the next state depends only on the cell and the sum of the other cells' states "
            "in its window",
            "totalistic": "the next state depends only on the sum of the states in the cell's window",
        }[self.name]

    @property
    def symmetry(self) -> str:
        """The symmetry every class is closed under: ``"reflection"``, or ``"none"`` for the full table."""
        return "none" if self.name == "table" else "reflection"

    def __str__(self) -> str:
        return self.title


def _rules(states: int, free: int) -> str:
    """How many rules leave ``free`` classes open, in words: ``"9"``, ``"3^40"``."""
    return f"{states**free:,}" if free <= 20 and states**free <= _WRITTEN_OUT else f"{states}^{free}"


@dataclass(eq=False)
class OneDVerdict(OnLadder):
    """What 1-D observations determine, and under which assumptions (meets
    :class:`~lifelab.evidence.ladder.VerdictProtocol`).

    Attributes:
        rung: ``"identified"`` (every window observed), ``"identified within family"`` (every class of the family
            observed), ``"underdetermined"`` or ``"inconsistent"``.
        family: The family the verdict rests on (the one refuted, when a stated family is contradicted).
        evidence: The counts at the chosen radius (the largest tried, when every radius is refuted).
        rule: The rule the data determine, or None.
        table: ``(windows,)`` the data's next state per window under the family (the class majority); -1 where
            unknown.
        known: ``(windows,)`` bool, the windows whose next state the data decide under the family.
        assumptions: What the verdict rests on, one sentence each: the states, the radius, the boundary, the family.
        allowed: The families the data allow at this radius (no class going two ways), fewest assumptions first.
        rejected: ``{radius: windows going two ways}`` for the radii the data refute (every one tried, when
            inconsistent).
        note: Extra words (families the data contradict, the classes left open within the largest they allow).
        boundary_note: Empty: the boundary is stated.
    """

    rung: str
    family: OneDFamily
    evidence: OneDEvidence = field(repr=False)
    rule: OneDRule | None
    table: np.ndarray = field(repr=False)
    known: np.ndarray = field(repr=False)
    assumptions: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    rejected: dict[int, int] = field(default_factory=dict)
    note: str = ""
    boundary_note: str = ""

    noise = None

    @property
    def states(self) -> int:
        """Cell states."""
        return self.evidence.states

    @property
    def radius(self) -> int:
        """The window's radius."""
        return self.evidence.radius

    @property
    def boundary(self) -> str:
        """What lay beyond a row's ends."""
        return self.evidence.boundary

    @property
    def label(self) -> str:
        """The rung in words, with the family where it matters."""
        if self.rung == "identified within family":
            return f"identified within {self.family.title}"
        return self.rung

    @property
    def unobserved(self) -> list[int]:
        """Window numbers never observed."""
        return [int(c) for c in np.setdiff1d(np.arange(self.evidence.windows), self.evidence.codes)]

    @property
    def observed_classes(self) -> int:
        """Classes of the family the data show."""
        return len(np.unique(self.family.labels[self.evidence.codes]))

    @property
    def unobserved_classes(self) -> int:
        """Classes of the family the data never show."""
        return self.family.n_classes - self.observed_classes

    @property
    def consistent_rules(self) -> int:
        """Rules of the family that fit the data, ``states ** unobserved_classes`` (0 when inconsistent)."""
        return 0 if self.rung == "inconsistent" else self.states**self.unobserved_classes

    def disagreements(self, rule) -> int:
        """Windows the data decide on which ``rule`` (a :class:`~lifelab.rules.OneDRule` of the verdict's states and
        radius) says otherwise; all of them for None."""
        if rule is None:
            return int(self.known.sum())
        return int((self._table_of(rule, "rule") != self.table)[self.known].sum())

    def guess_accuracy(self, truth) -> float | None:
        """No learner's guess is kept with a 1-D verdict: None."""
        return None

    def predict(self, rows, fallback=None) -> tuple[np.ndarray, np.ndarray]:
        """One step of each row under the table the data decide, and where the data decide it.

        Args:
            rows: ``(..., W)`` cell states, each row stepped on its own under the verdict's boundary (a ring, or
                dead cells beyond the ends; under ``"open"`` the cells within ``radius`` of an end are never
                decided, their windows read with dead cells beyond).
            fallback: The next state of the windows the data leave open: a :class:`~lifelab.rules.OneDRule` or a
                table of the verdict's states and radius (a network's reading, say), one state for all, or None:
                the most frequent next state in the data.

        Returns:
            ``(next_rows, determined)``: the next states, uint8, and a bool per cell that is True where its
            window's class is known.

        Raises:
            InputError: For rows holding states beyond the verdict's, or a fallback of another size.
        """
        arr = _states_array(rows, "rows")
        if arr.ndim == 0 or arr.shape[-1] == 0:
            raise InputError(f"rows must be (..., W) with W >= 1, got shape {arr.shape}")
        if arr.size and arr.max() >= self.states:
            raise InputError(f"the rows hold state {int(arr.max())}, beyond the verdict's {self.states} states")
        flat = arr.reshape(-1, arr.shape[-1])
        codes = _window_codes(flat, self.states, self.radius, "ring" if self.boundary == "ring" else "dead")
        determined = self.known[codes]
        if self.boundary == "open":
            determined[:, : self.radius] = False
            determined[:, max(flat.shape[1] - self.radius, 0) :] = False
        following = np.where(determined, self.table[codes], self._fallback(fallback)[codes])
        return following.astype(np.uint8).reshape(arr.shape), determined.reshape(arr.shape)

    def member(self, table) -> OneDRule:
        """A full table projected onto the verdict's family: the rule a report may state beside the verdict.

        Each class the data decide keeps the data's next state; every other class takes the next state ``table``
        gives most of its windows, a tie going to the smallest state.

        Args:
            table: A :class:`~lifelab.rules.OneDRule` or a ``(windows,)`` table of the verdict's states and radius
                (a network's reading, say).

        Returns:
            A rule of the family.
        """
        values = self._table_of(table, "table")
        labels = self.family.labels
        votes = np.zeros((self.family.n_classes, self.states), np.int64)
        np.add.at(votes, (labels, values), 1)
        by_class = votes.argmax(axis=1)
        by_class[labels[self.known]] = self.table[self.known]
        return OneDRule(by_class[labels], self.states, self.radius)

    def _table_of(self, table, what: str) -> np.ndarray:
        """A rule's or an array's table, checked against the verdict's states and radius."""
        if isinstance(table, OneDRule):
            if (table.states, table.radius) != (self.states, self.radius):
                raise InputError(
                    f"the {what} has {table.states} states and radius {table.radius}; the verdict "
                    f"{self.states} states and radius {self.radius}"
                )
            return table.table.astype(np.int64)
        values = _states_array(table, f"the {what}")
        if values.shape != (self.evidence.windows,):
            raise InputError(
                f"the {what} must hold {self.evidence.windows:,} next states (one per window), got shape {values.shape}"
            )
        if values.size and values.max() >= self.states:
            raise InputError(f"the {what} holds state {int(values.max())}, beyond the verdict's {self.states} states")
        return values

    def _fallback(self, fallback) -> np.ndarray:
        if fallback is None:
            return np.full(self.evidence.windows, int(self.evidence.counts.sum(axis=0).argmax()), np.int64)
        if isinstance(fallback, (int, np.integer)) and not isinstance(fallback, bool):
            state = check_int("fallback", fallback, 0, self.states - 1)
            return np.full(self.evidence.windows, state, np.int64)
        return self._table_of(fallback, "fallback")

    def _rung_sentence(self) -> str:
        ev, fam = self.evidence, self.family
        seen = (
            f"{ev.codes.size:,} of {ev.windows:,} windows of radius {ev.radius} were observed "
            f"(in {ev.observations:,} cell updates)"
        )
        if self.rung == "identified":
            return (
                f"Identified {self.rule}: all {ev.windows:,} windows of radius {ev.radius} were observed (in "
                f"{ev.observations:,} cell updates), none with two different next states, so it is the only "
                f"{ev.states}-state 1-D rule of radius {ev.radius} that "
                "reproduces the data."
            )
        if self.rung == "identified within family":
            free = ev.windows - ev.codes.size
            return (
                f"Identified {self.rule} within {fam.title}: assuming {fam.assumption}, all {fam.n_classes:,} "
                f"classes were observed and the data contradict the assumption nowhere. Without it "
                f"{_rules(ev.states, free)} rules fit the data: {seen}."
            )
        if self.rung == "underdetermined":
            free = self.unobserved_classes
            if fam.name == "table":
                text = (
                    f"Underdetermined: {free:,} of the {ev.windows:,} windows of radius {ev.radius} were never "
                    f"observed (in {ev.observations:,} cell updates), so {_rules(ev.states, free)} rules fit the "
                    "data equally well."
                )
            else:
                text = (
                    f"Underdetermined: assuming {fam.assumption}, {free:,} of the {fam.n_classes:,} classes of "
                    f"{fam.title} were never observed, so {_rules(ev.states, free)} rules of the family fit the "
                    f"data equally well: {seen}."
                )
            return text + (f" {self.note}" if self.note else "")
        if self.note:
            return f"Inconsistent: {self.note}"
        radii = ", ".join(f"{c:,} at radius {r}" for r, c in self.rejected.items())
        return (
            f"Inconsistent: at every radius tried some window is followed by two different next states ({radii}); "
            f"no deterministic 1-D rule of radius up to {ev.radius} reproduces the data."
        )

    def summary(self) -> str:
        """A few lines: the rung, the evidence, the assumptions, and the verdict in words."""
        ev = self.evidence
        lines = [
            f"verdict       {self.label}",
            f"evidence      {ev.codes.size:,} of {ev.windows:,} windows of radius {ev.radius} observed in "
            f"{ev.observations:,} cell updates",
        ]
        lines += [f"{'assumptions' if i == 0 else '':<13} {a}" for i, a in enumerate(self.assumptions)]
        return "\n".join(lines + [self.sentence()])


def _counted(
    data, states: int | None, radius: int | str, boundary: str | None, max_radius: int
) -> tuple[dict[int, OneDEvidence], bool]:
    """The evidence at each radius to consider, smallest first, and whether the states were read off the data."""
    if isinstance(data, OneDEvidence):
        data = {data.radius: data}
    if isinstance(data, Mapping):
        if not data or not all(isinstance(e, OneDEvidence) and e.radius == r for r, e in data.items()):
            raise InputError("counted 1-D evidence must map each radius to its OneDEvidence")
        for name, stated in (("states", states), ("boundary", boundary)):
            mine = {getattr(e, name) for e in data.values()}
            if len(mine) > 1 or (stated is not None and stated not in mine):
                raise InputError(f"the evidence was counted with {name} {sorted(mine)}, not {stated!r}")
        radii = sorted(r for r in data if radius == "auto" and r <= max_radius or r == radius)
        if not radii:
            asked = f"radius {radius}" if radius != "auto" else f"radii up to {max_radius}"
            raise InputError(f"no evidence counted at the {asked} (counted: {sorted(data)})")
        return {r: data[r] for r in radii}, False
    pairs = row_pairs(data)
    inferred = states is None
    states = _states_of(pairs, states)
    if radius != "auto":
        radii = [int(radius)]
    else:
        radii = [r for r in range(1, max_radius + 1) if states ** (2 * r + 1) <= DENSE_LIMIT] or [1]
    return {r: OneDEvidence._count(pairs, states, r, boundary or "ring") for r in radii}, inferred


def decide_1d(
    data,
    *,
    states: int | None = None,
    radius: int | str = "auto",
    family: str = "auto",
    boundary: str | None = None,
    max_radius: int = 3,
) -> OneDVerdict:
    """What 1-D observations determine about the rule, and under which assumptions.

    The radius is the smallest from 1 to ``max_radius`` at which no window is followed by two different next
    states (or the one stated); the family the weakest of :data:`FAMILIES_1D` under which every class was observed
    and none goes two ways (or the one stated).  Every assumption made is stated in the verdict's ``assumptions``.

    Args:
        data: Pairs of rows as :func:`row_pairs` reads them (a trajectory array, or a list of ``(before, after)``
            rows of any lengths); or the evidence already counted: a :class:`OneDEvidence`, or
            ``{radius: OneDEvidence}`` for the radii to consider.
        states: Cell states (default: the highest state seen, plus one, at least 2; stated in the verdict).
        radius: The window's radius, or ``"auto"``: the smallest from 1 to ``max_radius`` the data allow.
        family: One of :data:`FAMILIES_1D`, or ``"auto"``: the weakest the data determine and do not contradict.
        boundary: ``"ring"`` (a row's ends wrap around), ``"dead"`` (dead cells beyond them) or ``"open"`` (only
            windows inside the row count); default the counted evidence's, else ``"ring"``.
        max_radius: The largest radius ``radius="auto"`` tries.

    Returns:
        The :class:`OneDVerdict`.

    Raises:
        InputError: For an unknown family or boundary, a radius out of range, counted evidence that disagrees with
            the stated states, radius or boundary, or data :func:`row_pairs` refuses.

    Examples:
        >>> import numpy as np
        >>> from lifelab import simulate
        >>> from lifelab.evidence import decide_1d
        >>> from lifelab.rules import OneDRule
        >>> rows = np.random.default_rng(0).integers(0, 2, (4, 1, 32))
        >>> verdict = decide_1d(simulate(OneDRule.from_wolfram(30), rows, 8))
        >>> verdict.label, str(verdict.rule)
        ('identified', 'R1,C2,W30')
        >>> decide_1d(simulate(OneDRule.from_wolfram(30), rows[:1, :, :6], 1)).label
        'underdetermined'
    """
    if family != "auto" and family not in FAMILIES_1D:
        raise InputError(f"a 1-D family is 'auto' or one of {list(FAMILIES_1D)}, got {family!r}")
    if boundary is not None:
        _check_boundary(boundary)
    max_radius = check_int("max_radius", max_radius, 1, MAX_RADIUS)
    if radius != "auto":
        radius = check_int("radius", radius, 1, MAX_RADIUS)
    counted, inferred = _counted(data, states, radius, boundary, max_radius)
    rejected: dict[int, int] = {}
    for r, evidence in counted.items():
        conflicts = evidence.conflicts()
        if conflicts == 0:
            break
        rejected[r] = conflicts
    assumptions = _assumptions(evidence, inferred, radius == "auto" and len(counted) > 1, rejected)
    if len(rejected) == len(counted):
        table_family = OneDFamily("table", evidence.states, evidence.radius)
        return _verdict("inconsistent", table_family, evidence, assumptions, [], rejected)
    allowed = [name for name in FAMILIES_1D if evidence.conflicts(name) == 0]
    if family != "auto":
        stated = OneDFamily(family, evidence.states, evidence.radius)
        if family != "table":
            assumptions.append(f"The rule is one of the {stated.title}: {stated.assumption}.")
        if family not in allowed:
            note = (
                f"the data contradict the {stated.title} in {evidence.conflicts(family):,} of its "
                f"{stated.n_classes:,} classes, which are followed by two different next states (the families "
                f"the data allow: {', '.join(allowed)})."
            )
            return _verdict("inconsistent", stated, evidence, assumptions, allowed, rejected, note)
        complete = _complete(evidence, stated)
        rung = "underdetermined" if not complete else "identified" if family == "table" else "identified within family"
        return _verdict(rung, stated, evidence, assumptions, allowed, rejected)
    for name in allowed:
        fam = OneDFamily(name, evidence.states, evidence.radius)
        if _complete(evidence, fam):
            if name != "table":
                assumptions.append(
                    f"The rule is one of the {fam.title} (the weakest family under which every class was "
                    f"observed): {fam.assumption}."
                )
            rung = "identified" if name == "table" else "identified within family"
            return _verdict(rung, fam, evidence, assumptions, allowed, rejected)
    largest = OneDFamily(allowed[-1], evidence.states, evidence.radius)
    note = (
        ""
        if largest.name == "table"
        else f"Within the {largest.title}, the largest family the data allow, "
        f"{largest.n_classes - len(np.unique(largest.labels[evidence.codes])):,} of {largest.n_classes:,} "
        "classes were never observed."
    )
    fam = OneDFamily("table", evidence.states, evidence.radius)
    return _verdict("underdetermined", fam, evidence, assumptions, allowed, rejected, note)


def _complete(evidence: OneDEvidence, fam: OneDFamily) -> bool:
    """Every class of the family observed."""
    return len(np.unique(fam.labels[evidence.codes])) == fam.n_classes


def _assumptions(evidence: OneDEvidence, inferred: bool, searched: bool, rejected: dict[int, int]) -> list[str]:
    """The sentences on the states, the radius and the boundary a verdict rests on."""
    r = evidence.radius
    said = []
    if inferred:
        said.append(f"The rule has {evidence.states} states: the highest state the data show, plus one.")
    if r in rejected:
        said.append(
            f"Windows of radius {', '.join(map(str, rejected))} were tried: the next state is a function of none."
        )
    elif searched:
        refuted = (
            f" (radius {', '.join(map(str, rejected))} {'is' if len(rejected) == 1 else 'are'} refuted by windows "
            "followed by two different next states)"
            if rejected
            else ""
        )
        said.append(
            f"The next state is a function of the window of radius {r} ({2 * r + 1} cells), the smallest window "
            f"the data allow{refuted}."
        )
    else:
        said.append(f"The next state is a function of the window of radius {r} ({2 * r + 1} cells).")
    said.append(
        {
            "ring": "Each row is a ring: its ends wrap around.",
            "dead": "Beyond each row's ends lie dead cells (state 0).",
            "open": f"Nothing is known beyond a row's ends: the {r} cells at each end are not counted.",
        }[evidence.boundary]
    )
    return said


def _verdict(
    rung: str,
    fam: OneDFamily,
    evidence: OneDEvidence,
    assumptions: list[str],
    allowed: list[str],
    rejected: dict[int, int],
    note: str = "",
) -> OneDVerdict:
    """The verdict with the data's table under the family (nothing known when inconsistent)."""
    summed, _ = evidence.by_class(fam.name)
    known = (summed.sum(axis=1) > 0)[fam.labels] & (rung != "inconsistent")
    table = np.where(known, summed.argmax(axis=1)[fam.labels], -1)
    rule = OneDRule(table, evidence.states, evidence.radius) if rung.startswith("identified") else None
    return OneDVerdict(rung, fam, evidence, rule, table, known, assumptions, allowed, rejected, note)
