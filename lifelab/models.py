"""The model zoo: CNNs that map a one-hot board to next-state logits.

Every model takes boards one-hot as ``(B, 2, H, W)`` float (channel 1 =
alive) and returns ``(B, 2, H, W)`` logits (class 1 = alive).  Every
spatial convolution pads circularly, so the models live on the same torus
as the simulator.  The families, from least to most symmetry built in:

- :class:`MinimalCNN`: one 3x3 convolution, then 1x1 layers; the
  translation-only baseline, small enough to read by eye.
- :class:`SimpleCNNTiny`, :class:`SimpleCNNSmall` (5x5 kernels) and
  :class:`MultiScale` v0.2.0: the researcher's plain CNNs.
- :class:`TiedCNN`: the first kernel is tied so that it is invariant
  under p4 or p4m (for 3x3: edges share one value, corners another).
- :class:`EquivariantCNN`: e2cnn group convolutions with regular hidden
  fields, exportable to plain torch.

Only this module and :mod:`lifelab.symmetry` import e2cnn.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.symmetry import GROUPS, group_elements, kernel_orbits, project_kernel, transform

__all__ = ["GROWTH", "MODELS", "EquivariantCNN", "LifeModel", "MinimalCNN", "MultiScale", "SimpleCNNSmall",
           "SimpleCNNTiny", "TiedCNN", "TiedConv2d", "build_model", "grow_group", "predict", "regular_field_elements",
           "rollout"]


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


class LifeModel(nn.Module):
    """Base of the zoo: remembers its constructor arguments and counts its parameters.

    Subclasses set ``__version__`` (bumped whenever the architecture
    changes, so old checkpoints are refused) and ``symmetry``, the point
    group the architecture guarantees (``"trivial"``, ``"p4"``, ``"p4m"``).
    """

    __version__ = "1.0.0"
    symmetry = "trivial"

    def __init__(self, **config):
        super().__init__()
        self.config = dict(config)

    @property
    def n_parameters(self) -> int:
        """Number of trainable scalars (for e2cnn: the free basis coefficients)."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, 2, H, W)`` for one-hot boards ``(B, 2, H, W)``."""
        return self.net(x)

    def describe(self) -> str:
        """One line: class, version, configuration and parameter count."""
        config = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{type(self).__name__} v{self.__version__} ({config}): {self.n_parameters} parameters"


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _odd_kernel(value) -> int:
    size = _positive_int("kernel_size", value)
    if size % 2 == 0:
        raise ValueError(f"kernel_size must be odd (the cell sits at the centre), got {value!r}")
    return size


