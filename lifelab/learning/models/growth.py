"""Growing a trained network's symmetry group without starting over: two routes, weight-tied and e2cnn."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import GROUPS, group_elements, project_kernel, transform
from lifelab.learning.models.base import LifeModel
from lifelab.learning.models.equivariant import EquivariantCNN, _gspace, _spatial_conv, enn
from lifelab.learning.models.plain import MinimalCNN
from lifelab.learning.models.tied import TiedCNN, TiedConv2d
from lifelab.utils import device_of, dtype_of, model_threads, seeded

__all__ = ["GROWTH", "ROUTES", "GrowthRoute", "grow_group", "growth_model", "regular_field_elements"]


#: The groups a model can grow through, smallest first.
GROWTH = ("trivial", "p4", "p4m")


@dataclass(frozen=True)
class GrowthRoute:
    """One way a network grows its group: the models it starts and ends as, and where it may grow to.

    Attributes:
        name: ``"tied"`` or ``"e2cnn"``.
        grows_to: The data symmetries the route can grow to.  A tied 3x3
            kernel invariant under p4 is invariant under p4m too (both tie the
            centre, the edges and the corners), so a TiedCNN cannot tell mirror
            images apart and the tied route waits for p4m; e2cnn's regular
            fields carry orientation and can be p4 without being p4m.
    """

    name: str
    grows_to: tuple[str, ...]

    def model(self, group: str, seed: int = 0, states: int = 2) -> LifeModel:
        """A fresh model of the route at a group, seeded, with the default widths (those growth keeps).

        Args:
            group: ``"trivial"``, ``"p4"`` or ``"p4m"``.
            seed: Seed of the initial weights.
            states: Cell states the model reads and predicts.
        """
        if group not in GROWTH:
            raise InputError(f"unknown group {group!r}; expected one of {GROWTH}")
        with seeded(seed):
            if self.name == "e2cnn":
                return EquivariantCNN(group, states=states)
            return MinimalCNN(states=states) if group == "trivial" else TiedCNN(group, states=states)


#: The growth routes by name.
ROUTES: dict[str, GrowthRoute] = {"tied": GrowthRoute("tied", ("p4m",)), "e2cnn": GrowthRoute("e2cnn", ("p4", "p4m"))}


def growth_model(route: str, group: str, seed: int = 0) -> LifeModel:
    """A fresh model of a growth route at a group, seeded (:meth:`GrowthRoute.model`).

    Args:
        route: ``"tied"`` (:class:`MinimalCNN` for translations only, :class:`TiedCNN`
            above) or ``"e2cnn"`` (:class:`EquivariantCNN` at every group).
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.
        seed: Seed of the initial weights.

    Returns:
        The model.
    """
    if route not in ROUTES:
        raise InputError(f"unknown growth route {route!r}; expected one of {tuple(ROUTES)}")
    return ROUTES[route].model(group, seed)


@model_threads()
def grow_group(model: nn.Module, to: str) -> LifeModel:
    """A model for a larger symmetry group, initialised from a trained one.

    Two routes, chosen by the model's family:

    - weight-tied: a :class:`MinimalCNN` (translations only) or a
      :class:`TiedCNN` becomes a :class:`TiedCNN` for ``to``.  The spatial
      kernels are projected onto the ``to``-invariant kernels (the group
      average: the nearest invariant kernel in least squares) and the 1x1
      layers are copied.
    - e2cnn: an :class:`EquivariantCNN` of a smaller group becomes one for
      ``to`` with as many fields.  Each old channel goes to the new channel
      with the same group element in its regular field (the rest start at
      zero), and the new basis coefficients are the least-squares fit to
      those kernels of ``.export()``, layer by layer.  The fit is the group
      average of each layer, so the grown network computes exactly the
      group average of the old one, ``mean over g of g^-1 f(g x)``
      (layers feeding regular fields are scaled by the number of new
      channels per old one, since only that share of each field was filled).

    Either way a model that already has the symmetry of ``to`` is unchanged,
    and the grown model is exactly equivariant under ``to``.

    Args:
        model: The trained model (left untouched).
        to: ``"p4"`` or ``"p4m"``; not smaller than the model's group.

    Returns:
        A new model, on the model's device and in its float type, in the model's train/eval mode.

    Raises:
        ValueError: For an unknown or smaller target group.
        TypeError: For a model of another family.
    """
    if to not in ("p4", "p4m"):
        raise InputError(f"can grow to 'p4' or 'p4m', got {to!r}")
    if not isinstance(model, (TiedCNN, MinimalCNN, EquivariantCNN)):
        raise InputTypeError(
            f"grow_group works on MinimalCNN and TiedCNN (the weight-tied route) and on "
            f"EquivariantCNN (the e2cnn route), got {type(model).__name__}"
        )
    if GROWTH.index(to) < GROWTH.index(model.symmetry):
        raise InputError(f"the model is already {model.symmetry}; {to} is smaller")
    device = device_of(model)
    # building the new model draws initial weights that are overwritten at once: keep the caller's RNG stream
    with torch.random.fork_rng(devices=[]):
        grown = _grow_equivariant(model, to) if isinstance(model, EquivariantCNN) else _grow_tied(model, to)
    return grown.to(device).train(model.training)


def _grow_tied(model: MinimalCNN | TiedCNN, to: str) -> TiedCNN:
    first = model.net[0]
    assert isinstance(first, (TiedConv2d, nn.Conv2d)) and first.bias is not None  # both families build it so
    kernel = first.kernel() if isinstance(first, TiedConv2d) else first.weight
    grown = TiedCNN(
        to, width=model.config["width"], kernel_size=kernel.shape[-1], states=model.config.get("states", 2)
    ).to(kernel.dtype)
    tied = grown._tied()
    with torch.no_grad():
        projected = project_kernel(kernel.detach().cpu(), to)
        cells = F.one_hot(tied.orbits.flatten(), tied.weight.shape[-1]).to(projected.dtype)  # (k*k, orbits)
        tied.weight.copy_(projected.flatten(2) @ cells / cells.sum(0))
        tied.bias.copy_(first.bias)
        for i in (2, 4):
            grown.net[i].load_state_dict(model.net[i].state_dict())
    return grown


@functools.cache
def regular_field_elements(group: str) -> tuple[tuple[int, bool], ...]:
    """The D4 element each channel of an :class:`EquivariantCNN` regular field stands for.

    In the first layer, channel ``j`` of a field holds the field's kernel
    moved by element ``j`` (``transform(kernel, g_j)``), so it responds to
    the pattern turned or flipped by ``g_j``.  Found by experiment on a
    generic kernel rather than read from e2cnn's conventions.

    Args:
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.

    Returns:
        One ``(quarter_turns, flip)`` element per channel, identity first.
    """
    group_elements(group)
    space = _gspace(group)
    conv = _spatial_conv(enn.FieldType(space, [space.trivial_repr]), enn.FieldType(space, [space.regular_repr]), 3)
    with torch.no_grad():
        conv.weights.copy_(torch.randn(conv.weights.shape, generator=torch.Generator().manual_seed(0)))
        kernels = conv.eval().export().weight[:, 0].numpy()
    labels = []
    for kernel in kernels:
        found = [g for g in GROUPS["p4m"] if np.allclose(transform(kernels[0], g), kernel, atol=1e-6)]
        if len(found) != 1:
            raise RuntimeError(f"cannot label the channels of e2cnn's {group} regular field")
        labels.append(found[0])
    return tuple(labels)


def _channel_sources(field_type, group: str, to: str) -> list[int | None]:
    """For each channel of a ``to`` field type, the channel of the ``group`` network it inherits (or None)."""
    old, new = regular_field_elements(group), regular_field_elements(to)
    sources: list[int | None] = []
    offset = 0
    for rep in field_type.representations:
        if rep.name == "regular":
            sources += [offset + old.index(g) if g in old else None for g in new]
            offset += len(old)
        else:
            sources += list(range(offset, offset + rep.size))
            offset += rep.size
    return sources


def _basis_matrix(conv: enn.R2Conv) -> torch.Tensor:
    """The linear map from an ``R2Conv``'s coefficients to its flattened expanded filter."""
    n = conv.weights.numel()
    eye = torch.eye(n, dtype=conv.weights.dtype)
    return torch.stack([conv.basisexpansion(eye[i]).flatten() for i in range(n)], dim=1)


