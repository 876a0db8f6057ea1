"""``lifelab sweep`` and ``lifelab compact``: many rules learned into a Parquet store, and a store made compact."""

from __future__ import annotations

import argparse

from lifelab.cli.options import _positive, settings_options
from lifelab.errors import InputError
from lifelab.loop import DEFAULT_SIZE, LoopSettings, SweepSettings, learner_names
from lifelab.rules import named_rules
from lifelab.sweep import (
    COLUMNS,
    MAP_COLUMNS,
    SAMPLED_FAMILIES,
    all_rules,
    compact,
    family_of,
    plan,
    random_rules,
    read_store,
    sweep,
)
from lifelab.utils import ascii_digits

__all__ = ["add_compact", "add_sweep", "cmd_compact", "cmd_sweep"]


def cmd_sweep(args: argparse.Namespace) -> int:
    """``lifelab sweep``: run rules x seeds x models into a Parquet store and print what it found."""
    rules = list(args.rules or []) + ([entry.rulestring for entry in named_rules(kind=None)] if args.registry else [])
    families = [family_of(rule) for rule in rules]
    if args.random:
        family, count = args.random
        if not ascii_digits(count):
            raise InputError(f"--random {family} N: N must be a whole number, got {count!r}")
        drawn = random_rules(family, int(count), seed=args.rule_seed)
        rules, families = rules + drawn, families + [family] * len(drawn)
    if args.all:
        listed = all_rules(args.all)
        rules, families = rules + listed, families + [args.all] * len(listed)
    if not rules:
        raise InputError("no rules: give rulestrings, --registry, --random FAMILY N or --all FAMILY")
    trials = plan(
        rules,
        range(args.seeds),
        args.models,
        families=families,
        size=args.size,
        steps=args.steps,
        density=args.density,
        max_rounds=args.max_rounds,
    )
    print(
        f"{len(trials)} trials: {len(rules)} rules x {args.seeds} seeds x {len(args.models)} models; "
        f"store {args.store}; backend {args.backend}, {args.workers} workers, batches of {args.batch_size}"
    )
    result = sweep(
        trials,
        args.store,
        backend=args.backend,
        workers=args.workers,
        batch_size=args.batch_size,
        address=args.address,
        device=args.device,
    )
    print(result.summary())
    if result.interrupted:
        print("stopped early: every finished batch is stored; run the same command again to resume")
        return 130
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    """``lifelab compact``: a store rewritten as one compressed part holding the columns a map needs."""
    part = compact(args.store, args.out, args.columns)
    print(f"{len(read_store(args.out))} trials, {len(args.columns)} columns: {part} ({part.stat().st_size:,} bytes)")
    return 0


def add_sweep(sub: argparse._SubParsersAction) -> None:
    """The ``sweep`` subcommand's parser."""
    p = sub.add_parser("sweep", help="learn many rules (rules x seeds x models) into a Parquet store; resumable")
    p.add_argument("rules", nargs="*", help="rulestrings or names")
    p.add_argument("--registry", action="store_true", help="every rule of the registry")
    p.add_argument(
        "--random",
        nargs=2,
        metavar=("FAMILY", "N"),
        help="N seeded random rules of a family: " + ", ".join(SAMPLED_FAMILIES),
    )
    p.add_argument("--all", metavar="FAMILY", help="every B/S rule of a family: vonneumann (1,024) or moore (262,144)")
    p.add_argument("--rule-seed", type=int, default=0, help="seed of --random (default 0)")
    p.add_argument("--seeds", type=_positive, default=1, help="loop seeds 0..N-1 per rule (default 1)")
    p.add_argument("--models", nargs="+", default=["tied"], choices=learner_names(), help="learners (default tied)")
    p.add_argument("--store", required=True, help="directory of the Parquet store (created; resumed if it exists)")
    settings_options(p, SweepSettings, flags={"batch_size": "--batch"})
    settings_options(p, LoopSettings, ["max_rounds", "steps", "density"])
    p.add_argument("--size", type=_positive, default=DEFAULT_SIZE, help=f"board side (default {DEFAULT_SIZE})")
    p.add_argument("--device", default=None, help="torch device (cuda, cpu); default: GPU if there is one")
    p.set_defaults(func=cmd_sweep)


def add_compact(sub: argparse._SubParsersAction) -> None:
    """The ``compact`` subcommand's parser."""
    p = sub.add_parser("compact", help="rewrite a sweep store as one compressed Parquet part (to commit a map)")
    p.add_argument("store", help="the sweep store to read")
    p.add_argument("out", help="a new directory for the compact store")
    p.add_argument(
        "--columns",
        nargs="+",
        default=list(MAP_COLUMNS),
        choices=list(COLUMNS),
        metavar="COLUMN",
        help="columns to keep (default: " + " ".join(MAP_COLUMNS) + ")",
    )
    p.set_defaults(func=cmd_compact)
