"""The neighbourhoods beyond 3x3 that count rules read: Golly's letters, their shapes' weights, and the counts.

Larger than Life reads a box (``NM``), a diamond (``NN``) or a disc (``NC``)
of range ``r``; HROT, Golly 4's generalisation, reads those and more
(:data:`HROT_NEIGHBOURHOODS`), including custom (``N@``) and weighted
(``NW``) neighbourhoods written as hex digits.  A neighbourhood is a
``(2r + 1, 2r + 1)`` array of weights; a cell's count is the sum of the
weights of the live cells around it (:func:`window_sums`).
:class:`Neighbourhood` is one such neighbourhood as the evidence and the
learners read it: the cells around the centre and the classes of their counts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry.symmetry import GROUPS, transform
from lifelab.utils import check_int

__all__ = [
    "COUNT_SHAPES",
    "HROT_NEIGHBOURHOODS",
    "LTL_NEIGHBOURHOODS",
    "MAX_RANGE",
    "NAMED_SHAPES",
    "Neighbourhood",
    "disc_widths",
    "neighbourhood_weights",
    "shape_weights",
    "weight_runs",
    "window_sums",
]

#: Largest range lifelab reads (Golly's limit).
MAX_RANGE = 500
MAX_GAUSSIAN_RANGE = 50  # Golly's MAXGAUSSIANRANGE

#: Larger-than-Life neighbourhoods lifelab simulates: Golly's letter and what it is.
LTL_NEIGHBOURHOODS = {"M": "Moore (a box)", "N": "von Neumann (a diamond)", "C": "circular (a disc)"}

#: Golly's HROT and Larger than Life neighbourhood letters beyond box, diamond and disc that lifelab reads
#: (``N`` and the letter; ``@`` and ``W`` are followed by hex digits), and what they are.
HROT_NEIGHBOURHOODS = {
    "M": "Moore (a box)",
    "N": "von Neumann (a diamond)",
    "C": "circular (a disc)",
    "2": "L2 (a Euclidean disc)",
    "+": "cross",
    "X": "saltire (the diagonals)",
    "*": "star (cross and saltire)",
    "#": "hash (the lines one cell off the centre)",
    "B": "checkerboard",
    "D": "aligned checkerboard",
    "H": "hexagonal",
    "@": "custom (hex digits, a bit a cell)",
    "W": "weighted (hex digits, a weight a cell)",
    "G": "Gaussian (weights falling off from the centre)",
}

#: The shapes a count verdict reads: Larger than Life's box, diamond and disc, and Golly 4's other neighbourhoods
#: with the square's symmetry (cross, saltire, star, hash, Euclidean disc, checkerboards), written in Larger than
#: Life's syntax (``R2,C0,M1,S2..4,B2..3,N+``).  These are the shapes the structure test finds by itself.
COUNT_SHAPES = ("M", "N", "C", "2", "+", "X", "*", "#", "B", "D")

#: Golly 4's neighbourhoods that must be named to be counted: hexagonal (``NH``), custom (``N@`` hex digits, a bit
#: a cell), weighted (``NW`` hex digits, a weight a cell; a live cell adds its weight to the count) and Gaussian
#: (``NG``, weights falling off from the centre).
NAMED_SHAPES = ("H", "@", "W", "G")


def disc_widths(r: int) -> list[int]:
    """Golly's circular neighbourhood: row ``dy`` reaches ``w`` cells each side, the largest ``w`` with
    w^2+dy^2 <= r^2+r."""
    widths = []
    for dy in range(-r, r + 1):
        w = 0
        while (w + 1) ** 2 + dy**2 <= r * r + r:
            w += 1
        widths.append(w)
    return widths


def shape_weights(letter: str, r: int) -> np.ndarray:
    """The cells a shape (a letter of :data:`HROT_NEIGHBOURHOODS` but ``@`` and ``W``) counts, ``(2r + 1, 2r + 1)``
    int64, the centre counted as Golly counts it."""
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    ady, adx = np.abs(dy), np.abs(dx)
    if letter == "G":  # Golly's Gaussian: (r + 1 - |dy|)(r + 1 - |dx|), and one more for the cell itself
        weights = (r + 1 - ady) * (r + 1 - adx)
        weights[r, r] += 1
        return weights.astype(np.int64)
    if letter in "C2":
        widths = (
            np.array(disc_widths(r))
            if letter == "C"
            else np.array([int(np.floor(np.sqrt(r * r - y * y))) for y in range(-r, r + 1)])
        )
        return (adx <= widths[:, None]).astype(np.int64)
    shape = {
        "M": np.ones_like(dy, bool),
        "N": ady + adx <= r,
        "+": (dy == 0) | (dx == 0),
        "X": ady == adx,
        "*": (dy == 0) | (dx == 0) | (ady == adx),
        "#": (ady == 1) | (adx == 1) | ((dy == 0) & (dx == 0)),
        "B": ((dy + dx) % 2 == 1) | ((dy == 0) & (dx == 0)),
        "D": (dy + dx) % 2 == 0,
        "H": np.abs(dx - dy) <= r,
    }[letter]
    return shape.astype(np.int64)


def neighbourhood_weights(
    letter: str, r: int, spec: str = "", states: int = 2, text: str | None = None
) -> tuple[np.ndarray, tuple[int, ...] | None, str]:
    """The weights of an HROT neighbourhood as Golly counts them, the centre included.

    Args:
        letter: A key of :data:`HROT_NEIGHBOURHOODS`.
        r: The range.
        spec: What follows the letter: the hex digits (and state weights) of ``N@`` and ``NW``, and ``H`` after
            them for Golly's hexagonal grid; empty for the other letters.
        states: The rule's states (``NW``'s state weights give one weight a state).
        text: The rulestring, for messages (None: they name the neighbourhood, ``N@...`` or ``NW...``).

    Returns:
        ``(weights, state_weights, spec)``: ``(2r + 1, 2r + 1)`` int64 weights, ``NW``'s weight per state or
        None, and the spec as Golly writes it (upper case).

    Raises:
        InputError: Naming what is wrong with the digits, digits after a letter that takes none, or a Gaussian
            neighbourhood beyond Golly's range.
    """
    what = f"N{letter}{spec}" if text is None else f"HROT rule {text!r}"
    if letter not in "@W":
        if spec:
            raise InputError(f"{what}: {spec!r} after N{letter}, which takes no digits")
        if letter == "G" and r > MAX_GAUSSIAN_RANGE:
            raise InputError(
                f"{what}: the Gaussian neighbourhood reaches range "
                f"{MAX_GAUSSIAN_RANGE} at most (Golly's limit), got R{r}"
            )
        return shape_weights(letter, r), None, ""
    weights, state_weights, spec, rest = _read_hex(letter, spec.upper(), r, states, what)
    if rest == "H":  # Golly's hexagonal grid: the same counts, drawn as hexagons
        spec += rest
    elif rest:
        raise InputError(
            f"{what}: {rest!r} after the neighbourhood (lifelab reads the square "
            "grid and Golly's hexagonal one (H), not the triangular L grid)"
        )
    return weights, state_weights, spec


def _hex_digits(text: str) -> str:
    """The upper-case hex digits ``text`` starts with (maybe none)."""
    match = re.match(r"[0-9A-F]*", text)
    assert match is not None  # the pattern matches the empty start of any text
    return match[0]


def _read_hex(letter: str, spec: str, r: int, states: int, what: str):
    """A custom (``@``) or weighted (``W``) neighbourhood's weights, state weights and the rest of the field
    (``what``: what was given, as the messages name it)."""
    box = (2 * r + 1) ** 2
    digits = _hex_digits(spec)
    if letter == "@":
        need = (box - 1) // 4
        if len(digits) < need:
            raise InputError(f"{what}: a range-{r} custom neighbourhood N@ needs {need} hex digits, got {len(digits)}")
        bits = [int(c, 16) >> (3 - b) & 1 for c in digits[:need] for b in range(4)]
        cells = bits[: box // 2] + [1] + bits[box // 2 :]  # Golly counts the centre itself
        return np.array(cells, np.int64).reshape(2 * r + 1, 2 * r + 1), None, digits[:need], spec[need:]
    if len(digits) >= 2 * box:
        pairs = [int(digits[2 * i : 2 * i + 2], 16) for i in range(box)]
        weights, used = [-(v & 127) if v & 128 else v for v in pairs], 2 * box
    elif len(digits) >= box:
        weights, used = [-(int(c, 16) & 7) if int(c, 16) & 8 else int(c, 16) for c in digits[:box]], box
    else:
        raise InputError(
            f"{what}: a range-{r} weighted neighbourhood NW needs {box} or {2 * box} hex digits, got {len(digits)}"
        )
    rest, state_weights = spec[used:], None
    if rest.startswith(","):
        found = _hex_digits(rest[1:])
        if len(found) != max(states, 2):
            raise InputError(f"{what}: {len(found)} state weights for {max(states, 2)} states")
        state_weights, used, rest = tuple(int(c, 16) for c in found), used + 1 + len(found), rest[1 + len(found) :]
    return np.array(weights, np.int64).reshape(2 * r + 1, 2 * r + 1), state_weights, spec[:used], rest


def weight_runs(weights: np.ndarray) -> np.ndarray:
    """``(k, 4)`` int64 rows ``(dy, first dx, last dx, weight)``: each row's runs of cells of one weight."""
    r = weights.shape[0] // 2
    runs = []
    for i, row in enumerate(np.asarray(weights).tolist()):
        x = 0
        while x < len(row):
            end = x
            while end + 1 < len(row) and row[end + 1] == row[x]:
                end += 1
            if row[x]:
                runs.append((i - r, x - r, end - r, row[x]))
            x = end + 1
    return np.array(runs, dtype=np.int64).reshape(-1, 4)


