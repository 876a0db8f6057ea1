"""The active-learning loop: supply, train, extract, generate, verify.

One round of :func:`learn_rule`:

1. the data supply agent holds the visible trajectories (one at the start,
   newer ones weighing more);
2. the model trains on them, warm-started from the previous round, until
   every visible transition is predicted right with a margin;
3. the rule is read out of the network with a confidence per pattern;
4. the rule is simulated from the initial board of every visible
   trajectory and of a fresh one the model has not seen, and compared;
5. the loop stops when the extracted rule is the same as in the round
   before, reproduces every trajectory exactly and every one of the 512
   patterns is predicted with confidence; otherwise one more trajectory
   is revealed and the loop goes round again.

The next trajectory is either a fresh random board (``mode="random"``) or,
in ``mode="query"``, a board built from the 3x3 patterns the model is least
sure about (:func:`query_board`), so that the oracle labels exactly those.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from torch import nn
from tqdm.auto import tqdm

from lifelab.data import DataSupplyAgent, validate_trajectories
from lifelab.extract import ExtractionResult, extract_rule, generator_check, indicator_patterns
from lifelab.models import MODELS, LifeModel, build_model, grow_group
from lifelab.rules import Rule
from lifelab.symmetry import GROUPS, data_symmetry, group_elements, transform
from lifelab.train import growth_model, train
from lifelab.utils import format_table

__all__ = ["MODES", "LoopReport", "Round", "learn_rule", "query_board"]

#: How the next trajectory is chosen.
MODES = ("random", "query")

#: Families whose group is built into the architecture; the others get ``group`` as a consistency loss.
BUILT_IN_GROUP = ("tied", "TiedCNN", "e2cnn", "EquivariantCNN")

#: Families that ``group="auto"`` can start plain and grow, and the growth route they take.
AUTO_ROUTES = {"minimal": "tied", "MinimalCNN": "tied", "tied": "tied", "TiedCNN": "tied",
               "e2cnn": "e2cnn", "EquivariantCNN": "e2cnn"}

#: The data symmetries each route can grow to.  A tied 3x3 kernel invariant under p4 is
#: invariant under p4m too (both tie the centre, the edges and the corners), so a
#: TiedCNN cannot tell mirror images apart and the tied route waits for p4m; e2cnn's
#: regular fields carry orientation and can be p4 without being p4m.
GROWS_TO = {"tied": ("p4m",), "e2cnn": ("p4", "p4m")}

PATTERNS = indicator_patterns(3, 3)


@dataclass
class Round:
    """What one round of the loop did and found.

    Attributes:
        round: Round number, from 1.
        visible: Trajectories the model was trained on.
        transitions: Transitions the model was trained on.
        collected: How the newest visible trajectory was chosen (``"initial"``,
            ``"random"``, ``"query"`` or ``"supplied"``).
        epochs: Training epochs this round.
        train_board_acc: Fraction of visible transitions predicted exactly after training.
        rule: The extracted rule (None if the network is not local to 3x3).
        min_confidence: Lowest confidence over the 512 patterns.
        low_confidence: Patterns below the confidence threshold.
        visible_match: Fraction of visible transitions the extracted rule reproduces.
        holdout_match: The same on a trajectory the model has not seen (None if there is none).
        stable: The extracted rule equals the previous round's.
        group: The symmetry group of the model this round.
        seconds: Wall time since the loop started, at the end of this round.
        extraction: The full :class:`~lifelab.extract.ExtractionResult`.
        query: The board built for the next trajectory in query mode (None otherwise).
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
    extraction: ExtractionResult = field(repr=False)
    query: np.ndarray | None = field(default=None, repr=False)

    @property
    def verified(self) -> bool:
        """The round's stop criterion: stable, reproduces every trajectory, confident on all 512 patterns."""
        return (self.rule is not None and self.stable and self.low_confidence == 0 and self.visible_match == 1.0
                and self.holdout_match in (None, 1.0))


