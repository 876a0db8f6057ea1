"""The compiled engines: every rule type stepped by numba-compiled loops, on every core the process may use.

Private: :func:`lifelab.engines.simulation.simulate` is the public way in, and the
numpy engines (:mod:`lifelab.engines.bitpack`, each rule type's own ``step``) stay as
the reference these are tested against cell for cell.

* 2-state 3x3 rules (:class:`~lifelab.rules.lifelike.Rule`, any table) step bit-packed
  rows, 64 cells a word: the same boolean program that :mod:`lifelab.engines.bitpack`
  compiles from the truth table, interpreted here on blocks of rows that stay
  in the core's cache, each block's inputs (the nine shifted rows, or for
  outer-totalistic Moore rules the bit planes of the 3x3 total, summed by a
  fused adder) computed in one pass.
* Generations rules (3x3, any table) step bit-parallel too: the live cells
  through the same program, the dying cells' counts in bit planes beside
  them, counted up by a ripple carry a word at a time.
* Larger than Life rules step one byte a cell from running sums: a box's
  count costs O(1) a cell whatever the range (a running column sum down the
  board, a running row sum across it); a diamond's or a disc's costs two
  reads per row of the neighbourhood from per-row prefix sums (O(r)).
* HROT rules (any of Golly 4's neighbourhoods, weights and state weights
  included) step from the same per-row prefix sums of each cell's value:
  two reads per run of equal weights in a row of the neighbourhood.

numba compiles each function on its first call in a process and caches the
machine code next to this file (``cache=True``), so that later processes
load it in well under a second.  The work is split over rows (``prange``)
on as many threads as the process's CPU affinity allows; the results are
integers, the same whatever the number of threads.
"""

from __future__ import annotations

import functools

import numba as nb
import numpy as np

from lifelab.engines.bitpack import _circuit
from lifelab.geometry import weight_runs
from lifelab.utils import compiled_threads

__all__ = ["pack_rows", "run_bits", "run_generations", "run_hrot", "run_ltl", "unpack_rows"]


_ONE, _S63 = np.uint64(1), np.uint64(63)
_BLOCK_WORDS = 512  # words of one block of rows: the block's registers stay in the core's cache
_KINDS = {"mux": 0, "and": 1, "or": 2, "andnot": 3, "ornot": 4, "not": 5}


# -- packing ------------------------------------------------------------------


@nb.njit(parallel=True, cache=True, nogil=True)
def _pack(cells, words):
    rows, w = cells.shape
    for row in nb.prange(rows):
        line, out = cells[row], words[row]
        for j in range(out.shape[0]):
            word = np.uint64(0)
            for k in range(min(64, w - 64 * j)):
                word |= np.uint64(line[64 * j + k]) << np.uint64(k)
            out[j] = word


