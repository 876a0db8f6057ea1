"""Arrays as people save them: lifelab's own ``.npz``, any ``.npz`` or ``.npy``, values and axis order read.

- **lifelab's files** (:func:`lifelab.learning.data.save_trajectories`): bit-packed
  ``boards`` or many-state ``states``, with JSON ``metadata``.
- **Anyone's**: an ``.npz`` holding one array under any name (``trajectories``
  is taken when present; ``key=`` names one among several), or an ``.npy``.
  Its values: 0/1 and bool are dead/alive, whole numbers 0..k-1 are states;
  any other two values (0/255, -1/1, 0.0/0.5) are read smaller as dead, and
  more than two in the order of their values, each such reading stated.
  Arrays of colours (a last axis of 3 or 4: RGB, RGBA) are pictures, read as
  pictures are (:mod:`lifelab.io.recording`).
- **Axis order**: trajectories are ``(n, T + 1, H, W)`` or one ``(T + 1, H,
  W)``.  A board stored ``(H, W, T)`` is recognised by the locality every
  cellular automaton has: where a cell's 3x3 neighbourhood does not change
  from one frame to the next, the cell does not change in the frame after
  that.  Along the true time axis that holds (almost) always, along a space
  axis it does not; ``axes="HWT"`` (or any order of ``N``, ``T``, ``H``,
  ``W``, ``C``) states it.
"""

from __future__ import annotations

import json
import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from lifelab.errors import InputError
from lifelab.io.boards import validate_trajectories
from lifelab.io.colours import Reading, read_states
from lifelab.rules import parse_rule, rule_states
from lifelab.utils import check_allocation

__all__ = ["FORMAT_VERSION", "check_npz_sizes", "lifelab_trajectories", "load_arrays", "order_axes", "value_states"]

#: The version of lifelab's trajectory files (written by :func:`lifelab.learning.data.save_trajectories`).
FORMAT_VERSION = 1
#: Letters of an axis order: trajectories, time, height, width, colour channels.
AXES = "NTHWC"
#: Largest share of unchanged neighbourhoods followed by a change along a time axis that is taken as local.
LOCAL = 0.05


def _declared_bytes(stream) -> tuple[tuple, int]:
    """The shape and size in bytes a ``.npy`` stream's header declares (the stream is left after the header)."""
    version = np.lib.format.read_magic(stream)
    shape, _, dtype = (
        np.lib.format.read_array_header_1_0(stream)
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0(stream)
    )
    return shape, math.prod(shape) * dtype.itemsize


def check_npz_sizes(path: Path) -> None:
    """Check each array a ``.npz`` (or ``.npy``) file declares against the bytes it holds and the machine's memory.

    A header can claim any shape; numpy would try to allocate it before
    finding the data missing.
    """
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [info for info in archive.infolist() if info.filename.endswith(".npy")]
                declared = []
                for info in members:
                    with archive.open(info) as member:
                        declared.append((info.filename[:-4], *_declared_bytes(member), info.file_size))
        else:
            with open(path, "rb") as stream:
                declared = [("the array", *_declared_bytes(stream), path.stat().st_size)]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise InputError(
            f"{path}: not a readable .npz or .npy file (truncated, corrupt, encrypted or compressed "
            f"in a way numpy does not write: {exc})"
        ) from None
    for name, shape, size, held in declared:
        if size > held:
            raise InputError(f"{path}: {name!r} declares shape {shape} ({size:,} bytes) but the file holds {held:,}")
    # what reading builds from them too: the decompressed arrays, the values found, the states, their checks
    check_allocation(6 * sum(size for _, _, size, _ in declared), f"{path}: its arrays and what is read from them")


