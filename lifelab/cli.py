"""The ``lifelab`` command line: the headless main job.

    lifelab simulate HighLife --boards 256 --size 64 --steps 100
    lifelab rules
    lifelab show B2/S013V

Bad input ends with a one-line error on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from lifelab.rules import NotTotalisticError, Rule, named_rules
from lifelab.simulate import random_boards, simulate


def _describe(rule: Rule) -> list[str]:
    lines = [f"rule          {rule}" + (f"  ({rule.name})" if rule.name and rule.name != str(rule) else "")]
    try:
        lines.append(f"neighbourhood {rule.neighbourhood}")
        lines.append(f"birth         {list(rule.birth)}")
        lines.append(f"survival      {list(rule.survival)}")
    except NotTotalisticError:
        lines.append("neighbourhood none (not outer-totalistic)")
    lines.append(f"MAP           {rule.to_map()}")
    return lines


def _period(trajectory: np.ndarray, max_period: int) -> int | None:
    """Smallest p <= max_period with the last board equal to the one p steps earlier."""
    last = trajectory[-1]
    for p in range(1, min(max_period, len(trajectory) - 1) + 1):
        if np.array_equal(trajectory[-1 - p], last):
            return p
    return None


def cmd_simulate(args) -> int:
    """Simulate a rule on random boards and print a summary."""
    rule = Rule.parse(args.rule)
    boards = random_boards(args.boards, (args.size, args.size), density=args.density, seed=args.seed)
    start = time.perf_counter()
    traj = simulate(rule, boards, args.steps, device=args.device)
    elapsed = time.perf_counter() - start
    population = traj.sum(axis=(2, 3))
    periods = [_period(t, 8) for t in traj]
    for line in _describe(rule):
        print(line)
    print(f"boards        {args.boards} x {args.size}x{args.size}, density {args.density}, seed {args.seed}")
    print(f"steps         {args.steps}")
    print(f"population    start {population[:, 0].mean():.1f}, end {population[:, -1].mean():.1f} (mean per board)")
    print(f"died out      {np.mean(population[:, -1] == 0):.0%} of boards")
    print(f"settled       {np.mean([p is not None for p in periods]):.0%} of boards in a cycle of period <= 8")
    cells = args.boards * args.size * args.size * args.steps
    print(f"speed         {cells / max(elapsed, 1e-9):.3g} cell updates/s ({elapsed:.3f} s)")
    return 0


def cmd_rules(args) -> int:
    """List the registry of named rules."""
    for entry in named_rules(studied_only=args.studied):
        mark = "*" if entry.studied else " "
        print(f"{mark} {entry.name:<20} {entry.rulestring:<16} {entry.description}")
    print("* = studied in the research programme")
    return 0


def cmd_show(args) -> int:
    """Print every notation of one rule."""
    for line in _describe(Rule.parse(args.rule)):
        print(line)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lifelab`` command."""
    parser = argparse.ArgumentParser(prog="lifelab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="simulate a rule on random boards and print a summary")
    p.add_argument("rule", help="rulestring (B3/S23, B2/S013V, MAP...) or name (HighLife)")
    p.add_argument("--boards", type=_positive, default=256, help="number of boards (default 256)")
    p.add_argument("--size", type=_positive, default=64, help="board side (default 64)")
    p.add_argument("--steps", type=int, default=100, help="steps (default 100)")
    p.add_argument("--density", type=float, default=0.5, help="initial live-cell density (default 0.5)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--device", default=None, help="torch device (cuda, cpu); default: bit-packed numpy")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("rules", help="list the named rules")
    p.add_argument("--studied", action="store_true", help="only the nine studied rules")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("show", help="print every notation of a rule")
    p.add_argument("rule")
    p.set_defaults(func=cmd_show)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: Arguments (without the program name); default ``sys.argv[1:]``.

    Returns:
        0 on success, 2 on bad input.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as exc:
        print(f"lifelab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
