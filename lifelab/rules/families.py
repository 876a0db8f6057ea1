"""Rule types beyond the 2-state 3x3 table: Generations, Larger than Life, stochastic rules.

A *rule type* is a class of rules (:data:`RULE_TYPES`; the deterministic ones meet :class:`RuleType`); a
*family* elsewhere in lifelab is a named set of rules (what a verdict may assume).  A rule type knows its
states, its neighbourhood (as offsets), its transition (one step on an array of cell states) and its notation
(Golly's, parsed in every spelling Golly accepts and printed in Golly's canonical form).  Three deterministic
types live side by side:

- :class:`lifelab.rules.lifelike.Rule`: the 2-state rule on the 3x3 window (B/S, V,
  H, Hensel isotropic, MAP);
- :class:`GenerationsRule`: ``n`` states; a dead cell (0) is born and a live
  cell (1) survives by the live neighbours of a 2-state rule, a live cell
  that does not survive starts dying (2, 3, ... ``n - 1``, then 0), and dying
  cells neither count nor can be born;
- :class:`LtLRule`: Larger than Life: range ``r`` (a box, a diamond or a
  disc of cells around each cell), birth and survival when the live count
  lies in an interval, optionally counting the cell itself, optionally with
  Generations-style dying states.

:func:`parse_rule` reads any of them (or a registry name) and returns the
right type.  Each has a ``kernel_form()``, the count kernel and
lookup seagull's convolution runs (:class:`lifelab.rules.lifelike.SeagullRule`), and
``step``/``step_torch``, the transitions :func:`lifelab.engines.simulation` runs.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol, runtime_checkable

import numpy as np
import torch
import torch.nn.functional as F

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import CENTRE, N_PATTERNS, NEIGHBOURHOODS, WINDOW, pattern_index
from lifelab.geometry.window import counts as pattern_counts
from lifelab.rules.lifelike import (
    Grid,
    OnGrid,
    Rule,
    SeagullRule,
    bs_table,
    named_rule,
    named_rules,
    split_map_states,
    split_topology,
)
from lifelab.rules.tables import TableRule, find_rule_file, load_rule_file
from lifelab.utils import ascii_digits, check_int

__all__ = ["HROT_NEIGHBOURHOODS", "LTL_NEIGHBOURHOODS", "MAX_RANGE", "MAX_STATES", "RULE_TYPES", "GenerationsRule",
           "HROTRule", "LtLRule", "RuleType", "StochasticRule", "count_runs", "parse_rule", "rule_reach",
           "rule_states"]

#: Most states a rule may have (Golly's limit).
MAX_STATES = 256

#: Largest Larger-than-Life range lifelab reads (Golly's limit).
MAX_RANGE = 500
MAX_GAUSSIAN_RANGE = 50  # Golly's MAXGAUSSIANRANGE

#: Larger-than-Life neighbourhoods lifelab simulates: Golly's letter and what it is.
LTL_NEIGHBOURHOODS = {"M": "Moore (a box)", "N": "von Neumann (a diamond)", "C": "circular (a disc)"}


def _check_states(states, text: str) -> int:
    if isinstance(states, bool) or not isinstance(states, (int, np.integer)) or not 2 <= states <= MAX_STATES:
        raise InputError(f"{text}: a rule has 2 to {MAX_STATES} states, got {states!r}")
    return int(states)


def _kernel_step_torch(rule, states: torch.Tensor) -> torch.Tensor:
    """One step of any family on the device, through its kernel form: a circular convolution and a lookup."""
    kernel, lookup, n = rule.kernel_form()
    k = torch.as_tensor(kernel, dtype=torch.float32, device=states.device)[None, None]
    pad = kernel.shape[-1] // 2
    alive = (states == 1)
    flat = alive.reshape(-1, 1, *alive.shape[-2:]).float()
    values = F.conv2d(F.pad(flat, (pad, pad, pad, pad), mode="circular"), k).round().long().reshape(alive.shape)
    live_next = torch.as_tensor(lookup, device=states.device)[alive.long(), values]
    if n == 2:
        return live_next & (states <= 1)
    s = states.long()
    decayed = torch.where(s >= 2, (s + 1) % n, torch.zeros_like(s))
    out = torch.where(s == 0, live_next.long(), torch.where(alive, 2 - live_next.long(), decayed))
    return out.to(torch.uint8)


def _decay(states: np.ndarray, live_next: np.ndarray, n: int) -> np.ndarray:
    """Next states of a Generations-style rule: born/survive from ``live_next``, dying cells count up to 0."""
    if n == 2:
        return live_next & (states <= 1)
    s = states.astype(np.int16)
    out = np.where(s == 0, live_next, np.where(s == 1, 2 - live_next.astype(np.int16), (s + 1) % n))
    return out.astype(np.uint8)


class GenerationsRule(OnGrid):
    """A Generations rule: a 2-state birth/survival rule plus dying states.

    Attributes:
        rule: The 2-state :class:`~lifelab.rules.lifelike.Rule` that decides birth (of a
            dead cell) and survival (of a live one) from the live neighbours; any
            spelling Golly's Generations accepts (B/S, V, H, Hensel letters).
        states: Number of states, 2 to 256: 0 dead, 1 live, 2.. dying.
    """

    family = "Generations"

    def __init__(self, rule: Rule | str, states: int):
        """Args:
            rule: The birth/survival rule.
            states: Number of states.
        """
        rule = Rule.parse(rule) if isinstance(rule, str) else rule
        if not isinstance(rule, Rule):
            raise InputTypeError(f"rule must be a Rule or rulestring, got {type(rule).__name__}")
        self.rule = rule
        self.states = _check_states(states, str(rule))
        self._grid: Grid | None = None

    @classmethod
    def parse(cls, text: str) -> GenerationsRule:
        """Read a Generations rule in any spelling Golly (or Catagolue) uses.

        ``S/B/C`` with digits (``345/2/4``, ``/2/3``, ``23/3/2``), ``B/S/C``
        with letters (``B2/S/3``, ``B2/S/C3``), Catagolue's ``g3b2s``, with
        Hensel letters, a final ``V`` or ``H``, and ``:Tw,h``.

        Raises:
            ValueError: Naming the bad part.
        """
        return _parse(text, cls)

    @classmethod
    def _from_core(cls, core: str, text: str) -> GenerationsRule:
        split = split_map_states(core)
        if split is not None:  # a table no B/S spelling writes, with its states: MAP.../n
            return cls(Rule._parse_notation(split[0], text), _check_states(split[1], text))
        neighbourhood = "moore"
        if core and core[-1] in "VvHh":
            neighbourhood = "vonneumann" if core[-1] in "Vv" else "hexagonal"
            core = core[:-1]
        catagolue = re.fullmatch(r"[gG]([0-9]{1,18})[bB]([^sS]*)[sS](.*)", core)
        if catagolue:
            states, birth, survival = catagolue[1], catagolue[2], catagolue[3]
        else:
            parts = core.split("/")
            if len(parts) != 3:
                raise InputError(f"Generations rule {text!r} needs three '/'-separated parts (survival/birth/states "
                                 f"or B../S../states), got {len(parts)}")
            first, second, states = parts
            lead = (first[:1].upper(), second[:1].upper())
            if lead == ("B", "S"):
                birth, survival = first[1:], second[1:]
            elif lead == ("S", "B"):
                birth, survival = second[1:], first[1:]
            elif {"B", "S"} & set(lead):
                raise InputError(f"Generations rule {text!r} must name one part 'B' (birth) and the other 'S' "
                                 "(survival), or use Golly's survival/birth/states order")
            else:
                birth, survival = second, first
            states = states[1:] if states[:1] in "CcGg" else states
        if not ascii_digits(states):
            raise InputError(f"Generations rule {text!r}: the number of states {states!r} is not a number")
        return cls(Rule.from_table(bs_table(birth, survival, neighbourhood, text)), _check_states(int(states), text))

    @property
    def table(self) -> np.ndarray:
        """The birth/survival rule's 512-entry table (which live-neighbour patterns make a cell live next)."""
        return self.rule.table

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The neighbourhood: cells whose state can matter, ``(dy, dx)``, centre included."""
        parts = self.rule.notation_parts()
        kernel = {"": NEIGHBOURHOODS["moore"], "V": NEIGHBOURHOODS["vonneumann"],
                  "H": NEIGHBOURHOODS["hexagonal"]}[parts[2] if parts else ""]
        return [(dy, dx) for dy, dx in WINDOW if kernel[dy + 1, dx + 1] or (dy, dx) == (0, 0)]

    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The kernel and lookup of the birth/survival rule (see :class:`~lifelab.rules.lifelike.SeagullRule`), with the states."""
        kernel, lookup, _ = self.rule.kernel_form()
        return kernel, lookup, self.states

    def seagull_rule(self) -> SeagullRule:
        """A callable for ``seagull.Simulator(board).run(fn, iters=N)`` on boards of states."""
        return SeagullRule(self)

    def step(self, states: np.ndarray) -> np.ndarray:
        """One step on ``(..., H, W)`` boards of states (periodic boundary).

        Returns:
            bool boards for 2 states, uint8 states otherwise.
        """
        live_next = self.rule.table[pattern_index(states == 1)]
        return _decay(states, live_next, self.states)

    def step_torch(self, states: torch.Tensor) -> torch.Tensor:
        """:meth:`step` in torch, on any device."""
        return _kernel_step_torch(self, states)

    def __str__(self) -> str:
        parts = self.rule.notation_parts()
        if parts is None:  # Golly's Generations spellings are B/S; lifelab writes other tables as MAP.../n
            text = f"{self.rule.to_map()}/{self.states}"
        else:
            birth, survival, suffix = parts
            text = f"{survival}/{birth}/{self.states}{suffix}"
        return text if self._grid is None else f"{text}{self._grid}"

    def __repr__(self) -> str:
        return f"GenerationsRule({str(self)!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, GenerationsRule):
            return NotImplemented
        return self.states == other.states and self.rule == other.rule

    def __hash__(self) -> int:
        return hash((self.states, self.rule))

    @property
    def name(self) -> str | None:
        """The registry name of this rule, or None."""
        return _names(type(self)).get(self)


