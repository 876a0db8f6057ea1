"""Learners: what the active-learning loop fits to the visible data and reads a rule out of.

A learner meets :class:`Learner`: ``prepare(agent, round)`` (a model
policy may change the model between rounds), ``fit(dataset, noisy=, seed=)``
and ``read(seed)`` (an :class:`~lifelab.learning.extract.ExtractionResult`), plus
``group``, ``family`` (the family of rules it can represent, which is what
its verdicts may assume), ``description`` and ``margin``.  Two kinds, both
built from the loop's :class:`~lifelab.loop.settings.LoopSettings` by :func:`make_learner`:

- :class:`NetworkLearner`: a network of the zoo (:data:`lifelab.learning.models.REGISTRY`),
  trained round by round and read with :func:`lifelab.learning.extract.extract_rule`,
  under a model policy: :class:`FixedModel`, or :class:`AutoGrow`
  (``group="auto"``: start translation-only, grow to what the data allow);
- :class:`~lifelab.learning.table.TableLearner` (``model="table"``): no network at all, the
  observed patterns tabulated; the honest baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError, InputTypeError
from lifelab.evidence import CountEvidence, Evidence, data_symmetry
from lifelab.geometry import GROUPS
from lifelab.learning import (
    REGISTRY,
    ROUTES,
    DataSupplyAgent,
    ExtractionResult,
    LifeModel,
    TrajectoryDataset,
    build_model,
    extract_rule,
    grow_group,
    model_spec,
    receptive_radius,
    train,
)
from lifelab.loop.settings import LOOP, LoopSettings
from lifelab.rules import DENSE_LIMIT, TableRule
from lifelab.utils import MODEL_DTYPE, eval_mode, model_threads, one_hot, progress_bar, seeded

__all__ = [
    "NOISY_EPOCHS",
    "STABLE_EPOCHS",
    "TABLE_GROUPS",
    "WIDER",
    "AutoGrow",
    "FixedModel",
    "Learner",
    "NetworkLearner",
    "TableNetwork",
    "fit_table_network",
    "learner_names",
    "make_learner",
    "wider_learner",
]

#: Epochs of one round of training on noisy data, and how long the table must stay put to stop earlier.
NOISY_EPOCHS, STABLE_EPOCHS = 30, 3


@runtime_checkable
class Learner(Protocol):
    """What the loop fits and reads each round (:func:`lifelab.loop.run.run_round`); met by :class:`NetworkLearner`
    and :class:`TableLearner`, and checked for every registered learner by ``tests/test_contracts.py``.

    The loop only reads ``net``, ``group``, ``family``, ``description`` and ``margin``: a learner may hold each
    as a plain attribute or compute it.
    """

    @property
    def net(self) -> nn.Module | None:
        """The torch model being trained, or None (the table learner)."""

    @property
    def group(self) -> str:
        """The symmetry group it imposes."""

    @property
    def family(self) -> str:
        """The family of rules it can represent: what its verdicts may assume."""

    @property
    def description(self) -> str:
        """One line naming it."""

    @property
    def margin(self) -> int:
        """How far it sees: the cells at a frame's edge an open or dead boundary leaves out."""

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
    (:attr:`lifelab.learning.models.GrowthRoute.grows_to`), the network is grown
    (:func:`lifelab.learning.models.grow_group`) and training goes on from its weights.
    """

    def __init__(self, route: str):
        """Args:
        route: A key of :data:`lifelab.learning.models.ROUTES`.
        """
        self.route = ROUTES[route]

    def update(self, net: nn.Module, group: str, agent: DataSupplyAgent, round_: int) -> tuple[nn.Module, str]:
        """The network to train this round and its group."""
        if round_ > 1 and group == "trivial":
            found = data_symmetry(agent.visible_trajectories).group
            if found in self.route.grows_to:
                return grow_group(net, found), found
        return net, group


def _network(
    model, group: str | None, seed: int, states: int = 2, kernel_size: int | None = None
) -> tuple[nn.Module, str, float]:
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
            raise InputError(
                f"{model!r} is built for the groups {list(spec.groups)}, not {group!r}; use a plain "
                "family such as 'minimal' for translations only"
            )
        with seeded(seed):
            return build_model(spec.name, group=group, **more), group, 0.0
    group = "trivial" if group is None else group
    with seeded(seed):
        return build_model(spec.name, **more), group, 0.0 if group == "trivial" else 1.0


class NetworkLearner:
    """A network of the zoo, trained round by round and read with :func:`lifelab.learning.extract.extract_rule`.

    Attributes:
        net: The model being trained.
        settings: The loop's settings it trains and reads with (``epochs``, ``batch_size``, ``stop_probability``,
            ``threshold``, ``seed``).
        group: The symmetry group imposed (built in, or by a consistency loss).
        consistency: Weight of the consistency loss (0 when the group is built in).
        policy: :class:`FixedModel` or :class:`AutoGrow`.
        counting: The neighbourhood the network is read on when the structure test cannot find it by itself
            (Golly 4's ``NH``, ``N@``, ``NW``); None: found from the network's decisive cells.
    """

    def __init__(
        self,
        model,
        settings: LoopSettings = LOOP,
        *,
        states: int = 2,
        kernel_size: int | None = None,
        device=None,
        progress: bool = False,
    ):
        """Build (or adopt) the model.

        Args:
            model: A network's name in :data:`lifelab.learning.models.REGISTRY` or a model instance.
            settings: The loop's settings; the learner reads ``group`` (a group of
                :data:`lifelab.geometry.symmetry.GROUPS`, or ``"auto"``, see :class:`AutoGrow`), ``seed`` (of the
                initial weights, batch orders and probes), ``epochs``, ``batch_size``,
                ``stop_probability`` and ``threshold``.
            states: Cell states of the data (more than 2 for a Generations rule).
            kernel_size: Spatial kernel of a network built by name (default: the family's own;
                ``2r + 1`` for a range-``r`` Larger than Life rule).
            device: Where to train.
            progress: Show epoch bars.
        """
        group, seed = settings.group, settings.seed
        self.policy: FixedModel | AutoGrow
        self.net: nn.Module
        if group == "auto":
            route = model_spec(model).growth if isinstance(model, str) else None
            if route is None:
                growable = sorted(s.name for s in REGISTRY.values() if s.growth)
                raise InputError(
                    f"group='auto' starts a growable family plain and grows it: model must be one of "
                    f"{growable}, got {model!r}"
                )
            self.policy = AutoGrow(route)
            self.net, self.group, self.consistency = self.policy.route.model("trivial", seed, states), "trivial", 0.0
        else:
            self.policy = FixedModel()
            self.net, self.group, self.consistency = _network(model, group, seed, states, kernel_size)
        self.settings, self.device, self.progress = settings, device, progress
        self.counting = None

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
        common = dict(
            seed=seed,
            device=self.device,
            consistency=self.consistency,
            batch_size=self.settings.batch_size,
            group=self.group if self.consistency else "p4m",
            progress=self.progress,
        )
        if noisy:  # 100% cannot be reached on noisy boards: train until the read-out table settles
            history = train(self.net, data, epochs=NOISY_EPOCHS, stable_epochs=STABLE_EPOCHS, **common)
        else:
            history = train(
                self.net, data, epochs=self.settings.epochs, stop_probability=self.settings.stop_probability, **common
            )
        return history.epochs, history.train_board_acc[-1]

    def read(self, seed: int) -> ExtractionResult:
        """The rule the network computes (on :attr:`counting`'s classes when it is set)."""
        return extract_rule(self.net, threshold=self.settings.threshold, seed=seed, counting=self.counting)


#: Where a network goes when the data contradict what it can represent: its family -> (family, model, group).
WIDER = {
    "edges-corners": ("isotropic", "e2cnn", "p4m"),
    "isotropic": ("table", "minimal", None),
    "p4": ("table", "minimal", None),
    "p4m": ("table", "minimal", None),
}


def wider_learner(learner: Learner, evidence: Evidence | CountEvidence) -> tuple[NetworkLearner, str] | None:
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
    moved = NetworkLearner(
        model,
        learner.settings.but(group=group),
        states=evidence.states,
        device=learner.device,
        progress=learner.progress,
    )
    names = ", ".join(contradicted.family.class_names[c] for c in contradicted.conflicting[:4])
    more = ", ..." if len(contradicted.conflicting) > 4 else ""
    why = (
        f"moved from {learner.description.split(' (')[0]} to {moved.description.split(' (')[0]}: the data "
        f"contradict {contradicted.family.title} in {len(contradicted.conflicting)} classes ({names}{more}), "
        f"which the first cannot represent and the second can"
    )
    return moved, why


def learner_names() -> list[str]:
    """Every learner ``learn_rule(model=...)`` and ``lifelab learn --model`` accept, in registry order."""
    return list(REGISTRY)


def make_learner(model, settings: LoopSettings = LOOP, **network) -> Learner:
    """The learner for a registered name or a model instance.

    Args:
        model: A name of :data:`lifelab.learning.models.REGISTRY` (a network, or ``"table"``) or a model instance.
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
        raise InputTypeError(
            f"model must be a model name {learner_names()} or a torch module, got {type(model).__name__}"
        )
    if isinstance(model, str) and not model_spec(model).network:
        if settings.group is not None:
            raise InputError(f"the {model} learner takes no group; state an assumption with family=...")
        return model_spec(model).cls(settings.family or "auto", settings.noise)
    return NetworkLearner(model, settings, **network)


#: The symmetry group a network imposes for each of Golly's table symmetries: the largest rotations and flips of
#: the square it contains (``rotate8`` turns the ring of eight neighbours by 45 degrees, not the square; ``permute``
#: contains every rotation and flip).
TABLE_GROUPS = {
    "none": "trivial",
    "rotate4": "p4",
    "rotate8": "p4",
    "rotate4reflect": "p4m",
    "rotate8reflect": "p4m",
    "permute": "p4m",
    "reflect_horizontal": "trivial",
}


@dataclass
class TableNetwork:
    """A network fitted to the observed configurations of a many-state trajectory (:func:`fit_table_network`).

    Attributes:
        model: The trained network (one-hot states in, a logit per state out).
        group: The symmetry group it imposes.
        epochs: Epochs trained.
        windows: Observed configurations it was fitted to.
        wrong: Observed configurations of the verdict's neighbourhood whose seen next state the network does
            not give (0: it reproduces every observation).
        table: The network's next state for every configuration of the verdict's neighbourhood, read with the
            cells outside the neighbourhood dead; None where there are too many configurations to tabulate.
        observed: Which configurations the data showed (the same indexing).
    """

    model: LifeModel
    group: str
    epochs: int
    windows: int
    wrong: int
    table: np.ndarray | None
    observed: np.ndarray | None

    @property
    def exact(self) -> bool:
        """The network gives every observed configuration its observed next state."""
        return self.wrong == 0

    def guesses_like(self, reference) -> tuple[int, int]:
        """On the configurations the data never showed: how many the network gives ``reference``'s next state.

        Args:
            reference: A :class:`~lifelab.rules.tables.TableRule` on the same neighbourhood (Golly's own table).

        Returns:
            ``(agreeing, unobserved)``.
        """
        if (
            self.table is None
            or self.observed is None
            or reference.dense_table is None
            or len(reference.dense_table) != len(self.table)
        ):
            raise InputError(
                f"compare a table of {0 if self.table is None else len(self.table)} configurations, got {reference!r}"
            )
        unseen = ~self.observed
        return int((self.table[unseen] == reference.dense_table[unseen]).sum()), int(unseen.sum())


def _centre_logits(model: nn.Module, boards: np.ndarray, states: int) -> torch.Tensor:
    """The network's logits for the centre of each 3x3 board (circular padding: it sees exactly the window)."""
    return model(one_hot(torch.as_tensor(boards), states))[:, :, 1, 1]


def fit_table_network(
    verdict,
    model: str = "e2cnn",
    group: str | None = None,
    *,
    width: int = 8,
    epochs: int = 2000,
    lr: float = 0.02,
    margin: float = 0.9,
    seed: int = 0,
    progress: bool = True,
) -> TableNetwork:
    """Fit a network with one one-hot channel per state to what a table verdict observed, and read it back.

    The data are the verdict's observed configurations, each on a 3x3 board
    whose cells outside the neighbourhood are dead (the verdict found the
    next state a function of the neighbourhood alone), and the state that
    followed, each configuration weighted alike; training (full batch,
    Adam) stops once every one gets its next state with at least ``margin``
    probability.  The symmetry imposed is the largest group of the square
    inside the verdict's symmetry (:data:`TABLE_GROUPS`: p4 for
    ``rotate4``), unless ``group`` is given.

    Args:
        verdict: A :class:`~lifelab.evidence.tables.TableVerdict` that names a family (not inconsistent).
        model: A network of the zoo that takes ``states`` (``"e2cnn"`` carries orientation; ``"tied"`` sees
            counts per ring of cells only; ``"minimal"`` imposes nothing).
        group: The group to impose (default from the verdict's symmetry).
        width: The network's width.
        epochs: Most epochs.
        lr: Adam's learning rate.
        margin: The probability every observed window's next state must reach.
        seed: Seed of the weights.
        progress: Show a progress bar.

    Raises:
        InputError: For an inconsistent verdict or a margin outside (0.5, 1).
    """
    if verdict.family is None:
        raise InputError("the verdict is inconsistent: no table fits the data, so no network is fitted to them")
    if not 0.5 < margin < 1:
        raise InputError(f"margin must lie in (0.5, 1), got {margin}")
    ev = verdict.evidence
    states = ev.states
    group = group or TABLE_GROUPS[verdict.family.symmetries]
    probe = TableRule("probe", states, ev.neighbourhood)
    boards = probe.windows(probe.decode(ev.codes))
    seen = ev.counts.argmax(axis=1)
    target = torch.as_tensor(seen.astype(np.int64))
    with seeded(seed), model_threads():
        spec = model_spec(model)
        if group not in spec.groups:
            raise InputError(f"{spec.name} imposes {', '.join(spec.groups)}, not {group} (give group=)")
        config = {"group": group} if spec.groups != ("trivial",) else {}
        net = build_model(model, width=width, states=states, **config).to(MODEL_DTYPE)
        optimiser = torch.optim.Adam(net.parameters(), lr=lr)
        done = 0
        with progress_bar(epochs, f"train {model} {group} on a table", enabled=progress) as bar:
            for epoch in range(1, epochs + 1):
                done = epoch
                logits = _centre_logits(net, boards, states)
                loss = F.cross_entropy(logits, target)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                bar.update(1)
                if torch.softmax(logits.detach(), 1).gather(1, target[:, None]).min() >= margin:
                    break
        with torch.no_grad(), eval_mode(net):
            wrong = int((_centre_logits(net, boards, states).argmax(1).numpy() != seen).sum())
            table = observed = None
            if probe.configurations <= DENSE_LIMIT:
                every = probe.decode(np.arange(probe.configurations))
                table = np.concatenate(
                    [
                        _centre_logits(net, probe.windows(every[i : i + _CHUNK]), states)
                        .argmax(1)
                        .numpy()
                        .astype(np.uint8)
                        for i in range(0, len(every), _CHUNK)
                    ]
                )
                observed = np.zeros(probe.configurations, bool)
                observed[ev.codes] = True
    return TableNetwork(net, group, done, len(boards), wrong, table, observed)


_CHUNK = 1 << 16
