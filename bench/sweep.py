"""Rules per minute: sequential ``learn_rule`` against the batched sweep, side by side on the same rules.

    .venv/bin/python bench/sweep.py [--rules 32] [--batched-rules 256] [--model tied] [--devices cpu cuda] [--json PATH]

Draws seeded random Moore B/S rules (``lifelab.sweep.space.random_rules``), runs
``learn_rule`` on the first ``--rules`` of them one after another (the
default data: 32x32 boards, 16 steps, density 0.5, up to 10 rounds), then
the batched sweep (``lifelab.sweep.run.run_batch``, one process, one torch
thread, as the loop) on the first ``--batched-rules`` (the same rules and
more), on each device, and prints trials per minute, the ratio, and how
many rules each identified exactly (with the wrong verdicts, which must be 0).
"""

from __future__ import annotations

import argparse
import time

import torch
from _report import json_option, table

import lifelab
from lifelab.loop import learn_rule
from lifelab.sweep import plan, random_rules, run_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=32, help="rules run by sequential learn_rule")
    parser.add_argument("--batched-rules", type=int, default=256, help="rules run by the batched sweep")
    parser.add_argument("--batch", type=int, default=128, help="trials per batch")
    parser.add_argument("--model", default="tied", choices=["tied", "minimal"])
    parser.add_argument("--seed", type=int, default=0, help="seed of the rule sample")
    parser.add_argument("--devices", nargs="+", default=None, help="default: cpu, and cuda when there is one")
    json_option(parser)
    args = parser.parse_args()
    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    rules = random_rules("moore", max(args.rules, args.batched_rules), seed=args.seed)
    print(f"random Moore B/S rules (seed {args.seed}), model {args.model}, default data, torch threads 1")
    rows = []
    for device in devices:
        lifelab.get_device(device)
        started = time.perf_counter()
        reports = [learn_rule(r, model=args.model, seed=0, progress=False, device=device) for r in rules[: args.rules]]
        sequential = time.perf_counter() - started
        seq_rate = 60 * len(reports) / sequential
        rows.append(
            {
                "device": device,
                "runner": "learn_rule, one by one",
                "rules": len(reports),
                "seconds": f"{sequential:.1f}",
                "rules/min": f"{seq_rate:.0f}",
                "ratio": "1.0",
                "identified": sum(r.recovered for r in reports),
                "wrong": sum(bool(r.wrong) for r in reports),
            }
        )
        trials = plan(rules[: args.batched_rules], seeds=[0], models=[args.model])
        started = time.perf_counter()
        batched = [
            row
            for i in range(0, len(trials), args.batch)
            for row in run_batch(trials[i : i + args.batch], device=device)
        ]
        seconds = time.perf_counter() - started
        rate = 60 * len(batched) / seconds
        rows.append(
            {
                "device": device,
                "runner": f"batched sweep, batches of {args.batch}",
                "rules": len(batched),
                "seconds": f"{seconds:.1f}",
                "rules/min": f"{rate:.0f}",
                "ratio": f"{rate / seq_rate:.1f}",
                "identified": sum(r["identified"] for r in batched),
                "wrong": sum(r["wrong"] for r in batched),
            }
        )
        same = sum(
            r.recovered == row["identified"] and str(r.extracted) == row["extracted"]
            for r, row in zip(reports, batched, strict=False)
        )  # the rules both ran
        print(f"{device}: on the {len(reports)} rules both ran, same extracted rule and outcome for {same}")
    table(f"random Moore B/S rules, model {args.model}: trials per minute, one torch thread", rows)


if __name__ == "__main__":
    main()
