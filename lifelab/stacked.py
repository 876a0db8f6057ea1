"""Stacked training: many 3x3 networks trained together on their pattern counts (the sweep's trainer).

For a network whose only spatial layer is one 3x3 kernel
(:class:`~lifelab.models.base.WindowLayout`; the registry marks them
``stacks=True``), a cell's output depends on its 3x3 window alone, so the
loss :func:`lifelab.train.train` minimises over every cell of the visible
boards is exactly a weighted loss over the 512 3x3 patterns.  Many such
networks, one per run of a sweep, are therefore trained at once on
``(runs, 512, 2)`` pattern frequencies, each with its own Adam state
(torch's :class:`torch.optim.Adam`, one parameter tensor per run), the
learning-rate schedule, L1 term and stop criterion of :func:`~lifelab.train.train`;
a network that reaches its stop criterion drops out of the batch.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError
from lifelab.models import model_spec
from lifelab.patterns import patterns, transition_counts
from lifelab.train import L1, LR, lr_at
from lifelab.utils import MODEL_DTYPE

__all__ = ["pattern_frequencies", "train_stacked"]


def pattern_frequencies(trajectories: np.ndarray, weights: np.ndarray, batch_size: int) -> tuple[np.ndarray, int]:
    """Visible transitions as ``(512, 2)`` weighted (pattern, next state) frequencies, and train()'s steps per epoch.

    The frequencies are normalised so that their cross-entropy is the
    objective :func:`lifelab.train.train` minimises over every cell of the
    boards (each trajectory weighted as the dataset weighs it).

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 visible trajectories.
        weights: One weight per trajectory.
        batch_size: Boards per minibatch of the train() run this stands for.
    """
    counts = transition_counts(trajectories, weights)
    transitions = trajectories.shape[0] * (trajectories.shape[1] - 1)
    return counts / (transitions * trajectories[0, 0].size), math.ceil(transitions / batch_size)


def train_stacked(nets: list[nn.Module], frequencies: np.ndarray, steps_per_epoch: list[int], epochs: int,
                  stop_probability: float, device: torch.device) -> tuple[list[int], np.ndarray]:
    """Train networks of one stackable layout together, each until its stop criterion.

    The objective, learning-rate schedule, L1 term, optimiser and stop
    criterion (every observed transition right with probability at least
    ``stop_probability``) are :func:`lifelab.train.train`'s; each epoch takes
    as many full-batch steps as train() would take minibatch steps.  The
    networks' parameters are updated in place.

    Args:
        nets: Networks of one registered stackable class and one configuration.
        frequencies: ``(K, 512, 2)`` from :func:`pattern_frequencies`, one per network.
        steps_per_epoch: Optimiser steps per epoch, one per network.
        epochs: Most epochs.
        stop_probability: The stop criterion.
        device: Where to train.

    Returns:
        ``(epochs each trained, (K, 512) probability of "alive")``.
    """
    if not nets or not model_spec(nets[0]).stacks:
        raise InputError("train_stacked trains networks the registry marks stackable (stacks=True)")
    if any(type(net) is not type(nets[0]) or net.config != nets[0].config for net in nets):
        raise InputError("stacked networks must share one class and configuration")
    layout = nets[0]
    shapes = [(name, p.shape) for name, p in layout.named_parameters()]
    sizes = [math.prod(shape) for _, shape in shapes]
    flats = [torch.cat([p.detach().reshape(-1) for p in net.parameters()]).to(device, MODEL_DTYPE).requires_grad_()
             for net in nets]
    penalised = torch.cat([torch.full((size,), "weight" in name) for (name, _), size in zip(shapes, sizes)])
    penalised = penalised.to(device)
    optimiser = torch.optim.Adam(flats, lr=LR, foreach=True)  # one tensor, and so one Adam state, per run

    def unflat(flat: torch.Tensor) -> dict:
        return {name: part.reshape(len(flat), *shape)
                for (name, shape), part in zip(shapes, flat.split(sizes, dim=1))}

    layout = copy.deepcopy(layout).to(device)  # its buffers (a tied kernel's orbits) on the training device
    x = F.one_hot(torch.from_numpy(patterns().astype(np.int64)), 2).permute(0, 3, 1, 2).to(device, MODEL_DTYPE)
    c = torch.from_numpy(np.asarray(frequencies)).to(device, MODEL_DTYPE)
    observed = c > 0
    per_step = list(steps_per_epoch)
    trained = [epochs] * len(nets)
    active = [True] * len(nets)
    for epoch in range(epochs):
        for group in optimiser.param_groups:
            group["lr"] = lr_at(epoch, epochs, LR, "cosine")
        for step in range(max(s for s, on in zip(per_step, active) if on)):
            idx = [k for k in range(len(nets)) if active[k] and per_step[k] > step]
            optimiser.zero_grad(set_to_none=True)  # a run without a step this time keeps no gradient: Adam skips it
            sub = torch.stack([flats[k] for k in idx])
            loss = -(c[idx] * layout.pattern_logits(unflat(sub), x).log_softmax(-1)).sum()
            loss = loss + L1 * (sub.abs() * penalised).sum()
            loss.backward()
            optimiser.step()
        with torch.no_grad():
            idx = [k for k in range(len(nets)) if active[k]]
            probs = layout.pattern_logits(unflat(torch.stack([flats[k] for k in idx])), x).softmax(-1)
            worst = torch.where(observed[idx], probs, torch.ones_like(probs)).amin(dim=(1, 2))
            for k, low in zip(idx, worst.tolist()):
                if low >= stop_probability:
                    active[k], trained[k] = False, epoch + 1
        if not any(active):
            break
    with torch.no_grad():
        params = unflat(torch.stack(flats))
        for k, net in enumerate(nets):
            for name, p in net.to(MODEL_DTYPE).named_parameters():
                p.copy_(params[name][k].to(p.device))
        alive = layout.pattern_logits(params, x).softmax(-1)[..., 1].cpu().numpy()
    return trained, alive
