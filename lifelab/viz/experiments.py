"""Experiments the notebooks and the benchmarks share: the zoo, growing the group, recovering rules.

One implementation each, so that a notebook and a bench script that
report the same experiment run the same code:

- :data:`ZOO` and :func:`fit_zoo_model`: the models notebooks 03 and 04
  train on each rule (and share checkpoints of), and ``bench/train.py`` times;
- :func:`compare_growth`: growing a trained network's group against
  training the larger-group model from scratch (notebook 06, ``bench/growth.py``);
- :func:`compare_recovery`: the active-learning loop over rules, learners,
  seeds and collection modes (notebook 05, ``bench/recover.py``);
- :func:`window_trajectories` and :func:`observe_pattern`: observations as
  people hold them, windows of a larger world and Golly's own patterns
  (notebook 11, ``bench/observations.py``);
- :func:`draw_as`: a trajectory drawn as people draw one (a matplotlib
  figure, Golly's look, a raw picture), for notebook 11 to read back (the
  tests draw theirs with other software: ``tests/corpus.py``).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.geometry import equivariance_error
from lifelab.io import palette
from lifelab.io.rle import load_rle, rle_position
from lifelab.learning import (
    BATCH_SIZE,
    GROWTH,
    ROUTES,
    History,
    LifeModel,
    TrajectoryDataset,
    build_model,
    checkpoint_path,
    evaluate,
    grow_group,
    growth_model,
    load_or_generate,
    model_spec,
    pattern_accuracy,
    train,
)
from lifelab.loop import DEFAULT_SIZE, LOOP, LoopReport, learn_rule
from lifelab.rules import Rule, as_rule, parse_rule, rule_reach
from lifelab.utils import MODEL_DTYPE, check_int, format_table, get_device, seeded, shorten
from lifelab.viz.networks import plot_growth

__all__ = [
    "ZOO",
    "GrowthComparison",
    "GrowthStep",
    "ObservedPattern",
    "RecoveryComparison",
    "ZooEntry",
    "compare_growth",
    "compare_recovery",
    "draw_as",
    "drop_scan_lines",
    "fit_zoo_model",
    "new_zoo_model",
    "observe_pattern",
    "window_trajectories",
]


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
        equivariance: The grown model's equivariance error under ``to`` (about 1e-16, float64 rounding, means exact).
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
    median = (
        reached[len(reached) // 2]
        if len(reached) % 2
        else (reached[len(reached) // 2 - 1] + reached[len(reached) // 2]) / 2
    )
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
            rows.append(
                {
                    "route": key[0],
                    "growth": f"{key[1]} -> {key[2]}",
                    "seeds": len(runs),
                    "boards before": f"{_mean(runs, 'source_boards'):.3f}",
                    "patterns before": f"{_mean(runs, 'source_patterns'):.3f}",
                    "patterns after growth": f"{_mean(runs, 'grown_patterns'):.3f}",
                    "boards after growth": f"{_mean(runs, 'grown_boards'):.3f}",
                    "equivariance error": f"{max(s.equivariance for s in runs):.0e}",
                    "grown model is": "/".join(dict.fromkeys(s.symmetry for s in runs)),
                    "steps to 100% after growth": _median_steps([s.retrain_steps for s in runs]),
                    "steps to 100% from scratch": _median_steps([s.scratch_steps for s in runs]),
                }
            )
        return rows

    def table(self) -> str:
        """The rows as fixed-width text, under a line naming the rule and the data."""
        n, steps, size = self.data
        return (
            f"{self.rule.name or self.rule}: {n} trajectories of {steps} steps on {size}x{size} per seed; "
            f"budget {self.epochs} epochs; patterns = fraction of the 512 3x3 patterns right; "
            f"boards = fraction of training boards exact\n" + format_table(self.rows())
        )

    def plot(self, fig=None):
        """Accuracy kept by growth and steps to recover; see :func:`lifelab.viz.plot_growth`."""
        return plot_growth(self, fig=fig)


def _epochs_to_exact(model: nn.Module, data: TrajectoryDataset, epochs: int, seed: int, device) -> int | None:
    if evaluate(model.to(device), data, device)["board_acc"] == 1.0:
        return 0
    return train(model, data, epochs=epochs, seed=seed, device=device, progress=False).converged_epoch


def compare_growth(
    rule: Rule | str,
    routes=tuple(ROUTES),
    chain=GROWTH,
    seeds=(0,),
    *,
    n_traj: int = 4,
    size: int = 32,
    steps: int = 16,
    density: float = 0.5,
    epochs: int = 100,
    start_epochs: int | None = None,
    device=None,
    progress: bool = True,
) -> GrowthComparison:
    """How much of a trained network survives growing its symmetry group, against starting over.

    For each route and seed: train the model of the first group in
    ``chain`` until it predicts every training board exactly; then, for each
    larger group in turn, grow it (:func:`lifelab.learning.models.grow_group`),
    measure the grown model before any training (512-pattern accuracy,
    training boards, equivariance), train it until it is exact again, and
    train a fresh model of that group from scratch on the same data for
    comparison.  The chain goes on from the retrained grown model.

    Args:
        rule: The rule the trajectories come from.
        routes: Any of ``"tied"`` and ``"e2cnn"`` (see :data:`lifelab.learning.models.ROUTES`).
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
    rule = as_rule(rule)
    routes, chain, seeds = tuple(routes), tuple(chain), tuple(seeds)
    if not routes or any(r not in ROUTES for r in routes):
        raise InputError(f"routes must be a non-empty selection of {tuple(ROUTES)}, got {routes}")
    if (
        len(chain) < 2
        or any(g not in GROWTH for g in chain)
        or [GROWTH.index(g) for g in chain] != sorted({GROWTH.index(g) for g in chain})
    ):
        raise InputError(f"chain must list at least two groups of {GROWTH}, smallest first, got {chain}")
    if not seeds:
        raise InputError("give at least one seed")
    check_int("epochs", epochs, 1)
    start_epochs = check_int("start_epochs", epochs if start_epochs is None else start_epochs, 1)
    device = get_device(device)
    results: list[GrowthStep] = []
    runs = len(routes) * len(seeds) * (2 * len(chain) - 1)
    bar = tqdm(total=runs, desc=f"growth of {' -> '.join(chain)} on {shorten(rule)}", unit="run", disable=not progress)
    for seed in seeds:
        boards = random_boards(n_traj, (size, size), density=density, seed=seed)
        data = TrajectoryDataset(simulate(rule, boards, steps), visible=n_traj)
        per_epoch = math.ceil(len(data) / BATCH_SIZE)
        check = boards[:, : min(size, 16), : min(size, 16)]
        for route in routes:
            model = growth_model(route, chain[0], seed)
            _epochs_to_exact(model, data, start_epochs, seed, device)
            bar.update()
            for start, to in zip(chain, chain[1:], strict=False):  # each step of the chain
                grown = grow_group(model, to)
                after = evaluate(grown, data, device)
                mirrored = to == "p4" and equivariance_error(grown, check, "p4m") < 1e-4
                step = dict(
                    route=route,
                    seed=seed,
                    start=start,
                    to=to,
                    source_patterns=pattern_accuracy(model, rule),
                    source_boards=evaluate(model, data, device)["board_acc"],
                    grown_patterns=pattern_accuracy(grown, rule),
                    grown_boards=after["board_acc"],
                    grown_cells=after["cell_acc"],
                    equivariance=equivariance_error(grown, check, to),
                    symmetry="p4m" if mirrored else to,
                    retrain_epochs=_epochs_to_exact(grown, data, epochs, seed, device),
                )
                bar.update()
                scratch = growth_model(route, to, seed)
                step["scratch_epochs"] = _epochs_to_exact(scratch, data, epochs, seed, device)
                bar.update()
                results.append(GrowthStep(**step, steps_per_epoch=per_epoch))
                model = grown
    bar.close()
    return GrowthComparison(rule=rule, steps=results, epochs=epochs, data=(n_traj, steps, size))


