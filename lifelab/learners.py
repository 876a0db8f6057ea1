"""Learners: what the active-learning loop fits to the visible data and reads a rule out of.

A learner meets :class:`Learner`: ``prepare(agent, round)`` (a model
policy may change the model between rounds), ``fit(dataset, noisy=, seed=)``
and ``read(seed)`` (an :class:`~lifelab.extract.ExtractionResult`), plus
``group``, ``family`` (the family of rules it can represent, which is what
its verdicts may assume), ``description`` and ``margin``.  Two kinds, both
built from the loop's :class:`~lifelab.settings.LoopSettings` by :func:`make_learner`:

- :class:`NetworkLearner`: a network of the zoo (:data:`lifelab.models.REGISTRY`),
  trained round by round and read with :func:`lifelab.extract.extract_rule`,
  under a model policy: :class:`FixedModel`, or :class:`AutoGrow`
  (``group="auto"``: start translation-only, grow to what the data allow);
- :class:`TableLearner` (``model="table"``): no network at all, the
  observed patterns tabulated; the honest baseline.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from torch import nn

from lifelab.data import DataSupplyAgent, TrajectoryDataset
from lifelab.errors import InputError, InputTypeError
from lifelab.evidence import Evidence, Verdict, data_symmetry, decide, family
from lifelab.evidence.boundary import keyed
from lifelab.extract import ExtractionResult, extract_rule
from lifelab.families import GenerationsRule
from lifelab.models import REGISTRY, ROUTES, LifeModel, build_model, grow_group, model_spec, receptive_radius, register
from lifelab.patterns import WINDOW, pattern_index
from lifelab.rules import Rule
from lifelab.settings import LOOP, LoopSettings
from lifelab.symmetry import GROUPS
from lifelab.train import train
from lifelab.utils import seeded

__all__ = ["NOISY_EPOCHS", "STABLE_EPOCHS", "WIDER", "AutoGrow", "FixedModel", "Learner", "NetworkLearner",
           "TableLearner", "learner_names", "make_learner", "wider_learner"]

#: Epochs of one round of training on noisy data, and how long the table must stay put to stop earlier.
NOISY_EPOCHS, STABLE_EPOCHS = 30, 3


@runtime_checkable
class Learner(Protocol):
    """What the loop fits and reads each round (:func:`lifelab.loop.run_round`); met by :class:`NetworkLearner`
    and :class:`TableLearner`, and checked for every registered learner by ``tests/test_contracts.py``.

    Attributes:
        net: The torch model being trained, or None (the table learner).
        group: The symmetry group it imposes.
        family: The family of rules it can represent: what its verdicts may assume.
        description: One line naming it.
        margin: How far it sees: the cells at a frame's edge an open or dead boundary leaves out.
    """

    net: object
    group: str
    family: str
    description: str
    margin: int

    def prepare(self, agent: DataSupplyAgent, round_: int) -> None:
        """Change the model (a model policy) before the round trains."""

    def fit(self, data: TrajectoryDataset, *, noisy: bool, seed: int) -> tuple[int, float]:
        """Fit the visible transitions: ``(epochs, fraction of boards reproduced exactly)``."""

    def read(self, seed: int) -> ExtractionResult:
        """The rule it computes."""


class FixedModel:
    """Model policy: the same network every round."""

    def update(self, net: nn.Module, group: str, agent: DataSupplyAgent, round_: int) -> tuple[nn.Module, str]:
        """Returns ``(net, group)`` unchanged."""
        return net, group


class AutoGrow:
    """Model policy of ``group="auto"``: translation-only in round 1, then grown to what the visible data allow.

    From round 2, :func:`lifelab.evidence.data_symmetry` says which symmetry
    the visible transitions allow; if the route can grow to it
    (:attr:`lifelab.models.GrowthRoute.grows_to`), the network is grown
    (:func:`lifelab.models.grow_group`) and training goes on from its weights.
    """

    def __init__(self, route: str):
        """Args:
            route: A key of :data:`lifelab.models.ROUTES`.
        """
        self.route = ROUTES[route]

    def update(self, net: nn.Module, group: str, agent: DataSupplyAgent, round_: int) -> tuple[nn.Module, str]:
        """The network to train this round and its group."""
        if round_ > 1 and group == "trivial":
            found = data_symmetry(agent.visible_trajectories).group
            if found in self.route.grows_to:
                return grow_group(net, found), found
        return net, group


def _network(model, group: str | None, seed: int, states: int = 2,
             kernel_size: int | None = None) -> tuple[nn.Module, str, float]:
    """The network to train, the group imposed and the consistency-loss weight."""
    if group is not None and group not in GROUPS:
        raise InputError(f"unknown group {group!r}; expected one of {list(GROUPS)}")
    if isinstance(model, nn.Module):
        declared = getattr(model, "symmetry", "trivial")
        group = declared if group is None else group
        return model, group, 0.0 if group in ("trivial", declared) else 1.0
    spec = model_spec(model)
    more = ({} if states == 2 else {"states": states}) | ({} if kernel_size is None else {"kernel_size": kernel_size})
    if spec.group_argument:
        group = spec.default_group if group is None else group
        if group not in spec.groups:
            raise InputError(f"{model!r} is built for the groups {list(spec.groups)}, not {group!r}; use a plain "
                             "family such as 'minimal' for translations only")
        with seeded(seed):
            return build_model(spec.name, group=group, **more), group, 0.0
    group = "trivial" if group is None else group
    with seeded(seed):
        return build_model(spec.name, **more), group, 0.0 if group == "trivial" else 1.0


class NetworkLearner:
    """A network of the zoo, trained round by round and read with :func:`lifelab.extract.extract_rule`.

    Attributes:
        net: The model being trained.
        group: The symmetry group imposed (built in, or by a consistency loss).
        consistency: Weight of the consistency loss (0 when the group is built in).
        policy: :class:`FixedModel` or :class:`AutoGrow`.
    """

    def __init__(self, model, settings: LoopSettings = LOOP, *, states: int = 2, kernel_size: int | None = None,
                 device=None, progress: bool = False):
        """Build (or adopt) the model.

        Args:
            model: A network's name in :data:`lifelab.models.REGISTRY` or a model instance.
            settings: The loop's settings; the learner reads ``group`` (a group of
                :data:`lifelab.symmetry.GROUPS`, or ``"auto"``, see :class:`AutoGrow`), ``seed`` (of the
                initial weights, batch orders and probes), ``epochs``, ``batch_size``,
                ``stop_probability`` and ``threshold``.
            states: Cell states of the data (more than 2 for a Generations rule).
            kernel_size: Spatial kernel of a network built by name (default: the family's own;
                ``2r + 1`` for a range-``r`` Larger than Life rule).
            device: Where to train.
            progress: Show epoch bars.
        """
        group, seed = settings.group, settings.seed
        if group == "auto":
            route = model_spec(model).growth if isinstance(model, str) else None
            if route is None:
                growable = sorted(s.name for s in REGISTRY.values() if s.growth)
                raise InputError(f"group='auto' starts a growable family plain and grows it: model must be one of "
                                 f"{growable}, got {model!r}")
            self.policy = AutoGrow(route)
            self.net, self.group, self.consistency = self.policy.route.model("trivial", seed, states), "trivial", 0.0
        else:
            self.policy = FixedModel()
            self.net, self.group, self.consistency = _network(model, group, seed, states, kernel_size)
        self.settings, self.seed, self.epochs, self.stop_probability = settings, seed, settings.epochs, \
            settings.stop_probability
        self.threshold, self.device, self.progress = settings.threshold, device, progress

    @property
    def family(self) -> str:
        """The rule family the network can represent (its default assumption)."""
        return self.net.rule_family if isinstance(self.net, LifeModel) else "table"

    @property
    def margin(self) -> int:
        """How far the network sees: the cells at a frame's edge that an open or dead boundary leaves out."""
        return max(receptive_radius(self.net), 1)

    @property
    def description(self) -> str:
        """One line naming the model."""
        text = self.net.describe() if isinstance(self.net, LifeModel) else type(self.net).__name__
        return text.splitlines()[0]

    def prepare(self, agent: DataSupplyAgent, round_: int) -> None:
        """Let the model policy change the network before the round trains."""
        self.net, self.group = self.policy.update(self.net, self.group, agent, round_)

    def fit(self, data: TrajectoryDataset, *, noisy: bool, seed: int) -> tuple[int, float]:
        """Train on the visible transitions; returns ``(epochs, fraction of boards exact)``."""
        common = dict(seed=seed, device=self.device, consistency=self.consistency, batch_size=self.settings.batch_size,
                      group=self.group if self.consistency else "p4m", progress=self.progress)
        if noisy:  # 100% cannot be reached on noisy boards: train until the read-out table settles
            history = train(self.net, data, epochs=NOISY_EPOCHS, stable_epochs=STABLE_EPOCHS, **common)
        else:
            history = train(self.net, data, epochs=self.epochs, stop_probability=self.stop_probability, **common)
        return history.epochs, history.train_board_acc[-1]

    def read(self, seed: int) -> ExtractionResult:
        """The rule the network computes."""
        return extract_rule(self.net, threshold=self.threshold, seed=seed)