def pack_rows(boards: np.ndarray) -> np.ndarray:
    """(n, h, w) bool -> (n, h, ceil(w / 64)) uint64: cell ``x`` of a row is bit ``x % 64`` of word ``x // 64``."""
    n, h, w = boards.shape
    words = np.empty((n * h, -(-w // 64)), dtype=np.uint64)
    with compiled_threads():
        _pack(np.ascontiguousarray(boards, dtype=bool).reshape(n * h, w).view(np.uint8), words)
    return words.reshape(n, h, words.shape[1])


@nb.njit(parallel=True, cache=True, nogil=True)
def _unpack(words, w, out):
    n, frames, h, nw = words.shape
    for job in nb.prange(n * frames):
        b, f = job // frames, job % frames
        for y in range(h):
            row, cells = words[b, f, y], out[b, f, y]
            for x in range(w):
                cells[x] = (row[x >> 6] >> np.uint64(x & 63)) & _ONE


def unpack_rows(words: np.ndarray, w: int, out: np.ndarray) -> np.ndarray:
    """Packed words (n, frames, h, nw) -> ``out`` (n, frames, h, w) bool, on every core."""
    with compiled_threads():
        _unpack(words, w, out.view(np.uint8))
    return out


# -- 3x3 rules, bit-packed (and Generations' dying counts in planes beside them) ------


@functools.lru_cache(maxsize=4096)  # a sweep steps every rule of its batch (and each one's reading) every round
def _program(rule) -> tuple[np.ndarray, int, int, bool]:
    """A rule's :mod:`lifelab.engines.bitpack` circuit as an int64 array of ``(kind, dst, a, b, c)`` over scratch slots.

    Returns ``(program, out, n_slots, moore)``: ``out`` is the slot of the
    result, or -1 / -2 for a constant 0 / 1; inputs take the first slots;
    ``moore`` whether the inputs are the bit planes of the Moore total.
    """
    ops, out, slots, moore, _ = _circuit(rule)
    n_inputs = 5 if moore else 9
    slot = {r: r for r in range(n_inputs)} | {r: n_inputs + s for r, s in slots.items()}
    program = np.zeros((len(ops), 5), dtype=np.int64)
    for i, (kind, dst, *args) in enumerate(ops):
        program[i, : 2 + len(args)] = [_KINDS[kind], slot[dst], *(slot[a] for a in args)]
    result = {"0": -1, "1": -2}[out] if isinstance(out, str) else slot[out]  # a constant, or a register's slot
    return program, result, n_inputs + max(slots.values(), default=-1) + 1, moore


@nb.njit(cache=True, nogil=True)
def _block_inputs(x, b, r0, r1, regs, halo, moore, top):
    """The program's inputs for rows ``r0..r1`` of board ``b`` into the first slots of ``regs``.

    ``halo`` is scratch for the block's rows and one more above and below:
    each row as it is, shifted west, shifted east, and (outer-totalistic
    Moore rules) its 3-cell sums ``s1 s0``, which the rows below reuse.
    Each is one loop over the whole halo, the words at the rows' ends
    mended after (a torus wraps each row onto itself), so that the loops
    vectorise whatever the width.
    """
    h, nw = x.shape[1], x.shape[2]
    length, span = (r1 - r0) * nw, (r1 - r0 + 2) * nw
    same, west, east, s1, s0 = halo[0], halo[1], halo[2], halo[3], halo[4]
    for k in range(r1 - r0 + 2):
        row = x[b, (r0 - 1 + k) % h]
        for j in range(nw):
            same[k * nw + j] = row[j]
    for i in range(1, span):
        west[i] = (same[i] << _ONE) | (same[i - 1] >> _S63)
    for i in range(span - 1):
        east[i] = (same[i] >> _ONE) | (same[i + 1] << _S63)
    for k in range(r1 - r0 + 2):
        first, last = k * nw, k * nw + nw - 1
        west[first] = (same[first] << _ONE) | ((same[last] >> top) & _ONE)
        east[last] = (same[last] >> _ONE) | ((same[first] & _ONE) << top)
    if moore:
        for i in range(span):
            a, c, m = west[i], east[i], same[i]
            am = a ^ m
            s1[i], s0[i] = (a & m) | (am & c), am ^ c
        for i in range(length):
            a0, b0, c0 = s0[i], s0[i + nw], s0[i + 2 * nw]
            a1, b1, c1 = s1[i], s1[i + nw], s1[i + 2 * nw]
            ab = a0 ^ b0
            carry = (a0 & b0) | (ab & c0)
            ab1 = a1 ^ b1
            u, m = ab1 ^ c1, (a1 & b1) | (ab1 & c1)
            carry2 = u & carry
            regs[0, i], regs[1, i], regs[2, i] = same[i + nw], m & carry2, m ^ carry2
            regs[3, i], regs[4, i] = u ^ carry, ab ^ c0
    else:
        for dy in range(3):
            for i in range(length):
                regs[3 * dy, i] = west[i + dy * nw]
                regs[3 * dy + 1, i] = same[i + dy * nw]
                regs[3 * dy + 2, i] = east[i + dy * nw]


@nb.njit(cache=True, nogil=True)
def _block_program(program, regs, length):
    """Run the program on the first ``length`` words of every slot."""
    for k in range(program.shape[0]):
        kind, d, a, b, c = program[k, 0], program[k, 1], program[k, 2], program[k, 3], program[k, 4]
        if kind == 0:
            for i in range(length):
                regs[d, i] = regs[c, i] ^ ((regs[b, i] ^ regs[c, i]) & regs[a, i])
        elif kind == 1:
            for i in range(length):
                regs[d, i] = regs[a, i] & regs[b, i]
        elif kind == 2:
            for i in range(length):
                regs[d, i] = regs[a, i] | regs[b, i]
        elif kind == 3:
            for i in range(length):
                regs[d, i] = regs[a, i] & ~regs[b, i]
        elif kind == 4:
            for i in range(length):
                regs[d, i] = regs[a, i] | ~regs[b, i]
        else:
            for i in range(length):
                regs[d, i] = ~regs[a, i]


@nb.njit(cache=True, nogil=True)
def _bit_block(src, dst, b, r0, r1, regs, halo, program, out, moore, top, last):
    """Rows ``r0..r1`` of board ``b`` one step on, from ``src`` into ``dst``."""
    h, nw = src.shape[1], src.shape[2]
    words = dst[b].reshape(h * nw)
    if out < 0:
        words[r0 * nw : r1 * nw] = np.uint64(0) if out == -1 else np.uint64(0xFFFFFFFFFFFFFFFF)
    else:
        _block_inputs(src, b, r0, r1, regs, halo, moore, top)
        _block_program(program, regs, (r1 - r0) * nw)
        result = regs[out]
        for i in range((r1 - r0) * nw):
            words[r0 * nw + i] = result[i]
    for r in range(r0, r1):
        words[r * nw + nw - 1] &= last


@nb.njit(cache=True, nogil=True)
def _dying_block(src, dying, dst, dst_dying, b, r0, r1, wrap):
    """Rows ``r0..r1`` of a Generations board's bit planes one step on, once ``dst`` holds the 2-state rule's result.

    A cell is live (``src``), dead, or dying with a count ``d`` of 1 up to
    ``states - 2`` in the planes ``dying`` (state ``d + 1``).  Dying cells
    count up, bitwise with a ripple carry, and are dead after ``wrap``
    (``states - 1``); they are never born.  A live cell that does not
    survive starts dying at 1.
    """
    planes, nw = dying.shape[1], src.shape[2]
    any_dying, carry, equal = np.empty(nw, np.uint64), np.empty(nw, np.uint64), np.empty(nw, np.uint64)
    for r in range(r0, r1):
        live, raw = src[b, r], dst[b, r]
        any_dying[:], carry[:], equal[:] = 0, ~np.uint64(0), ~np.uint64(0)
        for p in range(planes):  # plane by plane, each a loop over the row's words: the loops vectorise
            d, bit = dying[b, p, r], dst_dying[b, p, r]
            flip = np.uint64(0) if (wrap >> p) & 1 else ~np.uint64(0)  # x ^ flip: "x matches wrap's bit"
            for j in range(nw):
                any_dying[j] |= d[j]
                bit[j] = d[j] ^ carry[j]
                carry[j] &= d[j]
                equal[j] &= bit[j] ^ flip
        flip = np.uint64(0) if (wrap >> planes) & 1 else ~np.uint64(0)
        first = dst_dying[b, 0, r]
        for j in range(nw):
            counting = any_dying[j] & ~(equal[j] & (carry[j] ^ flip))
            first[j] = (first[j] & counting) | (live[j] & ~raw[j])
            equal[j] = counting
            raw[j] &= ~any_dying[j]
        for p in range(1, planes):
            bit = dst_dying[b, p, r]
            for j in range(nw):
                bit[j] &= equal[j]


@nb.njit(parallel=True, cache=True, nogil=True)
def _bit_steps(x, dying, steps, every, kept, kept_dying, program, out, moore, w, scratch, halos, by_board, wrap):
    """``steps`` steps of packed boards ``x`` (and of their dying states' planes, empty for a 2-state rule)."""
    n, h, nw = x.shape
    top = np.uint64((w - 1) % 64)
    last = np.uint64(0xFFFFFFFFFFFFFFFF) if w % 64 == 0 else (_ONE << np.uint64(w % 64)) - _ONE
    rows = max(1, min(h, _BLOCK_WORDS // nw))
    chunks = (h + rows - 1) // rows
    kept[:, 0], kept_dying[:, 0] = x, dying
    y, y_dying = np.empty_like(x), np.empty_like(dying)
    has_dying = dying.shape[1] > 0
    if by_board:  # each thread runs whole boards through every step: no waiting for each other between steps
        for b in nb.prange(n):
            thread = nb.get_thread_id()
            for t in range(1, steps + 1):
                src, dst = (x, y) if t % 2 else (y, x)
                src_dying, dst_dying = (dying, y_dying) if t % 2 else (y_dying, dying)
                for r0 in range(0, h, rows):
                    r1 = min(h, r0 + rows)
                    _bit_block(src, dst, b, r0, r1, scratch[thread], halos[thread], program, out, moore, top, last)
                    if has_dying:
                        _dying_block(src, src_dying, dst, dst_dying, b, r0, r1, wrap)
                if t % every == 0:
                    kept[b, t // every], kept_dying[b, t // every] = dst[b], dst_dying[b]
        return kept
    for t in range(1, steps + 1):
        for job in nb.prange(n * chunks):
            b, r0 = job // chunks, (job % chunks) * rows
            r1 = min(h, r0 + rows)
            thread = nb.get_thread_id()
            _bit_block(x, y, b, r0, r1, scratch[thread], halos[thread], program, out, moore, top, last)
            if has_dying:
                _dying_block(x, dying, y, y_dying, b, r0, r1, wrap)
        x, y = y, x
        dying, y_dying = y_dying, dying
        if t % every == 0:
            kept[:, t // every], kept_dying[:, t // every] = x, dying
    return kept


def _by_board(n: int) -> bool:
    """Whether ``n`` boards split evenly enough over the threads to give each thread whole boards."""
    threads = nb.get_num_threads()
    return n % threads == 0 or n >= 4 * threads


def run_bits(
    rule, boards: np.ndarray, steps: int, every: int, dying: np.ndarray | None = None, states: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """A 3x3 rule's kept boards as packed words, from bool boards (and the dying states' planes).

    The 2-state rule runs as the boolean program :mod:`lifelab.engines.bitpack`
    compiles from its truth table; a Generations rule of ``states`` states
    adds the planes of its dying cells' counts, ``dying`` (n, planes, h, nw).

    Returns:
        ``(live, dying)``: the kept frames' words (n, frames, h, nw), and their
        dying planes (n, frames, planes, h, nw).
    """
    program, out, n_slots, moore = _program(rule)
    x = pack_rows(boards)
    n, h, nw = x.shape
    if dying is None:
        dying = np.zeros((n, 0, h, nw), dtype=np.uint64)
    frames = steps // every + 1
    kept = np.empty((n, frames, h, nw), dtype=np.uint64)
    kept_dying = np.empty((n, frames, *dying.shape[1:]), dtype=np.uint64)
    rows = max(1, min(h, _BLOCK_WORDS // nw))
    threads = nb.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]  # numba.config sets it through globals()
    scratch = np.empty((threads, max(n_slots, 1), rows * nw), np.uint64)
    halos = np.empty((threads, 5, (rows + 2) * nw), np.uint64)
    with compiled_threads():
        _bit_steps(
            x,
            dying,
            steps,
            every,
            kept,
            kept_dying,
            program,
            out,
            moore,
            boards.shape[2],
            scratch,
            halos,
            _by_board(n),
            states - 1,
        )
    return kept, kept_dying


@nb.njit(parallel=True, cache=True, nogil=True)
def _unpack_states(live, dying, w, out):
    """Packed Generations frames -> ``out`` (n, frames, h, w) states: 1 live, ``d + 1`` dying at ``d``, else 0."""
    n, frames, h, nw = live.shape
    planes = dying.shape[2]
    for job in nb.prange(n * frames):
        b, f = job // frames, job % frames
        for y in range(h):
            cells = out[b, f, y]
            for x in range(w):
                word, bit = x >> 6, np.uint64(x & 63)
                count = 0
                for p in range(planes):
                    count |= np.int64((dying[b, f, p, y, word] >> bit) & _ONE) << p
                alive = (live[b, f, y, word] >> bit) & _ONE
                cells[x] = 1 if alive else (count + 1 if count else 0)


def run_generations(rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray) -> np.ndarray:
    """A :class:`~lifelab.rules.GenerationsRule` into ``out`` (n, frames, h, w), bit-parallel.

    The live cells step through the 2-state rule's boolean program, the
    dying cells' counts in bit planes beside them (see :func:`_dying_block`).
    """
    states = np.asarray(boards, dtype=np.uint8)
    n = rule.states
    if n == 2:
        return unpack_rows(run_bits(rule.rule, states == 1, steps, every)[0], boards.shape[2], out)
    count = np.where(states >= 2, states - 1, 0)
    dying = np.stack([pack_rows(((count >> p) & 1).astype(bool)) for p in range((n - 2).bit_length())], axis=1)
    live, kept_dying = run_bits(rule.rule, states == 1, steps, every, dying, n)
    with compiled_threads():
        _unpack_states(live, kept_dying, boards.shape[2], out.view(np.uint8))
    return out


# -- Larger than Life, a byte a cell ------------------------------------------------


def _state_table(lookup: np.ndarray, n: int, shift: int = 0) -> np.ndarray:
    """``table[state, value]``: the next state of a cell from its state and its neighbourhood's value.

    ``lookup[alive, value]`` says whether the cell is live next (born or
    surviving); a live cell that does not survive starts dying (state 2, or
    0 with two states), a dying one counts up to 0.  ``shift`` is taken off
    a live cell's value first (a Larger than Life total that counted the
    cell itself, for a rule that does not).
    """
    values = lookup.shape[1] + shift
    table = np.zeros((n, values), dtype=np.uint8)
    table[0, : lookup.shape[1]] = lookup[0]
    table[1, shift:] = np.where(lookup[1], 1, 2 % n)
    table[1, :shift] = 2 % n
    table[2:] = (np.arange(2, n, dtype=np.int64)[:, None] + 1) % n
    return table


@nb.njit(cache=True, nogil=True)
def _alive_row(s, b, y, alive, pad):
    """``alive[b, y, pad + x]`` = cell ``(y, x)`` is live (state 1), with ``pad`` columns wrapped on each side."""
    w = s.shape[2]
    row, a = s[b, y], alive[b, y]
    inside = a[pad:]  # a slice and an explicit byte: written as a[pad + x] = row[x] == 1, this loop ran 10x slower
    for x in range(w):
        inside[x] = np.uint8(row[x] == 1)
    for x in range(pad):  # the wrapped columns (a row narrower than the pad wraps more than once)
        a[x] = row[(x - pad) % w] == 1
        a[pad + w + x] = row[x % w] == 1


@nb.njit(cache=True, nogil=True)
def _box_stripe(s, nxt, alive, b, y0, y1, r, table):
    """Rows ``y0..y1`` of board ``b`` one step on, for a box: a column sum run down, a prefix sum across each row."""
    h, w = s.shape[1], s.shape[2]
    col = np.zeros(w + 2 * r, dtype=np.int32)
    prefix = np.zeros(w + 2 * r + 1, dtype=np.int32)
    index = np.empty(w, dtype=np.int32)
    stride = np.int32(table.shape[1])
    flat = table.ravel()
    for dy in range(-r, r):
        row = alive[b, (y0 + dy) % h]
        for x in range(w + 2 * r):
            col[x] += row[x]
    for y in range(y0, y1):
        add, drop = alive[b, (y + r) % h], alive[b, (y - r - 1) % h]
        if y > y0:
            for x in range(w + 2 * r):
                col[x] += np.int32(add[x]) - np.int32(drop[x])
        else:
            for x in range(w + 2 * r):
                col[x] += add[x]
        running = np.int32(0)  # a register, not prefix[x]: a store and a load per cell would chain the loop
        for x in range(w + 2 * r):
            running += col[x]
            prefix[x + 1] = running
        state, o = s[b, y], nxt[b, y]
        ahead = prefix[2 * r + 1 :]  # a slice, so that the loop reads two arrays at x and vectorises
        for x in range(w):
            index[x] = ahead[x] - prefix[x] + stride * state[x]
        for x in range(w):
            o[x] = flat[np.uint32(index[x])]


@nb.njit(cache=True, nogil=True)
def _prefix_row(alive, prefix, b, y):
    a, p = alive[b, y], prefix[b, y]
    p[0] = 0
    running = np.int32(0)
    for x in range(a.shape[0]):
        running += a[x]
        p[x + 1] = running


@nb.njit(cache=True, nogil=True)
def _rows_row(s, nxt, prefix, b, y, r, widths, table):
    """Row ``y`` of board ``b`` one step on, for a diamond or a disc: two prefix-sum reads per neighbourhood row."""
    h, w = s.shape[1], s.shape[2]
    state, o = s[b, y], nxt[b, y]
    stride = np.int32(table.shape[1])
    total = np.empty(w, dtype=np.int32)
    for x in range(w):
        total[x] = stride * state[x]
    for i in range(2 * r + 1):
        p, reach = prefix[b, (y + i - r) % h], widths[i]
        ahead, behind = p[r + reach + 1 :], p[r - reach :]
        for x in range(w):
            total[x] += ahead[x] - behind[x]
    flat = table.ravel()
    for x in range(w):
        o[x] = flat[np.uint32(total[x])]


@nb.njit(cache=True, nogil=True)
def _ltl_prepare(s, alive, prefix, b, y, r, box):
    """Row ``y`` of board ``b``'s live cells, wrapped ``r`` wide (and for a diamond or a disc, its prefix sums)."""
    _alive_row(s, b, y, alive, r)
    if not box:
        _prefix_row(alive, prefix, b, y)


@nb.njit(cache=True, nogil=True)
def _ltl_stripe(s, nxt, alive, prefix, b, y0, y1, r, widths, table, box):
    """Rows ``y0..y1`` of board ``b`` one step on, once its rows are prepared."""
    if box:
        _box_stripe(s, nxt, alive, b, y0, y1, r, table)
    else:
        for y in range(y0, y1):
            _rows_row(s, nxt, prefix, b, y, r, widths, table)


@nb.njit(parallel=True, cache=True, nogil=True)
def _ltl_steps(s, steps, every, kept, r, widths, table, stripes, by_board, box):
    boards, h, w = s.shape
    kept[:, 0] = s
    nxt = np.empty_like(s)
    alive = np.empty((boards, h, w + 2 * r), dtype=np.uint8)
    prefix = np.empty((boards, h, w + 2 * r + 1) if not box else (1, 1, 1), dtype=np.int32)
    if by_board:  # each thread runs whole boards through every step
        for b in nb.prange(boards):
            for t in range(1, steps + 1):
                src, dst = (s, nxt) if t % 2 else (nxt, s)
                for y in range(h):
                    _ltl_prepare(src, alive, prefix, b, y, r, box)
                _ltl_stripe(src, dst, alive, prefix, b, 0, h, r, widths, table, box)
                if t % every == 0:
                    kept[b, t // every] = dst[b]
        return kept
    per = (h + stripes - 1) // stripes
    for t in range(1, steps + 1):
        for job in nb.prange(boards * h):
            _ltl_prepare(s, alive, prefix, job // h, job % h, r, box)
        for job in nb.prange(boards * stripes):
            y0 = (job % stripes) * per
            _ltl_stripe(s, nxt, alive, prefix, job // stripes, y0, min(h, y0 + per), r, widths, table, box)
        s, nxt = nxt, s
        if t % every == 0:
            kept[:, t // every] = s
    return kept


def run_ltl(rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray) -> np.ndarray:
    """A :class:`~lifelab.rules.LtLRule` into ``out`` (n, frames, h, w), from running sums.

    The sums count the cell itself; the state table takes it off a live
    cell's total for a rule without ``M1``.
    """
    s = np.ascontiguousarray(boards, dtype=np.uint8)
    _, lookup, n = rule.kernel_form()
    table = _state_table(lookup, n, shift=0 if rule.middle else 1)
    with compiled_threads():
        stripes = max(1, min(boards.shape[1], 2 * nb.get_num_threads()))
        _ltl_steps(
            s,
            steps,
            every,
            out.view(np.uint8),
            rule.range,
            np.array(rule.widths, np.int64),
            table,
            stripes,
            _by_board(len(boards)),
            rule.neighbourhood == "M",
        )
    return out


# -- HROT: any of Golly 4's neighbourhoods, weighted ---------------------------


@nb.njit(cache=True, nogil=True)
def _value_prefix(s, values, prefix, b, y, r):
    """``prefix[b, y, j]``: the values of the first ``j`` cells of row ``y``, wrapped ``r`` wide on each side."""
    w = s.shape[2]
    row, p = s[b, y], prefix[b, y]
    running = np.int32(0)
    p[0] = 0
    for x in range(r):
        running += values[row[(x - r) % w]]
        p[x + 1] = running
    for x in range(w):
        running += values[row[x]]
        p[r + x + 1] = running
    for x in range(r):
        running += values[row[x % w]]
        p[r + w + x + 1] = running


@nb.njit(cache=True, nogil=True)
def _hrot_row(s, nxt, prefix, b, y, r, runs, table, low, n):
    """Row ``y`` of board ``b`` one step on: two prefix-sum reads per run of equal weights."""
    h, w = s.shape[1], s.shape[2]
    total = np.zeros(w, dtype=np.int32)
    for k in range(runs.shape[0]):
        p, weight = prefix[b, (y + runs[k, 0]) % h], np.int32(runs[k, 3])
        ahead, behind = p[r + runs[k, 2] + 1 :], p[r + runs[k, 1] :]
        for x in range(w):
            total[x] += weight * (ahead[x] - behind[x])
    state, o = s[b, y], nxt[b, y]
    for x in range(w):
        c = np.int64(state[x])
        o[x] = table[c, total[x] - low] if c <= 1 else (c + 1) % n


@nb.njit(parallel=True, cache=True, nogil=True)
def _hrot_steps(s, steps, every, kept, r, runs, values, table, low, n):
    boards, h, w = s.shape
    kept[:, 0] = s
    nxt = np.empty_like(s)
    prefix = np.empty((boards, h, w + 2 * r + 1), dtype=np.int32)
    for t in range(1, steps + 1):
        for job in nb.prange(boards * h):
            _value_prefix(s, values, prefix, job // h, job % h, r)
        for job in nb.prange(boards * h):
            _hrot_row(s, nxt, prefix, job // h, job % h, r, runs, table, low, n)
        s, nxt = nxt, s
        if t % every == 0:
            kept[:, t // every] = s
    return kept


def run_hrot(rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray) -> np.ndarray:
    """An :class:`~lifelab.rules.HROTRule` into ``out`` (n, frames, h, w), from per-row prefix sums.

    A count costs two reads per run of equal weights in a row of the
    neighbourhood: one run a row for a box, a disc or a diamond, a cell
    each for a checkerboard or a Gaussian.  The next state of a dead or
    live cell is looked up by its count (``rule.update``, the numpy
    reference's own), a dying one counts up to 0.
    """
    s = np.ascontiguousarray(boards, dtype=np.uint8)
    values = rule.values
    bounds = np.outer(rule.weights[rule.weights != 0], [values.min(), values.max()])
    low, high = int(bounds.min(axis=1).sum()), int(bounds.max(axis=1).sum())
    count = np.arange(low, high + 1)
    table = np.stack([rule.update(state, count) for state in (0, 1)]).astype(np.uint8)
    with compiled_threads():
        _hrot_steps(
            s,
            steps,
            every,
            out.view(np.uint8),
            rule.range,
            weight_runs(rule.weights),
            values.astype(np.int32),
            table,
            low,
            rule.states,
        )
    return out
