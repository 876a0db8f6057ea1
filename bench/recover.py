"""Recovery benchmark: does the active-learning loop find each rule exactly, and how fast?

    .venv/bin/python bench/recover.py [--rules B3/S23 ...] [--models minimal tied ...]
                                      [--seeds 5] [--modes random query] [--max-rounds 10] [--device cpu]
                                      [--size 32] [--steps 16] [--density 0.5]

For each of the nine studied rules, each model family and each seed, runs
``lifelab.loop.learn_rule`` from one visible trajectory (by default 32x32,
16 steps, density 0.5; ``--size 16 --steps 8 --density 0.15`` is the scarce
setting where the choice of the next trajectory matters) and records whether the loop stopped on exactly the oracle's rule, the
rounds, the trajectories used and the wall time.  Prints the per-rule table,
then per model and collection mode: the recovery rate, the median
time-to-rule, the median and mean trajectories-to-rule over the recovered
runs, and the ratio of query-mode to random-mode mean trajectories, run side
by side.
"""

from __future__ import annotations

import argparse
import statistics

import torch

import lifelab
from lifelab.loop import MODES, learn_rule

FAMILIES = {
    "minimal": ("minimal", None),
    "tied p4m": ("tied", "p4m"),
    "e2cnn p4m": ("e2cnn", "p4m"),
    "multiscale": ("multiscale", None),
}


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", nargs="+", default=[e.rulestring for e in lifelab.named_rules(studied_only=True)])
    parser.add_argument("--models", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--max-rounds", type=int, default=10)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--density", type=float, default=0.5)
    parser.add_argument("--device", default=None, help="default: lifelab.get_device()")
    args = parser.parse_args()
    device = lifelab.get_device(args.device)
    print(f"device: {device}, torch threads: {torch.get_num_threads()}, seeds: {args.seeds}, "
          f"max rounds: {args.max_rounds}, trajectories of {args.size}x{args.size}, {args.steps} steps, "
          f"density {args.density}")
    runs = []
    print(f"\n{'rule':14s} {'model':11s} {'mode':7s} {'recovered':>9s} {'rounds':>7s} {'traj':>5s} {'seconds':>8s}  "
          "rules found")
    for rulestring in args.rules:
        for name in args.models:
            family, group = FAMILIES[name]
            for mode in args.modes:
                batch = []
                for seed in range(args.seeds):
                    report = learn_rule(rulestring, model=family, group=group, mode=mode, seed=seed,
                                        max_rounds=args.max_rounds, device=device, progress=False,
                                        shape=(args.size, args.size), steps=args.steps, density=args.density)
                    batch.append({"rule": rulestring, "model": name, "mode": mode, "seed": seed,
                                  "recovered": bool(report.recovered), "rounds": len(report.rounds),
                                  "trajectories": report.trajectories, "seconds": report.seconds,
                                  "found": str(report.rule)})
                runs += batch
                won = [b for b in batch if b["recovered"]]
                found = sorted({b["found"] for b in batch if not b["recovered"]})
                print(f"{rulestring:14s} {name:11s} {mode:7s} {len(won):>4d}/{len(batch):<4d} "
                      f"{_median([b['rounds'] for b in won]):>7s} {_median([b['trajectories'] for b in won]):>5s} "
                      f"{_median([b['seconds'] for b in won]):>8s}  {'' if not found else 'missed: ' + ', '.join(found)}",
                      flush=True)
    print(f"\n{'model':11s} {'mode':7s} {'recovered':>10s} {'rate':>6s} {'median s':>9s} {'median traj':>12s} "
          f"{'mean traj':>10s} {'query/random':>13s}")
    for name in args.models:
        means = {}
        for mode in args.modes:
            batch = [r for r in runs if r["model"] == name and r["mode"] == mode]
            won = [r for r in batch if r["recovered"]]
            means[mode] = statistics.mean([r["trajectories"] for r in won]) if won else None
            ratio = ""
            if mode == "query" and means.get("random") and means["query"]:
                ratio = f"{means['query'] / means['random']:.2f}x"
            print(f"{name:11s} {mode:7s} {len(won):>4d}/{len(batch):<5d} {len(won) / len(batch):>6.0%} "
                  f"{_median([r['seconds'] for r in won]):>9s} {_median([r['trajectories'] for r in won]):>12s} "
                  f"{'-' if means[mode] is None else f'{means[mode]:.2f}':>10s} {ratio:>13s}")


if __name__ == "__main__":
    main()
