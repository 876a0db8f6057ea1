"""What the colours of a recording are, and which state each one is read as.

Two steps, each saying what it did:

1. :func:`colour_classes` groups the colours of the cells into classes by
   distance, not by equality, so that antialiasing, JPEG, video compression and
   dithering do not make states: the radius of a class is set by how far the
   cells' colours spread (4 for a lossless picture, up to 48), and a cell whose
   pixels stray from one colour more than the picture's cells usually do is
   not drawn by one colour.
2. :func:`read_states` gives each class a state.  A picture never says which
   colour is alive: swapping the colours of a 2-state recording gives the
   colour-swapped trajectory, which the colour-swapped rule (for B3/S23,
   B0123478/S01234678) explains exactly as well.  So the reading is an
   assumption with a ground, :class:`Reading`, and the verdict states it.
   In order: the colours the user states; the palette of a program that drew
   them (:mod:`lifelab.io.palettes`); what the data's own dynamics show (for
   many states, the only order in which each dying state is followed by the
   next; for two, the reading in which an empty neighbourhood stays empty where
   the other reading would need birth on nothing, B0, which Golly treats as
   special); else the colour of most cells is dead (state 0), and further
   states follow in the order of the cells they cover.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifelab.errors import InputError
from lifelab.io.palettes import PALETTES, hex_colour, palette, parse_colour, recognise

__all__ = ["ColourClasses", "Reading", "colour_classes", "read_states"]

#: Widest a class of colours may be (0-255 Euclidean distance in RGB(A)).
MAX_RADIUS = 48.0
#: Least distance two cells' colours of different classes are apart in a lossless picture.
MIN_RADIUS = 4.0
#: The least a cell's pixels may stray from their mean before the cell counts as not one colour.
MIN_DEVIATION = 12.0
#: A cell's colour lies between two classes when it is nearer its own than this fraction of its distance to the next.
AMBIGUOUS = 0.35
#: The most cells whose colour lies between two classes in a picture of cells drawn in their states' colours.
MAX_BETWEEN = 0.05
#: The most cells' colours the classes are found from (a fair sample of more).
MAX_SAMPLES = 400_000


@dataclass(frozen=True)
class ColourClasses:
    """The colours cells are drawn in.

    Attributes:
        centres: ``(k, channels)`` the mean colour of each class, most cells first.
        radius: A cell's colour within this distance of a centre is that class's.
        deviation: The most a cell's sampled pixels may stray (mean distance) from their mean.
        noise: How far the cells' colours spread about their class (0 for a lossless picture).
    """

    centres: np.ndarray
    radius: float
    deviation: float
    noise: float

    def classify(self, means: np.ndarray, deviations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's class and whether it is drawn by one colour of a class.

        Args:
            means: ``(..., channels)`` the mean colour of each cell's samples.
            deviations: ``(...)`` how far its samples stray from that mean.

        Returns:
            ``(classes, ok)``: the nearest class of each cell (uint8) and whether it lies within the class's
            radius with its pixels one colour.
        """
        distance = np.sqrt(((means[..., None, :] - self.centres) ** 2).sum(axis=-1))
        nearest = distance.argmin(axis=-1)
        near = np.take_along_axis(distance, nearest[..., None], axis=-1)[..., 0]
        return nearest.astype(np.uint8), (near <= self.radius) & (deviations <= self.deviation)

    def hex(self) -> list[str]:
        """Each class's colour as ``#rrggbb``."""
        return [hex_colour(c) for c in self.centres]