def _grow_equivariant(model: EquivariantCNN, to: str) -> EquivariantCNN:
    config = {k: v for k, v in model.config.items() if k != "group"}
    grown = EquivariantCNN(to, **config).to(dtype_of(model))
    old = [m for m in model.export() if isinstance(m, nn.Conv2d)]
    new = [m for m in grown.net.modules() if isinstance(m, enn.R2Conv)]
    share = len(regular_field_elements(to)) // len(regular_field_elements(model.symmetry))
    with torch.no_grad():
        for plain, conv in zip(old, new, strict=True):
            rows = _channel_sources(conv.out_type, model.symmetry, to)
            cols = _channel_sources(conv.in_type, model.symmetry, to)
            scale = share if any(rep.name == "regular" for rep in conv.out_type.representations) else 1
            kernel = _take(_take(plain.weight.detach().cpu().double(), rows, 0), cols, 1)
            conv.weights.copy_(_least_squares(_basis_matrix(conv), scale * kernel.flatten()))
            if conv.bias is not None:
                assert plain.bias is not None  # the exported layer has a bias where the R2Conv has one
                bias = _take(plain.bias.detach().cpu().double(), rows, 0)
                conv.bias.copy_(_least_squares(conv.bias_expansion, scale * bias))
    return grown


def _take(values: torch.Tensor, sources: list[int | None], dim: int) -> torch.Tensor:
    """``values`` re-indexed along ``dim`` by ``sources``; a None source gives zeros."""
    padded = torch.cat([values, torch.zeros_like(values.narrow(dim, 0, 1))], dim)
    return padded.index_select(dim, torch.tensor([values.shape[dim] if s is None else s for s in sources]))


def _least_squares(basis: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Coefficients ``c`` minimising ``|basis @ c - target|`` (minimum norm: e2cnn's bases are overcomplete).

    The sampled bases have singular values near 1 and, for redundant
    elements, near 1e-13; the cut-off drops the latter instead of inverting them.
    """
    return torch.linalg.lstsq(basis.double().cpu(), target[:, None], rcond=1e-6, driver="gelsd").solution[:, 0]
