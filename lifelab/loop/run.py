"""The active-learning loop: supply, learn, read the rule, weigh the evidence, collect.

One round of :func:`learn_rule` (:func:`run_round`):

1. the data supply agent holds the visible trajectories (one at the start,
   newer ones weighing more);
2. the learner fits them: a network trains, warm-started from the round
   before, until every visible transition is predicted right with a margin
   (on noisy data, until its table stops changing); the table learner just
   tabulates them;
3. the rule is read out of the learner, with a confidence per pattern;
4. with an oracle, one more trajectory the learner has not seen is
   collected and held out; the rule is checked against it;
5. the evidence of every trajectory seen so far (the whole file, for
   supplied data) gives the :class:`~lifelab.evidence.Verdict`: identified,
   identified within the assumed family, explained with noise,
   underdetermined or inconsistent.  For a Larger than Life oracle the
   evidence is counted per (centre, live count) class of its neighbourhood
   and the verdict (:class:`~lifelab.evidence.CountVerdict`) rests on the
   Larger than Life assumption, which it states.

The loop stops when the verdict determines a rule and the learner's rule is
that rule.  Otherwise the next trajectory becomes visible: a fresh random
board (``mode="random"``), or a board built from the patterns the data
have not shown yet and then those the learner is least sure about
(``mode="query"``, :func:`query_board`); a held-out trajectory the rule
failed on becomes visible too.  With supplied data the loop reveals what
there is and ends with the honest rung.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from torch import nn

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError, InputTypeError
from lifelab.evidence import (
    CountEvidence,
    Evidence,
    Neighbourhood,
    TableEvidence,
    TableVerdict,
    Verdict,
    decide_table,
    generator_check,
    observe,
    reading_clause,
    reading_sentence,
    swapped_verdict,
    weigh,
)
from lifelab.evidence.boundary import check_boundary
from lifelab.evidence.neighbourhood import NeighbourhoodSearch, neighbourhood_of, parse_neighbourhood
from lifelab.evidence.steps import every_k
from lifelab.evidence.tables import TABLE_NEIGHBOURHOODS, configuration_classes
from lifelab.evidence.totalistic import NAMED_SHAPES
from lifelab.geometry import GROUPS, N_PATTERNS, SUBGROUPS, patterns, transform
from lifelab.io import Reading, Recording
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.learning import DEFAULT_MODEL, DataSupplyAgent, ExtractionResult, model_spec
from lifelab.loop.learners import make_learner, wider_learner
from lifelab.loop.settings import DEFAULT_SIZE, LOOP, MODES, LoopSettings
from lifelab.rules import DENSE_LIMIT, RULE_TYPES, HROTRule, LtLRule, Rule, TableRule, parse_rule, rule_states
from lifelab.utils import check_allocation, check_int, format_table, get_device, model_threads, progress_bar, shorten

__all__ = ["COLLECTIONS", "Fit", "LoopReport", "LoopRun", "QueryCollection", "RandomCollection", "Round",
           "TableLoopReport", "learn_rule", "learn_table", "query_board", "run_round"]


# ---------------------------------------------------------------------------
# Query boards
# ---------------------------------------------------------------------------

def query_board(confidence, shape: tuple[int, int], seed: int = 0, threshold: float = LOOP.threshold, least: int = 16,
                ask=(), group: str = "p4m") -> np.ndarray:
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
        raise InputError(f"confidence must have one value per 3x3 pattern, shape ({N_PATTERNS},), "
                         f"got {confidence.shape}")
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
        board[y:y + 3, x:x + 3] = transform(shapes[asked[k % len(asked)]], elements[rng.integers(len(elements))])
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


class RandomCollection:
    """Collection strategy: the next trajectory is the next in line (a fresh random board, or the next supplied one).

    With an oracle, that is the trajectory held out this round, so a
    refuting held-out trajectory always becomes visible.
    """

    name = "random"

    def __init__(self, threshold: float = LOOP.threshold, seed: int = LOOP.seed):
        """Nothing to set up (the arguments are those every strategy takes)."""

    def next(self, agent: DataSupplyAgent, done: Round, holdout: int | None, seen: Evidence) -> tuple[Evidence, str]:
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

    def __init__(self, threshold: float = LOOP.threshold, seed: int = LOOP.seed):
        """Args:
            threshold: Confidence below which a pattern is asked about.
            seed: Seed of the choice of patterns and slots.
        """
        self.threshold, self.seed = threshold, seed
        self.rng = np.random.default_rng(seed)

    def next(self, agent: DataSupplyAgent, done: Round, holdout: int | None, seen: Evidence) -> tuple[Evidence, str]:
        """Build and collect the query board; returns the evidence with it and ``"query"``."""
        if min(agent.shape) < 4 or isinstance(seen, CountEvidence) or done.extraction.confidence.shape != (N_PATTERNS,):
            return RandomCollection().next(agent, done, holdout, seen)
        done.query = query_board(done.extraction.confidence, agent.shape, seed=self.seed * 1000 + done.round,
                                 threshold=self.threshold, ask=_to_ask(done.verdict, self.rng),
                                 group=done.verdict.family.symmetry)
        index = agent.collect(done.query, first=True)
        if done.refuted:  # the held-out trajectory the rule failed on joins the training data too
            agent.reveal(holdout + 1)  # the query board went in before it
        return seen + seen.like(agent.trajectory(index)), "query"


#: Collection strategies by mode name (:data:`lifelab.loop.settings.MODES`).
COLLECTIONS = dict(zip(MODES, (RandomCollection, QueryCollection)))


# ---------------------------------------------------------------------------
# Rounds and reports
# ---------------------------------------------------------------------------

@dataclass
class Round:
    """What one round of the loop did and found.

    Attributes:
        round: Round number, from 1.
        visible: Trajectories the learner was trained on.
        transitions: Transitions the learner was trained on.
        collected: How the newest visible trajectory was chosen (``"initial"``,
            ``"random"``, ``"query"`` or ``"supplied"``).
        epochs: Training epochs this round (0 for the table learner).
        train_board_acc: Fraction of visible transitions predicted exactly after training.
        rule: The rule read out of the learner (None when none could be read).
        min_confidence: Lowest confidence over the 512 patterns.
        low_confidence: Patterns below the confidence threshold.
        visible_match: Fraction of visible transitions the learner's rule reproduces.
        holdout_match: The same on the trajectory held out this round (None if there is none).
        stable: The learner's rule equals the previous round's.
        group: The symmetry group of the model this round.
        seconds: Wall time since the loop started, at the end of this round.
        verdict: What all the data seen so far determine (:class:`~lifelab.evidence.Verdict`).
        trajectories_seen: Trajectories whose evidence the verdict counts (visible and held out).
        extraction: The full :class:`~lifelab.learning.extract.ExtractionResult`.
        query: The board built for the next trajectory in query mode (None otherwise).
        noisy: The observations conflict, so the round trained and judged with noise.
        moved: Why the learner changed after this round (the data contradict what it can represent), or "".
    """

    round: int
    visible: int
    transitions: int
    collected: str
    epochs: int
    train_board_acc: float
    rule: Rule | None
    min_confidence: float
    low_confidence: int
    visible_match: float
    holdout_match: float | None
    stable: bool
    group: str
    seconds: float
    verdict: Verdict = field(repr=False)
    trajectories_seen: int
    extraction: ExtractionResult = field(repr=False)
    query: np.ndarray | None = field(default=None, repr=False)
    noisy: bool = False
    moved: str = ""

    @property
    def disagreements(self) -> int:
        """Patterns the data (and the assumption) decide on which the learner's rule says otherwise."""
        return self.verdict.disagreements(self.rule)

    @property
    def refuted(self) -> bool:
        """The held-out trajectory has a transition the learner's rule does not reproduce."""
        return self.holdout_match is not None and self.holdout_match < 1.0

    @property
    def done(self) -> bool:
        """The stop criterion: the data determine a rule and the learner's rule is that rule.

        A stochastic rule no learner here holds (they learn deterministic tables): the data alone decide it.
        """
        if self.verdict.rung == "stochastic":
            return True
        return self.verdict.determined and self.rule is not None and self.rule == self.verdict.rule


