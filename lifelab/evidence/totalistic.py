"""What the data determine about a rule that counts live cells beyond 3x3 (Larger than Life).

A 3x3 rule is a table of 512 patterns, and :mod:`lifelab.evidence` counts
each one.  A range-2 box has 2^25 patterns, a range-5 box 2^121: no data
set shows them all, so every verdict about such a rule rests on an
assumption, and this module states it.  A :class:`Neighbourhood` (Golly's
box ``NM``, diamond ``NN`` or disc ``NC`` of range ``r``) groups the
observations by *class*: the cell's own state and how many cells of the
neighbourhood are alive.  :class:`CountEvidence` counts, per class, how
often the cell was next alive and how often dead.

:func:`decide_counts` climbs the same ladder (:mod:`lifelab.evidence.ladder`) as :func:`lifelab.evidence.decide`,
under the Larger than Life assumption: the next state depends on the cell
and its live count only, and a dead cell is born (a live one survives)
when the count lies in one interval.  The interval part is what lets a
finite sample decide a class it never saw: if a dead cell was seen born
at 6 and 8 but not at 5 or 9, an interval rule is born at 7 too, and at
nothing below 5 or above 9.  So:

- **identified within Larger than Life rules on that neighbourhood**: for
  both centre states the observed counts pin both ends of the interval;
- **underdetermined**: some end is open (the counts next to it were never
  observed), and the verdict says how many interval rules fit;
- **inconsistent**: some class went to both states (no totalistic rule on
  the neighbourhood fits; the noise model of :mod:`lifelab.evidence` covers
  3x3 windows only), or the born (surviving) counts are not one interval.

The assumption-free rung ("identified") needs every one of the 2^cells
patterns observed and is out of reach beyond 3x3.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from lifelab.boards import validate_trajectories
from lifelab.errors import InputError, InputTypeError
from lifelab.evidence.boundary import check_boundary, choose_boundary, keyed
from lifelab.evidence.ladder import OnLadder
from lifelab.families import HROT_NEIGHBOURHOODS, LTL_NEIGHBOURHOODS, HROTRule, LtLRule
from lifelab.utils import check_int

__all__ = ["COUNT_SHAPES", "SHAPES_BY_SIZE", "CountEvidence", "CountFamily", "CountVerdict", "Neighbourhood",
           "decide_counts"]

#: Neighbourhood shapes of one range, fewest cells first.
SHAPES_BY_SIZE = ("N", "C", "M")

#: The shapes a count verdict reads: Larger than Life's box, diamond and disc, and Golly 4's other neighbourhoods
#: with the square's symmetry (cross, saltire, star, hash, Euclidean disc, checkerboards), written in Larger than
#: Life's syntax (``R2,C0,M1,S2..4,B2..3,N+``).
COUNT_SHAPES = ("M", "N", "C", "2", "+", "X", "*", "#", "B", "D")


@dataclass(frozen=True)
class Neighbourhood:
    """The cells a Larger than Life rule counts: Golly's box, diamond or disc of a range, the cell itself not counted.

    Attributes:
        range: How far it reaches (``r``).
        shape: ``"M"`` (box), ``"N"`` (diamond) or ``"C"`` (disc).
    """

    range: int
    shape: str = "M"

    def __post_init__(self):
        check_int("range", self.range, 1)
        if self.shape not in COUNT_SHAPES:
            raise InputError(f"neighbourhood shape must be one of {list(COUNT_SHAPES)}, got {self.shape!r}")

    @classmethod
    def of(cls, rule) -> Neighbourhood:
        """The neighbourhood a Larger than Life rule (or an HROT rule on one of :data:`COUNT_SHAPES`) counts on."""
        if not isinstance(rule, (LtLRule, HROTRule)):
            raise InputTypeError(f"expected a Larger than Life rule, got {type(rule).__name__}")
        return cls(rule.range, rule.neighbourhood)

    @functools.cached_property
    def _template(self) -> LtLRule | HROTRule:
        if self.shape in LTL_NEIGHBOURHOODS:
            return LtLRule(self.range, (0, 0), (0, 0), neighbourhood=self.shape)
        return HROTRule(self.range, (), (1,), neighbourhood=self.shape)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The counted cells ``(dy, dx)``, reading order, without the centre."""
        return [offset for offset in self._template.offsets if offset != (0, 0)]

    @property
    def size(self) -> int:
        """Cells counted (the cell itself not among them)."""
        return self._template.size

    @property
    def title(self) -> str:
        """``"the range-2 box (NM)"``."""
        words = {**HROT_NEIGHBOURHOODS, **LTL_NEIGHBOURHOODS}[self.shape].split(" (")
        word = words[-1].removeprefix("a ").rstrip(")") if self.shape in LTL_NEIGHBOURHOODS else words[0]
        return f"the range-{self.range} {word} (N{self.shape})"

    def counts(self, alive: np.ndarray) -> np.ndarray:
        """Live cells of the neighbourhood around every cell of ``(..., H, W)`` boards (periodic)."""
        if isinstance(self._template, LtLRule):
            return self._template.counts(alive)
        alive = np.asarray(alive, dtype=bool)
        return (self._template.counts(alive.astype(np.uint8)) - alive).astype(np.int32)

    def keys(self, alive: np.ndarray) -> np.ndarray:
        """Each cell's class index, ``centre * (size + 1) + live count``, on ``(..., H, W)`` boards (periodic)."""
        alive = np.asarray(alive, dtype=bool)
        return alive * (self.size + 1) + self.counts(alive)

    def rule(self, birth: tuple[int, int], survival: tuple[int, int]) -> LtLRule:
        """The 2-state Larger than Life rule born and surviving at these live-neighbour counts (the cell not counted).

        It is spelled ``M1``, as Golly's own Larger than Life rules are: the
        survival limits count the live cell itself, so they are one higher.
        """
        if self.shape in LTL_NEIGHBOURHOODS:
            return LtLRule(self.range, (survival[0] + 1, survival[1] + 1), birth, middle=True,
                           neighbourhood=self.shape)
        return HROTRule(self.range, range(survival[0] + 1, survival[1] + 2), range(birth[0], birth[1] + 1),
                        neighbourhood=self.shape, ltl=True, middle=True)

    def decisions(self, rule: LtLRule) -> np.ndarray:
        """``(2, size + 1)`` bool: the next state a rule on this neighbourhood gives per (centre, live count) class."""
        if Neighbourhood.of(rule).offsets != self.offsets:
            raise InputError(f"{rule} counts a different neighbourhood than {self.title}")
        counts = np.arange(self.size + 1)
        return np.stack([np.isin(counts, sorted(rule.born)), np.isin(counts, sorted(rule.survives))])

    def class_name(self, c: int) -> str:
        """``"dead, 7 live"``: the name of class index ``c`` (``centre * (size + 1) + count``)."""
        centre, count = divmod(int(c), self.size + 1)
        return f"{'alive' if centre else 'dead'}, {count} live"


