"""Golly's rule tables and rule trees run: any number of states on a one-cell neighbourhood.

A Golly ``.rule`` file (:mod:`lifelab.rules.rulefiles` reads and writes them) gives a transition function in
one of two forms, exactly as Golly's RuleLoader algorithm runs them (``gollybase/ruletable_algo.cpp``,
``ruletreealgo.cpp``):

- ``@TABLE``: transitions over a ``neighborhood`` (``vonNeumann``, ``Moore``, ``hexagonal``,
  ``oneDimensional``) under ``symmetries``; the first transition that matches, in any of its symmetric images,
  gives the next state, and a configuration no transition matches leaves the cell unchanged.
- ``@TREE``: a decision tree over the neighbours whose leaves are the next states.

Both become one :class:`TableRule`: a function from a cell's neighbourhood configuration to its next state.
Where the configurations are few enough (:data:`DENSE_LIMIT`) it is tabulated once and a step is one lookup per
cell; otherwise each configuration a step meets is decided once and remembered.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import math
import re

import numba as nb
import numpy as np

from lifelab.errors import InputError
from lifelab.rules.base import RuleType
from lifelab.utils import ENGINES, check_allocation, compiled_threads

__all__ = ["DENSE_LIMIT", "GOLLY_NEIGHBOURHOODS", "MAX_EXPANDED", "SYMMETRIES", "TableRule"]

#: Golly's neighbourhoods: the inputs of a transition in Golly's order, as ``(dy, dx)`` from the cell (the cell first).
GOLLY_NEIGHBOURHOODS = {
    "vonNeumann": ((0, 0), (-1, 0), (0, 1), (1, 0), (0, -1)),
    "Moore": ((0, 0), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)),
    "hexagonal": ((0, 0), (-1, 0), (0, 1), (1, 1), (1, 0), (0, -1), (-1, -1)),
    "oneDimensional": ((0, 0), (0, -1), (0, 1)),
}


def _cycles(k: int, step: int, reflect: bool) -> tuple[tuple[int, ...], ...]:
    """Rotations of the ``k`` outer inputs by multiples of ``step`` (and their mirror images), the centre fixed."""
    ring = list(range(1, k + 1))
    images = [tuple([0] + ring[i:] + ring[:i]) for i in range(0, k, step)]
    if reflect:
        mirror = [ring[0]] + ring[:0:-1]
        images += [tuple([0] + mirror[i:] + mirror[:i]) for i in range(0, k, step)]
    return tuple(images)


#: The symmetries Golly allows per neighbourhood, as remaps of the inputs (``image[i] = inputs[remap[i]]``);
#: ``permute`` (every order of the outer inputs) is None.  The remaps are Golly's own tables.
SYMMETRIES: dict[str, dict[str, tuple[tuple[int, ...], ...] | None]] = {
    "vonNeumann": {
        "none": ((0, 1, 2, 3, 4),),
        "rotate4": _cycles(4, 1, False),
        "rotate4reflect": _cycles(4, 1, True),
        "reflect_horizontal": ((0, 1, 2, 3, 4), (0, 1, 4, 3, 2)),
        "permute": None,
    },
    "Moore": {
        "none": (tuple(range(9)),),
        "rotate4": _cycles(8, 2, False),
        "rotate8": _cycles(8, 1, False),
        "rotate4reflect": _cycles(8, 2, True),
        "rotate8reflect": _cycles(8, 1, True),
        "reflect_horizontal": (tuple(range(9)), (0, 1, 8, 7, 6, 5, 4, 3, 2)),
        "permute": None,
    },
    "hexagonal": {
        "none": (tuple(range(7)),),
        "rotate2": _cycles(6, 3, False),
        "rotate3": _cycles(6, 2, False),
        "rotate6": _cycles(6, 1, False),
        "rotate6reflect": _cycles(6, 1, True),
        "permute": None,
    },
    "oneDimensional": {"none": ((0, 1, 2),), "reflect": ((0, 1, 2), (0, 2, 1)), "permute": None},
}


#: A rule tree's variables, top down, as indices into Golly's table order (4: N, W, E, S, C; 8: NW, NE, SW, SE, N,
#: W, E, S, C).
_TREE_ORDER = {4: (1, 4, 2, 3, 0), 8: (8, 2, 6, 4, 1, 7, 3, 5, 0)}

#: Most neighbourhood configurations a rule tabulates whole (one byte each); beyond it, the configurations a step
#: meets are decided as they come.
DENSE_LIMIT = 1 << 22

#: Configurations decided at once.
CHUNK = 1 << 15


#: The most transitions a table's lines may expand to over their bound variables (Golly's largest: about 1.2 million).
MAX_EXPANDED = 4_000_000


class TableRule(RuleType):
    """A rule given by a Golly rule table or rule tree: any number of states on a one-cell neighbourhood.

    Two table rules are equal when they compute the same next state for
    every configuration (compared whole where there are at most
    :data:`DENSE_LIMIT` configurations, else by their transitions or tree);
    the name, like the grid, is not part of that.

    Attributes:
        name: The rule's name (``@RULE``), which is also its Golly rulestring.
        states: Cell states.
        neighbourhood: A key of :data:`GOLLY_NEIGHBOURHOODS`.
        symmetries: The table's symmetries (``"none"`` for a tree).
        transitions: A table's transitions in Golly's order, bound variables
            expanded: ``(inputs, output)`` with ``inputs`` one tuple of states
            per input; empty for a tree.
        tree: A tree's nodes ``(level, values)``, the root last; None for a table.
        colors: ``{state: (r, g, b)}`` from ``@COLORS``.
    """

    kind = "rule table"

    def __init__(
        self,
        name: str,
        states: int,
        neighbourhood: str,
        *,
        symmetries: str = "none",
        transitions=(),
        tree=None,
        colors=None,
    ):
        if not isinstance(name, str) or not re.fullmatch(r"[^\s:,]+", name):
            raise InputError(f"a rule table's name is one word without ':' or ',', got {name!r}")
        if neighbourhood not in GOLLY_NEIGHBOURHOODS:
            raise InputError(f"unknown neighbourhood {neighbourhood!r}; Golly's are {', '.join(GOLLY_NEIGHBOURHOODS)}")
        if symmetries not in SYMMETRIES[neighbourhood]:
            raise InputError(
                f"{neighbourhood} tables have symmetries {', '.join(SYMMETRIES[neighbourhood])}; got {symmetries!r}"
            )
        if isinstance(states, bool) or not isinstance(states, (int, np.integer)) or not 2 <= states <= 256:
            raise InputError(f"a rule table has 2 to 256 states, got {states!r}")
        self.name, self.states, self.neighbourhood, self.symmetries = name, int(states), neighbourhood, symmetries
        self.transitions = tuple(
            (tuple(tuple(int(s) for s in i) for i in inputs), int(out)) for inputs, out in transitions
        )
        self.tree = (
            None if tree is None else tuple((int(level), tuple(int(v) for v in values)) for level, values in tree)
        )
        self.colors = dict(colors or {})
        k = len(GOLLY_NEIGHBOURHOODS[neighbourhood])
        for inputs, out in self.transitions:
            if (
                len(inputs) != k
                or not all(inputs)
                or not 0 <= out < self.states
                or any(not 0 <= s < self.states for i in inputs for s in i)
            ):
                raise InputError(f"transition {inputs} -> {out} does not fit {self.states} states on {k} inputs")
        self._grid = None
        self._known = (np.zeros(0, np.int64), np.zeros(0, np.uint8))

    # --- what every rule type offers -------------------------------------------------------------------------

    @property
    def offsets(self) -> list[tuple[int, int]]:
        """The cells a transition reads, ``(dy, dx)``, in Golly's input order (the cell first)."""
        return list(GOLLY_NEIGHBOURHOODS[self.neighbourhood])

    @property
    def configurations(self) -> int:
        """How many neighbourhood configurations there are: ``states ** inputs``."""
        return self.states ** len(self.offsets)

    def codes(self, boards: np.ndarray) -> np.ndarray:
        """Each cell's configuration as one number, ``sum(state_i * states**i)`` over Golly's inputs (a torus).

        Args:
            boards: ``(..., H, W)`` cell states.

        Raises:
            InputError: When the configurations do not fit in 63 bits (more than 127 states on a Moore table).
        """
        if self.configurations >= 1 << 62:
            raise InputError(
                f"{self.name}: {self.states} states on {len(self.offsets)} inputs give more "
                "configurations than lifelab numbers (2**62)"
            )
        boards = np.asarray(boards).astype(np.int64)
        code = np.zeros(boards.shape, np.int64)
        for i, (dy, dx) in enumerate(self.offsets):
            code += np.roll(boards, (-dy, -dx), axis=(-2, -1)) * self.states**i
        return code

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """``(m,)`` configuration numbers back to ``(m, inputs)`` states in Golly's order."""
        rest = np.asarray(codes, np.int64).copy()
        out = np.empty((len(rest), len(self.offsets)), np.int64)
        for i in range(len(self.offsets)):
            rest, out[:, i] = np.divmod(rest, self.states)
        return out

    def windows(self, configs: np.ndarray) -> np.ndarray:
        """``(m, inputs)`` configurations on 3x3 boards ``(m, 3, 3)``, the cell in the middle, cells outside the
        neighbourhood dead (on a 3x3 torus the middle cell sees exactly its configuration)."""
        configs = np.asarray(configs, np.int64)
        boards = np.zeros((len(configs), 3, 3), np.int64)
        for i, (dy, dx) in enumerate(self.offsets):
            boards[:, 1 + dy, 1 + dx] = configs[:, i]
        return boards

    def next_states(self, configs: np.ndarray, engine: str = "compiled") -> np.ndarray:
        """The next state of each configuration, as Golly's algorithm decides it.

        Args:
            configs: ``(m, inputs)`` states in Golly's input order (:attr:`offsets`).
            engine: For a table, ``"compiled"`` (the first matching transition found in compiled loops) or
                ``"numpy"`` (the reference, every transition matched at once).

        Returns:
            ``(m,)`` uint8 next states.
        """
        configs = np.asarray(configs, np.int64)
        if configs.ndim != 2 or configs.shape[1] != len(self.offsets):
            raise InputError(f"configurations of {self.name} are (m, {len(self.offsets)}), got {configs.shape}")
        if configs.size and (configs.min() < 0 or configs.max() >= self.states):
            raise InputError(f"{self.name} has states 0..{self.states - 1}; a configuration has {configs.max()}")
        if engine not in ENGINES:
            raise InputError(f"engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}")
        if self.tree is None and engine == "compiled":
            return first_transitions(*self._packed, configs)
        out = np.empty(len(configs), np.uint8)
        for start in range(0, len(configs), CHUNK):
            part = configs[start : start + CHUNK]
            out[start : start + CHUNK] = self._tree_next(part) if self.tree is not None else self._table_next(part)
        return out

    def perceive(self, boards: np.ndarray) -> np.ndarray:
        """Each cell's configuration number (:meth:`codes`)."""
        return self.codes(boards)

    def update(self, boards: np.ndarray, perception: np.ndarray) -> np.ndarray:
        """Each configuration's next state, in the boards' dtype."""
        if self.dense_table is not None:
            out = self.dense_table[perception]
        else:
            unique, inverse = np.unique(perception, return_inverse=True)
            out = self._remembered(unique)[inverse].reshape(perception.shape)
        return out.astype(np.asarray(boards).dtype)

    @functools.cached_property
    def dense_table(self) -> np.ndarray | None:
        """Every configuration's next state, indexed by :meth:`codes` (None beyond :data:`DENSE_LIMIT`)."""
        if self.configurations > DENSE_LIMIT:
            return None
        return self.next_states(self.decode(np.arange(self.configurations)))

    def _notation(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"TableRule({str(self)!r}, states={self.states}, {self.neighbourhood})"

    @functools.cached_property
    def _identity(self) -> tuple:
        if self.dense_table is not None:
            body = hashlib.sha256(self.dense_table.tobytes()).hexdigest()
        else:
            body = repr((self.symmetries, self.transitions, self.tree))
        return self.states, self.neighbourhood, body

    def _key(self) -> tuple:
        return self._identity

    def __getstate__(self) -> dict:
        """What pickling keeps: the rule, not its tables (rebuilt on first use)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("dense_table", "_packed", "_nodes")}

    # --- the two forms ---------------------------------------------------------------------------------------

    def _table_next(self, configs: np.ndarray) -> np.ndarray:
        lut, outputs = self._packed
        match = lut[0, configs[:, 0]]
        for i in range(1, configs.shape[1]):
            match = match & lut[i, configs[:, i]]
        hit = match != 0
        found = hit.any(axis=1)
        word = hit.argmax(axis=1)
        bits = match[np.arange(len(match)), word]
        lowest = bits & (~bits + np.uint64(1))
        index = word * 64 + np.frexp(lowest.astype(np.float64))[1] - 1
        return np.where(found, outputs[np.where(found, index, 0)], configs[:, 0]).astype(np.uint8)

    def _image_count(self, inputs: tuple) -> int:
        """How many symmetric images :meth:`_images` gives, without making them."""
        remaps = SYMMETRIES[self.neighbourhood][self.symmetries]
        if remaps is not None:
            return len(remaps)
        outer = collections.Counter(inputs[1:])
        return math.factorial(len(inputs) - 1) // math.prod(math.factorial(c) for c in outer.values())

    @functools.cached_property
    def _packed(self) -> tuple[np.ndarray, np.ndarray]:
        """Golly's bit-parallel form: ``lut[input, state]`` has bit t set when transition t allows that state there."""
        images = sum(self._image_count(inputs) for inputs, _ in self.transitions)
        if images > MAX_EXPANDED:
            raise InputError(
                f"{self.name}: its {len(self.transitions):,} transitions under {self.symmetries} "
                f"symmetry have {images:,} images, more than lifelab expands ({MAX_EXPANDED:,}); "
                "Golly runs such a table, lifelab does not yet"
            )
        check_allocation(
            images * len(self.offsets) * (8 + self.states // 8 + 1),
            f"{self.name}: the {images:,} images of its transitions",
        )
        expanded = [(images, out) for inputs, out in self.transitions for images in self._images(inputs)]
        k, n, t = len(self.offsets), self.states, max(len(expanded), 1)
        sets: dict = {}  # each distinct set of states an input allows, numbered; its row of masks below
        ids = np.array(
            [[sets.setdefault(states, len(sets)) for states in inputs] for inputs, _ in expanded], np.int64
        ).reshape(-1, k)
        masks = np.zeros((len(sets) + 1, n), bool)  # the last row: padding transitions allow nothing
        for states, index in sets.items():
            masks[index, list(states)] = True
        padded = np.full((-(-t // 64) * 64, k), len(sets), np.int64)
        padded[: len(ids)] = ids
        allowed = masks[padded].transpose(1, 2, 0)  # (input, state, transition)
        lut = np.packbits(allowed, axis=-1, bitorder="little").view(np.uint64)
        return np.ascontiguousarray(lut), np.array([out for _, out in expanded] or [0], np.uint8)

    def _images(self, inputs: tuple) -> list[tuple]:
        """A transition's symmetric images, in Golly's order (every distinct order of the outer inputs for permute)."""
        remaps = SYMMETRIES[self.neighbourhood][self.symmetries]
        if remaps is not None:
            return [tuple(inputs[r] for r in remap) for remap in remaps]
        return [(inputs[0], *outer) for outer in _distinct_permutations(sorted(inputs[1:]))]

    @functools.cached_property
    def _nodes(self) -> np.ndarray:
        """A tree's nodes as rows: a child node's index (a state at level 1) per state of the node's variable."""
        assert self.tree is not None, "a table has no tree nodes"
        return np.array([values for _, values in self.tree], np.int64)

    def _tree_next(self, configs: np.ndarray) -> np.ndarray:
        assert self.tree is not None, "a table is decided by its transitions"
        node = np.full(len(configs), len(self.tree) - 1)
        for var in _TREE_ORDER[len(self.offsets) - 1]:
            node = self._nodes[node, configs[:, var]]
        return node.astype(np.uint8)

    def _remembered(self, codes: np.ndarray) -> np.ndarray:
        """Next states of sorted unique configuration numbers, deciding the ones not met before."""
        keys, values = self._known
        at = np.searchsorted(keys, codes)
        new = codes[(at >= len(keys)) | (keys[np.minimum(at, len(keys) - 1)] != codes)] if len(keys) else codes
        if len(new):
            keys = np.concatenate([keys, new])
            values = np.concatenate([values, self.next_states(self.decode(new))])
            order = np.argsort(keys, kind="stable")
            self._known = keys, values = keys[order], values[order]
        return values[np.searchsorted(keys, codes)]


def _distinct_permutations(items: list) -> list[tuple]:
    """Every distinct order of ``items`` (sorted), as C++'s ``next_permutation`` visits them."""
    items, out = list(items), []
    while True:
        out.append(tuple(items))
        i = len(items) - 2
        while i >= 0 and items[i] >= items[i + 1]:
            i -= 1
        if i < 0:
            return out
        j = len(items) - 1
        while items[j] <= items[i]:
            j -= 1
        items[i], items[j] = items[j], items[i]
        items[i + 1 :] = reversed(items[i + 1 :])


# -- the compiled lookup ----------------------------------------------------------

_ONE = np.uint64(1)


@nb.njit(parallel=True, cache=True, nogil=True)
def _first_transitions(lut, outputs, configs, out):
    k, words = lut.shape[0], lut.shape[2]
    for i in nb.prange(configs.shape[0]):
        out[i] = configs[i, 0]
        for word in range(words):
            bits = lut[0, configs[i, 0], word]
            j = 1
            while bits and j < k:
                bits &= lut[j, configs[i, j], word]
                j += 1
            if bits:
                first = 0
                while not (bits >> np.uint64(first)) & _ONE:
                    first += 1
                out[i] = outputs[word * 64 + first]
                break


def first_transitions(lut: np.ndarray, outputs: np.ndarray, configs: np.ndarray) -> np.ndarray:
    """Each configuration's next state under the first transition that matches it (else its centre unchanged).

    Args:
        lut: ``(inputs, states, words)`` uint64: bit ``t`` set where transition ``t`` allows that state there.
        outputs: ``(words * 64,)`` uint8: each transition's next state.
        configs: ``(m, inputs)`` int64 states, the centre first.

    Returns:
        ``(m,)`` uint8 next states.
    """
    out = np.empty(len(configs), np.uint8)
    with compiled_threads():
        _first_transitions(lut, outputs, np.ascontiguousarray(configs, np.int64), out)
    return out
