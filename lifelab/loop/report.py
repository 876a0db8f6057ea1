"""What a run of the loop reports: the rounds, the verdict and the sentence to quote, rendered once."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from torch import nn

from lifelab.evidence import CountVerdict, TableVerdict, Verdict, reading_clause, reading_sentence
from lifelab.evidence.neighbourhood import NeighbourhoodSearch
from lifelab.evidence.steps import StepVerdict
from lifelab.evidence.stochastic import StochasticFit
from lifelab.io import Reading
from lifelab.loop.rounds import Round
from lifelab.rules import RuleBase, TableRule
from lifelab.utils import format_table

__all__ = ["LoopReport", "TableLoopReport"]


@dataclass
class LoopReport:
    """The outcome of :func:`learn_rule`.

    Attributes:
        rounds: One :class:`Round` per round, in order.
        verdict: What all the data seen determine, under the assumed family (the last round's verdict).
        truth: The oracle rule, when the data came from one.
        stop_reason: ``"determined"`` (the learner reproduces the rule the data
            determine), ``"max_rounds"``, ``"data exhausted"``,
            ``"inconsistent"`` (supplied data no rule explains) or
            ``"nothing left to observe"`` (an oracle whose boards can show no unseen pattern).
        model: Description of the learner.
        group: Symmetry group of the model at the end.
        mode: How trajectories were collected.
        seed: The loop's seed.
        threshold: The confidence threshold of "low confidence" patterns.
        trajectories_seen: ``(visible, T + 1, H, W)`` the visible trajectories of
            the last round, in the order they were revealed.
        trained: The trained model (None for the table learner).
        search: For supplied data, the neighbourhood the data chose
            (:class:`~lifelab.evidence.neighbourhood.NeighbourhoodSearch`); None when it was given.
        boundary: What was taken to lie beyond the frame: ``"torus"``, ``"dead"`` or ``"open"``.
        boundary_note: Why, when the data chose it; else "".
        reading: For a recording read from pictures, which state each colour was read as and why.
        swapped: For a recording of two colours read by choice, the verdict of the colour-swapped reading.
    """

    rounds: list[Round]
    verdict: Verdict | CountVerdict | StepVerdict
    truth: RuleBase | None
    stop_reason: str
    model: str
    group: str
    mode: str
    seed: int
    threshold: float
    trajectories_seen: np.ndarray = field(repr=False)
    trained: nn.Module | None = field(repr=False)
    search: NeighbourhoodSearch | None = field(default=None, repr=False)
    boundary: str = "torus"
    boundary_note: str = ""
    reading: Reading | None = None
    swapped: object = None

    @property
    def rule(self) -> RuleBase | None:
        """The rule the data determine (under the verdict's stated assumption); None when they determine none."""
        return self.verdict.rule

    @property
    def extracted(self) -> RuleBase | None:
        """The rule read out of the learner in the last round, a member of the verdict's family (a guess where the
        data leave classes open; :meth:`~lifelab.evidence.Verdict.project`)."""
        return self.rounds[-1].rule

    @property
    def converged(self) -> bool:
        """The loop stopped on its criterion: the learner reproduces the rule the data determine."""
        return self.stop_reason == "determined"

    @property
    def trajectories(self) -> int:
        """Trajectories visible in the last round."""
        return self.rounds[-1].visible

    @property
    def used(self) -> int:
        """Trajectories whose evidence the verdict counts (visible ones and those held out)."""
        return self.rounds[-1].trajectories_seen

    @property
    def transitions(self) -> int:
        """Transitions seen in the last round."""
        return self.rounds[-1].transitions

    @property
    def seconds(self) -> float:
        """Wall time of the whole loop."""
        return self.rounds[-1].seconds

    @property
    def recovered(self) -> bool | None:
        """The loop converged on exactly the oracle's rule (None when there is no oracle)."""
        if self.truth is None:
            return None
        if self.verdict.rung == "stochastic":
            return self.converged and self._stochastic().holds(self.truth)
        return self.converged and self.rule == self.truth

    @property
    def wrong(self) -> bool | None:
        """The verdict determines a rule that is not the oracle's (None without an oracle).

        Never true for the assumption-free rung; within a family it means the
        oracle's rule is outside the assumed family and the data did not show it.
        """
        if self.truth is None:
            return None
        if self.verdict.rung == "stochastic":  # probabilities with intervals: wrong when one misses the truth
            return not self._stochastic().holds(self.truth)
        return self.verdict.determined and self.rule != self.truth

    def _stochastic(self) -> StochasticFit:
        """The fit of a verdict on the stochastic rung (only a 3x3 verdict reaches it)."""
        assert isinstance(self.verdict, Verdict) and self.verdict.stochastic is not None
        return self.verdict.stochastic

    @property
    def guessed_right(self) -> float | None:
        """Fraction of the never-observed patterns the learner's last rule gets right (needs an oracle)."""
        if self.truth is None or self.extracted is None:
            return None
        return self.verdict.guess_accuracy(self.truth)

    def verdict_line(self) -> str:
        """The verdict, its rule and the reading of the colours it rests on, in one line."""
        return (
            self.verdict.label
            + (f": {self.rule}" if self.rule is not None else "")
            + reading_clause(self.reading, self.swapped)
        )

    def sentence(self) -> str:
        """The verdict as one paragraph to quote, with the reading of the colours it rests on."""
        return self.verdict.sentence() + reading_sentence(self.reading, self.swapped)

    def summary(self) -> str:
        """The report for a person, as ``lifelab learn`` prints it: the verdict and what it rests on, the learner,
        the data, the time, and the sentence to quote."""
        verdict = self.verdict
        lines = []
        if self.search is not None:
            lines.append(("neighbourhood", self.search.sentence()))
        if self.boundary_note or self.boundary != "torus":
            lines.append(("boundary", self.boundary + (f": {self.boundary_note}" if self.boundary_note else "")))
        lines += [("learner", f"after round {r.round} {r.moved}") for r in self.rounds if r.moved]
        lines += [("verdict", self.verdict_line()), ("evidence", verdict.raw.summary())]
        if verdict.family.name != "table":
            lines.append(("assumption", verdict.family.assumption))
        if verdict.noise is not None:
            lines.append(("noise", verdict.noise.summary()))
        fit = getattr(verdict, "stochastic", None)
        if fit is not None:
            lines += [
                ("stochastic", c.describe()) for c in fit.classes if c.random or c.high - c.low > 2 * fit.precision
            ]
        lines.append(("learner", f"{self.model}; group {self.group}, {self.mode} collection, seed {self.seed}"))
        lines.append(("learned", self._learned()))
        if self.truth is not None and self.rule is not None:
            lines.append(("equals truth", f"{'yes' if self.rule == self.truth else 'no'} (oracle {self.truth})"))
        lines.append(
            (
                "trajectories",
                f"{self.trajectories} trained on ({self.transitions} transitions), "
                f"{self.used} seen, in {len(self.rounds)} round{'' if len(self.rounds) == 1 else 's'}; "
                f"stopped: {self.stop_reason}",
            )
        )
        lines.append(("wall time", f"{self.seconds:.1f} s"))
        return "\n".join(f"{label:<13} {text}" for label, text in lines) + "\n" + self.sentence()

    def _learned(self) -> str:
        """What the learner ended on, against the rule the data determine."""
        learned = "(none read)" if self.extracted is None else str(self.extracted)
        if isinstance(self.verdict, StepVerdict):
            return learned + (
                f" (the network learns one step; these frames are {self.verdict.family.steps} steps apart)"
            )
        if self.rule is None:
            return learned
        unit = "classes" if isinstance(self.verdict, CountVerdict) else "patterns"
        return learned + (
            ": the rule the data determine"
            if self.extracted == self.rule
            else f": differs from the rule the data determine in {self.rounds[-1].disagreements} decided {unit}"
        )

    def rows(self) -> list[dict]:
        """The per-round table as dicts (for printing or a DataFrame)."""
        return [
            {
                "round": r.round,
                "visible": r.visible,
                "transitions": r.transitions,
                "collected": r.collected,
                "epochs": r.epochs,
                "rule": str(r.rule) if r.rule is not None else "(none read)",
                "min conf": round(r.min_confidence, 3),
                "low conf": r.low_confidence,
                "visible match": round(r.visible_match, 4),
                "holdout match": None if r.holdout_match is None else round(r.holdout_match, 4),
                "unobserved": len(r.verdict.unobserved),
                "verdict": r.verdict.label,
                "group": r.group,
                "seconds": round(r.seconds, 1),
            }
            for r in self.rounds
        ]

    def table(self) -> str:
        """The per-round table as fixed-width text."""
        return format_table(self.rows())

    def plot(self, fig=None):
        """Round by round: data seen, evidence, confidence, and how well the rule regenerates the data.

        Args:
            fig: A matplotlib figure to draw on (new if None).

        Returns:
            The figure.
        """
        from lifelab.viz import plot_loop

        return plot_loop(self, fig=fig)


@dataclass
class TableLoopReport:
    """What :func:`learn_table` did, round by round, and the verdict it ended on.

    Attributes:
        truth: The oracle table.
        verdict: The last round's :class:`~lifelab.evidence.tables.TableVerdict`.
        observed: Classes of the verdict's symmetry observed after each round.
        trajectories: Trajectories simulated (one a round).
        stop_reason: ``"determined"`` or ``"max_rounds"``.
    """

    truth: TableRule
    verdict: TableVerdict
    observed: list[int]
    trajectories: int
    stop_reason: str

    @property
    def rule(self) -> TableRule | None:
        """The table the data determine, or None."""
        return self.verdict.rule

    @property
    def recovered(self) -> bool:
        """The data determine a table, and it is the oracle's."""
        return self.rule is not None and self.rule == self.truth
