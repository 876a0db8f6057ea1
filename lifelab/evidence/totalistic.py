"""Counts per (centre, live count) class of a neighbourhood beyond 3x3: the evidence about a Larger than Life rule.

A 3x3 rule is a table of 512 patterns, and :mod:`lifelab.evidence` counts
each one.  A range-2 box has 2^25 patterns, a range-5 box 2^121: no data
set shows them all, so every verdict about such a rule rests on an
assumption (:mod:`lifelab.evidence.ltl` states it).  A :class:`~lifelab.geometry.Neighbourhood` (Golly's
box ``NM``, diamond ``NN`` or disc ``NC`` of range ``r``) groups the
observations by *class*: the cell's own state and how many cells of the
neighbourhood are alive.  :class:`CountEvidence` counts, per class, how
often the cell was next alive and how often dead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.evidence.base import Observations
from lifelab.evidence.boundary import check_boundary, choose_boundary, keyed
from lifelab.geometry import Neighbourhood
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.utils import check_int

__all__ = ["SHAPES_BY_SIZE", "CountEvidence"]

#: Neighbourhood shapes of one range, fewest cells first.
SHAPES_BY_SIZE = ("N", "C", "M")


@dataclass(eq=False)
class CountEvidence(Observations):
    """How often each (centre, live count) class was followed by a live cell and by a dead one.

    Attributes:
        neighbourhood: The cells counted.
        counts: ``(2, width, 2)``: centre dead/alive, count less the lowest, next dead/alive.
        transitions: Board transitions counted.
        states: Cell states (Golly's ``C``); only cells of states 0 and 1 are classed, and only state 1 counts.
        boundary: What was taken to lie beyond the frame (``"torus"``, ``"dead"`` or ``"open"``).
        boundary_note: Why, when the data chose it (``boundary="auto"``); else empty.
        astray: Cell updates that broke the dying states (a cell not alive next that did not go from 0 to 0,
            from 1 to 2 (to 0 with 2 states), from k to k + 1 and from the last state to 0).
        shown: A cell of the last state was seen followed, so the data show how many states there are
            (always for 2 states).
        stated: The number of states was given, not read from the data.
    """

    neighbourhood: Neighbourhood
    counts: np.ndarray = field(repr=False)
    transitions: int
    states: int = 2
    boundary: str = "torus"
    boundary_note: str = ""
    astray: int = 0
    shown: bool = True
    stated: bool = False

    _alike = {
        "neighbourhood": "cannot pool counts on {0.title} and {1.title}",
        "boundary": "cannot pool counts taken with a {0} and a {1} boundary",
        "states": "cannot pool counts of {0} and {1} states",
    }
    _settings = ("neighbourhood", "boundary", "states", "stated")

    @classmethod
    def of(
        cls,
        trajectories,
        neighbourhood: Neighbourhood,
        boundary: str = "torus",
        states: int | None = None,
        stated: bool | None = None,
    ) -> CountEvidence:
        """Count the transitions of ``(n, T + 1, H, W)`` (or one ``(T + 1, H, W)``) trajectories.

        Args:
            trajectories: Cell states: 0/1, or 0 to ``C - 1`` for a rule with dying states.
            neighbourhood: The cells counted.
            boundary: What lies beyond the frame, as in :meth:`lifelab.evidence.Evidence.of`
                (``"open"``: only cells ``range`` or more from every edge count).
            states: Golly's ``C`` (default: one more than the largest state the data show, at least 2).
            stated: Whether ``states`` is the user's statement (default: when it is given) rather than what
                earlier data showed.

        Raises:
            InputError: For boards smaller than the neighbourhood (it would wrap onto itself), or states beyond
                ``states``.
        """
        if not isinstance(neighbourhood, Neighbourhood):
            raise InputTypeError(f"neighbourhood must be a Neighbourhood, got {type(neighbourhood).__name__}")
        traj = validate_trajectories(trajectories, states=None if states is None else check_int("states", states, 2))
        stated = states is not None if stated is None else bool(stated)
        states = trajectory_states(traj) if states is None else states
        boundary = check_boundary(boundary)
        span = 2 * neighbourhood.range + 1
        if min(traj.shape[2:]) < span:
            raise InputError(
                f"boards of {traj.shape[2]}x{traj.shape[3]} are smaller than {neighbourhood.title} "
                f"({span}x{span}): its cells would wrap onto each other"
            )
        n, length = traj.shape[:2]
        alive = traj == 1
        classes = neighbourhood.width
        note = ""
        if boundary == "auto":  # dying cells have no class: they are not evidence of the edge either
            choice = choose_boundary(
                alive[:, :-1],
                alive[:, 1:],
                neighbourhood.range,
                neighbourhood.keys,
                2 * classes,
                None if traj.dtype == bool else traj[:, :-1] <= 1,
            )
            boundary, note = choice.boundary, choice.note
        keys = keyed(alive[:, :-1], neighbourhood.range, boundary, neighbourhood.keys)
        counted = keys >= 0
        astray, shown = 0, True
        if traj.dtype != bool:  # dying states: only cells of states 0 and 1 have a class
            now, after = traj[:, :-1], traj[:, 1:]
            counted &= now <= 1
            dying = np.where(now == 0, 0, (now.astype(np.int64) + 1) % states)
            astray = int(((after != dying) & ((after != 1) | (now > 1))).sum())
            shown = states == 2 or bool((now == states - 1).any())
        pairs = keys[counted] * 2 + alive[:, 1:][counted]
        counts = np.bincount(pairs, minlength=4 * classes).reshape(2, classes, 2)
        return cls(
            neighbourhood, counts.astype(np.int64), n * (length - 1), states, boundary, note, astray, shown, stated
        )

    def _pooled(self, other: CountEvidence) -> dict[str, Any]:
        return dict(
            counts=self.counts + other.counts,
            transitions=self.transitions + other.transitions,
            astray=self.astray + other.astray,
            shown=self.shown or other.shown,
            stated=self.stated and other.stated,
        )

    @property
    def observed(self) -> np.ndarray:
        """``(n_classes,)`` bool, by class index: observed at least once."""
        return self.counts.sum(axis=2).ravel() > 0

    @property
    def showable(self) -> np.ndarray:
        """``(n_classes,)`` bool: the classes some set of live cells gives on a board at least as large as the
        neighbourhood (every class of a shape; a weighted neighbourhood's counts may skip values)."""
        return np.tile(self.neighbourhood.reachable, 2)

    @property
    def conflicting(self) -> np.ndarray:
        """``(n_classes,)`` bool: classes seen going to both states."""
        return (self.counts > 0).all(axis=2).ravel()

    def summary(self) -> str:
        """One line: classes observed, conflicts, and the patterns a 2^cells table would need."""
        cells = self.neighbourhood.size + 1
        return (
            f"{int(self.observed.sum())} of {int(self.showable.sum())} (centre, live count) classes on "
            f"{self.neighbourhood.title} observed, {int(self.conflicting.sum())} with both next states "
            f"({self.observations} cell updates; a full table would have 2^{cells} patterns)"
        )
