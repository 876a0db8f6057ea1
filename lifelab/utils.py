"""Small helpers shared by every module: devices, seeding, atomic writes, argument checks, one-hot boards."""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib.metadata
import math
import os
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch
from tqdm.auto import tqdm

from lifelab.errors import InputError, InputTypeError

__all__ = [
    "ENGINES",
    "MAX_CELLS",
    "MODEL_DTYPE",
    "Checked",
    "Flag",
    "OneOf",
    "PairOf",
    "Real",
    "Text",
    "Whole",
    "ascii_digits",
    "at_most_threads",
    "compiled_threads",
    "atomic_path",
    "available_memory",
    "check_allocation",
    "check_int",
    "check_number",
    "data_dir",
    "deterministic",
    "device_of",
    "dtype_of",
    "eval_mode",
    "format_table",
    "get_device",
    "lifelab_version",
    "model_states",
    "model_threads",
    "one_hot",
    "progress_bar",
    "seed_everything",
    "seeded",
    "shorten",
    "validate",
]


#: The most cell states a pattern, or all the boards a recording is read into, may hold (a gigabyte as bytes):
#: readers refuse more before they allocate anything.
MAX_CELLS = 2**30


def ascii_digits(text: str) -> bool:
    """Whether ``text`` is a whole number lifelab reads: 1 to 18 of the digits 0-9 (``str.isdigit`` also takes
    ``²``, which ``int`` refuses, and ``int`` refuses more than 4,300 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


@functools.lru_cache(maxsize=1)
def lifelab_version() -> str:
    """The installed package's version (pyproject.toml is its one home), read once per process."""
    try:
        return importlib.metadata.version("lifelab")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def data_dir() -> Path:
    """The folder where trajectories, checkpoints and figures are written.

    ``$LIFELAB_DATA`` if set; else ``data/`` of the lifelab checkout that
    lifelab runs from (an editable install) or that holds the working
    directory (a notebook in ``notebooks/`` with lifelab installed from the
    wheel); else ``data/`` in the working directory.  Created if missing.
    """
    if os.environ.get("LIFELAB_DATA"):
        folder = Path(os.environ["LIFELAB_DATA"])
    else:
        here = Path.cwd().resolve()
        candidates = (Path(__file__).resolve().parent.parent, here, *here.parents)
        checkout = next((c for c in candidates if (c / "pyproject.toml").is_file() and (c / "lifelab").is_dir()), None)
        folder = checkout / "data" if checkout is not None else here / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def get_device(prefer: str | None = None) -> torch.device:
    """The torch device to compute on: CUDA when present, else the CPU.

    Args:
        prefer: Force a device (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, or a
            ``torch.device``); None picks CUDA if available.

    Returns:
        A ``torch.device``.

    Raises:
        ValueError: If ``prefer`` is not a device name, is not a device that computes
            (``"meta"``), or names a device this machine does not have.
    """
    if prefer is not None:
        if isinstance(prefer, torch.device):
            prefer = str(prefer)
        try:
            device = torch.device(prefer)
        except (RuntimeError, TypeError):
            raise InputError(f"unknown device {prefer!r}; expected e.g. 'cpu', 'cuda' or 'cuda:0'") from None
        if device.type not in ("cpu", "cuda", "mps"):
            raise InputError(f"device {prefer!r} cannot train lifelab's models; use 'cpu' or 'cuda'")
        if device.type == "cuda" and not torch.cuda.is_available():
            raise InputError(f"device {prefer!r} requested but CUDA is not available")
        if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
            raise InputError(f"device {prefer!r} requested but there are {torch.cuda.device_count()} CUDA devices")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise InputError(f"device {prefer!r} requested but Apple's MPS backend is not available")
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def seed_everything(seed: int) -> np.random.Generator:
    """Seed python, numpy, torch (and CUDA); make torch deterministic: for a notebook's or script's first cell.

    This changes the process's global generators and torch's determinism
    flag, which is what a notebook wants and what a library must not do:
    lifelab's own functions never call it (they use :func:`seeded` and
    explicit generators).

    Args:
        seed: Non-negative integer seed.

    Returns:
        A fresh ``numpy.random.Generator`` seeded with ``seed``, for code that
        takes a generator explicitly.
    """
    seed = check_int("seed", seed, 0)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return np.random.default_rng(seed)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run a block with torch's generators seeded, and leave every global generator as it was found.

    For code that draws from torch's global generator and cannot be handed
    one (a module's weight initialisation, e2cnn's layers, all on the CPU):
    inside the block torch's CPU generator starts from ``seed``; after it,
    torch's, numpy's and Python's global generator states are those before
    the block.

    Args:
        seed: Non-negative integer seed.
    """
    seed = check_int("seed", seed, 0)
    python_state, numpy_state = random.getstate(), np.random.get_state()
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        try:
            yield
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)


@contextlib.contextmanager
def deterministic() -> Iterator[None]:
    """Run a block with torch's deterministic algorithms on (warning where an op has none); the flag restored after."""
    before, warn_only = (
        torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
    )
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before, warn_only=warn_only)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    Whatever the block writes to the temporary path replaces ``path`` in one
    rename, so readers never see a half-written file; on error the temporary
    file is removed and ``path`` is left as it was.

    Args:
        path: The final file path; its folder is created if missing.
        suffix: Suffix for the temporary file (default: that of ``path``), for
            writers that choose the format by extension.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix or path.suffix)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename and str(exc.filename) != str(path) else ""
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc}{where})") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.errno in _WRITE_FAILURES:  # the machine's fault (a full disk, a read-only place), said in one line
            raise InputError(f"{path}: could not be written ({exc.strerror}); nothing was left half-written") from None
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