@dataclass
class RecoveryComparison:
    """Runs of the active-learning loop over rules, learners, seeds and collection modes.

    Attributes:
        runs: ``{(rule, learner, mode, seed): LoopReport}``.
        settings: The data and loop settings every run shared.
    """

    runs: dict[tuple[str, str, str, int], LoopReport]
    settings: dict

    def rows(self) -> list[dict]:
        """One row per run: what the verdict determined, whether the learner converged on the truth, and the cost."""
        return [
            {
                "rule": rule,
                "learner": learner,
                "mode": mode,
                "seed": seed,
                "verdict": r.verdict.label,
                "determined": r.verdict.determined,
                "within family": r.verdict.rung == "identified within family",
                "converged": bool(r.recovered),
                "wrong": bool(r.wrong),
                "seen": r.used,
                "rounds": len(r.rounds),
                "seconds": r.seconds,
                "unobserved": len(r.verdict.unobserved),
                "right on unobserved": r.guessed_right,
            }
            for (rule, learner, mode, seed), r in self.runs.items()
        ]

    def summary(self) -> list[dict]:
        """Per learner and mode: runs, determined (within a family), converged, wrong, time and trajectories seen."""
        out = []
        rows = self.rows()
        for key in dict.fromkeys((row["learner"], row["mode"]) for row in rows):
            batch = [row for row in rows if (row["learner"], row["mode"]) == key]
            won = [row for row in batch if row["converged"]]
            unseen = sum(row["unobserved"] for row in batch)
            right = sum(
                row["right on unobserved"] * row["unobserved"]
                for row in batch
                if row["right on unobserved"] is not None
            )
            out.append(
                {
                    "learner": key[0],
                    "mode": key[1],
                    "runs": len(batch),
                    "determined": sum(row["determined"] for row in batch),
                    "within family": sum(row["within family"] for row in batch),
                    "converged": len(won),
                    "wrong": sum(row["wrong"] for row in batch),
                    "median s": _median([row["seconds"] for row in won], "{:.1f}"),
                    "median seen": _median([row["seen"] for row in won], "{:g}"),
                    "mean seen": f"{statistics.mean([row['seen'] for row in won]):.2f}" if won else "-",
                    "unobserved at stop": f"{unseen / len(batch):.1f}",
                    "right on unobserved": f"{right / unseen:.1%}" if unseen else "-",
                }
            )
        return out

    def table(self) -> str:
        """:meth:`summary` as fixed-width text."""
        return format_table(self.summary())


