"""Evidence: how often each 3x3 pattern was seen followed by each next state.

Trajectories say "3x3 pattern ``P`` was followed by a live (or dead)
centre", nothing more.  :class:`Evidence` counts exactly that, per
pattern; :meth:`Evidence.under` pools the counts over the classes of a
family (:class:`FamilyEvidence`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numba as nb
import numpy as np

from lifelab.engines import PackedHistory, checked_trajectories
from lifelab.evidence.assumptions import Family, family
from lifelab.evidence.base import Observations
from lifelab.evidence.boundary import check_boundary, choose_boundary, keyed
from lifelab.geometry import N_PATTERNS, pattern_index, showable
from lifelab.io.boards import trajectory_states

__all__ = ["Evidence", "FamilyEvidence", "MAX_CLUSTERS"]


#: Per-cluster counts are kept for at most this many clusters of transitions (adjacent ones are merged).
MAX_CLUSTERS = 256


@nb.njit(cache=True, nogil=True)
def _tally(index, after, counted, edge, per, by_row, by_column, by_edge):
    """Add each counted cell's (pattern, next state) to its step's, row's, column's and edge distance's counts."""
    steps, h, w = index.shape
    for t in range(steps):
        for y in range(h):
            for x in range(w):
                if counted[t, y, x]:
                    i, s = index[t, y, x], after[t, y, x]
                    per[t, i, s] += 1
                    by_row[y, i, s] += 1
                    by_column[x, i, s] += 1
                    by_edge[edge[y, x], i, s] += 1


def _merge(clusters: np.ndarray) -> np.ndarray:
    while len(clusters) > MAX_CLUSTERS:
        if len(clusters) % 2:
            clusters = np.concatenate([clusters, np.zeros_like(clusters[:1])])
        clusters = clusters[0::2] + clusters[1::2]
    return clusters


