"""Training: weighted cross-entropy, L1 sparsity, symmetry consistency, checkpoints.

:func:`train` fits any model of the zoo to a :class:`~lifelab.data.TrajectoryDataset`
on the CPU or a GPU with the same code path: the visible transitions are
moved to the device once, batches are drawn from a generator seeded by
``(seed, epoch)``, and a checkpoint written after every epoch lets an
interrupted run resume exactly where it stopped.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from lifelab.data import TrajectoryDataset, load_or_generate
from lifelab.extract import pattern_accuracy, pattern_table
from lifelab.models import GROWTH, EquivariantCNN, LifeModel, MinimalCNN, TiedCNN, build_model, grow_group
from lifelab.rules import Rule
from lifelab.simulate import as_rule
from lifelab.symmetry import consistency_loss, group_elements
from lifelab.utils import atomic_path, data_dir, format_table

__all__ = ["CHECKPOINT_FORMAT", "GROWTH_ROUTES", "ZOO", "GrowthComparison", "GrowthStep", "History",
           "checkpoint_path", "compare_growth", "evaluate", "fit_zoo_model", "growth_model", "l1_penalty",
           "load_checkpoint", "load_model", "new_zoo_model", "train"]

CHECKPOINT_FORMAT = "lifelab-checkpoint-1"
#: Transitions per optimiser step unless told otherwise.
BATCH_SIZE = 8
SCHEDULES = ("cosine", "constant")


@dataclass
class History:
    """Per-epoch record of a training run (all lists share the ``epoch`` index).

    ``objective`` is the mean minibatch objective (cross-entropy plus
    penalties) during the epoch; the ``train_*`` and ``val_*`` figures are
    measured after the epoch in eval mode: weighted cross-entropy, the
    fraction of cells predicted right, and the fraction of boards predicted
    right in every cell.  ``converged_epoch`` is the first epoch after which
    every training transition was predicted right.
    """

    epoch: list[int] = field(default_factory=list)
    objective: list[float] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_cell_acc: list[float] = field(default_factory=list)
    train_board_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_cell_acc: list[float] = field(default_factory=list)
    val_board_acc: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    converged_epoch: int | None = None

    def as_dict(self) -> dict:
        """Plain dict (what checkpoints store)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> History:
        """Inverse of :meth:`as_dict`."""
        return cls(**data)

    @property
    def epochs(self) -> int:
        """Epochs trained so far."""
        return len(self.epoch)

    def summary(self) -> str:
        """One line with the last epoch's figures (no timings, so it is stable across runs)."""
        if not self.epoch:
            return "not trained"
        val = (f", val cells {self.val_cell_acc[-1]:.4f} boards {self.val_board_acc[-1]:.3f}"
               if self.val_cell_acc else "")
        done = (f"converged after epoch {self.converged_epoch}" if self.converged_epoch is not None
                else f"not converged after {self.epochs} epochs")
        return (f"{done}: train cells {self.train_cell_acc[-1]:.4f} boards {self.train_board_acc[-1]:.3f}"
                f"{val}")

    def plot(self, fig=None, label: str | None = None):
        """Training curves; see :func:`lifelab.plots.plot_training_curves`."""
        from lifelab.plots import plot_training_curves
        return plot_training_curves({label or "model": self}, fig=fig)


def l1_penalty(model: nn.Module) -> torch.Tensor:
    """Sum of absolute values of every parameter whose name contains ``weight``.

    Covers convolution kernels, batch-norm scales, tied-kernel orbit values
    and e2cnn basis coefficients (``weights``); biases are left free.
    """
    terms = [p.abs().sum() for name, p in model.named_parameters() if "weight" in name]
    if not terms:
        return torch.zeros(())
    return torch.stack(terms).sum()


