"""The grid of cells in pictures of a board: where the board is, how large a cell is, which pixels to read.

Found from what changes between frames, which only cells do (a plot's axes,
labels, colour bar, grid lines and margins stay put):

1. **Where the cells change**: pixels that differ between consecutive frames
   of a sample (a lossy picture's small differences left out); the largest
   connected region of them is where the board is surely.
2. **The lattice** along each axis: cells begin where a changing region
   begins, so the places a change starts or stops along a line are cell
   boundaries.  The cell size is the largest spacing (not necessarily a whole
   number of pixels) whose lattice holds :data:`EXPLAINED` of them, its offset
   the circular mean of their phases; square cells are taken when one size
   fits both axes.  Cells of one pixel are what is left when no larger size
   fits.
3. **The part of a cell to read**: the phases within a cell where changes
   happen; grid lines between cells, which never change, fall outside it.
   Each cell is read at a few points in that part, their mean its colour.
4. **The board's extent**: from the changing region, whole rows and columns
   of cells are added while every cell of them is one colour of the board's
   and either changes or shows the background: a plot's frame line, a title,
   a margin of another colour or the picture's edge ends the board.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifelab.errors import InputError
from lifelab.io.colours import MIN_DEVIATION, ColourClasses, colour_classes
from lifelab.io.palettes import hex_colour

__all__ = ["EXPLAINED", "Axis", "Grid", "find_grid"]

#: The share of the places a change starts or stops that a lattice must put on cell boundaries.
EXPLAINED = 0.92
#: The most sample points a cell is read at along each axis.
SAMPLES = 4
#: Frames of the sample whose seams between cells are read (a frame line or grid lines stay put).
SEAM_FRAMES = 6


@dataclass(frozen=True)
class Axis:
    """The cells along one axis of the picture.

    Attributes:
        size: Pixels a cell (a float: pictures scaled by a factor that is no whole number).
        start: Pixel coordinate where the board's first cell begins.
        cells: Cells along the axis.
        body: ``(from, to)``: the part of a cell read, in pixels from its start.
        samples: Points read per cell along the axis.
    """

    size: float
    start: float
    cells: int
    body: tuple[float, float]
    samples: int

    @property
    def end(self) -> float:
        """Pixel coordinate where the board's last cell ends."""
        return self.start + self.cells * self.size

    def positions(self) -> np.ndarray:
        """The pixel indices read, ``samples`` per cell, cell after cell."""
        lo, hi = self.body
        offsets = lo + (np.arange(self.samples) + 0.5) * (hi - lo) / self.samples
        starts = self.start + np.arange(self.cells) * self.size
        return np.floor(starts[:, None] + offsets[None]).astype(np.int64).ravel()

    def moved(self, first: int, cells: int) -> Axis:
        """The same lattice over cells ``first .. first + cells`` (``first`` may be negative)."""
        return Axis(self.size, self.start + first * self.size, cells, self.body, self.samples)


