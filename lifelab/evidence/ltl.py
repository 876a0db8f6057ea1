"""What count evidence determines about a rule that counts live cells beyond 3x3 (Larger than Life).

No data set shows every pattern of a range-2 box (2^25 of them), so every
verdict on :class:`~lifelab.evidence.totalistic.CountEvidence` rests on an
assumption, and :class:`CountFamily` states it.

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

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lifelab.errors import InputTypeError
from lifelab.evidence.ladder import OnLadder
from lifelab.evidence.totalistic import CountEvidence
from lifelab.geometry import Neighbourhood
from lifelab.rules import HROTRule, LtLRule, count_rule

__all__ = ["CountFamily", "CountVerdict", "decide_counts"]


@dataclass(frozen=True, eq=False)
class CountFamily:
    """The Larger than Life assumption on one neighbourhood, worded for verdicts (the counterpart of a 3x3 family).

    Attributes:
        neighbourhood: The cells counted.
    """

    neighbourhood: Neighbourhood
    name: str = "ltl"
    symmetry: str = "p4m"
    states: int = 2

    @property
    def lists(self) -> bool:
        """HROT's assumption (any set of counts), not Larger than Life's (one interval)."""
        return self.name == "hrot"

    @property
    def title(self) -> str:
        """``"Larger than Life rules on the range-2 box (NM)"``, or ``"HROT rules of 4 states on ..."``."""
        states = "" if self.states == 2 else f" of {self.states} states"
        return f"{'HROT' if self.lists else 'Larger than Life'} rules{states} on {self.neighbourhood.title}"

    @property
    def assumption(self) -> str:
        """The assumption in words."""
        nb = self.neighbourhood
        said = "the next state depends only on the cell and " + (
            f"the summed weights of the live cells of {nb.title}"
            if nb.weighted
            else f"how many cells of {nb.title} are alive"
        )
        said += (
            ""
            if self.lists
            else (", and the counts at which a dead cell is born (a live cell survives) form one interval")
        )
        if self.states > 2:
            through = "state 2, which is" if self.states == 3 else f"states 2 to {self.states - 1}, which are"
            said += (
                f"; a live cell that does not survive dies through {through} not counted, and then is dead (Golly's C)"
            )
        return said

    @property
    def n_classes(self) -> int:
        """(centre, count) classes some set of live cells gives."""
        return 2 * int(self.neighbourhood.reachable.sum())

    @property
    def class_names(self) -> list[str]:
        """Every class's name, by index."""
        return [self.neighbourhood.class_name(c) for c in range(2 * self.neighbourhood.width)]


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
    rule: LtLRule | HROTRule | None
    family: CountFamily
    evidence: CountEvidence
    table: np.ndarray = field(repr=False)
    known: np.ndarray = field(repr=False)
    undecided: list[int] = field(default_factory=list)
    unexplained: list[int] = field(default_factory=list)
    rules_fit: int = 0
    note: str = ""
    guess: LtLRule | HROTRule | None = None
    boundary_note: str = ""
    requested: str = "ltl"
    noise = None

    @property
    def raw(self) -> CountEvidence:
        """The evidence (what a 3x3 verdict calls its assumption-free view)."""
        return self.evidence

    @property
    def unobserved(self) -> list[int]:
        """Class indices never observed (among those that can occur)."""
        return [int(c) for c in np.flatnonzero(~self.evidence.observed & self.evidence.showable)]

    @property
    def label(self) -> str:
        """The rung in words, with the family where it matters."""
        return f"identified within {self.family.title}" if self.determined else self.rung

    def disagreements(self, rule) -> int:
        """Classes the data decide on which ``rule`` says otherwise (all decided classes for a rule of another kind)."""
        if (
            not isinstance(rule, (LtLRule, HROTRule))
            or rule.states != self.evidence.states
            or not Neighbourhood.of(rule).same_cells(self.family.neighbourhood)
        ):
            return int(self.known.sum())
        return int((self.family.neighbourhood.decisions(rule).ravel() != self.table)[self.known].sum())

    def guess_accuracy(self, truth) -> float | None:
        """How many never-observed classes the learner's rule gets right (None: no guess, or none unobserved)."""
        unseen = ~self.evidence.observed & self.evidence.showable
        if self.guess is None or not unseen.any():
            return None
        nb = self.family.neighbourhood
        if not Neighbourhood.of(self.guess).same_cells(nb):
            return 0.0
        return float((nb.decisions(self.guess).ravel() == nb.decisions(truth).ravel())[unseen].mean())

    def _rung_sentence(self) -> str:
        fam, ev = self.family, self.evidence
        if self.rung == "underdetermined" and not (ev.shown or ev.stated):
            return f"Underdetermined: {self.note[0].upper()}{self.note[1:]}"
        seen = int(ev.observed.sum())
        if self.rung == "identified within family" and fam.lists:
            return (
                f"Identified {self.rule} within {fam.title}: {self.note[0].upper()}{self.note[1:]} Assuming "
                f"{fam.assumption}, all {fam.n_classes} classes were observed, none going both ways. Without "
                f"it no verdict is possible: a table of 2^{fam.neighbourhood.size + 1} patterns cannot be "
                "observed whole."
            )
        if self.rung == "underdetermined" and fam.lists:
            return (
                f"Underdetermined: {self.note[0].upper()}{self.note[1:]} Assuming {fam.assumption}, "
                f"{self.rules_fit:,} HROT rules fit the data; the classes {', '.join(self._names(self.undecided))} "
                "were never observed."
            )
        if self.rung == "identified within family":
            return (
                f"Identified {self.rule} within {fam.title}: assuming {fam.assumption}, the {seen} observed of "
                f"the {fam.n_classes} classes pin both ends of both intervals, and the data contradict the "
                f"assumption nowhere. Without it no verdict is possible: a table of "
                f"2^{fam.neighbourhood.size + 1} patterns cannot be observed whole."
            )
        if self.rung == "inconsistent":
            return f"Inconsistent: {self.note}"
        return (
            f"Underdetermined: assuming {fam.assumption}, {self.rules_fit} Larger than Life rules on "
            f"{fam.neighbourhood.title} fit the data; the classes at the open ends of the intervals "
            f"({', '.join(self._names(self.undecided))}) were never observed."
        )

    def _names(self, classes: list[int], most: int = 6) -> list[str]:
        names = [self.family.class_names[c] for c in classes[:most]]
        return names + (["..."] if len(classes) > most else [])

    def summary(self) -> str:
        """A few lines: the rung, the evidence and the assumption."""
        return "\n".join(
            [
                f"verdict      {self.label}" + (f": {self.rule}" if self.rule is not None else ""),
                f"evidence     {self.evidence.summary()}",
                f"assumption   {self.family.assumption}",
                self.sentence(),
            ]
        )