@dataclass
class LoopReport:
    """The outcome of :func:`learn_rule`.

    Attributes:
        rounds: One :class:`Round` per round, in order.
        rule: The rule extracted in the last round (None if the network was not local).
        truth: The oracle rule, when the data came from one.
        converged: The stop criterion was met.
        stop_reason: ``"verified"``, ``"max_rounds"`` or ``"data exhausted"``.
        model: Description of the model trained.
        group: Symmetry group imposed.
        mode: How trajectories were collected.
        seed: The loop's seed.
        threshold: The confidence every pattern had to reach.
        trajectories_seen: ``(visible, T + 1, H, W)`` the visible trajectories of
            the last round, in the order they were revealed.
        trained: The trained model.
    """

    rounds: list[Round]
    rule: Rule | None
    truth: Rule | None
    converged: bool
    stop_reason: str
    model: str
    group: str
    mode: str
    seed: int
    threshold: float
    trajectories_seen: np.ndarray = field(repr=False)
    trained: nn.Module = field(repr=False)

    @property
    def trajectories(self) -> int:
        """Trajectories visible in the last round."""
        return self.rounds[-1].visible

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
        """Converged to exactly the oracle's rule (None when there is no oracle)."""
        if self.truth is None:
            return None
        return self.converged and self.rule == self.truth

    @property
    def verdict(self) -> str:
        """One line: what was found and whether it is right."""
        n = len(self.rounds)
        if not self.converged:
            why = "the data ran out" if self.stop_reason == "data exhausted" else f"{n} rounds"
            last = f"; last extracted {self.rule}" if self.rule is not None else ""
            return f"not verified after {why}{last}"
        if self.truth is None:
            held = " and the next one" if self.rounds[-1].holdout_match is not None else ""
            return f"verified {self.rule}: stable, confident, reproduces the {self.trajectories} trajectories used{held}"
        if self.recovered:
            return f"recovered {self.truth} exactly"
        return f"verified {self.rule}, but the oracle's rule is {self.truth}"

    def summary(self) -> str:
        """A few lines for a person."""
        return "\n".join([
            f"verdict      {self.verdict}",
            f"model        {self.model}",
            f"loop         group {self.group}, {self.mode} collection, seed {self.seed}",
            f"rounds       {len(self.rounds)}",
            f"trajectories {self.trajectories} ({self.transitions} transitions)",
            f"time         {self.seconds:.1f} s",
        ])

    def rows(self) -> list[dict]:
        """The per-round table as dicts (for printing or a DataFrame)."""
        return [{"round": r.round, "visible": r.visible, "transitions": r.transitions, "collected": r.collected,
                 "epochs": r.epochs, "rule": str(r.rule) if r.rule is not None else "(not local)",
                 "min conf": round(r.min_confidence, 3), "low conf": r.low_confidence,
                 "visible match": round(r.visible_match, 4),
                 "holdout match": None if r.holdout_match is None else round(r.holdout_match, 4),
                 "stable": r.stable, "group": r.group,
                 "seconds": round(r.seconds, 1)} for r in self.rounds]

    def table(self) -> str:
        """The per-round table as fixed-width text."""
        return format_table(self.rows())

    def plot(self, fig=None):
        """Round by round: data seen, confidence, and how well the extracted rule regenerates the data.

        Args:
            fig: A matplotlib figure to draw on (new if None).

        Returns:
            The figure.
        """
        from lifelab.plots import plot_loop

        return plot_loop(self, fig=fig)