def evaluate(model: nn.Module, data, device=None, batch_size: int = 512) -> dict:
    """Weighted cross-entropy and accuracies of a model on a dataset, in eval mode.

    Args:
        model: A model of the zoo.
        data: A :class:`TrajectoryDataset` (one-hot) or ``(x, y, w)`` tensors from its ``tensors()``.
        device: Where to compute (default: where the model is).
        batch_size: Transitions per forward pass.

    Returns:
        ``{"loss", "cell_acc", "board_acc", "min_prob", "n"}``; ``min_prob`` is the
        smallest probability given to the true next state of any cell.
    """
    if device is None:
        parameter = next(iter(model.parameters()), None)
        device = parameter.device if parameter is not None else torch.device("cpu")
    x, y, w = data.tensors(device) if isinstance(data, TrajectoryDataset) else data
    if len(x) == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    was_training = model.training
    model.eval()
    loss = cells = boards = 0.0
    min_prob = 1.0
    try:
        with torch.no_grad():
            for start in range(0, len(x), batch_size):
                xb, yb, wb = (t[start:start + batch_size].to(device) for t in (x, y, w))
                logits = model(xb)
                loss += float((F.cross_entropy(logits, yb, reduction="none").mean((1, 2)) * wb).sum())
                right = logits.argmax(1) == yb
                cells += float(right.float().mean((1, 2)).sum())
                boards += float(right.flatten(1).all(1).float().sum())
                true_prob = logits.float().softmax(1).gather(1, yb.unsqueeze(1))
                min_prob = min(min_prob, float(true_prob.min()))
    finally:
        model.train(was_training)
    n = len(x)
    return {"loss": loss / n, "cell_acc": cells / n, "board_acc": boards / n, "min_prob": min_prob, "n": n}


