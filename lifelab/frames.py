"""Trajectories from the frames people hold: an animated GIF, a folder of PNG frames, a folder of RLE files.

Pictures of a board carry its cells as blocks of pixels.  :func:`read_frames`
finds the board (inside a plot's black frame, as lifelab's own GIFs draw it,
or the whole picture), the grid of cells (how many across and down, the
cell size and the offset of the first cell), and the states (two colours,
the lighter one dead; or lifelab's own palette of dying states).  A picture
whose grid or colours could be read more than one way is refused, naming
the file and the problem.  A folder of RLE files (Golly writes one pattern
per file) is read as frames when every file holds a board of one size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lifelab.errors import InputError
from lifelab.rle import load_rle
from lifelab.utils import check_allocation

__all__ = ["FRAME_SUFFIXES", "FrameGrid", "read_frames"]

#: What :func:`read_frames` reads: a GIF file, or a folder of these.
FRAME_SUFFIXES = (".gif", ".png", ".rle")
#: The smallest cell, in pixels, whose reading can be checked (pixels beyond its boundary ones must agree).
MIN_CELL = 4.0
#: Share of a board's pixels that may disagree with the grid found (anti-aliased edges, a title overlapping it).
TOLERANCE = 0.003
#: The colours of lifelab's own plots (:func:`lifelab.plots.state_cmap`): dead, live.
DEAD_RGB, LIVE_RGB = (255, 255, 255), (31, 31, 58)


@dataclass
class FrameGrid:
    """Where the cells are in the pictures.

    Attributes:
        source: What was read.
        frames: Pictures read.
        box: ``(top, left, height, width)`` of the board in pixels.
        cells: ``(rows, columns)`` of the board.
        colours: The RGB colour of each state, state 0 first.
    """

    source: str
    frames: int
    box: tuple[int, int, int, int]
    cells: tuple[int, int]
    colours: list[tuple[int, int, int]]

    def summary(self) -> str:
        """One line."""
        top, left, height, width = self.box
        rows, columns = self.cells
        return (f"{self.source}: {self.frames} frames; a board of {columns}x{rows} cells in the {width}x{height} "
                f"pixels at ({left}, {top}), {width / columns:.2f}x{height / rows:.2f} pixels a cell; "
                f"{len(self.colours)} colours: " + ", ".join(f"state {i} #{''.join(f'{v:02x}' for v in c)}"
                                                              for i, c in enumerate(self.colours)))


def _pictures(path: Path) -> tuple[np.ndarray, str]:
    """``(frames, height, width, 3)`` uint8 pixels of a GIF or a folder of PNGs."""
    from PIL import Image, ImageSequence

    try:
        if path.is_dir():
            files = sorted(path.glob("*.png"))
            images = [np.asarray(Image.open(f).convert("RGB")) for f in files]
        else:
            with Image.open(path) as gif:
                images = [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(gif)]
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable picture ({exc})") from None
    if len({im.shape for im in images}) > 1:
        raise InputError(f"{path}: the frames differ in size ({sorted({im.shape[:2] for im in images})})")
    return np.stack(images), str(path)


def _runs(mask: np.ndarray) -> np.ndarray:
    """Longest run of True along the last axis, for each row of a 2-D mask."""
    best = np.zeros(mask.shape[0], dtype=np.int64)
    current = np.zeros(mask.shape[0], dtype=np.int64)
    for column in mask.T:
        current = np.where(column, current + 1, 0)
        best = np.maximum(best, current)
    return best


def _board_box(pixels: np.ndarray) -> tuple[int, int, int, int]:
    """The board's box: inside a black frame drawn round it in every picture (a plot's axes), else everything."""
    dark = (pixels.max(axis=-1) < 100).all(axis=0)  # dark in every frame: the frame lines, not live cells
    h, w = dark.shape
    rows = np.flatnonzero(_runs(dark) >= 0.3 * w)
    columns = np.flatnonzero(_runs(dark.T) >= 0.3 * h)
    if len(rows) >= 2 and len(columns) >= 2 and rows[-1] - rows[0] > 2 and columns[-1] - columns[0] > 2:
        (top, bottom), (left, right) = _inside(rows), _inside(columns)
        return top, left, bottom - top, right - left
    return 0, 0, h, w


def _inside(lines: np.ndarray) -> tuple[int, int]:
    """The first and last-plus-one pixel lines between the outermost frame lines (each maybe several thick)."""
    lines = set(int(i) for i in lines)
    first, last = min(lines) + 1, max(lines)
    while first in lines:
        first += 1
    while last - 1 in lines:
        last -= 1
    return first, last


#: Where the board may begin and end relative to the pixels found for it (a frame line is drawn over its edge).
_SHIFTS = (0.0, -0.5, 0.5, -1.0, 1.0, -1.5, 1.5)


def _cells_along(profile: np.ndarray, length: int) -> list[tuple[int, float, float]]:
    """The cell counts that account for every place the pictures change along a line, with the board's extent.

    ``profile`` holds one value per pixel line (a hash of the line across
    every frame).  Where two neighbouring lines differ a cell boundary must
    be: with ``n`` cells over ``[start, stop)`` the boundaries lie at
    ``start + k (stop - start) / n``, and a change is accounted for when it
    is within a pixel of one.  The board's extent may differ from the
    pixels found for it by a pixel and a half at either end.

    Returns:
        ``(n, start, stop)`` for each cell count that fits, fewest cells first.
    """
    changes = np.flatnonzero(profile[1:] != profile[:-1]) + 1
    fits = []
    for n in range(1, int(length / MIN_CELL) + 2):
        for a in _SHIFTS:
            for b in _SHIFTS:
                first, last = a, length + b
                boundaries = first + np.arange(1, n) * (last - first) / n
                if not len(changes) or (len(boundaries) and
                                        np.abs(changes[:, None] - boundaries[None]).min(axis=1).max() <= 1.0):
                    fits.append((n, first, last))
                    break
            else:
                continue
            break
    return fits


def _integer_grid(profile: np.ndarray, length: int) -> tuple[int, float, float] | None:
    """Cells of a whole number of pixels, from the first full cell (a screenshot's cut cells at its edges left out).

    The largest cell size for which every change along the line falls on a
    cell boundary, the boundaries offset from the picture's edge.
    """
    changes = np.flatnonzero(profile[1:] != profile[:-1]) + 1
    if not len(changes):
        return None
    for size in range(length, int(MIN_CELL) - 1, -1):
        offset = int(changes[0] % size)
        n = (length - offset) // size
        if n >= 2 and ((changes - offset) % size == 0).all():
            return n, float(offset), float(offset + n * size)
    return None


def _cell_of(length: int, n: int, first: float, last: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pixel's cell, which pixels lie on the board a pixel or more from a boundary, and each cell's middle."""
    x = np.arange(length) + 0.5
    size = (last - first) / n
    cell = np.clip(((x - first) / size).astype(np.int64), 0, n - 1)
    boundaries = first + np.arange(n + 1) * size
    inner = (np.abs(x[:, None] - boundaries[None]).min(axis=1) >= 1.0) & (x > first) & (x < last)
    middle = np.clip((first + (np.arange(n) + 0.5) * size).astype(np.int64), 0, length - 1)
    return cell, inner, middle


def _hash_lines(block: np.ndarray, axis: int) -> np.ndarray:
    """A number per pixel line along ``axis`` (1: rows, 2: columns) of ``(frames, h, w, 3)`` pixels."""
    moved = np.moveaxis(block, axis, 0).reshape(block.shape[axis], -1).astype(np.uint64)
    weights = (np.arange(moved.shape[1], dtype=np.uint64) * np.uint64(2654435761) + np.uint64(1))
    return (moved * weights).sum(axis=1)


def _draws(block: np.ndarray, row_fit: tuple, column_fit: tuple) -> np.ndarray | None:
    """The cells' colours when a grid draws the pictures back (but for pixels at cell boundaries), else None."""
    rows, top_edge, bottom_edge = row_fit
    columns, left_edge, right_edge = column_fit
    cy, inner_y, ys = _cell_of(block.shape[1], rows, top_edge, bottom_edge)
    cx, inner_x, xs = _cell_of(block.shape[2], columns, left_edge, right_edge)
    if (bottom_edge - top_edge) / rows < MIN_CELL or (right_edge - left_edge) / columns < MIN_CELL:
        return None  # a cell of three pixels has one pixel off its boundaries: the sample itself, nothing to check
    cells = block[:, ys][:, :, xs]
    wrong = (cells[:, cy][:, :, cx] != block).any(axis=-1)[:, inner_y][:, :, inner_x]
    return cells if np.mean(wrong) <= TOLERANCE else None


def _grid(pixels: np.ndarray, source: str) -> tuple[tuple[int, int, int, int], tuple[int, int], np.ndarray]:
    """The board's box, its cells, and the colour at each cell's middle: ``(frames, rows, columns, 3)``."""
    top, left, height, width = _board_box(pixels)
    block = pixels[:, top:top + height, left:left + width]
    if len(np.unique(block.reshape(-1, 3), axis=0)) < 2:
        raise InputError(f"{source}: the pictures show a single colour, no cells to read")
    framed = (top, left, height, width) != (0, 0, *pixels.shape[1:3])
    counts = []
    for axis, length in ((1, height), (2, width)):
        profile = _hash_lines(block, axis)
        whole = None if framed else _integer_grid(profile, length)
        fits = ([whole] if whole is not None else []) + _cells_along(profile, length)
        if not fits:
            raise InputError(f"{source}: no grid of cells explains the pictures' {'rows' if axis == 1 else 'columns'}"
                             " (not blocks of one colour per cell)")
        counts.append(fits)
    pairs = sorted(((r, c) for r in counts[0] for c in counts[1]), key=lambda pair: pair[0][0] * pair[1][0])
    for index, (row_fit, column_fit) in enumerate(pairs):
        cells = _draws(block, row_fit, column_fit)
        if cells is None:
            continue
        rows, columns = row_fit[0], column_fit[0]
        for r, c in pairs[index + 1:]:  # a grid that is not a refinement of this one and draws them too
            if r[0] <= 2 * rows and c[0] <= 2 * columns and (r[0] % rows or c[0] % columns) \
                    and _draws(block, r, c) is not None:
                raise InputError(f"{source}: the grid is ambiguous: {columns}x{rows} cells and {c[0]}x{r[0]} both "
                                 f"draw the pictures ({width / columns:.1f} pixels a cell; draw the cells larger)")
        return (top, left, height, width), (rows, columns), cells
    raise InputError(f"{source}: no grid of cells of {MIN_CELL:g} pixels or more draws the pictures back (rows fit "
                     f"{[c[0] for c in counts[0][:4]]}, columns {[c[0] for c in counts[1][:4]]}: not blocks of one "
                     "colour per cell)")


def _states(cells: np.ndarray, source: str) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The state of each cell from its colour: two colours (lighter dead), or lifelab's palette of states."""
    colours, index = np.unique(cells.reshape(-1, 3), axis=0, return_inverse=True)
    index = index.reshape(cells.shape[:-1])
    if len(colours) == 2:
        light = colours.astype(np.int64).sum(axis=1)
        order = np.argsort(-light)  # the lighter colour is dead
        states = np.argsort(order)[index]
        return states.astype(np.uint8), [tuple(int(v) for v in colours[i]) for i in order]
    from lifelab.plots import state_cmap  # only pictures of more than two colours need the palette

    for n in (len(colours), len(colours) + 1):  # every colour shown, or all but the one of a state nobody is in
        if not 3 <= n <= 256:
            continue
        palette = (np.asarray(state_cmap(n)(np.arange(n)))[:, :3] * 255).round().astype(np.int64)
        distance = np.abs(colours[:, None].astype(np.int64) - palette[None]).max(axis=-1)
        if (distance.min(axis=1) <= 6).all():
            mapped = distance.argmin(axis=1)
            return mapped[index].astype(np.uint8), [tuple(int(v) for v in palette[i]) for i in range(n)]
    raise InputError(f"{source}: the cells show {len(colours)} colours; lifelab reads two (the lighter one dead) "
                     "or its own palette of states, so which colour is which state is ambiguous")


def read_frames(path) -> tuple[np.ndarray, FrameGrid]:
    """Read a trajectory from pictures of it (an animated GIF, a folder of PNGs) or a folder of RLE files.

    Args:
        path: A ``.gif`` file or a folder of ``.png`` or ``.rle`` frames (read in name order).

    Returns:
        ``(trajectories, grid)``: a ``(1, frames, rows, columns)`` array of states (bool for two) and
        where the cells were found (:class:`FrameGrid`; for RLE frames, their size and states).

    Raises:
        InputError: For a missing file, a single frame, frames of different sizes, no grid or an
            ambiguous one, or colours that do not say which state they are; each names the file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder of frames")
    if path.is_dir() and not any(path.glob("*.png")):
        files = sorted(path.glob("*.rle"))
        if not files:
            raise InputError(f"{path}: a folder of frames holds .png or .rle files; this one holds neither")
        boards = [load_rle(f)[0] for f in files]
        if len({b.shape for b in boards}) > 1:
            raise InputError(f"{path}: the RLE frames differ in size ({sorted({b.shape for b in boards})}); an RLE "
                             "file keeps no position, so frames of different sizes cannot be lined up")
        traj = np.stack(boards)[None]
        states = max(2, int(traj.max(initial=0)) + 1)
        grid = FrameGrid(str(path), len(boards), (0, 0, *boards[0].shape), boards[0].shape, [DEAD_RGB, LIVE_RGB]
                         if states == 2 else [])
    else:
        pixels, source = _pictures(path)
        check_allocation(pixels.nbytes * 3, f"{path}: its {len(pixels)} frames")
        box, cells_shape, cells = _grid(pixels, source)
        states, colours = _states(cells, source)
        traj = states[None]
        grid = FrameGrid(source, len(pixels), box, cells_shape, colours)
    if traj.shape[1] < 2:
        raise InputError(f"{path}: one frame is no trajectory; a trajectory needs two or more")
    return (traj.astype(bool) if traj.max(initial=0) <= 1 else traj), grid
