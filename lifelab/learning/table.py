"""The table learner: the non-neural baseline of the loop, registered beside the networks as ``model="table"``."""

from __future__ import annotations

import numpy as np

from lifelab.evidence import Evidence, Verdict, decide, family
from lifelab.evidence.boundary import keyed
from lifelab.geometry import WINDOW, pattern_index
from lifelab.learning.dataset import TrajectoryDataset
from lifelab.learning.extract import ExtractionResult
from lifelab.learning.models import register
from lifelab.learning.supply import DataSupplyAgent
from lifelab.rules import GenerationsRule, Rule

__all__ = ["TableLearner"]


@register(
    "table", "no network: tabulates the observed patterns (per class of its family), the rest unknown", network=False
)
class TableLearner:
    """The non-neural baseline: tabulate the observed patterns, leave the rest unknown.

    Each round it reads the visible transitions' evidence under its family
    (:func:`lifelab.evidence.decide`): the observed next state of each
    pattern (or class), and for a class never observed no answer at all.
    Unknown entries are reported as dead with confidence 0.5, so that query
    mode asks for them.  It answers "what did the network add?".
    """

    net = None
    group = "trivial"
    margin = 1

    def __init__(self, family_name: str = "auto", noise="auto"):
        """Args:
        family_name: The family it tabulates under (``"auto"``: the first of
            :data:`lifelab.evidence.AUTO_CHAIN` the visible data determine; ``"data"``).
        noise: As in :func:`lifelab.evidence.decide`.
        """
        if family_name not in ("auto", "data"):
            family(family_name)
        self.family, self.noise = family_name, noise
        self._evidence: Evidence | None = None

    @property
    def description(self) -> str:
        """One line naming the learner."""
        return f"table learner (tabulates observed patterns; family {self.family})"

    def prepare(self, agent: DataSupplyAgent, round_: int) -> None:
        """Nothing to prepare."""

    def fit(self, data: TrajectoryDataset, *, noisy: bool, seed: int) -> tuple[int, float]:
        """Count the visible transitions; returns ``(0 epochs, fraction of boards it reproduces)``."""
        pairs = data.pairs()
        self._evidence = Evidence.of(pairs, states=data.states, boundary=data.boundary)
        table = self._verdict().table
        alive = pairs == 1
        index = keyed(alive[:, 0], 1, data.boundary, pattern_index)
        exact = ((table[index] == alive[:, 1]) | (index < 0)).all(axis=(1, 2))
        return 0, float(exact.mean())

    def _fitted(self) -> Evidence:
        assert self._evidence is not None, "fit the table learner before reading it"
        return self._evidence

    def _verdict(self) -> Verdict:
        return decide(self._fitted(), self.family, self.noise)

    def read(self, seed: int) -> ExtractionResult:
        """The tabulated rule, unknown entries dead at confidence 0.5."""
        verdict = self._verdict()
        confidence = np.where(verdict.known, 1.0, 0.5)
        states = self._fitted().states
        rule = Rule.from_table(verdict.table)
        return ExtractionResult(
            rule=rule if states == 2 else GenerationsRule(rule, states),
            offsets=list(WINDOW),
            table=verdict.table.copy(),
            states=states,
            confidence=confidence,
            low_confidence=[int(i) for i in np.flatnonzero(~verdict.known)],
            context_dependent=[],
            group=verdict.family.symmetry,
            patterns_evaluated=0,
            evaluations=0,
            sensitivity=None,
        )
