"""A network for 1-D rules (:class:`OneDNet`), trained on pairs of rows (:func:`fit_1d`) and read back as a table
(:func:`read_1d`).

The network sees a row as a ring: a convolution over each cell's window of ``2r + 1`` cells, then two 1x1 layers,
so its next state of a cell is a function of that window alone, the same everywhere along the row.  With
``symmetric=True`` the window's kernel is its own mirror image, so the network commutes with reversing the row:
reflection is its symmetry group, and it can only learn reflection-symmetric rules.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lifelab.errors import InputError
from lifelab.evidence.oned import row_pairs
from lifelab.rules import MAX_RADIUS, window_digits
from lifelab.rules.base import check_states
from lifelab.utils import MODEL_DTYPE, check_int, device_of, eval_mode, get_device, model_threads, one_hot, seeded

__all__ = ["OneDNet", "fit_1d", "read_1d"]


class OneDNet(nn.Module):
    """A 1-D rule network: a window convolution over a ring, ReLU, a 1x1 layer, ReLU, and 1x1 logits per state.

    Attributes:
        states: Cell states (input one-hot channels and output logits).
        radius: The window's radius (the first kernel has ``2 * radius + 1`` taps).
        symmetric: The first kernel is averaged with its mirror image, so the network commutes with reversing a row.
    """

    def __init__(self, states: int = 2, radius: int = 1, hidden: int = 32, symmetric: bool = True):
        """Args:
        states: Cell states, 2 to 256.
        radius: The window's radius, 1 to :data:`~lifelab.rules.MAX_RADIUS`.
        hidden: Channels of the hidden layers.
        symmetric: Make the window's kernel mirror-symmetric.

        Raises:
            InputError: For states, radius or hidden out of range.
        """
        super().__init__()
        self.states = check_states(states, "a 1-D network")
        self.radius = check_int("radius", radius, 1, MAX_RADIUS)
        self.symmetric = bool(symmetric)
        hidden = check_int("hidden", hidden, 1)
        self.window = nn.Conv1d(self.states, hidden, 2 * self.radius + 1)
        self.mix = nn.Conv1d(hidden, hidden, 1)
        self.out = nn.Conv1d(hidden, self.states, 1)

    def kernel(self) -> torch.Tensor:
        """The window's kernel as applied: ``(hidden, states, 2r + 1)``, mirror-symmetric when ``symmetric``."""
        weight = self.window.weight
        return (weight + weight.flip(-1)) / 2 if self.symmetric else weight

    def windows(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of ``(N, states, L)`` one-hot cells read without padding: ``(N, states, L - 2r)``, one per window
        that lies inside."""
        hidden = F.relu(F.conv1d(x, self.kernel(), self.window.bias))
        return self.out(F.relu(self.mix(hidden)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, states, W)`` of one-hot rows ``(N, states, W)``, each a ring."""
        width = x.shape[-1]
        around = torch.arange(-self.radius, width + self.radius, device=x.device) % width
        return self.windows(x[..., around])

    def step(self, rows) -> np.ndarray:
        """The network's next state of every cell of ``(..., W)`` rows of states, each a ring (uint8)."""
        arr = np.asarray(rows)
        flat = torch.as_tensor(arr.reshape(-1, arr.shape[-1]).astype(np.int64), device=device_of(self))
        with eval_mode(self), model_threads():
            logits = self(_one_hot_rows(flat, self.states, self.window.weight.dtype))
        return logits.argmax(1).cpu().numpy().astype(np.uint8).reshape(arr.shape)


def fit_1d(
    pairs,
    states: int,
    radius: int,
    *,
    epochs: int = 300,
    seed: int = 0,
    device=None,
    symmetric: bool = True,
    hidden: int = 32,
    lr: float = 0.02,
    boundary: str = "ring",
) -> OneDNet:
    """Train a :class:`OneDNet` on pairs of rows: full-batch Adam on the cross-entropy of every cell's next state.

    Each row is a ring, or (``boundary="open"``) a stretch of a longer row whose cells within ``radius`` of an end
    follow cells it does not show: those cells are left out of the loss.  Rows of different lengths are batched
    by length, each cell weighing alike; the same seed gives the same network.

    Args:
        pairs: What :func:`~lifelab.evidence.row_pairs` reads: a trajectory array, or ``(before, after)`` rows.
        states: Cell states.
        radius: The window's radius.
        epochs: Full-batch steps.
        seed: Seed of the weights.
        device: Where to train (:func:`~lifelab.utils.get_device`'s argument; None: CUDA if present).
        symmetric: Make the window's kernel mirror-symmetric (only reflection-symmetric rules can be learned).
        hidden: Channels of the hidden layers.
        lr: Adam's learning rate.
        boundary: ``"ring"`` (every cell counts) or ``"open"`` (only the cells whose window lies inside the row).

    Returns:
        The trained network, in eval mode, on ``device``.

    Raises:
        InputError: For data :func:`~lifelab.evidence.row_pairs` refuses, states beyond ``states``, or bad sizes.
    """
    groups = row_pairs(pairs)
    epochs = check_int("epochs", epochs, 1)
    if boundary not in ("ring", "open"):
        raise InputError(f"a 1-D network reads rows as a ring or open stretches, got boundary {boundary!r}")
    if boundary == "open":  # only the cells whose window lies inside their row
        groups = [(b, a[:, radius : a.shape[1] - radius]) for b, a in groups if b.shape[1] > 2 * radius]
        if not groups:
            raise InputError(f"no row is longer than a window of radius {radius}: an open row shows no whole window")
    if max(int(max(b.max(), a.max())) for b, a in groups) >= states:
        raise InputError(f"the rows hold states beyond the {states} stated")
    where = get_device(device)
    cells = sum(a.size for _, a in groups)
    score = (lambda net, x: net.windows(x)) if boundary == "open" else (lambda net, x: net(x))
    with seeded(seed), model_threads():
        net = OneDNet(states, radius, hidden, symmetric).to(device=where, dtype=MODEL_DTYPE)
        batches = [
            (_one_hot_rows(torch.as_tensor(b, device=where), states, MODEL_DTYPE), torch.as_tensor(a, device=where))
            for b, a in groups
        ]
        optimiser = torch.optim.Adam(net.parameters(), lr=lr)
        for _ in range(epochs):
            loss = torch.stack([F.cross_entropy(score(net, x), y, reduction="sum") for x, y in batches]).sum() / cells
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return net.eval()


def read_1d(net: OneDNet) -> np.ndarray:
    """The network's next state for every window, in window order: the table of the rule it has learned.

    Each window is fed as a row of its ``2r + 1`` cells read without padding, so the network's one output is its
    next state of the centre: what it gives any cell whose window that is, on a ring of any length.

    Args:
        net: A :class:`OneDNet`.

    Returns:
        ``(states ** (2r + 1),)`` uint8 next states (``OneDRule(read_1d(net), net.states, net.radius)`` is the rule).
    """
    windows = window_digits(np.arange(net.states ** (2 * net.radius + 1)), net.states, net.radius)
    cells = torch.as_tensor(windows, device=device_of(net))
    with eval_mode(net), model_threads():
        logits = net.windows(_one_hot_rows(cells, net.states, net.window.weight.dtype))
    return logits[..., 0].argmax(1).cpu().numpy().astype(np.uint8)


def _one_hot_rows(rows: torch.Tensor, states: int, dtype: torch.dtype) -> torch.Tensor:
    """``(N, W)`` rows of states as ``(N, states, W)`` one-hot channels (the boards' one-hot, on rows)."""
    return one_hot(rows[:, None, :], states, dtype)[:, :, 0]
