"""Contract checks in a test suite: one pytest case a check of each object, whatever contract it is under."""

from __future__ import annotations

from torch import nn

from lifelab.errors import InputError
from lifelab.learning import ModelSpec
from lifelab.testing.base import _name, _spec
from lifelab.testing.learners import learner_checks
from lifelab.testing.models import model_checks
from lifelab.testing.rules import rule_checks
from lifelab.testing.verdicts import verdict_checks

__all__ = ["parametrize_with_checks"]


def _checks(obj):
    """The checks of whatever contract ``obj`` is under: a registry entry (a :class:`ModelSpec`, or a registered
    class or model) those of a learner and, for a network, a model; a verdict (anything with a ``rung``) those of
    a verdict; anything else (a rule object or rulestring) those of a rule."""
    if isinstance(obj, (ModelSpec, type, nn.Module)):
        if _spec(obj).network:
            yield from model_checks(obj)
        yield from learner_checks(obj)
    elif hasattr(obj, "rung"):
        yield from verdict_checks(obj)
    else:
        yield from rule_checks(obj)


def _case_id(check, args) -> str:
    """A test id: the object, the check, and the check's further arguments (``tied-check_model_group(p4)``)."""
    extra = f"({', '.join(map(str, args[1:]))})" if len(args) > 1 else ""
    return f"{_name(args[0])}-{check.__name__}{extra}"


def parametrize_with_checks(objects, expected_failed_checks: dict[str, str] | None = None):
    """A pytest decorator making one test case of each check of each object, as scikit-learn's
    ``parametrize_with_checks`` does.

    The decorated test takes ``check`` and ``args`` and calls ``check(*args)``; its ids read
    ``object-check``, such as ``tied-check_model_forward`` or ``B3/S23-check_rule_step``.

    Args:
        objects: Registry entries (:class:`~lifelab.learning.ModelSpec`, such as
            ``lifelab.learning.REGISTRY.values()``, or registered classes: learner checks, and model checks for a
            network), rules (rule objects or rulestrings) and verdicts, in any mix.
        expected_failed_checks: Test ids of known failures, each with the reason: they are marked as expected to
            fail (strictly: a case that passes fails the run, so the entry goes once it is mended).

    Returns:
        ``pytest.mark.parametrize("check, args", ...)``.

    Raises:
        InputError: For an expected failure that names no case.
    """
    import pytest  # a dev dependency: the checks themselves run without it

    expected = dict(expected_failed_checks or {})
    cases = [(_case_id(*case), case) for obj in objects for case in _checks(obj)]
    unknown = sorted(set(expected) - {name for name, _ in cases})
    if unknown:
        raise InputError(f"expected failures {unknown} name no case (cases are named like 'tied-check_model_forward')")
    xfail = {
        name: pytest.mark.xfail(reason=reason, raises=AssertionError, strict=True) for name, reason in expected.items()
    }
    return pytest.mark.parametrize(
        "check, args", [pytest.param(*case, id=name, marks=xfail.get(name, ())) for name, case in cases]
    )