@dataclass(frozen=True, eq=False)
class CountFamily:
    """The Larger than Life assumption on one neighbourhood, worded for verdicts (the counterpart of a 3x3 family).

    Attributes:
        neighbourhood: The cells counted.
    """

    neighbourhood: Neighbourhood
    name: str = "ltl"
    symmetry: str = "p4m"

    @property
    def lists(self) -> bool:
        """HROT's assumption (any set of counts), not Larger than Life's (one interval)."""
        return self.name == "hrot"

    @property
    def title(self) -> str:
        """``"Larger than Life rules on the range-2 box (NM)"``, or ``"HROT rules on ..."``."""
        return f"{'HROT' if self.lists else 'Larger than Life'} rules on {self.neighbourhood.title}"

    @property
    def assumption(self) -> str:
        """The assumption in words."""
        said = f"the next state depends only on the cell and how many cells of {self.neighbourhood.title} are alive"
        return said + ("" if self.lists else ", and the counts at which a dead cell is born (a live cell survives) "
                                             "form one interval")

    @property
    def n_classes(self) -> int:
        """(centre, live count) classes."""
        return 2 * (self.neighbourhood.size + 1)

    @property
    def class_names(self) -> list[str]:
        """Every class's name, by index."""
        return [self.neighbourhood.class_name(c) for c in range(self.n_classes)]