def _median(values: list[float], form: str) -> str:
    return form.format(statistics.median(values)) if values else "-"


def compare_recovery(
    rules,
    learners=("tied",),
    modes=("random",),
    seeds=range(1),
    *,
    family=None,
    max_rounds: int = LOOP.max_rounds,
    shape: tuple[int, int] = (DEFAULT_SIZE, DEFAULT_SIZE),
    steps: int = LOOP.steps,
    density: float = LOOP.density,
    device=None,
    progress: bool = True,
    on_run=None,
) -> RecoveryComparison:
    """Run the active-learning loop on every rule with every learner, collection mode and seed.

    Args:
        rules: Rules (rulestrings, names or :class:`~lifelab.rules.lifelike.Rule`).
        learners: Names of :data:`lifelab.learning.models.REGISTRY` (each with its default group).
        modes: Collection modes (``"random"``, ``"query"``).
        seeds: Seeds, one run each.
        family: The assumption of every run (default: each learner's own).
        max_rounds: Most rounds per run.
        shape: Board size of the trajectories.
        steps: Steps per trajectory.
        density: Initial density of the random boards.
        device: Where to train (default :func:`lifelab.get_device`).
        progress: Show a progress bar over the runs.
        on_run: Called with ``(key, report)`` after each run (e.g. to print it).

    Returns:
        A :class:`RecoveryComparison`.
    """
    rules, learners, modes, seeds = list(rules), list(learners), list(modes), list(seeds)
    for name in learners:
        model_spec(name)
    runs = {}
    bar = tqdm(
        total=len(rules) * len(learners) * len(modes) * len(seeds),
        unit="run",
        disable=not progress,
        desc=f"loop runs: {len(rules)} rules x {', '.join(learners)} x {', '.join(modes)}",
    )
    for rule in rules:
        for learner in learners:
            for mode in modes:
                for seed in seeds:
                    report = learn_rule(
                        rule,
                        model=learner,
                        mode=mode,
                        seed=seed,
                        max_rounds=max_rounds,
                        shape=shape,
                        steps=steps,
                        density=density,
                        family=family,
                        device=device,
                        progress=False,
                    )
                    key = (str(rule), learner, mode, seed)
                    runs[key] = report
                    bar.update()
                    if on_run is not None:
                        on_run(key, report)
    bar.close()
    return RecoveryComparison(
        runs, {"shape": tuple(shape), "steps": steps, "density": density, "max_rounds": max_rounds, "family": family}
    )


