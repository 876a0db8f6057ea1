"""Generations rules: a 2-state birth/survival rule plus dying states.

A dead cell (0) is born and a live cell (1) survives by the live neighbours
of a 2-state rule; a live cell that does not survive starts dying (2, 3,
... ``n - 1``, then 0), and dying cells neither count nor can be born.
"""

from __future__ import annotations

import re

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import NEIGHBOURHOODS, WINDOW, pattern_index
from lifelab.rules.base import check_states, decay
from lifelab.rules.lifelike import KernelRule, Rule
from lifelab.rules.named import registered_name
from lifelab.rules.notation import bs_table, split_map_states, split_suffix
from lifelab.rules.reading import read_rule
from lifelab.utils import ascii_digits

__all__ = ["GenerationsRule"]


class GenerationsRule(KernelRule):
    """A Generations rule: a 2-state birth/survival rule plus dying states.

    Attributes:
        rule: The 2-state :class:`~lifelab.rules.lifelike.Rule` that decides birth (of a
            dead cell) and survival (of a live one) from the live neighbours; any
            spelling Golly's Generations accepts (B/S, V, H, Hensel letters).
        states: Number of states, 2 to 256: 0 dead, 1 live, 2.. dying.
    """

    kind = "Generations"

    def __init__(self, rule: Rule | str, states: int):
        """Args:
        rule: The birth/survival rule.
        states: Number of states.
        """
        rule = Rule.parse(rule) if isinstance(rule, str) else rule
        if not isinstance(rule, Rule):
            raise InputTypeError(f"rule must be a Rule or rulestring, got {type(rule).__name__}")
        self.rule = rule
        self.states = check_states(states, str(rule))
        self._grid = None

    @classmethod
    def parse(cls, text: str) -> GenerationsRule:
        """Read a Generations rule in any spelling Golly (or Catagolue) uses.

        ``S/B/C`` with digits (``345/2/4``, ``/2/3``, ``23/3/2``), ``B/S/C``
        with letters (``B2/S/3``, ``B2/S/C3``), Catagolue's ``g3b2s``, with
        Hensel letters, a final ``V`` or ``H``, and ``:Tw,h``.

        Raises:
            ValueError: Naming the bad part.
        """
        return read_rule(text, (cls,))

    @classmethod
    def _from_core(cls, core: str, text: str) -> GenerationsRule:
        split = split_map_states(core)
        if split is not None:  # a table no B/S spelling writes, with its states: MAP.../n
            return cls(Rule._from_core(split[0], text), check_states(split[1], text))
        core, neighbourhood = split_suffix(core)
        catagolue = re.fullmatch(r"[gG]([0-9]{1,18})[bB]([^sS]*)[sS](.*)", core)
        if catagolue:
            states, birth, survival = catagolue[1], catagolue[2], catagolue[3]
        else:
            parts = core.split("/")
            if len(parts) != 3:
                raise InputError(
                    f"Generations rule {text!r} needs three '/'-separated parts (survival/birth/states "
                    f"or B../S../states), got {len(parts)}"
                )
            first, second, states = parts
            lead = (first[:1].upper(), second[:1].upper())
            if lead == ("B", "S"):
                birth, survival = first[1:], second[1:]
            elif lead == ("S", "B"):
                birth, survival = second[1:], first[1:]
            elif {"B", "S"} & set(lead):
                raise InputError(
                    f"Generations rule {text!r} must name one part 'B' (birth) and the other 'S' "
                    "(survival), or use Golly's survival/birth/states order"
                )
            else:
                birth, survival = second, first
            states = states[1:] if states[:1] in "CcGg" else states
        if not ascii_digits(states):
            raise InputError(f"Generations rule {text!r}: the number of states {states!r} is not a number")
        return cls(Rule.from_table(bs_table(birth, survival, neighbourhood, text)), check_states(int(states), text))

    @property
    def table(self) -> np.ndarray:
        """The birth/survival rule's 512-entry table (which live-neighbour patterns make a cell live next)."""
        return self.rule.table

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The neighbourhood: cells whose state can matter, ``(dy, dx)``, centre included."""
        parts = self.rule.notation_parts()
        kernel = {"": NEIGHBOURHOODS["moore"], "V": NEIGHBOURHOODS["vonneumann"], "H": NEIGHBOURHOODS["hexagonal"]}[
            parts[2] if parts else ""
        ]
        return [(dy, dx) for dy, dx in WINDOW if kernel[dy + 1, dx + 1] or (dy, dx) == (0, 0)]

    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The kernel and lookup of the birth/survival rule, with the states."""
        kernel, lookup, _ = self.rule.kernel_form()
        return kernel, lookup, self.states

    def perceive(self, states: np.ndarray) -> np.ndarray:
        """Each cell's 3x3 pattern of live cells (state 1), its MAP index (periodic boundary)."""
        return pattern_index(states == 1)

    def update(self, states: np.ndarray, perception: np.ndarray) -> np.ndarray:
        """Birth and survival by the rule's table at each cell's pattern, then the dying states.

        Returns:
            bool boards for 2 states, uint8 states otherwise.
        """
        return decay(states, self.rule.table[perception], self.states)

    def _notation(self) -> str:
        parts = self.rule.notation_parts()
        if parts is None:  # Golly's Generations spellings are B/S; lifelab writes other tables as MAP.../n
            return f"{self.rule.to_map()}/{self.states}"
        birth, survival, suffix = parts
        return f"{survival}/{birth}/{self.states}{suffix}"

    def _key(self) -> tuple:
        return self.states, self.rule

    @property
    def name(self) -> str | None:
        """The registry name of this rule, or None."""
        return registered_name(self)
