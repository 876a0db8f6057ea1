"""The notebooks' model zoo: the models notebooks 03 and 04 train on each rule (and share checkpoints of), and
``bench/train.py`` times.

One implementation, so that a notebook and a bench script that report the
same experiment run the same code: :data:`ZOO` lists the models by label,
:func:`new_zoo_model` builds one, :func:`fit_zoo_model` trains it on a rule
or reloads it from its checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from lifelab.errors import InputError
from lifelab.learning import (
    History,
    LifeModel,
    TrajectoryDataset,
    build_model,
    checkpoint_path,
    load_or_generate,
    model_spec,
    train,
)
from lifelab.rules import Rule, as_rule
from lifelab.utils import MODEL_DTYPE, seeded

__all__ = ["ZOO", "ZooEntry", "fit_zoo_model", "new_zoo_model"]


@dataclass(frozen=True)
class ZooEntry:
    """One model of the notebooks' zoo.

    Attributes:
        label: Its label in tables and checkpoint names.
        model: Its name in :data:`lifelab.learning.models.REGISTRY`.
        config: Constructor arguments.
        consistency: Weight of the p4m consistency loss it trains with (the soft route; 0: none).
    """

    label: str
    model: str
    config: dict = field(default_factory=dict)
    consistency: float = 0.0

    @property
    def symmetry(self) -> str:
        """The group the architecture guarantees (``"trivial"`` for plain networks, soft route included)."""
        return (
            self.config.get("group", model_spec(self.model).default_group)
            if model_spec(self.model).group_argument
            else "trivial"
        )

    @property
    def equivariant(self) -> bool:
        """The architecture guarantees a symmetry beyond translations (tied and e2cnn entries)."""
        return self.symmetry != "trivial"

    def train_settings(self) -> dict:
        """The extra arguments of :func:`lifelab.learning.training.train` this entry trains with."""
        return {"consistency": self.consistency, "group": "p4m"} if self.consistency else {}


#: The zoo the notebooks train, by label.  "minimal+consistency" is the soft route: the plain
#: baseline with a p4m consistency loss.
ZOO: dict[str, ZooEntry] = {
    entry.label: entry
    for entry in (
        ZooEntry("minimal", "minimal"),
        ZooEntry("tiny", "tiny"),
        ZooEntry("small", "small"),
        ZooEntry("multiscale", "multiscale"),
        ZooEntry("minimal+consistency", "minimal", consistency=1.0),
        ZooEntry("tied-p4", "tied", {"group": "p4"}),
        ZooEntry("tied-p4m", "tied", {"group": "p4m"}),
        ZooEntry("e2cnn-p4", "e2cnn", {"group": "p4"}),
        ZooEntry("e2cnn-p4m", "e2cnn", {"group": "p4m"}),
    )
}


def new_zoo_model(label: str, seed: int = 0) -> LifeModel:
    """A freshly initialised zoo model; the same ``seed`` gives the same weights whatever ran before."""
    if label not in ZOO:
        raise InputError(f"unknown zoo label {label!r}; expected one of {list(ZOO)}")
    with seeded(seed):
        return build_model(ZOO[label].model, **ZOO[label].config)


def fit_zoo_model(
    label: str,
    rule: Rule | str,
    *,
    n_traj: int = 8,
    size: int = 32,
    steps: int = 16,
    density: float = 0.4,
    seed: int = 0,
    epochs: int = 100,
    device=None,
    amp: bool = False,
    progress: bool = True,
) -> tuple[LifeModel, History, tuple[TrajectoryDataset, TrajectoryDataset]]:
    """Train a zoo model on a rule's cached trajectories, or reload it from its checkpoint.

    The data are ``n_traj`` seeded trajectories from :func:`lifelab.learning.data.load_or_generate`,
    split by trajectory into 75% training and 25% validation.  The
    checkpoint name records every setting, so notebooks that ask for the
    same run share it (notebook 04 reuses notebook 03's models).

    Returns:
        ``(model, history, (train_set, val_set))``.
    """
    rule = as_rule(rule)
    model = new_zoo_model(label, seed)
    trajectories = load_or_generate(rule, n_traj, (size, size), steps, density=density, seed=seed)
    train_set, val_set = TrajectoryDataset(trajectories, visible=n_traj).split(0.25, seed=seed)
    precision = str(torch.float32 if amp else MODEL_DTYPE).removeprefix("torch.")
    name = f"{rule}_{label}_{n_traj}x{size}x{steps}_d{density}_s{seed}_e{epochs}_{precision}"
    history = train(
        model,
        train_set,
        val=val_set,
        epochs=epochs,
        device=device,
        amp=amp,
        seed=seed,
        rule=rule,
        checkpoint=checkpoint_path(name),
        progress=progress,
        **ZOO[label].train_settings(),
    )
    return model, history, (train_set, val_set)
