"""Trajectories: the store under ``data/``, the training dataset, the data supply agent.

* :func:`load_or_generate` simulates trajectories of a rule (seeded) and caches
  them as bit-packed ``.npz`` files with their metadata; :func:`save_trajectories`
  and :func:`load_trajectories` are the validated, atomic file layer.
* :class:`TrajectoryDataset` serves transitions ``(x_t, x_{t+1}, weight)`` from
  an ordered list of *visible* trajectories; newer trajectories weigh more.
* :class:`DataSupplyAgent` owns the data of the active-learning loop: it
  starts with one visible trajectory, collects new ones from the oracle rule
  (or takes them from outside) and reveals one more per round.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from lifelab.engines import PackedHistory, checked_trajectories, random_boards, simulate
from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import configuration_counts
from lifelab.io import FORMAT_VERSION, read_recording
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.rules import RULE_TYPES, Rule, StochasticRule, as_rule, parse_rule, rule_states
from lifelab.utils import (
    MODEL_DTYPE,
    atomic_path,
    check_int,
    check_number,
    data_dir,
    get_device,
    lifelab_version,
    one_hot,
)

__all__ = [
    "IGNORE",
    "DataSupplyAgent",
    "TrajectoryDataset",
    "TrajectorySpec",
    "WEIGHTINGS",
    "cumulative_coverage",
    "load_or_generate",
    "load_trajectories",
    "save_trajectories",
    "trajectory_weights",
]

WEIGHTINGS = ("uniform", "linear", "geometric")
#: The target of a cell whose next state is not evidence (beyond an open or dead boundary): cross-entropy's
#: ``ignore_index``, so it adds nothing to the loss; accuracies skip it too.
IGNORE = -100


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TrajectorySpec:
    """Everything that determines a set of simulated trajectories.

    Attributes:
        rule: The rule in canonical notation.
        n: Number of trajectories.
        shape: Board ``(height, width)``.
        steps: Steps per trajectory (each holds ``steps + 1`` boards).
        density: Initial live-cell density.
        seed: Seed of the initial boards.
    """

    rule: str
    n: int
    shape: tuple[int, int]
    steps: int
    density: float
    seed: int

    def filename(self) -> str:
        """A file name that identifies the spec (rule, sizes, density, seed)."""
        rule = self.rule.replace("/", "")
        if rule.startswith("MAP"):
            rule = "MAP" + hashlib.sha1(self.rule.encode()).hexdigest()[:12]
        h, w = self.shape
        return f"traj_{rule}_n{self.n}_{h}x{w}_T{self.steps}_d{self.density:g}_s{self.seed}.npz"

    def metadata(self) -> dict:
        """The spec as the metadata dict stored with the file."""
        meta = asdict(self)
        meta["shape"] = list(self.shape)
        return meta


def save_trajectories(path, trajectories, metadata: dict | None = None, overwrite: bool = False) -> Path:
    """Write trajectories to a bit-packed ``.npz`` file, atomically.

    Args:
        path: The ``.npz`` file.
        trajectories: ``(n, T + 1, H, W)`` 0/1 array.
        metadata: JSON-serialisable facts to store with them (rule, seed, ...).
        overwrite: Replace an existing file holding *different* data; without
            it that is an error (an identical file is left as it is).

    Returns:
        The path written.

    Raises:
        FileExistsError: If ``path`` holds a different dataset and not ``overwrite``.
    """
    path = Path(path)
    traj = validate_trajectories(trajectories, states=None)
    meta = dict(metadata or {})
    meta.update(format=FORMAT_VERSION, lifelab=lifelab_version(), array_shape=list(traj.shape))
    arrays = ({"boards": np.packbits(traj, axis=-1)} if traj.dtype == bool
              else {"states": traj})  # multi-state data are stored as they are (compressed)
    if path.exists() and not overwrite:
        try:
            old, old_meta = load_trajectories(path)
        except (ValueError, OSError) as exc:
            raise FileExistsError(f"{path} exists and is not a readable trajectory file ({exc}); "
                                  "pass overwrite=True to replace it") from None
        if not (np.array_equal(old, traj) and _same_meta(old_meta, meta)):
            raise FileExistsError(f"{path} already holds a different dataset; pass overwrite=True to replace it")
        return path
    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, metadata=np.array(json.dumps(meta, sort_keys=True)), **arrays)
    return path


def _same_meta(a: dict, b: dict) -> bool:
    ignore = {"lifelab"}
    return {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}


def load_trajectories(path, expect: dict | None = None) -> tuple[np.ndarray, dict]:
    """Read trajectories written by :func:`save_trajectories`, anyone's ``.npz`` or ``.npy``, or a recording.

    Everything :func:`lifelab.io.read_recording` reads, with its default readings (a picture's or an array's
    reading is in ``metadata["reading"]``, the whole account in ``metadata["recording"]``).

    Args:
        path: The file or folder.
        expect: Metadata the file must match (e.g. ``{"rule": "B3/S23"}``).

    Returns:
        ``(trajectories, metadata)``: the ``(n, T + 1, H, W)`` array (bool for 2
        states, uint8 otherwise) and the stored metadata.

    Raises:
        InputError: If the file does not exist, is truncated or corrupt, holds no trajectories, holds states
            beyond those of the rule its metadata name, or does not match ``expect``; the message names the file
            and the problem.
    """
    recording = read_recording(path)
    meta = dict(recording.metadata)
    if recording.reading is not None or recording.grid is not None:
        meta["recording"] = recording.summary()
    if recording.reading is not None:
        meta["reading"] = recording.reading.describe()
    for key, value in (expect or {}).items():
        if key not in meta:
            raise InputError(f"{path}: has no {key!r} in its metadata, expected {value!r}")
        if meta[key] != value:
            raise InputError(f"{path}: {key} is {meta[key]!r}, expected {value!r}")
    return recording.trajectories, meta


def load_or_generate(rule: Rule | str, n: int, shape: tuple[int, int], steps: int, density: float = 0.5,
                     seed: int = 0, folder=None) -> np.ndarray:
    """Trajectories of ``rule`` from random boards, cached under ``data/``.

    The first call simulates and saves them; a later call with the same
    parameters loads the file instead (and checks that it matches).

    Args:
        rule: A Rule, rulestring or registry name.
        n: Number of trajectories.
        shape: Board ``(height, width)``.
        steps: Steps per trajectory.
        density: Initial live-cell density.
        seed: Seed of the initial boards; same seed, same arrays.
        folder: Where to cache; default :func:`lifelab.data_dir`.

    Returns:
        ``(n, steps + 1, height, width)`` bool array.
    """
    rule = as_rule(rule)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise InputTypeError(f"seed must be an int, got {seed!r}")
    spec = TrajectorySpec(str(rule), int(n), tuple(int(s) for s in shape), int(steps), float(density), int(seed))
    path = Path(folder) if folder is not None else data_dir()
    path = path / spec.filename()
    if path.exists():
        traj, _ = load_trajectories(path, expect=spec.metadata())
        return traj
    boards = random_boards(n, shape, density=density, seed=seed)
    traj = simulate(rule, boards, steps)
    save_trajectories(path, traj, spec.metadata())
    return traj


# ---------------------------------------------------------------------------
# Neighbourhood statistics
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Weights and the dataset
# ---------------------------------------------------------------------------

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

    def __init__(self, trajectories, visible: int = 1, order: Sequence[int] | None = None,
                 weighting: str = "linear", ratio: float = 2.0, skip: int = 0,
                 max_transitions: int | None = None, one_hot: bool = True, states: int | None = None,
                 boundary: str = "torus", margin: int = 1):
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
            raise InputError(f"cannot reveal {k} more: {self.visible} of {self.available} trajectories "
                             f"are visible already")
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
            keep[m:y.shape[-2] - m, m:y.shape[-1] - m] = True
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
        return DataLoader(self, batch_size=batch_size, shuffle=shuffle, num_workers=0, pin_memory=pin,
                          generator=generator)


# ---------------------------------------------------------------------------
# The data supply agent
# ---------------------------------------------------------------------------

class DataSupplyAgent:
    """Owns the data of the active-learning loop.

    With an oracle rule it simulates trajectories on demand, each from a fresh
    seed; with external trajectories (rule unknown) it serves those.  Either
    way it keeps the ordered list of visible trajectories: one at the start,
    one more per :meth:`reveal`.
    """

    def __init__(self, source, shape: tuple[int, int] = (32, 32), steps: int = 32, density: float = 0.5,
                 seed: int = 0, weighting: str = "linear", ratio: float = 2.0):
        """Start with one visible trajectory.

        Args:
            source: The oracle (a rule of any family, a rulestring or a name), or
                an external ``(n, T + 1, H, W)`` array of trajectories (0/1, or
                the states of a multi-state rule).
            shape: Board size of collected trajectories (oracle only).
            steps: Steps per collected trajectory (oracle only).
            density: Initial density of collected trajectories (oracle only).
            seed: Seed from which every collected trajectory's seed is drawn.
            weighting: Weight scheme of the visible trajectories.
            ratio: Growth factor of the geometric scheme.
        """
        trajectory_weights(0, weighting, ratio)
        self.weighting, self.ratio = weighting, ratio
        self._seeds = np.random.SeedSequence(seed)
        self.collected_seeds: list[int | None] = []
        self._pool: list[np.ndarray] = []
        self.visible = 0
        if isinstance(source, (*RULE_TYPES, str)):
            self.rule = parse_rule(source)
            self.states = rule_states(self.rule)
            check_int("steps", steps, 1)
            random_boards(0, shape, density)  # validates shape and density
            self.shape, self.steps, self.density = tuple(int(s) for s in shape), int(steps), float(density)
            self.collect()
        else:
            self.rule = None
            traj = validate_trajectories(source, name="external trajectories", states=None)
            self.states = trajectory_states(traj)
            self.shape, self.steps, self.density = traj.shape[2:], traj.shape[1] - 1, None
            self.add(traj)
        self.reveal()

    @property
    def available(self) -> int:
        """Trajectories held (visible or not)."""
        return len(self._pool)

    def collect(self, board=None, first: bool = False) -> int:
        """Simulate one new trajectory with the oracle; it is not visible yet.

        Args:
            board: Initial ``(H, W)`` board (e.g. built from the patterns a
                model is unsure about); default a random board from a fresh seed.
            first: Put it at the head of the waiting queue, so the next
                :meth:`reveal` shows it; default the end of the queue.

        Returns:
            The index of the new trajectory.

        Raises:
            ValueError: Without an oracle (external data), or for a board of the wrong shape.
        """
        if self.rule is None:
            raise InputError("no oracle rule: this agent serves external trajectories and cannot simulate more; "
                             "add them with add()")
        # a random board, and a stochastic oracle's draws, take the trajectory's own seed (simulate keeps the
        # two streams apart); a given board under a deterministic rule needs none
        random = board is None or isinstance(self.rule, StochasticRule)
        seed = int(self._seeds.spawn(1)[0].generate_state(1)[0]) if random else None
        if board is None:
            board = random_boards(1, self.shape, self.density, seed=seed)[0]
        else:
            board = np.asarray(board)
            if board.shape != self.shape:
                raise InputError(f"board has shape {board.shape}, the agent collects {self.shape}")
        index = self.visible if first else len(self._pool)
        self._pool.insert(index, simulate(self.rule, board, self.steps, seed=0 if seed is None else seed)[0])
        self.collected_seeds.insert(index, seed)
        return index

    def add(self, trajectories) -> None:
        """Append trajectories from outside (validated: binary, same shape as the rest); not visible yet."""
        traj = validate_trajectories(trajectories, name="external trajectories", states=self.states)
        if self._pool and traj.shape[1:] != self._pool[0].shape:
            raise InputError(f"external trajectories have shape {traj.shape[1:]}, "
                             f"the agent holds {self._pool[0].shape}")
        self._pool.extend(traj)
        self.collected_seeds.extend([None] * len(traj))

    def reveal(self, index: int | None = None) -> int:
        """Make one more trajectory visible, collecting one first if none is waiting.

        Args:
            index: A waiting trajectory (by position) to reveal now, ahead of
                those queued before it; default the next in line.

        Returns:
            The new visible count.

        Raises:
            ValueError: With external data only, when every trajectory is visible
                already; or for an ``index`` that is not a waiting trajectory.
        """
        if index is not None:
            if self.visible == self.available:
                raise InputError("no trajectory is waiting to be revealed")
            index = check_int("index", index, self.visible, self.available - 1)
            self._pool.insert(self.visible, self._pool.pop(index))
            self.collected_seeds.insert(self.visible, self.collected_seeds.pop(index))
        elif self.visible == self.available:
            if self.rule is None:
                raise InputError(f"all {self.available} external trajectories are visible already")
            self.collect()
        self.visible += 1
        return self.visible

    def trajectory(self, index: int) -> np.ndarray:
        """One held trajectory, ``(T + 1, H, W)`` bool, by its position (visible ones first, oldest first)."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < self.available:
            raise IndexError(f"trajectory index {index!r} out of range: the agent holds {self.available}")
        return self._pool[index]

    @property
    def visible_trajectories(self) -> np.ndarray:
        """``(visible, T + 1, H, W)`` bool array, oldest first."""
        return np.stack(self._pool[: self.visible])

    def weights(self) -> np.ndarray:
        """Weights of the visible trajectories, oldest first (mean 1)."""
        return trajectory_weights(self.visible, self.weighting, self.ratio)

    def dataset(self, **kwargs) -> TrajectoryDataset:
        """A :class:`TrajectoryDataset` over the visible trajectories with the agent's weighting.

        Keyword arguments (``skip``, ``max_transitions``, ``one_hot``) go to the dataset.
        """
        return TrajectoryDataset(self.visible_trajectories, visible=self.visible, weighting=self.weighting,
                                 ratio=self.ratio, states=self.states, **kwargs)