def checkpoint_path(name: str) -> Path:
    """Where a named checkpoint lives: ``data/checkpoints/<name>.pt``.

    Characters that do not belong in a file name (the ``/`` of a
    rulestring) become ``_``.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"checkpoint name must be a non-empty string, got {name!r}")
    return data_dir() / "checkpoints" / f"{re.sub(r'[^A-Za-z0-9_.+=-]', '_', name)}.pt"


def _identity(model: nn.Module, rule: Rule | None) -> dict:
    return {
        "model": type(model).__name__,
        "model_version": getattr(model, "__version__", None),
        "config": dict(getattr(model, "config", {})),
        "rule": None if rule is None else str(rule),
    }


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by :func:`train` (``torch.load(weights_only=True)``).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not a lifelab checkpoint or cannot be read.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(f"cannot read checkpoint {path}: {err}") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a lifelab checkpoint (format {CHECKPOINT_FORMAT})")
    return state


def load_model(path, device=None) -> tuple[LifeModel, History]:
    """Rebuild a trained model from its checkpoint.

    Args:
        path: Checkpoint file.
        device: Where to put the model (default CPU).

    Returns:
        ``(model, history)``, the model in eval mode.
    """
    state = load_checkpoint(path)
    model = build_model(state["identity"]["model"], **state["identity"]["config"])
    model.load_state_dict(state["model_state"])
    return model.to(device or "cpu").eval(), History.from_dict(state["history"])


def _check_identity(path: Path, saved: dict, wanted: dict) -> None:
    if saved["model"] != wanted["model"] or saved["model_version"] != wanted["model_version"] \
            or saved["config"] != wanted["config"]:
        raise ValueError(f"checkpoint {path} was written for {saved['model']} v{saved['model_version']} "
                         f"{saved['config']}, not {wanted['model']} v{wanted['model_version']} {wanted['config']}; "
                         f"use another checkpoint path or delete it")
    if saved["rule"] != wanted["rule"]:
        raise ValueError(f"checkpoint {path} was written for rule {saved['rule']}, not {wanted['rule']}; "
                         f"use another checkpoint path or delete it")


def _lr_at(epoch: int, epochs: int, lr: float, schedule: str) -> float:
    if schedule == "constant":
        return lr
    # cosine from lr down to lr / 100 over the planned epochs
    return lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(epoch, epochs) / epochs)))


def _check_positive(name: str, value, integer: bool = False, allow_zero: bool = False) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) \
            or value < 0 or (value == 0 and not allow_zero):
        need = "integer" if integer else "number"
        raise ValueError(f"{name} must be a {'non-negative' if allow_zero else 'positive'} {need}, got {value!r}")


def train(model: nn.Module, dataset: TrajectoryDataset, *, val: TrajectoryDataset | None = None,
          epochs: int = 100, batch_size: int = BATCH_SIZE, lr: float = 1e-2, schedule: str = "cosine",
          l1: float = 1e-5, consistency: float = 0.0, group: str = "p4m", early_stop: bool = True,
          stop_probability: float | None = None, stable_epochs: int | None = None, device=None, amp: bool = False,
          seed: int = 0, checkpoint=None, rule: Rule | str | None = None, progress: bool = True) -> History:
    """Fit a model to the visible transitions of a dataset.

    The objective is the weighted cross-entropy (each transition weighted
    by its trajectory, newer trajectories more), plus ``l1`` times
    :func:`l1_penalty`, plus ``consistency`` times
    :func:`lifelab.symmetry.consistency_loss` under ``group``.  Adam with a
    per-epoch learning rate (cosine down to ``lr / 100``, or constant).

    Args:
        model: A model of the zoo (one-hot in, logits out).
        dataset: Training transitions (one-hot inputs).
        val: Optional validation transitions, evaluated after every epoch.
        epochs: Most epochs to train (the total, counting resumed ones).
        batch_size: Transitions per optimiser step.
        lr: Peak learning rate.
        schedule: ``"cosine"`` or ``"constant"``.
        l1: L1 coefficient (1e-5 as in the notes; 0 disables).
        consistency: Weight of the symmetry consistency loss (0 disables).
        group: Group of the consistency loss (``"p4"`` or ``"p4m"``).
        early_stop: Stop after the first epoch in which every training
            transition is predicted right.
        stop_probability: With ``early_stop``, also wait until every training
            cell gets at least this probability for its true next state (in
            (0.5, 1)); a margin, so that the rule read out later is a confident one.
        stable_epochs: Stop once the model's next state for every 3x3
            pattern (in dead surroundings) has not changed for this many
            epochs and the training loss has stopped falling (by 1% over
            them); for noisy data, where no model predicts every transition.
        device: Where to train (default :func:`lifelab.get_device`).
        amp: bfloat16 mixed precision (CUDA only).
        seed: Seed of the batch order (epoch ``e`` uses ``(seed, e)``).
        checkpoint: Path of a checkpoint written after every epoch; if it
            exists, training resumes from it (a finished run is just
            reloaded).  It must be for the same model and rule.
        rule: The rule the data comes from, recorded in (and checked against) the checkpoint.
        progress: Show a tqdm progress bar.

    Returns:
        The :class:`History` of the run (including resumed epochs).

    Raises:
        ValueError: For bad settings, an empty dataset, or a checkpoint of another model or rule.
    """
    from lifelab.utils import get_device

    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(dataset, TrajectoryDataset) or (val is not None and not isinstance(val, TrajectoryDataset)):
        raise TypeError("dataset and val must be lifelab TrajectoryDataset objects")
    if not dataset.one_hot:
        raise ValueError("train needs one-hot inputs; build the dataset with one_hot=True")
    if len(dataset) == 0:
        raise ValueError("the dataset has no visible transitions; reveal at least one trajectory")
    _check_positive("epochs", epochs, integer=True)
    _check_positive("batch_size", batch_size, integer=True)
    _check_positive("lr", lr)
    _check_positive("l1", l1, allow_zero=True)
    _check_positive("consistency", consistency, allow_zero=True)
    if stop_probability is not None and (isinstance(stop_probability, bool)
                                         or not isinstance(stop_probability, (int, float))
                                         or not 0.5 < stop_probability < 1):
        raise ValueError(f"stop_probability must be in (0.5, 1), got {stop_probability!r}")
    if stable_epochs is not None:
        _check_positive("stable_epochs", stable_epochs, integer=True)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if consistency:
        group_elements(group)
    device = get_device() if device is None else torch.device(device)
    if amp and device.type != "cuda":
        raise ValueError("amp (bfloat16 mixed precision) needs a CUDA device")
    rule = None if rule is None else as_rule(rule)

    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    identity = _identity(model, rule)
    path = None if checkpoint is None else Path(checkpoint)
    if path is not None and path.exists():
        state = load_checkpoint(path)
        _check_identity(path, state["identity"], identity)
        model.load_state_dict(state["model_state"])
        optimizer.load_state_dict(state["optimizer_state"])
        history = History.from_dict(state["history"])
    if history.converged_epoch is not None or history.epochs >= epochs:
        return history

    x, y, w = dataset.tensors(device)
    val_data = val.tensors(device) if val is not None and len(val) else None
    settings = {"epochs": epochs, "batch_size": batch_size, "lr": lr, "schedule": schedule, "l1": l1,
                "consistency": consistency, "group": group, "seed": seed, "amp": amp,
                "stop_probability": stop_probability, "stable_epochs": stable_epochs}
    table, unchanged, plateau = None, 0, math.inf
    bar = tqdm(range(history.epochs, epochs), desc=type(model).__name__, disable=not progress, leave=False)
    for epoch in bar:
        started = time.perf_counter()
        rate = _lr_at(epoch, epochs, lr, schedule)
        for group_ in optimizer.param_groups:
            group_["lr"] = rate
        model.train()
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed * 100_003 + epoch))
        total = 0.0
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size].to(device)
            xb, yb, wb = x[idx], y[idx], w[idx]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                logits = model(xb)
                loss = (F.cross_entropy(logits.float(), yb, reduction="none").mean((1, 2)) * wb).mean()
                if consistency:
                    loss = loss + consistency * consistency_loss(model, xb, group, logits).float()
            if l1:
                loss = loss + l1 * l1_penalty(model)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        on_train = evaluate(model, (x, y, w), device)
        on_val = evaluate(model, val_data, device) if val_data is not None else None
        history.epoch.append(epoch + 1)
        history.objective.append(total / len(x))
        history.train_loss.append(on_train["loss"])
        history.train_cell_acc.append(on_train["cell_acc"])
        history.train_board_acc.append(on_train["board_acc"])
        if on_val is not None:
            history.val_loss.append(on_val["loss"])
            history.val_cell_acc.append(on_val["cell_acc"])
            history.val_board_acc.append(on_val["board_acc"])
        history.lr.append(rate)
        history.seconds.append(time.perf_counter() - started)
        if early_stop and on_train["board_acc"] == 1.0 and on_train["min_prob"] >= (stop_probability or 0.0):
            history.converged_epoch = epoch + 1
        if stable_epochs is not None:
            now = pattern_table(model)
            if table is None or not np.array_equal(now, table):
                table, unchanged, plateau = now, 0, on_train["loss"]
            else:
                unchanged += 1
            # a table that sits still while the loss still falls (an untrained net answering "dead") is not settled
            if unchanged >= stable_epochs and on_train["loss"] > 0.99 * plateau:
                history.converged_epoch = epoch + 1
        bar.set_postfix(loss=f"{on_train['loss']:.3g}", cells=f"{on_train['cell_acc']:.4f}")
        if path is not None:
            state = {"format": CHECKPOINT_FORMAT, "identity": identity, "settings": settings,
                     "model_state": model.state_dict(), "optimizer_state": optimizer.state_dict(),
                     "history": history.as_dict()}
            with atomic_path(path) as tmp:
                torch.save(state, tmp)
        if history.converged_epoch is not None:
            break
    bar.close()
    return history


#: The zoo the notebooks train, by label: ``(family, model config, extra train() arguments)``.
#: "minimal+consistency" is the soft route: the plain baseline with a p4m consistency loss.
ZOO: dict[str, tuple[str, dict, dict]] = {
    "minimal": ("minimal", {}, {}),
    "tiny": ("tiny", {}, {}),
    "small": ("small", {}, {}),
    "multiscale": ("multiscale", {}, {}),
    "minimal+consistency": ("minimal", {}, {"consistency": 1.0, "group": "p4m"}),
    "tied-p4": ("tied", {"group": "p4"}, {}),
    "tied-p4m": ("tied", {"group": "p4m"}, {}),
    "e2cnn-p4": ("e2cnn", {"group": "p4"}, {}),
    "e2cnn-p4m": ("e2cnn", {"group": "p4m"}, {}),
}


def new_zoo_model(label: str, seed: int = 0) -> LifeModel:
    """A freshly initialised zoo model; the same ``seed`` gives the same weights whatever ran before."""
    if label not in ZOO:
        raise ValueError(f"unknown zoo label {label!r}; expected one of {list(ZOO)}")
    from lifelab.utils import seed_everything

    seed_everything(seed)
    family, config, _ = ZOO[label]
    return build_model(family, **config)


def fit_zoo_model(label: str, rule: Rule | str, *, n_traj: int = 8, size: int = 32, steps: int = 16,
                  density: float = 0.4, seed: int = 0, epochs: int = 100, device=None, amp: bool = False,
                  progress: bool = True) -> tuple[LifeModel, History, tuple[TrajectoryDataset, TrajectoryDataset]]:
    """Train a zoo model on a rule's cached trajectories, or reload it from its checkpoint.

    The data are ``n_traj`` seeded trajectories from :func:`lifelab.data.load_or_generate`,
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
    name = f"{rule}_{label}_{n_traj}x{size}x{steps}_d{density}_s{seed}_e{epochs}"
    history = train(model, train_set, val=val_set, epochs=epochs, device=device, amp=amp, seed=seed, rule=rule,
                    checkpoint=checkpoint_path(name), progress=progress, **ZOO[label][2])
    return model, history, (train_set, val_set)


