"""Experiments that compare runs: growing a network's group against starting over, and recovering rules.

One implementation each, so that a notebook and a bench script that
report the same experiment run the same code:

- :func:`compare_growth`: growing a trained network's group against
  training the larger-group model from scratch (notebook 06, ``bench/growth.py``);
- :func:`compare_recovery`: the active-learning loop over rules, learners,
  seeds and collection modes (notebook 05, ``bench/recover.py``).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from torch import nn
from tqdm.auto import tqdm

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.geometry import equivariance_error
from lifelab.learning import (
    BATCH_SIZE,
    GROWTH,
    ROUTES,
    TrajectoryDataset,
    evaluate,
    grow_group,
    growth_model,
    model_spec,
    pattern_accuracy,
    train,
)
from lifelab.loop import DEFAULT_SIZE, LOOP, LoopReport, learn_rule
from lifelab.rules import Rule, as_rule
from lifelab.utils import check_int, format_table, get_device, shorten
from lifelab.viz.networks import plot_growth

__all__ = ["GrowthComparison", "GrowthStep", "RecoveryComparison", "compare_growth", "compare_recovery"]


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
