"""The symmetries of the square lattice: D4 acting on boards and kernels.

The wallpaper groups the models are built for are translations (every CNN
with circular padding) extended by a point group at each cell:

- ``"trivial"``: translations only;
- ``"p4"``: plus the rotations by multiples of 90 degrees (C4);
- ``"p4m"``: plus the mirror flips as well (D4, 8 elements).

An element is a pair ``(k, flip)`` acting on the last two axes of an array:
first a left-right mirror when ``flip``, then ``k`` quarter turns.  The same
action moves boards, logits and convolution kernels, so a network ``f`` is
equivariant under ``g`` when ``f(g x) == g f(x)``.  Rotations need square
boards: on a torus of shape ``(H, W)`` a quarter turn is a map only when
``H == W``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from lifelab.errors import InputError, InputTypeError
from lifelab.utils import MODEL_DTYPE, check_int, device_of, dtype_of, eval_mode, model_states, model_threads, one_hot

__all__ = [
    "ELEMENT_NAMES",
    "GROUPS",
    "SUBGROUPS",
    "check_element",
    "consistency_loss",
    "equivariance_error",
    "group_elements",
    "inverse",
    "kernel_orbits",
    "project_kernel",
    "transform",
]

#: The point groups by name, each a tuple of ``(quarter_turns, flip)`` elements.
GROUPS: dict[str, tuple[tuple[int, bool], ...]] = {
    "trivial": ((0, False),),
    "p4": tuple((k, False) for k in range(4)),
    "p4m": tuple((k, f) for f in (False, True) for k in range(4)),
}

#: Readable names of the eight D4 elements.
ELEMENT_NAMES: dict[tuple[int, bool], str] = {
    (0, False): "identity",
    (1, False): "rot90",
    (2, False): "rot180",
    (3, False): "rot270",
    (0, True): "flip",
    (1, True): "flip+rot90",
    (2, True): "flip+rot180",
    (3, True): "flip+rot270",
}


def group_elements(group: str) -> tuple[tuple[int, bool], ...]:
    """The elements of a point group.

    Args:
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.

    Returns:
        A tuple of ``(quarter_turns, flip)`` pairs, identity first.

    Raises:
        ValueError: For an unknown group name.
    """
    if not isinstance(group, str) or group not in GROUPS:
        raise InputError(f"unknown symmetry group {group!r}; expected one of {sorted(GROUPS)}")
    return GROUPS[group]


def check_element(g) -> tuple[int, bool]:
    """Validate a D4 element and normalise it to ``(quarter_turns mod 4, flip)``.

    Raises:
        TypeError: If ``g`` is not a ``(int, bool)`` pair.
    """
    if (
        not isinstance(g, tuple)
        or len(g) != 2
        or isinstance(g[0], bool)
        or not isinstance(g[0], (int, np.integer))
        or not isinstance(g[1], (bool, np.bool_))
    ):
        raise InputTypeError(f"a group element is a (quarter_turns: int, flip: bool) pair, got {g!r}")
    return int(g[0]) % 4, bool(g[1])


def inverse(g: tuple[int, bool]) -> tuple[int, bool]:
    """The inverse element: ``transform(transform(x, g), inverse(g)) == x``."""
    k, flip = check_element(g)
    # rotate-after-flip elements are reflections, hence their own inverses
    return (k, True) if flip else ((-k) % 4, False)


def transform(x, g: tuple[int, bool]):
    """Apply a D4 element to the last two axes of a board, logits or kernel.

    Args:
        x: ``numpy.ndarray`` or ``torch.Tensor`` with at least two dimensions.
        g: ``(quarter_turns, flip)``.

    Returns:
        The transformed array, of the same type.

    Raises:
        ValueError: For a rotation of a non-square array.
    """
    k, flip = check_element(g)
    if x.ndim < 2:
        raise InputError(f"need at least 2 dimensions to act on, got shape {tuple(x.shape)}")
    if k % 2 and x.shape[-1] != x.shape[-2]:
        raise InputError(f"a quarter turn needs square boards, got shape {tuple(x.shape[-2:])}")
    if isinstance(x, torch.Tensor):
        t = torch.flip(x, dims=(-1,)) if flip else x
        return torch.rot90(t, k, dims=(-2, -1)) if k else t
    y = np.flip(x, axis=-1) if flip else x
    return np.rot90(y, k, axes=(-2, -1)) if k else y


def kernel_orbits(size: int, group: str) -> np.ndarray:
    """Label the cells of a ``size x size`` kernel by their orbit under a point group.

    A kernel is invariant under the group exactly when it is constant on
    each orbit: for p4 or p4m on 3x3 the orbits are the centre, the four edge
    cells and the four corners.

    Args:
        size: Odd kernel size.
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.

    Returns:
        ``(size, size)`` int array of orbit labels ``0..n_orbits-1``, numbered
        in order of first appearance in reading order.
    """
    size = check_int("kernel size", size, 1)
    if size % 2 == 0:
        raise InputError(f"kernel size must be a positive odd integer, got {size!r}")
    cells = np.arange(size * size).reshape(size, size)
    canonical = np.min([transform(cells, g) for g in group_elements(group)], axis=0)
    _, labels = np.unique(canonical, return_inverse=True)
    first: dict[int, int] = {}
    for label in labels.ravel():
        first.setdefault(int(label), len(first))
    return np.vectorize(first.__getitem__)(labels.reshape(size, size))


def project_kernel(kernel, group: str):
    """Average a kernel over a point group: the nearest invariant kernel.

    This is the orthogonal projection onto invariant kernels (the Reynolds
    operator), so it leaves an already invariant kernel unchanged.

    Args:
        kernel: Array whose last two axes are square spatial axes.
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.

    Returns:
        The projected kernel, same type and shape.
    """
    elements = group_elements(group)
    return sum(transform(kernel, g) for g in elements) / len(elements)


def _as_model_input(boards, states: int = 2, dtype: torch.dtype = MODEL_DTYPE) -> torch.Tensor:
    x = torch.as_tensor(np.asarray(boards) if not isinstance(boards, torch.Tensor) else boards)
    if x.ndim == 3:
        x = one_hot(x != 0 if states == 2 else x, states, dtype)
    if x.ndim != 4 or x.shape[1] != states:
        raise InputError(
            f"boards must be (B, H, W) cell states or one-hot (B, {states}, H, W), got shape {tuple(x.shape)}"
        )
    return x.to(dtype)


@model_threads()
def equivariance_error(model: Callable, boards, group: str = "p4m", per_element: bool = False):
    """How far ``model(g x)`` is from ``g model(x)`` over the elements of a group.

    The model is run in eval mode (batch norm uses its running statistics)
    without gradients and left in the mode it was in.

    Args:
        model: A module mapping ``(B, 2, H, W)`` one-hot boards to ``(B, 2, H, W)`` logits.
        boards: ``(B, H, W)`` 0/1 boards or ``(B, 2, H, W)`` one-hot boards (square for p4, p4m).
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.
        per_element: Return a dict ``{element name: error}`` instead of the maximum.

    Returns:
        The largest absolute difference divided by the largest absolute
        logit (0 means exactly equivariant; rounding leaves about 1e-16 in
        float64, 1e-7 in float32), or a dict of such errors per group element.
    """
    x = _as_model_input(boards, model_states(model), dtype_of(model)).to(device_of(model))
    with eval_mode(model):
        y = model(x)
        scale = y.abs().max().clamp_min(1e-12)
        errors = {
            ELEMENT_NAMES[g]: float((model(transform(x, g)) - transform(y, g)).abs().max() / scale)
            for g in group_elements(group)
        }
    return errors if per_element else max(errors.values())


def consistency_loss(
    model: Callable, x: torch.Tensor, group: str = "p4m", y: torch.Tensor | None = None
) -> torch.Tensor:
    """Soft symmetry constraint: mean squared gap between ``model(g x)`` and ``g model(x)``.

    Added to the training loss it pulls any model towards equivariance
    under the group (the soft counterpart of tied or e2cnn weights).

    Args:
        model: Module mapping one-hot boards to logits.
        x: ``(B, 2, H, W)`` one-hot boards.
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.
        y: ``model(x)`` if already computed (saves a forward pass).

    Returns:
        Scalar tensor: the mean over the non-identity elements of the mean
        squared logit difference (0 for the trivial group).
    """
    elements = group_elements(group)[1:]
    if not elements:
        return x.new_zeros(())
    y = model(x) if y is None else y
    gaps = [(model(transform(x, g)) - transform(y, g)).pow(2).mean() for g in elements]
    return torch.stack(gaps).mean()


#: Every subgroup of D4 up to the choice of axes, by wallpaper-group name, largest first.
#: ``(0, True)`` mirrors left-right, ``(2, True)`` up-down, ``(1, True)`` in the
#: main diagonal (a transpose), ``(3, True)`` in the other diagonal.
SUBGROUPS: dict[str, tuple[tuple[int, bool], ...]] = {
    "p4m": GROUPS["p4m"],
    "p4": GROUPS["p4"],
    "pmm": ((0, False), (2, False), (0, True), (2, True)),
    "cmm": ((0, False), (2, False), (1, True), (3, True)),
    "p2": ((0, False), (2, False)),
    "pm-lr": ((0, False), (0, True)),
    "pm-ud": ((0, False), (2, True)),
    "cm-diag": ((0, False), (1, True)),
    "cm-antidiag": ((0, False), (3, True)),
    "trivial": GROUPS["trivial"],
}