@dataclass(frozen=True)
class Fit:
    """A round's training and reading done outside the run (a sweep trains many runs' networks together).

    Attributes:
        epochs: Epochs trained.
        train_board_acc: Fraction of visible transitions the trained learner predicts exactly.
        extraction: What was read out of it.
    """

    epochs: int
    train_board_acc: float
    extraction: ExtractionResult


@dataclass
class LoopReport:
    """The outcome of :func:`learn_rule`.

    Attributes:
        rounds: One :class:`Round` per round, in order.
        verdict: What all the data seen determine, under the assumed family (the last round's verdict).
        truth: The oracle rule, when the data came from one.
        stop_reason: ``"determined"`` (the learner reproduces the rule the data
            determine), ``"max_rounds"``, ``"data exhausted"``,
            ``"inconsistent"`` (supplied data no rule explains) or
            ``"nothing left to observe"`` (an oracle whose boards can show no unseen pattern).
        model: Description of the learner.
        group: Symmetry group of the model at the end.
        mode: How trajectories were collected.
        seed: The loop's seed.
        threshold: The confidence threshold of "low confidence" patterns.
        trajectories_seen: ``(visible, T + 1, H, W)`` the visible trajectories of
            the last round, in the order they were revealed.
        trained: The trained model (None for the table learner).
        search: For supplied data, the neighbourhood the data chose
            (:class:`~lifelab.evidence.neighbourhood.NeighbourhoodSearch`); None when it was given.
        boundary: What was taken to lie beyond the frame: ``"torus"``, ``"dead"`` or ``"open"``.
        boundary_note: Why, when the data chose it; else "".
        reading: For a recording read from pictures, which state each colour was read as and why.
        swapped: For a recording of two colours read by choice, the verdict of the colour-swapped reading.
    """

    rounds: list[Round]
    verdict: Verdict
    truth: Rule | None
    stop_reason: str
    model: str
    group: str
    mode: str
    seed: int
    threshold: float
    trajectories_seen: np.ndarray = field(repr=False)
    trained: nn.Module | None = field(repr=False)
    search: NeighbourhoodSearch | None = field(default=None, repr=False)
    boundary: str = "torus"
    boundary_note: str = ""
    reading: Reading | None = None
    swapped: object = None

    @property
    def rule(self) -> Rule | None:
        """The rule the data determine (under the verdict's stated assumption); None when they determine none."""
        return self.verdict.rule

    @property
    def extracted(self) -> Rule | None:
        """The rule read out of the learner in the last round (a guess where the data leave classes open)."""
        return self.rounds[-1].rule

    @property
    def converged(self) -> bool:
        """The loop stopped on its criterion: the learner reproduces the rule the data determine."""
        return self.stop_reason == "determined"

    @property
    def trajectories(self) -> int:
        """Trajectories visible in the last round."""
        return self.rounds[-1].visible

    @property
    def used(self) -> int:
        """Trajectories whose evidence the verdict counts (visible ones and those held out)."""
        return self.rounds[-1].trajectories_seen

    @property
    def transitions(self) -> int:
        """Transitions seen in the last round."""
        return self.rounds[-1].transitions

    @property
    def seconds(self) -> float:
        """Wall time of the whole loop."""
        return self.rounds[-1].seconds

    @property
    def recovered(self) -> bool | None:
        """The loop converged on exactly the oracle's rule (None when there is no oracle)."""
        if self.truth is None:
            return None
        if self.verdict.rung == "stochastic":
            return self.converged and self.verdict.stochastic.holds(self.truth)
        return self.converged and self.rule == self.truth

    @property
    def wrong(self) -> bool | None:
        """The verdict determines a rule that is not the oracle's (None without an oracle).

        Never true for the assumption-free rung; within a family it means the
        oracle's rule is outside the assumed family and the data did not show it.
        """
        if self.truth is None:
            return None
        if self.verdict.rung == "stochastic":  # probabilities with intervals: wrong when one misses the truth
            return not self.verdict.stochastic.holds(self.truth)
        return self.verdict.determined and self.rule != self.truth

    @property
    def guessed_right(self) -> float | None:
        """Fraction of the never-observed patterns the learner's last rule gets right (needs an oracle)."""
        if self.truth is None or self.extracted is None:
            return None
        return self.verdict.guess_accuracy(self.truth)

    def verdict_line(self) -> str:
        """The verdict, its rule and the reading of the colours it rests on, in one line."""
        return self.verdict.label + (f": {self.rule}" if self.rule is not None else "") + \
            reading_clause(self.reading, self.swapped)

    def sentence(self) -> str:
        """The verdict as one paragraph to quote, with the reading of the colours it rests on."""
        return self.verdict.sentence() + reading_sentence(self.reading, self.swapped)

    def summary(self) -> str:
        """A few lines for a person: the verdict, the learner, the data, the time."""
        lines = [f"verdict      {self.verdict_line()}"]
        if self.truth is not None:
            lines.append(f"oracle       {self.truth}" + ("" if self.rule is None else
                                                         f" ({'equal' if self.rule == self.truth else 'DIFFERENT'})"))
        extracted = "(none read)" if self.extracted is None else str(self.extracted)
        agrees = "" if self.rule is None else (" = the determined rule" if self.extracted == self.rule else
                                               " (differs from the determined rule)")
        lines += [f"learner      {self.model}",
                  f"learned      {extracted}{agrees}",
                  f"loop         group {self.group}, {self.mode} collection, seed {self.seed}, "
                  f"stopped: {self.stop_reason}",
                  f"data         {self.trajectories} {'trajectory' if self.trajectories == 1 else 'trajectories'} "
                  f"trained on ({self.transitions} transitions), "
                  f"{self.used} seen in all; {self.verdict.raw.summary()}",
                  f"rounds       {len(self.rounds)} in {self.seconds:.1f} s"]
        if self.search is not None:
            lines.append(f"neighbourhood {self.search.sentence()}")
        if self.boundary != "torus" or self.boundary_note:
            lines.append(f"boundary     {self.boundary}" + (f": {self.boundary_note}" if self.boundary_note else ""))
        lines += [f"learner moved after round {r.round}: {r.moved}" for r in self.rounds if r.moved]
        lines.append(self.sentence())
        return "\n".join(lines)

    def rows(self) -> list[dict]:
        """The per-round table as dicts (for printing or a DataFrame)."""
        return [{"round": r.round, "visible": r.visible, "transitions": r.transitions, "collected": r.collected,
                 "epochs": r.epochs, "rule": str(r.rule) if r.rule is not None else "(none read)",
                 "min conf": round(r.min_confidence, 3), "low conf": r.low_confidence,
                 "visible match": round(r.visible_match, 4),
                 "holdout match": None if r.holdout_match is None else round(r.holdout_match, 4),
                 "unobserved": len(r.verdict.unobserved), "verdict": r.verdict.label, "group": r.group,
                 "seconds": round(r.seconds, 1)} for r in self.rounds]

    def table(self) -> str:
        """The per-round table as fixed-width text."""
        return format_table(self.rows())

    def plot(self, fig=None):
        """Round by round: data seen, evidence, confidence, and how well the rule regenerates the data.

        Args:
            fig: A matplotlib figure to draw on (new if None).

        Returns:
            The figure.
        """
        from lifelab.viz import plot_loop

        return plot_loop(self, fig=fig)


