"""Patterns in and out: Golly's run-length encoded (RLE) format, 2-state and multi-state.

An RLE file has ``#`` comment lines, a header ``x = width, y = height,
rule = ...`` and a body of runs: ``b``/``o`` (dead/live) for 2-state
patterns, ``.``/``A``..``X`` (0/1..24) and ``pA``..``yO`` (25..255) for
multi-state ones, ``$`` for the end of a row, ``!`` for the end.  Patterns
from LifeWiki or Golly read into arrays (and :func:`place` puts them on a
board); boards write back for Golly, with the rule in the header.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from lifelab.errors import InputError, InputFileNotFoundError
from lifelab.utils import MAX_CELLS, atomic_path, check_allocation, check_int

__all__ = ["load_rle", "place", "read_rle", "rle_position", "save_rle", "write_rle"]

_HEADER = re.compile(
    r"x\s*=\s*([0-9]{1,18})\s*,\s*y\s*=\s*([0-9]{1,18})(?:\s*,\s*rule\s*=\s*(\S+))?\s*$", re.IGNORECASE
)
_LINE_WIDTH = 70
#: The largest RLE file read (Golly's largest is a few MB).
MAX_FILE = 256 * 2**20


def _state_of(token: str) -> int | None:
    """The state an RLE cell token stands for (None: not a cell token)."""
    if token in "b.":
        return 0
    if token == "o":
        return 1
    if len(token) == 1 and "A" <= token <= "X":
        return ord(token) - ord("A") + 1
    if len(token) == 2 and "p" <= token[0] <= "y" and "A" <= token[1] <= "X":
        state = 24 * (ord(token[0]) - ord("p") + 1) + ord(token[1]) - ord("A") + 1
        return state if state <= 255 else None
    return None


def _token(state: int, multistate: bool) -> str:
    if not multistate:
        return "o" if state else "b"
    if state == 0:
        return "."
    if state <= 24:
        return chr(ord("A") + state - 1)
    high, low = divmod(state - 25, 24)
    return chr(ord("p") + high) + chr(ord("A") + low)


def read_rle(text: str, name: str = "RLE") -> tuple[np.ndarray, str | None]:
    """Read a pattern from RLE text.

    Args:
        text: The RLE text.
        name: What to call it in error messages (e.g. a file name).

    Returns:
        ``(pattern, rule)``: the ``(height, width)`` pattern (bool when it only
        uses states 0 and 1, uint8 otherwise) and the header's rule (None if it has none).

    Raises:
        InputError: For a missing or malformed header, a size larger than the
            machine's free memory, a cell outside the stated size, an unknown
            cell token, or a body without its final ``!``.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise InputError(f"{name}: no header line 'x = .., y = ..'")
    header = _HEADER.match(lines[0])
    if header is None:
        raise InputError(f"{name}: malformed header {lines[0]!r}; expected 'x = width, y = height[, rule = ...]'")
    width, height, rule = int(header[1]), int(header[2]), header[3]
    if width * height > MAX_CELLS:
        raise InputError(
            f"{name}: a pattern of {width}x{height} cells (header 'x = {width}, y = {height}'), more "
            f"than lifelab holds ({MAX_CELLS:,} cells)"
        )
    body = "".join(lines[1:])
    if "!" not in body:
        raise InputError(f"{name}: the pattern ends without '!' (truncated?)")
    body = body[: body.index("!")]
    check_allocation(width * height, f"{name}: its {width}x{height} pattern (header 'x = {width}, y = {height}')")
    pattern = np.zeros((height, width), dtype=np.uint8)
    y = x = 0
    for run, token in re.findall(r"([0-9]*)([p-y]?[A-Za-z.$]|.)", body):
        if len(run) > 9:  # no pattern a machine holds has a run of a billion cells
            raise InputError(f"{name}: a run count of {len(run)} digits in the pattern")
        count = int(run) if run else 1
        if token == "$":
            y, x = y + count, 0
            continue
        state = _state_of(token)
        if state is None:
            raise InputError(f"{name}: unknown cell token {token!r} in the pattern")
        if state and (y >= height or x + count > width):
            raise InputError(
                f"{name}: a cell at row {y}, columns {x}-{x + count - 1} lies outside the "
                f"{width}x{height} the header states"
            )
        if state:
            pattern[y, x : x + count] = state
        x += count
    return (pattern.astype(bool) if pattern.max(initial=0) <= 1 else pattern), rule