@dataclass(eq=False)
class CountEvidence:
    """How often each (centre, live count) class was followed by a live cell and by a dead one.

    Attributes:
        neighbourhood: The cells counted.
        counts: ``(2, size + 1, 2)``: centre dead/alive, live cells counted, next dead/alive.
        transitions: Board transitions counted.
        states: Always 2 (Larger than Life rules with more states are simulated, not learned, so far).
        boundary: What was taken to lie beyond the frame (``"torus"``, ``"dead"`` or ``"open"``).
        boundary_note: Why, when the data chose it (``boundary="auto"``); else empty.
    """

    neighbourhood: Neighbourhood
    counts: np.ndarray = field(repr=False)
    transitions: int
    states: int = 2
    boundary: str = "torus"
    boundary_note: str = ""

    @classmethod
    def of(cls, trajectories, neighbourhood: Neighbourhood, boundary: str = "torus") -> CountEvidence:
        """Count the transitions of ``(n, T + 1, H, W)`` (or one ``(T + 1, H, W)``) 2-state trajectories.

        Args:
            trajectories: 0/1 cell states.
            neighbourhood: The cells counted.
            boundary: What lies beyond the frame, as in :meth:`lifelab.evidence.Evidence.of`
                (``"open"``: only cells ``range`` or more from every edge count).

        Raises:
            InputError: For boards smaller than the neighbourhood (it would wrap onto itself) or non-binary data.
        """
        if not isinstance(neighbourhood, Neighbourhood):
            raise InputTypeError(f"neighbourhood must be a Neighbourhood, got {type(neighbourhood).__name__}")
        traj = validate_trajectories(trajectories)
        boundary = check_boundary(boundary)
        span = 2 * neighbourhood.range + 1
        if min(traj.shape[2:]) < span:
            raise InputError(f"boards of {traj.shape[2]}x{traj.shape[3]} are smaller than {neighbourhood.title} "
                             f"({span}x{span}): its cells would wrap onto each other")
        n, length = traj.shape[:2]
        alive = traj == 1
        classes = neighbourhood.size + 1
        note = ""
        if boundary == "auto":
            choice = choose_boundary(alive[:, :-1], alive[:, 1:], neighbourhood.range, neighbourhood.keys,
                                     2 * classes)
            boundary, note = choice.boundary, choice.note
        keys = keyed(alive[:, :-1], neighbourhood.range, boundary, neighbourhood.keys)
        counted = keys >= 0
        pairs = keys[counted] * 2 + alive[:, 1:][counted]
        counts = np.bincount(pairs, minlength=4 * classes).reshape(2, classes, 2)
        return cls(neighbourhood, counts.astype(np.int64), n * (length - 1), 2, boundary, note)

    def like(self, trajectories) -> CountEvidence:
        """The evidence of more trajectories, counted as this was (same neighbourhood and boundary)."""
        return CountEvidence.of(trajectories, self.neighbourhood, self.boundary)

    def __add__(self, other: CountEvidence) -> CountEvidence:
        if not isinstance(other, CountEvidence):
            return NotImplemented
        if other.neighbourhood != self.neighbourhood:
            raise InputError(f"cannot pool counts on {self.neighbourhood.title} and {other.neighbourhood.title}")
        if other.boundary != self.boundary:
            raise InputError(f"cannot pool counts taken with a {self.boundary} and a {other.boundary} boundary")
        return CountEvidence(self.neighbourhood, self.counts + other.counts, self.transitions + other.transitions,
                             self.states, self.boundary, self.boundary_note)

    @property
    def observations(self) -> int:
        """Cell updates observed."""
        return int(self.counts.sum())

    @property
    def observed(self) -> np.ndarray:
        """``(n_classes,)`` bool, by class index: observed at least once."""
        return self.counts.sum(axis=2).ravel() > 0

    @property
    def showable(self) -> np.ndarray:
        """``(n_classes,)`` bool: every class can occur on a board at least as large as the neighbourhood."""
        return np.ones(self.observed.shape, dtype=bool)

    @property
    def conflicting(self) -> np.ndarray:
        """``(n_classes,)`` bool: classes seen going to both states."""
        return (self.counts > 0).all(axis=2).ravel()

    def summary(self) -> str:
        """One line: classes observed, conflicts, and the patterns a 2^cells table would need."""
        cells = self.neighbourhood.size + 1
        return (f"{int(self.observed.sum())} of {self.observed.size} (centre, live count) classes on "
                f"{self.neighbourhood.title} observed, {int(self.conflicting.sum())} with both next states "
                f"({self.observations} cell updates; a full table would have 2^{cells} patterns)")