def _match(rule, trajectories, boundary: str) -> float:
    return generator_check(rule, trajectories, boundary).transition_match if rule is not None else 0.0


def run_round(learner, agent: DataSupplyAgent, seen: Evidence, number: int, *, assumed, noise=LOOP.noise,
              confidence: float = LOOP.confidence, seed: int = LOOP.seed, previous: Round | None = None,
              started: float | None = None, collected: str = "initial",
              fit: Fit | None = None) -> tuple[Round, Evidence, int | None]:
    """One round: fit, read, hold one trajectory out, weigh all the evidence.

    Args:
        learner: A :class:`NetworkLearner`, :class:`TableLearner` or anything
            with their ``prepare``/``fit``/``read`` methods and ``group``.
        agent: The data supply agent (its visible trajectories are the training data).
        seen: Evidence of every trajectory the agent holds (:func:`observe`).
        number: The round's number, from 1.
        assumed: The family the verdict may assume (a name, or ``"auto"``).
        noise: As in :func:`lifelab.evidence.decide`.
        confidence: As in :func:`lifelab.evidence.decide`.
        seed: The loop's seed.
        previous: The round before (for stability).
        started: ``time.perf_counter()`` at the start of the loop.
        collected: How the newest visible trajectory was chosen.
        fit: The round's training and reading, done elsewhere (None: the learner fits and reads now).

    Returns:
        ``(round, evidence, held-out index)``: the evidence includes the
        trajectory collected to be held out (with an oracle), whose index in
        the agent is returned (None when nothing was held out).
    """
    started = time.perf_counter() if started is None else started
    noisy = noise != 0 and (noise != "auto" or bool(seen.conflicting.any()))
    if fit is None:
        learner.prepare(agent, number)
        data = agent.dataset(one_hot=True, boundary=seen.boundary, margin=getattr(learner, "margin", 1))
        epochs, board_acc = learner.fit(data, noisy=noisy, seed=seed * 1000 + number)
        extraction = learner.read(seed * 1000 + number)
        transitions = len(data)
    else:
        epochs, board_acc, extraction = fit.epochs, fit.train_board_acc, fit.extraction
        shown = agent.visible_trajectories
        transitions = shown.shape[0] * (shown.shape[1] - 1)
    rule = extraction.rule
    holdout = None
    if agent.rule is not None:
        holdout = agent.collect()
        seen = seen + seen.like(agent.trajectory(holdout))
    elif agent.visible < agent.available:
        holdout = agent.visible
    verdict = weigh(seen, assumed, noise, confidence, guess=rule)
    done = Round(round=number, visible=agent.visible, transitions=transitions, collected=collected, epochs=epochs,
                 train_board_acc=board_acc, rule=rule, min_confidence=float(extraction.confidence.min()),
                 low_confidence=len(extraction.low_confidence),
                 visible_match=_match(rule, agent.visible_trajectories, seen.boundary),
                 holdout_match=None if holdout is None else _match(rule, agent.trajectory(holdout)[None],
                                                                   seen.boundary),
                 stable=previous is not None and rule is not None and rule == previous.rule, group=learner.group,
                 seconds=time.perf_counter() - started, verdict=verdict,
                 trajectories_seen=agent.available,
                 extraction=extraction, noisy=noisy)
    return done, seen, holdout


