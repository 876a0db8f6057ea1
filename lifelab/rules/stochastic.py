"""Stochastic rules: a 2-state 3x3 rule whose next state is random, a probability per pattern."""

from __future__ import annotations

import re

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import CENTRE, N_PATTERNS, pattern_index, table_offsets
from lifelab.geometry import counts as pattern_counts
from lifelab.rules.base import RuleBase
from lifelab.rules.grid import split_topology
from lifelab.rules.lifelike import Rule

__all__ = ["StochasticRule"]


class StochasticRule(RuleBase):
    """A 2-state 3x3 rule whose next state is random: each pattern has a probability of being alive next.

    Probabilistic cellular automata (directed percolation, Domany-Kinzel in
    2-D) are what physicists study, and Golly cannot run them.  The rule is
    a ``(512,)`` table of probabilities; its notation is the deterministic
    part in Golly's notation and the stochastic classes after it, named as
    outer-totalistic Moore classes when the probabilities are constant on
    them (``B3/S23 [B3=0.8]``: Life, except that a dead cell with three live
    neighbours is born with probability 0.8), else as MAP indices
    (``MAP... [p17=0.5]``).

    Attributes:
        probability: ``(512,)`` float: the chance of being alive next, per 3x3 pattern (MAP order).
    """

    kind = "stochastic"
    #: Cell states: always 2.
    states = 2

    def __init__(self, probability):
        """Args:
        probability: ``(512,)`` chances in [0, 1], MAP order.
        """
        table = np.asarray(probability, dtype=np.float64)
        if table.shape != (N_PATTERNS,):
            raise InputError(
                f"a stochastic rule has one probability per 3x3 pattern, shape ({N_PATTERNS},), got {table.shape}"
            )
        if not np.isfinite(table).all() or (table < 0).any() or (table > 1).any():
            raise InputError("a stochastic rule's probabilities must lie in [0, 1]")
        self.probability = table
        self.probability.flags.writeable = False
        self._grid = None

    @classmethod
    def of(cls, base, exceptions: dict[str, float]) -> StochasticRule:
        """A deterministic rule with some classes made random.

        Args:
            base: The deterministic rule (a :class:`~lifelab.rules.lifelike.Rule` or rulestring).
            exceptions: Class name -> probability of alive next: ``"B3"`` (a dead cell with 3 live Moore
                neighbours), ``"S2"`` (a live one with 2), or ``"p17"`` (the 3x3 pattern of MAP index 17).

        Raises:
            InputError: For an unknown class name or a probability outside [0, 1].
        """
        base = Rule.parse(base) if isinstance(base, str) else base
        if not isinstance(base, Rule):
            raise InputTypeError(f"base must be a Rule or rulestring, got {type(base).__name__}")
        table = base.table.astype(np.float64)
        for name, value in exceptions.items():
            table[_class_patterns(name)] = _probability(value, name)
        return cls(table)

    @classmethod
    def parse(cls, text: str) -> StochasticRule:
        """Read ``BASE [CLASS=p, ...]``: a deterministic 3x3 rule and its random classes (:meth:`of`).

        Raises:
            InputError: Naming the bad part.
        """
        match = re.fullmatch(r"\s*([^\[]+?)\s*\[([^\]]*)\]\s*", text)
        if match is None:
            raise InputError(f"stochastic rule {text!r} should read 'B3/S23 [B3=0.8, S2=0.95]'")
        base, grid = split_topology(match[1], text)
        exceptions = {}
        for part in filter(None, (p.strip() for p in match[2].split(","))):
            name, sep, value = part.partition("=")
            if not sep:
                raise InputError(f"stochastic rule {text!r}: {part!r} should be CLASS=probability")
            exceptions[name.strip()] = value.strip()
        rule = cls.of(base, exceptions)
        rule._grid = grid
        return rule

    @property
    def base(self) -> Rule:
        """The deterministic rule nearest to it: alive where the chance is above one half."""
        return Rule.from_table(self.probability > 0.5)

    @property
    def exceptions(self) -> dict[str, float]:
        """The stochastic classes by name and their probabilities (Moore classes when constant on them)."""
        random = (self.probability > 0) & (self.probability < 1)
        moore = CENTRE.astype(np.int64) * 9 + pattern_counts("moore")
        out = {}
        by_class = all(np.ptp(self.probability[moore == c]) == 0 for c in np.unique(moore[random]))
        if by_class:
            for c in np.unique(moore[random]):
                out[f"{'S' if c >= 9 else 'B'}{c % 9}"] = float(self.probability[moore == c][0])
        else:
            out = {f"p{i}": float(self.probability[i]) for i in np.flatnonzero(random)}
        return out

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells the probabilities depend on, ``(dy, dx)`` in reading order (the centre always included)."""
        return table_offsets(self.probability)

    def perceive(self, states: np.ndarray) -> np.ndarray:
        """Each cell's 3x3 pattern of live cells, its MAP index (periodic boundary)."""
        return pattern_index(np.asarray(states) == 1)

    def step(self, states: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One random step on ``(..., H, W)`` boards (periodic), drawing from ``rng``."""
        chance = self.probability[self.perceive(states)]
        return rng.random(chance.shape) < chance

    def _notation(self) -> str:
        base = str(self.base)
        listed = ", ".join(f"{name}={value:g}" for name, value in self.exceptions.items())
        return f"{base} [{listed}]" if listed else base

    def _key(self) -> bytes:
        return self.probability.tobytes()

    @property
    def name(self) -> str | None:
        """Stochastic rules have no registry names."""
        return None


def _class_patterns(name: str) -> np.ndarray:
    """The 3x3 patterns (MAP indices) a stochastic class name stands for: ``B3``, ``S2`` or ``p17``."""
    match = re.fullmatch(r"([BS])([0-8])|p([0-9]{1,18})", name.strip())
    if match is None or (match[3] is not None and int(match[3]) >= N_PATTERNS):
        raise InputError(
            f"unknown stochastic class {name!r}: expected B0..B8 or S0..S8 (Moore classes) or p0..p511 (a 3x3 pattern)"
        )
    if match[3] is not None:
        return np.array([int(match[3])])
    alive = match[1] == "S"
    return np.flatnonzero((CENTRE == alive) & (pattern_counts("moore") == int(match[2])))


def _probability(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InputError(f"the probability of {name} must be a number in [0, 1], got {value!r}") from None
    if not 0 <= value <= 1:
        raise InputError(f"the probability of {name} must be a number in [0, 1], got {value}")
    return value