#: The errors of a write the machine refuses: a full disk or quota, a read-only file system, no permission.
_WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def available_memory() -> int:
    """Bytes of memory this process can still allocate without swapping: Linux's MemAvailable, else physical memory."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows): no limit known
        return 2**63


#: Below this many bytes an allocation is not checked against the free memory (reading it costs more).
_SMALL = 1 << 24


def check_allocation(nbytes: int, what: str) -> None:
    """Refuse, before allocating, an array that does not fit in the memory the machine has free.

    Args:
        nbytes: The size the array would take.
        what: What asks for it, for the message (a file name, ``"the history of 64 boards of 4096x4096"``).

    Raises:
        InputError: Naming ``what``, the size asked for and the memory available.
    """
    if nbytes < _SMALL:
        return
    free = available_memory()
    if nbytes > free:
        raise InputError(f"{what} needs {_bytes(nbytes)} of memory; this machine has {_bytes(free)} available")


def _bytes(n: float) -> str:
    units = ("bytes", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    power = 0
    while n >= 1000 and power < len(units) - 1:
        n, power = n / 1000, power + 1
    return f"{n:.0f} bytes" if power == 0 else f"{n:.3g} {units[power]}"


def format_table(rows: list[dict]) -> str:
    """Rows of dicts (same keys) as fixed-width text: a header, then one line per row; None prints as ``-``."""
    if not rows:
        raise InputError("no rows to format")
    columns = list(rows[0])
    cells = [[("-" if v is None else str(v)) for v in row.values()] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def check_int(name: str, value, low: int = 0, high: int | None = None) -> int:
    """Validate an integer argument (bools are not integers here).

    Args:
        name: The argument's name, for the message.
        value: The value given.
        low: Smallest value allowed.
        high: Largest value allowed (None: no limit).

    Returns:
        ``value`` as a Python int.

    Raises:
        ValueError: Naming the argument, what it must be and what it got.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < low
        or (high is not None and value > high)
    ):
        if high is not None:
            need = f"an integer in {low}-{high}"
        else:
            need = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f"an integer >= {low}")
        raise InputError(f"{name} must be {need}, got {value!r}")
    return int(value)


def check_number(
    name: str,
    value,
    low: float | None = None,
    high: float | None = None,
    *,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """Validate a finite real argument within bounds.

    Args:
        name: The argument's name, for the message.
        value: The value given.
        low: Lower bound (None: none).
        high: Upper bound (None: none).
        open_low: Exclude ``low`` itself.
        open_high: Exclude ``high`` itself.

    Returns:
        ``value`` as a float.

    Raises:
        ValueError: Naming the argument, its range and what it got.
    """
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float, np.integer, np.floating))
        and math.isfinite(value)
    )
    if ok and low is not None:
        ok = value > low if open_low else value >= low
    if ok and high is not None:
        ok = value < high if open_high else value <= high
    if not ok:
        if low is not None and high is not None:
            need = f"a number in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
        elif low == 0:
            need = "a positive number" if open_low else "a non-negative number"
        elif low is not None:
            need = f"a number {'>' if open_low else '>='} {low:g}"
        else:
            need = "a finite number"
        raise InputError(f"{name} must be {need}, got {value!r}")
    return float(value)


# -- declared constraints -----------------------------------------------------------------------------------------
# A setting declares what it accepts once, as a tuple of constraints (as scikit-learn's ``_parameter_constraints``):
# :func:`validate` checks a value against them, and the command line derives an option's type and choices from them.


@dataclass(frozen=True)
class Whole:
    """Integers from ``low`` to ``high`` (None: no limit)."""

    low: int = 0
    high: int | None = None

    def check(self, name: str, value) -> int:
        """``value`` as an int, or an InputError naming ``name``."""
        return check_int(name, value, self.low, self.high)

    def parse(self, text: str) -> int:
        """The command line's reading of ``text``."""
        try:
            value = int(text)
        except ValueError:
            raise InputError(f"must be a whole number, got {text!r}") from None
        return self.check("the value", value)


