"""Can a network represent every rule of the family its verdict assumes?  Random rules of a family, learned.

    .venv/bin/python bench/families.py [--families edges-corners isotropic] [--models tied e2cnn]
                                       [--rules 6] [--max-rounds 10] [--device cpu] [--json PATH]

For each family, draws ``--rules`` random rules of it (each class alive with
probability 1/2, seeded), and runs ``lifelab.loop.run.learn_rule`` in query mode
on each with each model (default trajectories).  Prints, per family and
model: how many rules the loop recovered exactly (the network's rule is the
rule the data determine, and it is the oracle's), how many verdicts named a
wrong rule, the rungs reached and the rounds per rule.  A tied 3x3 p4m
network assumes the 50 edges-corners classes; e2cnn p4m the 102 isotropic
ones.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _report import json_option, table

import lifelab
from lifelab import Rule
from lifelab.evidence import FAMILY_NAMES, family
from lifelab.loop import learn_rule, learner_names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=["edges-corners", "isotropic"], choices=list(FAMILY_NAMES))
    parser.add_argument(
        "--models",
        nargs="+",
        default=["tied", "e2cnn"],
        choices=learner_names(),
        help="learners, each with its default group (tied and e2cnn: p4m)",
    )
    parser.add_argument("--rules", type=int, default=6)
    parser.add_argument("--max-rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default=None, help="default: lifelab.get_device()")
    json_option(parser)
    args = parser.parse_args()
    device = lifelab.get_device(args.device)
    rng = np.random.default_rng(args.seed)
    print(f"device: {device}, {args.rules} random rules per family, query mode, max rounds {args.max_rounds}")
    rows = []
    for name in args.families:
        fam = family(name)
        rules = [Rule.from_table(fam.expand(rng.random(fam.n_classes) < 0.5)) for _ in range(args.rules)]
        for label in args.models:
            started = time.perf_counter()
            reports = [
                learn_rule(
                    rule, model=label, seed=i, mode="query", max_rounds=args.max_rounds, device=device, progress=False
                )
                for i, rule in enumerate(rules)
            ]
            rows.append(
                {
                    "family": name,
                    "model": label,
                    "recovered": f"{sum(bool(r.recovered) for r in reports)}/{len(reports)}",
                    "wrong": sum(bool(r.wrong) for r in reports),
                    "seconds": f"{time.perf_counter() - started:.0f}",
                    "rungs": ", ".join(sorted({r.verdict.label for r in reports})),
                    "rounds per rule": " ".join(str(len(r.rounds)) for r in reports),
                }
            )
            print(f"{name} {label}: done", flush=True)
    table(
        f"random rules of each family, learned in query mode ({args.rules} per family)",
        rows,
        f"at most {args.max_rounds} rounds, {device}; recovered: the rule the data determine, the oracle's",
    )


if __name__ == "__main__":
    main()
