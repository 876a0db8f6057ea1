"""A run of the loop, advanced a round at a time (:class:`LoopRun`), and :func:`learn_rule`, which drives one.

One round (:func:`~lifelab.loop.rounds.run_round`):

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
that rule.  Otherwise the next trajectory becomes visible
(:mod:`~lifelab.loop.collect`): a fresh random board (``mode="random"``), or a
board built from the patterns the data have not shown yet and then those the
learner is least sure about (``mode="query"``); a held-out trajectory the rule
failed on becomes visible too.  With supplied data the loop reveals what there
is and ends with the honest rung.  Every setting travels whole, as one
:class:`~lifelab.loop.LoopSettings`.
"""

from __future__ import annotations

import time

import numpy as np

from lifelab.engines import random_boards
from lifelab.errors import InputError, InputTypeError
from lifelab.evidence import (
    CountEvidence,
    choose_neighbourhood,
    observe,
    swapped_verdict,
    with_steps,
)
from lifelab.evidence.boundary import check_boundary
from lifelab.evidence.neighbourhood import NeighbourhoodSearch
from lifelab.geometry import GROUPS, NAMED_SHAPES, Neighbourhood
from lifelab.io import Recording
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.learning import DEFAULT_MODEL, DataSupplyAgent, model_spec
from lifelab.loop.collect import COLLECTIONS
from lifelab.loop.learners import Learner, make_learner, wider_learner
from lifelab.loop.report import LoopReport
from lifelab.loop.rounds import Fit, Round, run_round
from lifelab.loop.settings import DEFAULT_SIZE, LOOP, LoopSettings
from lifelab.rules import RULE_TYPES, HROTRule, LtLRule, TableRule, parse_rule, rule_states
from lifelab.utils import check_allocation, get_device, model_threads, progress_bar, shorten

__all__ = ["LoopRun", "learn_rule"]


def _memory_needed(shape: tuple[int, int], steps: int, rounds: int) -> int:
    """Bytes a loop of this size needs at its largest round: bool history plus one-hot float training tensors."""
    cells = int(shape[0]) * int(shape[1])
    per_trajectory = (steps + 1) * cells + steps * cells * (2 * 4 + 8)
    activations = 8 * cells * 64 * 4 * 4  # a batch of 8 boards through a few 32-channel layers
    return (rounds + 1) * per_trajectory + activations


def _check_counting(counting: Neighbourhood, what: str, model, settings: LoopSettings, shape) -> None:
    """Refuse, with the reason, what the loop cannot do when the evidence counts a neighbourhood beyond 3x3.

    Args:
        counting: The neighbourhood counted.
        what: What asks for it, for messages (the oracle rule, or "the data").
        model: As given to :func:`learn_rule`.
        settings: The run's settings.
        shape: The boards' ``(height, width)``.
    """
    group, family, noise = settings.group, settings.family, settings.noise
    if family not in (None, "auto"):
        raise InputError(
            f"family={family!r} names a 3x3 family; a Larger than Life verdict on {what} assumes its "
            f"own (counts on {counting.title}, born and surviving in intervals)"
        )
    if noise not in ("auto", 0):
        raise InputError(
            "noise rates are modelled for 3x3 windows only; use noise='auto' or 0 with a Larger than Life neighbourhood"
        )
    if group == "auto":
        raise InputError(
            "group='auto' grows a network from the symmetry of 3x3 evidence; name the group of a "
            "Larger than Life learner (its neighbourhoods are p4m-symmetric)"
        )
    if model == "table":
        raise InputError(
            f"the table learner tabulates 3x3 patterns; {what} needs counts on {counting.title}: learn "
            "it with a network ('tied', 'e2cnn', 'tiny' or 'small', built with kernels of 2r+1)"
        )
    if isinstance(model, str) and not model_spec(model).kernel_sizes:
        raise InputError(
            f"the {model!r} network has fixed 3x3 kernels; {what} needs counts on {counting.title}: a "
            "'tied', 'e2cnn', 'tiny' or 'small' network (built with kernels of 2r+1)"
        )
    if group is not None:
        imposed = group
    else:
        imposed = model_spec(model).default_group if isinstance(model, str) else getattr(model, "symmetry", "trivial")
    if imposed in GROUPS and not set(GROUPS[imposed]) <= set(GROUPS[counting.symmetry]):
        raise InputError(
            f"{counting.title} is not {imposed}-symmetric (its largest symmetry is {counting.symmetry}), "
            f"so a {imposed} network cannot count it: use "
            + (
                "a plain 'small' or 'tiny' network"
                if counting.symmetry == "trivial"
                else f"model='e2cnn' with group='{counting.symmetry}'"
            )
        )
    if min(shape) < 2 * counting.range + 1:
        raise InputError(
            f"boards of {shape[0]}x{shape[1]} are smaller than {counting.title} "
            f"({2 * counting.range + 1}x{2 * counting.range + 1})"
        )


