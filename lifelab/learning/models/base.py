"""The base of the zoo: the model contract, the registry of learners, and running a model on boards.

Every model takes boards one-hot as ``(B, 2, H, W)`` float (channel 1 =
alive) and returns ``(B, 2, H, W)`` logits (class 1 = alive), padding
circularly, so the models live on the same torus as the simulator.

A learner is added to lifelab by one decorated class: :func:`register`
records its name, aliases, how it takes a symmetry group and how it grows,
and the command line, the loop, the notebooks' zoo and the benchmarks read
:data:`REGISTRY` instead of lists of their own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from lifelab.errors import InputError
from lifelab.utils import (
    MODEL_DTYPE,
    check_int,
    device_of,
    dtype_of,
    eval_mode,
    get_device,
    model_states,
    model_threads,
    one_hot,
)

__all__ = [
    "DEFAULT_MODEL",
    "REGISTRY",
    "LifeModel",
    "ModelSpec",
    "WindowLayout",
    "model_spec",
    "predict",
    "receptive_radius",
    "register",
    "rollout",
]


@dataclass(frozen=True)
class ModelSpec:
    """What the rest of lifelab needs to know about a learner, declared once where its class is.

    Attributes:
        name: The name used everywhere (``--model``, ``learn_rule(model=...)``, ``build_model``).
        cls: The class.
        summary: One line for help texts.
        aliases: Other accepted names (the class name is always one).
        groups: The symmetry groups the class builds in when given ``group=``
            (weight tying, e2cnn); ``("trivial",)`` for a plain network, which
            the loop pulls towards a group with a consistency loss instead.
        default_group: The group it gets when none is asked for.
        growth: The growth route (a key of :data:`lifelab.learning.models.growth.ROUTES`)
            that ``group="auto"`` takes from this learner, or None when it cannot start plain and grow.
        network: False for learners that are not torch models (the table learner).
        kernel_sizes: The class takes ``kernel_size=`` (any odd size), so it can count on a
            Larger than Life neighbourhood of range ``r`` with kernels of ``2r + 1``.
        stacks: Its only spatial layer is one 3x3 kernel followed by 1x1 layers, and it has
            :meth:`WindowLayout.pattern_logits`: many of them train together, stacked, on the
            512 pattern counts (:mod:`lifelab.learning.stacked`).
    """

    name: str
    cls: type
    summary: str
    aliases: tuple[str, ...] = field(default=())
    groups: tuple[str, ...] = ("trivial",)
    default_group: str = "trivial"
    growth: str | None = None
    network: bool = True
    kernel_sizes: bool = False
    stacks: bool = False

    @property
    def group_argument(self) -> bool:
        """The architecture takes the symmetry group as an argument and builds it in."""
        return self.groups != ("trivial",)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this learner answers to."""
        return (self.name, self.cls.__name__, *self.aliases)


#: Every registered learner by its name, in registration order: the networks register as :mod:`lifelab.learning.models`
#: loads, the table learner as :mod:`lifelab.learning` does (:mod:`lifelab.learning.table`).  Reading it needs
#: ``lifelab.learning`` imported, which importing this module has done first: no entry depends on import order.
REGISTRY: dict[str, ModelSpec] = {}

#: The learner the loop and ``lifelab learn`` use when none is named.
DEFAULT_MODEL = "tied"


def register(name: str, summary: str, **facts):
    """Class decorator: add a learner to :data:`REGISTRY`.

    Args:
        name: Its name.
        summary: One line for help texts.
        **facts: The other fields of :class:`ModelSpec`.

    Returns:
        The decorator (it returns the class unchanged, with ``spec`` set).
    """

    def decorate(cls):
        spec = ModelSpec(name, cls, summary, **facts)
        if spec.stacks and not issubclass(cls, WindowLayout):
            raise InputError(f"{cls.__name__} is declared stackable but has no WindowLayout pattern form")
        taken = {n for s in REGISTRY.values() for n in s.names}
        if set(spec.names) & taken:
            raise InputError(f"learner names {sorted(set(spec.names) & taken)} are registered already")
        REGISTRY[name] = spec
        cls.spec = spec
        return cls

    return decorate