def _check_int(name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def query_board(confidence, shape: tuple[int, int], seed: int = 0, threshold: float = 0.9,
                least: int = 16) -> np.ndarray:
    """An initial board made of the 3x3 patterns a model is least sure about.

    Every 4x4 slot of the board gets one pattern in its top-left 3x3 and
    dead cells around it, so the slot's centre cell sees exactly that
    pattern and the oracle's first step labels it.  The patterns below
    ``threshold`` (at least the ``least`` lowest) fill the slots in turn,
    each turned by a random symmetry of the square, so that a model without
    built-in symmetry sees the whole orbit.

    Args:
        confidence: ``(512,)`` confidence per 3x3 pattern, MAP order (an
            :class:`~lifelab.extract.ExtractionResult`'s ``confidence``).
        shape: ``(H, W)`` of the board, both at least 4.
        seed: Seed of the slot order and the symmetries.
        threshold: Patterns below it are the ones asked about.
        least: Ask about at least this many patterns (the least confident).

    Returns:
        ``(H, W)`` bool board.

    Raises:
        ValueError: For a confidence array of the wrong shape or a board too small for one slot.
    """
    confidence = np.asarray(confidence, dtype=float)
    if confidence.shape != (512,):
        raise ValueError(f"confidence must have one value per 3x3 pattern, shape (512,), got {confidence.shape}")
    h, w = (int(s) for s in shape)
    if h < 4 or w < 4:
        raise ValueError(f"a query board needs at least 4x4 cells, got {h}x{w}")
    rng = np.random.default_rng(seed)
    order = np.argsort(confidence, kind="stable")
    asked = order[: max(int((confidence < threshold).sum()), min(least, 512))]
    slots = [(4 * i, 4 * j) for i in range(h // 4) for j in range(w // 4)]
    rng.shuffle(slots)
    elements = group_elements("p4m")
    board = np.zeros((h, w), dtype=bool)
    for k, (y, x) in enumerate(slots):
        pattern = PATTERNS[asked[k % len(asked)]]
        board[y:y + 3, x:x + 3] = transform(pattern, elements[rng.integers(len(elements))])
    return board


def _make_model(model, group: str | None, seed: int) -> tuple[nn.Module, str, float]:
    """The model to train, the group imposed and the consistency-loss weight."""
    if group is not None and group not in GROUPS:
        raise ValueError(f"unknown group {group!r}; expected one of {list(GROUPS)}")
    if isinstance(model, nn.Module):
        declared = getattr(model, "symmetry", "trivial")
        group = declared if group is None else group
        return model, group, 0.0 if group in ("trivial", declared) else 1.0
    if not isinstance(model, str):
        raise TypeError(f"model must be a family name {sorted(MODELS)} or a torch module, got {type(model).__name__}")
    from lifelab.utils import seed_everything

    seed_everything(seed)
    if model in BUILT_IN_GROUP:
        group = "p4m" if group is None else group
        if group == "trivial" and model in ("tied", "TiedCNN"):
            raise ValueError(f"{model!r} is built for a symmetry group; use group 'p4' or 'p4m', "
                             "or a plain family such as 'minimal' for translations only")
        return build_model(model, group=group), group, 0.0
    group = "trivial" if group is None else group
    return build_model(model), group, 0.0 if group == "trivial" else 1.0


def learn_rule(source, model="tied", group: str | None = None, max_rounds: int = 10, seed: int = 0, *,
               mode: str = "random", shape: tuple[int, int] = (32, 32), steps: int = 16, density: float = 0.5,
               epochs: int = 100, threshold: float = 0.9, stop_probability: float = 0.95, device=None,
               progress: bool = True, on_round=None) -> LoopReport:
    """Learn a rule from trajectories, round by round, until the extracted rule is verified.

    Args:
        source: The oracle (a :class:`~lifelab.rules.Rule`, rulestring or
            name), simulated on demand; or supplied ``(n, T + 1, H, W)`` 0/1
            trajectories with no known rule (revealed one per round, in order).
        model: A model family (``"minimal"``, ``"tiny"``, ``"small"``,
            ``"multiscale"``, ``"tied"``, ``"e2cnn"``) built fresh from
            ``seed``, or a model instance to continue training.
        group: Symmetry to impose: built into ``"tied"`` and ``"e2cnn"``
            (default ``"p4m"``); a consistency loss for the plain families
            (default ``"trivial"``, none).  ``"auto"`` (with ``"minimal"``,
            ``"tied"`` or ``"e2cnn"``): train a translation-only model in
            round 1 (a :class:`~lifelab.models.MinimalCNN`, or an
            :class:`~lifelab.models.EquivariantCNN` on the trivial group for
            ``"e2cnn"``), then grow it to the symmetry the visible data
            allow (:func:`lifelab.symmetry.data_symmetry`,
            :func:`lifelab.models.grow_group`) and go on from its weights:
            p4 or p4m for e2cnn, p4m only for the weight-tied route (see
            :data:`GROWS_TO`); otherwise it stays translation-only.
        max_rounds: Most rounds (trajectories revealed) before giving up.
        seed: Seed of the model, the collected boards and the batch order.
        mode: ``"random"`` (a fresh random board per round) or ``"query"``
            (a board of the least confident patterns; needs an oracle).
        shape: Board size of collected trajectories (oracle only).
        steps: Steps per collected trajectory (oracle only).
        density: Initial density of random boards (oracle only).
        epochs: Most training epochs per round.
        threshold: Confidence every one of the 512 patterns must reach.
        stop_probability: Training margin: each round trains until every visible
            cell gets at least this probability for its true next state (or ``epochs`` run out).
        device: Where to train (default :func:`lifelab.get_device`).
        progress: Show progress bars (rounds, and epochs within a round).
        on_round: Called with each :class:`Round` as it finishes.

    Returns:
        A :class:`LoopReport`.

    Raises:
        ValueError: For an unknown rule, model, group or mode, malformed
            trajectories, or query mode without an oracle.
    """
    max_rounds = _check_int("max_rounds", max_rounds, 1)
    seed = _check_int("seed", seed, 0)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if isinstance(source, (Rule, str)):
        agent = DataSupplyAgent(source, shape=shape, steps=steps, density=density, seed=seed)
    else:
        if mode == "query":
            raise ValueError("query mode needs an oracle rule to simulate the boards it builds; "
                             "supplied trajectories can only be revealed in order (mode='random')")
        agent = DataSupplyAgent(validate_trajectories(source, name="supplied trajectories"), seed=seed)
    auto = group == "auto"
    if auto:
        if not isinstance(model, str) or model not in AUTO_ROUTES:
            raise ValueError(f"group='auto' starts a growable family plain and grows it: model must be one of "
                             f"{sorted(AUTO_ROUTES)}, got {model!r}")
        net, group, consistency = growth_model(AUTO_ROUTES[model], "trivial", seed), "trivial", 0.0
    else:
        net, group, consistency = _make_model(model, group, seed)
    started = time.perf_counter()
    rounds: list[Round] = []
    collected = "initial" if agent.rule is not None else "supplied"
    stop_reason = "max_rounds"
    bar = tqdm(range(1, max_rounds + 1), desc="rounds", disable=not progress)
    for r in bar:
        if auto and r > 1 and group == "trivial":
            found = data_symmetry(agent.visible_trajectories).group
            if found in GROWS_TO[AUTO_ROUTES[model]]:
                net, group = grow_group(net, found), found
        data = agent.dataset(one_hot=True)
        history = train(net, data, epochs=epochs, seed=seed * 1000 + r, device=device, consistency=consistency,
                        group=group if consistency else "p4m", stop_probability=stop_probability,
                        progress=progress)
        extraction = extract_rule(net, threshold=threshold, seed=seed * 1000 + r)
        rule = extraction.rule
        visible = agent.visible_trajectories
        if agent.rule is not None:
            holdout = agent.trajectory(agent.collect())
        elif agent.visible < agent.available:
            holdout = agent.trajectory(agent.visible)
        else:
            holdout = None
        visible_match = generator_check(rule, visible).transition_match if rule is not None else 0.0
        holdout_match = None
        if holdout is not None:
            holdout_match = generator_check(rule, holdout[None]).transition_match if rule is not None else 0.0
        query = None
        if mode == "query" and r < max_rounds and extraction.confidence.shape == (512,):
            query = query_board(extraction.confidence, agent.shape, seed=seed * 1000 + r, threshold=threshold)
        done = Round(round=r, visible=agent.visible, transitions=len(data), collected=collected,
                     epochs=history.epochs, train_board_acc=history.train_board_acc[-1], rule=rule,
                     min_confidence=float(extraction.confidence.min()),
                     low_confidence=len(extraction.low_confidence), visible_match=visible_match,
                     holdout_match=holdout_match, stable=bool(rounds) and rule is not None and rule == rounds[-1].rule,
                     group=group, seconds=time.perf_counter() - started, extraction=extraction, query=query)
        rounds.append(done)
        bar.set_postfix(rule=str(rule), conf=f"{done.min_confidence:.2f}", visible=done.visible)
        if on_round is not None:
            on_round(done)
        if done.verified:
            stop_reason = "verified"
            break
        if r == max_rounds:
            break
        if agent.rule is None and agent.visible == agent.available:
            stop_reason = "data exhausted"
            break
        if query is not None:
            agent.collect(query, first=True)
            collected = "query"
        else:
            collected = "random" if agent.rule is not None else "supplied"
        agent.reveal()
    bar.close()
    description = net.describe() if isinstance(net, LifeModel) else type(net).__name__
    return LoopReport(rounds=rounds, rule=rounds[-1].rule, truth=agent.rule, converged=stop_reason == "verified",
                      stop_reason=stop_reason, model=description.splitlines()[0], group=group, mode=mode, seed=seed,
                      threshold=threshold, trajectories_seen=agent.visible_trajectories, trained=net)