def learn_rule(
    source,
    model=DEFAULT_MODEL,
    settings: LoopSettings | None = None,
    *,
    device=None,
    progress: bool = True,
    on_round=None,
    **changes,
) -> LoopReport:
    """Learn a rule from trajectories, round by round, until the data determine it and the learner has it.

    Args:
        source: The oracle (a :class:`~lifelab.rules.Rule`, rulestring or
            name), simulated on demand; or supplied ``(n, T + 1, H, W)`` 0/1
            trajectories with no known rule (revealed one per round, in order;
            the verdict weighs all of them from the start); or a recording
            (:func:`lifelab.io.read_recording`), whose reading of its colours
            the report states, with the verdict of the colour-swapped reading
            when two colours were read by choice.
        model: A learner's name in :data:`lifelab.learning.REGISTRY` (``"minimal"``, ``"tiny"``, ``"small"``,
            ``"multiscale"``, ``"tied"``, ``"e2cnn"``, built fresh from the seed, or ``"table"``, the non-neural
            learner that tabulates observed patterns), or a model instance to continue training.
        settings: The run's :class:`~lifelab.loop.LoopSettings` (default :data:`~lifelab.loop.LOOP`); each
            setting is described there.
        device: Where to train (default :func:`lifelab.get_device`).
        progress: Show a progress bar over the rounds, naming the run (:func:`lifelab.utils.progress_bar`).
        on_round: Called with each :class:`~lifelab.loop.Round` as it finishes.
        **changes: Settings to change, by name (``max_rounds=3``, ``family="moore"``): ``settings.but(**changes)``.

    Returns:
        A :class:`~lifelab.loop.LoopReport`.

    Raises:
        InputError: For an unknown setting, rule, model, group, family, mode or device,
            malformed trajectories, a run too large for this machine's memory,
            or query mode without an oracle.

    Examples:
        >>> from lifelab.loop import learn_rule
        >>> report = learn_rule("B3/S23", model="table", max_rounds=4, progress=False)
        >>> report.verdict.label, str(report.rule)
        ('identified', 'B3/S23')
    """
    settings = (LOOP if settings is None else settings).but(**changes)
    reading = None
    if isinstance(source, Recording):
        reading, source = source.reading, source.trajectories
    run = LoopRun.of(source, model, settings, device=device)
    learning = shorten(run.agent.rule) if run.agent.rule is not None else "supplied trajectories"
    label = (
        f"learn {learning} with {model if isinstance(model, str) else type(model).__name__} ({settings.mode}, "
        f"seed {settings.seed})"
    )
    with model_threads(), progress_bar(settings.max_rounds, label, enabled=progress, unit="round") as bar:
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
            report.swapped = swapped_verdict(
                source, run.assumed, report.boundary, counting, settings.noise, settings.confidence
            )
    return report


