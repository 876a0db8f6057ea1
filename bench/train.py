"""Wall time to 100% transition accuracy, per model family, against the plain baseline.

    .venv/bin/python bench/train.py [--rules B3/S23 B36/S23] [--seeds 3] [--device cpu] [--json PATH]

For each rule and each model of the notebooks' zoo (``lifelab.viz.zoo.ZOO``;
the first, ``minimal``, is the baseline), trains from ``--seeds`` initialisations on
the same data (8 trajectories of 32x32 cells, 16 steps, 6 for training) with
the default settings of ``lifelab.learning.training.train`` and early stop, and reports
how many runs reached 100% of training transitions exactly right, the median
epochs and the median wall time of those runs, and the time ratio against
the translation-only baseline (MinimalCNN) run side by side.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from _report import json_option, table

import lifelab
from lifelab.learning import TrajectoryDataset, train
from lifelab.viz import ZOO, new_zoo_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", nargs="+", default=["B3/S23", "B36/S23"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--device", default=None, help="default: lifelab.get_device()")
    json_option(parser)
    args = parser.parse_args()
    device = lifelab.get_device(args.device)
    print(f"device: {device}, torch threads: {torch.get_num_threads()}, seeds: {args.seeds}, max epochs: {args.epochs}")
    for rulestring in args.rules:
        rule = lifelab.Rule.parse(rulestring)
        traj = lifelab.simulate(rule, lifelab.random_boards(8, (32, 32), 0.4, seed=0), 16)
        train_set, val_set = TrajectoryDataset(traj, visible=8).split(0.25, seed=0)
        baseline, baseline_name, rows = None, None, []
        for name, entry in ZOO.items():
            times, epochs, params = [], [], 0
            for seed in range(args.seeds):
                model = new_zoo_model(name, seed)
                params = model.n_parameters
                if device.type == "cuda":
                    torch.cuda.synchronize()
                start = time.perf_counter()
                history = train(
                    model,
                    train_set,
                    val=val_set,
                    epochs=args.epochs,
                    device=device,
                    seed=seed,
                    progress=False,
                    **entry.train_settings(),
                )
                if device.type == "cuda":
                    torch.cuda.synchronize()
                if history.converged_epoch is not None:
                    times.append(time.perf_counter() - start)
                    epochs.append(history.converged_epoch)
            if times:
                seconds = statistics.median(times)
                if baseline is None:
                    baseline, baseline_name = seconds, name
                rows.append(
                    {
                        "model": name,
                        "params": params,
                        "reached": f"{len(times)}/{args.seeds}",
                        "epochs": f"{statistics.median(epochs):.0f}",
                        "seconds": f"{seconds:.2f}",
                        "vs baseline": f"{seconds / baseline:.2f}x" if baseline else None,
                    }
                )
            else:
                rows.append(
                    {
                        "model": name,
                        "params": params,
                        "reached": f"0/{args.seeds}",
                        "epochs": None,
                        "seconds": None,
                        "vs baseline": None,
                    }
                )
        table(
            f"{rule}: {len(train_set)} training transitions of 32x32, time to 100% (median of the runs that "
            "reached it)",
            rows,
            f"{args.seeds} seeds, at most {args.epochs} epochs, {device}; "
            f"baseline: {baseline_name or '-'}, the first model that reached it",
        )


if __name__ == "__main__":
    main()
