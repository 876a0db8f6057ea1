"""One round of the loop (:func:`run_round`): fit, read the rule, hold a trajectory out, weigh all the evidence."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from lifelab.evidence import CountEvidence, CountVerdict, Evidence, Verdict, generator_check, weigh
from lifelab.learning import DataSupplyAgent, ExtractionResult
from lifelab.loop.learners import Learner
from lifelab.loop.settings import LOOP, LoopSettings
from lifelab.rules import GenerationsRule, HROTRule, LtLRule, Rule

__all__ = ["Fit", "Round", "run_round"]


@dataclass
class Round:
    """What one round of the loop did and found.

    Attributes:
        round: Round number, from 1.
        visible: Trajectories the learner was trained on.
        transitions: Transitions the learner was trained on.
        collected: How the newest visible trajectory was chosen (``"initial"``,
            ``"random"``, ``"query"`` or ``"supplied"``).
        epochs: Training epochs this round (0 for the table learner).
        train_board_acc: Fraction of visible transitions predicted exactly after training.
        rule: The rule read out of the learner (None when none could be read), projected onto the verdict's
            family (:meth:`~lifelab.evidence.Verdict.project`; the raw reading is ``extraction.rule``).
        min_confidence: Lowest confidence over the 512 patterns.
        low_confidence: Patterns below the confidence threshold.
        visible_match: Fraction of visible transitions the learner's rule reproduces.
        holdout_match: The same on the trajectory held out this round (None if there is none).
        stable: The learner's rule equals the previous round's.
        group: The symmetry group of the model this round.
        seconds: Wall time since the loop started, at the end of this round.
        verdict: What all the data seen so far determine (:class:`~lifelab.evidence.Verdict`).
        trajectories_seen: Trajectories whose evidence the verdict counts (visible and held out).
        extraction: The full :class:`~lifelab.learning.extract.ExtractionResult`.
        query: The board built for the next trajectory in query mode (None otherwise).
        noisy: The observations conflict, so the round trained and judged with noise.
        moved: Why the learner changed after this round (the data contradict what it can represent), or "".
    """

    round: int
    visible: int
    transitions: int
    collected: str
    epochs: int
    train_board_acc: float
    rule: Rule | GenerationsRule | LtLRule | HROTRule | None
    min_confidence: float
    low_confidence: int
    visible_match: float
    holdout_match: float | None
    stable: bool
    group: str
    seconds: float
    verdict: Verdict | CountVerdict = field(repr=False)
    trajectories_seen: int
    extraction: ExtractionResult = field(repr=False)
    query: np.ndarray | None = field(default=None, repr=False)
    noisy: bool = False
    moved: str = ""

    @property
    def disagreements(self) -> int:
        """Patterns the data (and the assumption) decide on which the learner's rule says otherwise."""
        return self.verdict.disagreements(self.rule)

    @property
    def refuted(self) -> bool:
        """The held-out trajectory has a transition the learner's rule does not reproduce."""
        return self.holdout_match is not None and self.holdout_match < 1.0

    @property
    def done(self) -> bool:
        """The stop criterion: the data determine a rule and the learner's rule is that rule.

        A stochastic rule no learner here holds (they learn deterministic tables): the data alone decide it.
        """
        if self.verdict.rung == "stochastic":
            return True
        return self.verdict.determined and self.rule is not None and self.rule == self.verdict.rule


@dataclass(frozen=True)
class Fit:
    """A round's training and reading done outside the run (a sweep trains many runs' networks together).

    Attributes:
        epochs: Epochs trained.
        train_board_acc: Fraction of visible transitions the trained learner predicts exactly.
        extraction: What was read out of it.
    """

    epochs: int
    train_board_acc: float
    extraction: ExtractionResult


def _match(rule, trajectories, boundary: str) -> float:
    return generator_check(rule, trajectories, boundary).transition_match if rule is not None else 0.0


def run_round(
    learner: Learner,
    agent: DataSupplyAgent,
    seen: Evidence | CountEvidence,
    number: int,
    settings: LoopSettings = LOOP,
    *,
    assumed,
    previous: Round | None = None,
    started: float | None = None,
    collected: str = "initial",
    fit: Fit | None = None,
) -> tuple[Round, Evidence | CountEvidence, int | None]:
    """One round: fit, read, hold one trajectory out, weigh all the evidence.

    Args:
        learner: A :class:`~lifelab.loop.learners.Learner`.
        agent: The data supply agent (its visible trajectories are the training data).
        seen: Evidence of every trajectory the agent holds (:func:`observe`).
        number: The round's number, from 1.
        settings: The loop's settings (its ``noise``, ``confidence`` and ``seed`` are read here).
        assumed: The family the verdict may assume (a name, or ``"auto"``).
        previous: The round before (for stability).
        started: ``time.perf_counter()`` at the start of the loop.
        collected: How the newest visible trajectory was chosen.
        fit: The round's training and reading, done elsewhere (None: the learner fits and reads now).

    Returns:
        ``(round, evidence, held-out index)``: the evidence includes the
        trajectory collected to be held out (with an oracle), whose index in
        the agent is returned (None when nothing was held out).
    """
    started = time.perf_counter() if started is None else started
    noise, seed = settings.noise, settings.seed
    noisy = noise != 0 and (noise != "auto" or bool(seen.conflicting.any()))
    if fit is None:
        learner.prepare(agent, number)
        data = agent.dataset(one_hot=True, boundary=seen.boundary, margin=getattr(learner, "margin", 1))
        epochs, board_acc = learner.fit(data, noisy=noisy, seed=seed * 1000 + number)
        extraction = learner.read(seed * 1000 + number)
        transitions = len(data)
    else:
        epochs, board_acc, extraction = fit.epochs, fit.train_board_acc, fit.extraction
        shown = agent.visible_trajectories
        transitions = shown.shape[0] * (shown.shape[1] - 1)
    reading = extraction.rule
    holdout = None
    if agent.rule is not None:
        holdout = agent.collect()
        seen = seen + seen.like(agent.trajectory(holdout))
    elif agent.visible < agent.available:
        holdout = agent.visible
    # the verdict's guess is the network's own table (what it says about unseen patterns); the round states the
    # reading projected onto the verdict's family, so the rule it reports is one of the family the sentence names
    verdict = weigh(seen, assumed, noise, settings.confidence, guess=reading)
    rule = verdict.project(reading) if isinstance(verdict, Verdict) else reading
    done = Round(
        round=number,
        visible=agent.visible,
        transitions=transitions,
        collected=collected,
        epochs=epochs,
        train_board_acc=board_acc,
        rule=rule,
        min_confidence=float(extraction.confidence.min()),
        low_confidence=len(extraction.low_confidence),
        visible_match=_match(rule, agent.visible_trajectories, seen.boundary),
        holdout_match=None if holdout is None else _match(rule, agent.trajectory(holdout)[None], seen.boundary),
        stable=previous is not None and rule is not None and rule == previous.rule,
        group=learner.group,
        seconds=time.perf_counter() - started,
        verdict=verdict,
        trajectories_seen=agent.available,
        extraction=extraction,
        noisy=noisy,
    )
    return done, seen, holdout