@dataclass(frozen=True)
class Real:
    """Finite numbers between ``low`` and ``high`` (each bound excluded when its ``open_`` flag is set)."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False

    def check(self, name: str, value) -> float:
        """``value`` as a float, or an InputError naming ``name``."""
        return check_number(name, value, self.low, self.high, open_low=self.open_low, open_high=self.open_high)

    def parse(self, text: str) -> float:
        """The command line's reading of ``text``."""
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"must be a number, got {text!r}") from None
        return self.check("the value", value)


@dataclass(frozen=True)
class OneOf:
    """One of ``values``; ``message`` (with ``{name}``, ``{values}`` and ``{value}``) words the refusal."""

    values: tuple
    message: str = "{name} must be one of {values}, got {value!r}"

    def check(self, name: str, value):
        """``value`` itself, or an InputError naming ``name`` and the values allowed."""
        if isinstance(value, bool) or value not in self.values:
            raise InputError(self.message.format(name=name, values=list(self.values), value=value))
        return value


@dataclass(frozen=True)
class Flag:
    """True or False."""

    def check(self, name: str, value) -> bool:
        """``value`` itself, or an InputTypeError naming ``name``."""
        if not isinstance(value, bool):
            raise InputTypeError(f"{name} must be True or False, got {value!r}")
        return value


@dataclass(frozen=True)
class PairOf:
    """Two values each meeting ``item``, such as ``(height, width)``."""

    item: Whole
    what: str = "(height, width)"

    def check(self, name: str, value) -> tuple:
        """``value`` as a tuple, or an error naming ``name``."""
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
            raise InputTypeError(f"{name} must be {self.what}, got {value!r}")
        return tuple(self.item.check(name, v) for v in value)


@dataclass(frozen=True)
class Text:
    """A string."""

    def check(self, name: str, value) -> str:
        """``value`` itself, or an InputTypeError naming ``name``."""
        if not isinstance(value, str):
            raise InputTypeError(f"{name} must be a string, got {value!r}")
        return value


@dataclass(frozen=True)
class Checked:
    """What a check function accepts: it raises an InputError for anything else (its result is not kept).

    ``parse`` reads the command line's text; ``choices`` lists what the command line offers.
    """

    function: Callable
    parse: Callable | None = None
    choices: tuple | None = None

    def check(self, name: str, value):
        """``value`` itself, once the function has accepted it."""
        self.function(value)
        return value


def validate(name: str, value, constraints: tuple):
    """A value checked against a setting's declared constraints: the value, normalised (an int, a float, a tuple).

    ``None`` in ``constraints`` allows None; the first other constraint decides.

    Args:
        name: The setting's name, for messages.
        value: The value given.
        constraints: ``(None?, constraint)``: a :class:`Whole`, :class:`Real`, :class:`OneOf`, :class:`Flag`,
            :class:`PairOf`, :class:`Text` or :class:`Checked`.

    Raises:
        InputError: Naming the setting, what it accepts and what it got.

    Examples:
        >>> validate("seed", 3, (Whole(0),))
        3
        >>> validate("mode", "greedy", (OneOf(("random", "query")),))
        Traceback (most recent call last):
        ...
        lifelab.errors.InputError: mode must be one of ['random', 'query'], got 'greedy'
    """
    if value is None and None in constraints:
        return None
    rule = next(c for c in constraints if c is not None)
    return rule.check(name, value)


MODEL_DTYPE = torch.float64
"""The float type lifelab trains and runs its models in (on every device, unless ``amp``).

Measured (a weight-tied p4m network trained 100 epochs on HighLife, on one
machine with torch's, oneDNN's and MKL's kernels at their default AVX-512
and pinned to SSE4): in float32 the run converged at epoch 35 with one
instruction set and never within 100 epochs with the other, since a
different rounding of a sum sent it into another minimum; in float64 both
gave the same run, to ten digits of every weight.  Float64 costs 1.4x to
1.8x per epoch for these networks of a thousand parameters on the CPU;
it is what makes trained networks, and the rules and numbers read from
them, the same on every CPU.
"""


def one_hot(boards, states: int = 2, dtype: torch.dtype = MODEL_DTYPE) -> torch.Tensor:
    """Boards ``(..., H, W)`` of cell states (a tensor or an array) as the models take them: ``(..., states, H, W)``.

    Channel ``s`` is 1 where a cell is in state ``s`` (for 2 states: channel 1 = alive); ``dtype`` the models'.
    """
    boards = torch.as_tensor(np.asarray(boards)) if not isinstance(boards, torch.Tensor) else boards
    if states == 2:
        alive = boards.bool()
        return torch.stack([~alive, alive], dim=-3).to(dtype)
    return torch.nn.functional.one_hot(boards.long(), states).movedim(-1, -3).to(dtype)


