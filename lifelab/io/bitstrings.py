"""Frames kept as strings of bits in a CSV file, as LifeGPT's data are.

LifeGPT (arXiv 2409.12182; its data in ``lamm-mit/LifeGPT``) keeps each trajectory as one row of a CSV file:
a header ``State 1,State 2,...`` and, per row, one frame a column, each frame a string of ``side * side``
characters ``0`` (dead) and ``1`` (alive), row by row from the top.  :func:`read_bitstrings` reads such a file
into trajectories: the characters' meaning is the file's own (``1`` is alive), not a reading of colours; the
board's side is given, or the square root of the frame's length (stated).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from lifelab.errors import InputError
from lifelab.utils import check_allocation, check_int

__all__ = ["MAX_CSV_BYTES", "read_bitstrings"]

#: The largest CSV file of bit strings read (LifeGPT's largest test file is 2.6 MB, its training files 103 MB).
MAX_CSV_BYTES = 1 << 30


def read_bitstrings(path, side: int | None = None) -> tuple[np.ndarray, str]:
    """Read a CSV of bit-string frames into ``(rows, frames, side, side)`` bool trajectories.

    Args:
        path: The ``.csv`` file: a header line, then one trajectory a row, one frame a cell, each frame a string
            of ``0`` and ``1`` (alive), row by row.
        side: The board's side; default the square root of a frame's length, which must then be a square.

    Returns:
        ``(trajectories, reading)``: the reading says how the file was read (the board's side and where it
        came from), to state beside a verdict.

    Raises:
        InputError: For a missing or oversized file, no rows, a row of another length, a frame with a character
            other than 0 and 1 or of another length, or a side that does not fit the frames.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "frames.csv"
        >>> _ = path.write_text("State 1,State 2\\n0110,1001\\n")
        >>> boards, reading = read_bitstrings(path)
        >>> boards.shape, boards[0, 1].astype(int).tolist()
        ((1, 2, 2, 2), [[1, 0], [0, 1]])
        >>> reading
        "1 trajectory of 2 frames of 2x2 cells ('1' alive, row by row), side from the frame length 4"
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise InputError(f"{path}: {size:,} bytes, more than a CSV of frames lifelab reads ({MAX_CSV_BYTES:,})")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="ascii", errors="replace"))))
    rows = [row for row in rows if row]
    if len(rows) < 2:
        raise InputError(f"{path}: a header line and one trajectory a row are needed, found {len(rows)} lines")
    header, body = rows[0], rows[1:]
    frames = len(header)
    length = len(body[0][0].strip())
    if side is None:
        side = math.isqrt(length)
        if side * side != length or side == 0:
            raise InputError(f"{path}: a frame of {length} characters is no square board; state its side")
        origin = f"side from the frame length {length}"
    else:
        side = check_int("side", side, 1)
        if length % side:
            raise InputError(f"{path}: a frame of {length} characters is not rows of {side} cells")
        origin = "side given"
    height = length // side
    check_allocation(len(body) * frames * length, f"{path}: {len(body)} trajectories of {frames} frames")
    out = np.empty((len(body), frames, height, side), bool)
    for r, row in enumerate(body, start=2):
        if len(row) != frames:
            raise InputError(f"{path}: line {r} has {len(row)} frames, the header {frames}")
        for f, cell in enumerate(row):
            text = cell.strip()
            if len(text) != length:
                raise InputError(f"{path}: line {r}, frame {f + 1} has {len(text)} characters, not {length}")
            bits = np.frombuffer(text.encode("ascii", errors="replace"), np.uint8) - ord("0")
            if (bits > 1).any():
                raise InputError(f"{path}: line {r}, frame {f + 1} holds a character other than 0 and 1")
            out[r - 2, f] = bits.reshape(height, side).astype(bool)
    shape = f"{side}x{height}" if height != side else f"{side}x{side}"
    count = f"{len(body)} trajector{'y' if len(body) == 1 else 'ies'}"
    return out, f"{count} of {frames} frames of {shape} cells ('1' alive, row by row), {origin}"