@dataclass(eq=False)
class Evidence(Observations):
    """How often each 3x3 pattern of live cells was seen followed by a live centre, and by anything else.

    For 2-state data that is the whole rule.  For the states of a
    Generations rule, the 3x3 patterns are those of the live cells (state 1),
    only dead (0) and live centres count (a dying cell cannot be born), and
    "live next" means state 1: the evidence about the birth/survival table.
    The rest of a Generations rule, the countdown of dying cells, is checked
    separately (``decay``).

    Attributes:
        clusters: ``(k, 512, 2)`` counts per cluster of transitions (one board
            pair each, adjacent ones merged beyond :data:`MAX_CLUSTERS`); the
            spread between clusters gives the uncertainty of a noise estimate.
        showable: ``(512,)`` patterns that a board of the data's shapes can show at all.
        transitions: Board transitions counted.
        states: Number of cell states (2; more for Generations data).
        decay: ``(violations, checked)``: cells whose change broke the
            Generations countdown (a dying cell not moving one state on, a live
            cell leaving to anything but state 2, a dead one to anything but 0 or 1).
        boundary: What was taken to lie beyond the frame (``"torus"``, ``"dead"`` or ``"open"``).
        boundary_note: Why, when the data chose it (``boundary="auto"``); else empty.
        groups: The same counts by where they were seen, for the tests of independence
            (:mod:`lifelab.evidence.independence`): ``"trajectory"`` (one per trajectory, adjacent ones
            merged beyond :data:`MAX_CLUSTERS`), ``"row"``, ``"column"`` and ``"edge"`` (distance from the
            frame's edge: 0, 1, 2 or more), each ``(groups, 512, 2)``; the clusters are the frames.
            Evidence pooled from boards of other sizes has no rows or columns (None).
    """

    clusters: np.ndarray = field(repr=False)
    showable: np.ndarray = field(repr=False)
    transitions: int
    states: int = 2
    decay: tuple[int, int] = (0, 0)
    boundary: str = "torus"
    boundary_note: str = ""
    groups: dict[str, np.ndarray | None] = field(default_factory=dict, repr=False)

    _alike = {
        "states": "cannot pool evidence of {0}-state and {1}-state data",
        "boundary": "cannot pool evidence counted with a {0} and a {1} boundary",
    }
    _settings = ("states", "boundary")

    @classmethod
    def of(cls, trajectories, states: int | None = None, boundary: str = "torus") -> Evidence:
        """Count the transitions of ``(n, T + 1, H, W)`` (or one ``(T + 1, H, W)``) trajectories.

        Args:
            trajectories: Cell states (0/1 or bool for 2-state data), or a
                :class:`~lifelab.engines.simulation.PackedHistory`, read a trajectory at a time.
            states: Number of states (default: what the data show).
            boundary: What lies beyond the frame (:mod:`lifelab.evidence.boundary`): ``"torus"``,
                ``"dead"``, ``"open"`` (only cells whose 3x3 window lies inside count) or ``"auto"``
                (what the edge cells show; the choice and its reason are kept in ``boundary_note``).
        """
        traj = checked_trajectories(trajectories, states=states)
        boundary = check_boundary(boundary)
        packed = isinstance(traj, PackedHistory)
        n_states = states if states is not None else 2 if packed else trajectory_states(traj)
        note = ""
        if boundary == "auto":  # the edge's choice reads every board at once
            alive = np.asarray(traj) == 1
            counted = traj[:, :-1] <= 1 if n_states > 2 else None
            choice = choose_boundary(alive[:, :-1], alive[:, 1:], 1, pattern_index, N_PATTERNS, counted)
            boundary, note = choice.boundary, choice.note
        n, length = traj.shape[:2]
        h, w = traj.shape[2:]
        rows, columns = np.indices((h, w))
        edge = np.minimum(np.minimum(rows, h - 1 - rows), np.minimum(columns, w - 1 - columns)).clip(max=2)
        grouped: dict[str, np.ndarray | None] = {
            name: np.zeros((size, N_PATTERNS, 2), dtype=np.int64)
            for name, size in (("row", h), ("column", w), ("edge", 3))
        }
        per, by_trajectory, violations, checked = [], [], 0, 0
        for t in traj:
            alive = t == 1
            index = np.ascontiguousarray(keyed(alive[:-1], 1, boundary, pattern_index))
            counted = index >= 0
            if n_states > 2:
                now, after = t[:-1].astype(np.int16), t[1:].astype(np.int16)
                expected = np.where(now >= 2, (now + 1) % n_states, -1)
                broken = np.where(
                    now >= 2, after != expected, np.where(now == 1, (after != 1) & (after != 2), after >= 2)
                )
                violations, checked = violations + int(broken.sum()), checked + broken.size
                counted &= now <= 1
            counts = np.zeros((length - 1, N_PATTERNS, 2), dtype=np.int64)
            _tally(
                index,
                alive[1:].view(np.uint8),
                counted,
                edge,
                counts,
                grouped["row"],
                grouped["column"],
                grouped["edge"],
            )
            per.append(counts)
            by_trajectory.append(counts.sum(axis=0))
        grouped["trajectory"] = _merge(np.stack(by_trajectory))
        return cls(
            _merge(np.concatenate(per)),
            showable(traj.shape[2:], boundary),
            n * (length - 1),
            n_states,
            (violations, checked),
            boundary,
            note,
            grouped,
        )

    def _pooled(self, other: Evidence) -> dict[str, Any]:
        groups: dict[str, np.ndarray | None] = {}
        for name in set(self.groups) & set(other.groups):
            mine, theirs = self.groups[name], other.groups[name]
            if mine is None or theirs is None or (name != "trajectory" and mine.shape != theirs.shape):
                groups[name] = None  # boards of other sizes: their rows are not the same rows
            elif name == "trajectory":
                groups[name] = _merge(np.concatenate([mine, theirs]))
            else:
                groups[name] = mine + theirs
        return dict(
            clusters=_merge(np.concatenate([self.clusters, other.clusters])),
            showable=self.showable | other.showable,
            transitions=self.transitions + other.transitions,
            decay=(self.decay[0] + other.decay[0], self.decay[1] + other.decay[1]),
            groups=groups,
        )

    @property
    def counts(self) -> np.ndarray:
        """``(512, 2)`` times each pattern was followed by a dead (column 0) and a live (column 1) centre."""
        return self.clusters.sum(axis=0)

    @property
    def seen(self) -> np.ndarray:
        """``(512,)`` times each pattern was observed."""
        return self.counts.sum(axis=1)

    @property
    def observed(self) -> np.ndarray:
        """``(512,)`` bool: patterns observed at least once."""
        return self.seen > 0

    @property
    def conflicting(self) -> np.ndarray:
        """``(512,)`` bool: patterns observed going to both states."""
        return (self.counts > 0).all(axis=1)

    def under(self, fam) -> FamilyEvidence:
        """The same counts pooled over the classes of a family.

        Args:
            fam: A :class:`Family` or family name.

        Returns:
            A :class:`FamilyEvidence`.
        """
        fam = family(fam)
        pooled = np.stack(
            [np.bincount(fam.labels, weights=self.counts[:, s], minlength=fam.n_classes) for s in (0, 1)], axis=1
        ).astype(np.int64)
        observable = np.bincount(fam.labels, weights=self.showable, minlength=fam.n_classes) > 0
        return FamilyEvidence(fam, pooled, observable, int(self.conflicting.sum()))


