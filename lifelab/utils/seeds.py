"""Seeds and determinism: a notebook's global seeding, and blocks that leave the global generators as they were."""

from __future__ import annotations

import contextlib
import random
from typing import Iterator

import numpy as np
import torch

from lifelab.utils.checks import check_int

__all__ = ["deterministic", "seed_everything", "seeded"]


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
