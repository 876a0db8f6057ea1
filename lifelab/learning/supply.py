"""The data supply: trajectories simulated from an oracle rule, cached, and revealed one at a time.

* :func:`load_or_generate` simulates trajectories of a rule (seeded) and caches
  them under ``data/`` in lifelab's trajectory files (:mod:`lifelab.io.store`).
* :class:`DataSupplyAgent` owns the data of the active-learning loop: it
  starts with one visible trajectory, collects new ones from the oracle rule
  (or takes them from outside) and reveals one more per round.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError, InputTypeError
from lifelab.io import TrajectorySpec, load_trajectories, save_trajectories
from lifelab.io.boards import trajectory_states, validate_trajectories
from lifelab.learning.dataset import TrajectoryDataset, trajectory_weights
from lifelab.rules import RULE_TYPES, Rule, RuleBase, StochasticRule, as_rule, parse_rule, rule_states
from lifelab.utils import check_int, data_dir

__all__ = ["DataSupplyAgent", "load_or_generate"]


def load_or_generate(
    rule: Rule | str, n: int, shape: tuple[int, int], steps: int, density: float = 0.5, seed: int = 0, folder=None
) -> np.ndarray:
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
    random_boards(0, shape, density)  # validates the shape (two sides) and the density before they name the file
    spec = TrajectorySpec(str(rule), int(n), (int(shape[0]), int(shape[1])), int(steps), float(density), int(seed))
    path = Path(folder) if folder is not None else data_dir()
    path = path / spec.filename()
    if path.exists():
        traj, _ = load_trajectories(path, expect=spec.metadata())
        return traj
    boards = random_boards(n, shape, density=density, seed=seed)
    traj = simulate(rule, boards, steps)
    save_trajectories(path, traj, spec.metadata())
    return traj


class DataSupplyAgent:
    """Owns the data of the active-learning loop.

    With an oracle rule it simulates trajectories on demand, each from a fresh
    seed; with external trajectories (rule unknown) it serves those.  Either
    way it keeps the ordered list of visible trajectories: one at the start,
    one more per :meth:`reveal`.
    """

    def __init__(
        self,
        source,
        shape: tuple[int, int] = (32, 32),
        steps: int = 32,
        density: float = 0.5,
        seed: int = 0,
        weighting: str = "linear",
        ratio: float = 2.0,
    ):
        """Start with one visible trajectory.

        Args:
            source: The oracle (a rule of any type, a rulestring or a name), or
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
        self.rule: RuleBase | None
        self.shape: tuple[int, int]
        self.density: float | None
        if isinstance(source, (*RULE_TYPES, str)):
            self.rule = parse_rule(source)
            self.states = rule_states(self.rule)
            check_int("steps", steps, 1)
            random_boards(0, shape, density)  # validates shape and density
            self.shape, self.steps, self.density = (int(shape[0]), int(shape[1])), int(steps), float(density)
            self.collect()
        else:
            self.rule = None
            traj = validate_trajectories(source, name="external trajectories", states=None)
            self.states = trajectory_states(traj)
            self.shape, self.steps, self.density = (traj.shape[2], traj.shape[3]), traj.shape[1] - 1, None
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
            raise InputError(
                "no oracle rule: this agent serves external trajectories and cannot simulate more; add them with add()"
            )
        # a random board, and a stochastic oracle's draws, take the trajectory's own seed (simulate keeps the
        # two streams apart); a given board under a deterministic rule needs none
        random = board is None or isinstance(self.rule, StochasticRule)
        seed = int(self._seeds.spawn(1)[0].generate_state(1)[0]) if random else None
        if board is None:
            assert self.density is not None  # an agent with an oracle has one
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
            raise InputError(
                f"external trajectories have shape {traj.shape[1:]}, the agent holds {self._pool[0].shape}"
            )
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
        """A :class:`~lifelab.learning.dataset.TrajectoryDataset` of the visible trajectories, in the agent's weighting.

        Keyword arguments (``skip``, ``max_transitions``, ``one_hot``) go to the dataset.
        """
        return TrajectoryDataset(
            self.visible_trajectories,
            visible=self.visible,
            weighting=self.weighting,
            ratio=self.ratio,
            states=self.states,
            **kwargs,
        )
