"""One 2-state rule on the 3x3 neighbourhood, in every notation, and the kernel form it shares.

A rule is a 512-entry truth table: entry ``i`` is the next state of the centre
cell for the neighbourhood configuration ``i``, where ``i`` adds Golly's MAP
cell weights of the live cells::

    NW=256  N=128  NE=64
    W=32    C=16   E=8
    SW=4    S=2    SE=1

Every notation (``B3/S23``, ``B2/S013V``, ``B2/S34H``, legacy ``23/3``,
``MAP...``) is a view of that table, and two rules are equal when their tables
are.  ``str(rule)`` prints the simplest notation that describes the table
exactly.

A rule, a Generations rule and a Larger than Life rule have a *kernel form*
(:class:`KernelRule`): an integer kernel correlated with the live cells and a
lookup from the cell's state and that value, which seagull's convolution runs
(:class:`SeagullRule`), as does the torch engine.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Iterable

import numpy as np
import torch
import torch.nn.functional as F

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import MAP_WEIGHTS, N_PATTERNS, NEIGHBOURHOODS, pattern_index, table_offsets, to_hensel
from lifelab.rules.base import RuleType, decay
from lifelab.rules.grid import split_topology
from lifelab.rules.named import registered_name, rulestring_of
from lifelab.rules.notation import (
    FAMILY_NAMES,
    SUFFIXES,
    bs_table,
    map_string,
    map_table,
    split_bs,
    split_map_states,
    table_from_bs,
    totalistic_view,
)
from lifelab.utils import ascii_digits

__all__ = ["KernelRule", "NotTotalisticError", "Rule", "SeagullRule", "as_rule"]


class NotTotalisticError(InputError):
    """Raised when a B/S view is asked of a rule that has none."""


class KernelRule(RuleType):
    """A deterministic rule with a kernel form, as seagull computes it: the live cells (state 1) correlated with
    an integer kernel (periodic boundary), and a lookup giving the next state of a dead and of a live cell for
    each value; with more than two states a live cell that does not survive starts dying (state 2) and dying
    states count up to 0."""

    __slots__ = ()

    @abstractmethod
    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """``(kernel, lookup, states)``: the integer kernel, ``(2, K)`` bool ``lookup[state, value]`` (is a cell
        in ``state``, 0 dead or 1 live, with that kernel value live next), and the number of states."""

    def seagull_rule(self) -> SeagullRule:
        """A callable for ``seagull.Simulator(board).run(fn, iters=N)`` on boards of states: the kernel form."""
        return SeagullRule(self)

    def step_torch(self, states: torch.Tensor) -> torch.Tensor:
        """:meth:`step` in torch, on any device, through the kernel form: a circular convolution and a lookup."""
        kernel, lookup, n = self.kernel_form()
        k = torch.as_tensor(kernel, dtype=torch.float32, device=states.device)[None, None]
        pad = kernel.shape[-1] // 2
        alive = states == 1
        flat = alive.reshape(-1, 1, *alive.shape[-2:]).float()
        values = F.conv2d(F.pad(flat, (pad, pad, pad, pad), mode="circular"), k).round().long().reshape(alive.shape)
        live_next = torch.as_tensor(lookup, device=states.device)[alive.long(), values]
        if n == 2:
            return live_next & (states <= 1)
        s = states.long()
        decayed = torch.where(s >= 2, (s + 1) % n, torch.zeros_like(s))
        out = torch.where(s == 0, live_next.long(), torch.where(alive, 2 - live_next.long(), decayed))
        return out.to(torch.uint8)


class Rule(KernelRule):
    """A 2-state cellular-automaton rule on the 3x3 neighbourhood.

    Build one with :meth:`Rule.parse` (any notation or a registry name),
    :meth:`Rule.from_table` or :meth:`Rule.from_bs`.  Rules are immutable,
    hashable, and equal when their truth tables are equal.
    """

    __slots__ = ("_table", "_views", "_grid")

    kind = "life-like"
    #: Cell states: 2.
    states = 2

    def __init__(self, table: np.ndarray):
        """Wrap a validated 512-entry table; prefer :meth:`from_table`."""
        table = np.array(table, dtype=bool).reshape(N_PATTERNS)
        table.setflags(write=False)
        self._table = table
        self._views: dict[str, tuple[tuple[int, ...], tuple[int, ...]] | None] = {}
        self._grid = None

    # ---- construction -------------------------------------------------
    @classmethod
    def from_table(cls, table) -> Rule:
        """Build a rule from its 512-entry truth table.

        Args:
            table: Array-like of 512 booleans or 0/1 integers, indexed by the
                MAP configuration number.

        Returns:
            The rule.

        Raises:
            TypeError: If ``table`` is not array-like of numbers or booleans.
            ValueError: If it does not have 512 entries or holds values other
                than 0 and 1.
        """
        if isinstance(table, (str, bytes)):
            raise InputTypeError("table must be an array of 512 booleans, not a string (use Rule.parse)")
        try:
            arr = np.asarray(table)
        except Exception as exc:  # ragged sequences and the like
            raise InputTypeError(f"table must be an array of 512 booleans: {exc}") from exc
        if arr.dtype.kind not in "biuf":
            raise InputTypeError(f"table must hold booleans or 0/1 numbers, got dtype {arr.dtype}")
        if arr.size != N_PATTERNS:
            raise InputError(f"table must have {N_PATTERNS} entries (one per 3x3 configuration), got {arr.size}")
        if arr.dtype != bool and not np.isin(arr, (0, 1)).all():
            bad = arr.ravel()[~np.isin(arr.ravel(), (0, 1))][0]
            raise InputError(f"table entries must be 0 or 1, found {bad!r}")
        return Rule(arr.reshape(N_PATTERNS).astype(bool))

    @classmethod
    def from_bs(cls, birth: Iterable[int], survival: Iterable[int], neighbourhood: str = "moore") -> Rule:
        """Build an outer-totalistic rule from birth and survival counts.

        Args:
            birth: Neighbour counts at which a dead cell comes alive.
            survival: Neighbour counts at which a live cell stays alive.
            neighbourhood: ``"moore"`` (counts 0-8), ``"vonneumann"`` (0-4)
                or ``"hexagonal"`` (0-6).

        Returns:
            The rule.

        Raises:
            ValueError: If the neighbourhood is unknown or a count is out of range.
        """
        if neighbourhood not in NEIGHBOURHOODS:
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
        top = int(NEIGHBOURHOODS[neighbourhood].sum())
        birth, survival = list(birth), list(survival)  # iterables are read once
        for part, given in (("birth", birth), ("survival", survival)):
            for c in given:
                if isinstance(c, bool) or not isinstance(c, (int, np.integer)):
                    raise InputTypeError(f"{part} counts must be integers, got {c!r}")
                if not 0 <= c <= top:
                    raise InputError(
                        f"{part} digit {c} is out of range 0-{top} for a {FAMILY_NAMES[neighbourhood]} rule"
                    )
        return Rule(table_from_bs(birth, survival, neighbourhood))

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Parse a 2-state 3x3 rule in any notation Golly accepts, or a registry name.

        Accepted: ``B3/S23`` (any case, ``B3S23`` without the slash),
        ``S23/B3``, legacy S/B ``23/3``, the von Neumann suffix ``V``
        (``B2/S013V``, counts 0-4), the hexagonal suffix ``H`` (``B2/S34H``,
        counts 0-6), Hensel's isotropic non-totalistic letters on the Moore
        neighbourhood (``B2-a/S12``, ``B34ek/S2-i3``, letters in any order,
        ``-`` for "all but"), Golly ``MAP`` strings (86 base64 characters for
        the Moore neighbourhood, 22 hexagonal, 6 von Neumann; the trailing
        ``==`` optional), Golly's torus suffix ``:Tw,h`` (kept as
        :attr:`torus`), and the names in :data:`RULES`.

        Args:
            text: The rulestring or name.

        Returns:
            The rule.

        Raises:
            TypeError: If ``text`` is not a string.
            ValueError: If ``text`` is not a valid rule; the message names the
                offending part.
        """
        if isinstance(text, Rule):
            return text
        s, named = rulestring_of(text)
        if named is not None:
            if named.kind != "life-like":
                raise InputError(
                    f"{named.name!r} is a {named.kind} rule ({named.rulestring}); parse it with "
                    "lifelab.rules.parse_rule"
                )
            return cls._parse_notation(named.rulestring, named.rulestring)
        return cls._parse_notation(s, text)

    @classmethod
    def _parse_notation(cls, s: str, text: str) -> Rule:
        core, grid = split_topology(s, text)
        rule = cls._from_core(core, text)
        rule._grid = grid
        return rule

    @classmethod
    def _from_core(cls, core: str, text: str) -> Rule:
        if core[:3].upper() == "MAP":
            if split_map_states(core) is not None:
                raise InputError(
                    f"{text!r} is a Generations rule (MAP.../states); parse it with lifelab.rules.parse_rule"
                )
            return cls(map_table(core[3:], text))
        if core.count("/") >= 2 or core[:1] in "gG" and ascii_digits(core[1:2]):
            raise InputError(
                f"{text!r} is a Generations rule (it has a number of states); parse it with lifelab.rules.parse_rule"
            )
        if core[:1] in "Rr" and ascii_digits(core[1:2]):
            raise InputError(f"{text!r} is a Larger than Life rule; parse it with lifelab.rules.parse_rule")
        return cls(bs_table(*split_bs(core, text), text))

    # ---- views --------------------------------------------------------
    @property
    def table(self) -> np.ndarray:
        """The read-only (512,) bool truth table, indexed by MAP configuration."""
        return self._table

    def _view(self, neighbourhood: str):
        if neighbourhood not in self._views:
            self._views[neighbourhood] = totalistic_view(self._table, neighbourhood)
        return self._views[neighbourhood]

    @property
    def neighbourhood(self) -> str:
        """The simplest outer-totalistic family: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.

        Raises:
            NotTotalisticError: If the rule is not outer-totalistic on any of them.
        """
        for name in NEIGHBOURHOODS:
            if self._view(name) is not None:
                return name
        raise NotTotalisticError(
            f"{self} is not outer-totalistic on the Moore, von Neumann or hexagonal neighbourhood; "
            "it has no birth/survival view (use rule.table)"
        )

    def bs_view(self, neighbourhood: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """``(birth, survival)`` counts on one neighbourhood, or None where the rule is not outer-totalistic there.

        Args:
            neighbourhood: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.
        """
        if neighbourhood not in NEIGHBOURHOODS:
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {list(NEIGHBOURHOODS)}")
        return self._view(neighbourhood)

    @property
    def is_totalistic(self) -> bool:
        """True when the rule has a B/S view on some neighbourhood."""
        return any(self._view(name) is not None for name in NEIGHBOURHOODS)

    @property
    def birth(self) -> tuple[int, ...]:
        """Neighbour counts at which a dead cell is born (outer-totalistic rules only)."""
        return self._view(self.neighbourhood)[0]

    @property
    def survival(self) -> tuple[int, ...]:
        """Neighbour counts at which a live cell survives (outer-totalistic rules only)."""
        return self._view(self.neighbourhood)[1]

    @property
    def kernel(self) -> np.ndarray:
        """The 3x3 neighbour-count kernel of the rule's neighbourhood (outer-totalistic rules only)."""
        return NEIGHBOURHOODS[self.neighbourhood].copy()

    @property
    def name(self) -> str | None:
        """The registry name of this rule, or None if it has none."""
        return registered_name(self)

    def to_map(self, neighbourhood: str = "moore") -> str:
        """Golly's MAP notation: ``"MAP"`` and the base64 bits of the table.

        Args:
            neighbourhood: ``"moore"`` (86 characters, any rule), ``"hexagonal"``
                (22) or ``"vonneumann"`` (6), for rules that only look at those cells.

        Raises:
            ValueError: If the rule depends on a cell outside the neighbourhood asked for.
        """
        text = map_string(self._table, neighbourhood)
        if text is None:
            raise InputError(
                f"{self} depends on cells outside the {FAMILY_NAMES[neighbourhood]} neighbourhood; "
                "only the 86-character Moore MAP can write it"
            )
        return text

    def to_hensel(self) -> str:
        """Hensel's isotropic notation in Golly's canonical spelling, e.g. ``"B2-a/S12"``.

        Raises:
            NotTotalisticError: If the rule is not isotropic (not the same for a pattern's turns and flips).
        """
        halves = to_hensel(self._table)
        if halves is None:
            raise NotTotalisticError(f"{self} is not isotropic; it has no Hensel notation (use to_map())")
        return f"B{halves[0]}/S{halves[1]}"

    def notation_parts(self) -> tuple[str, str, str] | None:
        """The simplest birth/survival spelling: ``(birth, survival, suffix)``, None when only MAP can write it.

        Tried in order: outer-totalistic Moore, von Neumann (suffix ``V``),
        hexagonal (``H``), then Hensel's isotropic letters (Moore).
        """
        for neighbourhood in NEIGHBOURHOODS:
            view = self._view(neighbourhood)
            if view is not None:
                return "".join(map(str, view[0])), "".join(map(str, view[1])), SUFFIXES[neighbourhood]
        halves = to_hensel(self._table)
        return None if halves is None else (halves[0], halves[1], "")

    def to_bs(self, neighbourhood: str | None = None) -> str:
        """The B/S rulestring, e.g. ``"B36/S23"`` or ``"B2/S013V"``.

        Args:
            neighbourhood: Force a family (``"moore"``, ``"vonneumann"``,
                ``"hexagonal"``); by default the simplest one that fits.

        Raises:
            NotTotalisticError: If the rule has no B/S view on that neighbourhood.
        """
        neighbourhood = neighbourhood or self.neighbourhood
        if neighbourhood not in NEIGHBOURHOODS:
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}")
        view = self._view(neighbourhood)
        if view is None:
            raise NotTotalisticError(
                f"{self} is not outer-totalistic on the {FAMILY_NAMES[neighbourhood]} neighbourhood"
            )
        birth, survival = view
        return "B{}/S{}{}".format("".join(map(str, birth)), "".join(map(str, survival)), SUFFIXES[neighbourhood])

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells the table depends on, ``(dy, dx)`` in reading order (the centre always included)."""
        return table_offsets(self.table)

    def perceive(self, boards) -> np.ndarray:
        """Each cell's 3x3 pattern, its MAP index (periodic boundary)."""
        return pattern_index(np.asarray(boards).astype(bool))

    def update(self, boards, perception: np.ndarray) -> np.ndarray:
        """The table read at each cell's pattern."""
        return self.table[perception]

    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The rule as seagull computes it: ``(kernel, lookup, states)`` (see :class:`SeagullRule`).

        An outer-totalistic rule is its neighbour-count kernel with birth and
        survival lookups; any other table is the MAP weight kernel, whose value
        is the pattern's index, with the table as both lookups.
        """
        if self.is_totalistic:
            kernel = self.kernel
            lookup = np.zeros((2, int(kernel.sum()) + 1), dtype=bool)
            lookup[0, list(self.birth)] = True
            lookup[1, list(self.survival)] = True
            return kernel, lookup, 2
        return MAP_WEIGHTS.copy(), np.stack([self._table, self._table]), 2

    def _notation(self) -> str:
        parts = self.notation_parts()
        return self.to_map() if parts is None else f"B{parts[0]}/S{parts[1]}{parts[2]}"

    def _key(self) -> bytes:
        return self._table.tobytes()

    def __reduce__(self):
        return (Rule.from_table, (self._table.copy(),))


def as_rule(rule: Rule | str) -> Rule:
    """Return ``rule`` as a :class:`Rule`, parsing strings and names.

    Raises:
        TypeError: If ``rule`` is neither a Rule nor a string.
        ValueError: If the string is not a valid rule.
    """
    if isinstance(rule, Rule):
        return rule
    if isinstance(rule, str):
        return Rule.parse(rule)
    raise InputTypeError(f"rule must be a Rule or a rulestring, got {type(rule).__name__}")


class SeagullRule:
    """A rule in kernel form (:class:`KernelRule`), callable by ``seagull.Simulator.run``.

    seagull counts neighbours by convolution; this does the same for any
    rule with a kernel form.  For a :class:`Rule` that is its neighbour-count
    kernel (Moore, von Neumann or hexagonal) plus birth/survival lookups, or,
    for any other table, the MAP weight kernel plus the table; Generations and
    Larger-than-Life rules bring their own kernels.

    Attributes:
        rule: The rule.
        kernel: The integer kernel correlated with the live cells.
        lookup: ``(2, K)`` bool: ``lookup[state, value]`` says whether a cell in
            ``state`` (0 dead, 1 live) with kernel value ``value`` is live next.
        states: Number of cell states.
    """

    def __init__(self, rule):
        """Build the kernel form of ``rule`` (a Rule, a rulestring, or a family's rule object)."""
        self.rule = as_rule(rule) if isinstance(rule, str) else rule
        self.kernel, self.lookup, self.states = self.rule.kernel_form()

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """One step of the rule on a 2-D board of states with periodic boundary."""
        X = np.asarray(X)
        if X.ndim != 2:
            raise InputError(f"seagull boards are 2-D, got shape {X.shape}")
        state = X.astype(np.int64)
        alive = state == 1
        from scipy.signal import correlate2d  # only seagull's path needs it; scipy.signal takes 0.4 s to import

        values = correlate2d(alive.astype(np.int64), self.kernel, mode="same", boundary="wrap")
        return decay(state, self.lookup[alive.astype(np.int64), values], self.states)

    def __repr__(self) -> str:
        return f"SeagullRule({str(self.rule)!r})"
