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

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from lifelab.data import TrajectoryDataset, load_or_generate
from lifelab.models import LifeModel, build_model
from lifelab.rules import Rule
from lifelab.simulate import as_rule
from lifelab.symmetry import consistency_loss, group_elements
from lifelab.utils import atomic_path, data_dir

__all__ = ["CHECKPOINT_FORMAT", "ZOO", "History", "checkpoint_path", "evaluate", "fit_zoo_model", "l1_penalty",
           "load_checkpoint", "load_model", "new_zoo_model", "train"]

CHECKPOINT_FORMAT = "lifelab-checkpoint-1"
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
          epochs: int = 100, batch_size: int = 8, lr: float = 1e-2, schedule: str = "cosine",
          l1: float = 1e-5, consistency: float = 0.0, group: str = "p4m", early_stop: bool = True,
          stop_probability: float | None = None, device=None, amp: bool = False, seed: int = 0, checkpoint=None,
          rule: Rule | str | None = None, progress: bool = True) -> History:
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
                "stop_probability": stop_probability}
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
