"""The evidence and the verdict of either kind: 3x3 patterns or counts on a neighbourhood, chosen from the data.

A recording read from pictures (:class:`~lifelab.io.Recording`) carries a
reading of its colours that the data cannot tell from its colour-swapped
twin: :func:`judge` then also judges the swapped reading, and the verdict's
sentence names both (:func:`reading_sentence`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lifelab.evidence.counts import Evidence
from lifelab.evidence.ladder import CONFIDENCE
from lifelab.evidence.ltl import CountVerdict, decide_counts
from lifelab.evidence.neighbourhood import NeighbourhoodSearch, neighbourhood_of, parse_neighbourhood
from lifelab.evidence.steps import StepVerdict, every_k
from lifelab.evidence.totalistic import CountEvidence
from lifelab.evidence.verdicts import Verdict, decide
from lifelab.geometry import Neighbourhood
from lifelab.io import Reading, Recording
from lifelab.io.boards import validate_trajectories
from lifelab.rules import TableRule

__all__ = [
    "Judgement",
    "choose_neighbourhood",
    "judge",
    "observe",
    "reading_clause",
    "reading_sentence",
    "swapped_verdict",
    "weigh",
    "with_steps",
]


def observe(
    trajectories,
    counting: Neighbourhood | None = None,
    states: int | None = None,
    boundary: str = "torus",
    stated: bool = True,
) -> Evidence | CountEvidence:
    """The evidence of trajectories: per 3x3 pattern, or per (centre, live count) class of a neighbourhood.

    Args:
        trajectories: ``(n, T + 1, H, W)`` or ``(T + 1, H, W)`` trajectories.
        counting: None for 3x3 patterns, or the :class:`Neighbourhood` whose live cells are counted.
        states: Number of cell states (default what the data show).
        boundary: What lies beyond the frame (:mod:`lifelab.evidence.boundary`).
        stated: Whether ``states`` was stated (a rule's, or the user's) rather than read from the data; count
            evidence then takes the number of dying states as known.
    """
    if counting is not None:
        return CountEvidence.of(trajectories, counting, boundary, states, stated=stated and states is not None)
    return Evidence.of(trajectories, states=states, boundary=boundary)


def weigh(
    evidence: Evidence | CountEvidence, assumed, noise="auto", confidence: float = CONFIDENCE, guess=None
) -> Verdict | CountVerdict:
    """The verdict of evidence of either kind (:func:`~lifelab.evidence.decide`,
    :func:`~lifelab.evidence.decide_counts`).

    Args:
        evidence: The observations.
        assumed: The 3x3 family the verdict may assume (count evidence has its own assumption).
        noise: As in :func:`lifelab.evidence.decide` (3x3 evidence only).
        confidence: As in :func:`lifelab.evidence.decide`.
        guess: The learner's rule, or None.
    """
    if isinstance(evidence, CountEvidence):
        return decide_counts(evidence, guess=guess)
    return decide(evidence, assumed, noise, confidence, guess=None if guess is None else guess.table)


def choose_neighbourhood(
    data, neighbourhood="auto", boundary: str = "auto", seed: int = 0
) -> tuple[Neighbourhood | None, NeighbourhoodSearch | None]:
    """What the evidence of supplied data counts: the named neighbourhood, or the one the data choose.

    Args:
        data: ``(n, T + 1, H, W)`` checked trajectories.
        neighbourhood: ``"auto"`` (searched, :func:`~lifelab.evidence.neighbourhood.neighbourhood_of`), ``"3x3"``
            or a Larger than Life neighbourhood such as ``"R2,NM"``.
        boundary: What lies beyond the frame (``"auto"``: what the data show).
        seed: Seed of the support search.

    Returns:
        ``(counting, search)``: the neighbourhood counted (None: 3x3 patterns) and the search that chose it (None
        when it was named).
    """
    if neighbourhood in (None, "auto"):
        return neighbourhood_of(data, boundary, seed)
    return parse_neighbourhood(neighbourhood), None


def with_steps(data, verdict, evidence: Evidence | CountEvidence):
    """The verdict, or, where 3x3 evidence fits no rule one step apart, that of frames every k-th step.

    Args:
        data: The trajectories the evidence counts.
        verdict: Their verdict one step apart.
        evidence: Their evidence (count evidence is left as it is).
    """
    if isinstance(evidence, CountEvidence):
        return verdict
    return every_k(data, verdict, evidence.boundary) or verdict


@dataclass
class Judgement:
    """What supplied trajectories determine on their own, with no learner (the verdict the loop reaches).

    Attributes:
        verdict: The verdict (:class:`~lifelab.evidence.Verdict`, :class:`~lifelab.evidence.CountVerdict`, or a
            :class:`~lifelab.evidence.steps.StepVerdict` for frames no rule fits one step apart).
        evidence: The evidence it weighs (its ``boundary`` and ``boundary_note`` say what lies beyond the frame).
        search: The neighbourhood search, when the neighbourhood was the data's to choose.
    """

    verdict: Verdict | CountVerdict | StepVerdict
    evidence: Evidence | CountEvidence
    search: NeighbourhoodSearch | None
    reading: Reading | None = None
    swapped: Verdict | CountVerdict | StepVerdict | None = None

    def summary(self) -> str:
        """The verdict's lines, with the neighbourhood found, the boundary taken and the colours' reading."""
        lines = self.verdict.summary().splitlines()
        lines[0] += reading_clause(self.reading, self.swapped)
        if self.search is not None:
            lines.insert(1, f"neighbourhood {self.search.sentence()}")
        return "\n".join(lines)

    def sentence(self) -> str:
        """The verdict as one paragraph to quote, the reading of the colours with it."""
        return self.verdict.sentence() + reading_sentence(self.reading, self.swapped)


def judge(
    trajectories,
    family="auto",
    boundary: str = "auto",
    neighbourhood="auto",
    noise="auto",
    confidence: float = CONFIDENCE,
    states: int | None = None,
    seed: int = 0,
) -> Judgement:
    """The verdict of supplied trajectories, nothing assumed that the data can tell: neighbourhood and boundary.

    Args:
        trajectories: ``(n, T + 1, H, W)`` trajectories.
        family: The 3x3 assumption the verdict may make (:func:`~lifelab.evidence.decide`; default ``"auto"``).
        boundary: What lies beyond the frame (default: what the edge cells show).
        neighbourhood: ``"auto"`` (searched, :func:`~lifelab.evidence.neighbourhood.neighbourhood_of`),
            ``"3x3"`` or a Larger than Life neighbourhood such as ``"R2,NM"``.
        noise: As in :func:`~lifelab.evidence.decide` (3x3 evidence only).
        confidence: As in :func:`~lifelab.evidence.decide`.
        states: Number of cell states (default: what the data show).
        seed: Seed of the support search.

    Returns:
        A :class:`Judgement`; for a :class:`~lifelab.io.Recording` whose two colours were read by choice, with the
        verdict of the colour-swapped reading beside it.

    Examples:
        >>> from lifelab import random_boards, simulate
        >>> from lifelab.evidence import judge
        >>> judgement = judge(simulate("B3/S23", random_boards(8, (32, 32), seed=0), steps=16), boundary="torus")
        >>> judgement.verdict.label, str(judgement.verdict.rule)
        ('identified', 'B3/S23')
    """
    reading = None
    if isinstance(trajectories, Recording):
        reading, trajectories = trajectories.reading, trajectories.trajectories
    data = validate_trajectories(trajectories, states=None)
    counting, search = choose_neighbourhood(data, neighbourhood, boundary, seed)
    evidence, verdict = _weighed(data, counting, states, boundary, family, noise, confidence)
    swapped = None
    if reading is not None and reading.swappable:
        swapped = swapped_verdict(data, family, evidence.boundary, counting, noise, confidence)
    return Judgement(verdict, evidence, search, reading, swapped)


def _weighed(data, counting, states, boundary, family, noise, confidence):
    """The evidence and the verdict of checked trajectories; for 3x3 evidence no rule fits, frames every k-th step."""
    evidence = observe(data, counting, states, boundary)
    return evidence, with_steps(data, weigh(evidence, family, noise, confidence), evidence)


def swapped_verdict(
    data, family, boundary: str, counting: Neighbourhood | None, noise="auto", confidence: float = CONFIDENCE
):
    """The verdict of 2-state data read with the colours swapped, under the same assumptions (the neighbourhood
    the first reading counted; a dead outside becomes an open frame: lifelab has no live outside).

    Args:
        data: ``(n, T + 1, H, W)`` bool trajectories as first read.
        family: The 3x3 assumption of the first verdict.
        boundary: The boundary the first verdict took (``"torus"``, ``"dead"`` or ``"open"``).
        counting: The neighbourhood it counted (None for 3x3 patterns).
        noise: As in :func:`~lifelab.evidence.decide`.
        confidence: As in :func:`~lifelab.evidence.decide`.
    """
    flipped = ~validate_trajectories(data)
    return _weighed(flipped, counting, None, "open" if boundary == "dead" else boundary, family, noise, confidence)[1]


def reading_clause(reading: Reading | None, swapped) -> str:
    """What the verdict line adds for a reading: ``" (reading #000000 as dead and #ffffff as alive; with the
    colours swapped: B0123478/S01234678)"``; empty when nothing was read by choice."""
    if reading is None:
        return ""
    text = f" ({reading.clause()}"
    if swapped is not None:
        text += f"; with the {reading.what}s swapped: {_named(swapped, short=True)}"
    return text + ")"


def _named(verdict, short: bool = False) -> str:
    """A verdict's rule in its notation (a rule table by its size: its name is only the file's), else its rung."""
    rule = verdict.rule
    if rule is None:
        return verdict.label
    text = f"a table of {len(rule.transitions)} transitions" if isinstance(rule, TableRule) else str(rule)
    return text if short else f"{verdict.label}: {text}"


def reading_sentence(reading: Reading | None, swapped) -> str:
    """The sentence a verdict adds for a reading: how the colours were read and why, and what the colour-swapped
    reading of the same data gives."""
    if reading is None:
        return ""
    text = f" The {reading.what}s were read with {reading.clause()[len('reading ') :]}: " + (
        "as stated." if reading.stated else f"{reading.ground}."
    )
    if swapped is not None:
        other = "; ".join(f"{reading.what} {label} as state {i}" for i, label in enumerate(reading.swapped().labels))
        text += (
            f" Read the other way round ({other}) the same data give {_named(swapped)}; only the reading, not "
            "the data, tells the two apart (state it with --dead or dead=)."
        )
    return text