def _memory_needed(shape: tuple[int, int], steps: int, rounds: int) -> int:
    """Bytes a loop of this size needs at its largest round: bool history plus one-hot float training tensors."""
    cells = int(shape[0]) * int(shape[1])
    per_trajectory = (steps + 1) * cells + steps * cells * (2 * 4 + 8)
    activations = 8 * cells * 64 * 4 * 4  # a batch of 8 boards through a few 32-channel layers
    return (rounds + 1) * per_trajectory + activations


def _check_counting(counting: Neighbourhood, what: str, model, group, family, noise, shape) -> None:
    """Refuse, with the reason, what the loop cannot do when the evidence counts a neighbourhood beyond 3x3.

    Args:
        counting: The neighbourhood counted.
        what: What asks for it, for messages (the oracle rule, or "the data").
        model, group, family, noise, shape: As given to :func:`learn_rule`.
    """
    if family not in (None, "auto"):
        raise InputError(f"family={family!r} names a 3x3 family; a Larger than Life verdict on {what} assumes its "
                         f"own (counts on {counting.title}, born and surviving in intervals)")
    if noise not in ("auto", 0):
        raise InputError("noise rates are modelled for 3x3 windows only; use noise='auto' or 0 with a Larger than "
                         "Life neighbourhood")
    if group == "auto":
        raise InputError("group='auto' grows a network from the symmetry of 3x3 evidence; name the group of a "
                         "Larger than Life learner (its neighbourhoods are p4m-symmetric)")
    if model == "table":
        raise InputError(f"the table learner tabulates 3x3 patterns; {what} needs counts on {counting.title}: learn "
                         "it with a network ('tied', 'e2cnn', 'tiny' or 'small', built with kernels of 2r+1)")
    if isinstance(model, str) and not model_spec(model).kernel_sizes:
        raise InputError(f"the {model!r} network has fixed 3x3 kernels; {what} needs counts on {counting.title}: a "
                         "'tied', 'e2cnn', 'tiny' or 'small' network (built with kernels of 2r+1)")
    if group is not None:
        imposed = group
    else:
        imposed = model_spec(model).default_group if isinstance(model, str) else getattr(model, "symmetry", "trivial")
    if imposed in GROUPS and not set(GROUPS[imposed]) <= set(GROUPS[counting.symmetry]):
        raise InputError(f"{counting.title} is not {imposed}-symmetric (its largest symmetry is {counting.symmetry}), "
                         f"so a {imposed} network cannot count it: use " + (
                             "a plain 'small' or 'tiny' network" if counting.symmetry == "trivial" else
                             f"model='e2cnn' with group='{counting.symmetry}'"))
    if min(shape) < 2 * counting.range + 1:
        raise InputError(f"boards of {shape[0]}x{shape[1]} are smaller than {counting.title} "
                         f"({2 * counting.range + 1}x{2 * counting.range + 1})")


