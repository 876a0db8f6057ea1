"""Reading a network that counts cells beyond 3x3: the structure test per (centre, live count) class.

A 2-state network whose decisive cells beyond 3x3 are too many to enumerate,
or fill at least half of a neighbourhood (a range-2 box has 2^25 patterns),
is not enumerated.  :func:`class_test` evaluates it on random patterns of
every (centre, live count) class of a candidate neighbourhood instead; where
its decision is constant on each class, the classes' decisions are a Larger
than Life rule (born and surviving counts that are intervals) or an HROT rule
(any sets of counts).  :func:`lifelab.learning.extract.extract_rule` tries
Golly's neighbourhoods that hold the decisive cells, fewest cells first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lifelab.evidence import SHAPES_BY_SIZE
from lifelab.geometry import COUNT_SHAPES, LTL_NEIGHBOURHOODS, NAMED_SHAPES, Neighbourhood
from lifelab.learning.models import receptive_radius
from lifelab.learning.probes import MAX_CELLS, _alive_probability
from lifelab.rules import HROTRule, LtLRule, count_rule
from lifelab.utils import check_int

__all__ = ["ClassCheck", "class_test"]


@dataclass
class ClassCheck:
    """The structure test of a network beyond 3x3: is its decision constant on each (centre, live count) class?

    Attributes:
        neighbourhood: The cells counted.
        alive: ``(2, width)``: fraction of the sampled patterns of each class the network made alive (0 for a
            count no set of live cells gives).
        confidence: ``(2, width)``: the smallest probability it gave its majority decision in the class.
        samples: Random patterns evaluated per class.
        tried: The neighbourhoods tested before this one, which failed.
    """

    neighbourhood: Neighbourhood
    alive: np.ndarray
    confidence: np.ndarray
    samples: int
    tried: list[Neighbourhood] = field(default_factory=list)

    @property
    def constant(self) -> np.ndarray:
        """``(2, width)`` bool: every sample of the class got the same decision."""
        return (self.alive == 0) | (self.alive == 1)

    @property
    def totalistic(self) -> bool:
        """The network is totalistic on the neighbourhood (as far as the samples show)."""
        return bool(self.constant.all())

    @property
    def disagreeing(self) -> list[str]:
        """Names of the classes whose samples got different decisions, with the split."""
        nb = self.neighbourhood
        return [f"{nb.class_name(c)} ({self.alive.flat[c]:.0%} alive)" for c in np.flatnonzero(~self.constant.ravel())]

    def rows(self) -> list[dict]:
        """One row per class that can occur: centre, live count (the weighted count), fraction alive, smallest
        confidence."""
        nb = self.neighbourhood
        return [
            {
                "centre": "alive" if centre else "dead",
                "live": int(index + nb.low),
                "alive": float(self.alive[centre, index]),
                "confidence": float(self.confidence[centre, index]),
            }
            for centre in (0, 1)
            for index in np.flatnonzero(nb.reachable)
        ]


def _candidates(offsets: list[tuple[int, int]]) -> list[Neighbourhood]:
    """Golly's neighbourhoods of the decisive cells' range that hold every decisive cell, fewest cells first."""
    far = {o for o in offsets if o != (0, 0)}
    r = max(max(abs(dy), abs(dx)) for dy, dx in far)
    shapes = SHAPES_BY_SIZE + tuple(shape for shape in COUNT_SHAPES if shape not in SHAPES_BY_SIZE)
    holding: dict[frozenset, Neighbourhood] = {}  # one per set of cells (the range-2 L2 disc is the diamond)
    for nb in (Neighbourhood(r, shape) for shape in shapes):
        if far <= set(nb.offsets):
            holding.setdefault(frozenset(nb.offsets), nb)
    return sorted(holding.values(), key=lambda nb: nb.size)  # stable: a box, diamond or disc first among equals


def _counted(offsets: list[tuple[int, int]]) -> bool:
    """Whether decisive cells beyond 3x3 call for the structure test rather than enumeration: too many to
    enumerate, or filling at least half of the smallest neighbourhood that holds them (a network that
    counts cells).  A few scattered far cells are a 3x3 reading that depends on them, and enumerated."""
    far = [o for o in offsets if o != (0, 0)]
    return len(offsets) > MAX_CELLS or 2 * len(far) >= _candidates(offsets)[0].size


def class_test(
    model,
    neighbourhood: Neighbourhood,
    samples: int = 16,
    reach: int | None = None,
    seed: int | np.random.Generator = 0,
) -> ClassCheck:
    """Evaluate a 2-state model on random patterns of every (centre, live count) class of a neighbourhood.

    Each sample places ``count`` live cells at random among the
    neighbourhood's cells, sets the centre, and fills every other cell the
    model can see at a random density, so a model that is not totalistic on
    the neighbourhood (or looks beyond it) gets different decisions within
    a class.  On a weighted neighbourhood each sample is a random set of
    cells whose weights sum to the class's count (at a random density).
    ``2 * width * samples`` patterns in all, whatever ``2^size`` is.

    Args:
        model: A 2-state model of the zoo.
        neighbourhood: The cells counted.
        samples: Random patterns per class.
        reach: Half the side of the boards (default: the model's receptive radius, at least the range).
        seed: Seed or generator of the patterns.

    Returns:
        A :class:`ClassCheck`.
    """
    samples = check_int("samples", samples, 1)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    reach = max(neighbourhood.range, receptive_radius(model)) if reach is None else check_int("reach", reach, 1)
    nb = neighbourhood
    occur = np.flatnonzero(nb.reachable)
    width, side = len(occur), 2 * reach + 1
    centre = np.repeat([False, True], width * samples)
    live = np.tile(np.repeat(occur, samples), 2)
    boards = rng.random((len(live), side, side)) < rng.random((len(live), 1, 1))
    ys, xs = (np.array(v) + reach for v in zip(*nb.offsets, strict=True))
    if nb.weighted:
        boards[:, ys, xs] = _weighted_sets(nb, live + nb.low, rng)
    else:
        ranks = rng.random((len(live), nb.size)).argsort(axis=1).argsort(axis=1)
        boards[:, ys, xs] = ranks < live[:, None]
    boards[:, reach, reach] = centre
    p = _alive_probability(model, boards)[:, reach, reach].reshape(2, width, samples)
    alive, confidence = np.zeros((2, nb.width)), np.ones((2, nb.width))
    alive[:, occur] = (p > 0.5).mean(axis=2)
    confidence[:, occur] = np.where(alive[:, occur] > 0.5, p.min(axis=2), 1 - p.max(axis=2))
    return ClassCheck(nb, alive, confidence, samples)


def _weighted_sets(nb: Neighbourhood, targets: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``(len(targets), size)`` bool: for each count, a random set of the neighbourhood's cells (in
    :attr:`~Neighbourhood.offsets` order) whose weights sum to it, each cell taken at a random density
    wherever both choices can still reach the count."""
    weights = nb.weights[nb.weights != 0].tolist()
    chosen = np.zeros((len(targets), len(weights)), dtype=bool)
    for row, target in enumerate(targets.tolist()):
        order, density = rng.permutation(len(weights)), rng.random()
        reach = [0] * len(weights) + [1 << -nb.low]  # reach[i]: sums of subsets of order[i:], bit k for low + k
        for i in range(len(weights) - 1, -1, -1):
            w = weights[order[i]]
            reach[i] = reach[i + 1] | (reach[i + 1] << w if w > 0 else reach[i + 1] >> -w)
        for i, cell in enumerate(order.tolist()):
            rest = target - weights[cell]
            take = rest >= nb.low and (reach[i + 1] >> (rest - nb.low)) & 1
            leave = (reach[i + 1] >> (target - nb.low)) & 1
            if take and (not leave or rng.random() < density):
                chosen[row, cell], target = True, rest
    return chosen


def _majority_rule(check: ClassCheck, states: int = 2) -> tuple[LtLRule | HROTRule | None, str]:
    """The rule of each class's majority decision: Larger than Life where the born and surviving counts are
    intervals, else HROT (any sets of counts); None, and why, for a birth on no live cell (B0)."""
    nb = check.neighbourhood
    born, survive = ({int(i) + nb.low for i in np.flatnonzero(check.alive[centre] > 0.5)} for centre in (0, 1))
    intervals = [(min(at), max(at)) for at in (born, survive) if at and len(at) == max(at) - min(at) + 1]
    b0_hrot = 0 in born and nb.shape not in LTL_NEIGHBOURHOODS  # Larger than Life has B0; HROT not
    if len(intervals) == 2 and not b0_hrot and nb.shape not in NAMED_SHAPES:
        birth, survival = intervals
        return count_rule(nb, birth, survival, states), ""
    if 0 in born:
        return None, "a dead cell is born on no live cell (B0), an HROT rule that Golly only emulates"
    unsayable = [c for c in sorted(born) if c < 1] + [c for c in sorted(survive) if not nb.writable(1, c, True)]
    if unsayable:
        return None, f"it is alive at count {unsayable[0]}, which HROT's lists cannot say"
    return count_rule(nb, born, survive, states), ""


def _counts_rule(
    check: ClassCheck, states: int = 2
) -> tuple[LtLRule | HROTRule | None, str, LtLRule | HROTRule | None]:
    """``(rule, why none, nearest)``: the rule a totalistic class test reads; for a network that is not
    totalistic, no rule, the classes that split, and the rule of the class majorities (when there is one)."""
    nb = check.neighbourhood
    majority, why = _majority_rule(check, states)
    if not check.totalistic:
        shown = check.disagreeing
        return (
            None,
            (
                f"not totalistic on {nb.title}: {len(shown)} of {check.alive.size} (centre, live count) "
                f"classes got different decisions for different patterns: {', '.join(shown[:6])}"
                f"{', ...' if len(shown) > 6 else ''}"
            ),
            majority,
        )
    if majority is None:
        return None, f"totalistic on {nb.title}, but {why}", None
    return majority, "", None
