"""Simulation: the seagull bridge and a fast batched simulator.

Two ways to run a :class:`~lifelab.rules.lifelike.Rule`:

* through seagull, with ``seagull.Simulator(board).run(rule.seagull_rule(), iters=N)``:
  :class:`SeagullRule` computes each step by convolution, as seagull itself
  does, but for any rule (Moore, von Neumann, hexagonal or a MAP table) and
  without seagull's loose rulestring parser or any patch of site-packages;
* through :func:`simulate`, which advances a whole batch of boards at once on
  a torus or a bounded plane.  On the CPU its default engine is compiled
  (:mod:`lifelab.engines.compiled`, numba, on every core): 2-state and Generations
  3x3 rules as a boolean circuit compiled from the truth table on bit-packed
  rows (64 cells per machine word), Larger than Life from running sums;
  ``engine="numpy"`` is the reference it is tested against; with ``device=``
  it runs in torch on that device.

This is the only module of lifelab that imports seagull, and only when a
function here needs it: seagull imports matplotlib's pyplot, which a headless
``import lifelab`` should not pay for.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Iterable

import numpy as np
import torch

from lifelab.engines.bitpack import simulate_packed, simulate_torch
from lifelab.engines.compiled import pack_rows, run_bits, run_generations, run_hrot, run_ltl, unpack_rows
from lifelab.errors import InputError, InputTypeError
from lifelab.io.boards import validate_boards, validate_trajectories
from lifelab.rules import GenerationsRule, HROTRule, LtLRule, Rule, StochasticRule, parse_rule, rule_reach, rule_states
from lifelab.utils import ENGINES, check_allocation, check_int, check_number, get_device

__all__ = [
    "B0_MODES",
    "ENGINES",
    "PackedHistory",
    "checked_trajectories",
    "golly_b0",
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
            raise InputError(f"{type(form).__name__} of size {fh}x{fw} at {(row, col)} does not fit a {h}x{w} board")
        board.add(form, loc=(row, col))
    return board.state.astype(bool)


def run_seagull(rule, board: np.ndarray, iters: int) -> np.ndarray:
    """Run ``rule`` on one board with seagull's own ``Simulator``.

    Args:
        rule: A rule of any type or a rulestring; it runs through
            :class:`~lifelab.rules.lifelike.SeagullRule` (seagull's convolution with the
            type's count kernel, and a lookup).
        board: A ``(height, width)`` board of states.
        iters: Number of steps.

    Returns:
        seagull's ``get_history()``: a ``(iters + 1, height, width)`` array,
        bool for 2-state rules and uint8 states otherwise.
    """
    rule = parse_rule(rule)
    states = rule_states(rule)
    board = validate_boards(board, states)
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

#: How a simulation treats a 2-state rule with B0 (a dead cell with no live neighbour is born): ``"exact"`` runs
#: the rule itself; ``"golly"`` shows what Golly shows, whose B0 emulation runs complemented rules.
B0_MODES = ("exact", "golly")


def golly_b0(rule) -> tuple[object, bool]:
    """How Golly runs a rule with B0: the rule it steps, and whether it shows odd generations complemented.

    A 2-state 3x3 rule with B0 (a dead cell with no live neighbour is born)
    turns an infinite dead plane all live in one step, which Golly cannot
    hold; it emulates the rule, on a torus as well.  With S8 (a live cell
    with every neighbour live survives) it runs the complemented rule
    ``x -> not R(not x)`` on the pattern; without it, the rule itself,
    showing every odd generation complemented.  (Measured against bgolly
    3.3, ``tests/golden/b0_*``.)

    Returns:
        ``(rule, complement_odd)``: ``rule`` unchanged and False for every rule without B0.
    """
    if not isinstance(rule, Rule) or not rule.table[0]:
        return rule, False
    if rule.table[-1]:
        return Rule.from_table(~rule.table[::-1]), False
    return rule, True


class PackedHistory:
    """A 2-state history 64 cells a word, as ``simulate(..., packed=True)`` returns it.

    An eighth of the bytes of the bool history, and on 2-state 3x3 rules
    several times faster to make, since writing the bool form is most of
    the work there; :meth:`unpack` (or ``np.asarray``) gives the bool form.

    Attributes:
        words: ``(n, frames, height, ceil(width / 64))`` uint64: cell ``x`` of
            a row is bit ``x % 64`` of word ``x // 64``; the bits past the
            row's last cell are 0.
        width: Cells in a row.
    """

    def __init__(self, words: np.ndarray, width: int):
        """Wrap packed words (see the attributes), checked against ``width``."""
        if not isinstance(words, np.ndarray) or words.dtype != np.uint64 or words.ndim != 4:
            raise InputTypeError("words must be a 4-dimensional uint64 numpy array (boards, frames, height, words)")
        width = check_int("width", width, 1)
        if words.shape[3] != -(-width // 64):
            raise InputError(f"rows of {width} cells take {-(-width // 64)} words, not {words.shape[3]}")
        self.words, self.width = words, width

    @classmethod
    def pack(cls, history) -> PackedHistory:
        """The packed form of a bool ``(n, frames, height, width)`` history."""
        history = np.asarray(history)
        if history.dtype != bool or history.ndim != 4:
            raise InputTypeError("a history to pack is a 4-dimensional bool array (boards, frames, height, width)")
        n, frames, h, w = history.shape
        return cls(pack_rows(history.reshape(n * frames, h, w)).reshape(n, frames, h, -1), w)

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """``(n, frames, height, width)``: the shape of the bool form."""
        n, frames, height = self.words.shape[:3]
        return n, frames, height, self.width

    def unpack(self, out: np.ndarray | None = None) -> np.ndarray:
        """The bool history ``(n, frames, height, width)``, into ``out`` when given."""
        return unpack_rows(self.words, self.width, _check_out(out, self.shape, np.dtype(bool)))

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        cells = self.unpack()
        return cells if dtype is None else cells.astype(dtype)

    def __getitem__(self, key) -> np.ndarray:
        """The bool cells of some boards and frames, unpacking only those.

        ``history[i]`` is board ``i``'s frames, ``history[i, t]`` one frame,
        and slices, lists or arrays select as numpy selects on the bool form's
        first two axes; index the cells of the result.
        """
        key = key if isinstance(key, tuple) else (key,)
        if len(key) > 2 or any(k is Ellipsis or k is None for k in key):
            raise InputError("a packed history is indexed by board and frame; index the cells of what it returns")
        words = self.words[key]
        lead, (h, nw) = words.shape[:-2], words.shape[-2:]
        flat = np.ascontiguousarray(words).reshape(-1, 1, h, nw)
        cells = unpack_rows(flat, self.width, np.empty((len(flat), 1, h, self.width), dtype=bool))
        return cells.reshape(*lead, h, self.width)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __len__(self) -> int:
        return self.words.shape[0]

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, PackedHistory) and self.width == other.width and np.array_equal(self.words, other.words)
        )

    def __repr__(self) -> str:
        n, frames, h, w = self.shape
        return f"PackedHistory({n} boards, {frames} frames of {h}x{w})"


def checked_trajectories(trajectories, name: str = "trajectories", states: int | None = 2):
    """:func:`lifelab.io.boards.validate_trajectories`, keeping a :class:`PackedHistory` packed.

    Readers that take one trajectory (or a few frames) at a time, such as the
    evidence counts, the dataset and the stacked trainer's pattern counts,
    read a packed history's words this way without its whole bool form.

    Args:
        trajectories: ``(n, T + 1, H, W)`` cell states, or a :class:`PackedHistory` (2 states).
        name: What to call them in error messages.
        states: As in :func:`~lifelab.io.boards.validate_trajectories` (a packed history holds 2).

    Returns:
        The validated array, or the packed history itself.
    """
    if not isinstance(trajectories, PackedHistory):
        return validate_trajectories(trajectories, name=name, states=states)
    if states not in (None, 2):
        raise InputError(f"{name} are a packed 2-state history, not {states}-state data")
    if len(trajectories) == 0:
        raise InputError(f"{name} hold no trajectories (shape {trajectories.shape})")
    if trajectories.shape[1] < 2:
        raise InputError(f"{name} need at least 2 boards per trajectory (one transition), got {trajectories.shape[1]}")
    return trajectories


def simulate(
    rule,
    boards,
    steps: int,
    *,
    every: int = 1,
    out: np.ndarray | None = None,
    device=None,
    boundary: str | None = None,
    seed=0,
    engine: str = "compiled",
    packed: bool = False,
    b0: str = "exact",
):
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
        rule: A rule of any type (:class:`Rule`, :class:`~lifelab.rules.GenerationsRule`,
            :class:`~lifelab.rules.LtLRule`), a rulestring in any of Golly's
            spellings, or a registry name.
        boards: ``(n, height, width)`` array of cell states (0/1 or bool for
            2-state rules, 0 to ``states - 1`` otherwise); a single
            ``(height, width)`` board is a batch of one.  With a rule that
            names a torus (``:Tw,h``) the boards must be that size.
        steps: Number of steps (0 returns just the initial boards).
        every: Keep every ``every``-th board of the history (it must divide ``steps``; 1 keeps all).
        out: A C-contiguous, writeable array of the result's shape and dtype to write into, or None.
        device: None for the CPU engines (see ``engine``); a torch device
            (``"cuda"``, ``"cpu"``, ``torch.device``) to run in torch
            (bit-packed words for 2-state 3x3 rules).
        boundary: ``"torus"`` (the edges wrap around) or ``"dead"`` (Golly's
            bounded plane: every cell outside the board is dead, always); default
            the rule's grid suffix (``:Pw,h`` is a bounded plane), else a torus.
        seed: An int or ``numpy.random.Generator`` for a
            :class:`~lifelab.rules.StochasticRule` (ignored by deterministic
            rules): the same seed, the same run.
        engine: The CPU engine (``device=None``), one of :data:`ENGINES`:
            ``"compiled"`` (numba; its first call in a fresh install compiles
            and caches the kernels, about half a minute once) or ``"numpy"``
            (the reference).  Stochastic rules always run in numpy.  The
            results are the same cell for cell.
        packed: Return a :class:`PackedHistory` (2-state rules only): 64 cells
            a word, an eighth of the bool history's memory, and for 2-state 3x3
            rules on a torus made without ever writing the bool form.
        b0: ``"exact"`` (the rule itself) or ``"golly"``: a 2-state 3x3 rule with
            B0 as Golly runs and shows it (:func:`golly_b0`); other rules are the same either way.

    Returns:
        ``(n, steps // every + 1, height, width)`` (``out`` itself when given):
        bool for 2-state rules, uint8 states otherwise; ``[:, 0]`` are the
        initial boards, ``[:, -1]`` the last.  With ``packed=True``, the same
        history as a :class:`PackedHistory`.

    Raises:
        ValueError: For a bad rule, states out of range, a bad shape, negative
            steps, ``every`` that is not a positive divisor of ``steps``, or
            ``out`` of the wrong shape or not C-contiguous and writeable, an
            unknown engine, or ``packed=True`` with more than 2 states or with ``out``.
        TypeError: For input of the wrong type, or ``out`` of the wrong dtype.

    Examples:
        >>> import numpy as np
        >>> from lifelab import simulate
        >>> blinker = np.zeros((1, 5, 5), bool)
        >>> blinker[0, 2, 1:4] = True
        >>> history = simulate("B3/S23", blinker, steps=2)
        >>> history.shape, history[0, 1, 1:4, 2].tolist(), bool((history[0, 2] == blinker[0]).all())
        ((1, 3, 5, 5), [True, True, True], True)
    """
    rule = parse_rule(rule)
    boards = validate_boards(boards, rule_states(rule))
    steps = check_int("steps", steps, 0)
    every = check_int("every", every, 1)
    if steps % every:
        raise InputError(f"every={every} must divide steps={steps}, so that the last board is kept")
    grid = rule.grid
    if grid is not None and boards.shape[1:] != grid.shape:
        what = "torus" if grid.kind == "T" else "bounded plane"
        raise InputError(
            f"{rule} runs on a {grid.width}x{grid.height} {what} (width x height); the boards are "
            f"{boards.shape[2]}x{boards.shape[1]}"
        )
    boundary = simulation_boundary(boundary if boundary is not None else grid.boundary if grid is not None else "torus")
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}")
    if not isinstance(packed, bool):
        raise InputTypeError(f"packed must be True or False, got {packed!r}")
    if b0 not in B0_MODES:
        raise InputError(f"b0 must be one of {', '.join(map(repr, B0_MODES))}, got {b0!r}")
    rule, complement_odd = golly_b0(rule) if b0 == "golly" else (rule, False)
    n, h, w = boards.shape
    if packed:
        if rule_states(rule) != 2:
            raise InputError(f"{rule} has {rule_states(rule)} states: only 2-state histories pack into bits")
        if out is not None:
            raise InputError("packed=True makes its own words: out= is for the bool history")
        if _compiled_bits(rule, boards, device, engine) and boundary == "torus" and not complement_odd:
            return PackedHistory(run_bits(rule, boards, steps, every)[0], w)
    history = _check_out(out, (n, steps // every + 1, h, w), boards.dtype)
    if isinstance(rule, StochasticRule):
        if device is not None:
            raise InputError(f"{rule} is stochastic: it runs on the CPU (device=None)")
        rule = _StochasticStep(rule, _stochastic_stream(seed))
    if boundary == "dead":
        history = _simulate_plane(rule, boards, steps, every, history, device, engine)
    else:
        history = _simulate_torus(rule, boards, steps, every, history, device, engine)
    if complement_odd:
        odd = (np.arange(history.shape[1]) * every) % 2 == 1
        history[:, odd] = ~history[:, odd]
    return PackedHistory.pack(history) if packed else history


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


def simulation_boundary(boundary: str) -> str:
    """``"torus"`` or ``"dead"``, the boundaries a simulation has; anything else is refused."""
    if boundary not in ("torus", "dead"):
        raise InputError(f"a simulation's boundary is 'torus' or 'dead' (a bounded plane), got {boundary!r}")
    return boundary


def _simulate_plane(
    rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray, device, engine: str
) -> np.ndarray:
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
        frame = _simulate_torus(rule, frame, 1, 1, step, device, engine)[:, 1]
        frame[:, :r], frame[:, -r:], frame[:, :, :r], frame[:, :, -r:] = 0, 0, 0, 0
        if t % every == 0:
            out[:, t // every] = frame[:, r:-r, r:-r]
    return out


#: Many boards whose rows hold at most ``_LANES_UP_TO`` cells step faster in numpy's lanes (several boards a
#: word) than in the compiled engine's one row a word; fewer boards step faster compiled (16 steps, every frame
#: kept: 1,024 16x16 boards 1.5x faster in lanes, 4,096 2.8x; 256 2.5x faster compiled, one 32x32 16x).
_LANES_UP_TO, _LANES_FROM_BOARDS = 32, 1024


def _compiled_bits(rule, boards: np.ndarray, device, engine: str) -> bool:
    """Whether a 2-state 3x3 rule's boards step in the compiled bit engine."""
    return (
        isinstance(rule, Rule)
        and device is None
        and engine == "compiled"
        and (boards.shape[2] > _LANES_UP_TO or len(boards) < _LANES_FROM_BOARDS)
    )


def _simulate_torus(
    rule, boards: np.ndarray, steps: int, every: int, out: np.ndarray, device, engine: str
) -> np.ndarray:
    """The engines, on a torus: compiled or numpy on the CPU (bit-packed for 2-state 3x3 rules), else torch."""
    if _compiled_bits(rule, boards, device, engine):
        return unpack_rows(run_bits(rule, boards, steps, every)[0], boards.shape[2], out)
    if device is None and engine == "compiled":
        if isinstance(rule, GenerationsRule):
            return run_generations(rule, boards, steps, every, out)
        if isinstance(rule, LtLRule):
            return run_ltl(rule, boards, steps, every, out)
        if isinstance(rule, HROTRule):
            return run_hrot(rule, boards, steps, every, out)
    if isinstance(rule, Rule):
        if device is None:
            return simulate_packed(rule, boards, steps, every, out)
        return simulate_torch(rule, boards, steps, device, every, out)
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
        check_allocation(
            math.prod(shape) * np.dtype(dtype).itemsize,
            f"the history of {shape[0]} boards of {shape[3]}x{shape[2]} over {shape[1]} kept steps",
        )
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
