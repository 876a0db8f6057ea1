"""Stochastic rules: the next state is random given the class, and how the data tell that from noisy observations.

Two explanations of observations that conflict (Sun, Rosin & Martin 2011
treat deterministic and probabilistic CA in one model; Yang & Billings
identify probabilistic CA):

- **one rule plus independent cell flips** (:mod:`lifelab.evidence.noise`):
  one rate ``p`` predicts how often every class misses, through the flips of
  the nine input cells and of the output cell;
- **a stochastic rule**: each class has its own probability of being alive
  next, the observations exact.

:func:`flip_test` compares them by a likelihood-ratio test: the flip model
(one rate, its table) against each class with its own probability.  When
the flip model is rejected, :func:`fit_stochastic` estimates each class's
probability with a joint interval; the rule is determined when every class
is observed and its interval is narrower than the stated precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from lifelab.evidence.assumptions import Family, family
from lifelab.evidence.counts import Evidence
from lifelab.evidence.ladder import CONFIDENCE
from lifelab.evidence.noise import _clean, _mix
from lifelab.rules import StochasticRule

__all__ = ["ClassProbability", "FlipTest", "StochasticFit", "fit_stochastic", "flip_test"]

#: A class whose probability interval is narrower than twice this is pinned.
PRECISION = 0.05


def _expected_joint(seen: np.ndarray, table: np.ndarray, rate: float) -> np.ndarray:
    """``(512, 2)``: the (observed pattern, next state) counts the flip model expects, given what was seen."""
    clean = _clean(seen, rate)
    joint = np.where(table[:, None], [[rate, 1 - rate]], [[1 - rate, rate]]) * clean[:, None]
    return _mix(joint, rate)


@dataclass
class FlipTest:
    """The likelihood-ratio test of "one rule plus independent flips" against "a probability per class".

    Attributes:
        family: The classes compared.
        statistic: ``2 (log L(per class) - log L(flips))``.
        df: Degrees of freedom (classes observed, less the one rate).
        p_value: Chance of a statistic this large if the flip model is right.
        worst: The class the flip model misses most, with its observed and predicted alive fractions.
    """

    family: Family
    statistic: float
    df: int
    p_value: float
    worst: tuple[str, float, float]

    def rejects(self, alpha: float) -> bool:
        """The flip model is rejected at level ``alpha``."""
        return self.p_value < alpha

    def summary(self) -> str:
        """One line."""
        name, observed, predicted = self.worst
        return (
            f"independent flips against a probability per class of {self.family.title}: likelihood ratio "
            f"{self.statistic:,.1f} on {self.df} degrees of freedom (p = {self.p_value:.2g}); the flips fit "
            f"{name} worst (alive {observed:.3f} observed, {predicted:.3f} predicted)"
        )


def flip_test(evidence: Evidence, table: np.ndarray, rate: float, fam="moore") -> FlipTest:
    """Test the flip model (``table`` plus flips at ``rate``) against a probability of its own for every class.

    Args:
        evidence: The observations.
        table: ``(512,)`` the flip model's rule.
        rate: Its flip rate.
        fam: The classes whose alive fractions are compared (a family name or :class:`Family`).

    Returns:
        A :class:`FlipTest`.
    """
    fam = family(fam)
    expected = _expected_joint(evidence.seen.astype(float), np.asarray(table, dtype=bool), rate)
    pooled_expected = np.stack(
        [np.bincount(fam.labels, weights=expected[:, s], minlength=fam.n_classes) for s in (0, 1)], axis=1
    )
    observed = evidence.under(fam).counts.astype(float)
    n = observed.sum(axis=1)
    seen = n > 0
    predicted = np.clip(pooled_expected[:, 1] / np.maximum(pooled_expected.sum(axis=1), 1e-300), 1e-12, 1 - 1e-12)
    fraction = np.where(seen, observed[:, 1] / np.maximum(n, 1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        saturated = np.where(observed > 0, observed * np.log(observed / n[:, None]), 0.0).sum(axis=1)
    flips = observed[:, 1] * np.log(predicted) + observed[:, 0] * np.log(1 - predicted)
    statistic = float(max(2 * (saturated - flips)[seen].sum(), 0.0))
    df = max(int(seen.sum()) - 1, 1)
    contribution = np.where(seen, saturated - flips, -np.inf)
    c = int(np.argmax(contribution))
    return FlipTest(
        fam,
        statistic,
        df,
        float(stats.chi2.sf(statistic, df)),
        (fam.class_names[c], float(fraction[c]), float(predicted[c])),
    )


@dataclass
class ClassProbability:
    """One class of a stochastic rule, as the data show it.

    Attributes:
        name: The class (``"B3"``, ``"S2"``, ``"orbit of 14"``, ...).
        observations: Times it was observed.
        alive: Of them, times it was alive next.
        low: Lower end of the joint interval of its probability.
        high: Upper end.
    """

    name: str
    observations: int
    alive: int
    low: float
    high: float

    @property
    def probability(self) -> float:
        """The observed fraction alive next (0 when never observed)."""
        return self.alive / self.observations if self.observations else 0.0

    @property
    def random(self) -> bool:
        """It went both ways."""
        return 0 < self.alive < self.observations

    def describe(self) -> str:
        """``"B3: alive with probability 0.80 (0.78-0.82) in 5,120 observations"``."""
        return (
            f"{self.name}: alive with probability {self.probability:.2f} ({self.low:.2f}-{self.high:.2f}) in "
            f"{self.observations:,} observations"
        )


@dataclass
class StochasticFit:
    """Each class's probability of being alive next, with joint intervals.

    Attributes:
        family: The classes (patterns in a class share their probability: the assumption).
        classes: One :class:`ClassProbability` per class of the family.
        confidence: Joint confidence of the intervals.
        precision: Pinned means every interval is narrower than twice this.
        heterogeneous: Classes whose patterns went alive at significantly different rates (the
            family's assumption contradicted there).
    """

    family: Family
    classes: list[ClassProbability] = field(repr=False)
    confidence: float
    precision: float
    heterogeneous: list[int] = field(default_factory=list)

    @property
    def unobserved(self) -> list[int]:
        """Classes never observed."""
        return [i for i, c in enumerate(self.classes) if c.observations == 0]

    @property
    def pinned(self) -> bool:
        """Every class observed, its interval narrower than twice the precision, the family not contradicted."""
        return (
            not self.unobserved
            and not self.heterogeneous
            and all(c.high - c.low <= 2 * self.precision for c in self.classes)
        )

    @property
    def rule(self) -> StochasticRule:
        """The rule the fit describes: the observed fraction for classes that went both ways, else 0 or 1."""
        per_class = np.array([c.probability for c in self.classes])
        return StochasticRule(self.family.expand(per_class))

    @property
    def stochastic(self) -> list[ClassProbability]:
        """The classes that went both ways."""
        return [c for c in self.classes if c.random]

    def holds(self, rule) -> bool:
        """Every class's interval holds the rule's probability there (a deterministic rule's are 0 and 1).

        Args:
            rule: A :class:`~lifelab.rules.StochasticRule` or a 2-state :class:`~lifelab.rules.lifelike.Rule`.
        """
        chance = rule.probability if isinstance(rule, StochasticRule) else rule.table.astype(float)
        for c, probability in enumerate(self.classes):
            values = chance[self.family.members(c)]
            if np.ptp(values) > 0 or not probability.low <= values[0] <= probability.high:
                return False
        return True


def _interval(alive: int, n: int, alpha: float) -> tuple[float, float]:
    """Clopper-Pearson interval of a binomial proportion at level ``alpha``."""
    if n == 0:
        return 0.0, 1.0
    low = 0.0 if alive == 0 else float(stats.beta.ppf(alpha / 2, alive, n - alive + 1))
    high = 1.0 if alive == n else float(stats.beta.ppf(1 - alpha / 2, alive + 1, n - alive))
    return low, high


def fit_stochastic(
    evidence: Evidence, fam="moore", confidence: float = CONFIDENCE, precision: float = PRECISION
) -> StochasticFit:
    """Each class's probability of being alive next, with intervals holding jointly at ``confidence``.

    The intervals are Clopper-Pearson at ``(1 - confidence) / classes`` each
    (Bonferroni), so that all of them hold together.  Within each class the
    patterns' alive fractions are tested for homogeneity (a chi-square test
    at the same level): a class whose patterns differ contradicts the
    family's assumption.

    Args:
        evidence: The observations (exact, with the randomness in the rule).
        fam: The classes sharing a probability.
        confidence: Joint confidence.
        precision: Half the interval width below which a class is pinned.

    Returns:
        A :class:`StochasticFit`.
    """
    fam = family(fam)
    alpha = (1 - confidence) / fam.n_classes
    pooled = evidence.under(fam).counts
    classes = []
    for c, (dead, alive) in enumerate(pooled):
        low, high = _interval(int(alive), int(dead + alive), alpha)
        classes.append(ClassProbability(fam.class_names[c], int(dead + alive), int(alive), low, high))
    heterogeneous = []
    counts = evidence.counts
    for c in range(fam.n_classes):
        members = fam.members(c)
        table = counts[members][counts[members].sum(axis=1) > 0]
        if len(table) > 1 and (table.sum(axis=0) > 0).all():
            _, p, _, _ = stats.chi2_contingency(table)
            if p < alpha:
                heterogeneous.append(c)
    return StochasticFit(fam, classes, confidence, precision, heterogeneous)


def log10(x: float) -> float:
    """``log10`` that gives ``-inf`` for 0 (a p-value below double precision)."""
    return math.log10(x) if x > 0 else -math.inf
