"""The 3x3 window: its cells, the numbering of its patterns, neighbour counts, turns and flips.

A 2-state 3x3 pattern is numbered by adding Golly's MAP weights of its live
cells::

    NW=256  N=128  NE=64
    W=32    C=16   E=8
    SW=4    S=2    SE=1

so pattern ``i`` is entry ``i`` of a rule's 512-entry truth table.  This
module is the one home of that numbering: rules, data statistics,
extraction, evidence and plots ask it for patterns, counts and images
instead of re-deriving them.
"""

from __future__ import annotations

import functools

import numba as nb
import numpy as np

from lifelab.errors import InputError
from lifelab.geometry.symmetry import SUBGROUPS, check_element, transform
from lifelab.utils import check_int

__all__ = [
    "CELLS",
    "CENTRE",
    "MAP_WEIGHTS",
    "N_PATTERNS",
    "NEIGHBOURHOODS",
    "WINDOW",
    "bits",
    "configuration_counts",
    "count_class_counts",
    "counts",
    "images",
    "index_of",
    "orbit",
    "orbit_labels",
    "pattern_index",
    "patterns",
    "showable",
    "table_offsets",
    "transition_counts",
]

#: Offsets ``(dy, dx)`` of the 3x3 window, in reading order (NW first): cell ``k`` of a pattern.
WINDOW: tuple[tuple[int, int], ...] = tuple((dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1))

#: Cells in the window.
CELLS = len(WINDOW)

#: Patterns of the window: the length of a rule's truth table.
N_PATTERNS = 2**CELLS

MAP_WEIGHTS = (1 << np.arange(CELLS - 1, -1, -1, dtype=np.int64)).reshape(3, 3)
"""Golly's MAP weight of each cell of the 3x3 window (row-major, NW first)."""

NEIGHBOURHOODS: dict[str, np.ndarray] = {
    "moore": np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.int64),
    "vonneumann": np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=np.int64),
    # Golly emulates the hexagonal grid on the square one by skewing it: the
    # six neighbours are NW, N, W, E, S, SE and the NE and SW corners are ignored.
    "hexagonal": np.array([[1, 1, 0], [1, 0, 1], [0, 1, 1]], dtype=np.int64),
}
"""Neighbour-count kernels (centre excluded) of the outer-totalistic families."""


@functools.cache
def bits(k: int) -> np.ndarray:
    """Every assignment of ``k`` binary cells, most significant cell first.

    Args:
        k: Number of cells (0 to 24).

    Returns:
        Read-only ``(2 ** k, k)`` bool array; row ``i`` has cell ``j`` alive when bit ``k - 1 - j`` of ``i`` is set.
    """
    k = check_int("cells", k, 0, 24)
    index = np.arange(2 ** int(k), dtype=np.int64)
    out = ((index[:, None] >> np.arange(k - 1, -1, -1)) & 1).astype(bool)
    out.flags.writeable = False
    return out


def patterns() -> np.ndarray:
    """The 512 patterns of the 3x3 window in MAP order: ``(512, 3, 3)`` bool, pattern ``i`` is MAP index ``i``."""
    return bits(CELLS).reshape(N_PATTERNS, 3, 3)


CENTRE: np.ndarray = bits(CELLS)[:, WINDOW.index((0, 0))]
"""``(512,)`` bool: the centre cell of each pattern."""


@functools.cache
def counts(neighbourhood: str) -> np.ndarray:
    """Live neighbours of the centre in each pattern, on one of :data:`NEIGHBOURHOODS`.

    Args:
        neighbourhood: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.

    Returns:
        Read-only ``(512,)`` int64 array.
    """
    if neighbourhood not in NEIGHBOURHOODS:
        raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
    out = bits(CELLS).astype(np.int64) @ NEIGHBOURHOODS[neighbourhood].ravel()
    out.flags.writeable = False
    return out


