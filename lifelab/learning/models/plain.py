"""The plain CNNs: translation equivariance only (every convolution pads circularly)."""

from __future__ import annotations

import torch
from torch import nn

from lifelab.learning.models.base import LifeModel, WindowLayout, _conv, _head, _odd_kernel, _states_config, register
from lifelab.utils import check_int

__all__ = ["MinimalCNN", "MultiScale", "SimpleCNNSmall", "SimpleCNNTiny"]


@register("minimal", "translation-only baseline: a 3x3 convolution, then 1x1 layers", growth="tied", stacks=True)
class MinimalCNN(WindowLayout, LifeModel):
    """Translation-only baseline: 3x3 conv to ``2 * width`` channels, then 1x1 layers.

    The minimal Life network family (one 3x3 convolution that sees the
    neighbourhood, then per-cell layers that decide), with ``width`` as the
    knob: ``2 * width`` feature maps after the 3x3 convolution, ``width``
    after the hidden 1x1 layer.
    """

    __version__ = "1.0.0"
    net: nn.Sequential

    def __init__(self, width: int = 16, states: int = 2):
        """Args:
        width: Width knob (>= 1).
        states: Cell states it reads and predicts (2; more for Generations rules).
        """
        width = check_int("width", width, 1)
        super().__init__(width=width, **_states_config(states))
        self.net = nn.Sequential(
            _conv(states, 2 * width, 3),
            nn.ReLU(),
            nn.Conv2d(2 * width, width, 1),
            nn.ReLU(),
            nn.Conv2d(width, states, 1),
        )


class _SimpleCNN(LifeModel):
    """A ``kernel_size`` convolution to ``hidden`` maps, ``hidden_layers`` 1x1 layers, then a 1x1 readout."""

    hidden_layers = 0

    def __init__(self, hidden: int, kernel_size: int, states: int = 2):
        hidden, kernel_size = check_int("hidden", hidden, 1), _odd_kernel(kernel_size)
        super().__init__(hidden=hidden, kernel_size=kernel_size, **_states_config(states))
        self.net = nn.Sequential(
            _conv(states, hidden, kernel_size), nn.ReLU(), *_head(hidden, self.hidden_layers, states)
        )


@register("tiny", "the notes' SimpleCNNTiny: one 5x5 convolution and a 1x1 readout", kernel_sizes=True)
class SimpleCNNTiny(_SimpleCNN):
    """One ``kernel_size`` convolution (5 by default) to ``hidden`` maps, then a 1x1 readout."""

    __version__ = "1.0.0"

    def __init__(self, hidden: int = 8, kernel_size: int = 5, states: int = 2):
        """Args:
        hidden: Feature maps after the spatial convolution.
        kernel_size: Odd size of the spatial kernel.
        states: Cell states it reads and predicts.
        """
        super().__init__(hidden, kernel_size, states)


@register("small", "the notes' SimpleCNNSmall: a 5x5 convolution, a hidden 1x1 layer, a 1x1 readout", kernel_sizes=True)
class SimpleCNNSmall(_SimpleCNN):
    """A ``kernel_size`` convolution (5 by default) to ``hidden`` maps, a hidden 1x1 layer, a 1x1 readout."""

    __version__ = "1.0.0"
    hidden_layers = 1

    def __init__(self, hidden: int = 16, kernel_size: int = 5, states: int = 2):
        """Args:
        hidden: Feature maps of the hidden layers.
        kernel_size: Odd size of the spatial kernel.
        states: Cell states it reads and predicts.
        """
        super().__init__(hidden, kernel_size, states)


@register("multiscale", "the notes' MultiScale v0.2.0: 3x3, 5x5 and dilated 3x3 branches, then a stem")
class MultiScale(LifeModel):
    """The researcher's MultiScale v0.2.0.

    Three parallel branches on the one-hot input (3x3; 5x5; 3x3 dilated by
    2), each Conv(2->2) + BatchNorm + LeakyReLU(0.1), concatenated to 6
    channels, then the stem Conv(6->4, 3x3) + BatchNorm + ReLU + Conv(4->2,
    3x3).  (The notes print the last layer as Conv(2->2), a typo: it
    follows 4 channels.)
    """

    __version__ = "0.2.0"

    def __init__(self):
        super().__init__()

        def branch(size: int, dilation: int = 1) -> nn.Sequential:
            return nn.Sequential(_conv(2, 2, size, dilation), nn.BatchNorm2d(2), nn.LeakyReLU(0.1))

        self.conv_3x3 = branch(3)
        self.conv_5x5 = branch(5)
        self.conv_3x3_dilated = branch(3, dilation=2)
        self.stem = nn.Sequential(_conv(6, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), _conv(4, 2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = torch.cat([self.conv_3x3(x), self.conv_5x5(x), self.conv_3x3_dilated(x)], dim=1)
        return self.stem(features)