@dataclass(eq=False)
class CountVerdict(OnLadder):
    """What count data determine under the Larger than Life assumption (cf. :class:`~lifelab.evidence.Verdict`).

    Attributes:
        rung: One of :data:`lifelab.evidence.ladder.RUNGS` (never ``"identified"``: no assumption-free
            verdict is possible beyond 3x3).
        rule: The rule the data determine, or None.
        family: The assumption (:class:`CountFamily`).
        evidence: The counts it rests on.
        table: ``(n_classes,)`` bool: the next state per class the data favour (dead where open).
        known: ``(n_classes,)`` bool: classes the data decide under the assumption.
        undecided: Classes the assumption leaves open.
        unexplained: Classes no rule of the family explains.
        rules_fit: How many Larger than Life rules on the neighbourhood fit the data.
        note: Why the data are inconsistent, when they are.
        guess: The learner's rule, when one was given.
        boundary_note: What the data showed beyond the frame, when the boundary was theirs to choose.
    """

    rung: str
    rule: LtLRule | None
    family: CountFamily
    evidence: CountEvidence
    table: np.ndarray = field(repr=False)
    known: np.ndarray = field(repr=False)
    undecided: list[int] = field(default_factory=list)
    unexplained: list[int] = field(default_factory=list)
    rules_fit: int = 0
    note: str = ""
    guess: LtLRule | None = None
    boundary_note: str = ""
    requested: str = "ltl"
    noise = None


    @property
    def raw(self) -> CountEvidence:
        """The evidence (what a 3x3 verdict calls its assumption-free view)."""
        return self.evidence

    @property
    def unobserved(self) -> list[int]:
        """Class indices never observed."""
        return [int(c) for c in np.flatnonzero(~self.evidence.observed)]

    @property
    def label(self) -> str:
        """The rung in words, with the family where it matters."""
        return f"identified within {self.family.title}" if self.determined else self.rung

    def disagreements(self, rule) -> int:
        """Classes the data decide on which ``rule`` says otherwise (all decided classes for a rule of another kind)."""
        if not isinstance(rule, (LtLRule, HROTRule)) or \
                Neighbourhood.of(rule).offsets != self.family.neighbourhood.offsets:
            return int(self.known.sum())
        return int((self.family.neighbourhood.decisions(rule).ravel() != self.table)[self.known].sum())

    def guess_accuracy(self, truth) -> float | None:
        """How many never-observed classes the learner's rule gets right (None: no guess, or none unobserved)."""
        unseen = ~self.evidence.observed
        if self.guess is None or not unseen.any():
            return None
        nb = self.family.neighbourhood
        if Neighbourhood.of(self.guess).offsets != nb.offsets:
            return 0.0
        return float((nb.decisions(self.guess).ravel() == nb.decisions(truth).ravel())[unseen].mean())

    def _rung_sentence(self) -> str:
        fam, ev = self.family, self.evidence
        seen = int(ev.observed.sum())
        if self.rung == "identified within family" and fam.lists:
            return (f"Identified {self.rule} within {fam.title}: {self.note[0].upper()}{self.note[1:]} Assuming "
                    f"{fam.assumption}, all {fam.n_classes} classes were observed, none going both ways. Without "
                    f"it no verdict is possible: a table of 2^{fam.neighbourhood.size + 1} patterns cannot be "
                    "observed whole.")
        if self.rung == "underdetermined" and fam.lists:
            return (f"Underdetermined: {self.note[0].upper()}{self.note[1:]} Assuming {fam.assumption}, "
                    f"{self.rules_fit:,} HROT rules fit the data; the classes {', '.join(self._names(self.undecided))} "
                    "were never observed.")
        if self.rung == "identified within family":
            return (f"Identified {self.rule} within {fam.title}: assuming {fam.assumption}, the {seen} observed of "
                    f"the {fam.n_classes} classes pin both ends of both intervals, and the data contradict the "
                    f"assumption nowhere. Without it no verdict is possible: a table of "
                    f"2^{fam.neighbourhood.size + 1} patterns cannot be observed whole.")
        if self.rung == "inconsistent":
            return f"Inconsistent: {self.note}"
        return (f"Underdetermined: assuming {fam.assumption}, {self.rules_fit} Larger than Life rules on "
                f"{fam.neighbourhood.title} fit the data; the classes at the open ends of the intervals "
                f"({', '.join(self._names(self.undecided))}) were never observed.")

    def _names(self, classes: list[int], most: int = 6) -> list[str]:
        names = [self.family.class_names[c] for c in classes[:most]]
        return names + (["..."] if len(classes) > most else [])

    def summary(self) -> str:
        """A few lines: the rung, the evidence and the assumption."""
        return "\n".join([f"verdict      {self.label}" + (f": {self.rule}" if self.rule is not None else ""),
                          f"evidence     {self.evidence.summary()}", f"assumption   {self.family.assumption}",
                          self.sentence()])