@nb.njit(cache=True, nogil=True)
def _window_indices(boards: np.ndarray, out: np.ndarray) -> None:
    """MAP index of every cell's 3x3 window on ``(n, H, W)`` uint8 0/1 boards, each a torus, into ``out``.

    Each row's cells are first coded west-centre-east (4, 2, 1); a cell's
    index is then its row above's code times 64, its own row's times 8 and
    its row below's: the MAP weights, in two passes instead of nine.
    """
    n, h, w = boards.shape
    rows = np.empty((h, w), np.int16)
    for b in range(n):
        for y in range(h):
            row = boards[b, y]
            for x in range(1, w - 1):
                rows[y, x] = 4 * row[x - 1] + 2 * row[x] + row[x + 1]
            rows[y, 0] = 4 * row[w - 1] + 2 * row[0] + row[1 % w]
            rows[y, w - 1] = 4 * row[w - 2 if w > 1 else 0] + 2 * row[w - 1] + row[0]
        for y in range(h):
            above, below = rows[(y - 1) % h], rows[(y + 1) % h]
            for x in range(w):
                out[b, y, x] = 64 * above[x] + 8 * rows[y, x] + below[x]


def pattern_index(boards) -> np.ndarray:
    """The MAP index (0-511) of every cell's 3x3 neighbourhood on a torus.

    Args:
        boards: ``(..., H, W)`` 0/1 array: any number of leading axes.

    Returns:
        int16 array of the same shape.

    Raises:
        ValueError: For fewer than two axes.
    """
    arr = np.asarray(boards)
    if arr.ndim < 2:
        raise InputError(f"boards have at least two axes (..., H, W), got shape {arr.shape}")
    out = np.zeros(arr.shape, dtype=np.int16)
    if arr.size:
        h, w = arr.shape[-2:]
        cells = np.ascontiguousarray(arr.astype(bool, copy=False)).view(np.uint8).reshape(-1, h, w)
        _window_indices(cells, out.reshape(-1, h, w))
    return out


def index_of(pattern) -> int:
    """The MAP index of one pattern.

    Args:
        pattern: A MAP index (0-511) or a ``(3, 3)`` array of 0/1.

    Returns:
        The index, an int in 0-511.

    Raises:
        ValueError: For an index out of range or an array that is not a 3x3 pattern.
    """
    if isinstance(pattern, (int, np.integer)) and not isinstance(pattern, bool):
        if not 0 <= pattern < N_PATTERNS:
            raise InputError(f"a 3x3 pattern index is in 0-{N_PATTERNS - 1}, got {pattern}")
        return int(pattern)
    arr = np.asarray(pattern)
    if arr.shape != (3, 3) or not np.isin(arr, (0, 1)).all():
        raise InputError(f"a pattern is a MAP index or a (3, 3) array of 0/1, got {pattern!r}")
    return int((arr.astype(np.int64) * MAP_WEIGHTS).sum())


def table_offsets(table) -> list[tuple[int, int]]:
    """The cells a 512-entry table (of any values) depends on, ``(dy, dx)`` in reading order, the centre always.

    A cell counts when flipping it changes the entry of some pattern.
    """
    table, every = np.asarray(table), np.arange(N_PATTERNS)
    return [
        cell
        for cell, weight in zip(WINDOW, MAP_WEIGHTS.ravel(), strict=True)
        if cell == (0, 0) or bool((table != table[every ^ int(weight)]).any())
    ]


def images(g: tuple[int, bool]) -> np.ndarray:
    """Where a D4 element sends each 3x3 pattern, by MAP index.

    Args:
        g: ``(quarter_turns, flip)``, as :func:`lifelab.geometry.symmetry.transform` takes it.

    Returns:
        ``(512,)`` read-only int array: entry ``i`` is the MAP index of ``transform(pattern i, g)``.
    """
    return _images(check_element(g))


@functools.cache
def _images(g: tuple[int, bool]) -> np.ndarray:
    out = (transform(patterns().astype(np.int64), g) * MAP_WEIGHTS).sum(axis=(1, 2))
    out.flags.writeable = False
    return out


def orbit(pattern, group: str) -> list[int]:
    """The MAP indices of a 3x3 pattern's images under a group (its orbit), sorted.

    Args:
        pattern: A MAP index (0-511) or a ``(3, 3)`` 0/1 array.
        group: A key of :data:`lifelab.geometry.symmetry.SUBGROUPS` (``"p4"``, ``"p4m"``, ``"pm-lr"``, ...).

    Returns:
        Sorted distinct MAP indices; setting a rule's table alike on all of them
        keeps the rule symmetric under the group.
    """
    if group not in SUBGROUPS:
        raise InputError(f"unknown symmetry group {group!r}; expected one of {list(SUBGROUPS)}")
    index = index_of(pattern)
    return sorted({int(images(g)[index]) for g in SUBGROUPS[group]})


