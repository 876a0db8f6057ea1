"""The 1-D world: Wolfram's elementary rules as Golly runs them, and 1-D rules of k states and radius r.

Two rule types, because Golly's ``Wn`` and a 1-D cellular automaton are two different things on a board:

- :class:`WolframRule` is Golly's ``W110``: a 2-state rule of the 2-D plane (``gollybase/liferules.cpp``,
  ``createWolframMap``) under which a live cell stays alive and a dead cell is born when the three cells
  above it, read as Wolfram's number ``4 * left + 2 * centre + right``, are a pattern the rule number has a
  1 for.  Started from one row it draws the space-time diagram, a row a generation, down the plane.  Golly
  takes even numbers only (an odd one would be born from nothing, B0).
- :class:`OneDRule` is a 1-D rule of ``states`` states and ``radius`` r: the next state of a cell is a table
  over its window of ``2r + 1`` cells, numbered as Wolfram numbers them (the leftmost cell the most significant
  digit in base ``states``), so Wolfram's code of the rule is the table read as a number.  On a board every row
  is its own 1-D world (as in Golly's ``oneDimensional`` rule tables); a trajectory of one row is a space-time
  diagram.  Its notation is ``R<r>,C<states>,W<code>`` (``R1,C2,W110``; the code in hexadecimal, ``W0x..``,
  when it is too long to write in decimal).
"""

from __future__ import annotations

import re

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.rules.base import MAX_STATES, RuleType, check_states
from lifelab.rules.lifelike import Rule
from lifelab.rules.tables import DENSE_LIMIT
from lifelab.utils import check_int

__all__ = ["MAX_RADIUS", "OneDRule", "WolframRule", "window_codes", "window_count", "window_digits"]

#: The widest radius a 1-D rule may have.
MAX_RADIUS = 10

#: Decimal codes of at most this many digits are written in decimal (Python's own limit on int-to-text is 4300).
_DECIMAL_DIGITS = 4000

_WOLFRAM = re.compile(r"[Ww]([0-9]{1,3})")
_ONE_D = re.compile(r"[Rr]([0-9]{1,2}),[Cc]([0-9]{1,3}),[Ww](0[xX][0-9a-fA-F]+|[0-9]+)")


def _golly_table(number: int) -> np.ndarray:
    """The 512-entry table of Golly's ``Wn``: alive stays alive; born where the row above is a pattern of ``n``."""
    index = np.arange(512)
    above = (index >> 6) & 7  # NW, N, NE in lifelab's MAP numbering: 4 * left + 2 * centre + right
    return ((index & 16) > 0) | (((number >> above) & 1) > 0)


class WolframRule(Rule):
    """Golly's ``Wn`` rule: Wolfram's elementary rule ``n`` drawn down the 2-D plane, a row a generation.

    It is a 2-state 3x3 rule (a :class:`~lifelab.rules.Rule`, equal to any rule with the same table, and
    run by the same engines); its notation is Golly's ``W<n>``.  :attr:`one_d` is the 1-D rule it draws.

    Examples:
        >>> from lifelab.rules import parse_rule
        >>> rule = parse_rule("W110")
        >>> str(rule), rule.number, str(rule.one_d)
        ('W110', 110, 'R1,C2,W110')
    """

    __slots__ = ("_number",)

    kind = "Wolfram"

    def __init__(self, number: int):
        """Args:
        number: Wolfram's rule number, even, 0 to 254 (Golly's range).

        Raises:
            InputError: For an odd number or one out of range.
        """
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)):
            raise InputTypeError(f"a Wolfram rule number is an int, got {number!r}")
        if not 0 <= number <= 254 or number % 2:
            raise InputError(
                f"W{number}: Golly's Wolfram rules are even numbers from 0 to 254 (an odd one is born from nothing)"
            )
        super().__init__(_golly_table(int(number)))
        self._number = int(number)

    @property
    def number(self) -> int:
        """Wolfram's rule number."""
        return self._number

    @property
    def one_d(self) -> OneDRule:
        """The 1-D rule it draws: 2 states, radius 1, the same number."""
        return OneDRule.from_wolfram(self._number)

    @classmethod
    def _from_core(cls, core: str, text: str) -> WolframRule:
        match = _WOLFRAM.fullmatch(core)
        if match is None:
            raise InputError(f"{text!r} is not a Wolfram rule W<n>")
        return cls(int(match[1]))

    def _notation(self) -> str:
        return f"W{self._number}"

    def __reduce__(self):
        return (WolframRule, (self._number,))


