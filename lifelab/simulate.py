"""Simulation: the seagull bridge and a fast batched simulator.

Two ways to run a :class:`~lifelab.rules.Rule`:

* through seagull, with ``seagull.Simulator(board).run(rule.seagull_rule(), iters=N)``:
  :class:`SeagullRule` computes each step by convolution, as seagull itself
  does, but for any rule (Moore, von Neumann, hexagonal or a MAP table) and
  without seagull's loose rulestring parser or any patch of site-packages;
* through :func:`simulate`, which advances a whole batch of boards at once on
  a periodic boundary.  On the CPU it works on bit-packed rows (64 cells per
  machine word) and evaluates the rule as a boolean circuit compiled from the
  truth table; with ``device=`` it runs in torch on that device.

This is the only module of lifelab that imports seagull, and only when a
function here needs it: seagull imports matplotlib's pyplot, which a headless
``import lifelab`` should not pay for.
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Iterable, Sequence

import numpy as np
import torch

from lifelab.errors import InputError, InputTypeError
from lifelab.patterns import CELLS
from lifelab.families import StochasticRule, parse_rule, rule_reach, rule_states
from lifelab.rules import Rule
from lifelab.utils import check_allocation, check_int, check_number, get_device

__all__ = [
    "lifeform_names",
    "place_lifeforms",
    "random_boards",
    "run_seagull",
    "simulate",
]


@functools.cache
def _seagull():
    """seagull, imported on first use, with its loguru output (run statistics) switched off."""
    import seagull
    from loguru import logger

    logger.disable("seagull")
    return seagull


def _as_seed(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputTypeError(f"seed must be an int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _check_shape(shape) -> tuple[int, int]:
    try:
        h, w = shape
    except (TypeError, ValueError):
        raise InputError(f"shape must be a pair (height, width), got {shape!r}") from None
    return check_int("board height", h, 1), check_int("board width", w, 1)


def random_boards(n: int, shape: tuple[int, int], density: float = 0.5, seed=0) -> np.ndarray:
    """Random boards, each cell alive independently with probability ``density``.

    Args:
        n: Number of boards.
        shape: ``(height, width)`` of each board.
        density: Probability that a cell is alive, in [0, 1].
        seed: An int seed or a ``numpy.random.Generator``; the same seed gives
            the same boards.

    Returns:
        A ``(n, height, width)`` bool array.

    Raises:
        ValueError: For a negative ``n``, a bad shape or a density outside [0, 1].
        TypeError: For a seed that is neither an int nor a Generator.
    """
    n = check_int("n", n, 0)
    h, w = _check_shape(shape)
    density = check_number("density", density, 0, 1)
    check_allocation(9 * n * h * w, f"{n} random boards of {w}x{h}")  # float64 draws, then the bool boards
    return _as_seed(seed).random((n, h, w)) < density


def lifeform_names() -> list[str]:
    """Names of the lifeforms seagull ships (``"Glider"``, ``"Pulsar"``, ...)."""
    lifeforms = _seagull().lifeforms
    return [name for name in lifeforms.__all__ if name not in ("Custom", "RandomBox")]


def _lifeform(lifeform):
    lifeforms = _seagull().lifeforms
    if isinstance(lifeform, str):
        if lifeform not in lifeform_names():
            raise InputError(f"unknown lifeform {lifeform!r}; seagull has {', '.join(lifeform_names())}")
        return getattr(lifeforms, lifeform)()
    if isinstance(lifeform, lifeforms.base.Lifeform):
        return lifeform
    raise InputTypeError(f"lifeform must be a seagull Lifeform or its name, got {type(lifeform).__name__}")


def place_lifeforms(shape: tuple[int, int], placements: Iterable[tuple[object, tuple[int, int]]]) -> np.ndarray:
    """Build a board with seagull lifeforms placed on it.

    Args:
        shape: ``(height, width)`` of the board.
        placements: Pairs ``(lifeform, (row, col))``; a lifeform is a seagull
            ``Lifeform`` instance or its class name (``"Glider"``), anchored at
            its top-left corner as in ``seagull.Board.add``.

    Returns:
        A ``(height, width)`` bool board.

    Raises:
        ValueError: For an unknown lifeform name or a lifeform that does not fit.
    """
    h, w = _check_shape(shape)
    board = _seagull().Board(size=(h, w))
    for lifeform, loc in placements:
        form = _lifeform(lifeform)
        row, col = loc
        fh, fw = form.size
        if row < 0 or col < 0 or row + fh > h or col + fw > w:
            raise InputError(
                f"{type(form).__name__} of size {fh}x{fw} at {(row, col)} does not fit a {h}x{w} board"
            )
        board.add(form, loc=(row, col))
    return board.state.astype(bool)


def run_seagull(rule, board: np.ndarray, iters: int) -> np.ndarray:
    """Run ``rule`` on one board with seagull's own ``Simulator``.

    Args:
        rule: A rule of any family or a rulestring; it runs through
            :class:`~lifelab.rules.SeagullRule` (seagull's convolution with the
            family's count kernel, and a lookup).
        board: A ``(height, width)`` board of states.
        iters: Number of steps.

    Returns:
        seagull's ``get_history()``: a ``(iters + 1, height, width)`` array,
        bool for 2-state rules and uint8 states otherwise.
    """
    rule = parse_rule(rule)
    states = rule_states(rule)
    board = _check_boards(board, states)
    if board.shape[0] != 1:
        raise InputError(f"run_seagull takes one board, got a batch of {board.shape[0]}")
    iters = check_int("iters", iters, 0)
    sg = _seagull()
    sgboard = sg.Board(size=board.shape[1:])
    sgboard.state = board[0].copy()
    sim = sg.Simulator(sgboard)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # seagull's statistics take log2(0) on empty or full boards and call np.product.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        sim.run(rule.seagull_rule(), iters=iters)
    history = sim.get_history()
    return history.astype(bool) if states == 2 else history.astype(np.uint8)


# ---------------------------------------------------------------------------
# The batched simulator
# ---------------------------------------------------------------------------

def _check_boards(boards, states: int = 2) -> np.ndarray:
    arr = np.asarray(boards)
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(f"boards must be an array of cell states, got dtype {arr.dtype}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise InputError(f"boards must have shape (n, height, width) or (height, width), got {arr.shape}")
    if 0 in arr.shape[1:]:
        raise InputError(f"boards must be at least 1x1, got {arr.shape[1:]}")
    if states == 2:
        if arr.dtype != bool:
            if not np.isin(arr, (0, 1)).all():
                raise InputError("boards must hold only 0 and 1")
            arr = arr.astype(bool)
        return arr
    if arr.dtype == bool:
        return arr.astype(np.uint8)
    bad = (arr < 0) | (arr >= states) | (arr != np.round(arr))
    if bad.any():
        raise InputError(f"boards must hold states 0-{states - 1} for a {states}-state rule, found "
                         f"{arr[bad].ravel()[0]!r}")
    return arr.astype(np.uint8)


def simulate(rule, boards, steps: int, *, every: int = 1, out: np.ndarray | None = None, device=None,
             boundary: str | None = None, seed=0) -> np.ndarray:
    """Advance a batch of boards by ``steps`` steps on a torus, or on a bounded plane with a dead outside.

    What the history costs: the whole history (``every=1``, the default) is
    ``n * (steps + 1) * height * width`` bytes, one per cell, and writing
    it is more than half the work on 2-state 3x3 rules (which step 64
    cells per machine word); ``every=k`` keeps the boards at steps 0, k,
    2k, ... only, and ``every=steps`` just the first and the last (two
    boards per board, whatever ``steps`` is), which for small boards also
    lets the engine bit-slice them across the batch.  ``out=`` writes into
    a preallocated array instead of a new one, so that a caller running
    many batches pays the operating system's page faults for it only
    once.  The results are the same cell for cell whatever the form.

    Args:
        rule: A rule of any family (:class:`Rule`, :class:`~lifelab.families.GenerationsRule`,
            :class:`~lifelab.families.LtLRule`), a rulestring in any of Golly's
            spellings, or a registry name.
        boards: ``(n, height, width)`` array of cell states (0/1 or bool for
            2-state rules, 0 to ``states - 1`` otherwise); a single
            ``(height, width)`` board is a batch of one.  With a rule that
            names a torus (``:Tw,h``) the boards must be that size.
        steps: Number of steps (0 returns just the initial boards).
        every: Keep every ``every``-th board of the history (it must divide ``steps``; 1 keeps all).
        out: A C-contiguous, writeable array of the result's shape and dtype to write into, or None.
        device: None for the CPU engines (bit-packed for 2-state 3x3 rules,
            vectorised numpy for the other families); a torch device
            (``"cuda"``, ``"cpu"``, ``torch.device``) to run in torch
            (bit-packed words for 2-state 3x3 rules).
        boundary: ``"torus"`` (the edges wrap around) or ``"dead"`` (Golly's
            bounded plane: every cell outside the board is dead, always); default
            the rule's grid suffix (``:Pw,h`` is a bounded plane), else a torus.
        seed: An int or ``numpy.random.Generator`` for a
            :class:`~lifelab.families.StochasticRule` (ignored by deterministic
            rules): the same seed, the same run.

    Returns:
        ``(n, steps // every + 1, height, width)`` (``out`` itself when given):
        bool for 2-state rules, uint8 states otherwise; ``[:, 0]`` are the
        initial boards, ``[:, -1]`` the last.

    Raises:
        ValueError: For a bad rule, states out of range, a bad shape, negative
            steps, ``every`` that is not a positive divisor of ``steps``, or
            ``out`` of the wrong shape or not C-contiguous and writeable.
        TypeError: For input of the wrong type, or ``out`` of the wrong dtype.
    """
    rule = parse_rule(rule)
    boards = _check_boards(boards, rule_states(rule))
    steps = check_int("steps", steps, 0)
    every = check_int("every", every, 1)
    if steps % every:
        raise InputError(f"every={every} must divide steps={steps}, so that the last board is kept")
    grid = rule.grid
    if grid is not None and boards.shape[1:] != grid.shape:
        what = "torus" if grid.kind == "T" else "bounded plane"
        raise InputError(f"{rule} runs on a {grid.width}x{grid.height} {what} (width x height); the boards are "
                         f"{boards.shape[2]}x{boards.shape[1]}")
    boundary = check_boundary(boundary if boundary is not None else grid.boundary if grid is not None else "torus")
    n, h, w = boards.shape
    out = _check_out(out, (n, steps // every + 1, h, w), boards.dtype)
    if isinstance(rule, StochasticRule):
        if device is not None:
            raise InputError(f"{rule} is stochastic: it runs on the CPU (device=None)")
        rule = _StochasticStep(rule, _stochastic_stream(seed))
    if boundary == "dead":
        return _simulate_plane(rule, boards, steps, every, out, device)
    return _simulate_torus(rule, boards, steps, every, out, device)


def _stochastic_stream(seed) -> np.random.Generator:
    """The generator a stochastic rule draws from: its own stream of an int seed, not the one that drew the boards.

    ``random_boards(..., seed=0)`` draws the boards from ``default_rng(0)``;
    a rule drawing from the same stream would make its first step's chances
    the very numbers that made the board (a birth on three would then
    depend on which cells are alive).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(np.random.SeedSequence([_as_seed_int(seed), 0x5EED]))


def _as_seed_int(seed) -> int:
    if seed is None or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputTypeError(f"seed must be an int or a numpy Generator, got {seed!r}")
    return check_int("seed", seed, 0)


class _StochasticStep:
    """A stochastic rule with its generator bound: ``step(boards)`` draws each step from it, in order."""

    def __init__(self, rule, rng: np.random.Generator):
        self.rule, self.rng = rule, rng

    def step(self, boards: np.ndarray) -> np.ndarray:
        return self.rule.step(boards, self.rng)

    def __getattr__(self, name):
        return getattr(self.rule, name)


def check_boundary(boundary: str) -> str:
    """``"torus"`` or ``"dead"``, the boundaries a simulation has; anything else is refused."""
    if boundary not in ("torus", "dead"):
        raise InputError(f"a simulation's boundary is 'torus' or 'dead' (a bounded plane), got {boundary!r}")
    return boundary


def _simulate_plane(rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray, device) -> np.ndarray:
    """Golly's bounded plane: the boards in a dead frame as wide as the rule reaches, the frame cleared every step.

    With the frame dead, a cell at the board's edge sees dead cells beyond
    it, and the frame's own births (which Golly's plane has no room for)
    are wiped before they can count.
    """
    r = rule_reach(rule)
    frame = np.pad(boards, ((0, 0), (r, r), (r, r)))
    step = np.empty((len(boards), 2, *frame.shape[1:]), dtype=boards.dtype)
    out[:, 0] = boards
    for t in range(1, steps + 1):
        frame = _simulate_torus(rule, frame, 1, 1, step, device)[:, 1]
        frame[:, :r], frame[:, -r:], frame[:, :, :r], frame[:, :, -r:] = 0, 0, 0, 0
        if t % every == 0:
            out[:, t // every] = frame[:, r:-r, r:-r]
    return out


def _simulate_torus(rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray, device) -> np.ndarray:
    """The engines, on a torus: bit-packed (or torch words) for 2-state 3x3 rules, the families' own steps else."""
    if isinstance(rule, Rule):
        if device is None:
            return _simulate_packed(rule, boards, steps, every, out)
        return _simulate_torch(rule, boards, steps, device, every, out)
    if device is None:
        return _run(rule.step, boards, steps, every, out)
    with torch.inference_mode():
        board = torch.as_tensor(boards, device=get_device(device))
        out[:, 0] = boards
        for t in range(1, steps + 1):
            board = rule.step_torch(board)
            if t % every == 0:
                out[:, t // every] = board.cpu().numpy()
    return out


def _check_out(out, shape: tuple, dtype) -> np.ndarray:
    """``out`` checked against the result's shape and dtype, or a new array when it is None."""
    if out is None:
        check_allocation(math.prod(shape) * np.dtype(dtype).itemsize,
                         f"the history of {shape[0]} boards of {shape[3]}x{shape[2]} over {shape[1]} kept steps")
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise InputTypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != dtype:
        raise InputTypeError(f"out must have dtype {np.dtype(dtype)} for this rule, got {out.dtype}")
    if out.shape != shape:
        raise InputError(f"out must have shape {shape} (boards, kept steps, height, width), got {out.shape}")
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise InputError("out must be a C-contiguous, writeable array")
    return out


def _run(step, boards: np.ndarray, steps: int, every: int, out: np.ndarray) -> np.ndarray:
    """Step a batch ``steps`` times, keeping every ``every``-th board in ``out``."""
    out[:, 0] = board = boards
    for t in range(1, steps + 1):
        board = step(board)
        if t % every == 0:
            out[:, t // every] = board
    return out


# -- boolean circuits compiled from truth tables ---------------------------

_ZERO, _ONE = "0", "1"


@functools.lru_cache(maxsize=256)
def _compile(truth: bytes, n_inputs: int) -> tuple[tuple, object]:
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
    nodes: dict[tuple, object] = {}

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
        carry, edge = bits.shr(x[..., :-1], self.s63, out=bits("shift carry", x[..., 1:])), bits("shift edge", x[..., -1])
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
        carry, edge = bits.shl(x[..., 1:], self.s63, out=bits("shift carry", x[..., 1:])), bits("shift edge", x[..., -1])
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
        y[..., self.k:], y[..., :self.k] = x[..., :-self.k], x[..., -self.k:]
        return y

    def east(self, x: np.ndarray, bits: _Bits) -> np.ndarray:
        """Each cell gets the value of its eastern neighbour (column x + 1)."""
        y = bits("east", x)
        y[..., :-self.k], y[..., -self.k:] = x[..., self.k:], x[..., :self.k]
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
        words = np.ascontiguousarray(words.view(f"<u{per_lane}").reshape(groups, frames, h, per_word)
                                     .transpose(0, 3, 1, 2))
    index = words.view(np.uint8).reshape(groups, per_word, frames, h, per_lane)
    n = out.shape[0]
    full = n // per_word  # groups whose every lane is a board of out
    group_step = _BLOCK // index[0].size if out.flags.c_contiguous else 0
    if group_step:
        for g in range(0, full, group_step):
            end = min(g + group_step, full)
            _lookup(index[g:end], out[g * per_word:end * per_word].reshape(end - g, per_word, frames, h, w), w,
                    scratch)
    frame_step = max(1, _BLOCK // (h * per_lane))
    for b in range(full * per_word if group_step else 0, n):
        g, j = divmod(b, per_word)
        for f in range(0, frames, frame_step):
            _lookup(index[g, j, f:f + frame_step], out[b, f:f + frame_step], w, scratch)


def _lookup(index: np.ndarray, dest: np.ndarray, w: int, scratch: np.ndarray) -> None:
    """``dest`` (..., w) <- the cells of the bytes ``index`` (..., lane / 8), through ``_BYTE_WORDS``."""
    # numpy would convert the byte indices into a new int64 array on every call; converted here, into
    # scratch, the memory is mapped once
    where = scratch[0, :index.size].reshape(index.shape)
    np.copyto(where, index, casting="unsafe")
    if dest.shape[-1] == 8 * index.shape[-1]:
        np.take(_BYTE_WORDS, where, out=dest.view(np.uint64), mode="clip")
    else:
        cells = np.take(_BYTE_WORDS, where, out=scratch[1, :index.size].reshape(index.shape).view(np.uint64), mode="clip")
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


@functools.lru_cache(maxsize=256)
def _circuit(rule: Rule) -> tuple[tuple, object, dict, bool, bool]:
    """``(ops, out, slots, moore, needs_eights)``: the compiled program, the scratch slot of each of its
    registers, whether its inputs are the Moore totals, and whether it reads the totals' eights bit
    (Life-like rules that never tell 0 from 8 or 1 from 9 do not)."""
    moore = rule.is_totalistic and rule.neighbourhood == "moore"
    truth = _moore_count_truth(rule) if moore else rule.table.astype(np.uint8).tobytes()
    n_inputs = 5 if moore else CELLS
    ops, out = _compile(truth, n_inputs)
    return ops, out, _slots(ops, out, n_inputs), moore, moore and (out == 1 or any(1 in op[2:] for op in ops))


def _slots(ops, out, n_inputs: int) -> dict:
    """Register -> scratch slot, a slot reused once its register is read for the last time.

    Fewer scratch arrays keep a step's working set in the CPU's cache.
    """
    last = {r: i for i, (_, _, *args) in enumerate(ops) for r in args if r >= n_inputs}
    slots, free = {}, []
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
        inputs = (rows[same], m if needs_eights else None, t2, t1, t0)
    else:
        inputs = (
            west[above], rows[above], east[above],
            west[same], rows[same], east[same],
            west[below], rows[below], east[below],
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


def _simulate_packed(rule: Rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray,
                     layout: str | None = None) -> np.ndarray:
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
                    unpack(history[:, first:f + 1], lane, w, out[g0 * per_word:g1 * per_word, first:f + 1])
                    first = f + 1
    return out


def _simulate_torch(rule: Rule, boards: np.ndarray, steps: int, device, every: int, out: np.ndarray) -> np.ndarray:
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