@register("table", "no network: tabulates the observed patterns (per class of its family), the rest unknown",
          network=False)
class TableLearner:
    """The non-neural baseline: tabulate the observed patterns, leave the rest unknown.

    Each round it reads the visible transitions' evidence under its family
    (:func:`lifelab.evidence.decide`): the observed next state of each
    pattern (or class), and for a class never observed no answer at all.
    Unknown entries are reported as dead with confidence 0.5, so that query
    mode asks for them.  It answers "what did the network add?".
    """

    net = None
    group = "trivial"
    margin = 1

    def __init__(self, family_name: str = "auto", noise="auto"):
        """Args:
            family_name: The family it tabulates under (``"auto"``: the first of
                :data:`lifelab.evidence.AUTO_CHAIN` the visible data determine; ``"data"``).
            noise: As in :func:`lifelab.evidence.decide`.
        """
        if family_name not in ("auto", "data"):
            family(family_name)
        self.family, self.noise = family_name, noise
        self._evidence: Evidence | None = None

    @property
    def description(self) -> str:
        """One line naming the learner."""
        return f"table learner (tabulates observed patterns; family {self.family})"

    def prepare(self, agent: DataSupplyAgent, round_: int) -> None:
        """Nothing to prepare."""

    def fit(self, data: TrajectoryDataset, *, noisy: bool, seed: int) -> tuple[int, float]:
        """Count the visible transitions; returns ``(0 epochs, fraction of boards it reproduces)``."""
        pairs = data.pairs()
        self._evidence = Evidence.of(pairs, states=data.states, boundary=data.boundary)
        table = self._verdict().table
        alive = pairs == 1
        index = keyed(alive[:, 0], 1, data.boundary, pattern_index)
        exact = ((table[index] == alive[:, 1]) | (index < 0)).all(axis=(1, 2))
        return 0, float(exact.mean())

    def _verdict(self) -> Verdict:
        return decide(self._evidence, self.family, self.noise)

    def read(self, seed: int) -> ExtractionResult:
        """The tabulated rule, unknown entries dead at confidence 0.5."""
        verdict = self._verdict()
        confidence = np.where(verdict.known, 1.0, 0.5)
        states = self._evidence.states
        rule = Rule.from_table(verdict.table)
        return ExtractionResult(rule=rule if states == 2 else GenerationsRule(rule, states), offsets=list(WINDOW),
                                table=verdict.table.copy(), states=states,
                                confidence=confidence, low_confidence=[int(i) for i in np.flatnonzero(~verdict.known)],
                                context_dependent=[], group=verdict.family.symmetry, patterns_evaluated=0,
                                evaluations=0, sensitivity=None)


