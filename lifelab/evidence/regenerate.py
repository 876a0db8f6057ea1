"""How well a rule regenerates observed trajectories: the check that closes the loop after a rule is read out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifelab.engines import simulate
from lifelab.evidence.boundary import interior
from lifelab.io.boards import validate_trajectories
from lifelab.rules import RuleBase, parse_rule, rule_reach, rule_states

__all__ = ["GeneratorCheck", "generator_check"]


@dataclass
class GeneratorCheck:
    """How well a rule regenerates observed trajectories.

    Attributes:
        cell_match: Fraction of cells of the free-running simulation (from
            each trajectory's first board) equal to the data.
        transition_match: Fraction of observed transitions ``x_t -> x_{t+1}``
            the rule reproduces exactly (one step from the true ``x_t``).
        first_divergence: The first step at which some simulated trajectory
            differs from the data, or None if none does.
        trajectories: Number of trajectories compared.
        steps: Steps per trajectory.
    """

    cell_match: float
    transition_match: float
    first_divergence: int | None
    trajectories: int
    steps: int

    @property
    def agrees(self) -> bool:
        """True when every transition of the data is reproduced."""
        return self.transition_match == 1.0

    def summary(self) -> str:
        """One line."""
        where = "never diverges" if self.first_divergence is None else f"first diverges at step {self.first_divergence}"
        return (
            f"{self.trajectories} trajectories x {self.steps} steps: cells {self.cell_match:.4%} match, "
            f"transitions {self.transition_match:.2%} exact, {where}"
        )


def generator_check(rule: RuleBase | str, trajectories, boundary: str = "torus") -> GeneratorCheck:
    """Simulate a rule from the data's initial boards and compare with the data.

    Args:
        rule: The extracted (or any) rule.
        trajectories: ``(n, T + 1, H, W)`` 0/1 observed trajectories.
        boundary: What lies beyond the frame: ``"torus"``, ``"dead"`` (simulated on a bounded plane) or
            ``"open"`` (a window of a larger world: step ``t`` is compared only on the cells the frame
            determines, those ``t`` reaches or more from every edge).

    Returns:
        A :class:`GeneratorCheck`.
    """
    rule = parse_rule(rule)
    data = validate_trajectories(trajectories, states=rule_states(rule))
    n, length = data.shape[:2]
    shape = data.shape[2:]
    engine = "dead" if boundary == "dead" else "torus"
    simulated = simulate(rule, data[:, 0], length - 1, boundary=engine)
    reach = rule_reach(rule)
    known = np.stack(
        [interior(shape, reach * t) if boundary == "open" else np.ones(shape, dtype=bool) for t in range(length)]
    )
    same = (simulated == data) | ~known
    steps_ok = same.all(axis=(0, 2, 3))
    bad = np.flatnonzero(~steps_ok)
    one_step = simulate(rule, data[:, :-1].reshape(-1, *shape), 1, boundary=engine)[:, 1]
    exact = ((one_step == data[:, 1:].reshape(-1, *shape)) | ~known[1]).all(axis=(1, 2))
    compared = n * int(known.sum())
    cell_match = float(((simulated == data) & known).sum() / compared) if compared else 1.0
    return GeneratorCheck(
        cell_match=cell_match,
        transition_match=float(exact.mean()),
        first_divergence=int(bad[0]) if bad.size else None,
        trajectories=int(n),
        steps=int(length - 1),
    )
