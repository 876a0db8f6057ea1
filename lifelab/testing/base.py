"""What every contract check shares: the failure it raises, the name it gives an object, the members of a
protocol an object lacks, and the registry entry of a model or learner.

Helpers of the checks in the other modules of :mod:`lifelab.testing`; nothing here is public.
"""

from __future__ import annotations

from torch import nn

from lifelab.learning import ModelSpec, model_spec

__all__: list[str] = []


def _expect(condition, message: str) -> None:
    """Raise ``AssertionError(message)`` unless ``condition`` holds (an ``assert`` would vanish under ``python -O``
    and, under pytest, have its message rewritten)."""
    if not condition:
        raise AssertionError(message)


def _name(obj) -> str:
    """What messages and test ids call an object: a registry entry's name, a verdict's kind and label, a rule's
    notation."""
    if isinstance(obj, ModelSpec):
        return obj.name
    if isinstance(obj, type):
        return obj.__name__
    if isinstance(obj, nn.Module):
        return type(obj).__name__
    if hasattr(obj, "rung"):
        return f"{type(obj).__name__}({getattr(obj, 'label', obj.rung)})"
    return str(obj)


def _missing(obj, protocol: type) -> list[str]:
    """The members of a ``typing.Protocol`` (attributes, properties and methods) that ``obj`` lacks."""
    members = {*getattr(protocol, "__annotations__", {}), *(n for n in vars(protocol) if not n.startswith("_"))}
    return sorted(m for m in members if not hasattr(obj, m))


def _spec(model) -> ModelSpec:
    """The registry entry of a model or learner: a :class:`ModelSpec` as it is, else a registered name, alias,
    class or instance."""
    if isinstance(model, ModelSpec):
        return model
    try:
        return model_spec(model)
    except (TypeError, ValueError) as err:
        raise AssertionError(
            f"{_name(model)}: not a registered learner ({err}); declare its class with "
            "@lifelab.learning.register(name, summary, ...)"
        ) from None