def learn_rule(source, model=DEFAULT_MODEL, group: str | None = LOOP.group, max_rounds: int = LOOP.max_rounds,
               seed: int = LOOP.seed, *, mode: str = LOOP.mode, shape: tuple[int, int] | None = LOOP.shape,
               steps: int = LOOP.steps, density: float = LOOP.density, epochs: int = LOOP.epochs,
               batch_size: int = LOOP.batch_size, threshold: float = LOOP.threshold,
               stop_probability: float = LOOP.stop_probability, family=LOOP.family, noise=LOOP.noise,
               confidence: float = LOOP.confidence, device=None, boundary: str | None = LOOP.boundary,
               neighbourhood=LOOP.neighbourhood, states: int | None = LOOP.states, follow: bool = LOOP.follow,
               progress: bool = True, on_round=None) -> LoopReport:
    """Learn a rule from trajectories, round by round, until the data determine it and the learner has it.

    Args:
        source: The oracle (a :class:`~lifelab.rules.lifelike.Rule`, rulestring or
            name), simulated on demand; or supplied ``(n, T + 1, H, W)`` 0/1
            trajectories with no known rule (revealed one per round, in order;
            the verdict weighs all of them from the start); or a recording
            (:func:`lifelab.io.read_recording`), whose reading of its colours
            the report states, with the verdict of the colour-swapped reading
            when two colours were read by choice.
        model: A model name (``"minimal"``, ``"tiny"``, ``"small"``,
            ``"multiscale"``, ``"tied"``, ``"e2cnn"``) built fresh from
            ``seed``, a model instance to continue training, or ``"table"``
            (the non-neural learner that tabulates observed patterns).
        group: Symmetry to impose: built into ``"tied"`` and ``"e2cnn"``
            (default ``"p4m"``); a consistency loss for the plain families
            (default ``"trivial"``, none).  ``"auto"`` (with ``"minimal"``,
            ``"tied"`` or ``"e2cnn"``): train a translation-only model in
            round 1, then grow it to the symmetry the visible data allow and
            go on from its weights: p4 or p4m for e2cnn, p4m only for the
            weight-tied route (see :data:`GROWS_TO`).
        max_rounds: Most rounds before giving up.
        seed: Seed of the model, the collected boards and the batch order.
        mode: ``"random"`` (a fresh random board per round) or ``"query"``
            (a board of the patterns not yet observed, then the least confident; needs an oracle).
        shape: Board size of collected trajectories (oracle only; default the rule's grid, else 32x32).
        steps: Steps per collected trajectory (oracle only).
        density: Initial density of random boards (oracle only).
        epochs: Most training epochs per round.
        batch_size: Boards per training minibatch.
        threshold: Confidence below which a pattern counts as low (and is queried).
        stop_probability: Training margin: each noise-free round trains until
            every visible cell gets at least this probability for its true
            next state (or ``epochs`` run out).
        family: The assumption the verdict may make (a name of
            :data:`lifelab.evidence.FAMILY_NAMES`, ``"auto"`` or ``"data"``, see
            :func:`lifelab.evidence.decide`).  Default: the
            family the model can represent (a tied 3x3 network:
            ``"edges-corners"``; e2cnn p4m: ``"isotropic"``; plain models and
            e2cnn on the trivial group: ``"table"``, no assumption); the table
            learner: ``"auto"``.
        noise: ``"auto"`` (judge with noise when observations conflict), ``0``
            (exact observations) or a known cell-flip rate.
        confidence: Joint confidence at which a noisy verdict decides every class.
        device: Where to train (default :func:`lifelab.get_device`).
        boundary: What lies beyond the frame (:mod:`lifelab.evidence.boundary`): ``"torus"``, ``"dead"``
            (a bounded plane), ``"open"`` (a window of a larger world: cells at the edge are not evidence
            and not trained on) or ``"auto"`` (what the data's edge cells show).  Default: the oracle's
            grid (a torus unless its rulestring says ``:Pw,h``); ``"auto"`` for supplied data.
        neighbourhood: Supplied data only: ``"auto"`` (the default: the smallest neighbourhood the next
            state is a function of, :func:`~lifelab.evidence.neighbourhood.search_neighbourhood`), ``"3x3"``,
            or a Larger than Life neighbourhood such as ``"R2,NM"`` to count on.
        states: Number of cell states (default: the rule's, or what the data show).
        follow: When the data contradict the family the learner can represent, move to a network that
            can (tied -> e2cnn p4m -> minimal) and say why in the round (:attr:`Round.moved`).
        progress: Show a progress bar over the rounds, naming the run (:func:`lifelab.utils.progress_bar`).
        on_round: Called with each :class:`Round` as it finishes.

    Returns:
        A :class:`LoopReport`.

    Raises:
        ValueError: For an unknown rule, model, group, family, mode or device,
            malformed trajectories, a run too large for this machine's memory,
            or query mode without an oracle.
    """
    settings = LoopSettings(group=group, max_rounds=max_rounds, seed=seed, mode=mode, shape=shape, steps=steps,
                            density=density, epochs=epochs, batch_size=batch_size, threshold=threshold,
                            stop_probability=stop_probability, family=family, noise=noise, confidence=confidence,
                            boundary=boundary, neighbourhood=neighbourhood, states=states, follow=follow)
    reading = None
    if isinstance(source, Recording):
        reading, source = source.reading, source.trajectories
    run = LoopRun.of(source, model, settings, device=device)
    learning = shorten(run.agent.rule) if run.agent.rule is not None else "supplied trajectories"
    label = f"learn {learning} with {model if isinstance(model, str) else type(model).__name__} ({settings.mode}, " \
            f"seed {settings.seed})"
    with model_threads(), progress_bar(run.max_rounds, label, enabled=progress, unit="round") as bar:
        while not run.finished:
            done = run.step()
            bar.update()
            bar.set_postfix(rule=str(done.rule), verdict=done.verdict.rung, visible=done.visible)
            if on_round is not None:
                on_round(done)
    report = run.report()
    if reading is not None:
        report.reading = reading
        if reading.swappable:
            counting = run.seen.neighbourhood if isinstance(run.seen, CountEvidence) else None
            report.swapped = swapped_verdict(source, run.assumed, report.boundary, counting, settings.noise,
                                             settings.confidence)
    return report


