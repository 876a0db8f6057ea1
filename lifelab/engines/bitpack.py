"""The bit-packed engine: a 2-state 3x3 rule compiled to bitwise logic on 64-bit words (numpy or torch).

Private: :func:`lifelab.engines.simulation.simulate` is the public way in.  A rule's
truth table is compiled into a straight-line program of AND/OR/XOR/NOT on
whole words (64 cells at a time, rows shifted as whole words), boards are
packed 64 cells a word, stepped and unpacked into the caller's history
array; :func:`simulate_packed` runs it with numpy (a second thread unpacks
while the first steps when there are two cores), :func:`simulate_torch` on a
torch device.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np
import torch

from lifelab.geometry import CELLS
from lifelab.rules import Rule
from lifelab.utils import get_device

__all__ = ["simulate_packed", "simulate_torch"]


# -- boolean circuits compiled from truth tables ---------------------------

_ZERO, _ONE = "0", "1"


@functools.lru_cache(maxsize=256)
def _compile(truth: bytes, n_inputs: int) -> tuple[tuple, int | str]:
    """Compile a truth table into a straight-line program of bitwise operations.

    ``truth`` holds one byte per input combination (0, 1, or 2 for "don't
    care"), with input 0 the most significant bit of the index.  The table is
    split on one input at a time (Shannon expansion); inputs the function does
    not depend on are skipped, shared sub-functions are computed once and
    constant branches fold away, so a Life-like rule costs a handful of
    operations per 64 cells.

    Returns:
        ``(ops, out)``: ops are ``(kind, dst, *args)`` over registers, where
        registers ``0..n_inputs-1`` are the inputs; ``out`` is a register or a
        constant ``"0"``/``"1"``.
    """
    table = np.frombuffer(truth, dtype=np.uint8)
    ops: list[tuple] = []
    emitted: dict[tuple, int] = {}
    nodes: dict[tuple, int | str] = {}

    def emit(kind, *args):
        key = (kind, *args)
        if key not in emitted:
            emitted[key] = n_inputs + len(ops)
            ops.append((kind, emitted[key], *args))
        return emitted[key]

    def mux(x, hi, lo):
        if hi == lo:
            return hi
        if (hi, lo) == (_ONE, _ZERO):
            return x
        if (hi, lo) == (_ZERO, _ONE):
            return emit("not", x)
        if hi == _ZERO:
            return emit("andnot", lo, x)
        if hi == _ONE:
            return emit("or", x, lo)
        if lo == _ZERO:
            return emit("and", x, hi)
        if lo == _ONE:
            return emit("ornot", hi, x)
        return emit("mux", x, hi, lo)

    def node(t: np.ndarray, var: int):
        key = (t.tobytes(), var)
        if key in nodes:
            return nodes[key]
        cares = t[t != 2]
        if cares.size == 0 or not cares.any():
            result = _ZERO
        elif cares.all():
            result = _ONE
        else:
            half = t.size // 2
            lo, hi = t[:half], t[half:]
            if np.all((lo == hi) | (lo == 2) | (hi == 2)):
                result = node(np.where(lo == 2, hi, lo), var + 1)
            else:
                result = mux(var, node(hi, var + 1), node(lo, var + 1))
        nodes[key] = result
        return result

    out = node(table, 0)
    return tuple(ops), out


def _run_program(ops, out, slots: dict, inputs: Sequence, bits: "_Bits"):
    """Evaluate a compiled program on packed words, register ``r`` in the scratch array ``slots[r]`` of ``bits``.

    The result is a scratch array too, overwritten by the next evaluation.
    """
    like = next(i for i in inputs if i is not None)
    regs = list(inputs) + [None] * len(ops)
    for kind, dst, *a in ops:
        regs[dst] = reg = bits(("register", slots[dst]), like)
        if kind == "mux":
            x, hi, lo = (regs[i] for i in a)
            bits.xor(hi, lo, out=reg)
            reg &= x
            reg ^= lo
        elif kind == "and":
            bits.and_(regs[a[0]], regs[a[1]], out=reg)
        elif kind == "or":
            bits.or_(regs[a[0]], regs[a[1]], out=reg)
        elif kind == "andnot":
            bits.not_(regs[a[1]], out=reg)
            reg &= regs[a[0]]
        elif kind == "ornot":
            bits.not_(regs[a[1]], out=reg)
            reg |= regs[a[0]]
        else:  # "not"
            bits.not_(regs[a[0]], out=reg)
    if out not in (_ZERO, _ONE) and out >= len(inputs):
        return regs[out]
    result = bits("result", like)
    if out in (_ZERO, _ONE):
        bits.xor(like, like, out=result)
        if out == _ONE:
            bits.not_(result, out=result)
    else:  # a rule that copies one input (a shift)
        bits.or_(regs[out], regs[out], out=result)
    return result


def _moore_count_truth(rule: Rule) -> bytes:
    """Truth table over (centre, t3, t2, t1, t0), t = live cells in the 3x3 window including the centre."""
    truth = np.full(32, 2, dtype=np.uint8)
    for total in range(10):
        if total <= 8:
            truth[total] = total in rule.birth
        if total >= 1:
            truth[16 + total] = (total - 1) in rule.survival
    return truth.tobytes()


def _lane(w: int) -> int:
    """Bits given to one board row in the packed words: 8, 16 or 32 (several boards share a word), else whole words."""
    return next((lane for lane in (8, 16, 32) if w <= lane), 64 * -(-w // 64))


def _per_word(lane: int) -> int:
    """Boards whose rows share one word, for rows in lanes of ``lane`` bits."""
    return max(1, 64 // lane)


def _word(value: int, like):
    """A 64-bit constant in the word type of ``like``: numpy uint64, or torch int64 (two's complement)."""
    if isinstance(like, np.ndarray):
        return np.uint64(value)
    return value - (1 << 64) if value >> 63 else value


class _Bits:
    """Bitwise operations on numpy uint64 or torch int64 words, and named scratch arrays for their results.

    Writing every result into a scratch array, a step allocates nothing:
    arrays of a hundred kilobytes or more are mapped and unmapped by the C
    library on each allocation once torch is loaded, thousands of times a
    run, which also stalls the thread that writes the history meanwhile.
    """

    def __init__(self, like):
        lib = np if isinstance(like, np.ndarray) else torch
        if lib is np:
            self.and_, self.or_, self.xor, self.not_ = np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.invert
            self.shl, self.shr = np.left_shift, np.right_shift
        else:
            self.and_, self.or_, self.xor = torch.bitwise_and, torch.bitwise_or, torch.bitwise_xor
            self.not_, self.shl, self.shr = torch.bitwise_not, torch.bitwise_left_shift, torch.bitwise_right_shift
        self.empty_like = lib.empty_like
        self.scratch = {}

    def __call__(self, name, like):
        """The scratch array called ``name``, shaped like ``like`` (made on first use)."""
        array = self.scratch.get(name)
        if array is None:
            array = self.scratch[name] = self.empty_like(like)
        return array


class _LaneShifter:
    """Periodic shifts by one cell when a word holds rows of ``64 // lane`` boards, ``w <= lane`` cells each.

    Bit ``i`` of lane ``j`` is cell ``i`` of the row of board ``j``; bits
    ``w..lane-1`` may hold anything, since no shift reads them into a cell.
    Torch's right shift of int64 words copies the sign bit, so every right
    shift is masked.
    """

    def __init__(self, w: int, lane: int, like):
        low = sum(1 << s for s in range(0, 64, lane))
        cells = low * ((1 << w) - 1)
        self.one, self.w1 = _word(1, like), _word(w - 1, like)
        self.low, self.top = _word(low, like), _word(low << (w - 1), like)
        self.keep_west, self.keep_east = _word(cells & ~low, like), _word(cells & ~(low << (w - 1)), like)

    def west(self, x, bits: _Bits):
        """Each cell gets the value of its western neighbour (column x - 1)."""
        y, wrap = bits.shl(x, self.one, out=bits("west", x)), bits.shr(x, self.w1, out=bits("wrap", x))
        y &= self.keep_west
        wrap &= self.low
        y |= wrap
        return y

    def east(self, x, bits: _Bits):
        """Each cell gets the value of its eastern neighbour (column x + 1)."""
        y, wrap = bits.shr(x, self.one, out=bits("east", x)), bits.shl(x, self.w1, out=bits("wrap", x))
        y &= self.keep_east
        wrap &= self.top
        y |= wrap
        return y

    def clean(self, x) -> None:
        """Nothing to clear: the bits past a row's last cell are never read."""


class _RowShifter:
    """Periodic shifts by one cell along rows of ``w > 64`` cells packed into ``ceil(w / 64)`` words."""

    def __init__(self, w: int, like):
        self.top = _word((w - 1) % 64, like)
        self.mask = _word((1 << (w % 64)) - 1, like) if w % 64 else None
        self.one, self.s63, self.low63 = _word(1, like), _word(63, like), _word((1 << 63) - 1, like)

    def west(self, x, bits: _Bits):
        """Each cell gets the value of its western neighbour (column x - 1)."""
        y = bits.shl(x, self.one, out=bits("west", x))
        carry = bits.shr(x[..., :-1], self.s63, out=bits("shift carry", x[..., 1:]))
        edge = bits("shift edge", x[..., -1])
        carry &= self.one
        y[..., 1:] |= carry
        bits.shr(x[..., -1], self.top, out=edge)
        edge &= self.one
        y[..., 0] |= edge
        return y

    def east(self, x, bits: _Bits):
        """Each cell gets the value of its eastern neighbour (column x + 1)."""
        y = bits.shr(x, self.one, out=bits("east", x))
        y &= self.low63
        carry = bits.shl(x[..., 1:], self.s63, out=bits("shift carry", x[..., 1:]))
        edge = bits("shift edge", x[..., -1])
        y[..., :-1] |= carry
        bits.and_(x[..., 0], self.one, out=edge)
        edge <<= self.top
        y[..., -1] |= edge
        return y

    def clean(self, x) -> None:
        """Clear the bits past the row's last cell, which :meth:`east` would read."""
        if self.mask is not None:
            x[..., -1] &= self.mask


def _shifter(w: int, lane: int, like):
    """The shifts for rows of ``w`` cells in lanes of ``lane`` bits, in the word type of ``like``."""
    return _LaneShifter(w, lane, like) if lane <= 64 else _RowShifter(w, like)


class _BoardShifter:
    """Periodic shifts by one cell along a row when boards are bit-sliced (see :func:`_pack_sliced`).

    A row of ``w`` cells is ``w`` groups of ``k`` words; the cell to the west
    is the group before, so a shift moves whole words, and no bit moves.
    """

    def __init__(self, k: int):
        self.k = k

    def west(self, x: np.ndarray, bits: _Bits) -> np.ndarray:
        """Each cell gets the value of its western neighbour (column x - 1)."""
        y = bits("west", x)
        y[..., self.k :], y[..., : self.k] = x[..., : -self.k], x[..., -self.k :]
        return y

    def east(self, x: np.ndarray, bits: _Bits) -> np.ndarray:
        """Each cell gets the value of its eastern neighbour (column x + 1)."""
        y = bits("east", x)
        y[..., : -self.k], y[..., -self.k :] = x[..., self.k :], x[..., : self.k]
        return y

    def clean(self, x) -> None:
        """Nothing to clear: every bit is a cell of some board (padding boards are boards too)."""


def _pack(boards: np.ndarray, lane: int) -> np.ndarray:
    """(n, h, w) bool -> (h, groups, K) uint64: row y of board ``per_word * j + i`` is lane i of word row (y, j).

    Rows come first so that a cell's neighbours above and below are whole
    contiguous slices, which numpy runs about three times faster than slices
    strided board by board.
    """
    n, h, w = boards.shape
    per_word = _per_word(lane)
    groups = -(-n // per_word)
    padded = np.zeros((h, groups * per_word, lane), dtype=bool)
    padded[:, :n, :w] = boards.transpose(1, 0, 2)
    return np.packbits(padded.reshape(h, groups, per_word * lane), axis=-1, bitorder="little").view("<u8")


def _pack_sliced(boards: np.ndarray) -> tuple[np.ndarray, int]:
    """(n, h, w) bool -> ((h, 1, w * K) uint64, K), bit-sliced: bit b of word j of a cell is board 64 j + b."""
    n, h, w = boards.shape
    k = -(-n // 64)
    padded = np.zeros((h, w, k * 64), dtype=bool)
    padded[..., :n] = boards.transpose(1, 2, 0)
    return np.packbits(padded, axis=-1, bitorder="little").view("<u8").reshape(h, 1, w * k), k


_BYTE_CELLS = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little").astype(bool)
_BYTE_WORDS = _BYTE_CELLS.view(np.uint64).ravel()  # a byte's 8 cells as one word, for numpy's table lookup
_BLOCK = 1 << 20  # table lookups per call: their indices and cells fit in scratch arrays that stay mapped


def _unpack(words: np.ndarray, lane: int, w: int, out: np.ndarray, scratch: np.ndarray) -> None:
    """Packed words (groups, frames, h, K), board-major, -> ``out`` (boards, frames, h, w).

    One table lookup gives 8 cells.  When a row fills its lane exactly
    (``w`` of 8, 16, 32 or a multiple of 64) the lookups land in ``out``
    directly; otherwise each block's cells go to ``scratch`` and their first
    ``w`` are copied.  Blocks are runs of whole groups of boards, or runs of
    frames of one board when a group's history is larger than a block.
    ``scratch`` is ``(2, m)`` int64, ``m`` at least ``_BLOCK`` and one frame of one
    board: the block's indices, then its cells.
    """
    groups, frames, h = words.shape[:3]
    per_word, per_lane = _per_word(lane), lane // 8
    if per_word > 1:
        # put each board's lanes together first: moving whole lanes is cheaper than gathering their bytes below
        words = np.ascontiguousarray(
            words.view(f"<u{per_lane}").reshape(groups, frames, h, per_word).transpose(0, 3, 1, 2)
        )
    index = words.view(np.uint8).reshape(groups, per_word, frames, h, per_lane)
    n = out.shape[0]
    full = n // per_word  # groups whose every lane is a board of out
    group_step = _BLOCK // index[0].size if out.flags.c_contiguous else 0
    if group_step:
        for g in range(0, full, group_step):
            end = min(g + group_step, full)
            _lookup(
                index[g:end], out[g * per_word : end * per_word].reshape(end - g, per_word, frames, h, w), w, scratch
            )
    frame_step = max(1, _BLOCK // (h * per_lane))
    for b in range(full * per_word if group_step else 0, n):
        g, j = divmod(b, per_word)
        for f in range(0, frames, frame_step):
            _lookup(index[g, j, f : f + frame_step], out[b, f : f + frame_step], w, scratch)


def _lookup(index: np.ndarray, dest: np.ndarray, w: int, scratch: np.ndarray) -> None:
    """``dest`` (..., w) <- the cells of the bytes ``index`` (..., lane / 8), through ``_BYTE_WORDS``."""
    # numpy would convert the byte indices into a new int64 array on every call; converted here, into
    # scratch, the memory is mapped once
    where = scratch[0, : index.size].reshape(index.shape)
    np.copyto(where, index, casting="unsafe")
    if dest.shape[-1] == 8 * index.shape[-1]:
        np.take(_BYTE_WORDS, where, out=dest.view(np.uint64), mode="clip")
    else:
        cells = np.take(
            _BYTE_WORDS, where, out=scratch[1, : index.size].reshape(index.shape).view(np.uint64), mode="clip"
        )
        dest[...] = cells.view(bool)[..., :w]


def _unpack_sliced(history: np.ndarray, n: int, w: int, k: int, out: np.ndarray) -> None:
    """(frames, h, 1, w * K) bit-sliced words -> ``out`` (n, frames, h, w)."""
    frames, h = history.shape[:2]
    for f in range(frames):
        cells = np.unpackbits(history[f].reshape(h, w, k).view(np.uint8), axis=-1, count=n, bitorder="little")
        out[:, f] = cells.view(bool).transpose(2, 0, 1)


def _layout(n: int, w: int, frames: int, steps: int) -> str:
    """``"rows"`` (rows packed into lanes of words) or ``"boards"`` (bit-sliced, one bit per board).

    A row takes a lane of 8, 16 or 32 bits or whole words, so 4096 rows of
    16 cells fill their words as well as 4096 bit-sliced boards do; but
    bit-sliced boards must be transposed bit by bit on the way out, which
    costs about as much as stepping, so they are used only when they fill
    the words better and at most a quarter of the history is kept.
    """
    lane = _lane(w)
    per_word = _per_word(lane)
    row_fill = w / lane * n / (per_word * max(1, -(-n // per_word)))
    board_fill = n / (64 * max(1, -(-n // 64)))
    return "boards" if board_fill > row_fill and 4 * frames <= steps + 1 else "rows"


@functools.lru_cache(maxsize=4096)  # a sweep's batch of rules, each stepped every round
def _circuit(rule: Rule) -> tuple[tuple, int | str, dict[int, int], bool, bool]:
    """``(ops, out, slots, moore, needs_eights)``: the compiled program, the scratch slot of each of its
    registers, whether its inputs are the Moore totals, and whether it reads the totals' eights bit
    (Life-like rules that never tell 0 from 8 or 1 from 9 do not)."""
    moore = rule.is_totalistic and rule.neighbourhood == "moore"
    truth = _moore_count_truth(rule) if moore else rule.table.astype(np.uint8).tobytes()
    n_inputs = 5 if moore else CELLS
    ops, out = _compile(truth, n_inputs)
    return ops, out, _slots(ops, out, n_inputs), moore, moore and (out == 1 or any(1 in op[2:] for op in ops))


def _slots(ops: tuple, out: int | str, n_inputs: int) -> dict[int, int]:
    """Register -> scratch slot, a slot reused once its register is read for the last time.

    Fewer scratch arrays keep a step's working set in the CPU's cache.
    """
    last = {r: i for i, (_, _, *args) in enumerate(ops) for r in args if r >= n_inputs}
    slots: dict[int, int] = {}
    free: list[int] = []
    for i, (_, dst, *args) in enumerate(ops):
        slots[dst] = free.pop() if free else len(slots)
        dead = {r for r in args if r >= n_inputs and last[r] == i} | ({dst} if dst not in last else set())
        free += [slots[r] for r in dead if r != out]
    return slots


def _step_words(x, rows, shifter, circuit, bits: _Bits):
    """One step of a 2-state 3x3 rule on packed words ``x`` of shape (h, groups, K), numpy or torch.

    ``rows`` is scratch for the h + 2 rows with the torus wrapped above and
    below.  The result is a scratch array of ``bits``, overwritten by the next step.
    """
    h = x.shape[0]
    rows[1:-1] = x
    rows[0] = x[-1]
    rows[-1] = x[0]
    west, east = shifter.west(rows, bits), shifter.east(rows, bits)
    above, same, below = slice(0, h), slice(1, h + 1), slice(2, h + 2)
    ops, out, slots, moore, needs_eights = circuit
    if moore:
        # Live cells in each row's 3-cell window, as two bit planes s1 s0 (each buffer reused once read)...
        xor, and_ = bits.xor, bits.and_
        we = xor(west, rows, out=bits("wrap", rows))
        s0 = xor(we, east, out=bits("s0", rows))
        s1 = west
        s1 &= rows
        east &= we
        s1 |= east
        # ...then summed over the three rows into a 4-bit total t3 t2 t1 t0.
        a0, b0, c0 = s0[above], s0[same], s0[below]
        a1, b1, c1 = s1[above], s1[same], s1[below]
        ab = xor(a0, b0, out=bits("ab", a0))
        t0, carry = xor(ab, c0, out=bits("t0", a0)), and_(a0, b0, out=bits("carry", a0))
        ab &= c0
        carry |= ab
        xor(a1, b1, out=ab)
        u, m = xor(ab, c1, out=bits("u", a0)), and_(a1, b1, out=bits("m", a0))
        ab &= c1
        m |= ab
        t1 = xor(u, carry, out=bits("t1", a0))
        carry2 = u
        carry2 &= carry
        t2 = xor(m, carry2, out=bits("t2", a0))
        if needs_eights:
            m &= carry2
        inputs: tuple[np.ndarray | torch.Tensor | None, ...] = (rows[same], m if needs_eights else None, t2, t1, t0)
    else:
        inputs = (
            west[above],
            rows[above],
            east[above],
            west[same],
            rows[same],
            east[same],
            west[below],
            rows[below],
            east[below],
        )
    x = _run_program(ops, out, slots, inputs, bits)
    shifter.clean(x)
    return x


def _kept_words(x, shifter, circuit, steps: int, every: int):
    """Yield the packed words of steps 0, every, 2 every, ..., steps (numpy or torch).

    Each yielded array is valid until the next one is asked for.
    """
    bits = _Bits(x)
    shape = (x.shape[0] + 2, *x.shape[1:])
    rows = np.empty(shape, dtype=x.dtype) if isinstance(x, np.ndarray) else x.new_empty(shape)
    yield x
    for t in range(1, steps + 1):
        x = _step_words(x, rows, shifter, circuit, bits)
        if t % every == 0:
            yield x


class _Unpacker:
    """Runs :func:`_unpack` calls on a second core, if the process may use one, while the caller steps on.

    ``frame`` is the number of table lookups of one frame of one board, the smallest block.

    numpy's table lookup releases the GIL, so writing the bytes of the
    history overlaps the stepping; the cells are the same either way.
    """

    def __init__(self, frame: int):
        self.frame = frame

    def __enter__(self):
        self.pool = ThreadPoolExecutor(1) if len(os.sched_getaffinity(0)) > 1 else None
        self.pending = []
        self.scratch = np.empty((2, max(_BLOCK, self.frame)), dtype=np.int64)
        return self

    def __call__(self, words: np.ndarray, lane: int, w: int, out: np.ndarray) -> None:
        if self.pool is None:
            _unpack(words, lane, w, out, self.scratch)
        else:
            self.pending.append(self.pool.submit(_unpack, words, lane, w, out, self.scratch))

    def __exit__(self, *exc) -> None:
        if self.pool is None:
            return
        self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
        if exc[0] is None:
            for future in self.pending:
                future.result()  # raises what an unpack raised


def simulate_packed(
    rule: Rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray, layout: str | None = None
) -> np.ndarray:
    """The bit-packed engine: ``out`` (n, frames, h, w) filled from a batch of 2-state boards.

    Rows packed into lanes are stepped in up to four runs of boards (or, for
    one word's worth of boards, in runs of frames), each unpacked into
    ``out`` on the second core while the next one steps.
    """
    n, h, w = boards.shape
    frames = out.shape[1]
    if n == 0:
        return out
    circuit = _circuit(rule)
    if (_layout(n, w, frames, steps) if layout is None else layout) == "boards":
        x, k = _pack_sliced(boards)
        history = np.empty((frames, *x.shape), dtype=np.uint64)
        for f, words in enumerate(_kept_words(x, _BoardShifter(k), circuit, steps, every)):
            history[f] = words
        _unpack_sliced(history, n, w, k, out)
        return out
    lane = _lane(w)
    per_word = _per_word(lane)
    x = _pack(boards, lane)
    shifter = _shifter(w, lane, x)
    groups = x.shape[1]
    # Fault in the result's pages here, one write per page: the second core's writes then do not
    # contend with this thread's allocations for the address space, which made them several times slower.
    out.reshape(-1)[::4096] = False
    # With little history to write, one run of all boards steps fastest (numpy's overhead per call
    # is paid once per step); with more, quarters of the batch or of the frames overlap the writing.
    pipelined = frames >= 8
    parts = np.array_split(np.arange(groups), min(4, groups) if pipelined else 1)
    chunk = -(-frames // 4) if pipelined and len(parts) == 1 else frames
    with _Unpacker(frame=h * lane // 8) as unpack:
        for part in parts:
            g0, g1 = part[0], part[-1] + 1
            history = np.empty((g1 - g0, frames, h, x.shape[2]), dtype=np.uint64)
            first = 0
            for f, words in enumerate(_kept_words(np.ascontiguousarray(x[:, g0:g1]), shifter, circuit, steps, every)):
                history[:, f] = words.transpose(1, 0, 2)
                if f + 1 - first == chunk or f + 1 == frames:
                    unpack(history[:, first : f + 1], lane, w, out[g0 * per_word : g1 * per_word, first : f + 1])
                    first = f + 1
    return out


def simulate_torch(rule: Rule, boards: np.ndarray, steps: int, device, every: int, out: np.ndarray) -> np.ndarray:
    """The packed engine's words and circuit in torch (int64 words) on ``device``: the CUDA path."""
    device = get_device(device)
    n, h, w = boards.shape
    if n == 0:
        return out
    lane = _lane(w)
    with torch.inference_mode():
        x = torch.from_numpy(_pack(boards, lane).view(np.int64)).to(device)
        shifter = _shifter(w, lane, x)
        byte_cells = torch.from_numpy(_BYTE_CELLS).to(device)
        history = torch.empty(out.shape, dtype=torch.bool, device=device)
        for f, words in enumerate(_kept_words(x, shifter, _circuit(rule), steps, every)):
            cells = byte_cells[words.view(torch.uint8).long()]  # (h, groups, 8 K, 8): a byte's 8 cells
            history[:, f] = cells.reshape(h, -1, lane)[:, :n, :w].permute(1, 0, 2)
        out[...] = history.cpu().numpy()
    return out
