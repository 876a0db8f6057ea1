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

This is the only module of lifelab that imports seagull.
"""

from __future__ import annotations

import functools
import warnings
from typing import Iterable, Sequence

import numpy as np
import seagull as sg
import torch
from loguru import logger

from lifelab.patterns import CELLS, MAP_WEIGHTS, WINDOW
from lifelab.families import parse_rule, rule_states
from lifelab.rules import Rule
from lifelab.utils import check_int, check_number

logger.disable("seagull")

__all__ = [
    "lifeform_names",
    "place_lifeforms",
    "random_boards",
    "run_seagull",
    "simulate",
]


def _as_seed(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def _check_shape(shape) -> tuple[int, int]:
    try:
        h, w = shape
    except (TypeError, ValueError):
        raise ValueError(f"shape must be a pair (height, width), got {shape!r}") from None
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
    return _as_seed(seed).random((n, h, w)) < density


def lifeform_names() -> list[str]:
    """Names of the lifeforms seagull ships (``"Glider"``, ``"Pulsar"``, ...)."""
    from seagull import lifeforms

    return [name for name in lifeforms.__all__ if name not in ("Custom", "RandomBox")]


def _lifeform(lifeform):
    from seagull import lifeforms

    if isinstance(lifeform, str):
        if lifeform not in lifeform_names():
            raise ValueError(f"unknown lifeform {lifeform!r}; seagull has {', '.join(lifeform_names())}")
        return getattr(lifeforms, lifeform)()
    if isinstance(lifeform, lifeforms.base.Lifeform):
        return lifeform
    raise TypeError(f"lifeform must be a seagull Lifeform or its name, got {type(lifeform).__name__}")


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
    board = sg.Board(size=(h, w))
    for lifeform, loc in placements:
        form = _lifeform(lifeform)
        row, col = loc
        fh, fw = form.size
        if row < 0 or col < 0 or row + fh > h or col + fw > w:
            raise ValueError(
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
        raise ValueError(f"run_seagull takes one board, got a batch of {board.shape[0]}")
    iters = check_int("iters", iters, 0)
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
        raise TypeError(f"boards must be an array of cell states, got dtype {arr.dtype}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(f"boards must have shape (n, height, width) or (height, width), got {arr.shape}")
    if 0 in arr.shape[1:]:
        raise ValueError(f"boards must be at least 1x1, got {arr.shape[1:]}")
    if states == 2:
        if arr.dtype != bool:
            if not np.isin(arr, (0, 1)).all():
                raise ValueError("boards must hold only 0 and 1")
            arr = arr.astype(bool)
        return arr
    if arr.dtype == bool:
        return arr.astype(np.uint8)
    bad = (arr < 0) | (arr >= states) | (arr != np.round(arr))
    if bad.any():
        raise ValueError(f"boards must hold states 0-{states - 1} for a {states}-state rule, found "
                         f"{arr[bad].ravel()[0]!r}")
    return arr.astype(np.uint8)


def simulate(rule, boards, steps: int, *, every: int = 1, device=None) -> np.ndarray:
    """Advance a batch of boards by ``steps`` steps on a periodic boundary.

    What the history costs: the whole history (``every=1``, the default) is
    ``n * (steps + 1) * height * width`` bytes, and writing it is most of the
    work on small boards; ``every=k`` keeps the boards at steps 0, k, 2k, ...
    only, and ``every=steps`` just the first and the last (two boards per
    board, whatever ``steps`` is).  The bit-packed engine then also packs
    many small boards across the batch (one bit per board) rather than
    along their rows, which fills its 64-bit words; the results are the
    same cell for cell.

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
        device: None for the CPU engines (bit-packed for 2-state 3x3 rules,
            vectorised numpy for the other families); a torch device
            (``"cuda"``, ``"cpu"``, ``torch.device``) to run in torch.

    Returns:
        ``(n, steps // every + 1, height, width)``: bool for 2-state rules,
        uint8 states otherwise; ``[:, 0]`` are the initial boards, ``[:, -1]`` the last.

    Raises:
        ValueError: For a bad rule, states out of range, a bad shape, negative
            steps, or ``every`` that is not a positive divisor of ``steps``.
        TypeError: For input of the wrong type.
    """
    rule = parse_rule(rule)
    boards = _check_boards(boards, rule_states(rule))
    steps = check_int("steps", steps, 0)
    every = check_int("every", every, 1)
    if steps % every:
        raise ValueError(f"every={every} must divide steps={steps}, so that the last board is kept")
    if rule.torus is not None and boards.shape[1:] != (rule.torus[1], rule.torus[0]):
        raise ValueError(f"{rule} runs on a {rule.torus[0]}x{rule.torus[1]} torus (width x height); the boards are "
                         f"{boards.shape[2]}x{boards.shape[1]}")
    if isinstance(rule, Rule):
        if device is None:
            return _simulate_packed(rule, boards, steps, every)
        return _simulate_torch(rule, boards, steps, device, every)
    if device is None:
        return _run(rule.step, boards, steps, every)
    board = torch.as_tensor(boards, device=torch.device(device))
    history = [board.cpu().numpy()]
    for t in range(1, steps + 1):
        board = rule.step_torch(board)
        if t % every == 0:
            history.append(board.cpu().numpy())
    return np.stack(history, axis=1)


def _run(step, boards: np.ndarray, steps: int, every: int = 1) -> np.ndarray:
    """Step a batch ``steps`` times, keeping every ``every``-th board in a preallocated history."""
    history = np.empty((boards.shape[0], steps // every + 1, *boards.shape[1:]), dtype=boards.dtype)
    history[:, 0] = board = boards
    for t in range(1, steps + 1):
        board = step(board)
        if t % every == 0:
            history[:, t // every] = board
    return history


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


def _run_program(ops, out, inputs: Sequence, like):
    regs = list(inputs) + [None] * len(ops)
    for kind, dst, *a in ops:
        if kind == "mux":
            x, hi, lo = (regs[i] for i in a)
            regs[dst] = lo ^ (x & (hi ^ lo))
        elif kind == "and":
            regs[dst] = regs[a[0]] & regs[a[1]]
        elif kind == "or":
            regs[dst] = regs[a[0]] | regs[a[1]]
        elif kind == "andnot":
            regs[dst] = regs[a[0]] & ~regs[a[1]]
        elif kind == "ornot":
            regs[dst] = regs[a[0]] | ~regs[a[1]]
        else:  # "not"
            regs[dst] = ~regs[a[0]]
    if out == _ZERO:
        return np.zeros_like(like)
    if out == _ONE:
        return ~np.zeros_like(like)
    # a rule that copies one input (a shift) returns that input itself, a view the caller reuses
    return regs[out].copy() if out < len(inputs) else regs[out]


def _moore_count_truth(rule: Rule) -> bytes:
    """Truth table over (centre, t3, t2, t1, t0), t = live cells in the 3x3 window including the centre."""
    truth = np.full(32, 2, dtype=np.uint8)
    for total in range(10):
        if total <= 8:
            truth[total] = total in rule.birth
        if total >= 1:
            truth[16 + total] = (total - 1) in rule.survival
    return truth.tobytes()


def _pack_rows(boards: np.ndarray) -> np.ndarray:
    """(n, h, w) bool -> (n, h, K) uint64; cell x of a row is bit x % 64 of word x // 64."""
    n, h, w = boards.shape
    k = -(-w // 64)
    padded = np.zeros((n, h, k * 64), dtype=bool)
    padded[..., :w] = boards
    return np.packbits(padded, axis=-1, bitorder="little").view("<u8")


def _unpack_rows(words: np.ndarray, w: int) -> np.ndarray:
    return np.unpackbits(words.view(np.uint8), axis=-1, count=w, bitorder="little").view(bool)


class _RowShifter:
    """Periodic shifts by one cell along bit-packed rows of ``w`` cells."""

    def __init__(self, w: int):
        self.k = -(-w // 64)
        self.top = np.uint64((w - 1) % 64)
        self.mask = np.uint64((1 << (w % 64)) - 1) if w % 64 else None
        self.one, self.s63 = np.uint64(1), np.uint64(63)

    def west(self, x: np.ndarray) -> np.ndarray:
        """Each cell gets the value of its western neighbour (column x - 1)."""
        y = x << self.one
        if self.k > 1:
            y[..., 1:] |= x[..., :-1] >> self.s63
        y[..., 0] |= (x[..., -1] >> self.top) & self.one
        if self.mask is not None:
            y[..., -1] &= self.mask
        return y

    def east(self, x: np.ndarray) -> np.ndarray:
        """Each cell gets the value of its eastern neighbour (column x + 1)."""
        y = x >> self.one
        if self.k > 1:
            y[..., :-1] |= x[..., 1:] << self.s63
        y[..., -1] |= (x[..., 0] & self.one) << self.top
        return y


class _BoardShifter:
    """Periodic shifts by one cell along a row when boards are bit-sliced (see :func:`_pack_boards`).

    A row of ``w`` cells is ``w`` groups of ``k`` words; the cell to the west
    is the group before, so a shift is a roll by ``k`` words, and no bit moves.
    """

    mask = None

    def __init__(self, k: int):
        self.k = k

    def west(self, x: np.ndarray) -> np.ndarray:
        """Each cell gets the value of its western neighbour (column x - 1)."""
        return np.roll(x, self.k, axis=-1)

    def east(self, x: np.ndarray) -> np.ndarray:
        """Each cell gets the value of its eastern neighbour (column x + 1)."""
        return np.roll(x, -self.k, axis=-1)


def _pack_boards(boards: np.ndarray) -> tuple[np.ndarray, int]:
    """(n, h, w) bool -> ((1, h, w * K) uint64, K), bit-sliced: bit b of word j of a cell is board 64 j + b."""
    n, h, w = boards.shape
    k = -(-n // 64)
    padded = np.zeros((h, w, k * 64), dtype=bool)
    padded[..., :n] = boards.transpose(1, 2, 0)
    return np.packbits(padded, axis=-1, bitorder="little").view("<u8").reshape(1, h, w * k), k


def _unpack_boards(words: np.ndarray, n: int, w: int, k: int) -> np.ndarray:
    """(1, T, h, w * K) uint64 -> (n, T, h, w) bool."""
    _, frames, h, _ = words.shape
    cells = np.unpackbits(words.reshape(frames, h, w, k).view(np.uint8), axis=-1, count=n, bitorder="little")
    return np.ascontiguousarray(cells.view(bool).transpose(3, 0, 1, 2))


def _layout(n: int, w: int, frames: int, steps: int) -> str:
    """``"rows"`` (each row packed into words) or ``"boards"`` (one bit per board).

    Rows of 16 cells fill a quarter of a 64-bit word, 4096 boards every bit;
    but bit-sliced boards must be transposed back, which costs about as much
    as stepping, so they are used only when they fill the words better and
    at most a quarter of the history is kept.
    """
    row_fill = w / (64 * max(1, -(-w // 64)))
    board_fill = n / (64 * max(1, -(-n // 64)))
    return "boards" if board_fill > row_fill and 4 * frames <= steps + 1 else "rows"


def _simulate_packed(rule: Rule, boards: np.ndarray, steps: int, every: int = 1,
                     layout: str | None = None) -> np.ndarray:
    n, h, w = boards.shape
    frames = steps // every + 1
    layout = _layout(n, w, frames, steps) if layout is None else layout
    if layout == "boards":
        x, k = _pack_boards(boards)
        shifter = _BoardShifter(k)
    else:
        x, shifter = _pack_rows(boards), _RowShifter(w)
    moore = rule.is_totalistic and rule.neighbourhood == "moore"
    if moore:
        ops, out = _compile(_moore_count_truth(rule), 5)
    else:
        ops, out = _compile(rule.table.astype(np.uint8).tobytes(), CELLS)
    history = np.empty((x.shape[0], frames, h, x.shape[-1]), dtype=np.uint64)
    history[:, 0] = x
    rows = np.empty((x.shape[0], h + 2, x.shape[-1]), dtype=np.uint64)
    for t in range(1, steps + 1):
        rows[:, 1:-1] = x
        rows[:, 0] = x[:, -1]
        rows[:, -1] = x[:, 0]
        west, east = shifter.west(rows), shifter.east(rows)
        above, same, below = slice(0, h), slice(1, h + 1), slice(2, h + 2)
        if moore:
            # Live cells in each row's 3-cell window, as two bit planes...
            we = west ^ rows
            s0, s1 = we ^ east, (west & rows) | (east & we)
            # ...then summed over the three rows into a 4-bit total t3 t2 t1 t0.
            a0, b0, c0 = s0[:, above], s0[:, same], s0[:, below]
            a1, b1, c1 = s1[:, above], s1[:, same], s1[:, below]
            ab0, ab1 = a0 ^ b0, a1 ^ b1
            t0, carry = ab0 ^ c0, (a0 & b0) | (c0 & ab0)
            u, m = ab1 ^ c1, (a1 & b1) | (c1 & ab1)
            t1, carry2 = u ^ carry, u & carry
            inputs = (x, m & carry2, m ^ carry2, t1, t0)
        else:
            inputs = (
                west[:, above], rows[:, above], east[:, above],
                west[:, same], x, east[:, same],
                west[:, below], rows[:, below], east[:, below],
            )
        x = _run_program(ops, out, inputs, like=x)
        if shifter.mask is not None:
            x[..., -1] &= shifter.mask
        if t % every == 0:
            history[:, t // every] = x
    return _unpack_boards(history, n, w, k) if layout == "boards" else _unpack_rows(history, w)


def _simulate_torch(rule: Rule, boards: np.ndarray, steps: int, device, every: int = 1) -> np.ndarray:
    device = torch.device(device)
    n, h, w = boards.shape
    with torch.inference_mode():
        table = torch.tensor(np.array(rule.table), device=device)
        x = torch.as_tensor(boards, device=device).to(torch.int16)
        out = torch.empty((n, steps // every + 1, h, w), dtype=torch.bool, device=device)
        out[:, 0] = x.bool()
        offsets = [(dy, dx, int(weight)) for (dy, dx), weight in zip(WINDOW, MAP_WEIGHTS.ravel())]
        for t in range(1, steps + 1):
            index = torch.zeros_like(x)
            for dy, dx, weight in offsets:
                index += torch.roll(x, shifts=(-dy, -dx), dims=(1, 2)) * weight
            nxt = table[index.long()]
            if t % every == 0:
                out[:, t // every] = nxt
            x = nxt.to(torch.int16)
        return out.cpu().numpy()
