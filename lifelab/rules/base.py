"""What a rule type is: the base every rule type derives from, and the one every deterministic type derives from.

A *rule type* is a class of rules (:data:`lifelab.rules.RULE_TYPES`); a *family* elsewhere in lifelab is a named
set of rules (what a verdict may assume).  Every rule type (:class:`RuleBase`) knows its states, its
neighbourhood (as offsets), what a cell perceives of it, its notation (Golly's, in ``str(rule)``; the grid
suffix ``:Tw,h`` or ``:Pw,h`` after it) and its identity (two rules are equal when they do the same, however
spelled, whatever their grid).  A deterministic one (:class:`RuleType`) is *perceive + update*, as CAX's cellular
automata are: :meth:`~RuleBase.perceive` gives what each cell sees (its 3x3 pattern, its neighbour count, its
neighbourhood's configuration) and :meth:`RuleType.update` the next states from it; its step is the one after
the other.  A :class:`~lifelab.rules.stochastic.StochasticRule` perceives as a 3x3 rule does but steps with a
random stream, and is a :class:`RuleBase` only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable

import numpy as np
import torch

from lifelab.errors import InputError
from lifelab.rules.grid import Grid

__all__ = ["MAX_STATES", "BoardStep", "RuleBase", "RuleType"]

#: Most states a rule may have (Golly's limit).
MAX_STATES = 256


def check_states(states, text: str) -> int:
    """``states`` as an int from 2 to :data:`MAX_STATES`; ``text`` names the rule in the message."""
    if isinstance(states, bool) or not isinstance(states, (int, np.integer)) or not 2 <= states <= MAX_STATES:
        raise InputError(f"{text}: a rule has 2 to {MAX_STATES} states, got {states!r}")
    return int(states)


def decay(states: np.ndarray, live_next: np.ndarray, n: int) -> np.ndarray:
    """Next states of a Generations-style rule: born/survive from ``live_next``, dying cells count up to 0.

    Returns:
        bool boards for 2 states (only states 0 and 1 can be live), uint8 states otherwise.
    """
    if n == 2:
        return live_next & (states <= 1)
    s = states.astype(np.int16)
    out = np.where(s == 0, live_next, np.where(s == 1, 2 - live_next.astype(np.int16), (s + 1) % n))
    return out.astype(np.uint8)


class RuleBase(ABC):
    """What every rule type offers: states, a neighbourhood, perception, a notation, a grid suffix, an identity.

    Two rules are equal when the same ``_key`` method (a type's own, or one that two types share, as Larger
    than Life and HROT do) gives the same key for both: what the rule does, not how it is spelled; the grid is
    not part of it.  ``repr(rule)`` is the type's name around ``str(rule)``.

    Attributes:
        kind: The type's name in messages (``"Generations"``), the kind of its entries in the registry of
            named rules (:attr:`~lifelab.rules.NamedRule.kind`).
        states: Number of cell states: 0 dead, 1 live, 2.. the type's own (dying, or a rule table's states).
    """

    __slots__ = ()

    kind: str
    states: int
    _grid: Grid | None

    @property
    @abstractmethod
    def offsets(self) -> list[tuple[int, int]]:
        """The neighbourhood: the cells whose state can matter, ``(dy, dx)`` from the cell."""

    @property
    def reach(self) -> int:
        """How far the neighbourhood may reach from the cell (1: the 3x3 window)."""
        return 1

    @property
    def grid(self) -> Grid | None:
        """The bounded grid a ``:Tw,h`` or ``:Pw,h`` suffix asked for, or None (it is not part of equality)."""
        return self._grid

    @property
    def torus(self) -> tuple[int, int] | None:
        """``(width, height)`` of the torus a ``:Tw,h`` suffix asked for, or None."""
        return None if self._grid is None or self._grid.kind != "T" else (self._grid.width, self._grid.height)

    @abstractmethod
    def perceive(self, boards) -> np.ndarray:
        """What each cell of ``(..., H, W)`` boards of states sees (periodic boundary), one value a cell."""

    @abstractmethod
    def _notation(self) -> str:
        """The rule in Golly's canonical notation, without the grid suffix."""

    @abstractmethod
    def _key(self) -> Hashable:
        """What the rule does, hashable: equal for two rules that make the same moves."""

    def __str__(self) -> str:
        text = self._notation()
        return text if self._grid is None else f"{text}{self._grid}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, RuleBase):
            return NotImplemented
        return type(self)._key is type(other)._key and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


class RuleType(RuleBase):
    """A deterministic rule type: one step is :meth:`update` of what :meth:`~RuleBase.perceive` gives.

    ``tests/test_contracts.py`` checks every type against it: its notation reads back through
    :func:`~lifelab.rules.parse_rule`, its step is what :func:`lifelab.engines.simulate` runs.
    """

    __slots__ = ()

    @abstractmethod
    def update(self, boards, perception: np.ndarray) -> np.ndarray:
        """The next states of ``(..., H, W)`` boards, from each cell's state and what it perceives.

        Args:
            boards: The boards of states.
            perception: What :meth:`~RuleBase.perceive` gives for them (or any array broadcast with them).
        """

    def step(self, boards) -> np.ndarray:
        """One step on ``(..., H, W)`` boards of states (periodic boundary): :meth:`update` of :meth:`perceive`."""
        return self.update(boards, self.perceive(boards))

    def step_torch(self, states: torch.Tensor) -> torch.Tensor:
        """One step of a torch tensor (decided on the CPU, returned on the tensor's device)."""
        return torch.as_tensor(np.asarray(self.step(states.cpu().numpy())), device=states.device)

    def seagull_rule(self):
        """The callable seagull's ``Simulator.run`` takes: one step of a 2-D board."""
        return BoardStep(self)


class BoardStep:
    """One step of a rule on a 2-D board: what seagull's Simulator calls each generation."""

    def __init__(self, rule: RuleType):
        self.rule = rule

    def __call__(self, board: np.ndarray) -> np.ndarray:
        board = np.asarray(board)
        if board.ndim != 2:
            raise InputError(f"seagull boards are 2-D, got shape {board.shape}")
        return np.asarray(self.rule.step(board[None]))[0]

    def __repr__(self) -> str:
        return f"seagull step of {self.rule!r}"
