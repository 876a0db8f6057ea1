"""How much a network's first-layer kernels look like neighbour-count kernels (Moore, von Neumann)."""

from __future__ import annotations

import numpy as np

from lifelab.errors import InputError
from lifelab.geometry import NEIGHBOURHOODS
from lifelab.utils import model_threads

__all__ = ["count_kernel_similarity"]


@model_threads()
def count_kernel_similarity(kernels) -> dict[str, np.ndarray]:
    """How much each 3x3 kernel looks like a neighbour-count kernel, ignoring the centre.

    The centre weight only tells the cell's own state apart; the eight
    others say how neighbours are counted.  The cosine similarity of those
    eight weights with the Moore count (all ones) and the von Neumann count
    (edges only) is +-1 when a channel counts exactly that neighbourhood
    (the sign is the direction it counts in).

    Args:
        kernels: ``(channels, 3, 3)`` array, e.g. from :func:`lifelab.learning.models.first_layer_kernels`.

    Returns:
        ``{"moore": (channels,), "vonneumann": (channels,)}`` cosine similarities.
    """
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim != 3 or kernels.shape[1:] != (3, 3):
        raise InputError(f"need (channels, 3, 3) kernels, got shape {kernels.shape}")
    ring = np.ones((3, 3), dtype=bool)
    ring[1, 1] = False
    values = kernels[:, ring]
    norms = np.linalg.norm(values, axis=1).clip(1e-12)
    out = {}
    for name in ("moore", "vonneumann"):
        template = NEIGHBOURHOODS[name][ring].astype(float)
        out[name] = values @ template / (norms * np.linalg.norm(template))
    return out