def _conv(c_in: int, c_out: int, size: int, dilation: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, size, padding=dilation * (size // 2), dilation=dilation,
                     padding_mode="circular")


def _head(width: int, hidden_layers: int) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for _ in range(hidden_layers):
        layers += [nn.Conv2d(width, width, 1), nn.ReLU()]
    return layers + [nn.Conv2d(width, 2, 1)]


class MinimalCNN(LifeModel):
    """Translation-only baseline: 3x3 conv to ``2 * width`` channels, then 1x1 layers.

    The minimal Life network family (one 3x3 convolution that sees the
    neighbourhood, then per-cell layers that decide), with ``width`` as the
    knob: ``2 * width`` feature maps after the 3x3 convolution, ``width``
    after the hidden 1x1 layer.
    """

    __version__ = "1.0.0"

    def __init__(self, width: int = 16):
        """Args:
            width: Width knob (>= 1).
        """
        width = _positive_int("width", width)
        super().__init__(width=width)
        self.net = nn.Sequential(_conv(2, 2 * width, 3), nn.ReLU(), nn.Conv2d(2 * width, width, 1), nn.ReLU(),
                                 nn.Conv2d(width, 2, 1))


class SimpleCNNTiny(LifeModel):
    """One ``kernel_size`` convolution (5 by default) to ``hidden`` maps, then a 1x1 readout."""

    __version__ = "1.0.0"

    def __init__(self, hidden: int = 8, kernel_size: int = 5):
        """Args:
            hidden: Feature maps after the spatial convolution.
            kernel_size: Odd size of the spatial kernel.
        """
        hidden, kernel_size = _positive_int("hidden", hidden), _odd_kernel(kernel_size)
        super().__init__(hidden=hidden, kernel_size=kernel_size)
        self.net = nn.Sequential(_conv(2, hidden, kernel_size), nn.ReLU(), *_head(hidden, 0))


class SimpleCNNSmall(LifeModel):
    """A ``kernel_size`` convolution (5 by default) to ``hidden`` maps, a hidden 1x1 layer, a 1x1 readout."""

    __version__ = "1.0.0"

    def __init__(self, hidden: int = 16, kernel_size: int = 5):
        """Args:
            hidden: Feature maps of the hidden layers.
            kernel_size: Odd size of the spatial kernel.
        """
        hidden, kernel_size = _positive_int("hidden", hidden), _odd_kernel(kernel_size)
        super().__init__(hidden=hidden, kernel_size=kernel_size)
        self.net = nn.Sequential(_conv(2, hidden, kernel_size), nn.ReLU(), *_head(hidden, 1))


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


class TiedConv2d(nn.Module):
    """A circular convolution whose kernels are invariant under a point group, by construction.

    The free parameter ``weight`` holds one value per kernel orbit
    (:func:`lifelab.symmetry.kernel_orbits`); the kernel is built by reading
    each cell's value from its orbit.  For p4 on 3x3 that is three values:
    centre, edges, corners.  An invariant kernel on scalar fields makes the
    layer equivariant under the group.
    """

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
        bound = 1 / math.sqrt(in_channels * kernel_size ** 2)
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


class TiedCNN(LifeModel):
    """The MinimalCNN layout with a group-invariant (weight-tied) first kernel: the hard p4/p4m route.

    After the tied spatial layer every layer is 1x1, which commutes with
    rotations and flips, so the whole network is equivariant under the
    group.  With 3x3 kernels p4 and p4m tie the same cells (their orbits
    coincide); they differ from 5x5 on.
    """

    __version__ = "1.0.0"

    def __init__(self, group: str = "p4", width: int = 16, kernel_size: int = 3):
        """Args:
            group: ``"p4"`` or ``"p4m"`` (``"trivial"`` gives an untied MinimalCNN).
            width: Width knob, as in :class:`MinimalCNN`.
            kernel_size: Odd size of the tied kernel.
        """
        group_elements(group)
        width, kernel_size = _positive_int("width", width), _odd_kernel(kernel_size)
        super().__init__(group=group, width=width, kernel_size=kernel_size)
        self.symmetry = group
        self.net = nn.Sequential(TiedConv2d(2, 2 * width, kernel_size, group), nn.ReLU(),
                                 nn.Conv2d(2 * width, width, 1), nn.ReLU(), nn.Conv2d(width, 2, 1))


def _lattice_rings(kernel_size: int) -> list[float]:
    half = kernel_size // 2
    return sorted({math.hypot(i, j) for i in range(half + 1) for j in range(half + 1)
                   if math.hypot(i, j) <= half * math.sqrt(2) + 1e-9})


def _gspace(group: str):
    if group == "trivial":
        return gspaces.TrivialOnR2()
    return gspaces.Rot2dOnR2(4) if group == "p4" else gspaces.FlipRot2dOnR2(4)


def _spatial_conv(in_type, out_type, kernel_size: int) -> enn.R2Conv:
    """A circular ``R2Conv`` whose basis spans every equivariant kernel on the lattice (see EquivariantCNN)."""
    rings = _lattice_rings(kernel_size)
    return enn.R2Conv(in_type, out_type, kernel_size, padding=kernel_size // 2, padding_mode="circular",
                      rings=rings, sigma=[0.1] * len(rings))


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

    def __init__(self, group: str = "p4", width: int = 8, kernel_size: int = 3, hidden_layers: int = 1):
        """Args:
            group: ``"p4"``, ``"p4m"`` or ``"trivial"`` (translations only).
            width: Number of regular hidden fields (each 4 channels for p4, 8 for p4m, 1 for trivial).
            kernel_size: Odd size of the spatial kernel.
            hidden_layers: Number of hidden 1x1 group convolutions.
        """
        if group not in GROUPS:
            raise ValueError(f"EquivariantCNN group must be one of {list(GROUPS)}, got {group!r}")
        width, kernel_size = _positive_int("width", width), _odd_kernel(kernel_size)
        if isinstance(hidden_layers, bool) or not isinstance(hidden_layers, int) or hidden_layers < 0:
            raise ValueError(f"hidden_layers must be a non-negative integer, got {hidden_layers!r}")
        super().__init__(group=group, width=width, kernel_size=kernel_size, hidden_layers=hidden_layers)
        self.symmetry = group
        space = _gspace(group)
        self.in_type = enn.FieldType(space, 2 * [space.trivial_repr])
        hidden = enn.FieldType(space, width * [space.regular_repr])
        out_type = enn.FieldType(space, 2 * [space.trivial_repr])
        layers = [_spatial_conv(self.in_type, hidden, kernel_size), enn.ReLU(hidden)]
        for _ in range(hidden_layers):
            layers += [enn.R2Conv(hidden, hidden, 1), enn.ReLU(hidden)]
        layers.append(enn.R2Conv(hidden, out_type, 1))
        self.net = enn.SequentialModule(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(enn.GeometricTensor(x, self.in_type)).tensor

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
        what :mod:`lifelab.extract` reads.  The exported copy does not train
        the equivariant parameters.
        """
        was_training = self.training
        self.eval()
        try:
            return self.net.export()
        finally:
            self.train(was_training)


#: The groups a model can grow through, smallest first.
GROWTH = ("trivial", "p4", "p4m")


def grow_group(model: LifeModel, to: str) -> LifeModel:
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
        A new model, on the model's device, in the model's train/eval mode.

    Raises:
        ValueError: For an unknown or smaller target group.
        TypeError: For a model of another family.
    """
    if to not in ("p4", "p4m"):
        raise ValueError(f"can grow to 'p4' or 'p4m', got {to!r}")
    if not isinstance(model, (TiedCNN, MinimalCNN, EquivariantCNN)):
        raise TypeError(f"grow_group works on MinimalCNN and TiedCNN (the weight-tied route) and on "
                        f"EquivariantCNN (the e2cnn route), got {type(model).__name__}")
    if GROWTH.index(to) < GROWTH.index(model.symmetry):
        raise ValueError(f"the model is already {model.symmetry}; {to} is smaller")
    device = next(model.parameters()).device
    # building the new model draws initial weights that are overwritten at once: keep the caller's RNG stream
    with torch.random.fork_rng(devices=[]):
        grown = _grow_equivariant(model, to) if isinstance(model, EquivariantCNN) else _grow_tied(model, to)
    return grown.to(device).train(model.training)


def _grow_tied(model: MinimalCNN | TiedCNN, to: str) -> TiedCNN:
    first = model.net[0]
    kernel = first.kernel() if isinstance(first, TiedConv2d) else first.weight
    grown = TiedCNN(to, width=model.config["width"], kernel_size=kernel.shape[-1])
    tied = grown.net[0]
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
    grown = EquivariantCNN(to, **config)
    old = [m for m in model.export() if isinstance(m, nn.Conv2d)]
    new = [m for m in grown.net.modules() if isinstance(m, enn.R2Conv)]
    share = len(regular_field_elements(to)) // len(regular_field_elements(model.symmetry))
    with torch.no_grad():
        for plain, conv in zip(old, new):
            rows = _channel_sources(conv.out_type, model.symmetry, to)
            cols = _channel_sources(conv.in_type, model.symmetry, to)
            scale = share if any(rep.name == "regular" for rep in conv.out_type.representations) else 1
            kernel = _take(_take(plain.weight.detach().cpu().double(), rows, 0), cols, 1)
            conv.weights.copy_(_least_squares(_basis_matrix(conv), scale * kernel.flatten()))
            if conv.bias is not None:
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


#: The zoo by family name, for ``build_model`` and the command line.
MODELS: dict[str, type[LifeModel]] = {
    "minimal": MinimalCNN,
    "tiny": SimpleCNNTiny,
    "small": SimpleCNNSmall,
    "multiscale": MultiScale,
    "tied": TiedCNN,
    "e2cnn": EquivariantCNN,
}


def build_model(family: str, **config) -> LifeModel:
    """Build a model of the zoo by family name (or class name).

    Args:
        family: A key of :data:`MODELS` (``"minimal"``, ``"tiny"``, ``"small"``,
            ``"multiscale"``, ``"tied"``, ``"e2cnn"``) or a class name such as
            ``"SimpleCNNTiny"``.
        **config: Constructor arguments.

    Returns:
        A freshly initialised model (seed torch first for reproducible weights).
    """
    by_class = {cls.__name__: cls for cls in MODELS.values()}
    cls = MODELS.get(family) or by_class.get(family)
    if cls is None:
        raise ValueError(f"unknown model family {family!r}; expected one of {sorted(MODELS)} "
                         f"or a class name {sorted(by_class)}")
    try:
        return cls(**config)
    except TypeError as err:
        raise TypeError(f"bad arguments for {cls.__name__}: {err}") from None


def _boards_tensor(boards) -> torch.Tensor:
    arr = boards if isinstance(boards, torch.Tensor) else torch.from_numpy(np.asarray(boards))
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(f"boards must be (H, W) or (B, H, W), got shape {tuple(arr.shape)}")
    if arr.dtype != torch.bool and not bool(((arr == 0) | (arr == 1)).all()):
        raise ValueError("boards must hold only 0 and 1")
    return arr.bool()


def _model_device(model: nn.Module, device) -> torch.device:
    if device is not None:
        return torch.device(device)
    parameter = next(iter(model.parameters()), None)
    return parameter.device if parameter is not None else torch.device("cpu")


def predict(model: nn.Module, boards, device=None, batch_size: int = 256, probabilities: bool = False):
    """The model's next state for a batch of boards, in eval mode without gradients.

    Args:
        model: A model of the zoo (or any module with the same contract).
        boards: ``(B, H, W)`` or ``(H, W)`` 0/1 array or tensor.
        device: Where to compute (default: where the model's parameters are).
        batch_size: Boards per forward pass.
        probabilities: Return the probability of "alive" instead of the decision.

    Returns:
        ``(B, H, W)`` bool numpy array (or float32 probabilities).
    """
    x = _boards_tensor(boards)
    device = _model_device(model, device)
    was_training = model.training
    model.eval()
    out = []
    try:
        with torch.no_grad():
            for chunk in x.split(batch_size):
                chunk = chunk.to(device)
                logits = model(torch.stack([~chunk, chunk], dim=1).float())
                out.append((logits.softmax(1)[:, 1] if probabilities else logits.argmax(1) == 1).cpu())
    finally:
        model.train(was_training)
    return torch.cat(out).numpy()


def rollout(model: nn.Module, boards, steps: int, device=None) -> np.ndarray:
    """Use the trained network as a simulator: feed each prediction back in.

    Args:
        model: A trained model.
        boards: ``(B, H, W)`` or ``(H, W)`` initial 0/1 boards.
        steps: Number of steps.
        device: Where to compute (default: where the model is).

    Returns:
        ``(B, steps + 1, H, W)`` bool array, like :func:`lifelab.simulate`.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    state = _boards_tensor(boards).numpy()
    history = [state]
    for _ in range(int(steps)):
        state = predict(model, state, device=device)
        history.append(state)
    return np.stack(history, axis=1)