def rle_position(text: str) -> tuple[int, int] | None:
    """The position Golly's extended RLE gives a pattern (``#CXRLE Pos=x,y``: its top-left cell), or None.

    Golly's coordinates put cell (0, 0) at the centre of a bounded grid:
    on a ``w`` x ``h`` grid, column ``x`` is board column ``x + w // 2``.
    """
    match = re.search(r"^#CXRLE.*\bPos=(-?[0-9]{1,18}),(-?[0-9]{1,18})", text, re.MULTILINE)
    return None if match is None else (int(match[1]), int(match[2]))


def write_rle(board, rule=None) -> str:
    """A board (or pattern) as RLE text, with the rule in the header.

    Args:
        board: ``(height, width)`` array of states 0-255 (bool or 0/1 for 2-state).
        rule: The rule (any type, or a rulestring), written as ``rule = ...``; None for no rule.

    Returns:
        The RLE text (2-state ``b``/``o`` when the board has only states 0 and 1, else multi-state).
    """
    board = np.asarray(board)
    if board.ndim != 2:
        raise InputError(f"a board to write is 2-D, got shape {board.shape}")
    states = board.astype(np.int64)
    if states.min(initial=0) < 0 or states.max(initial=0) > 255:
        raise InputError("RLE holds states 0-255")
    multistate = bool(states.max(initial=0) > 1) or (rule is not None and getattr(rule, "states", 2) > 2)
    height, width = states.shape
    header = f"x = {width}, y = {height}" + (f", rule = {rule}" if rule is not None else "")
    rows = []
    for row in states:
        live = np.flatnonzero(row)
        runs, x = [], 0
        end = live[-1] + 1 if len(live) else 0
        while x < end:
            value = row[x]
            length = 1
            while x + length < end and row[x + length] == value:
                length += 1
            runs.append((f"{length}" if length > 1 else "") + _token(int(value), multistate))
            x += length
        rows.append(runs)
    tokens, pending = [], 0  # row ends owed before the next non-empty row (the first row needs none)
    for runs in rows:
        if runs:
            if pending:
                tokens.append(f"{pending if pending > 1 else ''}$")
            tokens += runs
            pending = 0
        pending += 1
    tokens.append("!")
    wrapped = [""]  # lines break between runs, never inside one (Golly 4 refuses a count split from its state)
    for token in tokens:
        if wrapped[-1] and len(wrapped[-1]) + len(token) > _LINE_WIDTH:
            wrapped.append("")
        wrapped[-1] += token
    return header + "\n" + "\n".join(wrapped) + "\n"


def load_rle(path) -> tuple[np.ndarray, str | None]:
    """Read an RLE file (see :func:`read_rle`); errors name the file."""
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such RLE file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file (a device, a pipe or a socket is not read)")
    if path.stat().st_size > MAX_FILE:
        raise InputError(f"{path}: {path.stat().st_size:,} bytes, more than an RLE file lifelab reads ({MAX_FILE:,})")
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable RLE text file ({exc})") from None
    return read_rle(text, name=str(path))


def save_rle(path, board, rule=None) -> Path:
    """Write a board as an RLE file, atomically (see :func:`write_rle`)."""
    path = Path(path)
    text = write_rle(board, rule)
    with atomic_path(path) as tmp:
        tmp.write_text(text)
    return path


def place(pattern, shape: tuple[int, int], at: tuple[int, int] = (0, 0)) -> np.ndarray:
    """Put a pattern on an empty board of ``shape`` with its top-left corner at ``at`` (row, column), wrapping.

    Returns:
        The board, of the pattern's dtype.
    """
    pattern = np.asarray(pattern)
    h, w = (check_int("board height", shape[0], 1), check_int("board width", shape[1], 1))
    if pattern.shape[0] > h or pattern.shape[1] > w:
        raise InputError(f"a {pattern.shape[1]}x{pattern.shape[0]} pattern does not fit a {w}x{h} board")
    board = np.zeros((h, w), dtype=pattern.dtype)
    rows = (np.arange(pattern.shape[0]) + at[0]) % h
    cols = (np.arange(pattern.shape[1]) + at[1]) % w
    board[np.ix_(rows, cols)] = pattern
    return board