# ---------------------------------------------------------------------------
# Observations as people hold them
# ---------------------------------------------------------------------------


def window_trajectories(
    rule, world: int, frame: int, n: int = 8, steps: int = 16, density: float = 0.4, seed: int = 0
) -> np.ndarray:
    """Trajectories of a large world seen through a window: what a camera or a crop of a simulation gives.

    Each of ``n`` random ``world`` x ``world`` tori runs ``steps`` steps and is
    seen through one ``frame`` x ``frame`` window at a random place (fixed
    over time): the frame's edge cells have neighbours nobody sees.

    Args:
        rule: The rule of the world.
        world: Side of the world (a torus).
        frame: Side of the window, smaller than ``world``.
        n: Trajectories.
        steps: Steps each.
        density: Initial density of the world.
        seed: Seed of the worlds and the windows.

    Returns:
        ``(n, steps + 1, frame, frame)`` array.
    """
    world, frame = check_int("world", world, 2), check_int("frame", frame, 1)
    if frame >= world:
        raise InputError(f"a window of {frame} cells must be smaller than the world of {world}")
    rng = np.random.default_rng(seed)
    runs = simulate(rule, random_boards(n, (world, world), density, seed=rng), steps)
    corners = rng.integers(0, world - frame, (n, 2))
    return np.stack([run[:, y : y + frame, x : x + frame] for run, (y, x) in zip(runs, corners, strict=True)])


def drop_scan_lines(trajectories, share: float = 0.3, seed=0) -> np.ndarray:
    """A camera that drops scan lines: ``share`` of the frames lose one random row (set dead).

    Errors along rows, not independent cell flips: the independence test
    (:mod:`lifelab.evidence.independence`) must not call them noise.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 trajectories.
        share: Fraction of frames hit.
        seed: Seed (an int or a ``numpy.random.Generator``).

    Returns:
        A copy with the rows dropped.
    """
    out = np.array(trajectories, dtype=bool)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    for n in range(out.shape[0]):
        for t in range(out.shape[1]):
            if rng.random() < share:
                out[n, t, rng.integers(out.shape[2])] = False
    return out


@dataclass
class ObservedPattern:
    """A pattern file run on its world and seen through a window.

    Attributes:
        name: The file's name.
        rule: The rule its header names (with its grid).
        world: The whole world's trajectory, ``(steps + 1, H, W)``.
        window: What the window saw, ``(1, steps + 1, frame, frame)``.
        grid: ``"torus"`` or ``"dead"`` (a bounded plane), as the world ran.
    """

    name: str
    rule: object
    world: np.ndarray = field(repr=False)
    window: np.ndarray = field(repr=False)
    grid: str


