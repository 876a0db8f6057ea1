"""Checks of boards and trajectories of cell states: the one place their shape, type and values are validated.

:func:`validate_boards` checks what :func:`lifelab.engines.simulation.simulate` steps
(``(n, H, W)``), :func:`validate_trajectories` what the dataset, the
evidence, extraction and the loop read (``(n, T + 1, H, W)``); both give
bool arrays for 2 states and uint8 for more.
"""

from __future__ import annotations

import numpy as np

from lifelab.errors import InputError, InputTypeError

__all__ = ["trajectory_states", "validate_boards", "validate_trajectories"]


def _numeric(values, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} must be an array of cell states, got dtype {arr.dtype}")
    return arr


def _outside(arr: np.ndarray, states: int):
    """The first value that is no state ``0..states - 1``, or None."""
    bad = (arr < 0) | (arr >= states) | (arr != np.round(arr))
    return arr[bad].ravel()[0] if bad.any() else None


def validate_boards(boards, states: int = 2) -> np.ndarray:
    """Check a batch of boards of cell states.

    Args:
        boards: ``(n, H, W)`` array (or one ``(H, W)`` board) of states ``0..states - 1``.
        states: Number of cell states of the rule that will step them.

    Returns:
        ``(n, H, W)``: bool for 2 states, uint8 otherwise.

    Raises:
        TypeError: For non-numeric data.
        ValueError: For a wrong number of dimensions, an empty board, or values outside the states.
    """
    arr = _numeric(boards, "boards")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise InputError(f"boards must have shape (n, height, width) or (height, width), got {arr.shape}")
    if 0 in arr.shape[1:]:
        raise InputError(f"boards must be at least 1x1, got {arr.shape[1:]}")
    if arr.dtype == bool:
        return arr if states == 2 else arr.astype(np.uint8)
    bad = _outside(arr, states)
    if bad is not None:
        raise InputError(
            "boards must hold only 0 and 1"
            if states == 2
            else f"boards must hold states 0-{states - 1} for a {states}-state rule, found {bad!r}"
        )
    return arr.astype(bool) if states == 2 else arr.astype(np.uint8)


def validate_trajectories(trajectories, name: str = "trajectories", states: int | None = 2) -> np.ndarray:
    """Check an array of trajectories of cell states.

    Args:
        trajectories: ``(n, T + 1, H, W)`` array of cell states; a single
            ``(T + 1, H, W)`` trajectory is a batch of one.
        name: What to call the array in error messages (e.g. a file name).
        states: Number of cell states: 2 (0/1 or bool, the default), more
            (Generations or Larger-than-Life data, 0 to ``states - 1``), or
            None to take what the data hold (0/1 is 2 states, else 0-255).

    Returns:
        ``(n, T + 1, H, W)``: bool for 2 states, uint8 otherwise.

    Raises:
        TypeError: For non-numeric data.
        ValueError: For a wrong number of dimensions, fewer than 2 boards per
            trajectory, or values outside the states.
    """
    arr = _numeric(trajectories, name)
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4:
        raise InputError(f"{name} must have shape (n, T+1, H, W), got {arr.shape}")
    if arr.shape[0] == 0:
        raise InputError(f"{name} hold no trajectories (shape {arr.shape})")
    if arr.shape[1] < 2:
        raise InputError(f"{name} need at least 2 boards per trajectory (one transition), got {arr.shape[1]}")
    if min(arr.shape[2:]) < 1:
        raise InputError(f"{name} boards must be at least 1x1, got {arr.shape[2:]}")
    if arr.dtype == bool:
        return arr if states in (2, None) else arr.astype(np.uint8)
    if states is None:
        states = 2 if np.isin(arr, (0, 1)).all() else 256
    bad = _outside(arr, states)
    if bad is not None:
        need = "binary (0/1)" if states == 2 else f"states 0-{states - 1}"
        raise InputError(f"{name} must be {need}, found value {bad!r}")
    return arr.astype(bool) if states == 2 else arr.astype(np.uint8)


def trajectory_states(trajectories) -> int:
    """The number of states trajectories show: 2 for bool data, else one more than the largest state (at least 2)."""
    arr = np.asarray(trajectories)
    return 2 if arr.dtype == bool else max(2, int(arr.max(initial=0)) + 1)
