"""The noise model: one rule plus independent cell flips, its rate estimated from the data.

Every cell of every observed board is flipped independently with
probability ``p``.  A flip in ``x_t`` changes the pattern a cell is seen
with, a flip in ``x_{t+1}`` its next state, so a rule's one-step mismatch
rate is larger than ``p``; :func:`estimate_noise` inverts that relation
exactly for the 3x3 window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lifelab.errors import InputError
from lifelab.evidence.assumptions import Family
from lifelab.evidence.counts import Evidence
from lifelab.geometry import CELLS, N_PATTERNS
from lifelab.io.boards import validate_trajectories
from lifelab.rules import Rule, as_rule
from lifelab.utils import check_number

__all__ = ["NoiseEstimate", "add_noise", "check_noise", "estimate_noise"]


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
        per_class = np.stack(
            [np.bincount(fam.labels, weights=clean[:, s], minlength=fam.n_classes) for s in (0, 1)], axis=1
        )
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
        return (
            f"cell-noise rate {self.rate:.3%} (95% interval {self.low:.3%} to {self.high:.3%}), from "
            f"{self.mismatch:.3%} of {self.observations} cell updates the rule does not reproduce"
        )


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
        rule: The rule (a :class:`~lifelab.rules.lifelike.Rule`, rulestring or 512-entry table).

    Returns:
        A :class:`NoiseEstimate`.
    """
    table = np.asarray(
        rule.table if isinstance(rule, Rule) else (as_rule(rule).table if isinstance(rule, str) else rule), dtype=bool
    )
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
    return NoiseEstimate(
        rate=_rate_for(m, seen, table),
        low=_rate_for(max(m - 1.96 * se, 0.0), seen, table),
        high=_rate_for(m + 1.96 * se, seen, table),
        mismatch=float(m),
        observations=int(n),
    )


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