def observe_pattern(path, frame: int = 128, steps: int = 64) -> ObservedPattern:
    """Run a pattern file as Golly does and observe it through a ``frame`` x ``frame`` window at its centre.

    A rule with a grid (``:Tw,h``, ``:Pw,h``) runs on that grid, the pattern
    centred in it (where Golly puts it) or where its ``#CXRLE Pos`` line says;
    a rule without one runs on a torus
    wide enough that nothing the pattern sends out in ``steps`` steps comes
    round again (Golly's plane is unbounded), with room for the window.

    Args:
        path: An RLE file (Golly's own collection, or any).
        frame: Side of the window.
        steps: Generations to run.

    Returns:
        An :class:`ObservedPattern`.
    """
    pattern, text = load_rle(path)
    rule = parse_rule(text or "B3/S23")
    h, w = pattern.shape
    if rule.grid is not None:
        height, width = rule.grid.shape
    else:
        reach = rule_reach(rule) * steps
        height, width = h + 2 * reach + frame, w + 2 * reach + frame
    board = np.zeros((height, width), dtype=pattern.dtype)
    position = rle_position(Path(path).read_text()) if rule.grid is not None else None
    top, left = (height - h) // 2, (width - w) // 2
    if position is not None:  # Golly's #CXRLE Pos: coordinates from the grid's centre
        left, top = position[0] + width // 2, position[1] + height // 2
    rows, columns = (np.arange(h) + top) % height, (np.arange(w) + left) % width
    board[np.ix_(rows, columns)] = pattern
    world = simulate(rule, board, steps)[0]
    cy, cx = top + h // 2, left + w // 2
    y0, x0 = max(0, min(cy - frame // 2, height - frame)), max(0, min(cx - frame // 2, width - frame))
    window = world[:, y0 : y0 + frame, x0 : x0 + frame][None]
    return ObservedPattern(
        Path(path).name, rule, world, window, rule.grid.boundary if rule.grid is not None else "torus"
    )


#: The ways :func:`draw_as` draws a trajectory.
STYLES = ("matplotlib", "golly", "raw")


def draw_as(trajectory, style: str, scale: int = 8) -> np.ndarray:
    """A trajectory drawn as people draw one, frame by frame, as pixels.

    Args:
        trajectory: ``(T + 1, H, W)`` states.
        style: ``"matplotlib"`` (``imshow`` with matplotlib's default colour map, viridis, axes, a title with the
            generation and a colour bar), ``"golly"`` (Golly's default colours, ``scale`` pixels a cell with
            Golly's grid lines between cells) or ``"raw"`` (white live cells on black, ``scale`` pixels a cell, as
            ``Image.fromarray(board * 255)`` saves a board scaled up).
        scale: Pixels a cell (``"golly"`` and ``"raw"``).

    Returns:
        ``(T + 1, height, width, 3)`` uint8 pixels.
    """
    trajectory = np.asarray(trajectory).astype(np.int64)
    if style not in STYLES:
        raise InputError(f"style is one of {', '.join(STYLES)}, got {style!r}")
    states = max(2, int(trajectory.max()) + 1)
    if style == "raw":
        colours = np.array([(0, 0, 0), (255, 255, 255)] + [(128, 128, 128)] * (states - 2), np.uint8)
        return np.repeat(np.repeat(colours[trajectory], scale, axis=1), scale, axis=2)
    if style == "golly":
        cells = np.repeat(
            np.repeat(palette("golly", states).astype(np.uint8)[trajectory], scale, axis=1), scale, axis=2
        )
        cells[:, ::scale, :] = cells[:, :, ::scale] = (80, 80, 80)  # Golly's grid lines at high zoom
        return cells
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    frames = []
    for t, board in enumerate(trajectory):
        fig = Figure(figsize=(4, 3.4), dpi=80)
        canvas = FigureCanvasAgg(fig)  # pixels whatever pyplot's backend
        ax = fig.subplots()
        image = ax.imshow(board, vmin=0, vmax=states - 1, interpolation="nearest")
        fig.colorbar(image, ax=ax)
        ax.set_title(f"generation {t}")
        canvas.draw()
        frames.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return np.stack(frames)