def _greedy(colours: np.ndarray, counts: np.ndarray, radius: float) -> np.ndarray:
    """Centres: each colour, most common first, joins the nearest centre within ``radius`` or starts one."""
    order = np.argsort(-counts, kind="stable")
    found = [colours[order[0]]]
    for i in order[1:]:
        if np.sqrt(((np.asarray(found) - colours[i]) ** 2).sum(axis=1)).min() > radius:
            found.append(colours[i])
    centres = np.asarray(found, dtype=np.float64)
    for _ in range(3):  # each centre the mean of the colours nearest to it; centres nearer than radius merged
        nearest = np.sqrt(((colours[:, None] - centres[None]) ** 2).sum(axis=-1)).argmin(axis=1)
        weight = np.bincount(nearest, weights=counts, minlength=len(centres))
        keep = weight > 0
        centres = (
            np.stack(
                [
                    np.bincount(nearest, weights=counts * colours[:, c], minlength=len(centres))
                    for c in range(colours.shape[1])
                ],
                axis=1,
            )[keep]
            / weight[keep, None]
        )
        weight = weight[keep]
        order = np.argsort(-weight, kind="stable")
        merged: list[int] = []
        for i in order:
            if not merged or np.sqrt(((centres[merged] - centres[i]) ** 2).sum(axis=1)).min() > radius:
                merged.append(i)
        centres = centres[merged]
    return centres