#: Where a network goes when the data contradict what it can represent: its family -> (family, model, group).
WIDER = {"edges-corners": ("isotropic", "e2cnn", "p4m"), "isotropic": ("table", "minimal", None),
         "p4": ("table", "minimal", None), "p4m": ("table", "minimal", None)}


def wider_learner(learner, evidence: Evidence) -> tuple[NetworkLearner, str] | None:
    """A network that can represent what the data show, when they contradict the learner's family.

    The data contradict a family when some class of it was seen going to
    both next states although no single pattern was: no rule of the family
    fits.  The learner then moves along :data:`WIDER` (a weight-tied 3x3
    network's edges-and-corners classes, then every isotropic rule with e2cnn
    p4m, then every table with a plain network) to the first family the data
    do not contradict.  A fresh network of that family is built with the
    learner's settings.

    Args:
        learner: The current learner.
        evidence: Every observation so far (3x3 evidence; count evidence has no wider family here).

    Returns:
        ``(new learner, why)``, or None when the learner can stay.
    """
    if not isinstance(learner, NetworkLearner) or not isinstance(evidence, Evidence):
        return None
    family_name = learner.family
    if family_name not in WIDER or not evidence.under(family_name).contradicted:
        return None
    contradicted = evidence.under(family_name)
    target = WIDER[family_name]
    while target[0] in WIDER and evidence.under(target[0]).contradicted:
        target = WIDER[target[0]]
    _, model, group = target
    moved = NetworkLearner(model, learner.settings.but(group=group), states=evidence.states, device=learner.device,
                           progress=learner.progress)
    names = ", ".join(contradicted.family.class_names[c] for c in contradicted.conflicting[:4])
    more = ", ..." if len(contradicted.conflicting) > 4 else ""
    why = (f"moved from {learner.description.split(' (')[0]} to {moved.description.split(' (')[0]}: the data "
           f"contradict {contradicted.family.title} in {len(contradicted.conflicting)} classes ({names}{more}), "
           f"which the first cannot represent and the second can")
    return moved, why


def learner_names() -> list[str]:
    """Every learner ``learn_rule(model=...)`` and ``lifelab learn --model`` accept, in registry order."""
    return list(REGISTRY)


def make_learner(model, settings: LoopSettings = LOOP, **network):
    """The learner for a registered name or a model instance.

    Args:
        model: A name of :data:`lifelab.models.REGISTRY` (a network, or ``"table"``) or a model instance.
        settings: The loop's settings (the table learner reads ``family`` and ``noise``; a network
            the training settings, see :class:`NetworkLearner`).
        **network: Further arguments of :class:`NetworkLearner` (``states``, ``kernel_size``, ``device``,
            ``progress``).

    Returns:
        A :class:`TableLearner` or :class:`NetworkLearner`.

    Raises:
        ValueError: For an unknown name, or a group given to the table learner.
        TypeError: For a model that is neither a name nor a torch module.
    """
    if not isinstance(model, (str, nn.Module)):
        raise InputTypeError(f"model must be a model name {learner_names()} or a torch module, "
                             f"got {type(model).__name__}")
    if isinstance(model, str) and not model_spec(model).network:
        if settings.group is not None:
            raise InputError(f"the {model} learner takes no group; state an assumption with family=...")
        return model_spec(model).cls(settings.family or "auto", settings.noise)
    return NetworkLearner(model, settings, **network)
