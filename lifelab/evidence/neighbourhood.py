"""Which cells the next state depends on, found from the data (nobody has to state the neighbourhood).

A candidate *neighbourhood model* maps each observed cell to a class: the
states of a window's cells (the 3x3 window, its von Neumann and hexagonal
subsets, the 5x5 box, a support of single cells found by the data), or
the cell and the live count of one of Golly's Larger than Life
neighbourhoods (box ``NM``, diamond ``NN``, disc ``NC`` of range 1 to
``max_range``).  The next state is a function of the model when no class
goes both ways; the observations that do are its *conflicts*.

Candidates are compared by the Bayesian information criterion in bits
(Schwarz; used for CA neighbourhoods by Sun, Rosin & Martin 2011): the
observations' entropy given the class (0 for a function) plus half a
``log2 N`` per observed class, so that a larger model wins only when it
explains what a smaller one cannot.  The support search adds, one at a
time, the cell that most reduces that entropy (forward selection, the
criterion Zhao & Billings 2006 build on mutual information).

The search names a neighbourhood only when the next state is a function of
it (no conflict); on data no candidate makes a function of (noise, a
stochastic rule, a mixture) it says so and names none.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from lifelab.errors import InputError
from lifelab.evidence.boundary import check_boundary, interior, keyed
from lifelab.geometry import NEIGHBOURHOODS, WINDOW, Neighbourhood
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.utils import check_int

__all__ = [
    "MAX_SEARCH_RANGE",
    "NeighbourhoodModel",
    "NeighbourhoodSearch",
    "neighbourhood_of",
    "parse_neighbourhood",
    "search_neighbourhood",
]

#: The largest Larger than Life range :func:`neighbourhood_of` searches (Golly allows 500).
MAX_SEARCH_RANGE = 5
#: Cells (besides the centre) the support search may add, and how far from the centre it looks.
MAX_SUPPORT = 16
SUPPORT_RANGE = 3
#: Observations the support search uses at most (a seeded sample; the chosen support is then counted on all).
SUPPORT_SAMPLE = 400_000


@dataclass
class NeighbourhoodModel:
    """One candidate: what it reads, and how well the data make the next state a function of it.

    Attributes:
        name: In words, e.g. ``"the 3x3 window"``, ``"live count of the range-2 box (NM)"``.
        kind: ``"window"`` (the states of these cells) or ``"counts"`` (the cell and the live count).
        offsets: The cells read, ``(dy, dx)``, the centre included.
        reach: How far it reaches from the cell.
        classes: Classes observed.
        observations: Observations counted.
        conflicts: Observations against the majority of their class (0: a function of it).
        bits: The observations' entropy given the class, in bits.
        bic: ``bits + classes / 2 * log2(observations)``.
        counting: The :class:`~lifelab.geometry.Neighbourhood` of a counts model, else None.
    """

    name: str
    kind: str
    offsets: list[tuple[int, int]] = field(repr=False)
    reach: int
    classes: int
    observations: int
    conflicts: int
    bits: float
    bic: float
    counting: Neighbourhood | None = None

    @property
    def within_3x3(self) -> bool:
        """It reads no cell outside the 3x3 window."""
        return self.reach <= 1

    @property
    def exact(self) -> bool:
        """The next state is a function of it on these data."""
        return self.conflicts == 0


@dataclass
class NeighbourhoodSearch:
    """The candidates tried and the one the data choose.

    Attributes:
        models: Every candidate, in the order tried.
        chosen: The candidate of least BIC when the next state is a function of it, else None.
        boundary: The boundary the observations were counted with.
        observations: Observations each candidate was scored on.
    """

    models: list[NeighbourhoodModel]
    chosen: NeighbourhoodModel | None
    boundary: str
    observations: int

    @property
    def best(self) -> NeighbourhoodModel:
        """The candidate of least BIC, a function of the data or not."""
        return min(self.models, key=lambda m: m.bic)

    @property
    def counting(self) -> Neighbourhood | None:
        """The Larger than Life neighbourhood to count on when the chosen model is one beyond 3x3, else None."""
        chosen = self.chosen
        return chosen.counting if chosen is not None and not chosen.within_3x3 else None

    def _window(self) -> NeighbourhoodModel | None:
        return next((m for m in self.models if m.name == "the 3x3 window"), None)

    def sentence(self) -> str:
        """What the data say about the neighbourhood, in one sentence to quote."""
        window = self._window()
        if self.chosen is None:
            best = self.best
            return (
                f"No neighbourhood tried makes the next state a function of it: the best, {best.name}, leaves "
                f"{best.conflicts:,} of {best.observations:,} observations against the majority of their "
                "class (noise, a stochastic rule, a mixture of rules or a rule of cells not tried)"
            )
        chosen = self.chosen
        text = (
            f"The next state is a function of {chosen.name} ({chosen.conflicts} conflicts in "
            f"{chosen.observations:,} observations; BIC {chosen.bic:,.0f} bits, the least of "
            f"{len(self.models)} neighbourhoods tried)"
        )
        if window is not None and window is not chosen and not window.exact:
            text += f"; the 3x3 window leaves {window.conflicts:,} conflicts"
        return text + "."

    def table(self) -> str:
        """Every candidate as a fixed-width table, least BIC first."""
        from lifelab.utils import format_table

        rows = [
            {
                "neighbourhood": m.name,
                "cells": len(m.offsets),
                "classes seen": m.classes,
                "conflicts": m.conflicts,
                "BIC (bits)": f"{m.bic:,.0f}",
                "chosen": "<-" if m is self.chosen else "",
            }
            for m in sorted(self.models, key=lambda m: m.bic)
        ]
        return format_table(rows)


def _score(keys: np.ndarray, after: np.ndarray) -> tuple[int, int, float]:
    """``(classes, conflicts, bits)`` of next states given per-observation class keys."""
    ids, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse * 2 + after, minlength=2 * len(ids)).reshape(-1, 2).astype(np.float64)
    total = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(counts > 0, np.log2(counts / total[:, None]), 0.0)
    return len(ids), int(counts.min(axis=1).sum()), float(-(counts * logs).sum())


def _window_key(offsets: list[tuple[int, int]]):
    def key(boards: np.ndarray) -> np.ndarray:
        out = np.zeros(boards.shape, dtype=np.int64)
        for bit, (dy, dx) in enumerate(offsets):
            out |= np.roll(boards, (-dy, -dx), axis=(-2, -1)).astype(np.int64) << bit
        return out

    return key


def _box(radius: int) -> list[tuple[int, int]]:
    return [(dy, dx) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)]


def search_neighbourhood(
    trajectories, max_range: int = 5, boundary: str = "torus", support: bool = True, seed: int = 0
) -> NeighbourhoodSearch:
    """Find the smallest neighbourhood the next state is a function of.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 2-state trajectories.
        max_range: The largest range of the Larger than Life neighbourhoods tried (Golly allows up to 500;
            boards must be wider than ``2 * max_range + 1``).
        boundary: ``"torus"``, ``"dead"`` or ``"open"`` (cells ``max_range`` or more from every edge only,
            the same cells for every candidate).
        support: Also search a support of single cells around the centre (forward selection).
        seed: Seed of the support search's sample of observations.

    Returns:
        A :class:`NeighbourhoodSearch`.

    Raises:
        InputError: For multi-state data, a bad range, or boards too small for the range.
    """
    traj = validate_trajectories(trajectories, states=None)
    if trajectory_states(traj) > 2:
        raise InputError(
            f"the neighbourhood search reads 2-state trajectories; these hold {trajectory_states(traj)} states"
        )
    max_range = check_int("max_range", max_range, 1, 500)
    boundary = check_boundary(boundary, allow_auto=False)
    if min(traj.shape[2:]) <= 2 * max_range + 1:
        raise InputError(
            f"boards of {traj.shape[3]}x{traj.shape[2]} are too small to tell neighbourhoods of range "
            f"{max_range} apart (they need more than {2 * max_range + 1} cells across)"
        )
    now, after = traj[:, :-1].astype(bool), traj[:, 1:].astype(bool)
    counted = np.ones(now.shape[-2:], dtype=bool) if boundary != "open" else interior(now.shape[-2:], max_range)
    target = after[..., counted].ravel().astype(np.int64)
    n = len(target)
    if n == 0:
        raise InputError(f"no cell lies {max_range} or more from every edge of the frame")
    log_n = math.log2(n)
    models: list[NeighbourhoodModel] = []

    def add(name: str, kind: str, offsets, reach: int, key, counting=None) -> None:
        keys = keyed(now, reach, "dead" if boundary == "dead" else "torus", key)[..., counted].ravel()
        classes, conflicts, bits = _score(keys, target)
        models.append(
            NeighbourhoodModel(
                name, kind, list(offsets), reach, classes, n, conflicts, bits, bits + 0.5 * classes * log_n, counting
            )
        )

    for label, mask in (
        ("the von Neumann window", "vonneumann"),
        ("the hexagonal window", "hexagonal"),
        ("the 3x3 window", "moore"),
    ):
        offsets = [(dy, dx) for dy, dx in WINDOW if NEIGHBOURHOODS[mask][dy + 1, dx + 1] or (dy, dx) == (0, 0)]
        add(label, "window", offsets, 1, _window_key(offsets))
    add("the 5x5 window", "window", _box(2), 2, _window_key(_box(2)))
    seen = set()
    for r in range(1, max_range + 1):
        for shape in ("M", "N", "C"):  # a disc of range 1 is the box: named as the box
            nb = Neighbourhood(r, shape)
            cells = tuple(nb.offsets)
            if cells in seen:
                continue
            seen.add(cells)
            add(f"the live count of {nb.title}", "counts", [(0, 0), *nb.offsets], r, nb.keys, nb)
    if support:
        models.append(_support(now, target, counted, boundary, min(SUPPORT_RANGE, max_range), seed, log_n))
    exact = [m for m in models if m.exact]
    chosen = min(exact, key=lambda m: m.bic) if exact else None
    return NeighbourhoodSearch(models, chosen, boundary, n)


def _support(
    now: np.ndarray, target: np.ndarray, counted: np.ndarray, boundary: str, radius: int, seed: int, log_n: float
) -> NeighbourhoodModel:
    """Forward selection of single cells: add the one that most lowers the BIC, until none does.

    Scored on a seeded sample of the observations (the BIC's data term scaled
    up to all of them); the support found is then counted on every observation.
    """
    n = len(target)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, SUPPORT_SAMPLE, replace=False)) if n > SUPPORT_SAMPLE else np.arange(n)
    scale = n / len(sample)
    lead = now.shape[:-2]
    cells = np.argwhere(np.broadcast_to(counted, now.shape))[sample]  # (sample, ndim): the sampled cells
    h, w = now.shape[-2:]

    def bit(offset: tuple[int, int]) -> np.ndarray:
        ys, xs = cells[:, -2] + offset[0], cells[:, -1] + offset[1]
        inside = (ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)
        value = now[(*cells[:, : len(lead)].T, ys % h, xs % w)]
        return (value & inside if boundary == "dead" else value).astype(np.int64)

    y = target[sample]
    chosen = [(0, 0)]
    ids = bit((0, 0))
    classes, _, bits = _score(ids, y)
    current = bits * scale + 0.5 * classes * log_n
    candidates = [o for o in _box(radius) if o != (0, 0)]
    while len(chosen) <= MAX_SUPPORT:
        trials = []
        for o in candidates:
            if o not in chosen:
                classes, _, bits = _score(ids * 2 + bit(o), y)
                trials.append((bits * scale + 0.5 * classes * log_n, o))
        if not trials or min(trials)[0] >= current:
            break
        current, cell = min(trials)
        chosen.append(cell)
        _, ids = np.unique(ids * 2 + bit(cell), return_inverse=True)
    reach = max(max(abs(dy), abs(dx)) for dy, dx in chosen)
    grid = "dead" if boundary == "dead" else "torus"
    keys = keyed(now, reach, grid, _window_key(chosen))[..., counted].ravel()
    classes, conflicts, bits = _score(keys, target)
    shown = ", ".join(f"({dy},{dx})" for dy, dx in sorted(chosen))
    return NeighbourhoodModel(
        f"a support of {len(chosen)} cells found by the data: {shown}",
        "window",
        chosen,
        reach,
        classes,
        n,
        conflicts,
        bits,
        bits + 0.5 * classes * log_n,
    )


def parse_neighbourhood(text) -> Neighbourhood | None:
    """A neighbourhood named on the command line or to :func:`learn_rule`.

    Args:
        text: ``"3x3"`` (or ``"moore"``, ``"vonneumann"``, ``"hexagonal"``: the 3x3 window, whose
            families the verdict handles), Golly's Larger than Life spelling ``"R2,NM"`` (``NN``,
            ``NC``, Golly 4's ``N+``, ``NX``, ..., ``NH``, Gaussian ``NG``, custom ``N@`` and weighted ``NW`` with
            their hex digits, ``H`` after them for Golly's hexagonal grid), or a
            :class:`~lifelab.geometry.Neighbourhood`.

    Returns:
        The neighbourhood to count on, or None for the 3x3 window.

    Raises:
        InputError: For anything else.
    """
    if isinstance(text, Neighbourhood):
        return text
    if text in ("3x3", "moore", "vonneumann", "hexagonal"):
        return None
    match = re.fullmatch(r"[Rr]([0-9]{1,18}),?[Nn]([MNCmnc2+Xx*#BbDdHhGg]|[@Ww][0-9A-Fa-f]+[Hh]?)", str(text).strip())
    if match is None:
        raise InputError(
            f"neighbourhood must be '3x3', 'auto' or Golly's Larger than Life spelling such as 'R2,NM' "
            f"(box), 'R3,NC' (disc), 'R2,NN' (diamond), 'R2,N+' (cross), 'R2,N@A8A0FF' (custom cells), "
            f"'R1,NW121202121' (weights), got {text!r}"
        )
    return Neighbourhood(int(match[1]), match[2][0].upper(), match[2][1:])


def neighbourhood_of(
    data: np.ndarray, boundary: str = "auto", seed: int = 0
) -> tuple[Neighbourhood | None, NeighbourhoodSearch | None]:
    """What the evidence of supplied data should count: the neighbourhood the search chooses beyond 3x3, else None.

    Multi-state (Generations) data are read as 3x3 patterns of live cells (their countdown checked by the
    verdict); 2-state data are searched up to :data:`MAX_SEARCH_RANGE` (less on small boards), the frame
    taken as open unless the boundary is given.

    Args:
        data: ``(n, T + 1, H, W)`` trajectories.
        boundary: As in :func:`search_neighbourhood`; ``"auto"`` searches the open frame.
        seed: Seed of the support search.

    Returns:
        ``(neighbourhood or None, the search or None when none ran)``.
    """
    if trajectory_states(data) > 2:
        return None, None  # Generations data: 3x3 patterns of live cells, their countdown checked by the verdict
    reach = min(MAX_SEARCH_RANGE, (min(data.shape[2:]) - 2) // 2)
    if reach < 1:
        return None, None
    search = search_neighbourhood(data, max_range=reach, boundary=boundary if boundary != "auto" else "open", seed=seed)
    return search.counting, search
