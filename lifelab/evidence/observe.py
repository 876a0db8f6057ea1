"""The evidence and the verdict of either kind: 3x3 patterns or counts on a neighbourhood, chosen from the data."""

from __future__ import annotations

from dataclasses import dataclass

from lifelab.boards import validate_trajectories
from lifelab.evidence.counts import Evidence
from lifelab.evidence.ladder import CONFIDENCE
from lifelab.evidence.neighbourhood import NeighbourhoodSearch, neighbourhood_of, parse_neighbourhood
from lifelab.evidence.steps import StepVerdict, every_k
from lifelab.evidence.totalistic import CountEvidence, CountVerdict, Neighbourhood, decide_counts
from lifelab.evidence.verdicts import Verdict, decide

__all__ = ["Judgement", "judge", "observe", "weigh"]


def observe(trajectories, counting: Neighbourhood | None = None, states: int | None = None,
            boundary: str = "torus", stated: bool = True) -> Evidence | CountEvidence:
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


def weigh(evidence: Evidence | CountEvidence, assumed, noise="auto", confidence: float = CONFIDENCE,
          guess=None) -> Verdict | CountVerdict:
    """The verdict of evidence of either kind (:func:`~lifelab.evidence.decide`, :func:`~lifelab.evidence.decide_counts`).

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

    def summary(self) -> str:
        """The verdict's lines, with the neighbourhood found and the boundary taken."""
        lines = self.verdict.summary().splitlines()
        if self.search is not None:
            lines.insert(1, f"neighbourhood {self.search.sentence()}")
        return "\n".join(lines)


def judge(trajectories, family="auto", boundary: str = "auto", neighbourhood="auto", noise="auto",
          confidence: float = CONFIDENCE, states: int | None = None, seed: int = 0) -> Judgement:
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
        A :class:`Judgement`.
    """
    data = validate_trajectories(trajectories, states=None)
    search = None
    if neighbourhood == "auto":
        counting, search = neighbourhood_of(data, boundary, seed)
    else:
        counting = parse_neighbourhood(neighbourhood)
    evidence = observe(data, counting, states, boundary)
    verdict = weigh(evidence, family, noise, confidence)
    if counting is None:
        verdict = every_k(data, verdict, evidence.boundary) or verdict
    return Judgement(verdict, evidence, search)
