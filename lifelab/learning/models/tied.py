"""The weight-tied route to symmetry: kernels invariant under p4 or p4m by construction."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError
from lifelab.geometry import group_elements, kernel_orbits
from lifelab.learning.models.base import LifeModel, WindowLayout, _odd_kernel, _states_config, register
from lifelab.utils import check_int

__all__ = ["TiedCNN", "TiedConv2d"]


class TiedConv2d(nn.Module):
    """A circular convolution whose kernels are invariant under a point group, by construction.

    The free parameter ``weight`` holds one value per kernel orbit
    (:func:`lifelab.geometry.symmetry.kernel_orbits`); the kernel is built by reading
    each cell's value from its orbit.  For p4 on 3x3 that is three values:
    centre, edges, corners.  An invariant kernel on scalar fields makes the
    layer equivariant under the group.
    """

    #: Each kernel cell's orbit: the index of the ``weight`` entry it reads (a buffer).
    orbits: torch.Tensor

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, group: str = "p4"):
        """Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: Odd kernel size.
        group: ``"trivial"`` (no tying), ``"p4"`` or ``"p4m"``.
        """
        super().__init__()
        kernel_size = _odd_kernel(kernel_size)
        orbits = torch.from_numpy(kernel_orbits(kernel_size, group)).long()
        self.group, self.kernel_size = group, kernel_size
        self.register_buffer("orbits", orbits, persistent=False)
        n_orbits = int(orbits.max()) + 1
        bound = 1 / math.sqrt(in_channels * kernel_size**2)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, n_orbits).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound))

    def kernel(self) -> torch.Tensor:
        """The full ``(out, in, k, k)`` kernel."""
        return self.weight[..., self.orbits]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad = self.kernel_size // 2
        return F.conv2d(F.pad(x, (pad, pad, pad, pad), mode="circular"), self.kernel(), self.bias)

    def extra_repr(self) -> str:
        out, c_in, n = self.weight.shape
        return f"{c_in}, {out}, kernel_size={self.kernel_size}, group={self.group!r}, orbits={n}"


@register(
    "tied",
    "the MinimalCNN layout with a p4/p4m-invariant (weight-tied) first kernel: the hard route",
    groups=("p4", "p4m"),
    default_group="p4m",
    growth="tied",
    kernel_sizes=True,
    stacks=True,
)
class TiedCNN(WindowLayout, LifeModel):
    """The MinimalCNN layout with a group-invariant (weight-tied) first kernel: the hard p4/p4m route.

    After the tied spatial layer every layer is 1x1, which commutes with
    rotations and flips, so the whole network is equivariant under the
    group.  With 3x3 kernels p4 and p4m tie the same cells (their orbits
    coincide); they differ from 5x5 on.
    """

    __version__ = "1.0.0"
    net: nn.Sequential

    def __init__(self, group: str = "p4", width: int = 16, kernel_size: int = 3, states: int = 2):
        """Args:
        group: ``"p4"`` or ``"p4m"`` (``"trivial"`` gives an untied MinimalCNN).
        width: Width knob, as in :class:`MinimalCNN`.
        kernel_size: Odd size of the tied kernel.
        states: Cell states it reads and predicts.
        """
        group_elements(group)
        width, kernel_size = check_int("width", width, 1), _odd_kernel(kernel_size)
        super().__init__(group=group, width=width, kernel_size=kernel_size, **_states_config(states))
        self.symmetry = group
        self.net = nn.Sequential(
            TiedConv2d(states, 2 * width, kernel_size, group),
            nn.ReLU(),
            nn.Conv2d(2 * width, width, 1),
            nn.ReLU(),
            nn.Conv2d(width, states, 1),
        )

    def _tied(self) -> TiedConv2d:
        """The tied first layer (``net.0``)."""
        first = self.net[0]
        assert isinstance(first, TiedConv2d)  # __init__ builds it so
        return first

    def stacked_kernel(self, params: dict) -> torch.Tensor:
        """The stacked first kernels, each read from its orbit values."""
        tied = self._tied()
        if tied.kernel_size != 3:
            raise InputError(f"a stacked TiedCNN has a 3x3 kernel, not {tied.kernel_size}x{tied.kernel_size}")
        return params["net.0.weight"][..., tied.orbits]

    def window_features(self, x: torch.Tensor) -> torch.Tensor:
        """Each one-hot channel summed over each orbit of the tied kernel: ``(P, S * orbits)``."""
        orbits = self._tied().orbits.reshape(-1)
        members = F.one_hot(orbits, int(orbits.max()) + 1).to(x.dtype)
        return (x.flatten(2) @ members).flatten(1)

    @property
    def rule_family(self) -> str:
        """A tied kernel sums the edge cells and the corner cells alike: 50 classes of 3x3 patterns, not 102."""
        return "edges-corners"
