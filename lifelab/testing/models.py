"""The model contract: a network is registered under its names, answers one-hot boards with logits in
:data:`lifelab.utils.MODEL_DTYPE`, has the symmetry of the group it is built with, takes ``kernel_size=`` as the
registry declares, and, stackable, gives the same logits in its pattern form."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.engines import random_boards
from lifelab.errors import InputError
from lifelab.geometry import patterns
from lifelab.learning import REGISTRY, ModelSpec, WindowLayout, model_spec, receptive_radius
from lifelab.testing.base import _expect, _spec
from lifelab.utils import MODEL_DTYPE, one_hot, seeded

__all__ = [
    "check_model",
    "check_model_forward",
    "check_model_group",
    "check_model_kernel_sizes",
    "check_model_registered",
    "check_model_stacking",
    "model_checks",
]


def _build(spec: ModelSpec, **config) -> nn.Module:
    """A network of ``spec``, its weights seeded."""
    with seeded(0):
        return spec.cls(**config)


def check_model_registered(model) -> None:
    """The registry holds the model under its name, answers to each of its names with it and finds it from an
    instance, and its declared default group is one of its groups.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming what the registry gets wrong.
    """
    spec = _spec(model)
    _expect(
        REGISTRY.get(spec.name) is spec,
        f"{spec.name}: not in lifelab.learning.REGISTRY under its name; declare the class with @register(...)",
    )
    for name in spec.names:
        found = model_spec(name)
        _expect(found is spec, f"{spec.name}: answers to {name!r}, but the registry gives {found.name!r} for it")
    _expect(
        not spec.group_argument or spec.default_group in spec.groups,
        f"{spec.name}: default group {spec.default_group!r} is not among its groups {spec.groups}",
    )
    built = _build(spec)
    found = model_spec(built)
    _expect(found is spec, f"{spec.name}: the registry finds {found.name!r} for an instance of {spec.cls.__name__}")


def check_model_forward(model) -> None:
    """One-hot boards ``(B, 2, H, W)`` (float64 or float32) give logits ``(B, 2, H, W)`` in
    :data:`lifelab.utils.MODEL_DTYPE`, from parameters in that precision, on a board that is not square.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the shape or precision that is wrong.
    """
    spec = _spec(model)
    net = _build(spec)
    x = one_hot(torch.from_numpy(random_boards(2, (7, 9), seed=1).astype(np.int64)))
    with torch.no_grad():
        out = net(x)
        single = net(x.float())
    shape = tuple(getattr(out, "shape", ()))
    _expect(
        isinstance(out, torch.Tensor) and shape == (2, 2, 7, 9),
        f"{spec.name}: one-hot boards (2, 2, 7, 9) gave logits of shape {shape}; a model answers (B, 2, H, W), "
        "padding circularly",
    )
    dtypes = {p.dtype for p in net.parameters()}
    _expect(
        dtypes <= {MODEL_DTYPE},
        f"{spec.name}: parameters in {sorted(map(str, dtypes))}, not {MODEL_DTYPE} (subclass LifeModel, which "
        "converts them)",
    )
    _expect(out.dtype == MODEL_DTYPE, f"{spec.name}: logits in {out.dtype}, not {MODEL_DTYPE}")
    _expect(
        getattr(single, "dtype", None) == MODEL_DTYPE and torch.equal(single, out),
        f"{spec.name}: float32 boards are not answered as float64 ones (in {getattr(single, 'dtype', None)})",
    )


def check_model_group(model, group: str) -> None:
    """A model that builds its symmetry in, built with ``group=``, has that symmetry.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.
        group: One of the groups the registry declares for it.

    Raises:
        AssertionError: When it cannot be built with the group, or has another symmetry.
    """
    spec = _spec(model)
    try:
        built = _build(spec, group=group)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{spec.name}: declares group {group!r} but cannot be built with it ({err})") from None
    _expect(built.symmetry == group, f"{spec.name}: built with group={group!r}, its symmetry is {built.symmetry!r}")


def check_model_kernel_sizes(model) -> None:
    """A model takes ``kernel_size=`` exactly when the registry says so (``kernel_sizes=True``), and then sees as
    far as the kernel reaches.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: When the class and the registry disagree.
    """
    spec = _spec(model)
    try:
        built = _build(spec, kernel_size=5)
    except (TypeError, ValueError) as err:
        _expect(not spec.kernel_sizes, f"{spec.name}: declares kernel_sizes=True but refuses kernel_size=5 ({err})")
        return
    _expect(spec.kernel_sizes, f"{spec.name}: takes kernel_size=5, but the registry does not declare kernel_sizes=True")
    radius = receptive_radius(built)
    _expect(radius >= 2, f"{spec.name}: built with kernel_size=5, it sees only {radius} cell(s) away")


def check_model_stacking(model) -> None:
    """A model the registry marks stackable (``stacks=True``) is a :class:`~lifelab.learning.WindowLayout` whose
    ``pattern_logits`` equal the network's logits on every 3x3 window; any other model is no ``WindowLayout``.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the disagreement.
    """
    spec = _spec(model)
    net = _build(spec)
    if not spec.stacks:
        _expect(
            not isinstance(net, WindowLayout),
            f"{spec.name}: a WindowLayout the registry does not mark stackable: declare stacks=True",
        )
        return
    if not isinstance(net, WindowLayout):  # register() refuses a stackable class without the pattern form
        raise AssertionError(f"{spec.name}: marked stackable but not a WindowLayout")
    params = {n: p.detach()[None] for n, p in net.named_parameters()}
    x = F.one_hot(torch.from_numpy(patterns().astype(np.int64)), 2).permute(0, 3, 1, 2).to(MODEL_DTYPE)
    boards = torch.zeros(len(x), 2, 5, 5, dtype=MODEL_DTYPE)
    boards[:, 0] = 1
    boards[:, :, 1:4, 1:4] = x
    with torch.no_grad():
        expected = net(boards)[:, :, 2, 2]
        got = net.pattern_logits(params, x)[0]
    _expect(
        got.shape == expected.shape,
        f"{spec.name}: pattern_logits of shape {tuple(got.shape)}, not {tuple(expected.shape)}",
    )
    gap = float((got - expected).abs().max())
    _expect(gap <= 1e-9, f"{spec.name}: pattern_logits differ from the network on the 3x3 windows by up to {gap:.3g}")


def model_checks(model):
    """The checks of the model contract for one network.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec` (for a
            network not registered yet, every check but :func:`check_model_registered` applies).

    Yields:
        ``(check, args)``: call ``check(*args)``.

    Raises:
        InputError: For a registered learner that is no network (check it with :func:`~lifelab.testing.learner_checks`).
    """
    spec = _spec(model)
    if not spec.network:
        raise InputError(f"{spec.name} is a learner, not a network: check it with check_learner")
    yield check_model_registered, (model,)
    yield check_model_forward, (model,)
    for group in spec.groups if spec.group_argument else ():
        yield check_model_group, (model, group)
    yield check_model_kernel_sizes, (model,)
    yield check_model_stacking, (model,)


def check_model(model) -> None:
    """Run every check of :func:`model_checks`, stopping at the first that fails.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming what is broken.

    Example:
        >>> check_model("minimal")  # silent: MinimalCNN meets the model contract
        >>> from lifelab.learning import MinimalCNN, ModelSpec
        >>> check_model(ModelSpec("mine", MinimalCNN, "a network not registered yet"))
        Traceback (most recent call last):
        ...
        AssertionError: mine: not in lifelab.learning.REGISTRY under its name; declare the class with @register(...)
    """
    for check, args in model_checks(model):
        check(*args)