class LoopRun:
    """One run of the loop, advanced a round at a time.

    :func:`learn_rule` drives one; :mod:`lifelab.sweep.run` drives many in
    lockstep, training their networks together and handing each round its
    :class:`Fit`.  The stop rules live here, once.

    Attributes:
        agent: The data supply agent.
        learner: The learner (a :class:`~lifelab.loop.learners.Learner`).
        settings: The run's :class:`~lifelab.loop.LoopSettings`.
        rounds: The rounds so far.
        stop_reason: Why the run stopped (None while it goes on); see :class:`LoopReport`.
    """

    def __init__(
        self,
        agent: DataSupplyAgent,
        learner: Learner,
        settings: LoopSettings = LOOP,
        *,
        boundary: str = "torus",
        counting: Neighbourhood | None = None,
        search: NeighbourhoodSearch | None = None,
        states_stated: bool = True,
    ):
        """Start a run: count the evidence of every trajectory the agent holds.

        Args:
            agent: The data supply agent.
            learner: The learner.
            settings: The run's settings.
            boundary: What lies beyond the frame (``"auto"``: what the data show).
            counting: The neighbourhood whose live cells the evidence counts (None: 3x3 patterns).
            search: The neighbourhood search that chose ``counting``, to report.
            states_stated: The agent's number of states is the oracle rule's or the user's, not only what the
                supplied data show.
        """
        self.agent, self.learner, self.settings, self.search = agent, learner, settings, search
        self.collection = COLLECTIONS[settings.mode](settings)
        self.seen = observe(
            np.stack([agent.trajectory(i) for i in range(agent.available)]),
            counting,
            agent.states,
            boundary,
            states_stated,
        )
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
        device = get_device(device)
        search = None
        if isinstance(source, (*RULE_TYPES, str)):
            source = parse_rule(source)
            shape = settings.shape or (source.grid.shape if source.grid is not None else (DEFAULT_SIZE, DEFAULT_SIZE))
            if settings.neighbourhood not in (None, "auto"):
                raise InputError(
                    "an oracle rule names its own neighbourhood; "
                    f"neighbourhood={settings.neighbourhood!r} is for supplied trajectories"
                )
            if settings.states is not None and settings.states != rule_states(source):
                raise InputError(f"{source} has {rule_states(source)} states, not states={settings.states}")
            if isinstance(source, TableRule):
                raise InputError(
                    f"{source} is a rule table: learn it with learn_table (lifelab learn {source.name} does)"
                )
            if isinstance(source, HROTRule) and source.state_weights is not None:
                raise InputError(f"{source} weighs the states; lifelab learns counts of live cells")
            counting = Neighbourhood.of(source) if isinstance(source, (LtLRule, HROTRule)) else None
            if counting is not None:
                _check_counting(counting, str(source), model, settings, shape)
            boundary = check_boundary(
                settings.boundary or (source.grid.boundary if source.grid is not None else "torus"), allow_auto=False
            )
            random_boards(0, shape, settings.density)  # validates the shape before it sizes anything
            check_allocation(
                _memory_needed(shape, settings.steps, settings.max_rounds),
                f"{settings.max_rounds} rounds of {shape[0]}x{shape[1]} boards with {settings.steps} "
                "steps (use smaller boards, fewer steps or fewer rounds)",
            )
            agent = DataSupplyAgent(
                source, shape=shape, steps=settings.steps, density=settings.density, seed=settings.seed
            )
        else:
            if settings.mode == "query":
                raise InputError(
                    "query mode needs an oracle rule to simulate the boards it builds; "
                    "supplied trajectories can only be revealed in order (mode='random')"
                )
            data = validate_trajectories(source, name="supplied trajectories", states=None)
            n, length, height, width = data.shape
            check_allocation(
                _memory_needed((height, width), length - 1, n - 1),
                f"learning from {n} trajector{'y' if n == 1 else 'ies'} of {height}x{width} cells and "
                f"{length - 1} steps (crop the boards, or give fewer steps)",
            )
            if settings.states is not None and trajectory_states(data) > settings.states:
                raise InputError(
                    f"the supplied trajectories hold {trajectory_states(data)} cell states, more than "
                    f"states={settings.states}"
                )
            boundary = settings.boundary or "auto"
            counting, search = choose_neighbourhood(data, settings.neighbourhood, boundary, settings.seed)
            if counting is not None:
                _check_counting(counting, "the data", model, settings, data.shape[2:])
            agent = DataSupplyAgent(data, seed=settings.seed)
            if settings.states is not None:
                agent.states = settings.states
        network = {} if model == "table" else {"states": agent.states} if agent.states > 2 else {}
        if counting is not None and isinstance(model, str):
            network["kernel_size"] = 2 * counting.range + 1
        learner = make_learner(model, settings, device=device, **network)
        if counting is not None and counting.shape in NAMED_SHAPES and hasattr(learner, "counting"):
            learner.counting = counting  # the structure test finds Golly's named shapes only by being told
        return cls(
            agent,
            learner,
            settings,
            boundary=boundary,
            counting=counting,
            search=search,
            states_stated=agent.rule is not None or settings.states is not None,
        )

    @property
    def finished(self) -> bool:
        """The run has stopped."""
        return self.stop_reason is not None

    @property
    def assumed(self):
        """The family the verdict may assume: the stated one, else the one the learner can represent."""
        stated = self.settings.family
        return stated if stated is not None else getattr(self.learner, "family", "table")

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
        done, self.seen, holdout = run_round(
            learner,
            self.agent,
            self.seen,
            number,
            self.settings,
            assumed=assumed,
            previous=self.rounds[-1] if self.rounds else None,
            started=self.started,
            collected=self.collected,
            fit=fit,
        )
        self.rounds.append(done)
        self.stop_reason = self._stop(done, number)
        if self.stop_reason is None:
            self.seen, self.collected = self.collection.next(self.agent, done, holdout, self.seen)
            self.agent.reveal()
            wider = wider_learner(self.learner, self.seen) if self.settings.follow and fit is None else None
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
        if number == self.settings.max_rounds:
            return "max_rounds"
        return None

    def report(self) -> LoopReport:
        """The :class:`LoopReport` of the rounds so far."""
        if not self.rounds:
            raise InputError("no round has been played")
        learner = self.learner
        verdict = self.rounds[-1].verdict
        if self.agent.rule is None and self.stop_reason == "inconsistent":
            every = np.stack([self.agent.trajectory(i) for i in range(self.agent.available)])
            verdict = with_steps(every, verdict, self.seen)
        return LoopReport(
            rounds=self.rounds,
            verdict=verdict,
            truth=self.agent.rule,
            stop_reason=self.stop_reason or "max_rounds",
            model=learner.description,
            group=learner.group,
            mode=self.settings.mode,
            seed=self.settings.seed,
            threshold=self.settings.threshold,
            trajectories_seen=self.agent.visible_trajectories,
            trained=learner.net,
            search=self.search,
            boundary=self.seen.boundary,
            boundary_note=self.seen.boundary_note,
        )