class LoopRun:
    """One run of the loop, advanced a round at a time.

    :func:`learn_rule` drives one; :mod:`lifelab.sweep.run` drives many in
    lockstep, training their networks together and handing each round its
    :class:`Fit`.  The stop rules live here, once.

    Attributes:
        agent: The data supply agent.
        learner: The learner (:class:`~lifelab.loop.learners.NetworkLearner` or :class:`~lifelab.loop.learners.TableLearner`).
        rounds: The rounds so far.
        stop_reason: Why the run stopped (None while it goes on); see :class:`LoopReport`.
    """

    def __init__(self, agent: DataSupplyAgent, learner, settings: LoopSettings = LOOP, *, boundary: str = "torus",
                 counting: Neighbourhood | None = None, search: NeighbourhoodSearch | None = None,
                 states_stated: bool = True):
        """Start a run: count the evidence of every trajectory the agent holds.

        Args:
            agent: The data supply agent.
            learner: The learner.
            settings: The run's settings (its mode, seed, rounds, verdict and follow settings are read here).
            boundary: What lies beyond the frame (``"auto"``: what the data show).
            counting: The neighbourhood whose live cells the evidence counts (None: 3x3 patterns).
            search: The neighbourhood search that chose ``counting``, to report.
            states_stated: The agent's number of states is the oracle rule's or the user's, not only what the
                supplied data show.
        """
        self.agent, self.learner, self.settings, self.search = agent, learner, settings, search
        self.mode, self.seed, self.max_rounds, self.family = settings.mode, settings.seed, settings.max_rounds, \
            settings.family
        self.noise, self.confidence, self.threshold = settings.noise, settings.confidence, settings.threshold
        self.follow = settings.follow
        self.collection = COLLECTIONS[self.mode](threshold=self.threshold, seed=self.seed)
        self.seen = observe(np.stack([agent.trajectory(i) for i in range(agent.available)]), counting,
                            agent.states, boundary, states_stated)
        self.rounds: list[Round] = []
        self.collected = "initial" if agent.rule is not None else "supplied"
        self.stop_reason: str | None = None
        self.started = time.perf_counter()

    @classmethod
    def of(cls, source, model=DEFAULT_MODEL, settings: LoopSettings = LOOP, *, device=None) -> LoopRun:
        """Check a source and a model against the settings and build the run's agent and learner.

        Args:
            source: As in :func:`learn_rule`.
            model: As in :func:`learn_rule`.
            settings: The run's :class:`~lifelab.loop.settings.LoopSettings`.
            device: Where to train (default :func:`lifelab.get_device`).
        """
        if not isinstance(settings, LoopSettings):
            raise InputTypeError(f"settings must be a LoopSettings, got {type(settings).__name__}")
        group, max_rounds, seed, mode = settings.group, settings.max_rounds, settings.seed, settings.mode
        shape, steps, density, family = settings.shape, settings.steps, settings.density, settings.family
        noise, boundary, neighbourhood, states = settings.noise, settings.boundary, settings.neighbourhood, \
            settings.states
        device = get_device(device)
        search = None
        if isinstance(source, (*RULE_TYPES, str)):
            source = parse_rule(source)
            default = (DEFAULT_SIZE, DEFAULT_SIZE)
            shape = (source.grid.shape if source.grid is not None else default) if shape is None else shape
            if neighbourhood not in (None, "auto"):
                raise InputError(f"an oracle rule names its own neighbourhood; neighbourhood={neighbourhood!r} is for "
                                 "supplied trajectories")
            if states is not None and states != rule_states(source):
                raise InputError(f"{source} has {rule_states(source)} states, not states={states}")
            if isinstance(source, TableRule):
                raise InputError(f"{source} is a rule table: learn it with learn_table (lifelab learn "
                                 f"{source.name} does)")
            if isinstance(source, HROTRule) and source.state_weights is not None:
                raise InputError(f"{source} weighs the states; lifelab learns counts of live cells")
            counting = Neighbourhood.of(source) if isinstance(source, (LtLRule, HROTRule)) else None
            if counting is not None:
                _check_counting(counting, str(source), model, group, family, noise, shape)
            boundary = check_boundary(boundary if boundary is not None else
                                      source.grid.boundary if source.grid is not None else "torus", allow_auto=False)
            random_boards(0, shape, density)  # validates the shape and density before they size anything
            check_allocation(_memory_needed(tuple(shape), steps, max_rounds),
                             f"{max_rounds} rounds of {shape[0]}x{shape[1]} boards with {steps} steps (use smaller "
                             "boards, fewer steps or fewer rounds)")
            agent = DataSupplyAgent(source, shape=shape, steps=steps, density=density, seed=seed)
        else:
            if mode == "query":
                raise InputError("query mode needs an oracle rule to simulate the boards it builds; "
                                 "supplied trajectories can only be revealed in order (mode='random')")
            data = validate_trajectories(source, name="supplied trajectories", states=None)
            n, length, height, width = data.shape
            check_allocation(_memory_needed((height, width), length - 1, n - 1),
                             f"learning from {n} trajector{'y' if n == 1 else 'ies'} of {height}x{width} cells and "
                             f"{length - 1} steps (crop the boards, or give fewer steps)")
            if states is not None and trajectory_states(data) > states:
                raise InputError(f"the supplied trajectories hold {trajectory_states(data)} cell states, more than "
                                 f"states={states}")
            boundary = check_boundary(boundary if boundary is not None else "auto")
            if neighbourhood in (None, "auto"):
                counting, search = neighbourhood_of(data, boundary, seed)
            else:
                counting = parse_neighbourhood(neighbourhood)
            if counting is not None:
                _check_counting(counting, "the data", model, group, family, noise, data.shape[2:])
            agent = DataSupplyAgent(data, seed=seed)
            if states is not None:
                agent.states = states
        network = {} if model == "table" else {"states": agent.states} if agent.states > 2 else {}
        if counting is not None and isinstance(model, str):
            network["kernel_size"] = 2 * counting.range + 1
        learner = make_learner(model, settings, device=device, **network)
        if counting is not None and counting.shape in NAMED_SHAPES and hasattr(learner, "counting"):
            learner.counting = counting  # the structure test finds Golly's named shapes only by being told
        return cls(agent, learner, settings, boundary=boundary, counting=counting, search=search,
                   states_stated=agent.rule is not None or states is not None)

    @property
    def finished(self) -> bool:
        """The run has stopped."""
        return self.stop_reason is not None

    @property
    def assumed(self):
        """The family the verdict may assume: the stated one, else the one the learner can represent."""
        return self.family if self.family is not None else getattr(self.learner, "family", "table")

    def step(self, fit: Fit | None = None) -> Round:
        """Play one round (:func:`run_round`) and decide whether to stop; otherwise collect the next trajectory.

        Args:
            fit: The round's training and reading when done elsewhere (a sweep trains its runs'
                networks together); None: the run's learner fits and reads.  A run given its fit
                keeps its learner (it does not follow the data to a wider one).

        Returns:
            The :class:`Round`.
        """
        if self.finished:
            raise InputError(f"the run has stopped ({self.stop_reason})")
        learner = self.learner
        number = len(self.rounds) + 1
        assumed = self.assumed
        done, self.seen, holdout = run_round(learner, self.agent, self.seen, number, assumed=assumed,
                                             noise=self.noise, confidence=self.confidence, seed=self.seed,
                                             previous=self.rounds[-1] if self.rounds else None,
                                             started=self.started, collected=self.collected, fit=fit)
        self.rounds.append(done)
        self.stop_reason = self._stop(done, number)
        if self.stop_reason is None:
            self.seen, self.collected = self.collection.next(self.agent, done, holdout, self.seen)
            self.agent.reveal()
            wider = wider_learner(self.learner, self.seen) if self.follow and fit is None else None
            if wider is not None:
                self.learner, done.moved = wider
        return done

    def _stop(self, done: Round, number: int) -> str | None:
        agent, verdict = self.agent, done.verdict
        if done.done:
            return "determined"
        if agent.rule is None and verdict.rung == "inconsistent":
            return "inconsistent"
        unseen = (~self.seen.observed & self.seen.showable).any()
        stochastic = getattr(verdict, "stochastic", None) is not None  # its probabilities want more, not new, data
        if agent.rule is not None and not verdict.determined and not unseen and not stochastic:
            return "nothing left to observe"
        if agent.rule is None and agent.visible == agent.available:
            return "data exhausted"
        if number == self.max_rounds:
            return "max_rounds"
        return None

    def report(self) -> LoopReport:
        """The :class:`LoopReport` of the rounds so far."""
        if not self.rounds:
            raise InputError("no round has been played")
        learner = self.learner
        verdict = self.rounds[-1].verdict
        if self.agent.rule is None and self.stop_reason == "inconsistent" and isinstance(self.seen, Evidence):
            every = [self.agent.trajectory(i) for i in range(self.agent.available)]
            verdict = every_k(np.stack(every), verdict, self.seen.boundary) or verdict
        return LoopReport(rounds=self.rounds, verdict=verdict, truth=self.agent.rule,
                          stop_reason=self.stop_reason or "max_rounds", model=learner.description,
                          group=learner.group, mode=self.mode, seed=self.seed, threshold=self.threshold,
                          trajectories_seen=self.agent.visible_trajectories, trained=learner.net,
                          search=self.search, boundary=self.seen.boundary, boundary_note=self.seen.boundary_note)


