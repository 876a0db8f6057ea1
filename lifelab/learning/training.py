"""Training: weighted cross-entropy, L1 sparsity, symmetry consistency, resumable runs.

:func:`train` fits any model of the zoo to a :class:`~lifelab.learning.dataset.TrajectoryDataset`
on the CPU or a GPU with the same code path: the visible transitions are
moved to the device once, batches are drawn from a generator seeded by
``(seed, epoch)``, and a checkpoint (:mod:`lifelab.learning.checkpoint`) written after
every epoch lets an interrupted run resume exactly where it stopped.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import consistency_loss, group_elements
from lifelab.learning.checkpoint import Identity, fingerprint, read_checkpoint, write_checkpoint
from lifelab.learning.dataset import IGNORE, TrajectoryDataset
from lifelab.learning.models import LifeModel, build_model, pattern_table
from lifelab.rules import Rule, as_rule
from lifelab.utils import (
    MODEL_DTYPE,
    check_int,
    check_number,
    deterministic,
    device_of,
    eval_mode,
    get_device,
    model_threads,
    progress_bar,
    shorten,
)

__all__ = ["BATCH_SIZE", "L1", "LR", "History", "evaluate", "l1_penalty", "load_model", "lr_at", "train"]

#: Transitions per optimiser step unless told otherwise.
BATCH_SIZE = 8
#: Peak learning rate unless told otherwise.
LR = 1e-2
#: L1 coefficient unless told otherwise (1e-5, as in the notes).
L1 = 1e-5
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
        val = (
            f", val cells {self.val_cell_acc[-1]:.4f} boards {self.val_board_acc[-1]:.3f}" if self.val_cell_acc else ""
        )
        done = (
            f"converged after epoch {self.converged_epoch}"
            if self.converged_epoch is not None
            else f"not converged after {self.epochs} epochs"
        )
        return f"{done}: train cells {self.train_cell_acc[-1]:.4f} boards {self.train_board_acc[-1]:.3f}{val}"

    def plot(self, fig=None, label: str | None = None):
        """Training curves; see :func:`lifelab.viz.plot_training_curves`."""
        from lifelab.viz import plot_training_curves

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


def _cell_loss(logits: torch.Tensor, targets: torch.Tensor, counted: torch.Tensor) -> torch.Tensor:
    """Per-board mean cross-entropy over the cells that count (targets :data:`~lifelab.learning.dataset.IGNORE`
    do not)."""
    per_cell = F.cross_entropy(logits, targets, reduction="none", ignore_index=IGNORE)
    return per_cell.sum((1, 2)) / counted.sum((1, 2)).clamp_min(1)


@model_threads()
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
    device = device_of(model) if device is None else device
    x, y, w = data.tensors(device) if isinstance(data, TrajectoryDataset) else data
    if len(x) == 0:
        raise InputError("cannot evaluate on an empty dataset")
    loss = cells = boards = 0.0
    min_prob = 1.0
    with eval_mode(model):
        for start in range(0, len(x), batch_size):
            xb, yb, wb = (t[start : start + batch_size].to(device) for t in (x, y, w))
            logits = model(xb)
            counted = yb != IGNORE
            loss += float((_cell_loss(logits, yb, counted) * wb).sum())
            right = (logits.argmax(1) == yb) | ~counted
            cells += float(((right & counted).sum((1, 2)) / counted.sum((1, 2)).clamp_min(1)).sum())
            boards += float(right.flatten(1).all(1).float().sum())
            true_prob = logits.softmax(1).gather(1, yb.clamp_min(0).unsqueeze(1))[:, 0]
            min_prob = min(min_prob, float(torch.where(counted, true_prob, 1.0).min()))
    n = len(x)
    return {"loss": loss / n, "cell_acc": cells / n, "board_acc": boards / n, "min_prob": min_prob, "n": n}


def load_model(path, device=None) -> tuple[LifeModel, History]:
    """Rebuild a trained model from its checkpoint.

    Args:
        path: Checkpoint file.
        device: Where to put the model (default CPU).

    Returns:
        ``(model, history)``, the model in eval mode.
    """
    state = read_checkpoint(path)
    identity = state["identity"]
    stored = sum(t.numel() for t in state["model_state"].values())
    try:
        with torch.device("meta"):  # the model the identity describes, sized before any memory is taken
            skeleton = build_model(identity.model, **identity.config)
        described = sum(t.numel() for t in skeleton.state_dict().values())
    except (TypeError, ValueError) as err:
        raise InputError(f"{path}: its identity describes no model lifelab builds ({err})") from None
    except RuntimeError:  # e2cnn computes its basis, which the meta device cannot: built for real below
        described = None
    if described is not None and described != stored:
        raise InputError(
            f"{path}: its identity describes a {identity.model} model of {described:,} numbers, its "
            f"weights hold {stored:,}"
        )
    model = build_model(identity.model, **identity.config)
    built = sum(p.numel() for p in model.parameters())
    dtype = next((t.dtype for t in state["model_state"].values() if t.is_floating_point()), MODEL_DTYPE)
    try:
        model.to(dtype).load_state_dict(state["model_state"])  # in the checkpoint's precision, not cast down
    except (RuntimeError, TypeError) as err:
        raise InputError(
            f"{path}: its weights do not fit the {identity.model} model its identity describes "
            f"({built:,} parameters): {str(err).splitlines()[0]}"
        ) from None
    try:
        history = History.from_dict(state["history"])
    except (TypeError, KeyError, ValueError) as err:
        raise InputError(f"{path}: an unreadable training history ({err})") from None
    return model.to(device or "cpu").eval(), history


def lr_at(epoch: int, epochs: int, lr: float, schedule: str) -> float:
    """The learning rate of an epoch: ``lr`` throughout (``"constant"``), or cosine from ``lr`` down to ``lr / 100``."""
    if schedule == "constant":
        return lr
    # cosine from lr down to lr / 100 over the planned epochs
    return lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * min(epoch, epochs) / epochs)))


@model_threads()
@deterministic()
def train(
    model: nn.Module,
    dataset: TrajectoryDataset,
    *,
    val: TrajectoryDataset | None = None,
    epochs: int = 100,
    batch_size: int = BATCH_SIZE,
    lr: float = LR,
    schedule: str = "cosine",
    l1: float = L1,
    consistency: float = 0.0,
    group: str = "p4m",
    early_stop: bool = True,
    stop_probability: float | None = None,
    stable_epochs: int | None = None,
    device=None,
    amp: bool = False,
    seed: int = 0,
    checkpoint=None,
    rule: Rule | str | None = None,
    progress: bool = True,
) -> History:
    """Fit a model to the visible transitions of a dataset.

    The objective is the weighted cross-entropy (each transition weighted
    by its trajectory, newer trajectories more), plus ``l1`` times
    :func:`l1_penalty`, plus ``consistency`` times
    :func:`lifelab.geometry.symmetry.consistency_loss` under ``group``.  Adam with a
    per-epoch learning rate (cosine down to ``lr / 100``, or constant).
    The model is converted to :data:`lifelab.utils.MODEL_DTYPE` (float64;
    float32 with ``amp``) and trained in it, so the same seed gives the
    same model on every CPU; torch runs on
    :data:`lifelab.utils.threads.MODEL_THREADS` CPU threads (one), with
    deterministic algorithms, so a busy core does not stall the run; the
    caller's thread count and determinism flag are restored after.

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
        amp: bfloat16 mixed precision (CUDA only; the model's weights are then float32).
        seed: Seed of the batch order (epoch ``e`` uses ``(seed, e)``).
        checkpoint: Path of a checkpoint written after every epoch; if it
            exists, training resumes from it (a finished run is just
            reloaded).  It must be for the same model and rule.
        rule: The rule the data comes from, recorded in (and checked against) the checkpoint.
        progress: Show a progress bar over the epochs (:func:`lifelab.utils.progress_bar`),
            named by the model's class, the rule and the seed.

    Returns:
        The :class:`History` of the run (including resumed epochs).

    Raises:
        ValueError: For bad settings, an empty dataset, or a checkpoint of another model or rule.
    """
    if not isinstance(model, nn.Module):
        raise InputTypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(dataset, TrajectoryDataset) or (val is not None and not isinstance(val, TrajectoryDataset)):
        raise InputTypeError("dataset and val must be lifelab TrajectoryDataset objects")
    if not dataset.one_hot:
        raise InputError("train needs one-hot inputs; build the dataset with one_hot=True")
    if len(dataset) == 0:
        raise InputError("the dataset has no visible transitions; reveal at least one trajectory")
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    check_number("lr", lr, 0, open_low=True)
    check_number("l1", l1, 0)
    check_number("consistency", consistency, 0)
    if stop_probability is not None:
        check_number("stop_probability", stop_probability, 0.5, 1, open_low=True, open_high=True)
    if stable_epochs is not None:
        check_int("stable_epochs", stable_epochs, 1)
    if schedule not in SCHEDULES:
        raise InputError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if consistency:
        group_elements(group)
    device = get_device(device)
    if amp and device.type != "cuda":
        raise InputError("amp (bfloat16 mixed precision) needs a CUDA device")
    rule = None if rule is None else as_rule(rule)

    dtype = torch.float32 if amp else MODEL_DTYPE  # autocast needs float32 weights to cast down from
    model.to(device=device, dtype=dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    x, y, w = (t.to(dtype) if t.is_floating_point() else t for t in dataset.tensors(device))
    val_data = (
        None
        if val is None or not len(val)
        else tuple(t.to(dtype) if t.is_floating_point() else t for t in val.tensors(device))
    )
    settings = {
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "schedule": schedule,
        "l1": l1,
        "consistency": consistency,
        "group": group,
        "seed": seed,
        "amp": amp,
        "early_stop": early_stop,
        "stop_probability": stop_probability,
        "stable_epochs": stable_epochs,
    }
    path = None if checkpoint is None else Path(checkpoint)
    identity = None if path is None else Identity.of(model, rule, settings, fingerprint(x, y, w))
    if path is not None and identity is not None and path.exists():
        state = read_checkpoint(path)
        identity.check(state["identity"], path)
        model.load_state_dict(state["model_state"])
        optimizer.load_state_dict(state["optimizer_state"])
        history = History.from_dict(state["history"])
    if history.converged_epoch is not None or history.epochs >= epochs:
        return history

    table, unchanged, plateau = None, 0, math.inf
    label = f"train {type(model).__name__}" + (f" on {shorten(rule)}" if rule is not None else "") + f", seed {seed}"
    with progress_bar(epochs, label, enabled=progress, unit="epoch") as bar:
        bar.update(history.epochs)
        table, unchanged, plateau = None, 0, math.inf
        for epoch in range(history.epochs, epochs):
            started = time.perf_counter()
            rate = lr_at(epoch, epochs, lr, schedule)
            for group_ in optimizer.param_groups:
                group_["lr"] = rate
            model.train()
            order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed * 100_003 + epoch))
            total = 0.0
            for start in range(0, len(x), batch_size):
                idx = order[start : start + batch_size].to(device)
                xb, yb, wb = x[idx], y[idx], w[idx]
                with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                    logits = model(xb)
                    loss = (_cell_loss(logits.to(dtype), yb, yb != IGNORE) * wb).mean()
                    if consistency:
                        loss = loss + consistency * consistency_loss(model, xb, group, logits).to(dtype)
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
            bar.update()
            bar.set_postfix(loss=f"{on_train['loss']:.3g}", cells=f"{on_train['cell_acc']:.4f}")
            if path is not None and identity is not None:
                write_checkpoint(path, identity, model, optimizer, history.as_dict())
            if history.converged_epoch is not None:
                break
    return history
