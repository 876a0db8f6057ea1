"""What a model computes, read without probing: its table on the 512 patterns and its first kernels."""

from __future__ import annotations

import numpy as np
import torch

from lifelab.errors import InputError
from lifelab.geometry import N_PATTERNS, patterns
from lifelab.learning.models.base import predict
from lifelab.learning.models.equivariant import EquivariantCNN
from lifelab.learning.models.tied import TiedConv2d

__all__ = ["first_layer_kernels", "pattern_table"]


def pattern_table(model, pad: int = 2) -> np.ndarray:
    """A model's next state for each 3x3 pattern, set in the middle of an otherwise dead board.

    A quick fingerprint of what a network computes (no probing, one forward
    pass): for a model local to 3x3 it is its rule table.

    Args:
        model: A model of the zoo.
        pad: Dead cells around each pattern.

    Returns:
        ``(512,)`` bool array, MAP order.
    """
    side = 3 + 2 * pad
    boards = np.zeros((N_PATTERNS, side, side), dtype=bool)
    boards[:, pad : pad + 3, pad : pad + 3] = patterns()
    return predict(model, boards)[:, pad + 1, pad + 1]


def first_layer_kernels(model) -> np.ndarray:
    """The first spatial layer's kernels as seen by the alive indicator.

    Inputs are one-hot, so ``dead = 1 - alive`` and a kernel pair
    ``(W_dead, W_alive)`` acts on the board as ``W_alive - W_dead`` plus a
    constant: that difference is what the channel "counts".

    Args:
        model: A model of the zoo (e2cnn models are exported first).

    Returns:
        ``(channels, k, k)`` float array.
    """
    net = model.export() if isinstance(model, EquivariantCNN) else model
    for module in net.modules():
        if isinstance(module, TiedConv2d):
            weight = module.kernel()
        elif isinstance(module, torch.nn.Conv2d) and module.kernel_size[0] > 1:
            weight = module.weight
        else:
            continue
        kernels = weight.detach().cpu().numpy()
        if kernels.shape[1] != 2:
            raise InputError(f"the first spatial layer takes {kernels.shape[1]} channels, expected the 2 one-hot ones")
        return kernels[:, 1] - kernels[:, 0]
    raise InputError(f"{type(model).__name__} has no spatial convolution")