def window_sums(values: np.ndarray, weights: np.ndarray, dtype=np.int64) -> np.ndarray:
    """Around every cell of ``(..., H, W)`` boards (periodic), the sum of ``weights[dy + r, dx + r]`` times the
    value at ``(dy, dx)`` from it, in ``dtype``.

    A box of one weight is summed from a summed-area table (four lookups a
    cell, whatever the range); any other window row by row from prefix sums,
    two lookups a run of equal weights in a row.
    """
    values = np.asarray(values).astype(dtype)
    r = weights.shape[0] // 2
    h, w = values.shape[-2:]
    filled = np.array(weights, np.int64)
    centre = int(filled[r, r])
    filled[r, r] = filled[r, r + 1]  # the centre row stays one run; the centre's own weight is added at the end
    if (filled == filled[0, 0]).all():
        padded = np.take(np.take(values, np.arange(-r, h + r) % h, axis=-2), np.arange(-r, w + r) % w, axis=-1)
        table = np.zeros(padded.shape[:-2] + (h + 2 * r + 1, w + 2 * r + 1), dtype)
        table[..., 1:, 1:] = padded.cumsum(axis=-2).cumsum(axis=-1)
        k = 2 * r + 1
        total = table[..., k:, k:] - table[..., :h, k:] - table[..., k:, :w] + table[..., :h, :w]
        if filled[0, 0] != 1:
            total *= filled[0, 0]
    else:
        padded = np.take(values, np.arange(-r, w + r) % w, axis=-1)
        prefix = np.zeros(values.shape[:-1] + (w + 2 * r + 1,), dtype)
        np.cumsum(padded, axis=-1, dtype=dtype, out=prefix[..., 1:])
        total = np.zeros(values.shape, dtype)
        for dy, first, last, weight in weight_runs(filled).tolist():
            run = prefix[..., r + last + 1 : r + last + 1 + w] - prefix[..., r + first : r + first + w]
            total += np.roll(run if weight == 1 else weight * run, -dy, axis=-2)
    if centre != filled[r, r]:
        total += (centre - int(filled[r, r])) * values
    return total


