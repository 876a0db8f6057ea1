"""The e2cnn route to symmetry: group-equivariant convolutions with regular hidden fields.

Only this module (and :mod:`lifelab.learning.models.growth`, which grows its networks) imports e2cnn.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from lifelab.errors import InputError
from lifelab.geometry import GROUPS
from lifelab.learning.models.base import LifeModel, _odd_kernel, _states_config, register
from lifelab.utils import check_int

__all__ = ["EquivariantCNN"]


def _allow_bool_masks() -> None:
    """Make e2cnn 0.2.3 build its bases under torch 2.x.

    e2cnn indexes with a ``torch.uint8`` mask when it builds every kernel
    basis; torch 2 only accepts bool masks, so every ``R2Conv`` fails.  The
    module that does it gets a view of torch in which its masks are bool.
    Nothing in site-packages is edited.
    """
    from e2cnn.nn.modules.r2_conv import basisexpansion_singleblock as single

    class _TorchWithBoolMasks:
        uint8 = torch.bool

        def __getattr__(self, name):
            return getattr(torch, name)

        @staticmethod
        def tensor(data, *args, **kwargs):
            if isinstance(data, np.ndarray) and data.dtype == np.uint8:
                data = data.astype(bool)
            return torch.tensor(data, *args, **kwargs)

    if single.torch is torch:
        single.torch = _TorchWithBoolMasks()


_allow_bool_masks()

from e2cnn import gspaces  # noqa: E402  (after the compatibility fix above)
from e2cnn import nn as enn  # noqa: E402


def _lattice_rings(kernel_size: int) -> list[float]:
    half = kernel_size // 2
    return sorted(
        {
            math.hypot(i, j)
            for i in range(half + 1)
            for j in range(half + 1)
            if math.hypot(i, j) <= half * math.sqrt(2) + 1e-9
        }
    )


def _gspace(group: str):
    if group == "trivial":
        return gspaces.TrivialOnR2()
    return gspaces.Rot2dOnR2(4) if group == "p4" else gspaces.FlipRot2dOnR2(4)


def _spatial_conv(in_type, out_type, kernel_size: int) -> enn.R2Conv:
    """A circular ``R2Conv`` whose basis spans every equivariant kernel on the lattice (see EquivariantCNN)."""
    rings = _lattice_rings(kernel_size)
    return enn.R2Conv(
        in_type,
        out_type,
        kernel_size,
        padding=kernel_size // 2,
        padding_mode="circular",
        rings=rings,
        sigma=[0.1] * len(rings),
        recompute=True,
    )


def _pointwise_conv(in_type, out_type) -> enn.R2Conv:
    """A 1x1 ``R2Conv``.

    ``recompute=True`` (for the spatial ones too): e2cnn otherwise shares one
    basis module between every convolution of the same fields, so converting
    one model to float64 (or moving it to a device) would convert the bases
    under every other model built in the process.
    """
    return enn.R2Conv(in_type, out_type, 1, recompute=True)


@register(
    "e2cnn",
    "e2cnn group-equivariant CNN (p4, p4m, or trivial: a plain CNN written in e2cnn)",
    groups=("trivial", "p4", "p4m"),
    default_group="p4m",
    growth="e2cnn",
    kernel_sizes=True,
)
class EquivariantCNN(LifeModel):
    """An e2cnn group-equivariant CNN for p4 (``Rot2dOnR2(4)``) or p4m (``FlipRot2dOnR2(4)``).

    Two trivial input fields (the one-hot channels), ``width`` regular
    hidden fields after a circular ``kernel_size`` group convolution, 1x1
    group convolutions after that, two trivial output fields (the logits).
    ``group="trivial"`` (``TrivialOnR2``) is the same network with
    translations only: a plain CNN written in e2cnn, whose one-channel
    fields :func:`grow_group` turns into regular p4 or p4m fields.

    The kernel basis is sampled on rings at every lattice radius (0, 1,
    sqrt 2 for 3x3) with a narrow radial profile: e2cnn's default basis is
    band-limited and ties corner to edge cells in a fixed ratio, which
    cannot express "count the 8 neighbours alike"; this one spans every
    invariant kernel.
    """

    __version__ = "1.0.0"
    net: enn.SequentialModule

    def __init__(
        self, group: str = "p4", width: int = 8, kernel_size: int = 3, hidden_layers: int = 1, states: int = 2
    ):
        """Args:
        group: ``"p4"``, ``"p4m"`` or ``"trivial"`` (translations only).
        width: Number of regular hidden fields (each 4 channels for p4, 8 for p4m, 1 for trivial).
        kernel_size: Odd size of the spatial kernel.
        hidden_layers: Number of hidden 1x1 group convolutions.
        states: Cell states it reads and predicts (one trivial field each, in and out).
        """
        if group not in GROUPS:
            raise InputError(f"EquivariantCNN group must be one of {list(GROUPS)}, got {group!r}")
        width, kernel_size = check_int("width", width, 1), _odd_kernel(kernel_size)
        hidden_layers = check_int("hidden_layers", hidden_layers, 0)
        super().__init__(
            group=group, width=width, kernel_size=kernel_size, hidden_layers=hidden_layers, **_states_config(states)
        )
        self.symmetry = group
        space = _gspace(group)
        self.in_type = enn.FieldType(space, states * [space.trivial_repr])
        hidden = enn.FieldType(space, width * [space.regular_repr])
        out_type = enn.FieldType(space, states * [space.trivial_repr])
        layers = [_spatial_conv(self.in_type, hidden, kernel_size), enn.ReLU(hidden)]
        for _ in range(hidden_layers):
            layers += [_pointwise_conv(hidden, hidden), enn.ReLU(hidden)]
        layers.append(_pointwise_conv(hidden, out_type))
        self.net = enn.SequentialModule(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(enn.GeometricTensor(x, self.in_type)).tensor

    @property
    def rule_family(self) -> str:
        """Regular fields carry orientation: every rule with the network's symmetry (isotropic for p4m)."""
        return {"trivial": "table", "p4": "p4", "p4m": "isotropic"}[self.symmetry]

    # R2Conv keeps its expanded filter as a buffer only sometimes (after
    # construction and in eval mode), so the keys of a plain state_dict
    # depend on the mode history.  The filters are derived from the
    # parameters; checkpoints hold the parameters only.
    _DERIVED = ("filter", "expanded_bias")

    def state_dict(self, *args, **kwargs):
        """The parameters (and other state) without e2cnn's derived, mode-dependent filter buffers."""
        state = super().state_dict(*args, **kwargs)
        for key in [k for k in state if k.rsplit(".", 1)[-1] in self._DERIVED]:
            del state[key]
        return state

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Load parameters saved in either mode; the filters are rebuilt from them."""
        was_training = self.training
        self.train()  # drops any expanded filters; eval() below rebuilds them from the loaded parameters
        state = {k: v for k, v in state_dict.items() if k.rsplit(".", 1)[-1] not in self._DERIVED}
        result = super().load_state_dict(state, strict=strict, assign=assign)
        self.train(was_training)
        return result

    def export(self) -> nn.Sequential:
        """The same network as plain torch modules (``Conv2d``, ``ReLU``): identical outputs, faster inference.

        The filters are expanded once from the basis; the plain kernels are
        what :mod:`lifelab.learning.extract` reads.  The exported copy does not train
        the equivariant parameters.
        """
        was_training = self.training
        self.eval()
        try:
            return self.net.export()
        finally:
            self.train(was_training)