def window_codes(rows, states: int, radius: int) -> np.ndarray:
    """The window number of every cell of ``(..., W)`` rows, each row a ring (:func:`window_digits` undoes it).

    Args:
        rows: Cell states.
        states: Cell states the numbering counts in.
        radius: The window's radius.

    Returns:
        int64 window numbers, shaped as ``rows``.
    """
    rows = np.asarray(rows).astype(np.int64)
    code = np.zeros(rows.shape, np.int64)
    for dx in range(-radius, radius + 1):
        code = code * states + np.roll(rows, -dx, axis=-1)
    return code


def window_digits(codes, states: int, radius: int) -> np.ndarray:
    """The cells of 1-D windows from their numbers: ``(..., 2r + 1)`` states, the leftmost cell first.

    Args:
        codes: Window numbers (:meth:`OneDRule.perceive`'s numbering).
        states: Cell states.
        radius: The window's radius.
    """
    codes = np.asarray(codes, dtype=np.int64)
    width = 2 * radius + 1
    powers = states ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (codes[..., None] // powers) % states


class OneDRule(RuleType):
    """A 1-D rule of ``states`` states and radius r: a table over each cell's window of ``2r + 1`` cells.

    Window ``i`` is numbered as Wolfram numbers it: the cells left to right are the digits of ``i`` in base
    ``states``, the leftmost the most significant; Wolfram's code is ``sum(table[i] * states ** i)``.  On a
    ``(..., H, W)`` board every row steps on its own; the ends of a row wrap around (a ring) unless the
    simulation says ``boundary="dead"`` (a finite row with dead cells beyond).

    Attributes:
        states: Cell states.
        radius: How many cells on each side the window reaches.

    Examples:
        >>> import numpy as np
        >>> from lifelab.rules import OneDRule
        >>> rule = OneDRule.from_wolfram(90)
        >>> row = np.zeros((1, 1, 7), bool)
        >>> row[0, 0, 3] = True
        >>> rule.step(row)[0, 0].astype(int).tolist()
        [0, 0, 1, 0, 1, 0, 0]
    """

    __slots__ = ("states", "radius", "_table", "_grid")

    kind = "1-D"

    def __init__(self, table, states: int = 2, radius: int = 1):
        """Args:
        table: The next state of every window, ``states ** (2 * radius + 1)`` entries in window order.
        states: Cell states, 2 to 256.
        radius: The window's radius, 1 to :data:`MAX_RADIUS`.

        Raises:
            InputError: For a table of the wrong length or with a state out of range, or too many windows.
        """
        self.states = check_states(states, "a 1-D rule")
        self.radius = check_int("radius", radius, 1, MAX_RADIUS)
        windows = window_count(self.states, self.radius)
        if isinstance(table, (str, bytes)):
            raise InputTypeError("a 1-D rule's table is an array of states, not a string (use parse_rule)")
        arr = np.asarray(table)
        if arr.dtype.kind not in "biu":
            raise InputTypeError(f"a 1-D rule's table holds integer states, got dtype {arr.dtype}")
        if arr.shape != (windows,):
            raise InputError(
                f"a 1-D rule of {self.states} states and radius {self.radius} has a table of {windows:,} "
                f"entries (one per window), got shape {arr.shape}"
            )
        if arr.size and (arr.min() < 0 or arr.max() >= self.states):
            raise InputError(f"a 1-D rule's table holds states 0 to {self.states - 1}, found {int(arr.max())}")
        self._table = arr.astype(np.uint8)
        self._table.setflags(write=False)
        self._grid = None

    @classmethod
    def from_wolfram(cls, code: int, states: int = 2, radius: int = 1) -> OneDRule:
        """The rule of Wolfram's code (``110`` is rule 110; any code for ``states`` and ``radius``).

        Raises:
            InputError: For a code out of range.
        """
        if isinstance(code, bool) or not isinstance(code, (int, np.integer)):
            raise InputTypeError(f"a Wolfram code is an int, got {code!r}")
        states = check_states(states, "a 1-D rule")
        radius = check_int("radius", radius, 1, MAX_RADIUS)
        windows = window_count(states, radius)
        code = int(code)
        if not 0 <= code < states**windows:
            raise InputError(
                f"Wolfram code {_short(code)} is out of range for {states} states and radius {radius} "
                f"(0 to {states}**{windows} - 1)"
            )
        return cls(_digits(code, states, windows), states, radius)

    @classmethod
    def from_totalistic(cls, code: int, states: int = 2, radius: int = 1) -> OneDRule:
        """The totalistic rule of Wolfram's totalistic code: digit ``s`` (base ``states``) is the next state of a
        window whose states add up to ``s``.

        Raises:
            InputError: For a code out of range.
        """
        states = check_states(states, "a 1-D rule")
        radius = check_int("radius", radius, 1, MAX_RADIUS)
        sums = (states - 1) * (2 * radius + 1) + 1
        if isinstance(code, bool) or not isinstance(code, (int, np.integer)) or not 0 <= code < states**sums:
            raise InputError(f"a totalistic code for {states} states and radius {radius} is 0 to {states}**{sums} - 1")
        by_sum = _digits(int(code), states, sums)
        windows = np.arange(states ** (2 * radius + 1))
        return cls(by_sum[window_digits(windows, states, radius).sum(axis=1)], states, radius)

    @classmethod
    def _from_core(cls, core: str, text: str) -> OneDRule:
        match = _ONE_D.fullmatch(core)
        if match is None:
            raise InputError(f"{text!r} is not a 1-D rule R<radius>,C<states>,W<code>")
        radius, states, code = int(match[1]), int(match[2]), match[3]
        if not 1 <= radius <= MAX_RADIUS:
            raise InputError(f"{text!r}: a 1-D rule's radius is 1 to {MAX_RADIUS}, got {radius}")
        if not 2 <= states <= MAX_STATES:
            raise InputError(f"{text!r}: a 1-D rule has 2 to {MAX_STATES} states, got {states}")
        value = int(code, 16) if code[:2].lower() == "0x" else int(code) if len(code) <= _DECIMAL_DIGITS else None
        if value is None:
            raise InputError(f"{text!r}: write a code longer than {_DECIMAL_DIGITS} digits in hexadecimal (W0x..)")
        return cls.from_wolfram(value, states, radius)

    @property
    def windows(self) -> int:
        """The number of windows, ``states ** (2r + 1)``."""
        return self.states ** (2 * self.radius + 1)

    @property
    def table(self) -> np.ndarray:
        """The read-only next state of every window, in window order."""
        return self._table

    @property
    def number(self) -> int:
        """Wolfram's code of the rule."""
        return _number(self._table, self.states)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The window: ``(0, dx)`` for ``dx`` from ``-r`` to ``r``."""
        return [(0, dx) for dx in range(-self.radius, self.radius + 1)]

    @property
    def reach(self) -> int:
        """The radius."""
        return self.radius

    def perceive(self, boards) -> np.ndarray:
        """Each cell's window number (its row wrapping around), int64."""
        return window_codes(boards, self.states, self.radius)

    def update(self, boards, perception: np.ndarray) -> np.ndarray:
        """The table's entry for each window (bool boards for 2 states, uint8 otherwise)."""
        out = self._table[perception]
        return out.astype(bool) if self.states == 2 else out

    def _notation(self) -> str:
        code = self.number
        text = str(code) if code.bit_length() < 3.3 * _DECIMAL_DIGITS else hex(code)
        return f"R{self.radius},C{self.states},W{text}"

    def _key(self):
        return (self.states, self.radius, self._table.tobytes())

    def __reduce__(self):
        return (OneDRule, (self._table.copy(), self.states, self.radius))


def window_count(states: int, radius: int) -> int:
    """How many windows a 1-D rule of ``states`` states and radius ``radius`` has: ``states ** (2 * radius + 1)``.

    Raises:
        InputError: Beyond what lifelab tabulates (:data:`~lifelab.rules.tables.DENSE_LIMIT`).
    """
    windows = states ** (2 * radius + 1)
    if windows > DENSE_LIMIT:
        raise InputError(
            f"a 1-D rule of {states} states and radius {radius} has {windows:,} windows, "
            f"more than lifelab tabulates ({DENSE_LIMIT:,})"
        )
    return windows


def _digits(value: int, base: int, count: int) -> np.ndarray:
    """The ``count`` least significant digits of ``value`` in ``base``, least significant first.

    Split in halves (a quotient and a remainder by ``base ** half``), so a code of a million digits costs
    a few big multiplications rather than a million small divisions.
    """
    if count <= 64:
        out = np.zeros(count, np.uint8)
        for i in range(count):
            value, out[i] = divmod(value, base)
        return out
    half = count // 2
    high, low = divmod(value, base**half)
    return np.concatenate([_digits(low, base, half), _digits(high, base, count - half)])


def _number(digits: np.ndarray, base: int) -> int:
    """The number whose digits in ``base`` are ``digits``, least significant first (split in halves)."""
    if len(digits) <= 64:
        value = 0
        for digit in digits[::-1]:
            value = value * base + int(digit)
        return value
    half = len(digits) // 2
    return _number(digits[:half], base) + base**half * _number(digits[half:], base)


def _short(code: int) -> str:
    text = hex(code)
    return text if len(text) <= 24 else f"{text[:12]}...({code.bit_length()} bits)"