def load_arrays(path) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` file, or the one of an ``.npy`` file (named ``""``), sizes checked first."""
    path = Path(path)
    check_npz_sizes(path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.ndarray):
            return {"": loaded}
        with loaded as npz:
            return {key: npz[key] for key in npz.files}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise InputError(f"{path}: not a readable .npz or .npy file (truncated or corrupt: {exc})") from None


def lifelab_trajectories(arrays: dict, path) -> tuple[np.ndarray, dict] | None:
    """The trajectories and metadata of a file lifelab wrote, or None when the arrays are not lifelab's format."""
    if "metadata" not in arrays or not ({"states", "boards"} & set(arrays)):
        return None
    try:
        meta = json.loads(str(arrays["metadata"]))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path}: unreadable metadata ({type(exc).__name__}: {str(exc)[:80]})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}: its metadata are not a JSON object")
    if meta.get("format") != FORMAT_VERSION:
        raise InputError(
            f"{path}: written in trajectory format {meta.get('format')!r}; this lifelab reads format "
            f"{FORMAT_VERSION} (regenerate the file)"
        )
    if "states" in arrays:
        traj = validate_trajectories(arrays["states"], name=str(path), states=None)
    else:
        try:
            shape = tuple(int(s) for s in meta["array_shape"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: unreadable metadata ({exc})") from None
        packed = arrays["boards"]
        if (
            len(shape) != 4
            or packed.dtype != np.uint8
            or packed.shape[:3] != shape[:3]
            or packed.shape[3] != -(-shape[3] // 8)
        ):
            raise InputError(f"{path}: packed boards {packed.shape} do not match the stored shape {shape}")
        check_allocation(2 * math.prod(shape), f"{path}: its {'x'.join(map(str, shape))} trajectories")
        traj = validate_trajectories(np.unpackbits(packed, axis=-1, count=shape[3]).astype(bool), name=str(path))
    if isinstance(meta.get("rule"), str):  # the rule the file names bounds its states
        try:
            states = rule_states(parse_rule(meta["rule"]))
        except ValueError:
            states = None
        if states is not None:
            traj = validate_trajectories(traj, name=f"{path} (rule {meta['rule']})", states=states)
    return traj, meta


def pick_array(arrays: dict, key: str | None, path) -> tuple[str, np.ndarray]:
    """The array to read from a file's arrays: ``key``, else ``trajectories``, else the only one."""
    if key is not None:
        if key not in arrays:
            raise InputError(f"{path}: has no array {key!r}; it holds {', '.join(map(repr, sorted(arrays)))}")
        return key, arrays[key]
    if "trajectories" in arrays:
        return "trajectories", arrays["trajectories"]
    if len(arrays) == 1:
        return next(iter(arrays.items()))
    raise InputError(
        f"{path}: holds {len(arrays)} arrays ({', '.join(map(repr, sorted(arrays)))}); name the one to "
        "read (--key NAME, key= in Python)"
    )


def _check_axes(axes: str, ndim: int, source: str) -> str:
    axes = axes.upper()
    if len(axes) != ndim or len(set(axes)) != ndim or not set(axes) <= set(AXES) or not {"T", "H", "W"} <= set(axes):
        raise InputError(
            f"{source}: axes {axes!r} do not fit an array of {ndim} dimensions: name each axis once, "
            f"with T (time), H (height), W (width) and optionally N (trajectories) and C (colour), "
            "e.g. THW or HWT"
        )
    return axes


def _violations(frames: np.ndarray) -> tuple[float, int]:
    """Share of cells whose 3x3 neighbourhood did not change in a step but which change in the next, and how many
    such cells there were; frames ``(T, H, W)``."""
    if frames.shape[0] < 3 or min(frames.shape[1:]) < 3:
        return 0.0, 0
    frames = frames[: min(len(frames), 64)]
    now, before = frames[1:-1], frames[:-2]
    still = np.ones(now[:, 1:-1, 1:-1].shape, dtype=bool)
    h, w = frames.shape[1:]
    for dy in range(3):
        for dx in range(3):
            still &= now[:, dy : h - 2 + dy, dx : w - 2 + dx] == before[:, dy : h - 2 + dy, dx : w - 2 + dx]
    changed = frames[2:, 1:-1, 1:-1] != now[:, 1:-1, 1:-1]
    considered = int(still.sum())
    return (float((still & changed).sum()) / considered if considered else 0.0), considered


def order_axes(array: np.ndarray, axes: str | None, source: str) -> tuple[np.ndarray, str]:
    """The array in the order ``(N, T, H, W)`` (``(N, T, H, W, C)`` for colours), and what was decided.

    Args:
        array: The array as stored.
        axes: Its axis order when stated (letters of ``NTHWC``), else None: ``THW``/``NTHW`` (with a last colour
            axis of 3 or 4 when its values look like colours), or ``HWT``/``NHWT`` when only that order is local.
        source: What is read, for messages.

    Returns:
        ``(array, note)``: the reordered array (a view) and a sentence on the order taken.
    """
    ndim = array.ndim
    if axes is not None:
        axes = _check_axes(axes, ndim, source)
        note = f"axes {axes} as stated"
    elif ndim in (4, 5) and array.shape[-1] in (3, 4) and (array.dtype == np.uint8 or ndim == 5):
        axes = "NTHWC" if ndim == 5 else "THWC"
        note = f"axes {axes}: a last axis of {array.shape[-1]} read as colour channels"
    elif ndim in (3, 4):
        default, other = ("THW", "HWT") if ndim == 3 else ("NTHW", "NHWT")
        first = _standard(array, default)
        rate, considered = _violations(_first_trajectory(first))
        alternative = _standard(array, other)
        other_rate, other_considered = _violations(_first_trajectory(alternative))
        if rate > LOCAL and other_considered >= 100 and other_rate <= LOCAL and rate >= 3 * other_rate + LOCAL:
            axes = other
            note = (
                f"axes {other}: along the last axis a cell whose neighbourhood stood still stays still "
                f"({other_rate:.1%} do not), along the first {rate:.1%} do not, so time runs along the last axis"
            )
        elif rate > 0.3 and considered >= 100:
            raise InputError(
                f"{source}: an array of shape {array.shape} in which no axis behaves as time (a cell "
                f"whose neighbourhood stood still changes next in {rate:.0%} of cases along the first "
                f"axis, {other_rate:.0%} along the last); state the order with --axes (e.g. "
                f"{default} or {other})"
            )
        else:
            axes = default
            note = f"axes {default}"
    else:
        raise InputError(
            f"{source}: an array of shape {array.shape}; trajectories are (n, T+1, H, W) or one "
            "(T+1, H, W) (state another order with --axes, e.g. HWT)"
        )
    return _standard(array, axes), note


def _standard(array: np.ndarray, axes: str) -> np.ndarray:
    """``array`` reordered to ``NTHW`` (``NTHWC`` when it has a C axis), N added when missing."""
    target = "NTHWC" if "C" in axes else "NTHW"
    if "N" not in axes:
        array, axes = array[None], "N" + axes
    return np.transpose(array, [axes.index(letter) for letter in target])


def _first_trajectory(array: np.ndarray) -> np.ndarray:
    return np.asarray(array[0])


def value_states(array: np.ndarray, source: str, dead=None) -> tuple[np.ndarray, Reading | None]:
    """Cell states from an array's values, and the reading when one was chosen.

    Args:
        array: ``(n, T + 1, H, W)`` numbers.
        source: What is read, for messages.
        dead: The value the user states is dead (state 0).

    Returns:
        ``(trajectories, reading)``: states (bool for two, uint8 otherwise) and a :class:`~lifelab.io.colours.Reading`
        (None when the values are the states already: bool, or every whole number 0..k-1 for two or more).
    """
    if array.dtype.kind not in "biuf":
        raise InputError(f"{source}: holds {array.dtype} values, not cell states")
    if array.dtype == bool and dead is None:
        return validate_trajectories(array, name=source, states=None), None
    if array.dtype == np.uint8:  # the values present, counted a slice at a time (no sorted or widened copy)
        flat, seen = array.reshape(-1), np.zeros(256, bool)
        for start in range(0, len(flat), 1 << 22):
            seen[np.bincount(flat[start : start + (1 << 22)], minlength=256) > 0] = True
        values = np.flatnonzero(seen).astype(np.uint8)
    else:
        check_allocation(2 * array.nbytes, f"{source}: sorting its {array.size:,} values")
        values = np.unique(array)
    if array.dtype.kind == "f" and not np.isfinite(values).all():
        raise InputError(f"{source}: holds values that are not finite (nan or inf)")
    if len(values) > 256:
        raise InputError(
            f"{source}: holds {len(values):,} different values; cell states are at most 256 "
            "(a picture's pixel values? save it as a picture or as an array of states)"
        )
    whole = bool((values == np.round(values)).all())
    if dead is None and whole and values[0] == 0 and values[-1] == len(values) - 1 and len(values) != 1:
        return validate_trajectories(array, name=source, states=None), None
    labels = [_label(v) for v in values]
    if len(values) < 2:
        raise InputError(f"{source}: every cell holds {labels[0]}, no states to read")
    if array.dtype == np.uint8:  # a table of the 256 values: no wider copy of a large array
        lookup = np.zeros(256, np.uint8)
        lookup[values.astype(np.int64)] = np.arange(len(values), dtype=np.uint8)
        index = lookup[array]
    else:
        check_allocation(9 * array.size, f"{source}: reading its {array.size:,} values")
        index = np.searchsorted(values, array).astype(np.uint8)
    if dead is not None:
        return read_states(index, labels, None, dead=_label(_number(dead, source)), source=source, what="value")
    if len(values) == 2:
        return index.astype(bool), Reading(
            tuple(labels), "the smaller value taken as dead", alternatives=(tuple(labels[::-1]),), what="value"
        )
    return index, Reading(tuple(labels), "the values in their order taken as states 0, 1, ...", what="value")


def _label(value) -> str:
    value = float(value)
    return str(int(value)) if value == round(value) else f"{value:g}"


def _number(text, source: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        raise InputError(f"{source}: holds numbers; --dead {text!r} is no number") from None
