"""What the data determine: observed patterns, rule families, verdicts, noise.

Trajectories say "3x3 pattern ``P`` was followed by a live (or dead)
centre", nothing more.  :class:`Evidence` counts exactly that, per
pattern.  A rule *family* (:func:`family`) is an assumption that groups
patterns into classes sharing a next state: the full table (512 classes,
no assumption), isotropic rules (102 orbits under turns and flips),
outer-totalistic rules (18 Moore, 10 von Neumann, 14 hexagonal classes), the
50 (centre, live edges, live corners) classes a weight-tied 3x3 network
can tell apart, or the orbits of any symmetry group the data allow.

:func:`decide` turns evidence into a :class:`Verdict` on a ladder:

- **identified**: every pattern was observed, none with two different next
  states: exactly one 2-state 3x3 rule fits, with no assumption;
- **identified within FAMILY**: every class of the family was observed and
  the data contradict the family nowhere: exactly one rule of the family
  fits (the verdict names the assumption);
- **explained with noise**: the observations conflict, but one rule plus
  independent cell flips at an estimated rate explains them, and every
  class is decided at the stated confidence;
- **underdetermined**: some patterns (classes) were never observed (or,
  with noise, not often enough): several rules fit the data equally well;
- **inconsistent**: no rule of the family (or no rule plus independent
  noise) reproduces the data.

The noise model: every cell of every observed board is flipped
independently with probability ``p``.  A flip in ``x_t`` changes the
pattern a cell is seen with, a flip in ``x_{t+1}`` its next state, so a
rule's one-step mismatch rate is larger than ``p``; :func:`estimate_noise`
inverts that relation exactly for the 3x3 window.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from lifelab.data import trajectory_states, validate_trajectories
from lifelab.errors import InputError, InputTypeError
from lifelab.families import GenerationsRule
from lifelab.patterns import CELLS, CENTRE, N_PATTERNS, NEIGHBOURHOODS, WINDOW, bits, counts, images, orbit_labels, \
    pattern_index, showable
from lifelab.rules import Rule, as_rule
from lifelab.symmetry import ELEMENT_NAMES, SUBGROUPS
from lifelab.utils import check_number

__all__ = ["AUTO_CHAIN", "DataSymmetry", "EXIT_CODES", "Evidence", "FAMILY_NAMES", "Family", "FamilyEvidence",
           "NoiseEstimate", "RUNGS", "Verdict", "add_noise", "check_noise", "data_symmetry", "decide", "estimate_noise", "family",
           "rule_symmetry"]

#: The rungs of the verdict ladder, strongest first.
RUNGS = ("identified", "identified within family", "explained with noise", "underdetermined", "inconsistent")

#: Exit status of ``lifelab learn`` for each rung: 0 means the data determine the rule.
EXIT_CODES = {"identified": 0, "identified within family": 0, "explained with noise": 0, "underdetermined": 3,
              "inconsistent": 1}

#: The families ``family="auto"`` tries, fewest assumptions first: the verdict takes the first one that the
#: data determine and do not contradict.
AUTO_CHAIN = ("table", "isotropic", "moore", "vonneumann", "hexagonal")

#: Per-cluster counts are kept for at most this many clusters of transitions (adjacent ones are merged).
MAX_CLUSTERS = 256


# ---------------------------------------------------------------------------
# Families
# ---------------------------------------------------------------------------

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
        """True when the rule (a :class:`~lifelab.rules.Rule` or a 512-entry table) belongs to the family."""
        table = rule.table if isinstance(rule, Rule) else rule
        return self.class_values(table) is not None

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
    names = tuple(f"orbit of {int(c)}" if (canonical == c).sum() > 1 else f"pattern {int(c)}"
                  for c in np.unique(canonical))
    return Family(name, title, assumption, labels, names)


def _totalistic_family(neighbourhood: str) -> Family:
    top = int(NEIGHBOURHOODS[neighbourhood].sum())
    labels = CENTRE.astype(np.int64) * (top + 1) + counts(neighbourhood)
    names = tuple(f"B{k}" for k in range(top + 1)) + tuple(f"S{k}" for k in range(top + 1))
    spoken = {"moore": "Moore", "vonneumann": "von Neumann", "hexagonal": "hexagonal"}[neighbourhood]
    return Family(neighbourhood, f"outer-totalistic {spoken} rules",
                  f"the next state depends only on the cell and its number of live {spoken} neighbours",
                  labels, names)


def _edges_corners_family() -> Family:
    cells = bits(CELLS)
    edges = cells[:, [WINDOW.index(o) for o in ((-1, 0), (0, -1), (0, 1), (1, 0))]].sum(axis=1)
    corners = cells[:, [WINDOW.index(o) for o in ((-1, -1), (-1, 1), (1, -1), (1, 1))]].sum(axis=1)
    labels = CENTRE.astype(np.int64) * 25 + edges * 5 + corners
    names = tuple(f"{'live' if c else 'dead'} e{e} c{k}" for c in (0, 1) for e in range(5) for k in range(5))
    return Family("edges-corners", "rules of the cell, its live edge and its live corner neighbours",
                  "the next state depends only on the cell, its number of live edge neighbours and its number of "
                  "live corner neighbours (what a weight-tied 3x3 p4m network can tell apart)", labels, names)


@functools.cache
def _build(name: str) -> Family:
    if name == "table":
        return Family("table", "2-state 3x3 rules", "no assumption beyond a deterministic rule on the 3x3 window",
                      np.arange(N_PATTERNS), tuple(f"pattern {i}" for i in range(N_PATTERNS)))
    if name == "isotropic":
        return _orbit_family("p4m", "isotropic", "isotropic rules",
                             "the next state is the same for a pattern and its rotations and reflections")
    if name in NEIGHBOURHOODS:
        return _totalistic_family(name)
    if name == "edges-corners":
        return _edges_corners_family()
    return _orbit_family(name, name, f"rules with {name} symmetry",
                         f"the next state is the same for a pattern and its images under {name}")


#: Every family by name (the symmetry families are named by their group, "isotropic" is p4m).
FAMILY_NAMES = ("table", "isotropic", *[g for g in SUBGROUPS if g not in ("p4m", "trivial")], "edges-corners",
                "moore", "vonneumann", "hexagonal")
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


# ---------------------------------------------------------------------------
# Evidence
# ---------------------------------------------------------------------------

def _merge(clusters: np.ndarray) -> np.ndarray:
    while len(clusters) > MAX_CLUSTERS:
        if len(clusters) % 2:
            clusters = np.concatenate([clusters, np.zeros_like(clusters[:1])])
        clusters = clusters[0::2] + clusters[1::2]
    return clusters


@dataclass(eq=False)
class Evidence:
    """How often each 3x3 pattern of live cells was seen followed by a live centre, and by anything else.

    For 2-state data that is the whole rule.  For the states of a
    Generations rule, the 3x3 patterns are those of the live cells (state 1),
    only dead (0) and live centres count (a dying cell cannot be born), and
    "live next" means state 1: the evidence about the birth/survival table.
    The rest of a Generations rule, the countdown of dying cells, is checked
    separately (``decay``).

    Attributes:
        clusters: ``(k, 512, 2)`` counts per cluster of transitions (one board
            pair each, adjacent ones merged beyond :data:`MAX_CLUSTERS`); the
            spread between clusters gives the uncertainty of a noise estimate.
        showable: ``(512,)`` patterns that a board of the data's shapes can show at all.
        transitions: Board transitions counted.
        states: Number of cell states (2; more for Generations data).
        decay: ``(violations, checked)``: cells whose change broke the
            Generations countdown (a dying cell not moving one state on, a live
            cell leaving to anything but state 2, a dead one to anything but 0 or 1).
    """

    clusters: np.ndarray = field(repr=False)
    showable: np.ndarray = field(repr=False)
    transitions: int
    states: int = 2
    decay: tuple[int, int] = (0, 0)

    @classmethod
    def of(cls, trajectories, states: int | None = None) -> Evidence:
        """Count the transitions of ``(n, T + 1, H, W)`` (or one ``(T + 1, H, W)``) trajectories.

        Args:
            trajectories: Cell states (0/1 or bool for 2-state data).
            states: Number of states (default: what the data show).
        """
        traj = validate_trajectories(trajectories, states=states)
        n_states = states if states is not None else trajectory_states(traj)
        n, length = traj.shape[:2]
        per, violations, checked = [], 0, 0
        for t in traj:
            alive = t == 1
            index = pattern_index(alive[:-1]).reshape(length - 1, -1).astype(np.int64)
            key = (np.arange(length - 1)[:, None] * N_PATTERNS + index) * 2 + alive[1:].reshape(length - 1, -1)
            if n_states > 2:
                now, after = t[:-1].astype(np.int16), t[1:].astype(np.int16)
                expected = np.where(now >= 2, (now + 1) % n_states, -1)
                broken = np.where(now >= 2, after != expected,
                                  np.where(now == 1, (after != 1) & (after != 2), after >= 2))
                violations, checked = violations + int(broken.sum()), checked + broken.size
                key = key[(now <= 1).reshape(length - 1, -1)]
                counts = np.bincount(key.ravel(), minlength=(length - 1) * N_PATTERNS * 2)
            else:
                counts = np.bincount(key.ravel(), minlength=(length - 1) * N_PATTERNS * 2)
            per.append(counts.reshape(length - 1, N_PATTERNS, 2))
        return cls(_merge(np.concatenate(per)), showable(traj.shape[2:]), n * (length - 1), n_states,
                   (violations, checked))

    def __add__(self, other: Evidence) -> Evidence:
        if not isinstance(other, Evidence):
            return NotImplemented
        if other.states != self.states:
            raise InputError(f"cannot pool evidence of {self.states}-state and {other.states}-state data")
        return Evidence(_merge(np.concatenate([self.clusters, other.clusters])), self.showable | other.showable,
                        self.transitions + other.transitions, self.states,
                        (self.decay[0] + other.decay[0], self.decay[1] + other.decay[1]))

    @property
    def counts(self) -> np.ndarray:
        """``(512, 2)`` times each pattern was followed by a dead (column 0) and a live (column 1) centre."""
        return self.clusters.sum(axis=0)

    @property
    def seen(self) -> np.ndarray:
        """``(512,)`` times each pattern was observed."""
        return self.counts.sum(axis=1)

    @property
    def observations(self) -> int:
        """Cell updates observed (one per cell per transition)."""
        return int(self.counts.sum())

    @property
    def observed(self) -> np.ndarray:
        """``(512,)`` bool: patterns observed at least once."""
        return self.seen > 0

    @property
    def conflicting(self) -> np.ndarray:
        """``(512,)`` bool: patterns observed going to both states."""
        return (self.counts > 0).all(axis=1)

    def under(self, fam) -> FamilyEvidence:
        """The same counts pooled over the classes of a family.

        Args:
            fam: A :class:`Family` or family name.

        Returns:
            A :class:`FamilyEvidence`.
        """
        fam = family(fam)
        pooled = np.stack([np.bincount(fam.labels, weights=self.counts[:, s], minlength=fam.n_classes)
                           for s in (0, 1)], axis=1).astype(np.int64)
        observable = np.bincount(fam.labels, weights=self.showable, minlength=fam.n_classes) > 0
        return FamilyEvidence(fam, pooled, observable, int(self.conflicting.sum()))


@dataclass(eq=False)
class FamilyEvidence:
    """Observation counts per class of a family.

    Attributes:
        family: The family.
        counts: ``(n_classes, 2)`` observations followed by a dead / live centre.
        observable: ``(n_classes,)`` classes with a pattern the data's boards can show.
        raw_conflicts: Patterns (not classes) seen going to both states.
    """

    family: Family
    counts: np.ndarray = field(repr=False)
    observable: np.ndarray = field(repr=False)
    raw_conflicts: int

    @property
    def observed(self) -> np.ndarray:
        """``(n_classes,)`` bool: classes observed at least once."""
        return self.counts.sum(axis=1) > 0

    @property
    def unobserved(self) -> list[int]:
        """Classes never observed."""
        return [int(c) for c in np.flatnonzero(~self.observed)]

    @property
    def conflicting(self) -> list[int]:
        """Classes observed going to both states (the family, or the data's determinism, is contradicted there)."""
        return [int(c) for c in np.flatnonzero((self.counts > 0).all(axis=1))]

    @property
    def contradicted(self) -> bool:
        """Some class went to both states although no single pattern did: the data rule the family out."""
        return bool(self.conflicting) and self.raw_conflicts == 0

    @property
    def complete(self) -> bool:
        """Every class was observed."""
        return bool(self.observed.all())

    @property
    def consistent_rules(self) -> int:
        """How many rules of the family fit the data: ``2 ** unobserved`` without conflicts, else 0."""
        return 0 if self.conflicting else 2 ** len(self.unobserved)

    @property
    def majority(self) -> np.ndarray:
        """``(n_classes,)`` bool: the more frequent next state of each class (dead where unobserved or tied)."""
        return self.counts[:, 1] > self.counts[:, 0]

    def summary(self) -> str:
        """One line."""
        fam = self.family
        if fam.name == "table":
            return (f"{int(self.observed.sum())} of {fam.n_classes} patterns observed, {len(self.conflicting)} with "
                    f"both next states; {_fit(len(self.unobserved), self.consistent_rules, '2-state 3x3 rule')}")
        return (f"{fam.title}: {int(self.observed.sum())} of {fam.n_classes} classes observed, "
                f"{len(self.conflicting)} with both next states; "
                f"{_fit(len(self.unobserved), self.consistent_rules, 'rule of the family')}")


def _power(unobserved: int, rules: int) -> str:
    return "no" if rules == 0 else (f"2^{unobserved}" if unobserved > 16 else f"{rules}")


def _fit(unobserved: int, rules: int, what: str) -> str:
    if rules == 0:
        return f"no {what} fits them exactly"
    return f"{_power(unobserved, rules)} {what}{'s fit' if rules != 1 else ' fits'}"


# ---------------------------------------------------------------------------
# Noise
# ---------------------------------------------------------------------------

def _mix(values: np.ndarray, p: float, inverse: bool = False) -> np.ndarray:
    """Apply the cell-flip channel (or its inverse) to per-pattern values along the first axis.

    The chance that clean pattern ``P`` is seen as ``P'`` is
    ``p ** d (1 - p) ** (9 - d)`` with ``d`` the cells they differ in: a
    tensor product of one 2x2 channel per cell, so it (and its inverse) is
    applied one cell axis at a time.
    """
    if inverse:
        channel = np.array([[1 - p, -p], [-p, 1 - p]]) / (1 - 2 * p)
    else:
        channel = np.array([[1 - p, p], [p, 1 - p]])
    rest = values.shape[1:]
    t = np.asarray(values, dtype=float).reshape((2,) * CELLS + rest)
    for axis in range(CELLS):
        t = np.moveaxis(np.tensordot(channel, t, axes=([1], [axis])), 0, axis)
    return t.reshape(values.shape)


def _clean(seen: np.ndarray, p: float) -> np.ndarray:
    """Estimated counts of each clean pattern behind the observed counts (deconvolved, clipped at 0)."""
    return np.clip(_mix(seen, p, inverse=True), 0, None)


def _predicted_mismatch(seen: np.ndarray, table: np.ndarray, p: float) -> float:
    """Expected fraction of observations disagreeing with ``table`` if the data are ``table`` plus flips at rate p."""
    if p <= 0:
        return 0.0
    clean = _clean(seen, p)
    g = table.astype(float)
    alive_after_flips = _mix(g, p)  # for each clean pattern, the chance its noisy image is mapped to alive
    changed = np.where(table, 1 - alive_after_flips, alive_after_flips)
    return float(p + (1 - 2 * p) * (clean * changed).sum() / clean.sum())


def _deconvolved(counts: np.ndarray, p: float) -> np.ndarray:
    """Estimated clean counts of (pattern, next state): the observed ones with the flips of all ten cells undone.

    The nine input cells and the output cell are different cells of the
    observed boards, so the observed (pattern, state) counts are the clean
    ones passed through one flip channel per cell: inverting it removes both
    the leak of noisy patterns into other patterns and the flipped states.
    """
    joint = _mix(np.asarray(counts, dtype=float), p, inverse=True)
    channel = np.array([[1 - p, -p], [-p, 1 - p]]) / (1 - 2 * p)
    return joint @ channel.T


def _noise_and_table(evidence: Evidence, fam: Family, rate: float | None) -> tuple[NoiseEstimate, np.ndarray]:
    """The noise estimate and the family's table read from the deconvolved counts, refined together.

    Starting from the majority table, each pass estimates the rate from the
    table's mismatches, then re-reads the table from the counts with the
    flips at that rate undone, so that classes swamped by noisy copies of
    commoner patterns do not bias the rate.
    """
    pooled = evidence.under(fam).counts
    table = fam.expand(pooled[:, 1] > pooled[:, 0])
    for _ in range(4):
        estimate = estimate_noise(evidence, table)
        if rate is not None:
            estimate = NoiseEstimate(rate, rate, rate, estimate.mismatch, estimate.observations, given=True)
        if estimate.rate <= 0 or estimate.rate >= 0.5:
            break
        clean = _deconvolved(evidence.counts, estimate.rate)
        per_class = np.stack([np.bincount(fam.labels, weights=clean[:, s], minlength=fam.n_classes)
                              for s in (0, 1)], axis=1)
        better = fam.expand(per_class[:, 1] > per_class[:, 0])
        if np.array_equal(better, table):
            break
        table = better
    return estimate, table


def _rate_for(mismatch: float, seen: np.ndarray, table: np.ndarray) -> float:
    """The flip rate whose predicted mismatch equals ``mismatch`` (bisection; the prediction rises with p)."""
    if mismatch <= 0:
        return 0.0
    low, high = 0.0, 0.4999
    if _predicted_mismatch(seen, table, high) < mismatch:
        return 0.5
    for _ in range(50):
        middle = (low + high) / 2
        if _predicted_mismatch(seen, table, middle) < mismatch:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass
class NoiseEstimate:
    """The cell-noise rate of the data under "one rule plus independent flips".

    Attributes:
        rate: Estimated probability that a cell of an observed board is flipped.
        low: Lower end of its 95% interval.
        high: Upper end.
        mismatch: Fraction of observed cell updates the rule does not reproduce.
        observations: Cell updates observed.
        given: True when the rate was given, not estimated.
    """

    rate: float
    low: float
    high: float
    mismatch: float
    observations: int
    given: bool = False

    def summary(self) -> str:
        """One line."""
        if self.given:
            return f"cell-noise rate {self.rate:.3%} (given); the rule misses {self.mismatch:.3%} of the cell updates"
        return (f"cell-noise rate {self.rate:.3%} (95% interval {self.low:.3%} to {self.high:.3%}), from "
                f"{self.mismatch:.3%} of {self.observations} cell updates the rule does not reproduce")


def estimate_noise(evidence: Evidence, rule) -> NoiseEstimate:
    """Estimate the cell-flip rate that explains how often a rule misses the data.

    The rule's one-step mismatch rate ``m`` is measured; under independent
    flips at rate ``p`` it is expected to be ``p + (1 - 2p) D(p)``, where
    ``D`` is the chance that flips of the nine input cells change the rule's
    answer, averaged over the clean patterns (the observed pattern counts,
    deconvolved).  Solving for ``p`` gives the estimate; the 95% interval
    maps a cluster-robust interval of ``m`` (clusters of transitions, so
    that one flip seen by nine neighbouring cells is not counted as nine
    independent events) through the same relation.

    Args:
        evidence: The observations.
        rule: The rule (a :class:`~lifelab.rules.Rule`, rulestring or 512-entry table).

    Returns:
        A :class:`NoiseEstimate`.
    """
    table = np.asarray(rule.table if isinstance(rule, Rule) else
                       (as_rule(rule).table if isinstance(rule, str) else rule), dtype=bool)
    clusters = evidence.clusters
    missed = np.where(table[None, :], clusters[:, :, 0], clusters[:, :, 1]).sum(axis=1).astype(float)
    sizes = clusters.sum(axis=(1, 2)).astype(float)
    n = sizes.sum()
    if n == 0:
        raise InputError("no observations to estimate noise from")
    m = missed.sum() / n
    k = int((sizes > 0).sum())
    if k > 1:
        se = math.sqrt(((missed - m * sizes) ** 2).sum() * k / (k - 1)) / n
    else:
        se = math.sqrt(max(m * (1 - m), 1 / n) / n)
    seen = evidence.seen.astype(float)
    return NoiseEstimate(rate=_rate_for(m, seen, table), low=_rate_for(max(m - 1.96 * se, 0.0), seen, table),
                         high=_rate_for(m + 1.96 * se, seen, table), mismatch=float(m), observations=int(n))


def add_noise(trajectories, rate: float, seed=0) -> np.ndarray:
    """Flip every cell of every board independently with probability ``rate`` (simulated observation noise).

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 array.
        rate: Flip probability in [0, 0.5].
        seed: Seed (an int or a ``numpy.random.Generator``).

    Returns:
        A noisy bool copy.
    """
    traj = validate_trajectories(trajectories)
    rate = check_number("rate", rate, 0, 0.5)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return traj ^ (rng.random(traj.shape) < rate)


@dataclass
class _NoisyClasses:
    majority: np.ndarray
    decided: np.ndarray
    unexplained: np.ndarray
    log10_odds: np.ndarray


def _noisy_classes(evidence: Evidence, fam: Family, rate: float, alpha: float) -> _NoisyClasses:
    """Decide each class by its majority, allowing for noise in the next state and in the pattern itself.

    Observations of a class come from its own patterns (next state flipped
    with probability ``rate``) or leak in from other patterns whose input
    cells were flipped (next state anything).  With ``leak`` the leaked
    share, an observation shows the majority state against a true minority
    state with probability at most ``r = (1 - leak) rate + leak``.  A class is
    decided when the majority count is improbable under that bound
    (binomial tail below ``alpha`` over the number of classes: the whole
    table is right with probability at least ``1 - alpha``), and unexplained
    when the minority count is.
    """
    pooled = evidence.under(fam).counts
    n = pooled.sum(axis=1)
    seen = evidence.seen.astype(float)
    clean = _clean(seen, rate)
    own = np.zeros((N_PATTERNS, fam.n_classes))
    own[np.arange(N_PATTERNS), fam.labels] = clean
    arriving = _mix(own, rate)[np.arange(N_PATTERNS), fam.labels]  # seen in its own class, from its own class
    within = np.bincount(fam.labels, weights=arriving, minlength=fam.n_classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        leak = np.clip(1 - within / n, 0.0, 1.0)
    leak[n == 0] = 1.0
    bound = np.clip((1 - leak) * rate + leak, 1e-12, 1.0)
    majority = pooled[:, 1] > pooled[:, 0]
    high, low = pooled.max(axis=1), pooled.min(axis=1)
    level = alpha / fam.n_classes
    decided = (n > 0) & (bound < 0.5) & (stats.binom.sf(high - 1, n, bound) < level) & (high > low)
    unexplained = (low > 0) & (stats.binom.sf(low - 1, n, bound) < level)
    odds = (high - low) * np.log10(np.clip((1 - bound) / bound, 1.0, None))
    return _NoisyClasses(majority, decided, unexplained, odds)


# ---------------------------------------------------------------------------
# Verdicts
# ---------------------------------------------------------------------------

@dataclass(eq=False)
class Verdict:
    """What the data determine about the rule, and under which assumption.

    Attributes:
        rung: One of :data:`RUNGS`.
        rule: The rule the data determine (None when underdetermined or inconsistent).
        family: The assumption the rung rests on (the full table: none).
        requested: The family asked for (``"auto"`` tries :data:`AUTO_CHAIN`).
        raw: The evidence per pattern (:class:`FamilyEvidence` of the full table).
        classes: The evidence per class of ``family``.
        table: ``(512,)`` bool, the next state the data favour per pattern (majority; dead where unseen).
        known: ``(512,)`` bool, the patterns whose next state the data (and the assumption) decide.
        undecided: Classes of ``family`` not decided (never observed, or too few observations for the noise).
        unexplained: Classes of ``family`` whose observations no rule of it explains (conflicts beyond noise).
        noise: The noise estimate, when observations conflict or a rate was given.
        confidence: The joint confidence every class of a noisy verdict is decided at.
        guess: ``(512,)`` the network's table, when one was given.
        note: Extra words (e.g. that a requested family was contradicted).
        log10_odds: Noisy verdicts: log10 of the likelihood ratio of the rule against the best
            alternative that differs in one class (a lower bound), and that class's name.
    """

    rung: str
    rule: Rule | None
    family: Family
    requested: str
    raw: FamilyEvidence = field(repr=False)
    classes: FamilyEvidence = field(repr=False)
    table: np.ndarray = field(repr=False)
    known: np.ndarray = field(repr=False)
    undecided: list[int] = field(default_factory=list, repr=False)
    unexplained: list[int] = field(default_factory=list, repr=False)
    noise: NoiseEstimate | None = None
    confidence: float = 0.999
    guess: np.ndarray | None = field(default=None, repr=False)
    note: str = ""
    log10_odds: tuple[float, str] | None = None

    @property
    def determined(self) -> bool:
        """The data (under the named assumption) determine one rule."""
        return self.rung in ("identified", "identified within family", "explained with noise")

    @property
    def exit_code(self) -> int:
        """``lifelab learn``'s exit status for this verdict (see :data:`EXIT_CODES`)."""
        return EXIT_CODES[self.rung]

    @property
    def unobserved(self) -> list[int]:
        """MAP indices of the patterns never observed."""
        return [int(i) for i in np.flatnonzero(~self.raw.observed)]

    @property
    def label(self) -> str:
        """The rung in words, with the family where it matters: ``"identified within isotropic rules"``."""
        if self.rung == "identified within family":
            return f"identified within {self.family.title}"
        return self.rung

    def guess_accuracy(self, truth) -> float | None:
        """How many of the never-observed patterns the network's guess gets right (None: no guess or none unseen).

        Args:
            truth: The true rule.
        """
        unseen = ~self.raw.observed
        if self.guess is None or not unseen.any():
            return None
        table = truth.table if isinstance(truth, GenerationsRule) else as_rule(truth).table
        return float((self.guess[unseen] == table[unseen]).mean())

    def disagreements(self, rule) -> int:
        """Patterns the data (and the assumption) decide on which ``rule`` says otherwise (all of them for None)."""
        if rule is None:
            return int(self.known.sum())
        return int((rule.table != self.table)[self.known].sum())

    def sentence(self) -> str:
        """The verdict as one paragraph a researcher can quote."""
        raw = self.raw
        seen = int(raw.observed.sum())
        fam = self.family
        if self.rung == "identified":
            return (f"Identified {self.rule}: all {N_PATTERNS} 3x3 patterns were observed, none with two different "
                    f"next states, so it is the only 2-state 3x3 rule that reproduces the data.")
        if self.rung == "identified within family":
            return (f"Identified {self.rule} within {fam.title}: assuming {fam.assumption}, all {fam.n_classes} "
                    f"classes were observed and the data contradict the assumption nowhere. Without it "
                    f"{_power(len(raw.unobserved), raw.consistent_rules)} rules fit the data: {seen} of "
                    f"{N_PATTERNS} patterns were observed.")
        if self.rung == "explained with noise":
            scope = ("every one of the 512 patterns" if fam.name == "table"
                     else f"assuming {fam.assumption}, every one of the {fam.n_classes} classes")
            odds = ""
            if self.log10_odds is not None:
                odds = (f" The best alternative that differs in one class ({self.log10_odds[1]}) is at least "
                        f"10^{self.log10_odds[0]:.0f} times less likely.")
            return (f"Explained with noise: {self.rule} with {self.noise.summary()}; {scope} is decided, jointly "
                    f"at {self.confidence:.1%} confidence.{odds}")
        if self.rung == "inconsistent" and not self.unexplained:
            return f"Inconsistent:{self._note()}"
        if self.rung == "inconsistent":
            what = (f"{len(self.unexplained)} {'class' if len(self.unexplained) == 1 else 'classes'} of "
                    f"{fam.title}")
            why = ("went to both next states and noise was ruled out" if self.noise is None else
                   f"went to the minority state far more often than {self.noise.summary()} explains")
            return f"Inconsistent: {what} ({', '.join(self._names(self.unexplained))}) {why}.{self._note()}"
        unseen = len(raw.unobserved)
        if self.noise is not None:
            text = (f"Underdetermined: {len(self.undecided)} of the {fam.n_classes} classes of {fam.title} are not "
                    f"decided at {self.confidence:.1%} confidence under {self.noise.summary()}.")
        else:
            text = (f"Underdetermined: {unseen} of {N_PATTERNS} patterns were never observed, so "
                    f"{_power(unseen, raw.consistent_rules)} rules fit the data equally well.")
            if fam.name != "table":
                text += (f" Within {fam.title}, {len(self.undecided)} of {fam.n_classes} classes were never "
                         f"observed ({_power(len(self.undecided), 2 ** len(self.undecided))} rules of the family "
                         "fit).")
        unreachable = int((~raw.observed & ~self._showable()).sum())
        if unreachable:
            text += f" {unreachable} of the unobserved patterns cannot occur on boards of this size."
        if self.guess is not None and unseen:
            alive = int(self.guess[~raw.observed].sum())
            text += f" The network guessed 'alive' for {alive} and 'dead' for {unseen - alive} of them."
        return text + self._note()

    def _showable(self) -> np.ndarray:
        return self.raw.family.expand(self.raw.observable)

    def _note(self) -> str:
        return f" {self.note}" if self.note else ""

    def _names(self, classes: list[int], most: int = 6) -> list[str]:
        names = [self.family.class_names[c] for c in classes[:most]]
        return names + (["..."] if len(classes) > most else [])

    def summary(self) -> str:
        """A few lines: the rung, the evidence and the assumption."""
        lines = [f"verdict      {self.label}" + (f": {self.rule}" if self.rule is not None else ""),
                 f"evidence     {self.raw.summary()}"]
        if self.family.name != "table":
            lines.append(f"assumption   {self.classes.summary()}")
        if self.noise is not None:
            lines.append(f"noise        {self.noise.summary()}")
        lines.append(self.sentence())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.sentence()


def _rule(table: np.ndarray, evidence: Evidence):
    """The rule a table is, in the evidence's family: a :class:`Rule`, or a Generations rule with its states."""
    rule = Rule.from_table(table)
    return rule if evidence.states == 2 else GenerationsRule(rule, evidence.states)


def check_noise(noise) -> float | None:
    """Validate a noise setting: None for ``"auto"``, else the given cell-flip rate.

    Raises:
        ValueError: For anything but ``"auto"`` or a rate in [0, 0.5).
    """
    if noise == "auto":
        return None
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise < 0.5:
        raise InputError(f"noise must be 'auto' or a cell-flip rate in [0, 0.5), got {noise!r}")
    return float(noise)


def decide(evidence: Evidence, family_name="table", noise="auto", confidence: float = 0.999,
           guess=None) -> Verdict:
    """The verdict the evidence supports.

    Args:
        evidence: The observations.
        family_name: The assumption: a family name (``"table"``, the default,
            assumes nothing), a :class:`Family`, ``"auto"`` (the first of
            :data:`AUTO_CHAIN` that the data determine and do not contradict),
            or ``"data"`` (the orbits of the largest symmetry group the
            observations do not contradict, :func:`data_symmetry`).
        noise: ``"auto"`` (noise-free unless some pattern was seen going to
            both states; then estimate the rate), ``0`` (observations are
            exact: any conflict makes the data inconsistent) or a known
            cell-flip rate.
        confidence: Joint confidence at which a noisy verdict decides every class.
        guess: The network's ``(512,)`` table (or a Rule), to report what it
            says about the patterns the data leave open.

    Returns:
        A :class:`Verdict`.
    """
    if not isinstance(evidence, Evidence):
        raise InputTypeError(f"evidence must be an Evidence, got {type(evidence).__name__}")
    confidence = check_number("confidence", confidence, 0.5, 1, open_low=True, open_high=True)
    rate = check_noise(noise)
    if guess is not None:
        guess = np.asarray(guess.table if isinstance(guess, Rule) else guess, dtype=bool)
        if guess.shape != (N_PATTERNS,):
            raise InputError(f"guess must be a rule or a ({N_PATTERNS},) table, got shape {guess.shape}")
    if family_name == "data":  # the largest symmetry the observations do not contradict
        family_name = data_symmetry(evidence).group
    chain = AUTO_CHAIN if family_name == "auto" else (family(family_name).name,)
    requested = "auto" if family_name == "auto" else chain[0]
    raw = evidence.under("table")
    common = dict(requested=requested, raw=raw, confidence=float(confidence), guess=guess)
    noisy = rate is not None and rate > 0 or (rate is None and raw.raw_conflicts > 0)
    if noisy:
        return _decide_noisy(evidence, chain, rate, 1 - confidence, common)
    if raw.raw_conflicts:
        conflicts = raw.conflicting
        return Verdict("inconsistent", None, family("table"), classes=raw, table=raw.family.expand(raw.majority),
                       known=np.zeros(N_PATTERNS, dtype=bool), unexplained=conflicts, **common)
    if evidence.decay[0]:
        violations, checked = evidence.decay
        return Verdict("inconsistent", None, family("table"), classes=raw, table=raw.family.expand(raw.majority),
                       known=np.zeros(N_PATTERNS, dtype=bool), **common,
                       note=f"{violations} of {checked} cell changes break the countdown of a {evidence.states}-state "
                            "Generations rule (dying cells move one state on; a live cell that dies goes to state 2)")
    if raw.complete:
        return Verdict("identified", _rule(raw.majority, evidence), family("table"), classes=raw,
                       table=raw.majority.copy(), known=np.ones(N_PATTERNS, dtype=bool), **common)
    contradicted = []
    for name in chain:
        classes = evidence.under(name)
        if name != "table" and classes.contradicted:
            contradicted.append(classes)
            continue
        if classes.complete:
            table = classes.family.expand(classes.majority)
            return Verdict("identified within family", _rule(table, evidence), classes.family, classes=classes,
                           table=table, known=np.ones(N_PATTERNS, dtype=bool), **common)
    last = evidence.under(chain[-1]) if requested != "auto" else raw
    note = "; ".join(f"The data contradict {c.family.title} in {len(c.conflicting)} classes "
                     f"({', '.join(c.family.class_names[i] for i in c.conflicting[:4])}"
                     f"{', ...' if len(c.conflicting) > 4 else ''})." for c in contradicted)
    usable = last if not last.contradicted else raw
    return Verdict("underdetermined", None, usable.family, classes=usable, table=usable.family.expand(usable.majority),
                   known=usable.family.expand(usable.observed), undecided=usable.unobserved, note=note, **common)


def _decide_noisy(evidence: Evidence, chain: tuple[str, ...], rate: float | None, alpha: float,
                  common: dict) -> Verdict:
    def assess(name: str):
        fam = family(name)
        classes = evidence.under(fam)
        estimate, deconvolved = _noise_and_table(evidence, fam, rate)
        decision = _noisy_classes(evidence, fam, estimate.high, alpha)
        # a majority that the deconvolved counts overturn is swamped by noisy copies of other patterns
        decision.decided &= fam.class_values(deconvolved) == decision.majority
        table = fam.expand(decision.majority)
        return fam, dict(classes=classes, table=table, noise=estimate, **common), decision

    fam, shared, decision = assess("table")
    if decision.unexplained.any():
        return Verdict("inconsistent", None, fam, known=np.zeros(N_PATTERNS, dtype=bool),
                       unexplained=[int(c) for c in np.flatnonzero(decision.unexplained)], **shared)
    notes, fallback = [], None
    for name in dict.fromkeys(("table", *chain)):  # like the exact ladder: no assumption first
        if name != "table":
            fam, shared, decision = assess(name)
        if decision.unexplained.any():
            notes.append(f"{fam.title.capitalize()} do not explain the data, even with noise "
                         f"({int(decision.unexplained.sum())} classes).")
            continue
        undecided = [int(c) for c in np.flatnonzero(~decision.decided)]
        if not undecided:
            weakest = int(np.argmin(decision.log10_odds))
            return Verdict("explained with noise", _rule(shared["table"], evidence), fam,
                           known=np.ones(N_PATTERNS, dtype=bool), note=" ".join(notes),
                           log10_odds=(float(decision.log10_odds[weakest]), fam.class_names[weakest]), **shared)
        if name == (chain[0] if len(chain) == 1 else "table"):  # the requested family; "auto" falls back to none
            fallback = (fam, shared, decision, undecided)
    if fallback is None:
        fam, shared, decision = assess("table")
        fallback = (fam, shared, decision, [int(c) for c in np.flatnonzero(~decision.decided)])
    fam, shared, decision, undecided = fallback
    return Verdict("underdetermined", None, fam, known=fam.expand(decision.decided), undecided=undecided,
                   note=" ".join(notes), **shared)


# ---------------------------------------------------------------------------
# Symmetry of the data
# ---------------------------------------------------------------------------

@dataclass
class DataSymmetry:
    """Which symmetries of the square observed transitions allow.

    Attributes:
        group: The largest subgroup of D4 (a key of :data:`lifelab.symmetry.SUBGROUPS`) that no observation contradicts.
        consistent: Every subgroup no observation contradicts, largest first.
        checked: Element name -> observed patterns whose image under the element was observed too.
        contradicted: Element name -> those of them whose next states differ.
        observed: Distinct 3x3 patterns observed.
        inconsistent: Patterns observed with both next states (then the data
            is not a deterministic 3x3 rule, and the identity is contradicted).
    """

    group: str
    consistent: list[str]
    checked: dict[str, int]
    contradicted: dict[str, int]
    observed: int
    inconsistent: int

    def summary(self) -> str:
        """A few lines for a person."""
        lines = [f"largest symmetry the data allows: {self.group} ({len(SUBGROUPS[self.group])} elements)",
                 f"{self.observed} of {N_PATTERNS} patterns observed; {self.inconsistent} seen with both next states"]
        for name in ELEMENT_NAMES.values():
            lines.append(f"  {name:<12s} {self.checked[name]:>4d} patterns checked, "
                         f"{self.contradicted[name]:>4d} contradict")
        return "\n".join(lines)


def _symmetry(state: np.ndarray, observed: np.ndarray, inconsistent: np.ndarray) -> DataSymmetry:
    """Test the 8 elements against a (partial) next-state table."""
    decided = observed & ~inconsistent
    checked, contradicted, broken = {}, {}, set()
    for g, name in ELEMENT_NAMES.items():
        image = images(g)
        if g == (0, False):
            compared, bad = observed, inconsistent
        else:
            compared = decided & decided[image] & (image != np.arange(N_PATTERNS))
            bad = compared & (state != state[image])
        checked[name], contradicted[name] = int(compared.sum()), int(bad.sum())
        if bad.any():
            broken.add(g)
    consistent = [name for name, elements in SUBGROUPS.items() if not broken & set(elements)]
    return DataSymmetry(group=consistent[0] if consistent else "trivial", consistent=consistent, checked=checked,
                        contradicted=contradicted, observed=int(observed.sum()), inconsistent=int(inconsistent.sum()))


def data_symmetry(trajectories) -> DataSymmetry:
    """Test each of the 8 D4 elements against observed transitions.

    The data say "3x3 pattern ``P`` became state ``s``".  An element ``g``
    is contradicted when some observed pattern ``P`` and its image ``g P``
    (also observed) went to different states: a rule symmetric under ``g``
    must treat them alike.  Board shapes do not matter (patterns are
    turned, not boards).

    Args:
        trajectories: ``(n, T + 1, H, W)`` or ``(T + 1, H, W)`` 0/1 array, or an :class:`Evidence`.

    Returns:
        A :class:`DataSymmetry`; its ``group`` is the largest subgroup of D4
        none of whose elements is contradicted.
    """
    evidence = trajectories if isinstance(trajectories, Evidence) else Evidence.of(trajectories)
    return _symmetry(evidence.counts[:, 1] > 0, evidence.observed, evidence.conflicting)


def rule_symmetry(rule) -> DataSymmetry:
    """The symmetry of a rule's own table: what :func:`data_symmetry` finds when every pattern is observed.

    Args:
        rule: A :class:`~lifelab.rules.Rule`, rulestring or name.

    Returns:
        A :class:`DataSymmetry` with all 512 patterns observed.
    """
    everything = np.ones(N_PATTERNS, dtype=bool)
    return _symmetry(as_rule(rule).table, everything, ~everything)
