"""What lies beyond the frame: a torus, a dead outside, or a world that goes on (and which one the data show).

A cell's next state depends on its neighbourhood, and near the edge of an
observed frame part of that neighbourhood lies outside it.  The boundary
says what is there:

- ``"torus"``: the frame wraps around (lifelab's and Golly's ``:T`` grids);
- ``"dead"``: the outside is dead (Golly's bounded plane ``:P``, a finite
  dish); every cell counts, seeing dead cells beyond the edge;
- ``"open"``: the world goes on outside (a camera's window, a crop of a
  larger simulation): only cells whose whole neighbourhood lies inside the
  frame count as evidence, and training leaves the others out of the loss;
- ``"auto"``: decided from the data (:func:`choose_boundary`): the torus or
  the dead outside where the cells at the edge show it, else open.

The rule is never read from cells whose neighbourhood the data do not show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats

from lifelab.errors import InputError

__all__ = ["BOUNDARIES", "BoundaryChoice", "check_boundary", "choose_boundary", "interior", "keyed"]

#: The boundaries evidence, training and the loop understand.
BOUNDARIES = ("torus", "dead", "open", "auto")

#: Observations at the edge that a torus and a dead outside predict differently, needed to tell them apart
#: on exact data (more, and mostly right, on noisy data).
MIN_DECISIVE = 8
_MIN_DECISIVE_NOISY = 20
_ALPHA = 1e-3


def check_boundary(boundary, allow_auto: bool = True) -> str:
    """Validate a boundary name.

    Raises:
        InputError: For anything but one of :data:`BOUNDARIES` (``"auto"`` only where allowed).
    """
    allowed = BOUNDARIES if allow_auto else BOUNDARIES[:3]
    if boundary not in allowed:
        raise InputError(f"boundary must be one of {list(allowed)}, got {boundary!r}")
    return boundary


def interior(shape: tuple[int, ...], reach: int) -> np.ndarray:
    """``(H, W)`` bool: the cells at least ``reach`` cells from every edge (whose neighbourhood lies inside) of a
    frame of ``shape`` ``(H, W)`` (a board's ``shape[-2:]``)."""
    h, w = shape
    inside = np.zeros((h, w), dtype=bool)
    if h > 2 * reach and w > 2 * reach:
        inside[reach : h - reach, reach : w - reach] = True
    return inside


def keyed(boards: np.ndarray, reach: int, boundary: str, key: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Per-cell class keys under a boundary, -1 where a cell does not count.

    Args:
        boards: ``(..., H, W)`` boards.
        reach: How far the neighbourhood reaches (1 for 3x3).
        boundary: ``"torus"``, ``"dead"`` or ``"open"``.
        key: Maps boards to per-cell non-negative keys, computed on a torus
            (e.g. :func:`lifelab.geometry.window.pattern_index`).

    Returns:
        ``(..., H, W)`` int64 keys.
    """
    if boundary == "dead" and reach > 0:
        pad = [(0, 0)] * (boards.ndim - 2) + [(reach, reach)] * 2
        return key(np.pad(boards, pad)).astype(np.int64)[..., reach:-reach, reach:-reach]
    out = key(boards).astype(np.int64)
    if boundary == "open":
        out[..., ~interior(boards.shape[-2:], reach)] = -1
    return out


@dataclass
class BoundaryChoice:
    """The boundary the data show, and why.

    Attributes:
        boundary: ``"torus"``, ``"dead"`` or ``"open"``.
        note: The reason in words, for the verdict.
        checks: Per hypothesis (``"torus"``, ``"dead"``): ``(edge observations of a class the interior
            observed, of them disagreeing with the interior's majority, observations the two hypotheses
            predict differently, of them the hypothesis got right)``.
    """

    boundary: str
    note: str
    checks: dict


def choose_boundary(
    now: np.ndarray,
    after: np.ndarray,
    reach: int,
    key: Callable[[np.ndarray], np.ndarray],
    classes: int,
    counted: np.ndarray | None = None,
) -> BoundaryChoice:
    """Which boundary the observations at the frame's edge support.

    The interior (cells whose whole neighbourhood lies inside the frame)
    gives each class its majority next state.  A boundary hypothesis (torus,
    or dead outside) gives each edge cell a class; it is *consistent* when
    the edge cells go where the interior says that class goes (exactly, or
    no more often astray than the interior's own conflicts, on noisy data),
    and *shown* when enough edge observations are ones the two hypotheses
    predict differently.  Exactly one hypothesis consistent and shown is
    chosen; otherwise the frame is open (the edge cells are not used).  A
    window of a larger world is neither: its edge cells go astray under both.

    Args:
        now: ``(..., H, W)`` bool boards at time t (live cells).
        after: The same cells at t + 1 (bool: next alive).
        reach: How far the neighbourhood reaches.
        key: Per-cell class keys on a torus, in ``0 .. classes - 1``.
        classes: Number of classes.
        counted: ``(..., H, W)`` bool, the cells whose next state is evidence (default all; for
            Generations data the dead and live ones, not the dying).

    Returns:
        A :class:`BoundaryChoice`.
    """
    inside = interior(now.shape[-2:], reach)
    if not inside.any():
        return BoundaryChoice(
            "open", f"the frame is too small to have cells {reach} from every edge; no cell counts", {}
        )
    counted = np.ones(now.shape, dtype=bool) if counted is None else counted
    edge = ~inside
    torus_keys = key(now).astype(np.int64)
    use = counted[..., inside]
    pairs = torus_keys[..., inside][use] * 2 + after[..., inside][use]
    counts = np.bincount(pairs, minlength=2 * classes).reshape(classes, 2)
    observed = counts.sum(axis=1) > 0
    majority = counts[:, 1] > counts[:, 0]
    interior_rate = counts.min(axis=1).sum() / max(counts.sum(), 1)
    dead_keys = keyed(now, reach, "dead", key)
    at_edge = counted[..., edge]
    target = after[..., edge][at_edge]
    by_hypothesis = {"torus": torus_keys[..., edge][at_edge], "dead": dead_keys[..., edge][at_edge]}
    t_keys, d_keys = by_hypothesis["torus"], by_hypothesis["dead"]
    decisive = (t_keys != d_keys) & observed[t_keys] & observed[d_keys] & (majority[t_keys] != majority[d_keys])
    checks, shown = {}, []
    for name, keys in by_hypothesis.items():
        checked = observed[keys]
        wrong = int((majority[keys] != target)[checked].sum())
        right_decisive = int((majority[keys] == target)[decisive].sum())
        checks[name] = (int(checked.sum()), wrong, int(decisive.sum()), right_decisive)
        if interior_rate == 0:
            consistent = wrong == 0
            supported = decisive.sum() >= MIN_DECISIVE
        else:
            consistent = stats.binom.sf(wrong - 1, max(int(checked.sum()), 1), interior_rate) >= _ALPHA
            supported = decisive.sum() >= _MIN_DECISIVE_NOISY and right_decisive >= 0.75 * decisive.sum()
        if consistent and supported:
            shown.append(name)
    if len(shown) == 1:
        name = shown[0]
        checked, wrong, n_decisive, _ = checks[name]
        what = "a torus" if name == "torus" else "a frame with a dead outside"
        return BoundaryChoice(
            name,
            f"the frame was taken as {what}: its edge cells agree with the interior "
            f"({wrong} of {checked:,} checked observations astray), among them "
            f"{n_decisive:,} that wrapping around and a dead outside predict differently",
            checks,
        )
    torus_checked, torus_wrong, n_decisive, _ = checks["torus"]
    if torus_wrong:
        why = (
            f"the frame is not a torus (its edge cells disagree with the interior in {torus_wrong:,} of "
            f"{torus_checked:,} checked observations) nor a dead outside ({checks['dead'][1]:,} of "
            f"{checks['dead'][0]:,})"
        )
    else:
        why = (
            f"the edge shows neither a torus nor a dead outside (only {n_decisive} of its observations tell them apart)"
        )
    return BoundaryChoice("open", f"cells within {reach} of the frame's edge were not used: {why}", checks)
