"""Observed every k-th step: the rules whose k-th iterate reproduces frames that no rule's single step does.

A recording may keep every second or third generation (Bolt, Baetens & De
Baets 2015 identify CA from such partial observations).  Then no rule fits
the frames one step apart, and the question becomes: which rules ``f``
make ``f^k`` (``k`` steps) map each frame onto the next?  ``f^k`` reads a
``(2k+1) x (2k+1)`` window, so it is searched directly: for every
outer-totalistic rule of a neighbourhood at once (2^18 Moore, 2^10 von
Neumann, 2^14 hexagonal rules, one bit per birth and survival count), the
k steps of a window's centre are computed as bit operations on the rule
numbers, window after window, keeping the rules that give the observed
centre; the few left are then simulated on every frame.  Beyond
outer-totalistic rules (2^102 isotropic ones) the search is not made, and
the verdict says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lifelab.engines import simulate
from lifelab.errors import InputError
from lifelab.evidence.boundary import interior
from lifelab.evidence.ladder import OnLadder
from lifelab.geometry import NEIGHBOURHOODS
from lifelab.io.boards import validate_trajectories
from lifelab.rules import Rule, bs_table
from lifelab.utils import check_int

__all__ = ["STEP_FAMILIES", "StepEvidence", "StepFamily", "StepVerdict", "every_k", "search_steps"]

#: The families searched, by name: (neighbourhood, title).
STEP_FAMILIES = {
    "moore": "outer-totalistic Moore rules",
    "vonneumann": "outer-totalistic von Neumann rules",
    "hexagonal": "outer-totalistic hexagonal rules",
}
#: Windows checked against every rule before the survivors are simulated.
WINDOWS = 4000


@dataclass(frozen=True)
class StepFamily:
    """The assumption of a step verdict: an outer-totalistic family, observed every ``steps`` generations.

    Attributes:
        neighbourhood: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.
        steps: Generations between frames.
    """

    neighbourhood: str
    steps: int
    name: str = "steps"
    symmetry: str = "p4m"

    @property
    def title(self) -> str:
        """``"outer-totalistic Moore rules observed every 2 steps"``."""
        return f"{STEP_FAMILIES[self.neighbourhood]} observed every {self.steps} steps"

    @property
    def n_classes(self) -> int:
        """Birth and survival counts."""
        return 2 * (int(NEIGHBOURHOODS[self.neighbourhood].sum()) + 1)

    @property
    def assumption(self) -> str:
        """The assumption in words."""
        spoken = {"moore": "Moore", "vonneumann": "von Neumann", "hexagonal": "hexagonal"}[self.neighbourhood]
        return (
            f"the frames are {self.steps} generations apart and the rule is outer-totalistic on the {spoken} "
            "neighbourhood"
        )


@dataclass
class StepEvidence:
    """What a step search weighed: frame pairs, windows checked against every rule, and the rules left.

    Attributes:
        transitions: Frame pairs.
        windows: Windows checked against every rule of the family.
        rules: Rules whose iterate reproduces every frame.
    """

    transitions: int
    windows: int
    rules: int

    def summary(self) -> str:
        """One line."""
        return (
            f"{self.transitions} frame pairs; {self.windows} windows checked against every rule of the family, "
            f"then the survivors simulated on every frame: {self.rules} fit"
        )


@dataclass(eq=False)
class StepVerdict(OnLadder):
    """What frames ``k`` generations apart determine (cf. :class:`~lifelab.evidence.Verdict`).

    Attributes:
        rung: ``"identified within family"`` (one rule's k-th iterate reproduces every frame),
            ``"underdetermined"`` (several do) or ``"inconsistent"`` (none does).
        rule: The rule, when one.
        family: The assumption (:class:`StepFamily`).
        rules: Every rule of the family whose k-th iterate reproduces the data.
        raw: What was weighed (:class:`StepEvidence`).
        one_step: The verdict on the frames taken one step apart (inconsistent), for the record.
    """

    rung: str
    rule: Rule | None
    family: StepFamily
    rules: list[Rule] = field(repr=False)
    raw: StepEvidence
    one_step: object = field(default=None, repr=False)
    noise = None
    boundary_note: str = ""

    @property
    def label(self) -> str:
        """The rung in words."""
        return f"identified within {self.family.title}" if self.determined else self.rung

    @property
    def unobserved(self) -> list[int]:
        """Nothing is unobserved in this sense: the rules are tested whole."""
        return []

    def disagreements(self, rule) -> int:
        """0 for a rule among those that fit, else 1."""
        return 0 if rule in self.rules else 1

    def guess_accuracy(self, truth) -> float | None:
        """No guesses: the search tests whole rules."""
        return None

    def _rung_sentence(self) -> str:
        fam = self.family
        if self.rung == "identified within family":
            return (
                f"Identified {self.rule} observed every {fam.steps} steps, within "
                f"{STEP_FAMILIES[fam.neighbourhood]}: no rule reproduces the frames one step apart, but of all "
                f"{2**fam.n_classes:,} {STEP_FAMILIES[fam.neighbourhood]} exactly one has a {fam.steps}-step "
                f"iterate that maps every frame onto the next ({self.raw.transitions} frame pairs). Assuming "
                f"{fam.assumption}."
            )
        if self.rung == "underdetermined":
            shown = ", ".join(str(r) for r in self.rules[:6]) + (", ..." if len(self.rules) > 6 else "")
            return (
                f"Underdetermined: {len(self.rules)} {STEP_FAMILIES[fam.neighbourhood]} have a {fam.steps}-step "
                f"iterate that reproduces every frame ({shown})."
            )
        return (
            f"Inconsistent: no rule reproduces the frames one step apart, and no {STEP_FAMILIES[fam.neighbourhood]}"
            f" does {fam.steps} steps apart either."
        )

    def summary(self) -> str:
        """A few lines."""
        return "\n".join(
            [
                f"verdict      {self.label}" + (f": {self.rule}" if self.rule is not None else ""),
                f"evidence     {self.raw.summary()}",
                f"assumption   {self.family.assumption}",
                self.sentence(),
            ]
        )


def _classes(window: np.ndarray, neighbourhood: str) -> np.ndarray:
    """Per cell of a stack of boards: its class, ``centre * (n + 1) + live neighbours`` (periodic)."""
    kernel = NEIGHBOURHOODS[neighbourhood]
    live = np.zeros(window.shape, dtype=np.int64)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if kernel[dy + 1, dx + 1]:
                live += np.roll(window, (-dy, -dx), axis=(-2, -1))
    return window.astype(np.int64) * (int(kernel.sum()) + 1) + live


def _iterate(rules: np.ndarray, window: np.ndarray, steps: int, neighbourhood: str) -> np.ndarray:
    """The centre of a ``(2k+1)^2`` window after ``steps`` steps, for every rule number at once.

    Rule number bit ``c`` is the next state of class ``c``.  The first step's
    classes are known (the window is data); later ones depend on the rule,
    so each cell is a vector over the rules.
    """
    kernel = NEIGHBOURHOODS[neighbourhood]
    width = int(kernel.sum()) + 1
    classes = _classes(window, neighbourhood)[1:-1, 1:-1]
    cells = ((rules[:, None, None] >> classes[None]) & 1).astype(np.int64)  # (rules, 2k-1, 2k-1)
    for _ in range(steps - 1):
        live = np.zeros_like(cells[:, 1:-1, 1:-1])
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if kernel[dy + 1, dx + 1]:
                    live += cells[:, 1 + dy : cells.shape[1] - 1 + dy, 1 + dx : cells.shape[2] - 1 + dx]
        cls = cells[:, 1:-1, 1:-1] * width + live
        cells = (rules[:, None, None] >> cls) & 1
    return cells[:, 0, 0].astype(bool)


def _rule_of(number: int, neighbourhood: str) -> Rule:
    width = int(NEIGHBOURHOODS[neighbourhood].sum()) + 1
    birth = "".join(str(c) for c in range(width) if number >> c & 1)
    survival = "".join(str(c) for c in range(width) if number >> (width + c) & 1)
    return Rule.from_table(bs_table(birth, survival, neighbourhood, f"B{birth}/S{survival}"))


def search_steps(
    trajectories, steps: int, neighbourhood: str = "moore", boundary: str = "torus", seed: int = 0
) -> StepVerdict:
    """The outer-totalistic rules whose ``steps``-step iterate maps each frame onto the next.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 2-state frames, ``steps`` generations apart.
        steps: Generations between frames (2 or more; 1 is :func:`lifelab.evidence.decide`).
        neighbourhood: ``"moore"``, ``"vonneumann"`` or ``"hexagonal"``.
        boundary: ``"torus"``, ``"dead"`` or ``"open"`` (only cells ``steps`` or more from every edge,
            whose whole ``(2k+1)^2`` window the frame shows, are compared).
        seed: Seed of the order in which windows are checked.

    Returns:
        A :class:`StepVerdict`.
    """
    data = validate_trajectories(trajectories)
    steps = check_int("steps", steps, 2, 8)
    if neighbourhood not in STEP_FAMILIES:
        raise InputError(f"neighbourhood must be one of {list(STEP_FAMILIES)}, got {neighbourhood!r}")
    now = data[:, :-1].reshape(-1, *data.shape[2:]).astype(bool)
    after = data[:, 1:].reshape(-1, *data.shape[2:]).astype(bool)
    h, w = now.shape[1:]
    if min(h, w) <= 2 * steps:
        raise InputError(f"frames of {w}x{h} are too small for {steps}-step windows")
    family = StepFamily(neighbourhood, steps)
    r = steps
    usable = np.broadcast_to(interior((h, w), r) if boundary == "open" else np.ones((h, w), bool), now.shape)
    cells = np.argwhere(usable)
    rng = np.random.default_rng(seed)
    cells = cells[rng.permutation(len(cells))[:WINDOWS]]
    padded = np.pad(now, ((0, 0), (r, r), (r, r)), mode="constant" if boundary == "dead" else "wrap")
    rules = np.arange(2**family.n_classes, dtype=np.int64)
    for b, y, x in cells:
        window = padded[b, y : y + 2 * r + 1, x : x + 2 * r + 1]
        rules = rules[_iterate(rules, window, steps, neighbourhood) == after[b, y, x]]
        if not len(rules):
            break
    fitting = []
    engine = "dead" if boundary == "dead" else "torus"
    keep = interior((h, w), r) if boundary == "open" else np.ones((h, w), bool)
    for number in rules[:64]:
        rule = _rule_of(int(number), neighbourhood)
        out = simulate(rule, now, steps, every=steps, boundary=engine)[:, -1]
        if ((out == after) | ~keep).all():
            fitting.append(rule)
    rung = "identified within family" if len(fitting) == 1 else "underdetermined" if fitting else "inconsistent"
    return StepVerdict(
        rung,
        fitting[0] if len(fitting) == 1 else None,
        family,
        fitting,
        StepEvidence(len(now), len(cells), len(fitting)),
    )


def every_k(trajectories, one_step, boundary: str = "torus", most: int = 3) -> StepVerdict | None:
    """When no rule fits the frames one step apart, the first ``k`` from 2 to ``most`` (and family) fitting ``k`` apart.

    Args:
        trajectories: The frames.
        one_step: The verdict one step apart (only an inconsistent one is searched further).
        boundary: As in :func:`search_steps`.
        most: The largest ``k`` tried.

    Returns:
        The :class:`StepVerdict` of the first ``k`` and family with a fitting rule, or None.
    """
    data = validate_trajectories(trajectories, states=None)
    if one_step.rung != "inconsistent" or data.max(initial=0) > 1 or min(data.shape[2:]) <= 2 * most:
        return None
    for k in range(2, most + 1):
        for neighbourhood in STEP_FAMILIES:
            found = search_steps(data, k, neighbourhood, boundary)
            if found.rules:
                found.one_step = one_step
                return found
    return None
