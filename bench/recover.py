"""Recovery benchmark: what do the data determine, does the learner get there, and how fast?

    .venv/bin/python bench/recover.py [--rules B3/S23 ...] [--models table minimal tied e2cnn ...]
                                      [--seeds 5] [--modes random query] [--max-rounds 10] [--device cpu]
                                      [--size 32] [--steps 16] [--density 0.5] [--family NAME]

For each of the nine studied rules, each learner and each seed, runs
``lifelab.loop.learn_rule`` from one visible trajectory (by default 32x32,
16 steps, density 0.5; ``--size 16 --steps 8 --density 0.15 --max-rounds 15``
is the scarce setting where each trajectory shows little).  Each learner
assumes what it can represent (the table learner: the first of table,
isotropic, Moore, von Neumann, hexagonal that the data determine; a tied 3x3
network: its 50 edge/corner classes; e2cnn p4m: isotropic; plain networks:
nothing) unless ``--family`` states one for all.

Printed per learner, collection mode and data, side by side in one run:

- how many runs the data determined (identified / within the family), and
  how many the learner converged on;
- wrong: runs whose verdict determines a rule other than the oracle's (must
  be 0 without an assumption; within a family it means the oracle's rule is
  outside it and the data did not show that);
- trajectories seen (trained on plus held out) by the converged runs, and
  the median time-to-rule;
- patterns never observed at the stop, and the fraction of them the
  learner's rule gets right (the network's generalisation; the table learner
  says "dead" there).
"""

from __future__ import annotations

import argparse
import statistics

import torch

import lifelab
from lifelab.evidence import FAMILY_NAMES
from lifelab.loop import MODES, learn_rule

LEARNERS = {
    "table": ("table", None),
    "minimal": ("minimal", None),
    "tied": ("tied", "p4m"),
    "e2cnn": ("e2cnn", "p4m"),
    "multiscale": ("multiscale", None),
}


def _median(values: list[float], digits: int = 1) -> str:
    return f"{statistics.median(values):.{digits}f}" if values else "-"


def _mean(values: list[float], digits: int = 2) -> str:
    return f"{statistics.mean(values):.{digits}f}" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", nargs="+", default=[e.rulestring for e in lifelab.named_rules(studied_only=True)])
    parser.add_argument("--models", nargs="+", default=["table", "minimal", "tied", "e2cnn"], choices=list(LEARNERS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--max-rounds", type=int, default=10)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--density", type=float, default=0.5)
    parser.add_argument("--family", default=None, choices=[*FAMILY_NAMES, "auto"],
                        help="the assumption of every run (default: each learner's own)")
    parser.add_argument("--device", default=None, help="default: lifelab.get_device()")
    args = parser.parse_args()
    device = lifelab.get_device(args.device)
    print(f"device: {device}, torch threads in the loop: 1, seeds: {args.seeds}, max rounds: {args.max_rounds}, "
          f"trajectories of {args.size}x{args.size}, {args.steps} steps, density {args.density}, "
          f"family: {args.family or 'each learner its own'}")
    runs = []
    print(f"\n{'rule':14s} {'learner':10s} {'mode':7s} {'determined':>10s} {'converged':>9s} {'wrong':>5s} "
          f"{'seen':>5s} {'seconds':>8s} {'unobserved':>10s}  verdicts")
    for rulestring in args.rules:
        for name in args.models:
            model, group = LEARNERS[name]
            for mode in args.modes:
                batch = []
                for seed in range(args.seeds):
                    report = learn_rule(rulestring, model=model, group=group, mode=mode, seed=seed,
                                        max_rounds=args.max_rounds, device=device, progress=False,
                                        shape=(args.size, args.size), steps=args.steps, density=args.density,
                                        family=args.family)
                    batch.append({"rule": rulestring, "learner": name, "mode": mode, "seed": seed,
                                  "rung": report.verdict.label, "determined": report.verdict.determined,
                                  "within": report.verdict.rung == "identified within family",
                                  "converged": bool(report.recovered), "wrong": bool(report.wrong),
                                  "seen": report.used, "seconds": report.seconds,
                                  "unobserved": len(report.verdict.unobserved),
                                  "right": report.guessed_right})
                runs += batch
                won = [b for b in batch if b["converged"]]
                rungs = sorted({b["rung"] for b in batch})
                print(f"{rulestring:14s} {name:10s} {mode:7s} {sum(b['determined'] for b in batch):>4d}/{len(batch):<5d} "
                      f"{len(won):>9d} {sum(b['wrong'] for b in batch):>5d} {_median([b['seen'] for b in won]):>5s} "
                      f"{_median([b['seconds'] for b in won]):>8s} {_mean([b['unobserved'] for b in batch], 1):>10s}  "
                      f"{'; '.join(rungs)}", flush=True)
    print(f"\n{'learner':10s} {'mode':7s} {'runs':>5s} {'determined':>10s} {'(within family)':>15s} "
          f"{'converged':>9s} {'wrong':>5s} {'median s':>9s} {'median seen':>11s} {'mean seen':>9s} "
          f"{'unobserved at stop':>18s} {'right on unobserved':>19s}")
    for name in args.models:
        for mode in args.modes:
            batch = [r for r in runs if r["learner"] == name and r["mode"] == mode]
            won = [r for r in batch if r["converged"]]
            unseen = sum(r["unobserved"] for r in batch)
            right = sum(r["right"] * r["unobserved"] for r in batch if r["right"] is not None)
            print(f"{name:10s} {mode:7s} {len(batch):>5d} {sum(r['determined'] for r in batch):>10d} "
                  f"{sum(r['within'] for r in batch):>15d} {len(won):>9d} {sum(r['wrong'] for r in batch):>5d} "
                  f"{_median([r['seconds'] for r in won]):>9s} {_median([r['seen'] for r in won]):>11s} "
                  f"{_mean([r['seen'] for r in won]):>9s} {_mean([r['unobserved'] for r in batch], 1):>18s} "
                  f"{(f'{right / unseen:.1%}' if unseen else '-'):>19s}")


if __name__ == "__main__":
    main()