@dataclass(eq=False)
class FamilyEvidence:
    """Observation counts per class of a family.

    Attributes:
        family: The family.
        counts: ``(n_classes, 2)`` observations followed by a dead / live centre.
        observable: ``(n_classes,)`` classes with a pattern the data's boards can show.
        raw_conflicts: Patterns (not classes) seen going to both states.
    """

    family: Family
    counts: np.ndarray = field(repr=False)
    observable: np.ndarray = field(repr=False)
    raw_conflicts: int

    @property
    def observed(self) -> np.ndarray:
        """``(n_classes,)`` bool: classes observed at least once."""
        return self.counts.sum(axis=1) > 0

    @property
    def unobserved(self) -> list[int]:
        """Classes never observed."""
        return [int(c) for c in np.flatnonzero(~self.observed)]

    @property
    def conflicting(self) -> list[int]:
        """Classes observed going to both states (the family, or the data's determinism, is contradicted there)."""
        return [int(c) for c in np.flatnonzero((self.counts > 0).all(axis=1))]

    @property
    def contradicted(self) -> bool:
        """Some class went to both states although no single pattern did: the data rule the family out."""
        return bool(self.conflicting) and self.raw_conflicts == 0

    @property
    def complete(self) -> bool:
        """Every class was observed."""
        return bool(self.observed.all())

    @property
    def consistent_rules(self) -> int:
        """How many rules of the family fit the data: ``2 ** unobserved`` without conflicts, else 0."""
        return 0 if self.conflicting else 2 ** len(self.unobserved)

    @property
    def majority(self) -> np.ndarray:
        """``(n_classes,)`` bool: the more frequent next state of each class (dead where unobserved or tied)."""
        return self.counts[:, 1] > self.counts[:, 0]

    def summary(self) -> str:
        """One line."""
        fam = self.family
        if fam.name == "table":
            return (
                f"{int(self.observed.sum())} of {fam.n_classes} patterns observed, {len(self.conflicting)} with "
                f"both next states; {_fit(len(self.unobserved), self.consistent_rules, '2-state 3x3 rule')}"
            )
        return (
            f"{fam.title}: {int(self.observed.sum())} of {fam.n_classes} classes observed, "
            f"{len(self.conflicting)} with both next states; "
            f"{_fit(len(self.unobserved), self.consistent_rules, 'rule of the family')}"
        )


def _power(unobserved: int, rules: int) -> str:
    return "no" if rules == 0 else (f"2^{unobserved}" if unobserved > 16 else f"{rules}")


def _fit(unobserved: int, rules: int, what: str) -> str:
    if rules == 0:
        return f"no {what} fits them exactly"
    return f"{_power(unobserved, rules)} {what}{'s fit' if rules != 1 else ' fits'}"
