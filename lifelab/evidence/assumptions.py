"""Rule families as assumptions: which 3x3 patterns share their next state.

A family groups the 512 patterns into classes: the full table (512
classes, no assumption), isotropic rules (102 orbits under turns and
flips), outer-totalistic rules (18 Moore, 10 von Neumann, 14 hexagonal
classes), the 50 (centre, live edges, live corners) classes a weight-tied
3x3 network can tell apart, or the orbits of any symmetry group the data
allow.  A verdict "identified within FAMILY" rests on the family's assumption.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import (
    CELLS,
    CENTRE,
    N_PATTERNS,
    NEIGHBOURHOODS,
    SUBGROUPS,
    WINDOW,
    bits,
    counts,
    images,
    orbit_labels,
)
from lifelab.rules import Rule

__all__ = ["AUTO_CHAIN", "FAMILY_NAMES", "Family", "family"]


#: The families ``family="auto"`` tries, fewest assumptions first: the verdict takes the first one that the
#: data determine and do not contradict.
AUTO_CHAIN = ("table", "isotropic", "moore", "vonneumann", "hexagonal")


@dataclass(frozen=True, eq=False)
class Family:
    """An assumption about a rule: patterns in one class share their next state.

    Attributes:
        name: Short name (``"table"``, ``"isotropic"``, ``"moore"``, ...).
        title: What its members are called, e.g. ``"isotropic rules"``.
        assumption: The assumption in words, to quote in a verdict.
        labels: ``(512,)`` class of each pattern, ``0 .. n_classes - 1``.
        class_names: A short name per class (``"B3"``, ``"orbit of 14"``, ...).
    """

    name: str
    title: str
    assumption: str
    labels: np.ndarray = field(repr=False)
    class_names: tuple[str, ...] = field(repr=False)

    @property
    def n_classes(self) -> int:
        """Number of classes (the family has ``2 ** n_classes`` rules)."""
        return len(self.class_names)

    def members(self, c: int) -> np.ndarray:
        """MAP indices of the patterns in class ``c``."""
        return np.flatnonzero(self.labels == c)

    def class_values(self, table) -> np.ndarray | None:
        """A table's value per class, or None when the table is not constant on some class (not in the family)."""
        table = np.asarray(table, dtype=bool)
        alive = np.bincount(self.labels, weights=table, minlength=self.n_classes)
        size = np.bincount(self.labels, minlength=self.n_classes)
        if ((alive > 0) & (alive < size)).any():
            return None
        return alive > 0

    def contains(self, rule) -> bool:
        """True when the rule (a :class:`~lifelab.rules.lifelike.Rule` or a 512-entry table) belongs to the family."""
        table = rule.table if isinstance(rule, Rule) else rule
        return self.class_values(table) is not None

    def within(self, other: Family) -> bool:
        """True when every rule of this family is one of ``other``'s (each of other's classes inside one of these)."""
        pairs = np.unique(np.stack([other.labels, self.labels]), axis=1)
        return len(np.unique(pairs[0])) == pairs.shape[1]

    def expand(self, values) -> np.ndarray:
        """Per-class values spread over the 512 patterns."""
        return np.asarray(values)[self.labels]

    @property
    def symmetry(self) -> str:
        """The largest subgroup of D4 under which every class is closed (how a query may turn its patterns)."""
        for name, elements in SUBGROUPS.items():
            if all((self.labels[images(g)] == self.labels).all() for g in elements):
                return name
        return "trivial"

    def __str__(self) -> str:
        return self.title


def _relabel(keys: np.ndarray) -> np.ndarray:
    return np.unique(keys, return_inverse=True)[1].astype(np.int64)


def _orbit_family(group: str, name: str, title: str, assumption: str) -> Family:
    canonical = orbit_labels(group)
    labels = _relabel(canonical)
    names = tuple(
        f"orbit of {int(c)}" if (canonical == c).sum() > 1 else f"pattern {int(c)}" for c in np.unique(canonical)
    )
    return Family(name, title, assumption, labels, names)


def _totalistic_family(neighbourhood: str) -> Family:
    top = int(NEIGHBOURHOODS[neighbourhood].sum())
    labels = CENTRE.astype(np.int64) * (top + 1) + counts(neighbourhood)
    names = tuple(f"B{k}" for k in range(top + 1)) + tuple(f"S{k}" for k in range(top + 1))
    spoken = {"moore": "Moore", "vonneumann": "von Neumann", "hexagonal": "hexagonal"}[neighbourhood]
    return Family(
        neighbourhood,
        f"outer-totalistic {spoken} rules",
        f"the next state depends only on the cell and its number of live {spoken} neighbours",
        labels,
        names,
    )


def _edges_corners_family() -> Family:
    cells = bits(CELLS)
    edges = cells[:, [WINDOW.index(o) for o in ((-1, 0), (0, -1), (0, 1), (1, 0))]].sum(axis=1)
    corners = cells[:, [WINDOW.index(o) for o in ((-1, -1), (-1, 1), (1, -1), (1, 1))]].sum(axis=1)
    labels = CENTRE.astype(np.int64) * 25 + edges * 5 + corners
    names = tuple(f"{'live' if c else 'dead'} e{e} c{k}" for c in (0, 1) for e in range(5) for k in range(5))
    return Family(
        "edges-corners",
        "rules of the cell, its live edge and its live corner neighbours",
        "the next state depends only on the cell, its number of live edge neighbours and its number of "
        "live corner neighbours (what a weight-tied 3x3 p4m network can tell apart)",
        labels,
        names,
    )


@functools.cache
def _build(name: str) -> Family:
    if name == "table":
        return Family(
            "table",
            "2-state 3x3 rules",
            "no assumption beyond a deterministic rule on the 3x3 window",
            np.arange(N_PATTERNS),
            tuple(f"pattern {i}" for i in range(N_PATTERNS)),
        )
    if name == "isotropic":
        return _orbit_family(
            "p4m",
            "isotropic",
            "isotropic rules",
            "the next state is the same for a pattern and its rotations and reflections",
        )
    if name in NEIGHBOURHOODS:
        return _totalistic_family(name)
    if name == "edges-corners":
        return _edges_corners_family()
    return _orbit_family(
        name,
        name,
        f"rules with {name} symmetry",
        f"the next state is the same for a pattern and its images under {name}",
    )


#: Every family by name (the symmetry families are named by their group, "isotropic" is p4m).
FAMILY_NAMES = (
    "table",
    "isotropic",
    *[g for g in SUBGROUPS if g not in ("p4m", "trivial")],
    "edges-corners",
    "moore",
    "vonneumann",
    "hexagonal",
)
_ALIASES = {"p4m": "isotropic", "trivial": "table", "none": "table"}


def family(name) -> Family:
    """A rule family by name.

    Args:
        name: One of :data:`FAMILY_NAMES` (also ``"p4m"`` for isotropic,
            ``"trivial"`` or ``"none"`` for the full table), or a :class:`Family`.

    Returns:
        The :class:`Family`.

    Raises:
        ValueError: For an unknown name.
    """
    if isinstance(name, Family):
        return name
    if not isinstance(name, str):
        raise InputTypeError(f"a family is named by a string, got {type(name).__name__}")
    key = _ALIASES.get(name, name)
    if key not in FAMILY_NAMES:
        raise InputError(f"unknown rule family {name!r}; expected one of {list(FAMILY_NAMES)}, 'auto' or 'data'")
    return _build(key)
