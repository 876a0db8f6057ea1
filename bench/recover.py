"""Recovery benchmark: what do the data determine, does the learner get there, and how fast?

    .venv/bin/python bench/recover.py [--rules B3/S23 ...] [--models table minimal tied e2cnn ...]
                                      [--seeds 5] [--modes random query] [--max-rounds 10] [--device cpu]
                                      [--size 32] [--steps 16] [--density 0.5] [--family NAME]
                                      [--random-isotropic N]

For each of the nine studied rules, each learner and each seed, runs
``lifelab.loop.run.learn_rule`` (through ``lifelab.viz.comparisons.compare_recovery``,
the same code notebook 05 runs; any rule of :func:`lifelab.parse_rule`:
Generations and Larger than Life too) from one visible trajectory (by default
32x32, 16 steps, density 0.5; ``--size 16 --steps 8 --density 0.15
--max-rounds 15`` is the scarce setting where each trajectory shows little).
Each learner assumes what it can represent (the table learner: the first of
table, isotropic, Moore, von Neumann, hexagonal that the data determine; a
tied 3x3 network: its 50 edge/corner classes; e2cnn p4m: isotropic; plain
networks: nothing) unless ``--family`` states one for all.

Printed per rule, learner and collection mode, then per learner and mode,
side by side in one run:

- how many runs the data determined (and how many only within a family),
  and how many the learner converged on (its rule is the determined rule,
  and that is the oracle's);
- wrong: runs whose verdict determines a rule other than the oracle's (must
  be 0 without an assumption; within a family it means the oracle's rule is
  outside it and the data did not show that);
- trajectories seen (trained on plus held out) by the converged runs, and
  the median time-to-rule;
- patterns never observed at the stop, and the fraction of them the
  learner's rule gets right (the network's generalisation; the table learner
  says "dead" there).

``--random-isotropic N`` replaces the rules by N isotropic non-totalistic
ones: Life with three random isotropic classes (Hensel letters of 2 to 6
live neighbours) switched, drawn with seed 0.
"""

from __future__ import annotations

import argparse

import numpy as np

import lifelab
from lifelab.evidence import FAMILY_NAMES
from lifelab.loop import MODES, learner_names
from lifelab.sweep import random_rules
from lifelab.utils import format_table
from lifelab.viz import compare_recovery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", nargs="+", default=[e.rulestring for e in lifelab.named_rules(studied_only=True)])
    parser.add_argument("--models", nargs="+", default=["table", "minimal", "tied", "e2cnn"], choices=learner_names())
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--max-rounds", type=int, default=10)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--density", type=float, default=0.5)
    parser.add_argument(
        "--family",
        default=None,
        choices=[*FAMILY_NAMES, "auto", "data"],
        help="the assumption of every run (default: each learner's own)",
    )
    parser.add_argument("--device", default=None, help="default: lifelab.get_device()")
    parser.add_argument(
        "--random-isotropic",
        type=int,
        default=0,
        metavar="N",
        help="learn N random isotropic non-totalistic rules instead of --rules",
    )
    args = parser.parse_args()
    if args.random_isotropic:
        args.rules = random_rules("isotropic", args.random_isotropic)
    device = lifelab.get_device(args.device)
    print(
        f"device: {device}, torch threads in the loop: 1, seeds: {args.seeds}, max rounds: {args.max_rounds}, "
        f"trajectories of {args.size}x{args.size}, {args.steps} steps, density {args.density}, "
        f"family: {args.family or 'each learner its own'}"
    )
    comparison = compare_recovery(
        args.rules,
        args.models,
        args.modes,
        range(args.seeds),
        family=args.family,
        max_rounds=args.max_rounds,
        shape=(args.size, args.size),
        steps=args.steps,
        density=args.density,
        device=device,
        progress=True,
    )
    rows = comparison.rows()
    per_rule = []
    for key in dict.fromkeys((row["rule"], row["learner"], row["mode"]) for row in rows):
        batch = [row for row in rows if (row["rule"], row["learner"], row["mode"]) == key]
        won = [row for row in batch if row["converged"]]
        per_rule.append(
            {
                "rule": key[0],
                "learner": key[1],
                "mode": key[2],
                "determined": f"{sum(row['determined'] for row in batch)}/{len(batch)}",
                "converged": len(won),
                "wrong": sum(row["wrong"] for row in batch),
                "median seen": sorted(row["seen"] for row in won)[len(won) // 2] if won else "-",
                "median s": f"{np.median([row['seconds'] for row in won]):.1f}" if won else "-",
                "unobserved": f"{sum(row['unobserved'] for row in batch) / len(batch):.1f}",
                "verdicts": "; ".join(sorted({row["verdict"] for row in batch})),
            }
        )
    print()
    print(format_table(per_rule))
    print()
    print(comparison.table())


if __name__ == "__main__":
    main()
