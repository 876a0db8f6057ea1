"""Where and in what precision models compute: the device, the float type, boards as the models take them."""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import torch

from lifelab.errors import InputError

__all__ = [
    "MODEL_DTYPE",
    "device_of",
    "dtype_of",
    "eval_mode",
    "get_device",
    "model_states",
    "one_hot",
]


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