@functools.cache
def orbit_labels(group: str) -> np.ndarray:
    """For every pattern, the smallest MAP index in its orbit under a group.

    Args:
        group: A key of :data:`lifelab.geometry.symmetry.SUBGROUPS`.

    Returns:
        Read-only ``(512,)`` int64 array; two patterns share a label exactly when one is an image of the other.
    """
    if group not in SUBGROUPS:
        raise InputError(f"unknown symmetry group {group!r}; expected one of {list(SUBGROUPS)}")
    out = np.min([images(g) for g in SUBGROUPS[group]], axis=0).astype(np.int64)
    out.flags.writeable = False
    return out


def showable(shape: tuple[int, int], boundary: str = "torus") -> np.ndarray:
    """Which 3x3 patterns can occur on a board of this shape.

    On a board of at least 3x3 the nine cells of every window are distinct
    cells, so every pattern can occur.  On a thinner torus a window wraps
    onto itself (on a 1x1 board all nine cells are the same cell) and only
    some patterns can; with a dead outside, a thin board shows the patterns
    whose cells beyond it are dead; an open frame (only cells whose window
    lies inside count) thinner than 3 shows none.

    Args:
        shape: ``(H, W)`` of the board.
        boundary: ``"torus"``, ``"dead"`` or ``"open"``.

    Returns:
        ``(512,)`` bool array.
    """
    h, w = (int(s) for s in shape)
    if h < 1 or w < 1:
        raise InputError(f"a board has at least 1x1 cells, got {h}x{w}")
    if h >= 3 and w >= 3:
        return np.ones(N_PATTERNS, dtype=bool)
    out = np.zeros(N_PATTERNS, dtype=bool)
    if boundary == "open":
        return out
    small = (min(h, 3), min(w, 3))
    boards = bits(small[0] * small[1]).reshape(-1, *small)
    if boundary == "dead":
        boards = np.pad(boards, ((0, 0), (1, 1), (1, 1)))
        out[np.unique(pattern_index(boards)[:, 1:-1, 1:-1])] = True
        return out
    out[np.unique(pattern_index(boards))] = True
    return out


def configuration_counts(boards) -> np.ndarray:
    """How often each of the 512 3x3 configurations occurs (periodic boundary).

    Args:
        boards: ``(..., H, W)`` 0/1 array: any number of leading axes.

    Returns:
        ``(512,)`` int64 counts, indexed by MAP configuration number.
    """
    return np.bincount(pattern_index(boards).ravel(), minlength=N_PATTERNS).astype(np.int64)


def count_class_counts(config_counts: np.ndarray) -> np.ndarray:
    """Fold configuration counts into the 18 birth/survival classes.

    Args:
        config_counts: ``(512,)`` counts from :func:`configuration_counts`.

    Returns:
        ``(2, 9)`` counts: ``[0, k]`` dead cells with k live Moore neighbours
        (the birth classes), ``[1, k]`` live cells with k (the survival classes).
    """
    out = np.zeros((2, 9), dtype=np.int64)
    np.add.at(out, (CENTRE.astype(np.int64), counts("moore")), np.asarray(config_counts))
    return out


def transition_counts(trajectories, weights=None) -> np.ndarray:
    """How often each 3x3 configuration went to each next state of its centre (periodic boundary).

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 array, or any sequence of ``(T + 1, H, W)``
            trajectories (a packed history is read one trajectory at a time).
        weights: Optional weight per trajectory (default 1 each).

    Returns:
        ``(512, 2)`` float64: ``[i, s]`` the (weighted) number of cells whose
        configuration ``i`` went to state ``s``.
    """
    weights = np.ones(len(trajectories)) if weights is None else np.asarray(weights, dtype=np.float64)
    out = np.zeros((N_PATTERNS, 2))
    for trajectory, weight in zip(trajectories, weights, strict=True):
        trajectory = np.asarray(trajectory)
        key = pattern_index(trajectory[:-1]).ravel() * 2 + trajectory[1:].ravel().astype(bool)
        out += weight * np.bincount(key, minlength=2 * N_PATTERNS).reshape(N_PATTERNS, 2)
    return out
