"""The verdict ladder, in one place: its rungs, which of them determine a rule, and ``lifelab learn``'s exit codes.

Every kind of verdict (:class:`~lifelab.evidence.verdicts.Verdict` on 3x3
evidence, :class:`~lifelab.evidence.ltl.CountVerdict` on the counts
of a larger neighbourhood) climbs this ladder and meets :class:`VerdictProtocol`:

- **identified**: every pattern was observed, none with two different next
  states: exactly one rule of the window fits, with no assumption;
- **identified within FAMILY**: every class of the family was observed (or,
  for interval rules, both ends of each interval are pinned) and the data
  contradict the family nowhere: exactly one rule of the family fits (the
  verdict names the assumption);
- **explained with noise**: the observations conflict, but one rule plus
  independent cell flips at an estimated rate explains them (the misses are
  spread as independent flips spread them), and every class is decided at
  the stated confidence;
- **stochastic**: the observations conflict in a way no single flip rate
  explains (a likelihood-ratio test), and a rule whose classes each have a
  probability of being alive next does: every class is observed and its
  probability pinned to the stated precision at the stated confidence;
- **underdetermined**: some patterns (classes) were never observed (or,
  with noise, not often enough): several rules fit the data equally well;
- **inconsistent**: no rule of the family (or no rule plus independent
  noise) reproduces the data.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol, runtime_checkable

__all__ = ["CONFIDENCE", "DETERMINED", "EXIT_CODES", "RUNGS", "OnLadder", "VerdictProtocol"]


#: Joint confidence at which a verdict on noisy or random observations decides every class, unless told otherwise.
CONFIDENCE = 0.999

#: The rungs of the verdict ladder, strongest first.
RUNGS = (
    "identified",
    "identified within family",
    "explained with noise",
    "stochastic",
    "underdetermined",
    "inconsistent",
)

#: The rungs on which the data determine one rule (``lifelab learn`` exits 0 on these only).
DETERMINED = RUNGS[:4]

#: Exit status of ``lifelab learn`` for each rung: 0 means the data determine the rule.
EXIT_CODES = {
    "identified": 0,
    "identified within family": 0,
    "explained with noise": 0,
    "stochastic": 0,
    "underdetermined": 3,
    "inconsistent": 1,
}


class OnLadder(ABC):
    """What a verdict derives from its rung, once for every kind: whether it determines a rule, the exit code,
    and the sentence with what the data showed beyond the frame (``boundary_note``) after the rung's own words
    (``_rung_sentence``)."""

    rung: str
    boundary_note: str

    @abstractmethod
    def _rung_sentence(self) -> str:
        """The verdict in the rung's own words."""

    @property
    def determined(self) -> bool:
        """The data, under the stated assumption, determine one rule."""
        return self.rung in DETERMINED

    @property
    def exit_code(self) -> int:
        """``lifelab learn``'s exit status for this verdict (see :data:`EXIT_CODES`)."""
        return EXIT_CODES[self.rung]

    def sentence(self) -> str:
        """The verdict as one paragraph a researcher can quote, with the boundary the data chose (if they did)."""
        note = self.boundary_note
        return self._rung_sentence() + (f" {note[0].upper()}{note[1:]}." if note else "")

    def __str__(self) -> str:
        return self.sentence()


@runtime_checkable
class VerdictProtocol(Protocol):
    """What every verdict offers, whatever evidence it weighs (the loop, the CLI and the sweep use only this).

    Attributes:
        rung: One of :data:`RUNGS`.
        rule: The rule the data determine, or None.
        family: The assumption it rests on (with ``name``, ``title``, ``assumption``, ``n_classes``, ``symmetry``).
        noise: The noise estimate, or None.
    """

    rung: str
    rule: object
    family: object
    noise: object

    @property
    def determined(self) -> bool:
        """The data, under the stated assumption, determine one rule."""

    @property
    def exit_code(self) -> int:
        """``lifelab learn``'s exit status."""

    @property
    def label(self) -> str:
        """The rung in words, with the family where it matters."""

    @property
    def unobserved(self) -> list[int]:
        """Patterns (or classes) never observed."""

    def disagreements(self, rule) -> int:
        """Patterns (classes) the data decide on which ``rule`` says otherwise."""

    def guess_accuracy(self, truth) -> float | None:
        """How many never-observed patterns (classes) the learner's guess gets right."""

    def sentence(self) -> str:
        """The verdict as one paragraph a researcher can quote."""

    def summary(self) -> str:
        """A few lines: the rung, the evidence and the assumption."""