@dataclass
class TableLoopReport:
    """What :func:`learn_table` did, round by round, and the verdict it ended on.

    Attributes:
        truth: The oracle table.
        verdict: The last round's :class:`~lifelab.evidence.tables.TableVerdict`.
        observed: Classes of the verdict's symmetry observed after each round.
        trajectories: Trajectories simulated (one a round).
        stop_reason: ``"determined"`` or ``"max_rounds"``.
    """

    truth: TableRule
    verdict: TableVerdict
    observed: list[int]
    trajectories: int
    stop_reason: str

    @property
    def rule(self) -> TableRule | None:
        """The table the data determine, or None."""
        return self.verdict.rule

    @property
    def recovered(self) -> bool:
        """The data determine a table, and it is the oracle's."""
        return self.rule is not None and self.rule == self.truth


def learn_table(source, shape: tuple[int, int] | None = LOOP.shape, steps: int = LOOP.steps,
                density: float = LOOP.density, max_rounds: int = LOOP.max_rounds, seed: int = LOOP.seed,
                unlisted: str | None = None, symmetries: str = "auto", mode: str = "random") -> TableLoopReport:
    """The loop on a rule table oracle: one more trajectory a round until the observations determine the table.

    The first round draws a seeded random board whose cells are non-zero
    with probability ``density`` (each non-zero state alike) and runs the
    oracle on a torus; every round weighs all trajectories so far with
    :func:`~lifelab.evidence.tables.decide_table`.  Later rounds draw
    another random board (``mode="random"``) or ask (``mode="query"``): a
    board of 4x4 slots, each holding one configuration of the chosen
    neighbourhood the data have not shown (a class of the stated symmetry,
    else a single configuration: an assumed symmetry is never what picks the
    questions), stepped once.  A table of few configurations is identified
    once every class has been observed; random boards leave most of
    Langton's 8,352 classes unseen, queries reach them.

    Args:
        source: A :class:`~lifelab.rules.tables.TableRule` or what :func:`~lifelab.rules.families.parse_rule` reads as one.
        shape: Board size ``(height, width)`` (None: the rule's grid, else :data:`~lifelab.loop.settings.DEFAULT_SIZE`
            square).
        steps: Steps of a random trajectory (a query board is stepped once).
        density: Share of non-zero cells on a random board.
        max_rounds: Most rounds.
        seed: Seed of the boards and of the order of the questions.
        unlisted: As :func:`~lifelab.evidence.tables.decide_table`'s.
        symmetries: As :func:`~lifelab.evidence.tables.decide_table`'s.
        mode: ``"random"`` or ``"query"``.

    Raises:
        InputError: For a rule that is not a table, or bad settings.
    """
    rule = parse_rule(source)
    if not isinstance(rule, TableRule):
        raise InputError(f"learn_table learns rule tables; {rule} is not one (use learn_rule)")
    if mode not in MODES:
        raise InputError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "query" and rule.configurations > DENSE_LIMIT:
        raise InputError(f"{rule.name}: query boards list every unseen configuration, and {rule.configurations:,} "
                         f"are more than lifelab tabulates ({DENSE_LIMIT:,}); use mode='random'")
    max_rounds = check_int("max_rounds", max_rounds, 1)
    if shape is None:
        shape = rule.grid.shape if rule.grid is not None else (DEFAULT_SIZE, DEFAULT_SIZE)
    rng = np.random.default_rng(seed)
    pooled: dict[str, TableEvidence] = {}  # each round counts its own trajectory only
    observed = []
    verdict = None
    for number in range(1, max_rounds + 1):
        if verdict is None or mode == "random":
            alive = random_boards(1, shape, density=density, seed=rng)
            board = np.where(alive, rng.integers(1, rule.states, alive.shape), 0).astype(np.uint8)
            trajectory = simulate(rule, board, steps)
        else:
            trajectory = simulate(rule, _table_query(verdict, symmetries, shape, rng), 1)
        for hood in TABLE_NEIGHBOURHOODS:
            counted = TableEvidence.of(trajectory, hood, rule.states)
            pooled[hood] = pooled[hood] + counted if hood in pooled else counted
        verdict = decide_table(pooled, rule.states, symmetries=symmetries, unlisted=unlisted,
                               name=f"{rule.name}-learned")
        observed.append(verdict.observed_classes)
        if verdict.determined or verdict.family is None:
            return TableLoopReport(rule, verdict, observed, number, "determined" if verdict.determined else
                                   "inconsistent")
    return TableLoopReport(rule, verdict, observed, max_rounds, "max_rounds")


def _table_query(verdict: TableVerdict, symmetries: str, shape: tuple[int, int], rng: np.random.Generator):
    """A board of 4x4 slots, each centred on one configuration the data have not shown, the rest dead."""
    ev = verdict.evidence
    probe = TableRule("probe", ev.states, ev.neighbourhood)
    every = np.arange(probe.configurations)
    if symmetries == "auto":
        unseen = np.setdiff1d(every, ev.codes)
    else:  # one configuration of each class of the stated symmetry not observed yet
        classes = configuration_classes(every, ev.states, ev.neighbourhood, symmetries)
        seen = np.unique(configuration_classes(ev.codes, ev.states, ev.neighbourhood, symmetries))
        unseen = every[~np.isin(classes, seen) & (every == classes)]
    rows, cols = shape[0] // 4, shape[1] // 4
    asked = probe.windows(probe.decode(rng.permutation(unseen)[:rows * cols]))
    board = np.zeros((1, *shape), np.uint8)
    for slot, window in enumerate(asked):
        y, x = 4 * (slot // cols), 4 * (slot % cols)
        board[0, y:y + 3, x:x + 3] = window
    return board