@dataclass(frozen=True)
class Neighbourhood:
    """The cells a count rule reads, the cell itself not counted, each with its weight (1 but for ``NW``).

    A class is the cell's own state and the count: the sum of the weights of
    the live cells around it, from :attr:`low` (every negatively weighted
    cell alive) to :attr:`high`; for a shape, the number of live cells.

    Attributes:
        range: How far it reaches (``r``).
        shape: One of :data:`COUNT_SHAPES` or :data:`NAMED_SHAPES`.
        spec: The hex digits of ``N@`` and ``NW`` (empty otherwise).
    """

    range: int
    shape: str = "M"
    spec: str = ""

    def __post_init__(self):
        check_int("range", self.range, 1)
        if self.shape not in COUNT_SHAPES + NAMED_SHAPES:
            raise InputError(
                f"neighbourhood shape must be one of {list(COUNT_SHAPES + NAMED_SHAPES)}, got {self.shape!r}"
            )
        if self.spec and self.shape not in "@W":
            raise InputError(f"only N@ and NW take hex digits, not N{self.shape}")
        check_int("range", self.range, 1, MAX_RANGE)
        _, state_weights, spec = self._golly
        if state_weights is not None:
            raise InputError(
                f"N{self.shape}{self.spec}: a neighbourhood with state weights counts more than live "
                "cells; lifelab learns 2-state counts"
            )
        if not (self.weights != 0).any():
            raise InputError(f"N{self.shape}{self.spec} counts no cell around the centre")
        object.__setattr__(self, "spec", spec)

    @classmethod
    def of(cls, rule) -> Neighbourhood:
        """The neighbourhood a Larger than Life or 2-state HROT rule counts on: its ``range``, its
        ``neighbourhood`` letter and (``N@``, ``NW``) its ``spec``."""
        letter = getattr(rule, "neighbourhood", None)
        if not isinstance(getattr(rule, "range", None), int) or letter not in COUNT_SHAPES + NAMED_SHAPES:
            raise InputTypeError(f"expected a Larger than Life rule, got {type(rule).__name__}")
        return cls(rule.range, letter, getattr(rule, "spec", ""))

    @functools.cached_property
    def _golly(self) -> tuple[np.ndarray, tuple[int, ...] | None, str]:
        """What Golly counts: :func:`neighbourhood_weights` of a 2-state rule, the centre included."""
        return neighbourhood_weights(self.shape, self.range, self.spec)

    @functools.cached_property
    def weights(self) -> np.ndarray:
        """``(2r + 1, 2r + 1)`` int64: each neighbour's weight in the count, the centre's 0."""
        weights = self._golly[0].copy()
        weights[self.range, self.range] = 0
        weights.flags.writeable = False
        return weights

    @property
    def centre_weight(self) -> int:
        """What a live cell adds to its own count in Golly's notation (1 for a shape, as written for ``NW``)."""
        return int(self._golly[0][self.range, self.range])

    @property
    def weighted(self) -> bool:
        """Some neighbour weighs other than 1."""
        return bool((self.weights[self.weights != 0] != 1).any())

    @property
    def low(self) -> int:
        """The smallest count (every negatively weighted neighbour alive; 0 without negative weights)."""
        return int(self.weights[self.weights < 0].sum())

    @property
    def high(self) -> int:
        """The largest count (every positively weighted neighbour alive)."""
        return int(self.weights[self.weights > 0].sum())

    @property
    def width(self) -> int:
        """Counts from :attr:`low` to :attr:`high`: the classes per centre state."""
        return self.high - self.low + 1

    @functools.cached_property
    def reachable(self) -> np.ndarray:
        """``(width,)`` bool: the counts some set of live neighbours gives (all of them for a shape)."""
        sums = 1 << -self.low  # bit k: the count low + k is the sum of some subset of the cells taken so far
        for w in self.weights[self.weights != 0].tolist():
            sums |= sums << w if w > 0 else sums >> -w
        size = max(self.width, sums.bit_length()) // 8 + 1  # the bits read at once: one shift a bit is O(width^2)
        bits = np.unpackbits(np.frombuffer(sums.to_bytes(size, "little"), np.uint8), bitorder="little")
        mask = bits[: self.width].astype(bool)
        mask.flags.writeable = False
        return mask

    @property
    def symmetry(self) -> str:
        """The largest of the networks' groups (``p4m``, ``p4``, ``trivial``) that maps the weights onto themselves."""
        for group in ("p4m", "p4"):
            if all((transform(self.weights, g) == self.weights).all() for g in GROUPS[group]):
                return group
        return "trivial"

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The counted cells ``(dy, dx)``, reading order, without the centre."""
        r = self.range
        return [(int(dy) - r, int(dx) - r) for dy, dx in zip(*np.nonzero(self.weights), strict=True)]

    @property
    def size(self) -> int:
        """Cells counted (the cell itself not among them)."""
        return int((self.weights != 0).sum())

    def same_cells(self, other: Neighbourhood) -> bool:
        """Whether ``other`` counts the same cells with the same weights (``R2,NM`` in either syntax, say)."""
        return self.weights.shape == other.weights.shape and bool((self.weights == other.weights).all())

    @property
    def title(self) -> str:
        """``"the range-2 box (NM)"``."""
        words = {**HROT_NEIGHBOURHOODS, **LTL_NEIGHBOURHOODS}[self.shape].split(" (")
        word = words[-1].removeprefix("a ").rstrip(")") if self.shape in LTL_NEIGHBOURHOODS else words[0]
        return f"the range-{self.range} {word} (N{self.shape}{self.spec})"

    def counts(self, alive: np.ndarray) -> np.ndarray:
        """The count (live cells, or their weights) around every cell of ``(..., H, W)`` boards (periodic), int32."""
        return window_sums(np.asarray(alive, dtype=bool), self.weights, np.int32)

    def keys(self, alive: np.ndarray) -> np.ndarray:
        """Each cell's class index, ``centre * width + count - low``, on ``(..., H, W)`` boards (periodic)."""
        alive = np.asarray(alive, dtype=bool)
        return alive * self.width + self.counts(alive) - self.low

    def writable(self, centre: int, count: int, lists: bool = False) -> bool:
        """Whether Golly's notation can say that a cell of this state becomes alive at this count: Larger than
        Life's intervals on a box, diamond or disc can (B0 included); HROT's lists hold counts from 1 (birth)
        or 0 (survival, as written) up."""
        if not lists and self.shape in LTL_NEIGHBOURHOODS:
            return True
        written = count + (self.centre_weight - (0 if self.shape == "W" else 1) if centre else 0)
        return written >= (0 if centre else 1)

    def decisions(self, rule) -> np.ndarray:
        """``(2, width)`` bool: the next state a rule on this neighbourhood gives per (centre, count) class."""
        if not self.same_cells(Neighbourhood.of(rule)):
            raise InputError(f"{rule} counts a different neighbourhood than {self.title}")
        counts = np.arange(self.low, self.high + 1)
        return np.stack([np.isin(counts, sorted(rule.born)), np.isin(counts, sorted(rule.survives))])

    def class_name(self, c: int) -> str:
        """``"dead, 7 live"`` (``"dead, count 7"`` when weighted): the name of class index ``c``."""
        centre, index = divmod(int(c), self.width)
        count = index + self.low
        return f"{'alive' if centre else 'dead'}, " + (f"count {count}" if self.weighted else f"{count} live")
