"""The evidence and the verdict of either kind, as the loop asks for them: 3x3 patterns or counts on a neighbourhood."""

from __future__ import annotations

from lifelab.evidence.counts import Evidence
from lifelab.evidence.totalistic import CountEvidence, CountVerdict, Neighbourhood, decide_counts
from lifelab.evidence.verdicts import Verdict, decide

__all__ = ["observe", "weigh"]


def observe(trajectories, counting: Neighbourhood | None = None, states: int | None = None,
            boundary: str = "torus") -> Evidence | CountEvidence:
    """The evidence of trajectories: per 3x3 pattern, or per (centre, live count) class of a neighbourhood.

    Args:
        trajectories: ``(n, T + 1, H, W)`` or ``(T + 1, H, W)`` trajectories.
        counting: None for 3x3 patterns, or the :class:`Neighbourhood` whose live cells are counted.
        states: Number of cell states (3x3 evidence; default what the data show).
        boundary: What lies beyond the frame (:mod:`lifelab.evidence.boundary`).
    """
    if counting is not None:
        return CountEvidence.of(trajectories, counting, boundary)
    return Evidence.of(trajectories, states=states, boundary=boundary)


def weigh(evidence: Evidence | CountEvidence, assumed, noise="auto", confidence: float = 0.999,
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