def _interval(live: np.ndarray, dead: np.ndarray) -> tuple[tuple[int, int] | None, list[int], int, str]:
    """The interval the observed live and dead counts of one centre state allow.

    Returns:
        ``(interval or None, open counts, intervals that fit, why not an interval or "")``; every
        count neither open nor in the interval's observed span is dead under the assumption.
    """
    top = len(live) - 1
    alive_at, dead_at = np.flatnonzero(live), np.flatnonzero(dead)
    if not len(alive_at):  # never seen alive: any interval inside a gap between dead counts fits
        gaps = np.diff(np.concatenate([[-1], dead_at, [top + 1]])) - 1
        return None, [int(c) for c in np.flatnonzero(~dead)], int((gaps * (gaps + 1) // 2).sum()), ""
    lo, hi = int(alive_at.min()), int(alive_at.max())
    inside = dead_at[(dead_at > lo) & (dead_at < hi)]
    if len(inside):
        return None, [], 0, f"alive after {lo} and {hi} live but dead after {int(inside[0])}"
    below = int(dead_at[dead_at < lo].max()) if (dead_at < lo).any() else -1
    above = int(dead_at[dead_at > hi].min()) if (dead_at > hi).any() else top + 1
    open_counts = list(range(below + 1, lo)) + list(range(hi + 1, above))
    fits = (lo - below) * (above - hi)
    return ((lo, hi) if fits == 1 else None), open_counts, fits, ""


def _decide_lists(evidence: CountEvidence, majority: np.ndarray, common: dict, reasons: str) -> CountVerdict:
    """No interval fits, but no class went both ways: the verdict under HROT's assumption (any set of counts).

    Every class observed identifies one HROT rule; otherwise the unobserved classes are open.  A birth on
    no live cell (B0) is refused as Golly refuses it here (its B0 emulation), and stays inconsistent.
    """
    nb = evidence.neighbourhood
    fam = CountFamily(nb, name="hrot")
    seen = evidence.observed.ravel()
    born = set(np.flatnonzero(majority[:nb.size + 1] & seen[:nb.size + 1]).tolist())
    note = f"the data are not a Larger than Life rule on {nb.title}: {reasons}"
    if 0 in born:
        return CountVerdict("inconsistent", None, table=majority, known=np.zeros_like(majority), **common,
                            note=note + "; and a birth on no live cell (B0) is an HROT rule Golly only emulates.")
    common = common | {"family": fam, "note": note + "; HROT rules take any set of counts."}
    if seen.all():
        survive = set(np.flatnonzero(majority[nb.size + 1:]).tolist())
        rule = HROTRule(nb.range, survive, born, neighbourhood=nb.shape)
        return CountVerdict("identified within family", rule, table=majority, known=seen.copy(), rules_fit=1,
                            **common)
    open_classes = [int(c) for c in np.flatnonzero(~seen)]
    return CountVerdict("underdetermined", None, table=majority & seen, known=seen.copy(), undecided=open_classes,
                        rules_fit=2 ** len(open_classes), **common)


def decide_counts(evidence: CountEvidence, guess=None) -> CountVerdict:
    """The verdict count evidence supports under the Larger than Life assumption (see the module docstring).

    Args:
        evidence: The observations.
        guess: The learner's rule, to report what it says about the open classes.

    Returns:
        A :class:`CountVerdict`.
    """
    if not isinstance(evidence, CountEvidence):
        raise InputTypeError(f"evidence must be a CountEvidence, got {type(evidence).__name__}")
    nb = evidence.neighbourhood
    fam = CountFamily(nb)
    width = nb.size + 1
    majority = (evidence.counts[..., 1] > evidence.counts[..., 0]).ravel()
    common = dict(family=fam, evidence=evidence, guess=guess if isinstance(guess, (LtLRule, HROTRule)) else None,
                  boundary_note=evidence.boundary_note)
    conflicts = [int(c) for c in np.flatnonzero(evidence.conflicting)]
    if conflicts:
        names = ", ".join(fam.class_names[c] for c in conflicts[:6]) + (", ..." if len(conflicts) > 6 else "")
        return CountVerdict("inconsistent", None, table=majority, known=np.zeros_like(majority),
                            unexplained=conflicts, **common,
                            note=f"{len(conflicts)} (centre, live count) classes on {nb.title} went to both next "
                                 f"states ({names}): no rule that counts these cells reproduces the data (the noise "
                                 "model covers 3x3 windows only).")
    intervals, open_classes, fits, reasons = [], [], 1, []
    for centre, word in ((0, "a dead cell is born"), (1, "a live cell survives")):
        live, dead = evidence.counts[centre, :, 1] > 0, evidence.counts[centre, :, 0] > 0
        interval, open_counts, n_fit, why = _interval(live, dead)
        if why:
            reasons.append(f"{word} {why}, which one interval cannot express")
        intervals.append(interval)
        open_classes += [centre * width + c for c in open_counts]
        fits *= n_fit
    if reasons:
        return _decide_lists(evidence, majority, common, "; ".join(reasons))
    known = np.ones(2 * width, dtype=bool)
    known[open_classes] = False
    table = np.zeros((2, width), dtype=bool)
    for centre, interval in enumerate(intervals):
        alive_at = np.flatnonzero(evidence.counts[centre, :, 1])
        if len(alive_at):  # between two counts seen alive, an interval is alive too
            table[centre, alive_at.min(): alive_at.max() + 1] = True
    table = table.ravel()
    if fits == 1 and intervals[0][0] == 0 and nb.shape not in LTL_NEIGHBOURHOODS:
        return CountVerdict("inconsistent", None, table=majority, known=np.zeros_like(majority), **common,
                            note=f"a dead cell is born with no live cell of {nb.title} (B0): on this neighbourhood "
                                 "that is an HROT rule, which Golly runs only through its B0 emulation and lifelab "
                                 "does not learn.")
    if fits == 1:
        rule = nb.rule(intervals[0], intervals[1])
        return CountVerdict("identified within family", rule, table=nb.decisions(rule).ravel(), known=known,
                            rules_fit=1, **common)
    return CountVerdict("underdetermined", None, table=table, known=known, undecided=sorted(open_classes),
                        rules_fit=fits, **common)

