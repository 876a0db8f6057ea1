"""The rule contract: a rule's notation reads back, a deterministic rule meets :class:`lifelab.rules.RuleType`,
every rule steps as :func:`lifelab.simulate` does, and a count rule's kernel form computes its step."""

from __future__ import annotations

import numpy as np
from scipy.signal import convolve2d

from lifelab.engines import simulate
from lifelab.rules import RuleType, StochasticRule, parse_rule, rule_reach, rule_states
from lifelab.testing.base import _expect, _missing

__all__ = [
    "check_rule",
    "check_rule_kernel_form",
    "check_rule_notation",
    "check_rule_protocol",
    "check_rule_step",
    "rule_checks",
]


def _boards(rule, seed: int = 5) -> np.ndarray:
    """Three random boards of every state of a rule, a few cells wider than its neighbourhood."""
    reach = rule_reach(rule)
    states = rule_states(rule)
    boards = np.random.default_rng(seed).integers(0, states, (3, 11 + 2 * reach, 9 + 2 * reach))
    return boards.astype(np.uint8 if states > 2 else bool)


def _differs(got, expected, what: str, rule) -> None:
    """Assert two arrays of next states are equal, else say on how many cells they differ."""
    got, expected = np.asarray(got), np.asarray(expected)
    _expect(got.shape == expected.shape, f"{rule}: {what} of shape {got.shape}, not {expected.shape}")
    wrong = int((got.astype(np.int64) != expected.astype(np.int64)).sum())
    _expect(not wrong, f"{rule}: {what} on {wrong} of {got.size} cells")


def check_rule_notation(rule) -> None:
    """``str(rule)`` is a notation :func:`lifelab.rules.parse_rule` reads back to an equal rule, and it is
    canonical: the rule read back prints the same.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Naming the notation that does not read back.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    text = str(rule)
    try:
        back = parse_rule(text)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{text}: parse_rule cannot read the rule's own notation ({err})") from None
    _expect(back == rule, f"{text}: reads back as {back!r}, which is not equal to the rule")
    _expect(str(back) == text, f"{text}: not canonical: read back, it prints {str(back)!r}")


def check_rule_protocol(rule) -> None:
    """A deterministic rule meets :class:`lifelab.rules.RuleType`: at least two states, and a neighbourhood of
    offsets within :func:`lifelab.rules.rule_reach`.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Naming the missing members or the wrong facts.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    missing = _missing(rule, RuleType)
    _expect(not missing, f"{rule}: a {type(rule).__name__} lacks {missing} of lifelab.rules.RuleType")
    _expect(rule.states == rule_states(rule) >= 2, f"{rule}: {rule.states} states ({rule_states(rule)} by rule_states)")
    reach = rule_reach(rule)
    outside = [(dy, dx) for dy, dx in rule.offsets if max(abs(dy), abs(dx)) > reach]
    _expect(
        rule.offsets and not outside,
        f"{rule}: offsets {list(rule.offsets)[:8]} are empty or reach beyond rule_reach = {reach} ({outside[:4]})",
    )


def check_rule_step(rule) -> None:
    """A deterministic rule's ``step`` is one step of :func:`lifelab.simulate` on a torus, on boards of every
    state; a :class:`~lifelab.rules.StochasticRule`'s step, drawing from a stream, is simulate's step with the same
    stream.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Saying on how many cells the two differ.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    boards = _boards(rule)
    try:
        if isinstance(rule, StochasticRule):
            expected = simulate(rule, boards, 1, seed=np.random.default_rng(7))[:, 1]
            stepped = rule.step(boards, np.random.default_rng(7))
        else:
            expected = simulate(rule, boards, 1)[:, 1]
            stepped = rule.step(boards)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{rule}: cannot be stepped and simulated on {boards.shape} boards ({err})") from None
    _differs(stepped, expected, "step differs from simulate's step", rule)


def check_rule_kernel_form(rule) -> None:
    """A count rule's ``kernel_form()`` (a kernel summing the neighbourhood, and a lookup from the cell's
    liveness and that sum) computes its step, dying states as in Generations.

    Args:
        rule: A rule object with a ``kernel_form()`` (or a rulestring of one).

    Raises:
        AssertionError: Saying on how many cells the kernel form and the step differ.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    kernel, lookup, states = rule.kernel_form()
    _expect(states == rule.states, f"{rule}: kernel form of {states} states, the rule has {rule.states}")
    boards = _boards(rule)
    r = kernel.shape[0] // 2
    expected = []
    for board in boards.astype(np.int64):
        live = (board == 1).astype(np.int64)
        total = convolve2d(np.pad(live, r, mode="wrap"), kernel[::-1, ::-1], mode="valid")  # a correlation
        born = np.asarray(lookup)[live, total].astype(np.int64)
        dying = np.where(board >= 2, (board + 1) % states, 0)  # a cell that stops living dies through 2, 3, ...
        expected.append(np.where(board == 0, born, np.where(board == 1, np.where(born == 1, 1, 2 % states), dying)))
    _differs(rule.step(boards), np.stack(expected), "step differs from its kernel form", rule)


def rule_checks(rule):
    """The checks of the rule contract for one rule: its notation reads back; a deterministic rule meets
    :class:`lifelab.rules.RuleType` and steps as simulate does, and a rule with a ``kernel_form()`` is computed
    by it; a :class:`~lifelab.rules.StochasticRule` steps as simulate does from the same random stream.

    Args:
        rule: A rule object (or a rulestring :func:`lifelab.rules.parse_rule` reads).

    Yields:
        ``(check, args)``: call ``check(*args)``.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    yield check_rule_notation, (rule,)
    if not isinstance(rule, StochasticRule):
        yield check_rule_protocol, (rule,)
    yield check_rule_step, (rule,)
    if hasattr(rule, "kernel_form"):
        yield check_rule_kernel_form, (rule,)


def check_rule(rule) -> None:
    """Run every check of :func:`rule_checks`, stopping at the first that fails.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Naming what is broken.
    """
    for check, args in rule_checks(rule):
        check(*args)
