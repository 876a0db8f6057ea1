"""Growth benchmark: how much of a trained network survives growing its symmetry group, and what it saves.

    .venv/bin/python bench/growth.py [--rules B3/S23 ...] [--routes tied e2cnn] [--seeds 5]
                                     [--epochs 100] [--device cpu] [--size 32] [--steps 16] [--n-traj 4]

For each rule (by default the nine studied rules and Chiral Life, which is
p4 but not p4m), each growth route and each seed, runs
``lifelab.viz.comparisons.compare_growth`` along translations -> p4 -> p4m: train the
translation-only model until it predicts every training board exactly, grow
it, measure the grown model before any training, train it until it is exact
again, and train a fresh model of the larger group from scratch on the same
data.  Prints each rule's table, then a summary per route and growth step,
split by whether the rule really has the symmetry of the grown model (as
measured: a weight-tied 3x3 "p4" model is mirror-symmetric too): the mean
fraction of the 512 patterns right before and just after growth, how many
runs needed no training at all after growth, the median optimiser steps to
100% after growth and from scratch, and the ratio of the mean steps from
scratch to the mean steps after growth (runs where both got there).
"""

from __future__ import annotations

import argparse
import statistics

import torch

import lifelab
from lifelab.evidence import rule_symmetry
from lifelab.learning import ROUTES
from lifelab.viz import compare_growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rules", nargs="+", default=[e.rulestring for e in lifelab.named_rules(studied_only=True)] + ["Chiral Life"]
    )
    parser.add_argument("--routes", nargs="+", default=list(ROUTES), choices=list(ROUTES))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--n-traj", type=int, default=4)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--device", default=None, help="default: lifelab.get_device()")
    args = parser.parse_args()
    device = lifelab.get_device(args.device)
    print(
        f"device: {device}, torch threads: {torch.get_num_threads()}, seeds: {args.seeds}, "
        f"{args.n_traj} trajectories of {args.size}x{args.size}, {args.steps} steps, budget {args.epochs} epochs"
    )
    steps = []
    for text in args.rules:
        rule = lifelab.Rule.parse(text)
        allowed = rule_symmetry(rule).consistent
        result = compare_growth(
            rule,
            routes=args.routes,
            seeds=range(args.seeds),
            n_traj=args.n_traj,
            size=args.size,
            steps=args.steps,
            epochs=args.epochs,
            device=device,
            progress=False,
        )
        print(f"\n{rule.name or rule} (the rule's own symmetry: {allowed[0]})")
        print(result.table(), flush=True)
        steps += [(s, s.symmetry in allowed) for s in result.steps]
    print(
        f"\n{'route':6s} {'growth':15s} {'rule has it':11s} {'runs':>5s} {'patterns before':>16s} "
        f"{'after growth':>13s} {'no training needed':>19s} {'median steps after':>19s} "
        f"{'median from scratch':>20s} {'scratch/after (means)':>22s}"
    )
    for route in args.routes:
        for start, to in (("trivial", "p4"), ("p4", "p4m")):
            for has_it in (True, False):
                runs = [s for s, ok in steps if ok == has_it and (s.route, s.start, s.to) == (route, start, to)]
                if not runs:
                    continue
                after = [s.retrain_steps for s in runs if s.retrain_steps is not None]
                scratch = [s.scratch_steps for s in runs if s.scratch_steps is not None]
                both = [s for s in runs if s.retrain_steps is not None and s.scratch_steps is not None]
                mean_after = statistics.mean(s.retrain_steps for s in both) if both else None
                mean_scratch = statistics.mean(s.scratch_steps for s in both) if both else None
                ratio = (
                    "-" if not both else ("no steps after" if mean_after == 0 else f"{mean_scratch / mean_after:.1f}x")
                )
                print(
                    f"{route:6s} {start + ' -> ' + to:15s} {'yes' if has_it else 'no':11s} {len(runs):>5d} "
                    f"{statistics.mean(s.source_patterns for s in runs):>16.3f} "
                    f"{statistics.mean(s.grown_patterns for s in runs):>13.3f} "
                    f"{sum(s.retrain_epochs == 0 for s in runs):>10d}/{len(runs):<8d} "
                    f"{_median(after, len(runs)):>19s} {_median(scratch, len(runs)):>20s} {ratio:>22s}"
                )


def _median(values: list[int], runs: int) -> str:
    if not values:
        return f"never (0/{runs})"
    text = f"{statistics.median(values):g}"
    return text if len(values) == runs else f"{text} ({len(values)}/{runs})"


if __name__ == "__main__":
    main()
