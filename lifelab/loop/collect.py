"""How the loop collects its next trajectory: at random, or by asking the oracle what the data have not shown."""

from __future__ import annotations

from typing import Callable, Protocol

import numpy as np

from lifelab.errors import InputError
from lifelab.evidence import CountEvidence, Evidence, Verdict
from lifelab.geometry import N_PATTERNS, SUBGROUPS, patterns, transform
from lifelab.learning import DataSupplyAgent
from lifelab.loop.rounds import Round
from lifelab.loop.settings import LOOP, MODES, LoopSettings

__all__ = ["COLLECTIONS", "QueryCollection", "RandomCollection", "query_board"]


def query_board(
    confidence,
    shape: tuple[int, int],
    seed: int = 0,
    threshold: float = LOOP.threshold,
    least: int = 16,
    ask=(),
    group: str = "p4m",
) -> np.ndarray:
    """An initial board made of the 3x3 patterns worth asking the oracle about.

    Every 4x4 slot of the board gets one pattern in its top-left 3x3 and
    dead cells around it, so the slot's centre cell sees exactly that
    pattern and the oracle's first step labels it.  The patterns in ``ask``
    come first (e.g. the patterns of classes never observed), then those
    below ``threshold`` (at least the ``least`` lowest), cycling until the
    slots are full.  Each is turned by a random element of ``group``: under
    an assumed symmetry any image answers for the pattern, and a model
    without built-in symmetry sees the whole orbit.

    Args:
        confidence: ``(512,)`` confidence per 3x3 pattern, MAP order (an
            :class:`~lifelab.learning.extract.ExtractionResult`'s ``confidence``).
        shape: ``(H, W)`` of the board, both at least 4.
        seed: Seed of the slot order and the symmetries.
        threshold: Patterns below it are the ones asked about.
        least: Ask about at least this many patterns (the least confident).
        ask: MAP indices to ask about first.
        group: Turn patterns only by elements of this subgroup of D4 (``"trivial"``: never).

    Returns:
        ``(H, W)`` bool board.

    Raises:
        ValueError: For a confidence array of the wrong shape or a board too small for one slot.
    """
    confidence = np.asarray(confidence, dtype=float)
    if confidence.shape != (N_PATTERNS,):
        raise InputError(
            f"confidence must have one value per 3x3 pattern, shape ({N_PATTERNS},), got {confidence.shape}"
        )
    if group not in SUBGROUPS:
        raise InputError(f"unknown symmetry group {group!r}; expected one of {list(SUBGROUPS)}")
    h, w = (int(s) for s in shape)
    if h < 4 or w < 4:
        raise InputError(f"a query board needs at least 4x4 cells, got {h}x{w}")
    rng = np.random.default_rng(seed)
    order = np.argsort(confidence, kind="stable")
    unsure = order[: max(int((confidence < threshold).sum()), min(least, N_PATTERNS))]
    first = [int(i) for i in ask]
    asked = first + [int(i) for i in unsure if int(i) not in set(first)]
    slots = [(4 * i, 4 * j) for i in range(h // 4) for j in range(w // 4)]
    rng.shuffle(slots)
    elements = SUBGROUPS[group]
    shapes = patterns()
    board = np.zeros((h, w), dtype=bool)
    for k, (y, x) in enumerate(slots):
        board[y : y + 3, x : x + 3] = transform(shapes[asked[k % len(asked)]], elements[rng.integers(len(elements))])
    return board


def _to_ask(verdict: Verdict, rng: np.random.Generator) -> list[int]:
    """One showable pattern per class the verdict leaves open, preferring patterns never observed, in random order."""
    showable = verdict.raw.family.expand(verdict.raw.observable)
    fresh = ~verdict.raw.observed & showable
    out = []
    for c in verdict.undecided:
        members = verdict.family.members(c)
        pool = members[fresh[members]] if fresh[members].any() else members[showable[members]]
        if len(pool):
            out.append(int(pool[rng.integers(len(pool))]))
    rng.shuffle(out)
    return out


class Collection(Protocol):
    """What a collection strategy offers the loop (:data:`COLLECTIONS` makes one from the loop's settings)."""

    name: str

    def next(
        self, agent: DataSupplyAgent, done: Round, holdout: int | None, seen: Evidence | CountEvidence
    ) -> tuple[Evidence | CountEvidence, str]:
        """Collect the next trajectory after round ``done``; returns the evidence with it and how it was chosen."""


class RandomCollection:
    """Collection strategy: the next trajectory is the next in line (a fresh random board, or the next supplied one).

    With an oracle, that is the trajectory held out this round, so a
    refuting held-out trajectory always becomes visible.
    """

    name = "random"

    def __init__(self, settings: LoopSettings = LOOP):
        """Nothing to set up (the settings are what every strategy is given)."""

    def next(
        self, agent: DataSupplyAgent, done: Round, holdout: int | None, seen: Evidence | CountEvidence
    ) -> tuple[Evidence | CountEvidence, str]:
        """Queue the next trajectory; returns the evidence (unchanged) and how the trajectory was chosen."""
        return seen, "random" if agent.rule is not None else "supplied"


class QueryCollection:
    """Collection strategy: ask the oracle about what is missing (:func:`query_board`).

    The next board holds one pattern of each class the verdict leaves open
    (never observed, preferring patterns never seen at all), then the
    patterns the learner is least sure about; a held-out trajectory the
    learner's rule failed on becomes visible too.  Boards smaller than 4x4
    cannot hold a query; there it collects at random.
    """

    name = "query"

    def __init__(self, settings: LoopSettings = LOOP):
        """Args:
        settings: The loop's settings: ``threshold`` (confidence below which a pattern is asked about) and
            ``seed`` (of the choice of patterns and slots).
        """
        self.settings = settings
        self.rng = np.random.default_rng(settings.seed)

    def next(
        self, agent: DataSupplyAgent, done: Round, holdout: int | None, seen: Evidence | CountEvidence
    ) -> tuple[Evidence | CountEvidence, str]:
        """Build and collect the query board; returns the evidence with it and ``"query"``."""
        if min(agent.shape) < 4 or isinstance(seen, CountEvidence) or done.extraction.confidence.shape != (N_PATTERNS,):
            return RandomCollection().next(agent, done, holdout, seen)
        verdict = done.verdict
        assert isinstance(verdict, Verdict)  # 3x3 evidence gives a 3x3 verdict
        done.query = query_board(
            done.extraction.confidence,
            agent.shape,
            seed=self.settings.seed * 1000 + done.round,
            threshold=self.settings.threshold,
            ask=_to_ask(verdict, self.rng),
            group=verdict.family.symmetry,
        )
        index = agent.collect(done.query, first=True)
        if done.refuted:  # the held-out trajectory the rule failed on joins the training data too
            assert holdout is not None  # a refuted round held one out
            agent.reveal(holdout + 1)  # the query board went in before it
        return seen + seen.like(agent.trajectory(index)), "query"


#: Collection strategies by mode name (:data:`lifelab.loop.settings.MODES`).
COLLECTIONS: dict[str, Callable[[LoopSettings], Collection]] = dict(
    zip(MODES, (RandomCollection, QueryCollection), strict=True)
)
