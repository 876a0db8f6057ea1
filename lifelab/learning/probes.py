"""Probing a trained network: which cells can change its decision, and its answers on every pattern.

The network is a black box from one-hot boards to next-state logits.
:func:`sensitivity` flips one cell of many random boards and sees which
outputs change class, so that only the cells that matter are enumerated: a
model with 5x5 kernels or a 9x9 receptive field costs no more than the rule
it computes, and a model that really looks further than 3x3 is seen to.
:func:`indicator_patterns` lists every pattern of a window in Golly's MAP
order; :func:`pattern_accuracy` scores a model's 3x3 table against a rule's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifelab.errors import InputError
from lifelab.geometry import bits
from lifelab.learning.models import pattern_table, predict
from lifelab.rules import Rule, as_rule
from lifelab.utils import check_int

__all__ = ["Sensitivity", "indicator_patterns", "pattern_accuracy", "sensitivity"]

#: The most cells whose patterns are enumerated (2^20, about a million patterns).
MAX_CELLS = 20


def indicator_patterns(w: int = 3, h: int = 3) -> np.ndarray:
    """Every binary ``h x w`` pattern, in Golly's MAP order.

    Pattern ``i`` has cell ``k`` (reading order, top-left first) alive when
    bit ``w * h - 1 - k`` of ``i`` is set; for 3x3 that is exactly the MAP
    weighting (NW = 256 ... SE = 1), so the network's predictions on the
    patterns, in order, are a :class:`Rule` table.

    Args:
        w: Width of the window.
        h: Height of the window.

    Returns:
        ``(2 ** (w * h), h, w)`` bool array.

    Raises:
        ValueError: For windows of more than 20 cells (over a million
            patterns): enumerate the cells that matter instead
            (:func:`sensitivity`, :func:`~lifelab.learning.extract.extract_rule`).
    """
    w, h = check_int("w", w, 1), check_int("h", h, 1)
    cells = w * h
    if cells > MAX_CELLS:
        raise InputError(
            f"a {w}x{h} window has 2^{cells} patterns; at most {MAX_CELLS} cells can be enumerated. "
            f"Find the cells that influence the output with sensitivity() and enumerate those"
        )
    return bits(cells).reshape(-1, h, w)


def pattern_accuracy(model, rule: Rule | str, pad: int = 2) -> float:
    """The fraction of the 512 3x3 patterns whose next state a model gets right.

    Each pattern sits in the middle of an otherwise dead board (``pad``
    dead cells on every side) and the model's decision for its centre is
    compared with the rule's table: a measure of how much of the rule the
    network computes, independent of any particular data.

    Args:
        model: A model of the zoo.
        rule: The true rule.
        pad: Dead cells around each pattern.

    Returns:
        A fraction in [0, 1].
    """
    return float((pattern_table(model, pad) == as_rule(rule).table).mean())


def _alive_probability(model, boards: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Probability of "alive" at every cell, in eval mode without gradients."""
    return predict(model, boards, batch_size=batch_size, probabilities=True)


@dataclass
class Sensitivity:
    """Which cells around a cell influence the network's output for it.

    Attributes:
        radius: Offsets ``-radius..radius`` were probed in each direction.
        influence: ``(2r+1, 2r+1)`` largest change of the alive probability
            when the cell at that offset (row, column from the centre) flips.
        decisive: ``(2r+1, 2r+1)`` bool: flipping that cell changed the
            predicted next state on at least one probe board.
        outside: Largest change of the alive probability from cells beyond the radius.
        boards: Probe boards used.
    """

    radius: int
    influence: np.ndarray
    decisive: np.ndarray
    outside: float
    boards: int

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The decisive offsets ``(dy, dx)``, in reading order."""
        return [(int(y) - self.radius, int(x) - self.radius) for y, x in zip(*np.nonzero(self.decisive), strict=True)]

    @property
    def local(self) -> bool:
        """True when every decisive cell lies in the 3x3 neighbourhood."""
        return all(abs(dy) <= 1 and abs(dx) <= 1 for dy, dx in self.offsets)


def sensitivity(model, radius: int = 4, n_boards: int = 256, seed: int = 0) -> Sensitivity:
    """Probe which offsets can change the model's decision for a cell.

    On each random board (densities spread from 0.1 to 0.9, so every
    neighbour count occurs) one cell is flipped; by translation equivariance
    the change of the output at offset ``-d`` from the flipped cell is the
    influence of offset ``d``.  One forward pass per board covers every
    offset at once.

    Args:
        model: A model of the zoo.
        radius: Largest offset probed (the board is large enough that offsets up to twice that do not alias).
        n_boards: Number of probe boards.
        seed: Seed of the probe boards.

    Returns:
        A :class:`Sensitivity`.
    """
    radius, n_boards = check_int("radius", radius, 1), check_int("n_boards", n_boards, 1)
    size = 4 * radius + 4
    rng = np.random.default_rng(seed)
    density = np.linspace(0.1, 0.9, n_boards)[:, None, None]
    boards = rng.random((n_boards, size, size)) < density
    centre = size // 2
    flipped = boards.copy()
    flipped[:, centre, centre] ^= True
    p0, p1 = _alive_probability(model, boards), _alive_probability(model, flipped)
    change = np.abs(p1 - p0)
    decided = (p0 > 0.5) != (p1 > 0.5)
    # the output at cell q changed by the flip at c measures the influence of offset d = c - q
    q = centre - np.arange(-radius, radius + 1)
    change_map, decided_map = change.max(axis=0), decided.any(axis=0)
    window = np.ix_(q, q)
    outside = change_map.copy()
    outside[window] = 0.0
    return Sensitivity(
        radius=int(radius),
        influence=change_map[window],
        decisive=decided_map[window],
        outside=float(outside.max()),
        boards=int(n_boards),
    )
