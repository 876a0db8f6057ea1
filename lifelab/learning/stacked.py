"""Stacked training: many 3x3 networks trained together on their pattern counts (the sweep's trainer).

For a network whose only spatial layer is one 3x3 kernel
(:class:`~lifelab.learning.models.base.WindowLayout`; the registry marks them
``stacks=True``), a cell's output depends on its 3x3 window alone, so the
loss :func:`lifelab.learning.training.train` minimises over every cell of the visible
boards is exactly a weighted loss over the 512 3x3 patterns.  Many such
networks, one per run of a sweep, are therefore trained at once on
``(runs, 512, 2)`` pattern frequencies, each with its own Adam state
(torch's update rule), the learning-rate schedule, L1 term and stop
criterion of :func:`~lifelab.learning.training.train`;
a network that reaches its stop criterion drops out of the batch.

A network tells apart only the classes of its :attr:`rule_family` (a
weight-tied 3x3 kernel sees the cell, its live edges and its live corners:
50 classes), so each is evaluated on one pattern per class, with that
class's frequencies summed: the same objective on a tenth of the patterns.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError
from lifelab.evidence import family
from lifelab.geometry import patterns, transition_counts
from lifelab.learning.kernel import window_epoch
from lifelab.learning.models import WindowLayout, model_spec
from lifelab.learning.training import L1, LR, lr_at
from lifelab.utils import MODEL_DTYPE

__all__ = ["ENGINES", "pattern_frequencies", "train_stacked"]

#: How :func:`train_stacked` takes its steps.
ENGINES = ("compiled", "torch")


def pattern_frequencies(trajectories: np.ndarray, weights: np.ndarray, batch_size: int) -> tuple[np.ndarray, int]:
    """Visible transitions as ``(512, 2)`` weighted (pattern, next state) frequencies, and train()'s steps per epoch.

    The frequencies are normalised so that their cross-entropy is the
    objective :func:`lifelab.learning.training.train` minimises over every cell of the
    boards (each trajectory weighted as the dataset weighs it).

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 visible trajectories (or a
            :class:`~lifelab.engines.simulation.PackedHistory`, read a trajectory at a time).
        weights: One weight per trajectory.
        batch_size: Boards per minibatch of the train() run this stands for.
    """
    counts = transition_counts(trajectories, weights)
    transitions = trajectories.shape[0] * (trajectories.shape[1] - 1)
    return counts / (transitions * trajectories[0, 0].size), math.ceil(transitions / batch_size)


def train_stacked(
    nets: list[nn.Module],
    frequencies: np.ndarray,
    steps_per_epoch: list[int],
    epochs: int,
    stop_probability: float,
    device: torch.device,
    engine: str | None = None,
) -> tuple[list[int], np.ndarray]:
    """Train networks of one stackable layout together, each until its stop criterion.

    The objective, learning-rate schedule, L1 term, optimiser and stop
    criterion (every observed transition right with probability at least
    ``stop_probability``) are :func:`lifelab.learning.training.train`'s; each epoch takes
    as many full-batch steps as train() would take minibatch steps.  The
    networks' parameters are updated in place.  The steps run compiled
    (:func:`lifelab.learning.kernel.window_epoch`, CPU only: a network to a
    thread, only its observed classes evaluated) or in torch (any device:
    every network's step at once); the two agree to rounding (tested).

    Args:
        nets: Networks of one registered stackable class and one configuration.
        frequencies: ``(K, 512, 2)`` from :func:`pattern_frequencies`, one per network.
        steps_per_epoch: Optimiser steps per epoch, one per network.
        epochs: Most epochs.
        stop_probability: The stop criterion.
        device: Where to train.
        engine: ``"compiled"`` or ``"torch"`` (default: compiled on the CPU, torch elsewhere).

    Returns:
        ``(epochs each trained, (K, 512) probability of "alive")``.
    """
    if not nets or not model_spec(nets[0]).stacks:
        raise InputError("train_stacked trains networks the registry marks stackable (stacks=True)")
    if any(type(net) is not type(nets[0]) or net.config != nets[0].config for net in nets):
        raise InputError("stacked networks must share one class and configuration")
    device = torch.device(device)
    engine = ("compiled" if device.type == "cpu" else "torch") if engine is None else engine
    if engine not in ENGINES:
        raise InputError(f"unknown stacked-training engine {engine!r}; expected one of {ENGINES}")
    if engine == "compiled" and device.type != "cpu":
        raise InputError(f"the compiled stacked trainer runs on the CPU, not {device}; use engine='torch'")
    layout = copy.deepcopy(nets[0]).to(device)  # its buffers (a tied kernel's orbits) on the training device
    assert isinstance(layout, WindowLayout)  # register() refuses a stackable class without the pattern form
    shapes = [(name, p.shape) for name, p in layout.named_parameters()]
    sizes = [math.prod(shape) for _, shape in shapes]
    penalised = np.concatenate([np.full(size, "weight" in name) for (name, _), size in zip(shapes, sizes, strict=True)])
    flat = np.stack(
        [torch.cat([p.detach().reshape(-1) for p in net.parameters()]).cpu().double().numpy() for net in nets]
    )
    labels = family(layout.rule_family).labels
    first = np.unique(labels, return_index=True)[1]  # one pattern per class, in class order
    x = F.one_hot(torch.from_numpy(patterns()[first].astype(np.int64)), 2).permute(0, 3, 1, 2).to(device, MODEL_DTYPE)
    weights = np.zeros((len(nets), len(first), 2))
    # numpy's stub for ufunc.at takes an index array only, not a tuple with a slice (which numpy accepts)
    np.add.at(weights, (slice(None), labels), np.asarray(frequencies, dtype=np.float64))  # type: ignore[arg-type]

    def unflat(rows: torch.Tensor) -> dict:
        return {
            name: part.reshape(len(rows), *shape)
            for (name, shape), part in zip(shapes, rows.split(sizes, dim=1), strict=True)
        }

    if engine == "compiled":
        features = layout.window_features(x).cpu().numpy()
        shape_of = dict(shapes)
        widths = (shape_of["net.0.bias"][0], shape_of["net.2.bias"][0])
        adam = (np.zeros_like(flat), np.zeros_like(flat), np.zeros(len(nets)))
        steps = np.asarray(steps_per_epoch, dtype=np.int64)

        def epoch_of(runs: list[int], lr: float) -> np.ndarray:
            return window_epoch(
                flat, adam, features, weights, np.asarray(runs, dtype=np.int64), steps, lr, L1, penalised, widths
            )[runs]
    else:
        rows = [torch.from_numpy(row).to(device, MODEL_DTYPE).requires_grad_() for row in flat]
        optimiser = torch.optim.Adam(rows, lr=LR, foreach=True)  # one tensor, and so one Adam state, per run
        c = torch.from_numpy(weights).to(device, MODEL_DTYPE)
        observed, penal = c > 0, torch.from_numpy(penalised).to(device)

        def epoch_of(runs: list[int], lr: float) -> np.ndarray:
            for group in optimiser.param_groups:
                group["lr"] = lr
            for step in range(max(steps_per_epoch[k] for k in runs)):
                idx = [k for k in runs if steps_per_epoch[k] > step]
                optimiser.zero_grad(set_to_none=True)  # a run without a step this time keeps no gradient
                sub = torch.stack([rows[k] for k in idx])
                loss = -(c[idx] * layout.pattern_logits(unflat(sub), x).log_softmax(-1)).sum()
                (loss + L1 * (sub.abs() * penal).sum()).backward()
                optimiser.step()
            with torch.no_grad():
                probs = layout.pattern_logits(unflat(torch.stack([rows[k] for k in runs])), x).softmax(-1)
                worst = torch.where(observed[runs], probs, torch.ones_like(probs)).amin(dim=(1, 2))
            flat[runs] = torch.stack([rows[k] for k in runs]).detach().cpu().numpy()
            return worst.cpu().numpy()

    trained = [epochs] * len(nets)
    active = list(range(len(nets)))
    for epoch in range(epochs):
        worst = epoch_of(active, lr_at(epoch, epochs, LR, "cosine"))
        for k, low in zip(list(active), worst.tolist(), strict=True):
            if low >= stop_probability:
                active.remove(k)
                trained[k] = epoch + 1
        if not active:
            break
    with torch.no_grad():
        params = unflat(torch.from_numpy(flat).to(device, MODEL_DTYPE))
        for k, net in enumerate(nets):
            for name, p in net.to(MODEL_DTYPE).named_parameters():
                p.copy_(params[name][k].to(p.device))
        alive = layout.pattern_logits(params, x).softmax(-1)[..., 1].cpu().numpy()
    return trained, alive[:, labels]
