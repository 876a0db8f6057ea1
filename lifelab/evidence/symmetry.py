"""Which symmetries of the square the observed transitions allow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifelab.evidence.counts import Evidence
from lifelab.geometry import ELEMENT_NAMES, N_PATTERNS, SUBGROUPS, images
from lifelab.rules import as_rule

__all__ = ["DataSymmetry", "data_symmetry", "rule_symmetry"]


@dataclass
class DataSymmetry:
    """Which symmetries of the square observed transitions allow.

    Attributes:
        group: The largest subgroup of D4 (a key of :data:`lifelab.geometry.symmetry.SUBGROUPS`) that no
            observation contradicts.
        consistent: Every subgroup no observation contradicts, largest first.
        checked: Element name -> observed patterns whose image under the element was observed too.
        contradicted: Element name -> those of them whose next states differ.
        observed: Distinct 3x3 patterns observed.
        inconsistent: Patterns observed with both next states (then the data
            is not a deterministic 3x3 rule, and the identity is contradicted).
    """

    group: str
    consistent: list[str]
    checked: dict[str, int]
    contradicted: dict[str, int]
    observed: int
    inconsistent: int

    def summary(self) -> str:
        """A few lines for a person."""
        lines = [
            f"largest symmetry the data allows: {self.group} ({len(SUBGROUPS[self.group])} elements)",
            f"{self.observed} of {N_PATTERNS} patterns observed; {self.inconsistent} seen with both next states",
        ]
        for name in ELEMENT_NAMES.values():
            lines.append(
                f"  {name:<12s} {self.checked[name]:>4d} patterns checked, {self.contradicted[name]:>4d} contradict"
            )
        return "\n".join(lines)


def _symmetry(state: np.ndarray, observed: np.ndarray, inconsistent: np.ndarray) -> DataSymmetry:
    """Test the 8 elements against a (partial) next-state table."""
    decided = observed & ~inconsistent
    checked, contradicted, broken = {}, {}, set()
    for g, name in ELEMENT_NAMES.items():
        image = images(g)
        if g == (0, False):
            compared, bad = observed, inconsistent
        else:
            compared = decided & decided[image] & (image != np.arange(N_PATTERNS))
            bad = compared & (state != state[image])
        checked[name], contradicted[name] = int(compared.sum()), int(bad.sum())
        if bad.any():
            broken.add(g)
    consistent = [name for name, elements in SUBGROUPS.items() if not broken & set(elements)]
    return DataSymmetry(
        group=consistent[0] if consistent else "trivial",
        consistent=consistent,
        checked=checked,
        contradicted=contradicted,
        observed=int(observed.sum()),
        inconsistent=int(inconsistent.sum()),
    )


def data_symmetry(trajectories) -> DataSymmetry:
    """Test each of the 8 D4 elements against observed transitions.

    The data say "3x3 pattern ``P`` became state ``s``".  An element ``g``
    is contradicted when some observed pattern ``P`` and its image ``g P``
    (also observed) went to different states: a rule symmetric under ``g``
    must treat them alike.  Board shapes do not matter (patterns are
    turned, not boards).

    Args:
        trajectories: ``(n, T + 1, H, W)`` or ``(T + 1, H, W)`` 0/1 array, or an :class:`Evidence`.

    Returns:
        A :class:`DataSymmetry`; its ``group`` is the largest subgroup of D4
        none of whose elements is contradicted.
    """
    evidence = trajectories if isinstance(trajectories, Evidence) else Evidence.of(trajectories)
    return _symmetry(evidence.counts[:, 1] > 0, evidence.observed, evidence.conflicting)


def rule_symmetry(rule) -> DataSymmetry:
    """The symmetry of a rule's own table: what :func:`data_symmetry` finds when every pattern is observed.

    Args:
        rule: A :class:`~lifelab.rules.lifelike.Rule`, rulestring or name.

    Returns:
        A :class:`DataSymmetry` with all 512 patterns observed.
    """
    everything = np.ones(N_PATTERNS, dtype=bool)
    return _symmetry(as_rule(rule).table, everything, ~everything)
