"""Input checks: whole numbers and finite reals within bounds, and the constraints a setting declares once.

:func:`check_int` and :func:`check_number` check one argument and name it when they refuse it.  A setting
declares what it accepts once, as a tuple of constraints (as scikit-learn's ``_parameter_constraints``):
:class:`Whole`, :class:`Real`, :class:`OneOf`, :class:`Flag`, :class:`PairOf`, :class:`Text` and
:class:`Checked`; :func:`validate` checks a value against them, and the command line derives an option's type and
choices from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from lifelab.errors import InputError, InputTypeError

__all__ = [
    "Checked",
    "Flag",
    "OneOf",
    "PairOf",
    "Real",
    "Text",
    "Whole",
    "ascii_digits",
    "check_int",
    "check_number",
    "validate",
]


def ascii_digits(text: str) -> bool:
    """Whether ``text`` is a whole number lifelab reads: 1 to 18 of the digits 0-9 (``str.isdigit`` also takes
    ``²``, which ``int`` refuses, and ``int`` refuses more than 4,300 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def check_int(name: str, value, low: int = 0, high: int | None = None) -> int:
    """Validate an integer argument (bools are not integers here).

    Args:
        name: The argument's name, for the message.
        value: The value given.
        low: Smallest value allowed.
        high: Largest value allowed (None: no limit).

    Returns:
        ``value`` as a Python int.

    Raises:
        ValueError: Naming the argument, what it must be and what it got.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value < low
        or (high is not None and value > high)
    ):
        if high is not None:
            need = f"an integer in {low}-{high}"
        else:
            need = {0: "a non-negative integer", 1: "a positive integer"}.get(low, f"an integer >= {low}")
        raise InputError(f"{name} must be {need}, got {value!r}")
    return int(value)


def check_number(
    name: str,
    value,
    low: float | None = None,
    high: float | None = None,
    *,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """Validate a finite real argument within bounds.

    Args:
        name: The argument's name, for the message.
        value: The value given.
        low: Lower bound (None: none).
        high: Upper bound (None: none).
        open_low: Exclude ``low`` itself.
        open_high: Exclude ``high`` itself.

    Returns:
        ``value`` as a float.

    Raises:
        ValueError: Naming the argument, its range and what it got.
    """
    ok = (
        not isinstance(value, bool)
        and isinstance(value, (int, float, np.integer, np.floating))
        and math.isfinite(value)
    )
    if ok and low is not None:
        ok = value > low if open_low else value >= low
    if ok and high is not None:
        ok = value < high if open_high else value <= high
    if not ok:
        if low is not None and high is not None:
            need = f"a number in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
        elif low == 0:
            need = "a positive number" if open_low else "a non-negative number"
        elif low is not None:
            need = f"a number {'>' if open_low else '>='} {low:g}"
        else:
            need = "a finite number"
        raise InputError(f"{name} must be {need}, got {value!r}")
    return float(value)


# -- declared constraints -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Whole:
    """Integers from ``low`` to ``high`` (None: no limit)."""

    low: int = 0
    high: int | None = None

    def check(self, name: str, value) -> int:
        """``value`` as an int, or an InputError naming ``name``."""
        return check_int(name, value, self.low, self.high)

    def parse(self, text: str) -> int:
        """The command line's reading of ``text``."""
        try:
            value = int(text)
        except ValueError:
            raise InputError(f"must be a whole number, got {text!r}") from None
        return self.check("the value", value)


@dataclass(frozen=True)
class Real:
    """Finite numbers between ``low`` and ``high`` (each bound excluded when its ``open_`` flag is set)."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False

    def check(self, name: str, value) -> float:
        """``value`` as a float, or an InputError naming ``name``."""
        return check_number(name, value, self.low, self.high, open_low=self.open_low, open_high=self.open_high)

    def parse(self, text: str) -> float:
        """The command line's reading of ``text``."""
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"must be a number, got {text!r}") from None
        return self.check("the value", value)


@dataclass(frozen=True)
class OneOf:
    """One of ``values``; ``message`` (with ``{name}``, ``{values}`` and ``{value}``) words the refusal."""

    values: tuple
    message: str = "{name} must be one of {values}, got {value!r}"

    def check(self, name: str, value):
        """``value`` itself, or an InputError naming ``name`` and the values allowed."""
        if isinstance(value, bool) or value not in self.values:
            raise InputError(self.message.format(name=name, values=list(self.values), value=value))
        return value


@dataclass(frozen=True)
class Flag:
    """True or False."""

    def check(self, name: str, value) -> bool:
        """``value`` itself, or an InputTypeError naming ``name``."""
        if not isinstance(value, bool):
            raise InputTypeError(f"{name} must be True or False, got {value!r}")
        return value


@dataclass(frozen=True)
class PairOf:
    """Two values each meeting ``item``, such as ``(height, width)``."""

    item: Whole
    what: str = "(height, width)"

    def check(self, name: str, value) -> tuple:
        """``value`` as a tuple, or an error naming ``name``."""
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
            raise InputTypeError(f"{name} must be {self.what}, got {value!r}")
        return tuple(self.item.check(name, v) for v in value)


@dataclass(frozen=True)
class Text:
    """A string."""

    def check(self, name: str, value) -> str:
        """``value`` itself, or an InputTypeError naming ``name``."""
        if not isinstance(value, str):
            raise InputTypeError(f"{name} must be a string, got {value!r}")
        return value


@dataclass(frozen=True)
class Checked:
    """What a check function accepts: it raises an InputError for anything else (its result is not kept).

    ``parse`` reads the command line's text; ``choices`` lists what the command line offers.
    """

    function: Callable
    parse: Callable | None = None
    choices: tuple | None = None

    def check(self, name: str, value):
        """``value`` itself, once the function has accepted it."""
        self.function(value)
        return value


def validate(name: str, value, constraints: tuple):
    """A value checked against a setting's declared constraints: the value, normalised (an int, a float, a tuple).

    ``None`` in ``constraints`` allows None; the first other constraint decides.

    Args:
        name: The setting's name, for messages.
        value: The value given.
        constraints: ``(None?, constraint)``: a :class:`Whole`, :class:`Real`, :class:`OneOf`, :class:`Flag`,
            :class:`PairOf`, :class:`Text` or :class:`Checked`.

    Raises:
        InputError: Naming the setting, what it accepts and what it got.

    Examples:
        >>> validate("seed", 3, (Whole(0),))
        3
        >>> validate("mode", "greedy", (OneOf(("random", "query")),))
        Traceback (most recent call last):
        ...
        lifelab.errors.InputError: mode must be one of ['random', 'query'], got 'greedy'
    """
    if value is None and None in constraints:
        return None
    rule = next(c for c in constraints if c is not None)
    return rule.check(name, value)