class StochasticRule(OnGrid):
    """A 2-state 3x3 rule whose next state is random: each pattern has a probability of being alive next.

    Probabilistic cellular automata (directed percolation, Domany-Kinzel in
    2-D) are what physicists study, and Golly cannot run them.  The rule is
    a ``(512,)`` table of probabilities; its notation is the deterministic
    part in Golly's notation and the stochastic classes after it, named as
    outer-totalistic Moore classes when the probabilities are constant on
    them (``B3/S23 [B3=0.8]``: Life, except that a dead cell with three live
    neighbours is born with probability 0.8), else as MAP indices
    (``MAP... [p17=0.5]``).

    Attributes:
        probability: ``(512,)`` float: the chance of being alive next, per 3x3 pattern (MAP order).
    """

    family = "stochastic"

    def __init__(self, probability):
        """Args:
            probability: ``(512,)`` chances in [0, 1], MAP order.
        """
        table = np.asarray(probability, dtype=np.float64)
        if table.shape != (N_PATTERNS,):
            raise InputError(f"a stochastic rule has one probability per 3x3 pattern, shape ({N_PATTERNS},), "
                             f"got {table.shape}")
        if not np.isfinite(table).all() or (table < 0).any() or (table > 1).any():
            raise InputError("a stochastic rule's probabilities must lie in [0, 1]")
        self.probability = table
        self.probability.flags.writeable = False
        self._grid: Grid | None = None

    @classmethod
    def of(cls, base, exceptions: dict[str, float]) -> StochasticRule:
        """A deterministic rule with some classes made random.

        Args:
            base: The deterministic rule (a :class:`~lifelab.rules.lifelike.Rule` or rulestring).
            exceptions: Class name -> probability of alive next: ``"B3"`` (a dead cell with 3 live Moore
                neighbours), ``"S2"`` (a live one with 2), or ``"p17"`` (the 3x3 pattern of MAP index 17).

        Raises:
            InputError: For an unknown class name or a probability outside [0, 1].
        """
        base = Rule.parse(base) if isinstance(base, str) else base
        if not isinstance(base, Rule):
            raise InputTypeError(f"base must be a Rule or rulestring, got {type(base).__name__}")
        table = base.table.astype(np.float64)
        for name, value in exceptions.items():
            table[_class_patterns(name)] = _probability(value, name)
        return cls(table)

    @property
    def base(self) -> Rule:
        """The deterministic rule nearest to it: alive where the chance is above one half."""
        return Rule.from_table(self.probability > 0.5)

    @property
    def exceptions(self) -> dict[str, float]:
        """The stochastic classes by name and their probabilities (Moore classes when constant on them)."""
        random = (self.probability > 0) & (self.probability < 1)
        moore = CENTRE.astype(np.int64) * 9 + pattern_counts("moore")
        out = {}
        by_class = all(np.ptp(self.probability[moore == c]) == 0 for c in np.unique(moore[random]))
        if by_class:
            for c in np.unique(moore[random]):
                out[f"{'S' if c >= 9 else 'B'}{c % 9}"] = float(self.probability[moore == c][0])
        else:
            out = {f"p{i}": float(self.probability[i]) for i in np.flatnonzero(random)}
        return out

    def step(self, states: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One random step on ``(..., H, W)`` boards (periodic), drawing from ``rng``."""
        chance = self.probability[pattern_index(np.asarray(states) == 1)]
        return rng.random(chance.shape) < chance

    @property
    def states(self) -> int:
        """Always 2."""
        return 2

    def __str__(self) -> str:
        base = str(self.base)
        listed = ", ".join(f"{name}={value:g}" for name, value in self.exceptions.items())
        text = f"{base} [{listed}]" if listed else base
        return text if self._grid is None else f"{text}{self._grid}"

    def __repr__(self) -> str:
        return f"StochasticRule({str(self)!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, StochasticRule):
            return NotImplemented
        return bool(np.array_equal(self.probability, other.probability))

    def __hash__(self) -> int:
        return hash(self.probability.tobytes())

    @property
    def name(self) -> str | None:
        """Stochastic rules have no registry names."""
        return None


def _class_patterns(name: str) -> np.ndarray:
    """The 3x3 patterns (MAP indices) a stochastic class name stands for: ``B3``, ``S2`` or ``p17``."""
    match = re.fullmatch(r"([BS])([0-8])|p([0-9]{1,18})", name.strip())
    if match is None or (match[3] is not None and int(match[3]) >= N_PATTERNS):
        raise InputError(f"unknown stochastic class {name!r}: expected B0..B8 or S0..S8 (Moore classes) or p0..p511 "
                         "(a 3x3 pattern)")
    if match[3] is not None:
        return np.array([int(match[3])])
    alive = match[1] == "S"
    return np.flatnonzero((CENTRE == alive) & (pattern_counts("moore") == int(match[2])))


def _probability(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InputError(f"the probability of {name} must be a number in [0, 1], got {value!r}") from None
    if not 0 <= value <= 1:
        raise InputError(f"the probability of {name} must be a number in [0, 1], got {value}")
    return value


def _parse_stochastic(text: str) -> StochasticRule:
    """``BASE [CLASS=p, ...]``."""
    match = re.fullmatch(r"\s*([^\[]+?)\s*\[([^\]]*)\]\s*", text)
    if match is None:
        raise InputError(f"stochastic rule {text!r} should read 'B3/S23 [B3=0.8, S2=0.95]'")
    base, grid = split_topology(match[1], text)
    exceptions = {}
    for part in filter(None, (p.strip() for p in match[2].split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise InputError(f"stochastic rule {text!r}: {part!r} should be CLASS=probability")
        exceptions[name.strip()] = value.strip()
    rule = StochasticRule.of(base, exceptions)
    rule._grid = grid
    return rule


def _disc_widths(r: int) -> list[int]:
    """Golly's circular neighbourhood: row ``dy`` reaches ``w`` cells each side, the largest ``w`` with w^2+dy^2 <= r^2+r."""
    widths = []
    for dy in range(-r, r + 1):
        w = 0
        while (w + 1) ** 2 + dy ** 2 <= r * r + r:
            w += 1
        widths.append(w)
    return widths


class _CountRule(OnGrid):
    """Equality, hashing and the registry name of a count rule, by what it does (its ``_key()``), not its spelling."""

    def __eq__(self, other) -> bool:
        """Equal when the two rules make the same moves: same cells counted alike, same birth and survival counts
        (a Larger than Life rule and its HROT spelling, ``R2,C0,M1,S4..8,B4..6`` and ``R2,C0,S3-7,B4-6``, too)."""
        if not isinstance(other, _CountRule):
            return NotImplemented
        return self._key() == other._key()

    def _key(self) -> tuple:
        # what the rule does, not how it is spelled: the neighbours' weights (the centre's own part taken out),
        # the state weights, the states, and the neighbour counts at which a cell is born and survives
        outer = np.zeros((2 * self.range + 1, 2 * self.range + 1), np.int64)
        for dy, dx in self.offsets:
            outer[dy + self.range, dx + self.range] = self.weights[dy + self.range, dx + self.range] \
                if isinstance(self, HROTRule) else 1
        outer[self.range, self.range] = 0
        return outer.shape, outer.tobytes(), getattr(self, "state_weights", None), self.states, self.born, \
            self.survives

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def name(self) -> str | None:
        """The registry name of this rule, or None."""
        return _names(type(self)).get(self)


class LtLRule(_CountRule):
    """A Larger than Life rule (Golly's ``Rr,Cc,Mm,Smin..max,Bmin..max,Nn``).

    Attributes:
        range: ``r``, how far the neighbourhood reaches (1 to 500).
        states: Number of states (Golly's ``C``; 0 and 1 mean 2).
        middle: The cell itself is counted among its neighbours (``M1``).
        survival: ``(smin, smax)``: a live cell survives when its live count lies in it.
        birth: ``(bmin, bmax)``: a dead cell is born when its live count lies in it.
        neighbourhood: ``"M"`` (box), ``"N"`` (diamond) or ``"C"`` (disc).
    """

    family = "Larger than Life"

    def __init__(self, range: int, survival: tuple[int, int], birth: tuple[int, int], *, states: int = 2,
                 middle: bool = False, neighbourhood: str = "M"):
        """Build and check a rule (see the attributes)."""
        if neighbourhood not in LTL_NEIGHBOURHOODS:
            raise InputError(f"neighbourhood N{neighbourhood} is not supported: lifelab reads "
                             + ", ".join(f"N{k} ({v})" for k, v in LTL_NEIGHBOURHOODS.items()))
        self.range = check_int("range", range, 1, MAX_RANGE)
        self.states = 2 if states in (0, 1) else _check_states(states, "Larger than Life rule")
        self.middle = bool(middle)
        self.neighbourhood = neighbourhood
        top = self.size + self.middle
        for part, limits in (("S", survival), ("B", birth)):
            low, high = (check_int(f"{part} limit", v, 0, top) for v in limits)
            if low > high:
                raise InputError(f"{part}{low}..{high}: the lower limit is above the upper one")
        self.survival, self.birth = tuple(int(v) for v in survival), tuple(int(v) for v in birth)
        if self.birth[0] == 0 and self.states > 2:
            raise InputError("B0 is not allowed with more than 2 states (as in Golly)")
        self._grid: Grid | None = None

    @classmethod
    def parse(cls, text: str) -> LtLRule:
        """Read Golly's ``R2,C0,M1,S5..9,B6..8,NM`` (any case) or Kellie Evans' ``r,bmin,bmax,smin,smax``.

        Raises:
            ValueError: Naming the bad field.
        """
        return _parse(text, cls)

    @classmethod
    def _from_core(cls, core: str, text: str) -> LtLRule:
        fields = core.split(",")
        if all(ascii_digits(f.strip()) for f in fields) and len(fields) == 5:  # Kellie Evans: r,bmin,bmax,smin,smax
            r, bmin, bmax, smin, smax = (int(f) for f in fields)
            return cls(r, (smin, smax), (bmin, bmax), middle=True)
        expected = "Rr,Cc,Mm,Smin..max,Bmin..max,Nn"
        if len(fields) != 6:
            raise InputError(f"Larger than Life rule {text!r} has {len(fields)} comma-separated fields; "
                             f"expected 6: {expected}")
        values = {}
        for field, key in zip(fields, "RCMSBN"):
            if field[:1].upper() != key:
                raise InputError(f"Larger than Life rule {text!r}: field {field!r} should start with {key!r} "
                                 f"({expected})")
            body = field[1:]
            if key in "SB":
                interval = re.fullmatch(r"([0-9]{1,18})\.\.([0-9]{1,18})", body)
                if interval is None:
                    raise InputError(f"Larger than Life rule {text!r}: {field!r} should be {key}min..max")
                values[key] = (int(interval[1]), int(interval[2]))
            elif key == "N":
                values[key] = body.upper()
            elif not ascii_digits(body):
                raise InputError(f"Larger than Life rule {text!r}: {field!r} should be {key} and a number")
            else:
                values[key] = int(body)
        if values["M"] not in (0, 1):
            raise InputError(f"Larger than Life rule {text!r}: M{values['M']} must be M0 or M1")
        if values["R"] < 1:
            raise InputError(f"Larger than Life rule {text!r}: range R{values['R']} must be 1 to {MAX_RANGE}")
        return cls(values["R"], values["S"], values["B"], states=values["C"], middle=values["M"],
                   neighbourhood=values["N"])

    @property
    def widths(self) -> list[int]:
        """For each row ``dy = -r..r`` of the neighbourhood, how many cells it reaches to each side."""
        r = self.range
        if self.neighbourhood == "M":
            return [r] * (2 * r + 1)
        if self.neighbourhood == "N":
            return [r - abs(dy) for dy in range(-r, r + 1)]
        return _disc_widths(r)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells counted, ``(dy, dx)`` in reading order (the centre only with ``M1``)."""
        r = self.range
        return [(dy, dx) for dy, w in zip(range(-r, r + 1), self.widths) for dx in range(-w, w + 1)
                if (dy, dx) != (0, 0) or self.middle]

    @property
    def size(self) -> int:
        """Neighbours of a cell, itself not counted."""
        return sum(2 * w + 1 for w in self.widths) - 1

    def kernel_form(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The count kernel (ones on the counted cells) and the birth/survival lookup, with the states."""
        r = self.range
        kernel = np.zeros((2 * r + 1, 2 * r + 1), dtype=np.int64)
        for dy, dx in self.offsets:
            kernel[dy + r, dx + r] = 1
        top = self.size + 1
        counts = np.arange(top + 1)
        lookup = np.stack([(self.birth[0] <= counts) & (counts <= self.birth[1]),
                           (self.survival[0] <= counts) & (counts <= self.survival[1])])
        return kernel, lookup, self.states

    def seagull_rule(self) -> SeagullRule:
        """A callable for ``seagull.Simulator(board).run(fn, iters=N)``: seagull's convolution with a larger kernel."""
        return SeagullRule(self)

    def counts(self, alive: np.ndarray) -> np.ndarray:
        """Live cells counted around every cell of ``(..., H, W)`` boards (periodic).

        A box is counted from a summed-area table (four lookups per cell,
        whatever the range); a diamond or a disc row by row from prefix sums
        (each row of the neighbourhood is a run of cells: ``2r + 1`` passes).
        """
        r = self.range
        a = np.asarray(alive).astype(np.int32)
        h, w = a.shape[-2:]
        if self.neighbourhood == "M":  # a box: a summed-area table gives each count from four corners
            padded = np.take(np.take(a, np.arange(-r, h + r) % h, axis=-2), np.arange(-r, w + r) % w, axis=-1)
            table = np.zeros(padded.shape[:-2] + (h + 2 * r + 1, w + 2 * r + 1), np.int32)
            table[..., 1:, 1:] = padded.cumsum(axis=-2).cumsum(axis=-1)
            k = 2 * r + 1
            total = (table[..., k:, k:] - table[..., :h, k:] - table[..., k:, :w] + table[..., :h, :w])
            return total if self.middle else total - a
        padded = np.take(a, np.arange(-r, w + r) % w, axis=-1)
        prefix = np.concatenate([np.zeros(a.shape[:-1] + (1,), np.int32), np.cumsum(padded, axis=-1)], axis=-1)
        total = np.zeros(a.shape, dtype=np.int32)
        for dy, width in zip(range(-r, r + 1), self.widths):
            rows = prefix[..., r + width + 1: r + width + 1 + w] - prefix[..., r - width: r - width + w]
            total += np.roll(rows, -dy, axis=-2)
        return total if self.middle else total - a

    def step(self, states: np.ndarray) -> np.ndarray:
        """One step on ``(..., H, W)`` boards of states (periodic boundary).

        Returns:
            bool boards for 2 states, uint8 states otherwise.
        """
        alive = states == 1
        c = self.counts(alive)
        live_next = np.where(alive, (self.survival[0] <= c) & (c <= self.survival[1]),
                             (self.birth[0] <= c) & (c <= self.birth[1]))
        return _decay(states, live_next, self.states)

    def step_torch(self, states: torch.Tensor) -> torch.Tensor:
        """:meth:`step` in torch, on any device."""
        return _kernel_step_torch(self, states)

    def __str__(self) -> str:
        text = (f"R{self.range},C{0 if self.states == 2 else self.states},M{int(self.middle)},"
                f"S{self.survival[0]}..{self.survival[1]},B{self.birth[0]}..{self.birth[1]},N{self.neighbourhood}")
        return text if self._grid is None else f"{text}{self._grid}"

    def __repr__(self) -> str:
        return f"LtLRule({str(self)!r})"

    @property
    def born(self) -> frozenset[int]:
        """Neighbour counts (the cell itself never counted) at which a dead cell is born."""
        return frozenset(range(max(self.birth[0], 0), min(self.birth[1], self.size) + 1))

    @property
    def survives(self) -> frozenset[int]:
        """Neighbour counts (the cell itself not counted) at which a live cell survives; ``M1`` shifts them by one."""
        low, high = (v - self.middle for v in self.survival)
        return frozenset(range(max(low, 0), min(high, self.size) + 1))



#: Golly's HROT and Larger than Life neighbourhood letters beyond box, diamond and disc that lifelab reads
#: (``N`` and the letter; ``@`` and ``W`` are followed by hex digits), and what they are.
HROT_NEIGHBOURHOODS = {"M": "Moore (a box)", "N": "von Neumann (a diamond)", "C": "circular (a disc)",
                       "2": "L2 (a Euclidean disc)", "+": "cross", "X": "saltire (the diagonals)",
                       "*": "star (cross and saltire)", "#": "hash (the lines one cell off the centre)",
                       "B": "checkerboard", "D": "aligned checkerboard", "H": "hexagonal",
                       "@": "custom (hex digits, a bit a cell)", "W": "weighted (hex digits, a weight a cell)",
                       "G": "Gaussian (weights falling off from the centre)"}

_HEX = "0123456789ABCDEF"


def _hrot_shape(letter: str, r: int) -> np.ndarray:
    """The cells a neighbourhood counts, ``(2r + 1, 2r + 1)`` int64, the centre counted as Golly counts it."""
    dy, dx = np.mgrid[-r:r + 1, -r:r + 1]
    ady, adx = np.abs(dy), np.abs(dx)
    if letter == "G":  # Golly's Gaussian: (r + 1 - |dy|)(r + 1 - |dx|), and one more for the cell itself
        weights = (r + 1 - ady) * (r + 1 - adx)
        weights[r, r] += 1
        return weights.astype(np.int64)
    if letter in "C2":
        widths = np.array(_disc_widths(r)) if letter == "C" else \
            np.array([int(np.floor(np.sqrt(r * r - y * y))) for y in range(-r, r + 1)])
        return (adx <= widths[:, None]).astype(np.int64)
    shape = {"M": np.ones_like(dy, bool), "N": ady + adx <= r, "+": (dy == 0) | (dx == 0), "X": ady == adx,
             "*": (dy == 0) | (dx == 0) | (ady == adx), "#": (ady == 1) | (adx == 1) | ((dy == 0) & (dx == 0)),
             "B": ((dy + dx) % 2 == 1) | ((dy == 0) & (dx == 0)), "D": (dy + dx) % 2 == 0,
             "H": np.abs(dx - dy) <= r}[letter]
    return shape.astype(np.int64)


def _read_hex_neighbourhood(letter: str, spec: str, r: int, states: int, text: str):
    """A custom (``@``) or weighted (``W``) neighbourhood's weights, state weights and the rest of the field."""
    box = (2 * r + 1) ** 2
    digits = re.match(r"[0-9A-F]*", spec)[0]
    if letter == "@":
        need = (box - 1) // 4
        if len(digits) < need:
            raise InputError(f"HROT rule {text!r}: a range-{r} custom neighbourhood N@ needs {need} hex digits, "
                             f"got {len(digits)}")
        bits = [int(c, 16) >> (3 - b) & 1 for c in digits[:need] for b in range(4)]
        cells = bits[:box // 2] + [1] + bits[box // 2:]  # Golly counts the centre itself
        return np.array(cells, np.int64).reshape(2 * r + 1, 2 * r + 1), None, digits[:need], spec[need:]
    if len(digits) >= 2 * box:
        pairs = [int(digits[2 * i:2 * i + 2], 16) for i in range(box)]
        weights, used = [-(v & 127) if v & 128 else v for v in pairs], 2 * box
    elif len(digits) >= box:
        weights, used = [-(int(c, 16) & 7) if int(c, 16) & 8 else int(c, 16) for c in digits[:box]], box
    else:
        raise InputError(f"HROT rule {text!r}: a range-{r} weighted neighbourhood NW needs {box} or {2 * box} hex "
                         f"digits, got {len(digits)}")
    rest, state_weights = spec[used:], None
    if rest.startswith(","):
        found = re.match(r"[0-9A-F]*", rest[1:])[0]
        if len(found) != max(states, 2):
            raise InputError(f"HROT rule {text!r}: {len(found)} state weights for {max(states, 2)} states")
        state_weights, used, rest = tuple(int(c, 16) for c in found), used + 1 + len(found), rest[1 + len(found):]
    return np.array(weights, np.int64).reshape(2 * r + 1, 2 * r + 1), state_weights, spec[:used], rest


def _count_list(body: str, low: int, high: int, part: str, text: str) -> frozenset[int]:
    """An HROT count list such as ``0,7-12,27`` (empty allowed), each value checked to lie in ``low..high``."""
    values: set[int] = set()
    for item in filter(None, body.split(",")):
        match = re.fullmatch(r"([0-9]{1,18})(?:-([0-9]{1,18}))?", item)
        if match is None:
            raise InputError(f"HROT rule {text!r}: {part} list item {item!r} should be a count or a range a-b")
        a, b = int(match[1]), int(match[2] or match[1])
        if a > b:
            raise InputError(f"HROT rule {text!r}: {part}{a}-{b}: the lower end is above the upper one")
        if a < low or b > high:
            raise InputError(f"HROT rule {text!r}: {part} value out of range {low}..{high} in {item!r}")
        values.update(range(a, b + 1))
    return frozenset(values)


def count_runs(values) -> str:
    """Golly's canonical count list: ascending runs, ``a-b`` or ``a``, comma-separated."""
    out, ordered = [], sorted(values)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return ",".join(out)


class HROTRule(_CountRule):
    """A Higher Range Outer Totalistic rule (Golly's ``Rr,Cc,Slist,Blist,Nn``) on any of Golly's square-grid
    neighbourhoods, or Larger than Life written with one of them (``R2,C0,M1,S5..9,B6..8,N+``).

    The count is what Golly's Larger than Life algorithm sums: the weights
    of the neighbourhood's live cells (state 1), the centre among them (its
    weight 1 for a shape, as given for ``NW``).  A dead cell is born when the
    count is in ``birth``; a live cell survives when the count, less one for
    the centre (except with ``M1`` or ``NW``, whose lists include it), is in
    ``survival``; with more than two states a cell that does not survive
    dies through states 2, 3, ... as in Generations.

    Attributes:
        range: How far the neighbourhood reaches.
        states: Cell states (Golly's ``C``; 0 and 1 mean 2).
        survival: Survival counts, as written.
        birth: Birth counts, as written.
        neighbourhood: A key of :data:`HROT_NEIGHBOURHOODS`.
        spec: The hex digits (and state weights) of ``N@`` and ``NW``, upper case; empty otherwise.
        weights: ``(2r + 1, 2r + 1)`` int64: each cell's weight in the count.
        state_weights: ``NW``'s optional weight per state (then every non-dead state counts), or None.
        ltl: Written in Larger than Life's syntax (``M`` flag, ``S..``/``B..`` intervals).
        middle: ``M1`` (Larger than Life syntax only).
    """

    family = "HROT"

    def __init__(self, range: int, survival, birth, *, states: int = 2, neighbourhood: str = "M", spec: str = "",
                 ltl: bool = False, middle: bool = False, text: str | None = None):
        """Build and check a rule (see the attributes)."""
        text = text or "HROT rule"
        if neighbourhood not in HROT_NEIGHBOURHOODS:
            raise InputError(f"HROT rule {text!r}: neighbourhood N{neighbourhood} is not supported: lifelab reads "
                             + ", ".join(f"N{k} ({v})" for k, v in HROT_NEIGHBOURHOODS.items()))
        self.range = check_int("range", range, 1, MAX_RANGE)
        self.states = 2 if states in (0, 1) else _check_states(states, "HROT rule")
        self.neighbourhood, self.ltl, self.middle = neighbourhood, bool(ltl), bool(middle) and bool(ltl)
        self.state_weights = None
        if neighbourhood in "@W":
            self.weights, self.state_weights, self.spec, rest = _read_hex_neighbourhood(
                neighbourhood, spec.upper(), self.range, self.states, text)
            if rest == "H":  # Golly's hexagonal grid: the same counts, drawn as hexagons
                self.spec += rest
            elif rest:
                raise InputError(f"HROT rule {text!r}: {rest!r} after the neighbourhood (lifelab reads the square "
                                 "grid and Golly's hexagonal one (H), not the triangular L grid)")
        else:
            if spec:
                raise InputError(f"HROT rule {text!r}: {spec!r} after N{neighbourhood}, which takes no digits")
            if neighbourhood == "G" and self.range > MAX_GAUSSIAN_RANGE:
                raise InputError(f"HROT rule {text!r}: the Gaussian neighbourhood reaches range "
                                 f"{MAX_GAUSSIAN_RANGE} at most (Golly's limit), got R{self.range}")
            self.weights, self.spec = _hrot_shape(neighbourhood, self.range), ""
        self.survival, self.birth = frozenset(survival), frozenset(birth)
        if 0 in self.birth:
            raise InputError(f"HROT rule {text!r}: B0 rules are run by Golly with its B0 emulation (complemented "
                             "rules on odd generations), which lifelab does not reproduce yet")
        self._grid: Grid | None = None

    @property
    def _shift(self) -> int:
        """What the survival counts leave out: the centre (1), unless M1 or NW include it."""
        return 0 if self.middle or self.neighbourhood == "W" else 1

    @property
    def size(self) -> int:
        """The largest count, the centre left out (Golly's ``maxn``)."""
        if self.neighbourhood == "W":
            return int(self.weights[self.weights > 0].sum()) * max(self.state_weights or (1,))
        return int(self.weights.sum()) - 1

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells with a weight, ``(dy, dx)`` in reading order (the centre when it counts)."""
        r = self.range
        return [(int(dy) - r, int(dx) - r) for dy, dx in zip(*np.nonzero(self.weights))]

    @property
    def values(self) -> np.ndarray:
        """``(states,)`` int64: what a cell of each state adds to a count, times its weight (1 for state 1 only,
        unless ``NW`` gives state weights)."""
        if self.state_weights is None:
            return (np.arange(self.states) == 1).astype(np.int64)
        return np.array([w if s or w > 0 else 0 for s, w in enumerate(self.state_weights)], np.int64)

    def counts(self, states: np.ndarray) -> np.ndarray:
        """Golly's count around every cell of ``(..., H, W)`` boards (periodic), the centre included."""
        states = np.asarray(states)
        value = self.values[states.astype(np.int64)]
        total = np.zeros(states.shape, np.int64)
        for dy, dx in self.offsets:
            total += self.weights[dy + self.range, dx + self.range] * np.roll(value, (-dy, -dx), axis=(-2, -1))
        return total

    def step(self, states: np.ndarray) -> np.ndarray:
        """One step on ``(..., H, W)`` boards of states (periodic boundary): bool for 2 states, else uint8."""
        states = np.asarray(states)
        return self.next_states(states, self.counts(states))

    def next_states(self, states: np.ndarray, count: np.ndarray) -> np.ndarray:
        """Each cell's next state from its state and Golly's count (as :meth:`counts` gives it), broadcast."""
        states, count = np.broadcast_arrays(np.asarray(states), np.asarray(count))
        top = max(self.size + 2, 1)
        born = np.isin(np.arange(top), list(self.birth))
        kept = np.isin(np.arange(top) - self._shift, list(self.survival))
        inside = (count >= 0) & (count < top)
        index = np.where(inside, count, 0)
        alive = states == 1
        live_next = inside & np.where(alive, kept[index], born[index])
        return _decay(states, live_next, self.states)

    def step_torch(self, states: torch.Tensor) -> torch.Tensor:
        """One step of a torch tensor (decided on the CPU, returned on the tensor's device)."""
        return torch.as_tensor(np.asarray(self.step(states.cpu().numpy())), device=states.device)

    def seagull_rule(self):
        """The callable seagull's ``Simulator.run`` takes: one step of a 2-D board."""
        return functools.partial(_step_2d, self)

    def __str__(self) -> str:
        c = 0 if self.states == 2 else self.states
        hood = f"N{self.neighbourhood}{self.spec}"
        if self.ltl:
            (s1, s2), (b1, b2) = ((min(v), max(v)) for v in (self.survival, self.birth))
            text = f"R{self.range},C{c},M{int(self.middle)},S{s1}..{s2},B{b1}..{b2},{hood}"
        else:
            text = f"R{self.range},C{c},S{count_runs(self.survival)},B{count_runs(self.birth)}" + \
                ("" if self.neighbourhood == "M" else f",{hood}")
        return text if self._grid is None else f"{text}{self._grid}"

    def __repr__(self) -> str:
        return f"HROTRule({str(self)!r})"

    @property
    def _centre(self) -> tuple[int, int]:
        """What the cell itself adds to its count when dead and when live."""
        weight = int(self.weights[self.range, self.range])
        live, dead = (1, 0) if self.state_weights is None else (self.state_weights[1], self.state_weights[0])
        return weight * dead, weight * live

    @property
    def born(self) -> frozenset[int]:
        """Counts of the neighbours (the cell itself left out) at which a dead cell is born."""
        return frozenset(v - self._centre[0] for v in self.birth)

    @property
    def survives(self) -> frozenset[int]:
        """Counts of the neighbours (the cell itself left out) at which a live cell survives."""
        return frozenset(v + self._shift - self._centre[1] for v in self.survival)


    @classmethod
    def _from_core(cls, core: str, text: str) -> HROTRule:
        upper = core.upper()
        ltl = re.fullmatch(r"R([0-9]{1,18}),C([0-9]{1,18}),M([0-9]{1,18}),S([0-9]{1,18})\.\.([0-9]{1,18}),B([0-9]{1,18})\.\.([0-9]{1,18}),N(.)(.*)", upper)
        if ltl is not None:
            r, c, m, s1, s2, b1, b2 = (int(v) for v in ltl.groups()[:7])
            letter, spec = ltl[8], ltl[9]
            if m not in (0, 1):
                raise InputError(f"Larger than Life rule {text!r}: M{m} must be M0 or M1")
            probe = cls(r, (), (), states=c, neighbourhood=letter, spec=spec, text=text)
            for part, a, b, low in (("S", s1, s2, m), ("B", b1, b2, 0)):
                if a > b or a < low or b > probe.size + m:
                    raise InputError(f"Larger than Life rule {text!r}: {part}{a}..{b} out of range {low}.."
                                     f"{probe.size + m}")
            return cls(r, range(s1, s2 + 1), range(b1, b2 + 1), states=c, neighbourhood=letter, spec=spec, ltl=True,
                       middle=bool(m), text=text)
        match = re.fullmatch(r"R([0-9]{1,18}),C([0-9]{1,18}),S([0-9,\-]*?),?B([0-9,\-]*?)(?:,N(.)(.*))?", upper)
        if match is None:
            raise InputError(f"HROT rule {text!r} should read Rr,Cc,Slist,Blist[,Nn] (e.g. R3,C2,S2-4,B3,N+)")
        r, c = int(match[1]), int(match[2])
        letter, spec = match[5] or "M", match[6] or ""
        probe = cls(r, (), (), states=c, neighbourhood=letter, spec=spec, text=text)
        survival = _count_list(match[3], 0, probe.size, "S", text)
        birth = _count_list(match[4], 0, probe.size, "B", text)
        return cls(r, survival, birth, states=c, neighbourhood=letter, spec=spec, text=text)


def _step_2d(rule, board: np.ndarray) -> np.ndarray:
    """One step of a 2-D board (what seagull's Simulator calls each generation)."""
    return np.asarray(rule.step(np.asarray(board)[None]))[0]


@functools.cache
def _names(family: type) -> dict:
    return {family.parse(entry.rulestring): entry.name for entry in named_rules(kind=family.family)}


def _parse(text, family: type | None):
    """Read a rule of ``family`` (None: whichever family the spelling is)."""
    if not isinstance(text, str):
        raise InputTypeError(f"rulestring must be a str, got {type(text).__name__}")
    s = text.strip()
    if not s:
        raise InputError("empty rulestring")
    entry = named_rule(s)
    if entry is not None:
        s = entry.rulestring
    core, grid = split_topology(s, text)
    if core.lower().endswith(".rule"):
        return _table_rule(load_rule_file(core), grid, family)
    try:
        return _parse_core(s, core, grid, text, family)
    except InputError as exc:
        path = None if family not in (None, TableRule) else find_rule_file(core)
        if path is None:
            raise
        return _table_rule(load_rule_file(path), grid, family, exc)


def _table_rule(rule, grid, family, error=None):
    if family not in (None, TableRule):
        raise InputError(f"{rule.name!r} is a rule table, not a {family.family} rule") from error
    rule._grid = grid
    return rule


def _parse_core(s: str, core: str, grid, text: str, family: type | None):
    is_ltl = (core[:1] in "Rr" and ascii_digits(core[1:2])) or re.fullmatch(r"[0-9]{1,18}(,[0-9]{1,18}){4}", core) is not None
    if core[:3].upper() == "MAP":
        is_generations = split_map_states(core) is not None
    else:
        is_generations = core.count("/") == 2 or re.fullmatch(r"[gG][0-9]{1,18}[bB].*", core) is not None
    kind = LtLRule if is_ltl else GenerationsRule if is_generations else Rule
    if is_ltl and _is_hrot(core):
        kind = HROTRule
    if family is not None and kind is not family:
        raise InputError(f"{text!r} is not a {family.family} rule")
    rule = Rule._parse_notation(s, text) if kind is Rule else kind._from_core(core, text)
    rule._grid = grid
    return rule


#: Every type of rule lifelab holds: the one list of them.
def _is_hrot(core: str) -> bool:
    """HROT syntax (no ``..`` intervals), or Larger than Life's with a neighbourhood beyond box, diamond and disc."""
    upper = core.upper()
    if re.fullmatch(r"[0-9]{1,18}(,[0-9]{1,18}){4}", core):
        return False
    if ".." not in upper:
        return True
    hood = re.search(r",N(.)", upper)
    return hood is not None and hood[1] not in LTL_NEIGHBOURHOODS


RULE_TYPES = (Rule, GenerationsRule, LtLRule, HROTRule, TableRule, StochasticRule)


@runtime_checkable
class RuleType(Protocol):
    """What every deterministic rule type offers (:class:`~lifelab.rules.lifelike.Rule`, :class:`GenerationsRule`,
    :class:`LtLRule`, :class:`~lifelab.rules.tables.TableRule`); ``tests/test_contracts.py`` checks each against it.

    :meth:`step` is the transition; ``str(rule)`` is its canonical Golly
    notation, which :func:`parse_rule` reads back.  The count rules (all but
    a table rule) are also *perceive + update*: their ``kernel_form()`` is
    the perception (a kernel summing the live neighbours) and the update (a
    lookup from the cell's state and that sum), which seagull, the torch
    engine and the networks' pattern forms read.  (A :class:`StochasticRule`
    steps with a random stream and is not one.)

    Attributes:
        states: Cell states.
        offsets: The neighbourhood: cells whose state can matter, ``(dy, dx)``.
        grid: The rulestring's own grid (``:Tw,h`` or ``:Pw,h``), or None.
    """

    states: int
    offsets: list
    grid: object

    def step(self, boards) -> np.ndarray:
        """One step on ``(..., H, W)`` boards of states (periodic boundary)."""

    def seagull_rule(self):
        """The callable seagull's ``Simulator.run`` takes."""


def parse_rule(text) -> Rule | GenerationsRule | LtLRule | TableRule | StochasticRule:
    """Read any rule lifelab knows, in any of Golly's spellings, or a registry name.

    Life-like rules (``B3/S23``, ``B2-a/S12``, ``MAP...``) give a
    :class:`~lifelab.rules.lifelike.Rule`; ``S/B/C`` and ``B../S../C`` spellings and
    Catagolue's ``g3b2s`` a :class:`GenerationsRule`; ``R..,C..,M..,S..,B..,N..``
    (or Kellie Evans' ``r,bmin,bmax,smin,smax``) an :class:`LtLRule`;
    ``B3/S23 [B3=0.8]`` a :class:`StochasticRule`.  A Golly ``.rule`` file's
    path (``rules/WireWorld.rule``), or a name no other notation reads whose
    ``NAME.rule`` lies on :func:`~lifelab.rules.tables.rule_search_path`
    (``WireWorld``, ``Langtons-Loops``), gives a
    :class:`~lifelab.rules.tables.TableRule`; each takes Golly's grid suffix
    (``WireWorld:T64,64``).  A rule object is returned as it is.

    Raises:
        TypeError: For a non-string.
        ValueError: Naming the bad part.
    """
    if isinstance(text, RULE_TYPES):
        return text
    if isinstance(text, str) and "[" in text:
        return _parse_stochastic(text)
    return _parse(text, None)


def rule_states(rule) -> int:
    """Number of cell states of a rule of any family (2 for a :class:`~lifelab.rules.lifelike.Rule`)."""
    return getattr(rule, "states", 2)


def rule_reach(rule) -> int:
    """How far a rule's neighbourhood reaches from the cell: 1 for 3x3 rules, the range of a Larger than Life one."""
    return getattr(rule, "range", 1)