def _interval(
    live: np.ndarray, dead: np.ndarray, values: np.ndarray
) -> tuple[tuple[int, int] | None, list[int], int, str]:
    """The interval the observed live and dead counts of one centre state allow.

    Args:
        live, dead: Per count that can occur, in order: seen followed by a live (dead) cell.
        values: Those counts.

    Returns:
        ``(interval of counts or None, open positions, intervals that fit, why not an interval or "")``;
        every count neither open nor in the interval's observed span is dead under the assumption.
    """
    top = len(live) - 1
    alive_at, dead_at = np.flatnonzero(live), np.flatnonzero(dead)
    if not len(alive_at):  # never seen alive: any interval inside a gap between dead counts fits
        gaps = np.diff(np.concatenate([[-1], dead_at, [top + 1]])) - 1
        return None, [int(c) for c in np.flatnonzero(~dead)], int((gaps * (gaps + 1) // 2).sum()), ""
    lo, hi = int(alive_at.min()), int(alive_at.max())
    inside = dead_at[(dead_at > lo) & (dead_at < hi)]
    if len(inside):
        return None, [], 0, f"alive after {values[lo]} and {values[hi]} live but dead after {values[inside[0]]}"
    below = int(dead_at[dead_at < lo].max()) if (dead_at < lo).any() else -1
    above = int(dead_at[dead_at > hi].min()) if (dead_at > hi).any() else top + 1
    open_counts = list(range(below + 1, lo)) + list(range(hi + 1, above))
    fits = (lo - below) * (above - hi)
    return ((int(values[lo]), int(values[hi])) if fits == 1 else None), open_counts, fits, ""


def _unsayable(nb: Neighbourhood, alive: np.ndarray, lists: bool = False) -> str:
    """Why no rule Golly can write (in HROT's lists, or as :func:`~lifelab.rules.count_rule` writes intervals) is alive
    on these classes (``(2 * width,)`` bool), or "" when one is."""
    for c in np.flatnonzero(alive):
        centre, index = divmod(int(c), nb.width)
        count = index + nb.low
        if nb.writable(centre, count, lists):
            continue
        if centre == 0 and count == 0:
            return (
                f"a dead cell is born with no live cell of {nb.title} (B0): on this neighbourhood that is an "
                "HROT rule, which Golly runs only through its B0 emulation and lifelab does not learn."
            )
        return (
            f"a {'live cell survives' if centre else 'dead cell is born'} at count {count} of {nb.title}, "
            "which HROT's lists (counts from 1 for birth, 0 for survival as written) cannot say."
        )
    return ""


def _decide_lists(evidence: CountEvidence, majority: np.ndarray, common: dict[str, Any], reasons: str) -> CountVerdict:
    """No interval fits, but no class went both ways: the verdict under HROT's assumption (any set of counts).

    Every class that can occur observed identifies one HROT rule; otherwise the unobserved classes are open.
    A birth on no live cell (B0) is refused as Golly refuses it here (its B0 emulation), and stays
    inconsistent, as is a count Golly's lists cannot hold.
    """
    nb = evidence.neighbourhood
    fam = CountFamily(nb, name="hrot", states=evidence.states)
    seen, showable = evidence.observed.ravel(), evidence.showable
    note = f"the data are not a Larger than Life rule on {nb.title}: {reasons}"
    unsayable = _unsayable(nb, majority & seen, lists=True)
    if unsayable:
        return CountVerdict(
            "inconsistent",
            None,
            table=majority,
            known=np.zeros_like(majority),
            **common,
            note=f"{note}; and {unsayable}",
        )
    common = common | {"family": fam, "note": note + "; HROT rules take any set of counts."}
    if (seen | ~showable).all():
        born, survive = (
            {int(i) + nb.low for i in np.flatnonzero(majority[centre * nb.width :][: nb.width])} for centre in (0, 1)
        )
        return CountVerdict(
            "identified within family",
            count_rule(nb, born, survive, evidence.states),
            table=majority,
            known=seen | ~showable,
            rules_fit=1,
            **common,
        )
    open_classes = [int(c) for c in np.flatnonzero(~seen & showable)]
    return CountVerdict(
        "underdetermined",
        None,
        table=majority & seen,
        known=seen | ~showable,
        undecided=open_classes,
        rules_fit=2 ** len(open_classes),
        **common,
    )


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
    verdict = _decide(evidence, guess)
    if evidence.shown or evidence.stated or not verdict.determined:
        return verdict
    top = evidence.states - 1
    return dataclasses.replace(
        verdict,
        rung="underdetermined",
        rule=None,
        rules_fit=0,
        note=f"the data show states up to {top}, but no cell of state {top} was seen followed, so how many dying "
        f"states the rule has (Golly's C) is open: {evidence.states} or more. With C = {evidence.states} (state "
        f"it with states={evidence.states}, --states {evidence.states}) the data determine {verdict.rule}.",
    )


def _decide(evidence: CountEvidence, guess) -> CountVerdict:
    """:func:`decide_counts` with the number of states taken as the data show it."""
    nb = evidence.neighbourhood
    fam = CountFamily(nb, states=evidence.states)
    width = nb.width
    majority = (evidence.counts[..., 1] > evidence.counts[..., 0]).ravel()
    common: dict[str, Any] = dict(
        family=fam,
        evidence=evidence,
        boundary_note=evidence.boundary_note,
        guess=guess if isinstance(guess, (LtLRule, HROTRule)) else None,
    )
    conflicts = [int(c) for c in np.flatnonzero(evidence.conflicting)]
    if conflicts:
        names = ", ".join(fam.class_names[c] for c in conflicts[:6]) + (", ..." if len(conflicts) > 6 else "")
        return CountVerdict(
            "inconsistent",
            None,
            table=majority,
            known=np.zeros_like(majority),
            unexplained=conflicts,
            **common,
            note=f"{len(conflicts)} (centre, live count) classes on {nb.title} went to both next "
            f"states ({names}): no rule that counts these cells reproduces the data (the noise "
            "model covers 3x3 windows only).",
        )
    if evidence.astray:
        return CountVerdict(
            "inconsistent",
            None,
            table=majority,
            known=np.zeros_like(majority),
            **common,
            note=f"{evidence.astray:,} cell updates broke the dying states of a {evidence.states}-"
            "state rule (a cell that is not alive next goes from 0 to 0, from 1 to 2, from k to "
            f"k + 1 and from {evidence.states - 1} to 0): no rule of Golly's C reproduces them.",
        )
    unsayable = _unsayable(nb, majority & evidence.observed)  # every rule that fits would say it
    if unsayable:
        return CountVerdict(
            "inconsistent", None, table=majority, known=np.zeros_like(majority), **common, note=unsayable
        )
    intervals, open_classes, fits, reasons = [], [], 1, []
    occur = np.flatnonzero(nb.reachable)  # counts no set of live cells gives are neither observed nor open
    for centre, word in ((0, "a dead cell is born"), (1, "a live cell survives")):
        live, dead = evidence.counts[centre, occur, 1] > 0, evidence.counts[centre, occur, 0] > 0
        interval, open_at, n_fit, why = _interval(live, dead, occur + nb.low)
        if why:
            reasons.append(f"{word} {why}, which one interval cannot express")
        intervals.append(interval)
        open_classes += [centre * width + int(occur[c]) for c in open_at]
        fits *= n_fit
    if reasons:
        return _decide_lists(evidence, majority, common, "; ".join(reasons))
    known = np.ones(2 * width, dtype=bool)
    known[open_classes] = False
    table = np.zeros((2, width), dtype=bool)
    for centre in range(2):
        alive_at = np.flatnonzero(evidence.counts[centre, :, 1])
        if len(alive_at):  # between two counts seen alive, an interval is alive too
            table[centre, alive_at.min() : alive_at.max() + 1] = True
    table = table.ravel()
    if fits == 1:
        rule = count_rule(nb, intervals[0], intervals[1], evidence.states)
        return CountVerdict(
            "identified within family", rule, table=nb.decisions(rule).ravel(), known=known, rules_fit=1, **common
        )
    return CountVerdict(
        "underdetermined", None, table=table, known=known, undecided=sorted(open_classes), rules_fit=fits, **common
    )