def model_spec(name) -> ModelSpec:
    """The registry entry for a learner name, alias, class name, class or instance.

    Raises:
        ValueError: For a name nobody registered.
    """
    if not isinstance(name, str):
        cls = name if isinstance(name, type) else type(name)
        for spec in REGISTRY.values():
            if issubclass(cls, spec.cls):
                return spec
        raise InputError(f"{cls.__name__} is not a registered learner")
    for spec in REGISTRY.values():
        if name in spec.names:
            return spec
    raise InputError(
        f"unknown model {name!r}; expected one of {sorted(REGISTRY)} "
        f"or a class name {sorted(s.cls.__name__ for s in REGISTRY.values())}"
    )


def _in_own_precision(module: nn.Module, args: tuple):
    """A float input in another precision than the model's (torch's default float32) converted to the model's."""
    x = args[0] if args else None
    dtype = dtype_of(module)
    if isinstance(x, torch.Tensor) and x.is_floating_point() and x.dtype != dtype:
        return (x.to(dtype), *args[1:])
    return None


class LifeModel(nn.Module):
    """Base of the zoo: remembers its constructor arguments and counts its parameters.

    Subclasses set ``__version__`` (bumped whenever the architecture
    changes, so old checkpoints are refused) and ``symmetry``, the point
    group the architecture guarantees (``"trivial"``, ``"p4"``, ``"p4m"``).
    Every model comes out of its constructor in
    :data:`lifelab.utils.MODEL_DTYPE` (float64): its layers draw their
    initial weights as torch does (float32, so a seed gives the weights it
    gives any torch layer) and are then converted.  It takes float input of
    any precision (torch's default float32 included) and answers in its own.
    """

    __version__ = "1.0.0"
    symmetry = "trivial"
    #: The layers :meth:`forward` runs (a subclass that sets no ``net`` has its own ``forward``).
    net: nn.Module

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__init__

        @functools.wraps(build)
        def __init__(self, *args, **config):
            build(self, *args, **config)
            if type(self) is cls:  # once, after the outermost constructor has built every layer
                self.to(MODEL_DTYPE)
                self.register_forward_pre_hook(_in_own_precision)

        cls.__init__ = __init__

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

    @property
    def rule_family(self) -> str:
        """The family of 3x3 rules the architecture can represent (a name of :data:`lifelab.evidence.FAMILY_NAMES`).

        What a verdict may assume when this model is the learner: a plain
        network can represent any table (``"table"``); symmetric ones declare less.
        """
        return "table"

    def describe(self) -> str:
        """One line: class, version, configuration and parameter count."""
        config = ", ".join(f"{k}={v!r}" for k, v in self.config.items())
        return f"{type(self).__name__} v{self.__version__} ({config}): {self.n_parameters} parameters"


def _odd_kernel(value) -> int:
    size = check_int("kernel_size", value, 1)
    if size % 2 == 0:
        raise InputError(f"kernel_size must be odd (the cell sits at the centre), got {value!r}")
    return size


