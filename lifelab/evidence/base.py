"""What every kind of evidence shares: :class:`Observations`, counts of what followed what, under one boundary.

The kinds count different things (:class:`~lifelab.evidence.Evidence` per 3x3 pattern,
:class:`~lifelab.evidence.CountEvidence` per (centre, live count) class of a larger neighbourhood,
:class:`~lifelab.evidence.TableEvidence` per many-state configuration), but each is counted from
trajectories under some settings, and the evidence of more trajectories counted the same way pools with it:
``evidence + evidence.like(more)`` is the evidence of both.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from lifelab.errors import InputError

__all__ = ["Observations", "pool_codes", "tally_codes"]


class Observations(ABC):
    """Counts of the next states that followed what the data show, kept so that more data pool with them.

    Each kind is a dataclass of its own fields; this class holds what they share.  Pooling (``+``) refuses
    evidence counted otherwise (:attr:`_alike`), and adds the counts as the kind adds them (:meth:`_pooled`);
    every other field is this evidence's.

    Attributes:
        counts: The count array (its shape is the kind's), the next state last.
        states: Number of cell states.
        boundary: What was taken to lie beyond the frame (``"torus"``, ``"dead"`` or ``"open"``).
        boundary_note: Why, when the data chose it (``boundary="auto"``); else empty.
    """

    states: int
    boundary: str
    boundary_note: str
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # each kind is a dataclass (``+`` replaces)

    #: What two pieces of evidence must share to pool, each with the refusal's words (``{0}``: this one's
    #: value, ``{1}``: the other's), in the order they are checked.
    _alike: ClassVar[dict[str, str]]
    #: The keyword arguments of :meth:`of` that :meth:`like` takes from this evidence.
    _settings: ClassVar[tuple[str, ...]]

    # A field of CountEvidence and TableEvidence, a property of Evidence (its clusters summed): declared for the
    # type checker only, since a property here, having no setter, would refuse the fields their values.
    if TYPE_CHECKING:

        @property
        def counts(self) -> np.ndarray:
            """The count array."""

    @classmethod
    @abstractmethod
    def of(cls, trajectories: Any, *args: Any, **settings: Any) -> Self:
        """Count the transitions of trajectories (each kind says how, and under which settings)."""

    @abstractmethod
    def _pooled(self, other: Self) -> dict[str, Any]:
        """The fields that pooling changes, each with ``other``'s (counted alike) added to this one's."""

    def like(self, trajectories) -> Self:
        """The evidence of more trajectories, counted as this was (the same settings and boundary)."""
        return type(self).of(trajectories, **{name: getattr(self, name) for name in self._settings})

    def __add__(self, other: object) -> Self:
        if not isinstance(other, type(self)):
            return NotImplemented
        for name, refusal in self._alike.items():
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                raise InputError(refusal.format(mine, theirs))
        return dataclasses.replace(self, **self._pooled(other))

    @property
    def observations(self) -> int:
        """Cell updates observed (one per counted cell per transition)."""
        return int(self.counts.sum())


def tally_codes(codes: np.ndarray, following: np.ndarray, states: int) -> tuple[np.ndarray, np.ndarray]:
    """How often each next state followed each configuration number: ``(sorted codes, (m, states) counts)``.

    Args:
        codes: A configuration number per observed cell (negative: not counted, e.g. beyond an open edge).
        following: The cell's next state, alike.
        states: Cell states.
    """
    counted = codes >= 0
    unique, inverse = np.unique(codes[counted], return_inverse=True)
    counts = np.zeros((len(unique), states), np.int64)
    np.add.at(counts, (inverse.reshape(-1), following[counted]), 1)
    return unique, counts


def pool_codes(one, other) -> dict[str, Any]:
    """The ``codes`` and ``counts`` of two tallies (:func:`tally_codes`) pooled: what ``_pooled`` returns."""
    codes = np.union1d(one.codes, other.codes)
    counts = np.zeros((len(codes), one.states), np.int64)
    counts[np.searchsorted(codes, one.codes)] += one.counts
    counts[np.searchsorted(codes, other.codes)] += other.counts
    return dict(codes=codes, counts=counts)