#: The two ways a model grows its group (see :func:`lifelab.models.grow_group`).
GROWTH_ROUTES = ("tied", "e2cnn")


def growth_model(route: str, group: str, seed: int = 0) -> LifeModel:
    """A fresh model of a growth route at a group, seeded.

    Args:
        route: ``"tied"`` (:class:`MinimalCNN` for translations only, :class:`TiedCNN`
            above) or ``"e2cnn"`` (:class:`EquivariantCNN` at every group).
        group: ``"trivial"``, ``"p4"`` or ``"p4m"``.
        seed: Seed of the initial weights.

    Returns:
        The model, with default widths (the ones :func:`lifelab.models.grow_group` keeps).
    """
    if route not in GROWTH_ROUTES:
        raise ValueError(f"unknown growth route {route!r}; expected one of {GROWTH_ROUTES}")
    if group not in GROWTH:
        raise ValueError(f"unknown group {group!r}; expected one of {GROWTH}")
    from lifelab.utils import seed_everything

    seed_everything(seed)
    if route == "e2cnn":
        return EquivariantCNN(group)
    return MinimalCNN() if group == "trivial" else TiedCNN(group)


@dataclass
class GrowthStep:
    """One growth step of :func:`compare_growth`, for one seed.

    Attributes:
        route: ``"tied"`` or ``"e2cnn"``.
        seed: Seed of the data, the weights and the batch order.
        start: The group before growing.
        to: The group grown to.
        source_patterns: Fraction of the 512 patterns the trained model gets right before growing.
        source_boards: Fraction of training boards it predicts exactly (1 unless its training ran out of epochs).
        grown_patterns: The same for the grown model, before any further training.
        grown_boards: Fraction of training boards the grown model predicts exactly, before further training.
        grown_cells: Fraction of training cells it predicts right.
        equivariance: The grown model's equivariance error under ``to`` (about 1e-7 means exact).
        symmetry: The largest group the grown model is exactly equivariant under, measured: ``to``,
            or p4m where a p4 model turns out mirror-symmetric too (a weight-tied 3x3 kernel does).
        retrain_epochs: Epochs the grown model needed to predict every training board
            exactly again (0: it still did; None: not within the budget).
        scratch_epochs: The same for a fresh ``to`` model.
        steps_per_epoch: Optimiser steps per epoch.
    """

    route: str
    seed: int
    start: str
    to: str
    source_patterns: float
    source_boards: float
    grown_patterns: float
    grown_boards: float
    grown_cells: float
    equivariance: float
    symmetry: str
    retrain_epochs: int | None
    scratch_epochs: int | None
    steps_per_epoch: int

    @property
    def retrain_steps(self) -> int | None:
        """Optimiser steps to 100% after growth (None: not reached)."""
        return None if self.retrain_epochs is None else self.retrain_epochs * self.steps_per_epoch

    @property
    def scratch_steps(self) -> int | None:
        """Optimiser steps to 100% from scratch (None: not reached)."""
        return None if self.scratch_epochs is None else self.scratch_epochs * self.steps_per_epoch