def model_states(model) -> int:
    """The number of cell states a model reads and predicts (2 unless it was built for more)."""
    return getattr(model, "config", {}).get("states", 2)


def dtype_of(module) -> torch.dtype:
    """The float type of a module's parameters (:data:`MODEL_DTYPE` for a module without parameters)."""
    parameters = module.parameters() if isinstance(module, torch.nn.Module) else iter(())
    parameter = next(iter(parameters), None)
    return parameter.dtype if parameter is not None and parameter.is_floating_point() else MODEL_DTYPE


def device_of(module) -> torch.device:
    """Where a module's parameters live (the CPU for a module without parameters, or not a module)."""
    parameters = module.parameters() if isinstance(module, torch.nn.Module) else iter(())
    parameter = next(iter(parameters), None)
    return parameter.device if parameter is not None else torch.device("cpu")


@contextlib.contextmanager
def eval_mode(module) -> Iterator:
    """Run a block with a module in eval mode and without gradients; its train/eval mode is restored after."""
    training = getattr(module, "training", False)
    if isinstance(module, torch.nn.Module):
        module.eval()
    try:
        with torch.no_grad():
            yield module
    finally:
        if isinstance(module, torch.nn.Module):
            module.train(training)


MODEL_THREADS = 1
"""torch's intra-op threads while lifelab trains or runs its models on the CPU.

Measured by ``bench/threads.py`` on a 2-core CPU: models of about a
thousand parameters on 32x32 boards are no faster on two threads than on
one when the machine is quiet, and several times slower when another
process keeps a core busy; and reductions split over a machine-dependent
number of threads change the last bits of the results.  Every lifelab call
that trains or runs a model (:func:`lifelab.learning.training.train`,
:func:`lifelab.learning.models.predict`, :func:`lifelab.learning.training.evaluate`, the
extraction, the loop, the sweep) runs inside :func:`model_threads`; the
caller's own torch setting is left as it was.
"""


@contextlib.contextmanager
def model_threads() -> Iterator:
    """Run torch on :data:`MODEL_THREADS` CPU threads (the caller's setting is restored after).

    Also a decorator.  With one thread the same seed gives the same numbers
    whatever the machine's thread count.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(MODEL_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


#: The CPU engines (:func:`lifelab.engines.simulation`, a rule table's ``next_states``): numba-compiled loops (the
#: default), and the numpy reference.
ENGINES = ("compiled", "numpy")

_cap: list[int] = []  # the innermost at_most_threads() limit, if any


@contextlib.contextmanager
def compiled_threads() -> Iterator:
    """numba's threads for the calling thread set to the CPUs this process may use (restored after)."""
    import numba as nb  # here: numba loads with the first compiled kernel, not with every lifelab import

    before = nb.get_num_threads()
    # numba.config sets its options through globals(), which its type information does not show
    limit = min(len(os.sched_getaffinity(0)), nb.config.NUMBA_NUM_THREADS, *_cap[-1:])  # type: ignore[attr-defined]
    nb.set_num_threads(max(1, limit))
    try:
        yield
    finally:
        nb.set_num_threads(before)


@contextlib.contextmanager
def at_most_threads(n: int) -> Iterator:
    """Within the block, the compiled kernels use at most ``n`` threads (processes sharing the cores)."""
    _cap.append(max(1, int(n)))
    try:
        yield
    finally:
        _cap.pop()


@contextlib.contextmanager
def progress_bar(total: int, desc: str, *, enabled: bool = True, unit: str = "it") -> Iterator:
    """A tqdm bar (a widget in Jupyter, text elsewhere) that tells the truth when it ends.

    A block that ends normally is a success however far the bar got: a
    training that converged early or a loop whose rule is determined ends
    green, its total cut to the steps it took.  A block that raises leaves
    the bar where it stopped, red in Jupyter.  The bar stays on screen (and
    in a saved notebook's widget state).

    Args:
        total: Steps expected at most.
        desc: Which run this is, shown before the bar.
        enabled: False shows nothing.
        unit: What a step is.

    Yields:
        The tqdm bar, to ``update()`` and ``set_postfix()``.
    """
    bar = tqdm(total=total, desc=desc, disable=not enabled, unit=unit)
    try:
        yield bar
    except BaseException:
        bar.close()
        raise
    if bar.n < total:
        bar.total = bar.n
        widget = getattr(bar, "container", None)
        if widget is not None:  # tqdm.notebook's progress widget keeps its own maximum
            widget.children[1].max = max(bar.n, 1)
    bar.close()


def shorten(text: object, width: int = 24) -> str:
    """``text`` (or a rule, as its string) cut to ``width`` characters with an ellipsis (a MAP rulestring is 86),
    for labels."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