def colour_classes(
    means: np.ndarray, deviations: np.ndarray, source: str = "the recording", lossy: bool = False
) -> ColourClasses:
    """The classes of the cells' colours.

    Args:
        means: ``(n, channels)`` the mean colour of each sampled cell (0-255).
        deviations: ``(n,)`` how far each cell's samples stray from its mean.
        source: What is read, for messages.
        lossy: The pictures are known to be lossy (compressed, blurred): their classes are at least 10 wide.

    Returns:
        The :class:`ColourClasses`, most common first.

    Raises:
        InputError: When every cell is one colour.
    """
    means = np.asarray(means, dtype=np.float64).reshape(-1, means.shape[-1])
    deviations = np.asarray(deviations, dtype=np.float64).ravel()
    if len(means) > MAX_SAMPLES:  # classes of a fair sample are the classes of the whole
        means, deviations = means[:: len(means) // MAX_SAMPLES + 1], deviations[:: len(deviations) // MAX_SAMPLES + 1]
    levels = np.clip(np.round(means / 2), 0, 127).astype(np.int64)  # colours to 2 units, each one number
    keys = (levels * (128 ** np.arange(means.shape[1]))).sum(axis=1)
    keys, counts = np.unique(keys, return_counts=True)
    colours = ((keys[:, None] // 128 ** np.arange(means.shape[1])) % 128 * 2).astype(np.float64)
    counts = counts.astype(np.float64)
    spread_pixels = float(np.quantile(deviations, 0.9))
    if lossy or spread_pixels > 0 or len(colours) > 64:
        # a lossy picture: a class is as wide as the cells' pixels stray (or, for cells read at one pixel, as
        # the cells' colours spread about the colours most cells have)
        rough = _greedy(colours, counts, MAX_RADIUS)
        spread = np.sqrt(((colours[:, None] - rough[None]) ** 2).sum(axis=-1)).min(axis=1)
        order = np.argsort(spread)
        cumulative = np.cumsum(counts[order]) / counts.sum()
        noise = max(spread_pixels, float(spread[order][np.searchsorted(cumulative, 0.98)]), 2.0 if lossy else 0.0)
    else:
        noise = 0.0
    radius = float(np.clip(3 * noise + 4, MIN_RADIUS, MAX_RADIUS))
    centres = _greedy(colours, counts, radius)
    nearest = np.sqrt(((colours[:, None] - centres[None]) ** 2).sum(axis=-1)).argmin(axis=1)
    weight = np.bincount(nearest, weights=counts, minlength=len(centres))
    if noise > 1:  # a lossy picture: a handful of cells of a colour between classes is no state
        keep = weight >= 2e-3 * weight.sum()
        centres, weight = centres[keep], weight[keep]
    centres = centres[np.argsort(-weight, kind="stable")]
    nearest = np.sqrt(((means[:, None] - centres[None]) ** 2).sum(axis=-1)).argmin(axis=1)
    centres = np.stack(
        [means[nearest == c].mean(axis=0) if (nearest == c).any() else centres[c] for c in range(len(centres))]
    )  # each class's colour as the cells show it, not rounded
    if len(centres) < 2:
        raise InputError(f"{source}: every cell shows one colour ({hex_colour(centres[0])}), no states to read")
    distance = np.sort(np.sqrt(((colours[:, None] - centres[None]) ** 2).sum(axis=-1)), axis=1)
    between = float(counts[distance[:, 0] > AMBIGUOUS * distance[:, 1]].sum() / counts.sum())
    if between > MAX_BETWEEN:
        raise InputError(
            f"{source}: the cells' colours do not fall into a few distinct colours ({between:.0%} of "
            f"them lie between two of the {len(centres)} found): not a picture of cells drawn in the "
            "colours of their states"
        )
    deviation = max(MIN_DEVIATION, 3 * spread_pixels + 2)
    return ColourClasses(centres, radius, deviation, noise)


@dataclass(frozen=True)
class Reading:
    """Which state each colour (or value) of a recording is read as, and why.

    Attributes:
        labels: The colour (``#rrggbb``) or value of each state, state 0 first.
        ground: Why this reading, in words (``"the colour of most cells (93%) taken as dead"``).
        stated: The user stated it (nothing was chosen).
        alternatives: Other readings the recording allows as equally well, each a tuple like ``labels``.
        what: ``"colour"`` or ``"value"``.
    """

    labels: tuple[str, ...]
    ground: str
    stated: bool = False
    alternatives: tuple[tuple[str, ...], ...] = ()
    what: str = "colour"

    @property
    def states(self) -> int:
        """Number of states read."""
        return len(self.labels)

    @property
    def swappable(self) -> bool:
        """Two states read by choice, not stated: the colour-swapped reading explains the data as well."""
        return self.states == 2 and not self.stated

    def clause(self) -> str:
        """``"reading #000000 as dead and #ffffff as alive"`` (or each state's colour)."""
        if self.states == 2:
            return f"reading {self.labels[0]} as dead and {self.labels[1]} as alive"
        return "reading " + ", ".join(f"{label} as state {i}" for i, label in enumerate(self.labels))

    def swapped(self) -> Reading:
        """The other reading of two states."""
        if self.states != 2:
            raise InputError("only a reading of two states has a colour-swapped twin")
        return Reading(self.labels[::-1], "the colours swapped", self.stated, (self.labels,), self.what)

    def describe(self) -> str:
        """One line: each colour's state and the ground."""
        names = {0: "dead", 1: "alive"} if self.states == 2 else {0: "dead"}
        mapping = ", ".join(
            f"{label} -> {i}" + (f" ({names[i]})" if i in names else "") for i, label in enumerate(self.labels)
        )
        others = (
            ""
            if not self.alternatives
            else f"; the data allow {len(self.alternatives)} other reading{'s' if len(self.alternatives) > 1 else ''}"
        )
        return f"{mapping}: {self.ground}{others}"


def _uniform_successors(boards: np.ndarray) -> np.ndarray:
    """``(k, k)`` counts of (colour of a cell whose whole 3x3 is that colour, its colour next) inside the frame."""
    k = int(boards.max(initial=0)) + 1
    counts = np.zeros((k, k), dtype=np.int64)
    for trajectory in boards:
        now, after = trajectory[:-1], trajectory[1:]
        middle = now[:, 1:-1, 1:-1]
        same = np.ones(middle.shape, dtype=bool)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                same &= now[:, 1 + dy : now.shape[1] - 1 + dy, 1 + dx : now.shape[2] - 1 + dx] == middle
        counts += np.bincount(middle[same].astype(np.int64) * k + after[:, 1:-1, 1:-1][same], minlength=k * k).reshape(
            k, k
        )[:k, :k]
    return counts


def _transitions(boards: np.ndarray, k: int) -> np.ndarray:
    """``(k, k)`` counts of (a cell's class, its class next step)."""
    counts = np.zeros(k * k, dtype=np.int64)
    for trajectory in boards:
        counts += np.bincount(trajectory[:-1].astype(np.int64).ravel() * k + trajectory[1:].ravel(), minlength=k * k)
    return counts.reshape(k, k)


def _dying_orders(moves: np.ndarray) -> list[list[int]]:
    """The orders of the classes as Generations states the transitions allow (each dying state followed by the
    next, only states 0 and 1 staying as they are), or [] when the changes are not one cycle through every class."""
    k = len(moves)
    changes = moves.copy()
    np.fill_diagonal(changes, 0)
    successors = [np.flatnonzero(row) for row in changes]
    if any(len(s) != 1 for s in successors):
        return []
    cycle, seen = [0], {0}
    while True:
        following = int(successors[cycle[-1]][0])
        if following == 0:
            break
        if following in seen:
            return []
        cycle.append(following)
        seen.add(following)
    if len(cycle) != k:
        return []
    stays = {c for c in range(k) if moves[c, c] > 0}
    orders = []
    for shift in range(k):
        order = cycle[shift:] + cycle[:shift]
        if stays <= set(order[:2]):
            orders.append(order)
    return orders


def _is_b0(successors: np.ndarray, dead: int, alive: int) -> bool | None:
    """Whether reading ``dead`` as dead, an empty neighbourhood gives birth: True, False, or None (not seen, or
    both ways)."""
    stays, born = successors[dead, dead], successors[dead, alive]
    if stays and not born:
        return False
    if born and not stays:
        return True
    return None


def read_states(
    boards: np.ndarray,
    labels: list[str],
    colours: np.ndarray | None = None,
    *,
    dead=None,
    palette_name=None,
    source: str = "the recording",
    what: str = "colour",
) -> tuple[np.ndarray, Reading]:
    """The state of every cell, from its class, and the :class:`Reading` that says why.

    Args:
        boards: ``(n, T + 1, H, W)`` each cell's class, ``0 .. len(labels) - 1``.
        labels: Each class's colour (``#rrggbb``) or value, for the reading.
        colours: ``(k, channels)`` each class's colour 0-255 (None for values: no palette applies).
        dead: The colour (or value) the user states is dead, state 0.
        palette_name: A name of :data:`~lifelab.io.palettes.PALETTES`, or the colours of states 0, 1, ... as
            ``"#rrggbb,#rrggbb,..."`` (or a list of colours).
        source: What is read, for messages.
        what: ``"colour"`` or ``"value"``.

    Returns:
        ``(states, reading)``: the ``(n, T + 1, H, W)`` states (bool for two) and the :class:`Reading`.

    Raises:
        InputError: For a stated colour the recording does not show, or colours a stated palette does not have.
    """
    k = len(labels)
    counts = np.bincount(boards.ravel(), minlength=k).astype(np.int64)
    share = counts / max(int(counts.sum()), 1)
    order, ground, stated, alternatives = None, "", False, []
    if palette_name is not None:
        order, ground = (
            _stated_palette(palette_name, labels, colours, source, what),
            f"the {what}s of states 0, 1, ... as stated",
        )
        stated = True
    moves = _transitions(boards, k)
    orders = _dying_orders(moves) if k > 2 else []
    if palette_name is None and dead is not None:
        first = _class_of(dead, labels, colours, source, what)
        following = [o for o in orders if o[0] == first]
        stated = k == 2
        if len(following) == 1:
            order, ground = (
                following[0],
                f"{labels[first]} stated as dead; the others in the only order in which "
                "each dying state is followed by the next",
            )
        else:
            order = [first, *(c for c in np.argsort(-counts, kind="stable") if c != first)]
            ground = f"{labels[first]} stated as dead" + (
                "" if k == 2 else "; the other states in the order of the cells they cover"
            )
    if order is None and colours is not None:
        known = [(name, list(np.argsort(states, kind="stable"))) for name, states in recognise(colours)]
        if len(known) > 1:  # Golly's two gradients run opposite ways: the dynamics may tell which
            known = [(name, o) for name, o in known if o in orders]
        if len(known) == 1:
            name, order = known[0]
            ground = (
                f"{name}'s colours ({'the program that drew them' if name in PALETTES[:3] else 'a colour map'})"
                + (", and the only order in which each dying state is followed by the next" if order in orders else "")
                + f": {labels[order[0]]} its state 0"
            )
    if order is None and k > 2:
        if len(orders) == 1:
            order, ground = (
                orders[0],
                "the only order in which each dying state is followed by the next (Generations), the data's own",
            )
        elif orders:
            order = max(orders, key=lambda o: counts[o[0]])
            alternatives = [o for o in orders if o is not order]
            ground = (
                f"{len(orders)} orders make each dying state follow the next (Generations); the one whose "
                f"state 0 covers most cells ({share[order[0]]:.0%})"
            )
    if order is None and k == 2:
        successors = _uniform_successors(boards)
        b0 = [_is_b0(successors, 0, 1), _is_b0(successors, 1, 0)]
        most = int(np.argmax(counts))
        if b0 == [False, True] or b0 == [True, False]:
            first = b0.index(False)
            order = [first, 1 - first]
            ground = (
                f"the reading in which an empty neighbourhood stays empty: with the {what}s swapped, cells whose "
                "whole 3x3 neighbourhood is dead would be born (B0, which Golly treats as special)"
            )
            if first == most:
                ground += f"; {labels[most]} also covers most cells ({share[most]:.0%})"
        else:
            order = [most, 1 - most]
            ground = f"{labels[most]} covers most cells ({share[most]:.0%}) and is taken as dead"
    if order is None:
        order = list(np.argsort(-counts, kind="stable"))
        ground = (
            f"{labels[order[0]]} covers most cells ({share[order[0]]:.0%}) and is taken as state 0; the other "
            "states follow in the order of the cells they cover (a rule table's states have no order the data "
            "show)"
        )
    if k == 2 and not stated:
        alternatives = [order[::-1]]
    lookup = np.zeros(k, dtype=np.uint8)
    lookup[np.asarray(order)] = np.arange(k, dtype=np.uint8)
    states = lookup[boards]
    reading = Reading(
        tuple(labels[c] for c in order), ground, stated, tuple(tuple(labels[c] for c in o) for o in alternatives), what
    )
    return (states.astype(bool) if k == 2 else states), reading


def _class_of(value, labels: list[str], colours: np.ndarray | None, source: str, what: str) -> int:
    """The class a stated colour (or value) is."""
    if colours is None:
        text = str(value)
        if text not in labels:
            raise InputError(f"{source}: holds the values {', '.join(labels)}; --dead {text} is none of them")
        return labels.index(text)
    rgb = np.asarray(parse_colour(value), dtype=np.float64)
    centres = np.asarray(colours, dtype=np.float64)
    if len(rgb) < centres.shape[1]:
        rgb = np.append(rgb, 255.0)
    distance = np.sqrt(((centres[:, : len(rgb)] - rgb[: centres.shape[1]]) ** 2).sum(axis=1))
    if distance.min() > MAX_RADIUS:
        raise InputError(f"{source}: no cell is drawn in {value} (the cells' {what}s are {', '.join(labels)})")
    return int(distance.argmin())


def _stated_palette(name, labels: list[str], colours, source: str, what: str) -> list[int]:
    """The order of the classes under a stated palette: a name, or the colours of states 0, 1, ...."""
    k = len(labels)
    if isinstance(name, str) and name in PALETTES:
        if colours is None:
            raise InputError(f"{source}: holds {what}s, not colours; a palette reads pictures")
        drawn = None
        for states in range(max(k, 2), k + 3):
            candidate = palette(name, states)
            distance = np.abs(np.asarray(colours, dtype=np.float64)[:, None, :3] - candidate[None]).max(axis=-1)
            if (distance.min(axis=1) <= 32).all() and len(set(distance.argmin(axis=1).tolist())) == k:
                drawn = distance.argmin(axis=1)
                break
        if drawn is None:
            raise InputError(f"{source}: its colours ({', '.join(labels)}) are not {name}'s")
        return list(np.argsort(drawn, kind="stable"))
    listed = name.split(",") if isinstance(name, str) else list(name)
    if len(listed) != k:
        raise InputError(f"{source}: shows {k} {what}s ({', '.join(labels)}); the stated palette lists {len(listed)}")
    order = [
        _class_of(item.strip() if isinstance(item, str) else item, labels, colours, source, what) for item in listed
    ]
    if len(set(order)) != k:
        raise InputError(f"{source}: the stated palette names one {what} twice ({', '.join(map(str, listed))})")
    return order