def _conv(c_in: int, c_out: int, size: int, dilation: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, size, padding=dilation * (size // 2), dilation=dilation, padding_mode="circular")


def _head(width: int, hidden_layers: int, states: int = 2) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for _ in range(hidden_layers):
        layers += [nn.Conv2d(width, width, 1), nn.ReLU()]
    return layers + [nn.Conv2d(width, states, 1)]


def _states_config(states) -> dict:
    """The ``states`` entry of a model's config: left out for 2 (so 2-state models keep their identity)."""
    states = check_int("states", states, 2, 256)
    return {} if states == 2 else {"states": states}


def _boards_tensor(boards, states: int = 2) -> torch.Tensor:
    arr = boards if isinstance(boards, torch.Tensor) else torch.from_numpy(np.asarray(boards))
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise InputError(f"boards must be (H, W) or (B, H, W), got shape {tuple(arr.shape)}")
    if states == 2:
        if arr.dtype != torch.bool and not bool(((arr == 0) | (arr == 1)).all()):
            raise InputError("boards must hold only 0 and 1")
        return arr.bool()
    if arr.dtype != torch.bool and not bool(((arr >= 0) & (arr < states)).all()):
        raise InputError(f"boards must hold states 0-{states - 1}")
    return arr.to(torch.uint8)


@model_threads()
def predict(model: nn.Module, boards, device=None, batch_size: int = 256, probabilities: bool = False):
    """The model's next state for a batch of boards, in eval mode without gradients.

    Args:
        model: A model of the zoo (or any module with the same contract).
        boards: ``(B, H, W)`` or ``(H, W)`` array or tensor of cell states (0/1 for 2-state models).
        device: Where to compute (default: where the model's parameters are).
        batch_size: Boards per forward pass.
        probabilities: Return the probability of "alive" (state 1) instead of the decision.

    Returns:
        ``(B, H, W)``: bool (2-state models) or uint8 states, or probabilities in the model's float type.
    """
    n = model_states(model)
    x = _boards_tensor(boards, n)
    device = get_device(device) if device is not None else device_of(model)
    out = []
    with eval_mode(model):
        for chunk in x.split(batch_size):
            logits = model(one_hot(chunk.to(device), n, dtype_of(model)))
            if probabilities:
                out.append(logits.softmax(1)[:, 1].cpu())
            else:
                out.append((logits.argmax(1) == 1 if n == 2 else logits.argmax(1).to(torch.uint8)).cpu())
    return torch.cat(out).numpy()


def receptive_radius(model: nn.Module) -> int:
    """How far from a cell its output can see: the sum of the spatial kernels' reaches (an upper bound).

    Every layer with a ``kernel_size`` (torch convolutions, :class:`~lifelab.learning.models.TiedConv2d`,
    e2cnn's ``R2Conv``) adds ``dilation * (kernel_size - 1) // 2``; parallel
    branches are added too, so the bound is loose for :class:`~lifelab.learning.models.MultiScale`.

    Args:
        model: Any module.

    Returns:
        The radius in cells (0 for a module without spatial kernels).
    """
    total = 0
    for module in model.modules():
        size = getattr(module, "kernel_size", None)
        if size is None:
            continue
        dilation = getattr(module, "dilation", 1)
        size, dilation = (max(v) if isinstance(v, tuple) else int(v) for v in (size, dilation))
        total += dilation * (size - 1) // 2
    return total


def rollout(model: nn.Module, boards, steps: int, device=None) -> np.ndarray:
    """Use the trained network as a simulator: feed each prediction back in.

    Args:
        model: A trained model.
        boards: ``(B, H, W)`` or ``(H, W)`` initial 0/1 boards.
        steps: Number of steps.
        device: Where to compute (default: where the model is).

    Returns:
        ``(B, steps + 1, H, W)`` bool array, like :func:`lifelab.engines.simulation`.
    """
    steps = check_int("steps", steps, 0)
    state = _boards_tensor(boards, model_states(model)).numpy()
    history = [state]
    for _ in range(steps):
        state = predict(model, state, device=device)
        history.append(state)
    return np.stack(history, axis=1)


class WindowLayout:
    """The layout of a network whose only spatial layer is one 3x3 kernel, then 1x1 layers (``self.net``).

    A cell's output depends on its 3x3 window alone and equals the network's
    output on that window, so many such networks, their parameters stacked,
    can be evaluated on the 512 patterns at once (:mod:`lifelab.learning.stacked`).
    The layout (``net.0`` the 3x3 layer, ``net.2`` and ``net.4`` the 1x1
    layers) is this class's own fact; a subclass says how its 3x3 kernel is
    built from its parameters.
    """

    def stacked_kernel(self, params: dict) -> torch.Tensor:
        """The ``(K, out, in, 3, 3)`` first kernels of ``K`` stacked networks of this layout."""
        return params["net.0.weight"]

    def window_features(self, x: torch.Tensor) -> torch.Tensor:
        """``(P, D)`` features of one-hot 3x3 patterns ``(P, S, 3, 3)``: the first layer's input.

        The 3x3 layer's pre-activation is ``features @ net.0.weight.reshape(out, D).T + bias``.
        """
        return x.flatten(1)

    def pattern_logits(self, params: dict, x: torch.Tensor) -> torch.Tensor:
        """Logits of ``K`` stacked networks of this layout on one-hot 3x3 patterns.

        Args:
            params: ``{name: (K, ...)}``, the stacked parameters (names as in ``named_parameters()``).
            x: ``(P, S, 3, 3)`` one-hot patterns.

        Returns:
            ``(K, P, S)`` logits.
        """
        kernel = self.stacked_kernel(params)
        h = torch.relu(torch.einsum("pcij,kocij->kpo", x, kernel) + params["net.0.bias"][:, None])
        h = torch.relu(
            torch.einsum("kpo,kqo->kpq", h, params["net.2.weight"][..., 0, 0]) + params["net.2.bias"][:, None]
        )
        return torch.einsum("kpq,ksq->kps", h, params["net.4.weight"][..., 0, 0]) + params["net.4.bias"][:, None]