@dataclass(frozen=True)
class Grid:
    """Where the cells are in the pictures and how their colours were classed.

    Attributes:
        rows: The lattice down the picture.
        columns: The lattice across it.
        picture: ``(height, width)`` of a frame in pixels.
        classes: The colours the cells are drawn in (:class:`~lifelab.io.colours.ColourClasses`).
        lines: The colour of lines drawn between cells, when there are any.
        notes: What was decided on the way (square cells taken, the board's edges), in words.
    """

    rows: Axis
    columns: Axis
    picture: tuple[int, int]
    classes: ColourClasses
    lines: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def cells(self) -> tuple[int, int]:
        """``(rows, columns)`` of the board."""
        return self.rows.cells, self.columns.cells

    @property
    def box(self) -> tuple[float, float, float, float]:
        """``(top, left, height, width)`` of the board in pixels."""
        return (
            self.rows.start,
            self.columns.start,
            self.rows.end - self.rows.start,
            self.columns.end - self.columns.start,
        )

    def sample(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's mean colour and how far its sampled pixels stray from it.

        Args:
            frame: ``(height, width, channels)`` pixels.

        Returns:
            ``(means, deviations)``: ``(rows, columns, channels)`` float32 and ``(rows, columns)`` float32.
        """
        return _sample(frame, self.rows, self.columns)

    def read(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's class (uint8) and whether it is drawn by one colour of a class."""
        return self.classes.classify(*self.sample(frame))

    def summary(self) -> str:
        """One line: cells, cell size, where, lines."""
        top, left, height, width = self.box
        rows, columns = self.cells
        size = (
            f"{self.columns.size:.2f}"
            if abs(self.columns.size - self.rows.size) < 1e-9
            else f"{self.columns.size:.2f}x{self.rows.size:.2f}"
        )
        where = (
            "the whole picture"
            if (round(top), round(left), round(height), round(width)) == (0, 0, *self.picture)
            else f"{width:.0f}x{height:.0f} pixels at ({left:.0f}, {top:.0f}) of {self.picture[1]}x{self.picture[0]}"
        )
        return f"{columns}x{rows} cells of {size} pixels, {where}" + (
            f"; grid lines {self.lines} between cells (not read)" if self.lines else ""
        )


def _sample(frame: np.ndarray, rows: Axis, columns: Axis) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = rows.positions(), columns.positions()
    block = frame[np.ix_(ys, xs)].astype(np.float32)
    block = block.reshape(rows.cells, rows.samples, columns.cells, columns.samples, frame.shape[2])
    means = block.mean(axis=(1, 3))
    deviations = np.sqrt(((block - means[:, None, :, None]) ** 2).sum(axis=-1)).mean(axis=(1, 3))
    return means, deviations


def _changes(sample: list[np.ndarray], lossy: bool) -> tuple[list[np.ndarray], bool]:
    """Per consecutive pair of the sample, the pixels that change; and whether the pictures are soft (lossy, or
    blurred: many small differences).  A soft picture's pixel changes when it moves by half of a full change, so
    that a blurred edge counts with the cell it is nearer to and compression noise not at all."""
    diffs = [
        np.abs(b.astype(np.int16) - a.astype(np.int16)).sum(axis=-1, dtype=np.int16)
        for a, b in zip(sample, sample[1:], strict=False)
    ]
    moved = np.concatenate([d[d > 0][:: max(1, d.size // 200_000)] for d in diffs]) if diffs else np.zeros(0)
    if not len(moved):
        return [np.zeros(sample[0].shape[:2], bool) for _ in diffs], lossy
    full = float(np.quantile(moved, 0.95))
    soft = lossy or (np.mean(moved < 0.5 * full) > 0.1 and len(np.unique(moved)) > 64)
    threshold = 0.5 * full if soft else 0
    return [d > threshold for d in diffs], bool(soft)


def _core(dynamic: np.ndarray) -> tuple[slice, slice]:
    """The box of the largest connected region of changing pixels (a title's changing text is another region)."""
    from scipy import ndimage

    grown = ndimage.binary_dilation(dynamic, iterations=2)
    labels, count = ndimage.label(grown)
    if count > 1:
        sizes = np.bincount(labels[dynamic], minlength=count + 1)
        region = (labels == int(np.argmax(sizes[1:]) + 1)) & dynamic
    else:
        region = dynamic
    return ndimage.find_objects(region.astype(np.int32))[0]


def _peaks(profile: np.ndarray, first: int, group: bool = True) -> tuple[np.ndarray, np.ndarray, bool]:
    """Where changes start or stop along an axis: positions (pixel coordinates) and weights; with ``group``, short
    runs of neighbouring positions (a blurred edge) become one at their centre."""
    where = np.flatnonzero(profile)
    if not len(where):
        return np.zeros(0), np.zeros(0), False
    runs = np.split(where, np.flatnonzero(np.diff(where) > 1) + 1)
    points: list[float] = []
    strengths: list[float] = []
    blurred = False
    for run in runs:
        w = profile[run].astype(np.float64)
        if group and 1 < len(run) <= 3:
            points.append(float((run * w).sum() / w.sum()))
            strengths.append(float(w.sum()))
            blurred = True
        else:
            points.extend(run.astype(np.float64))
            strengths.extend(w)
    positions, weights = np.asarray(points) + first, np.asarray(strengths)
    strong = weights >= 0.1 * np.quantile(weights, 0.9)  # a title's or a stray pixel's few changes are no boundary
    return positions[strong], weights[strong], blurred


def _scores(positions: np.ndarray, weights: np.ndarray, sizes: np.ndarray, tolerance: float):
    """For each candidate size: the share of the weight within ``tolerance`` of the best-placed lattice, the
    lattice's offset, and the weighted RMS distance of the explained positions."""
    angles = 2 * np.pi * positions[None] / sizes[:, None]
    offset = (
        np.arctan2((weights * np.sin(angles)).sum(axis=1), (weights * np.cos(angles)).sum(axis=1)) / (2 * np.pi) * sizes
    ) % sizes
    distance = np.abs((positions[None] - offset[:, None] + sizes[:, None] / 2) % sizes[:, None] - sizes[:, None] / 2)
    inside = distance <= tolerance
    explained = (weights * inside).sum(axis=1) / weights.sum()
    rms = np.sqrt((weights * inside * distance**2).sum(axis=1) / np.maximum((weights * inside).sum(axis=1), 1e-12))
    return explained, offset, rms


def _fit(positions: np.ndarray, weights: np.ndarray, tolerance: float, smallest: float) -> tuple[float, float] | None:
    """The lattice ``(size, offset)`` of the largest cell size that puts :data:`EXPLAINED` of the weight on cell
    boundaries, no smaller than ``smallest``; None when none does."""
    if len(positions) < 2:
        return None
    ordered = np.sort(positions)
    gaps = np.diff(ordered)
    gaps = gaps[gaps >= smallest * 0.5]
    if not len(gaps):
        return None
    values, counts = np.unique(np.round(gaps, 1), return_counts=True)
    common = values[np.argsort(-counts)][:6]
    candidates = sorted({round(v / d, 3) for v in common for d in (1, 2, 3) if v / d >= smallest - 0.6})
    sizes = np.unique(
        np.concatenate([np.arange(max(c - 0.6, smallest), c + 0.6, 0.01) for c in candidates] + [np.round(candidates)])
    )
    sizes = sizes[sizes >= smallest]
    if not len(sizes):
        return None
    explained, offset, rms = _scores(positions, weights, sizes, tolerance)
    good = explained >= EXPLAINED
    if not good.any():
        return None
    ok = np.flatnonzero(good)
    # the largest cluster of fitting sizes (a size a hair larger also fits over a few cells: pick the best of it)
    breaks = np.flatnonzero(np.diff(sizes[ok]) > 0.05)
    cluster = ok[breaks[-1] + 1 :] if len(breaks) else ok
    best = cluster[np.lexsort((rms[cluster], -explained[cluster]))[0]]
    size, start = float(sizes[best]), float(offset[best])
    # refine by least squares on the explained positions' cell numbers
    number = np.round((positions - start) / size)
    near = np.abs(positions - start - number * size) <= tolerance
    if near.sum() >= 3 and np.ptp(number[near]) > 0:
        w = weights[near]
        a = np.stack([np.ones(near.sum()), number[near]], axis=1)
        start, size = np.linalg.lstsq(a * np.sqrt(w)[:, None], positions[near] * np.sqrt(w), rcond=None)[0]
    return float(size), float(start % size)


def _variation(sample: list[np.ndarray], rows: slice, columns: slice, axis: int) -> np.ndarray:
    """How much each pixel line (rows for ``axis`` 0, columns for 1) of a region varies over the frames: the
    variance of each pixel over the frames, summed over channels and along the line (one frame in memory at a
    time)."""
    total: np.ndarray | None = None
    squares: np.ndarray | None = None
    for frame in sample:
        region = frame[rows, columns].astype(np.float64)
        total = region if total is None else total + region
        squares = region**2 if squares is None else squares + region**2
    assert total is not None and squares is not None, "a sample has a frame at least"
    mean = total / len(sample)
    return (squares / len(sample) - mean**2).sum(axis=-1).sum(axis=1 - axis)


def _soft_fit(energy: np.ndarray, first: int, smallest: float) -> tuple[float, float] | None:
    """The lattice of a blurred or lossy picture from ``energy``, how much each pixel line varies over the frames:
    most at the middle of cells, where a cell's colour is pure, least at boundaries, where a blur mixes two cells
    and grid lines never change.  The period is the first strong peak of its autocorrelation; the size and the
    cells' middles are where sampling every cell's middle gathers the most variation."""
    n = len(energy)
    p = energy - energy.mean()
    if n < 2 * smallest or not p.any():
        return None
    spectrum = np.fft.rfft(p, 2 * n)
    correlation = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / np.arange(n, 0, -1)
    lags = np.arange(2, n // 2)
    peaks = [
        lag
        for lag in lags
        if lag >= smallest - 1
        and correlation[lag] > 0
        and correlation[lag] >= correlation[lag - 1]
        and correlation[lag] >= correlation[lag + 1]
    ]
    if not peaks:
        return None
    strongest = max(correlation[lag] for lag in peaks)
    period = next(lag for lag in peaks if correlation[lag] >= 0.5 * strongest)

    def best(sizes, middles):
        scores = np.full((len(sizes), len(middles)), -np.inf)
        for i, size in enumerate(sizes):
            count = int((n - middles.max()) // size) + 1
            at = np.floor(middles[:, None] + size * np.arange(count)[None]).astype(np.int64)
            inside = at < n
            scores[i] = np.where(inside, energy[np.minimum(at, n - 1)], 0).sum(axis=1) / inside.sum(axis=1)
        i, j = np.unravel_index(np.argmax(scores), scores.shape)
        return float(sizes[i]), float(middles[j])

    size, middle = best(np.arange(max(period - 1.0, smallest), period + 1.0, 0.02), np.arange(0, period + 1, 0.5))
    size, middle = best(np.arange(size - 0.03, size + 0.03, 0.002), np.arange(max(middle - 0.5, 0), middle + 0.5, 0.05))
    return size, float((first + middle - size / 2) % size)


def _lattice_points(fit: tuple[float, float], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """A fitted lattice's boundaries between ``lo`` and ``hi``, weighted alike (to test the other axis's size)."""
    size, offset = fit
    points = offset + size * np.arange(np.ceil((lo - offset) / size), np.floor((hi - offset) / size) + 1)
    return points, np.ones(len(points))


def _body(dynamic: np.ndarray, core: tuple[slice, slice], axis: int, fit: tuple[float, float]) -> tuple[float, float]:
    """The part of a cell to read: where its pixels change (grid lines and blurred edges left out), from the
    phases of the changing pixels within their cells, less a fifth of the cell on each side (a plot's frame line
    is drawn over the outer pixel of the edge cells) and half a pixel where a scaled picture rounds boundaries."""
    size, offset = fit
    if size < 2.5:
        return 0.0, size
    weights = dynamic[core].sum(axis=1 - axis).astype(np.float64)
    phases = (np.arange(len(weights)) + core[axis].start + 0.5 - offset) % size
    bins = max(1, int(round(size)))
    histogram = np.bincount(
        np.minimum((phases / size * bins).astype(np.int64), bins - 1), weights=weights, minlength=bins
    )
    strong = histogram >= 0.5 * histogram.max()
    # the longest circular run of strong bins
    doubled = np.concatenate([strong, strong])
    best, best_start, run, run_start = 0, 0, 0, 0
    for i, s in enumerate(doubled):
        if s:
            if run == 0:
                run_start = i
            run += 1
            if run > best:
                best, best_start = min(run, bins), run_start
        else:
            run = 0
    lo, hi = best_start * size / bins, (best_start + best) * size / bins
    margin = max(0.5 if abs(size - round(size)) > 1e-6 else 0.0, 0.2 * size if size >= 4 else 0.0)
    lo, hi = lo + margin, hi - margin
    if hi - lo < 1.0:
        lo, hi = (lo + hi) / 2 - 0.5, (lo + hi) / 2 + 0.5
    if lo >= size:
        lo, hi = lo - size, hi - size
    return lo, hi


def _middle(size: float) -> tuple[float, float]:
    """The part of a blurred cell to read: a pixel or two about its middle, the only pixels nearly its own colour."""
    width = max(1.0, min(2.0, size / 4))
    return size / 2 - width / 2, size / 2 + width / 2


def _axis(fit: tuple[float, float], length: int, body: tuple[float, float]) -> Axis:
    """The lattice as whole cells of the picture: the first whole cell's start and the count of whole cells."""
    size, offset = fit
    start = offset if offset <= size - 0.6 else offset - size  # a cell cut by less than a pixel is whole
    if start < -0.6:
        start += size
    cells = int(np.floor((length - start + 0.6) / size))
    samples = int(min(SAMPLES, max(1, np.floor(body[1] - body[0]))))
    return Axis(size, start, max(cells, 0), body, samples)


def find_grid(sample: list[np.ndarray], source: str = "the recording", lossy: bool = False) -> Grid:
    """Find the board, its cells and the colours they are drawn in, from a sample of a recording's frames.

    Args:
        sample: Two or more consecutive ``(height, width, channels)`` uint8 frames.
        source: What is read, for messages.
        lossy: The pictures are known to be lossy (a video, JPEG files): their colours are classed more widely.

    Returns:
        The :class:`Grid`.

    Raises:
        InputError: When nothing changes between the frames, or no lattice of cells explains what does.
    """
    height, width = sample[0].shape[:2]
    masks, soft = _changes(sample, lossy)
    dynamic = np.logical_or.reduce(masks) if masks else np.zeros((height, width), bool)
    if not dynamic.any():
        raise InputError(
            f"{source}: nothing changes between its {len(sample)} first distinct frames, so no cell "
            "shows itself (a board that never changes shows no rule)"
        )
    core = _core(dynamic)
    fits, blurred, notes = _lattices(sample, masks, core, soft, source)
    rows, columns = (
        _axis(fit, length, _middle(fit[0]) if blur else _body(dynamic, core, axis, fit))
        for axis, (fit, length, blur) in enumerate(zip(fits, (height, width), blurred, strict=True))
    )
    if rows.cells < 1 or columns.cells < 1:
        raise InputError(f"{source}: no whole cell fits in the pictures")
    (r0, r1), (c0, c1), classes = _board(sample, rows, columns, core, soft, source)
    (r0, r1), (c0, c1), edge_notes, line = _extend(sample, rows, columns, classes, (r0, r1), (c0, c1))
    return Grid(
        rows.moved(r0, r1 - r0),
        columns.moved(c0, c1 - c0),
        (height, width),
        classes,
        None if line is None else hex_colour(line),
        tuple(notes + edge_notes),
    )


def _lattices(sample, masks, core: tuple[slice, slice], soft: bool, source: str):
    """The lattice ``(size, offset)`` down and across the pictures, whether each was fitted as a blurred one, and
    notes (square cells taken, one axis without changes)."""
    fits: list[tuple[float, float] | None] = []
    points: list[tuple[np.ndarray, np.ndarray, float]] = []  # each axis's positions, weights and tolerance
    blurred, notes = [False, False], []
    for axis in (0, 1):
        lo, hi = core[axis].start, core[axis].stop
        profile = np.zeros(hi - lo + 1)
        for mask in masks:
            edges = np.diff(mask[core].astype(np.int8), axis=axis, prepend=0, append=0) != 0
            profile += edges.sum(axis=1 - axis)
        positions, weights, grouped = _peaks(profile, lo)
        tolerance = 1.05 if soft or grouped else 0.55  # within a pixel of a boundary; half a pixel when sharp
        smallest = 2 * tolerance + 1.4 if tolerance > 0.6 else 2.0
        fit = _fit(positions, weights, tolerance, smallest)
        if fit is None and grouped and not soft:  # neighbouring boundaries of small cells, not a blur
            positions, weights, _ = _peaks(profile, lo, group=False)
            tolerance, smallest = 0.55, 2.0
            fit = _fit(positions, weights, tolerance, smallest)
        if fit is None and soft:
            fit = _soft_fit(_variation(sample, *core, axis), lo, smallest)
            if fit is not None:
                positions, weights = _lattice_points(fit, lo, hi)
                blurred[axis] = True
        if fit is None and tolerance <= 0.6 and len(positions):
            fit = (1.0, 0.0)  # every pixel a cell: no larger cell puts the changes on its boundaries
        fits.append(fit)
        points.append((positions, weights, tolerance))
    row_fit, column_fit = fits
    row_points, column_points = points
    if row_fit is None and column_fit is None:
        raise InputError(
            f"{source}: no grid of cells explains where the pictures change"
            + (" (cells of fewer than 4 pixels cannot be read from a picture this blurred or lossy)" if soft else "")
        )
    if row_fit is None or column_fit is None:
        known = row_fit or column_fit
        assert known is not None  # not both None (above)
        missing = (column_points if row_fit else row_points)[0]
        other = (known[0], (float(missing.min()) if len(missing) else 0.0) % known[0])
        row_fit, column_fit = (row_fit, other) if row_fit else (other, column_fit)
        notes.append("changes along one axis only: square cells assumed")
    elif abs(row_fit[0] - column_fit[0]) > 0.02 * max(row_fit[0], column_fit[0]):
        small = min(row_fit[0], column_fit[0])
        positions, weights, tolerance = column_points if row_fit[0] < column_fit[0] else row_points
        explained, offset, _ = _scores(positions, weights, np.array([small]), tolerance)
        if explained[0] >= EXPLAINED:
            square = (small, float(offset[0]))
            row_fit, column_fit = (row_fit, square) if row_fit[0] < column_fit[0] else (square, column_fit)
            notes.append("square cells: one size fits both axes")
        else:
            notes.append("cells are not square: no one size fits both axes")
    return (row_fit, column_fit), blurred, notes


def _board(sample, rows: Axis, columns: Axis, core: tuple[slice, slice], soft: bool, source: str):
    """The cells over the changing region that are one colour in every frame and change (a changing title or a
    frame line's blend are not), as ``((r0, r1), (c0, c1))``, and the classes of their colours."""
    rows_core, columns_core = core
    r0 = max(0, int(np.floor((rows_core.start - rows.start) / rows.size)))
    r1 = min(rows.cells, int(np.ceil((rows_core.stop - rows.start) / rows.size)))
    c0 = max(0, int(np.floor((columns_core.start - columns.start) / columns.size)))
    c1 = min(columns.cells, int(np.ceil((columns_core.stop - columns.start) / columns.size)))
    sampled = [_sample(frame, rows.moved(r0, r1 - r0), columns.moved(c0, c1 - c0)) for frame in sample]
    means = np.stack([m for m, _ in sampled])
    deviations = np.stack([d for _, d in sampled])
    typical = float(np.median(deviations))  # most cells of the region are the board's: a frame line is few
    clean = (deviations <= max(MIN_DEVIATION, 3 * typical + 2)).all(axis=0)
    moving = np.sqrt(((means - means[:1]) ** 2).sum(axis=-1)).max(axis=0) > max(2 * MIN_DEVIATION, 4 * typical)
    board = clean & moving
    if not board.any():
        raise InputError(
            f"{source}: no cell of the grid found ({columns.size:.1f} pixels) is one colour in every "
            "frame where the pictures change: not blocks of one colour a cell"
        )
    inside_rows, inside_columns = np.flatnonzero(board.any(axis=1)), np.flatnonzero(board.any(axis=0))
    b0, b1 = int(inside_rows[0]), int(inside_rows[-1]) + 1
    d0, d1 = int(inside_columns[0]), int(inside_columns[-1]) + 1
    keep = clean[b0:b1, d0:d1]
    classes = colour_classes(means[:, b0:b1, d0:d1][:, keep], deviations[:, b0:b1, d0:d1][:, keep], source, soft)
    return (r0 + b0, r0 + b1), (c0 + d0, c0 + d1), classes


def _seam_pixels(frame: np.ndarray, rows: Axis, columns: Axis) -> np.ndarray:
    """The pixels about every boundary between two columns of cells, at each row's sample points:
    ``(rows * samples, columns - 1, 3, channels)`` (the pixel before the boundary, on it, after it)."""
    edges = np.floor(columns.start + np.arange(1, columns.cells) * columns.size).astype(np.int64)
    xs = np.clip(edges[:, None] + np.array([-1, 0, 1]), 0, frame.shape[1] - 1)
    pixels = frame[np.ix_(rows.positions(), xs.ravel())].astype(np.float32)
    return pixels.reshape(rows.cells * rows.samples, columns.cells - 1, 3, frame.shape[2])


def _foreign(
    pixels: np.ndarray, index: np.ndarray, samples: int, classes: ColourClasses, line: np.ndarray | None
) -> np.ndarray:
    """``(rows, columns - 1)``: the share of the seam pixels before each column (but the first) whose colour is
    neither that of the cell on one side nor the other's (nor the grid lines'): a frame line, not a seam."""
    centres = classes.centres.astype(np.float32)
    sides = np.repeat(np.stack([centres[index[:, :-1]], centres[index[:, 1:]]], axis=2), samples, axis=0)
    squared = ((pixels[:, :, :, None] - sides[:, :, None]) ** 2).sum(axis=-1).min(axis=-1)
    if line is not None:
        squared = np.minimum(squared, ((pixels - line.astype(np.float32)) ** 2).sum(axis=-1))
    foreign = (squared > classes.radius**2).mean(axis=2)
    return foreign.reshape(len(index), samples, -1).mean(axis=1)


def _lattice_reading(sample, rows: Axis, columns: Axis, classes: ColourClasses, line: np.ndarray | None):
    """Every cell of the lattice over the sample frames: whether it is one colour of a class in every frame,
    whether it may join a board (it changes, or shows the background throughout), and how foreign the seams
    before each column and each row are, averaged over the frames (``(rows, columns - 1)``, ``(columns,
    rows - 1)``)."""
    indices, fine = [], []
    across, down = np.zeros((rows.cells, columns.cells - 1)), np.zeros((columns.cells, rows.cells - 1))
    seamed = sample[:SEAM_FRAMES] if min(rows.size, columns.size) >= 3 else []  # cells of 1-2 pixels: no seam
    for number, frame in enumerate(sample):
        index, ok = classes.classify(*_sample(frame, rows, columns))
        indices.append(index)
        fine.append(ok)
        if number < len(seamed) and columns.cells > 1:
            across += _foreign(_seam_pixels(frame, rows, columns), index, rows.samples, classes, line)
        if number < len(seamed) and rows.cells > 1:
            down += _foreign(
                _seam_pixels(frame.transpose(1, 0, 2), columns, rows), index.T, columns.samples, classes, line
            )
    index = np.stack(indices)
    joins = (index != index[:1]).any(axis=0) | (index == 0).all(axis=0)
    return np.stack(fine).all(axis=0), joins, across / max(len(seamed), 1), down / max(len(seamed), 1)


def _extend(sample, rows: Axis, columns: Axis, classes: ColourClasses, row_range, column_range):
    """Grow the board from the changing region by whole lines of cells while any side can: a line joins when every
    cell of it is one colour of the board's, not all of them are a colour other than the background's that never
    changes (a margin, a bar; a still life covers a few cells), and its seam to the board is no more foreign than
    the board's own seams (a frame line is).

    Returns:
        ``((r0, r1), (c0, c1), notes, line)``: the board's rows and columns, how its edges were found, and the
        colour of the lines drawn between its cells (None when there are none).
    """
    (r0, r1), (c0, c1) = row_range, column_range
    ok, joins, across, down = _lattice_reading(sample, rows, columns, classes, None)
    baseline, line = _seams(sample, rows, columns, classes, across, down, (r0, r1), (c0, c1))
    if line is not None:  # seams of the grid lines' colour are the board's own
        ok, joins, across, down = _lattice_reading(sample, rows, columns, classes, line)
        baseline = max(
            float(across[r0:r1, (c0 + c1) // 2 - 1].mean()) if c1 - c0 > 1 else 0.0,
            float(down[c0:c1, (r0 + r1) // 2 - 1].mean()) if r1 - r0 > 1 else 0.0,
        )
    limit = baseline + 0.1

    def row_joins(r, seam):  # row r across the board's columns, its seam to the board before row `seam`
        return ok[r, c0:c1].all() and joins[r, c0:c1].any() and down[c0:c1, seam - 1].mean() <= limit

    def column_joins(c, seam):
        return ok[r0:r1, c].all() and joins[r0:r1, c].any() and across[r0:r1, seam - 1].mean() <= limit

    grown = True
    while grown:
        grown = False
        if r0 > 0 and row_joins(r0 - 1, r0):
            r0, grown = r0 - 1, True
        if r1 < rows.cells and row_joins(r1, r1):
            r1, grown = r1 + 1, True
        if c0 > 0 and column_joins(c0 - 1, c0):
            c0, grown = c0 - 1, True
        if c1 < columns.cells and column_joins(c1, c1):
            c1, grown = c1 + 1, True
    notes = []
    sides = {"top": r0 == 0, "bottom": r1 == rows.cells, "left": c0 == 0, "right": c1 == columns.cells}
    at_edge = [side for side, edge in sides.items() if edge]
    if len(at_edge) == 4:
        notes.append("the board reaches the picture's edges")
    elif at_edge:
        notes.append(
            f"the board ends at the picture's {', '.join(at_edge)} edge{'s' if len(at_edge) > 1 else ''} "
            "and where the cells end elsewhere (a frame line, a margin, text)"
        )
    else:
        notes.append("the board ends where the cells end (a frame line, a margin, text)")
    return (r0, r1), (c0, c1), notes, line


def _seams(sample, rows: Axis, columns: Axis, classes: ColourClasses, across, down, row_range, column_range):
    """How foreign the board's own seams are (its middle ones; grid lines make them so), and the grid lines'
    colour when they are drawn in one."""
    (r0, r1), (c0, c1) = row_range, column_range
    shares, pixels = [], []
    if c1 - c0 > 1:
        middle = (c0 + c1) // 2
        shares.append(float(across[r0:r1, middle - 1].mean()))
        strip = _seam_pixels(sample[0], rows.moved(r0, r1 - r0), columns.moved(middle - 1, 2))
        pixels.append(strip.reshape(-1, strip.shape[-1]))
    if r1 - r0 > 1:
        middle = (r0 + r1) // 2
        shares.append(float(down[c0:c1, middle - 1].mean()))
        strip = _seam_pixels(sample[0].transpose(1, 0, 2), columns.moved(c0, c1 - c0), rows.moved(middle - 1, 2))
        pixels.append(strip.reshape(-1, strip.shape[-1]))
    if not shares:
        return 0.0, None
    share = max(shares)
    found = np.concatenate(pixels).astype(np.float64)
    foreign = found[np.sqrt(((found[:, None] - classes.centres[None]) ** 2).sum(axis=-1)).min(axis=1) > classes.radius]
    if share < 0.2 or not len(foreign):
        return share, None
    colour = np.median(foreign, axis=0)
    one_colour = np.mean(np.sqrt(((foreign - colour) ** 2).sum(axis=1)) <= classes.radius) >= 0.8
    return share, colour if one_colour else None  # a blur's seams are many colours, grid lines one
