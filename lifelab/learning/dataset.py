"""The training dataset: transitions of the visible trajectories, newer ones weighing more.

* :func:`trajectory_weights` weighs the visible trajectories, rising from the
  oldest to the newest (mean 1).
* :class:`TrajectoryDataset` serves transitions ``(x_t, x_{t+1}, weight)``
  from an ordered list of *visible* trajectories, with the boundary's cells
  left out of the loss (:data:`IGNORE`).
* :func:`cumulative_coverage` counts the 3x3 configurations the inputs show
  as trajectories become visible.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from lifelab.engines import PackedHistory, checked_trajectories
from lifelab.errors import InputError
from lifelab.geometry import configuration_counts
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.utils import MODEL_DTYPE, check_int, check_number, get_device, one_hot

__all__ = ["IGNORE", "WEIGHTINGS", "TrajectoryDataset", "cumulative_coverage", "trajectory_weights"]

WEIGHTINGS = ("uniform", "linear", "geometric")
#: The target of a cell whose next state is not evidence (beyond an open or dead boundary): cross-entropy's
#: ``ignore_index``, so it adds nothing to the loss; accuracies skip it too.
IGNORE = -100


def cumulative_coverage(trajectories) -> np.ndarray:
    """Configuration counts of the transitions' inputs as trajectories become visible.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 array, in visibility order.

    Returns:
        ``(n, 512)`` int64: row ``k`` counts the 3x3 configurations at the
        inputs ``x_t`` (t < T) of trajectories ``0..k``.
    """
    traj = validate_trajectories(trajectories)
    return np.cumsum([configuration_counts(t[:-1]) for t in traj], axis=0)


def trajectory_weights(count: int, scheme: str = "linear", ratio: float = 2.0) -> np.ndarray:
    """Per-trajectory weights, rising from the oldest to the newest.

    Weights are normalised to mean 1, so the loss keeps its scale as
    trajectories are revealed; ``uniform`` is the baseline (all 1).

    Args:
        count: Number of visible trajectories (0 gives an empty array).
        scheme: ``"uniform"``, ``"linear"`` (1, 2, ..., count) or
            ``"geometric"`` (1, ratio, ratio^2, ...), before normalising.
        ratio: Growth factor of the geometric scheme (> 0).

    Returns:
        ``(count,)`` float64 array, oldest first.
    """
    if scheme not in WEIGHTINGS:
        raise InputError(f"unknown weighting {scheme!r}; expected one of {', '.join(WEIGHTINGS)}")
    count = check_int("count", count, 0)
    check_number("ratio", ratio, 0, open_low=True)
    if count == 0:
        return np.zeros(0)
    if scheme == "uniform":
        raw = np.ones(count)
    elif scheme == "linear":
        raw = np.arange(1, count + 1, dtype=float)
    else:
        raw = float(ratio) ** np.arange(count, dtype=float)
    return raw / raw.mean()


class TrajectoryDataset(Dataset):
    """Transitions ``(x_t, x_{t+1}, weight)`` from the visible trajectories.

    Trajectories become visible in ``order``; the first ``visible`` are
    served.  The weight of a transition is that of its trajectory, rising
    from the oldest visible one to the newest (:func:`trajectory_weights`).

    Inputs ``x_t`` come out one-hot as ``(2, H, W)`` float (channel 1 =
    alive; what the models take) or, with ``one_hot=False``, as ``(H, W)``
    long class indices.  Targets ``x_{t+1}`` are always ``(H, W)`` long class
    indices, what cross-entropy takes.  Weights are scalars of :data:`lifelab.utils.MODEL_DTYPE`.

    A boundary other than the torus: ``"open"`` (the world goes on beyond the
    frame) marks the targets of cells within ``margin`` of the edge
    :data:`IGNORE`, since the frame does not show all they depend on;
    ``"dead"`` (a dead outside) frames every board with ``margin`` dead
    cells and marks the frame's targets :data:`IGNORE`.  ``margin`` is how far
    the model sees (its receptive radius), so that no counted cell's output
    depends on the wrap-around of the models' circular padding.
    """

    def __init__(
        self,
        trajectories,
        visible: int = 1,
        order: Sequence[int] | None = None,
        weighting: str = "linear",
        ratio: float = 2.0,
        skip: int = 0,
        max_transitions: int | None = None,
        one_hot: bool = True,
        states: int | None = None,
        boundary: str = "torus",
        margin: int = 1,
    ):
        """Build the dataset.

        Args:
            trajectories: ``(n, T + 1, H, W)`` 0/1 array of all available trajectories, or a
                :class:`~lifelab.engines.simulation.PackedHistory`, kept packed: a transition's two boards
                are unpacked when it is served.
            visible: How many are visible at the start (0 to n).
            order: The order in which trajectories become visible (a
                permutation of a subset of ``range(n)``); default ``0..n-1``.
            weighting: ``"uniform"``, ``"linear"`` or ``"geometric"``.
            ratio: Growth factor of the geometric weighting.
            skip: Steps to skip at the start of each trajectory (transients).
            max_transitions: Cap on transitions used per trajectory (the
                first ones after ``skip``); None for all.
            one_hot: Inputs as one-hot ``(states, H, W)`` float, else ``(H, W)`` long.
            states: Number of cell states (default: what the data show, 2 for 0/1 data).
            boundary: ``"torus"``, ``"dead"`` or ``"open"`` (see above).
            margin: Cells at the edge a boundary other than the torus leaves out of the loss (or frames with).
        """
        self._traj = checked_trajectories(trajectories, states=states)
        if boundary not in ("torus", "dead", "open"):
            raise InputError(f"boundary must be 'torus', 'dead' or 'open', got {boundary!r}")
        self.boundary, self.margin = boundary, check_int("margin", margin, 0)
        packed = isinstance(self._traj, PackedHistory)
        self.states = states if states is not None else 2 if packed else trajectory_states(self._traj)
        n, length = self._traj.shape[:2]
        self.order = list(range(n)) if order is None else [int(i) for i in order]
        if len(set(self.order)) != len(self.order) or any(not 0 <= i < n for i in self.order):
            raise InputError(f"order must list distinct trajectory indices in 0-{n - 1}, got {self.order}")
        skip = check_int("skip", skip, 0, length - 2)
        per = length - 1 - skip
        if max_transitions is not None:
            per = min(per, check_int("max_transitions", max_transitions, 1))
        trajectory_weights(0, weighting, ratio)  # validates the scheme
        self.weighting, self.ratio, self.skip, self.one_hot = weighting, ratio, skip, one_hot
        self.transitions_per_trajectory = per
        self.visible = 0
        self.reveal(visible)

    @property
    def available(self) -> int:
        """How many trajectories can ever become visible."""
        return len(self.order)

    @property
    def visible_indices(self) -> list[int]:
        """Indices (into the trajectory array) of the visible trajectories, oldest first."""
        return self.order[: self.visible]

    def reveal(self, k: int = 1) -> int:
        """Make the next ``k`` trajectories visible.

        Returns:
            The new visible count.

        Raises:
            ValueError: If fewer than ``k`` trajectories remain hidden.
        """
        k = check_int("k", k, 0)
        if self.visible + k > self.available:
            raise InputError(
                f"cannot reveal {k} more: {self.visible} of {self.available} trajectories are visible already"
            )
        self.visible += k
        return self.visible

    def weights(self) -> np.ndarray:
        """Per-trajectory weights of the visible trajectories, oldest first (mean 1)."""
        return trajectory_weights(self.visible, self.weighting, self.ratio)

    def __len__(self) -> int:
        return self.visible * self.transitions_per_trajectory

    def _locate(self, index: int) -> tuple[int, int, int]:
        if not -len(self) <= index < len(self):
            raise IndexError(f"transition {index} out of range for {len(self)} visible transitions")
        index %= len(self)
        position, t = divmod(index, self.transitions_per_trajectory)
        return position, self.order[position], self.skip + t

    def _cells(self, trajectories, frames) -> torch.Tensor:
        """Frames of some trajectories (as numpy indexes the first two axes), unpacked here from a packed history."""
        return torch.from_numpy(np.ascontiguousarray(self._traj[trajectories, frames]))

    def _framed(self, boards: torch.Tensor) -> torch.Tensor:
        """Boards in their dead frame (``boundary="dead"``), else as they are."""
        if self.boundary != "dead" or not self.margin:
            return boards
        m = self.margin
        return torch.nn.functional.pad(boards, (m, m, m, m))

    def _targets(self, boards: torch.Tensor) -> torch.Tensor:
        """Next states as class indices, :data:`IGNORE` where the boundary leaves a cell out."""
        y = self._framed(boards).long()
        if self.boundary != "torus" and self.margin:
            keep = torch.zeros(y.shape[-2:], dtype=torch.bool)
            m = self.margin
            keep[m : y.shape[-2] - m, m : y.shape[-1] - m] = True
            y[..., ~keep] = IGNORE
        return y

    def _encode(self, board: torch.Tensor) -> torch.Tensor:
        board = self._framed(board)
        return one_hot(board, self.states) if self.one_hot else board.long()

    def __getitem__(self, index: int):
        position, traj, t = self._locate(int(index))
        if getattr(self, "_weights_for", None) != self.visible:  # recomputed only after a reveal
            self._weights_for, self._weights = self.visible, torch.from_numpy(self.weights()).to(MODEL_DTYPE)
        weight = self._weights[position]
        now, after = self._cells(traj, slice(t, t + 2))
        return self._encode(now), self._targets(after), weight

    def pairs(self) -> np.ndarray:
        """The visible transitions as ``(N, 2, H, W)`` boards ``(x_t, x_{t+1})`` of states, unframed."""
        frames = self._cells(self.visible_indices, slice(self.skip, self.skip + self.transitions_per_trajectory + 1))
        now, after = frames[:, :-1].flatten(0, 1), frames[:, 1:].flatten(0, 1)
        return torch.stack([now, after], dim=1).numpy()

    def tensors(self, device=None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """All visible transitions at once, for training loops that move data to the device once.

        Returns:
            ``(inputs, targets, weights)`` with leading dimension ``len(self)``.
        """
        frames = self._cells(self.visible_indices, slice(self.skip, self.skip + self.transitions_per_trajectory + 1))
        x = frames[:, :-1].flatten(0, 1)
        y = self._targets(frames[:, 1:].flatten(0, 1))
        w = torch.from_numpy(self.weights()).to(MODEL_DTYPE).repeat_interleave(self.transitions_per_trajectory)
        return self._encode(x).to(device), y.to(device), w.to(device)

    def split(self, val_fraction: float = 0.2, seed: int = 0) -> tuple[TrajectoryDataset, TrajectoryDataset]:
        """Split the visible trajectories into train and validation sets, by trajectory.

        Whole trajectories go to one side, never single transitions, so no
        board of a validation trajectory is seen in training.  Each side keeps
        the visibility order (and so the weights rise with age on each side).

        Args:
            val_fraction: Fraction of visible trajectories for validation
                (at least one when two or more are visible).
            seed: Seed of the random choice.

        Returns:
            ``(train, validation)`` datasets with all their trajectories visible.
        """
        if not 0.0 < val_fraction < 1.0:
            raise InputError(f"val_fraction must be in (0, 1), got {val_fraction!r}")
        if self.visible < 2:
            raise InputError(f"need at least 2 visible trajectories to split, have {self.visible}")
        n_val = min(self.visible - 1, max(1, round(self.visible * val_fraction)))
        chosen = set(np.random.default_rng(seed).choice(self.visible, size=n_val, replace=False).tolist())
        train = [i for p, i in enumerate(self.visible_indices) if p not in chosen]
        val = [i for p, i in enumerate(self.visible_indices) if p in chosen]
        return self._with_order(train), self._with_order(val)

    def _with_order(self, order: list[int]) -> TrajectoryDataset:
        clone = TrajectoryDataset.__new__(TrajectoryDataset)
        clone.__dict__.update(self.__dict__)
        clone.order, clone.visible = list(order), len(order)
        return clone

    def loader(self, batch_size: int = 64, shuffle: bool = True, device=None, seed: int = 0) -> DataLoader:
        """A ``DataLoader`` over the visible transitions.

        Uses ``num_workers=0`` (the data already lives in memory) and pins
        memory when ``device`` is CUDA.  Batches are ``(x, y, weight)``.
        """
        pin = get_device(device).type == "cuda" if device is not None else False
        generator = torch.Generator().manual_seed(seed)
        return DataLoader(
            self, batch_size=batch_size, shuffle=shuffle, num_workers=0, pin_memory=pin, generator=generator
        )
