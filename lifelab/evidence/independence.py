"""Are the errors independent?  The test a noise verdict must pass before it says "independent cell flips".

Under the flip model (:mod:`lifelab.evidence.noise`) every observation
misses the rule with a probability that depends only on the pattern it
was seen with.  Errors that come in rows (a dropped scan line), columns,
frames (a bad frame), trajectories (a mixture of rules) or at the frame's
edge (a window taken for a torus) pile up in those groups beyond what that
predicts.  For each grouping the observed misses ``O_g`` are compared with
the expected ``E_g`` (the sum of each observation's miss probability) in
a chi-square statistic of the standardised excesses (each group's expected
misses from its own mix of patterns, deconvolved; the spread scaled by how
much independent flips clump misses, measured on the rule's own simulated
data, since one flip makes up to nine misses); a grouping fails at
``alpha`` (Bonferroni over the groupings) when its statistic is improbable
*and* its worst groups hold at least twice the errors expected there, so
that the small misfit of the flip model at high rates is not read as
dependence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from lifelab.engines import random_boards, simulate
from lifelab.evidence.counts import Evidence
from lifelab.evidence.noise import _mix, add_noise
from lifelab.geometry import CENTRE
from lifelab.rules import Rule

__all__ = ["GroupTest", "Independence", "independence"]

#: The groupings tested, as named in sentences (singular, plural).
GROUPINGS = {
    "row": ("row", "rows"),
    "column": ("column", "columns"),
    "frame": ("frame", "frames"),
    "trajectory": ("trajectory", "trajectories"),
    "edge": ("distance from the edge", "distances from the edge"),
}


@dataclass
class GroupTest:
    """The misses of one grouping against what independent flips predict.

    Attributes:
        grouping: ``"row"``, ``"column"``, ``"frame"``, ``"trajectory"`` or ``"edge"``.
        statistic: Sum over groups of the squared standardised excess of misses.
        df: Groups less one.
        p_value: Chance of a statistic this large under independent flips.
        excess: Groups holding significantly more misses than predicted (each at ``alpha`` over the groups).
        observed: Misses per group.
        expected: Misses per group the flip model predicts.
    """

    grouping: str
    statistic: float
    df: int
    p_value: float
    excess: list[int]
    observed: np.ndarray = field(repr=False)
    expected: np.ndarray = field(repr=False)

    @property
    def groups(self) -> int:
        """Groups compared."""
        return len(self.observed)

    def material(self) -> bool:
        """The groups in excess hold at least twice the misses expected there (not a small misfit of the model)."""
        return bool(self.excess) and self.observed[self.excess].sum() >= 2 * self.expected[self.excess].sum()

    def where(self) -> str:
        """``"9 rows of 32"``."""
        one, many = GROUPINGS[self.grouping]
        if self.grouping == "edge":
            return "the frame's edge cells"
        return f"{len(self.excess)} {one if len(self.excess) == 1 else many} of {self.groups}"


@dataclass
class Independence:
    """Every grouping's test, and whether independent flips survive them.

    Attributes:
        tests: One :class:`GroupTest` per grouping the evidence has.
        alpha: The level over all groupings.
    """

    tests: list[GroupTest]
    alpha: float

    @property
    def failed(self) -> list[GroupTest]:
        """The groupings whose misses are not those of independent flips, worst first."""
        level = self.alpha / max(len(self.tests), 1)
        bad = [t for t in self.tests if t.p_value < level and t.material()]
        return sorted(bad, key=lambda t: t.p_value)

    @property
    def independent(self) -> bool:
        """No grouping fails."""
        return not self.failed

    def sentence(self) -> str:
        """``"the errors are not independent: they fall on 9 rows of 32 (p = 1e-40)"``, or that they are."""
        if self.independent:
            names = ", ".join(GROUPINGS[t.grouping][1] for t in self.tests)
            return f"the errors spread over {names} as independent flips would (each at {self.alpha:g})"
        worst = self.failed[0]
        return (
            f"the errors are not independent: they fall on {worst.where()} (p = {worst.p_value:.2g}), "
            f"{int(worst.observed[worst.excess].sum()):,} misses where independent flips predict "
            f"{worst.expected[worst.excess].sum():,.0f}"
        )


def _expected_misses(seen: np.ndarray, table: np.ndarray, rate: float) -> np.ndarray:
    """Misses per group the flip model predicts, each group's clean patterns deconvolved from its own observations.

    A group's mix of patterns is its own (the first frames of a random soup
    are not like the later ones); the deconvolution is linear (unclipped), so
    the groups' predictions add up to the whole's.
    """
    clean = _mix(seen.T.astype(float), rate, inverse=True)  # (512, groups)
    alive = np.where(table, 1 - rate, rate)[:, None] * clean
    dead = np.where(table, rate, 1 - rate)[:, None] * clean
    return np.where(table[:, None], _mix(dead, rate), _mix(alive, rate)).sum(axis=0)


def _scores(evidence: Evidence, table: np.ndarray, rate: float) -> dict[str, tuple]:
    """Per grouping: the standardised excess of misses per group, with the observed and predicted misses."""
    groupings = {"frame": evidence.clusters, **{k: v for k, v in evidence.groups.items() if v is not None}}
    out = {}
    for name, counts in groupings.items():
        seen = counts.sum(axis=2)
        keep = seen.sum(axis=1) > 0
        if keep.sum() < 2:
            continue
        observed = np.where(table, counts[:, :, 0], counts[:, :, 1]).sum(axis=1)[keep].astype(float)
        predicted = _expected_misses(seen[keep], table, rate)
        size = seen.sum(axis=1)[keep]
        variance = np.maximum(predicted * (1 - predicted / size), 1e-12)
        out[name] = ((observed - predicted) / np.sqrt(variance), observed, predicted)
    return out


def _clumping(evidence: Evidence, table: np.ndarray, rate: float, replicates: int, seed: int) -> dict[str, float]:
    """How much wider than binomial independent flips spread the misses between groups, measured by simulation.

    One flip changes the pattern of up to nine cells, so misses come in
    clumps.  The rule, run from random boards of the data's shape and live
    density and observed through flips at ``rate``, gives the mean squared
    standardised excess each grouping has when the flips *are* independent.
    """
    rows, columns = evidence.groups.get("row"), evidence.groups.get("column")
    trajectories = evidence.groups.get("trajectory")
    if rows is None or columns is None or trajectories is None or rate <= 0:
        return {}
    n = len(trajectories)
    steps = max(evidence.transitions // n, 1)
    density = float(evidence.counts[CENTRE].sum() / max(evidence.counts.sum(), 1))
    rule = Rule.from_table(table)
    rng = np.random.default_rng(seed)
    totals: dict[str, list[float]] = {}
    for _ in range(replicates):
        clean = simulate(rule, random_boards(n, (len(rows), len(columns)), density, seed=rng), steps)
        noisy = Evidence.of(add_noise(clean, rate, seed=rng), boundary=evidence.boundary)
        for name, (z, _, _) in _scores(noisy, table, rate).items():
            totals.setdefault(name, []).extend(z**2)
    return {name: max(1.0, float(np.mean(values))) for name, values in totals.items()}


def independence(
    evidence: Evidence, table: np.ndarray, rate: float, alpha: float = 1e-3, replicates: int = 3, seed: int = 0
) -> Independence:
    """Test whether a rule's misses are spread as independent flips at ``rate`` would spread them.

    Args:
        evidence: The observations, with their groups (:attr:`Evidence.groups`; the clusters are the frames).
        table: ``(512,)`` the rule.
        rate: The flip rate.
        alpha: Level of the whole test (shared among the groupings).
        replicates: Simulated data sets that measure how independent flips clump the misses.
        seed: Seed of the simulations.

    Returns:
        An :class:`Independence`.
    """
    table = np.asarray(table, dtype=bool)
    scale = _clumping(evidence, table, rate, replicates, seed)
    tests = []
    for name, (z, observed, predicted) in _scores(evidence, table, rate).items():
        z = z / np.sqrt(scale.get(name, 1.0))
        statistic = float((z**2).sum())
        df = len(z) - 1
        cut = stats.norm.isf(alpha / len(z))
        tests.append(
            GroupTest(
                name,
                statistic,
                df,
                float(stats.chi2.sf(statistic, df)),
                [int(i) for i in np.flatnonzero(z > cut)],
                observed,
                predicted,
            )
        )
    return Independence(tests, alpha)