def _mean(runs: list[GrowthStep], name: str) -> float:
    return sum(getattr(s, name) for s in runs) / len(runs)


def _median_steps(values: list[int | None]) -> str:
    reached = sorted(v for v in values if v is not None)
    if not reached:
        return "never"
    median = reached[len(reached) // 2] if len(reached) % 2 else (reached[len(reached) // 2 - 1]
                                                                  + reached[len(reached) // 2]) / 2
    return f"{median:g}" + ("" if len(reached) == len(values) else f" ({len(reached)}/{len(values)} reached)")


@dataclass
class GrowthComparison:
    """Growing a trained model's group against training the larger-group model from scratch.

    Attributes:
        rule: The rule the data came from.
        steps: One :class:`GrowthStep` per route, seed and growth step.
        epochs: The training budget of every run, in epochs.
        data: ``(trajectories, steps, size)`` of the training data per seed.
    """

    rule: Rule
    steps: list[GrowthStep]
    epochs: int
    data: tuple[int, int, int]

    def rows(self) -> list[dict]:
        """One row per route and growth step, over the seeds: medians (and how many runs got there)."""
        rows = []
        for key in dict.fromkeys((s.route, s.start, s.to) for s in self.steps):
            runs = [s for s in self.steps if (s.route, s.start, s.to) == key]
            rows.append({"route": key[0], "growth": f"{key[1]} -> {key[2]}", "seeds": len(runs),
                         "boards before": f"{_mean(runs, 'source_boards'):.3f}",
                         "patterns before": f"{_mean(runs, 'source_patterns'):.3f}",
                         "patterns after growth": f"{_mean(runs, 'grown_patterns'):.3f}",
                         "boards after growth": f"{_mean(runs, 'grown_boards'):.3f}",
                         "equivariance error": f"{max(s.equivariance for s in runs):.0e}",
                         "grown model is": "/".join(dict.fromkeys(s.symmetry for s in runs)),
                         "steps to 100% after growth": _median_steps([s.retrain_steps for s in runs]),
                         "steps to 100% from scratch": _median_steps([s.scratch_steps for s in runs])})
        return rows

    def table(self) -> str:
        """The rows as fixed-width text, under a line naming the rule and the data."""
        n, steps, size = self.data
        return (f"{self.rule.name or self.rule}: {n} trajectories of {steps} steps on {size}x{size} per seed; "
                f"budget {self.epochs} epochs; patterns = fraction of the 512 3x3 patterns right; "
                f"boards = fraction of training boards exact\n" + format_table(self.rows()))

    def plot(self, fig=None):
        """Accuracy kept by growth and steps to recover; see :func:`lifelab.plots.plot_growth`."""
        from lifelab.plots import plot_growth

        return plot_growth(self, fig=fig)


def _epochs_to_exact(model: nn.Module, data: TrajectoryDataset, epochs: int, seed: int, device) -> int | None:
    if evaluate(model.to(device), data, device)["board_acc"] == 1.0:
        return 0
    return train(model, data, epochs=epochs, seed=seed, device=device, progress=False).converged_epoch


def compare_growth(rule: Rule | str, routes=GROWTH_ROUTES, chain=GROWTH, seeds=(0,), *, n_traj: int = 4,
                   size: int = 32, steps: int = 16, density: float = 0.5, epochs: int = 100,
                   start_epochs: int | None = None, device=None, progress: bool = True) -> GrowthComparison:
    """How much of a trained network survives growing its symmetry group, against starting over.

    For each route and seed: train the model of the first group in
    ``chain`` until it predicts every training board exactly; then, for each
    larger group in turn, grow it (:func:`lifelab.models.grow_group`),
    measure the grown model before any training (512-pattern accuracy,
    training boards, equivariance), train it until it is exact again, and
    train a fresh model of that group from scratch on the same data for
    comparison.  The chain goes on from the retrained grown model.

    Args:
        rule: The rule the trajectories come from.
        routes: Any of ``"tied"`` and ``"e2cnn"`` (see :func:`growth_model`).
        chain: Groups from smallest to largest, e.g. ``("trivial", "p4", "p4m")``.
        seeds: One run per seed (data, weights and batch order).
        n_traj: Training trajectories per seed.
        size: Board side.
        steps: Steps per trajectory.
        density: Initial density of the random boards.
        epochs: Budget of every training run after the first.
        start_epochs: Budget of the first model's training (default ``epochs``): a
            comparison that expects some runs never to fit can keep ``epochs`` short.
        device: Where to train (default :func:`lifelab.get_device`).
        progress: Show a progress bar over the training runs.

    Returns:
        A :class:`GrowthComparison`.
    """
    from lifelab import random_boards, simulate
    from lifelab.symmetry import equivariance_error
    from lifelab.utils import get_device

    rule = as_rule(rule)
    routes, chain, seeds = tuple(routes), tuple(chain), tuple(seeds)
    if not routes or any(r not in GROWTH_ROUTES for r in routes):
        raise ValueError(f"routes must be a non-empty selection of {GROWTH_ROUTES}, got {routes}")
    if len(chain) < 2 or any(g not in GROWTH for g in chain) or \
            [GROWTH.index(g) for g in chain] != sorted({GROWTH.index(g) for g in chain}):
        raise ValueError(f"chain must list at least two groups of {GROWTH}, smallest first, got {chain}")
    if not seeds:
        raise ValueError("give at least one seed")
    _check_positive("epochs", epochs, integer=True)
    start_epochs = epochs if start_epochs is None else start_epochs
    _check_positive("start_epochs", start_epochs, integer=True)
    device = get_device() if device is None else torch.device(device)
    results: list[GrowthStep] = []
    runs = len(routes) * len(seeds) * (2 * len(chain) - 1)
    bar = tqdm(total=runs, desc="growth runs", disable=not progress)
    for seed in seeds:
        boards = random_boards(n_traj, (size, size), density=density, seed=seed)
        data = TrajectoryDataset(simulate(rule, boards, steps), visible=n_traj)
        per_epoch = math.ceil(len(data) / BATCH_SIZE)
        check = boards[:, : min(size, 16), : min(size, 16)]
        for route in routes:
            model = growth_model(route, chain[0], seed)
            _epochs_to_exact(model, data, start_epochs, seed, device)
            bar.update()
            for start, to in zip(chain, chain[1:]):
                grown = grow_group(model, to)
                after = evaluate(grown, data, device)
                mirrored = to == "p4" and equivariance_error(grown, check, "p4m") < 1e-4
                step = dict(route=route, seed=seed, start=start, to=to, source_patterns=pattern_accuracy(model, rule),
                            source_boards=evaluate(model, data, device)["board_acc"],
                            grown_patterns=pattern_accuracy(grown, rule), grown_boards=after["board_acc"],
                            grown_cells=after["cell_acc"], equivariance=equivariance_error(grown, check, to),
                            symmetry="p4m" if mirrored else to,
                            retrain_epochs=_epochs_to_exact(grown, data, epochs, seed, device))
                bar.update()
                scratch = growth_model(route, to, seed)
                step["scratch_epochs"] = _epochs_to_exact(scratch, data, epochs, seed, device)
                bar.update()
                results.append(GrowthStep(**step, steps_per_epoch=per_epoch))
                model = grown
    bar.close()
    return GrowthComparison(rule=rule, steps=results, epochs=epochs, data=(n_traj, steps, size))
