"""``lifelab simulate``, ``lifelab rules`` and ``lifelab show``: run a rule, list the named rules, and describe
one rule in every notation."""

from __future__ import annotations

import argparse
import time

import numpy as np

from lifelab.cli.options import _positive
from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.geometry import HROT_NEIGHBOURHOODS, LTL_NEIGHBOURHOODS
from lifelab.io import save_trajectories
from lifelab.io.rle import load_rle, place
from lifelab.rules import (
    GenerationsRule,
    HROTRule,
    LtLRule,
    NotTotalisticError,
    StochasticRule,
    TableRule,
    count_runs,
    named_rules,
    parse_rule,
    rule_states,
)

__all__ = ["add_rules", "add_show", "add_simulate", "cmd_rules", "cmd_show", "cmd_simulate"]


def _describe(rule) -> list[str]:
    lines = [f"rule          {rule}" + (f"  ({rule.name})" if rule.name and rule.name != str(rule) else "")]
    if isinstance(rule, TableRule):
        form = (
            f"a table of {len(rule.transitions)} transitions, symmetries {rule.symmetries}"
            if rule.tree is None
            else f"a tree of {len(rule.tree)} nodes"
        )
        lines += [
            f"family        Golly rule table, {rule.states} states: {form}",
            f"neighbourhood {rule.neighbourhood}: {len(rule.offsets) - 1} neighbours, "
            f"{rule.configurations:,} configurations (unlisted ones leave the cell unchanged)",
        ]
    elif isinstance(rule, LtLRule):
        lines += [
            f"family        Larger than Life, range {rule.range}, {rule.states} states",
            f"neighbourhood {LTL_NEIGHBOURHOODS[rule.neighbourhood]}: {rule.size} cells"
            + (" and the cell itself" if rule.middle else ""),
            f"birth         live count {rule.birth[0]}..{rule.birth[1]}",
            f"survival      live count {rule.survival[0]}..{rule.survival[1]}",
        ]
    elif isinstance(rule, HROTRule):
        weighted = rule.neighbourhood == "W"
        lines += [
            "family        HROT"
            + (" (written as Larger than Life)" if rule.ltl else "")
            + f", range {rule.range}, {rule.states} states",
            f"neighbourhood {HROT_NEIGHBOURHOODS[rule.neighbourhood]}: {len(rule.offsets)} cells"
            + (f", counts up to {rule.size}" if weighted else " with the cell itself"),
            f"birth         count {count_runs(rule.birth) or '(none)'}",
            f"survival      count {count_runs(rule.survival) or '(none)'}"
            + ("" if weighted or rule.middle else " (the cell itself not counted)"),
        ]
    elif isinstance(rule, StochasticRule):
        lines += [
            "family        stochastic: each class alive next with a probability",
            f"nearest       {rule.base} (alive where the chance is above one half)",
        ]
        lines += [f"class         {name}: alive next with probability {p:g}" for name, p in rule.exceptions.items()]
    else:
        two_state = rule.rule if isinstance(rule, GenerationsRule) else rule
        if isinstance(rule, GenerationsRule):
            lines.append(f"family        Generations, {rule.states} states (2..{rule.states - 1} dying)")
        try:
            lines.append(f"neighbourhood {two_state.neighbourhood}")
            lines.append(f"birth         {list(two_state.birth)}")
            lines.append(f"survival      {list(two_state.survival)}")
        except NotTotalisticError:
            lines.append("neighbourhood none (not outer-totalistic)")
            try:
                lines.append(f"isotropic     {two_state.to_hensel()}")
            except NotTotalisticError:
                pass
        lines.append(f"MAP           {two_state.to_map()}")
    if rule.grid is not None:
        what = "torus" if rule.grid.kind == "T" else "plane"
        lines.append(
            f"{what:<13s} {rule.grid.width} wide, {rule.grid.height} high"
            + ("" if rule.grid.kind == "T" else " (bounded: the outside is dead)")
        )
    return lines


def _period(trajectory: np.ndarray, max_period: int) -> int | None:
    """Smallest p <= max_period with the last board equal to the one p steps earlier."""
    last = trajectory[-1]
    for p in range(1, min(max_period, len(trajectory) - 1) + 1):
        if np.array_equal(trajectory[-1 - p], last):
            return p
    return None


def cmd_simulate(args) -> int:
    """Simulate a rule on random boards, or a pattern file centred on one board, and print a summary."""
    rule = parse_rule(args.rule)
    if args.size is not None and len(args.size) > 2:
        raise InputError(f"--size is N (N x N) or W H, got {len(args.size)} numbers")
    width, height = (
        (rule.grid.width, rule.grid.height)
        if rule.grid is not None and args.size is None
        else (args.size[0], args.size[-1])
        if args.size is not None
        else (64, 64)
    )
    states = rule_states(rule)
    if args.pattern is not None:
        pattern, _ = load_rle(args.pattern)
        if pattern.max(initial=0) >= states:
            raise InputError(f"{args.pattern} has state {pattern.max()}; {rule} has states 0..{states - 1}")
        at = ((height - pattern.shape[0]) // 2, (width - pattern.shape[1]) // 2)
        board = place(pattern.astype(bool if states == 2 else np.uint8), (height, width), at)
        boards, what = board[None], f"{args.pattern} centred on one {width}x{height} board"
    else:
        rng = np.random.default_rng(args.seed)
        alive = random_boards(args.boards, (height, width), density=args.density, seed=rng)
        if states == 2:
            boards = alive
        elif isinstance(rule, TableRule):  # a table's states are all its own: draw any non-zero one
            boards = np.where(alive, rng.integers(1, states, alive.shape), 0).astype(np.uint8)
        else:  # Generations and Larger than Life start from live cells; the dying states follow
            boards = alive.astype(np.uint8)
        what = f"{args.boards} x {width}x{height}, density {args.density}, seed {args.seed}"
    start = time.perf_counter()
    traj = simulate(rule, boards, args.steps, device=args.device)
    elapsed = time.perf_counter() - start
    population = (traj == 1).sum(axis=(2, 3))
    periods = [_period(t, 8) for t in traj]
    for line in _describe(rule):
        print(line)
    print(f"boards        {what}")
    print(f"steps         {args.steps}")
    print(f"population    start {population[:, 0].mean():.1f}, end {population[:, -1].mean():.1f} (mean per board)")
    print(f"died out      {np.mean(population[:, -1] == 0):.0%} of boards")
    print(f"settled       {np.mean([p is not None for p in periods]):.0%} of boards in a cycle of period <= 8")
    cells = len(boards) * width * height * args.steps
    print(f"speed         {cells / max(elapsed, 1e-9):.3g} cell updates/s ({elapsed:.3f} s)")
    if args.save is not None:
        path = save_trajectories(args.save, traj, {"rule": str(rule), "steps": args.steps}, overwrite=True)
        print(f"saved         {path} (states 0..{states - 1})")
    return 0


def cmd_rules(args) -> int:
    """List the registry of named rules."""
    kind = None
    for entry in named_rules(studied_only=args.studied, kind=None):
        if entry.kind != kind:
            kind = entry.kind
            print(f"{kind}:")
        mark = "*" if entry.studied else " "
        print(f"{mark} {entry.name:<20} {entry.rulestring:<34} {entry.description}")
    print("* = studied in the research programme")
    return 0


def cmd_show(args) -> int:
    """Print every notation of one rule."""
    for line in _describe(parse_rule(args.rule)):
        print(line)
    return 0


def add_simulate(sub: argparse._SubParsersAction) -> None:
    """The ``simulate`` subcommand's parser."""
    p = sub.add_parser("simulate", help="simulate a rule on random boards (or a pattern) and print a summary")
    p.add_argument("rule", help="rulestring (B3/S23, B2/S013V, MAP...), name (HighLife) or Golly .rule file")
    p.add_argument("--boards", type=_positive, default=256, help="number of random boards (default 256)")
    p.add_argument(
        "--pattern",
        metavar="FILE.rle",
        default=None,
        help="start from this pattern, centred on one board, instead of random boards",
    )
    p.add_argument(
        "--size",
        type=_positive,
        nargs="+",
        metavar="N",
        default=None,
        help="board side N, or width and height W H (default: the rule's :Tw,h torus, else 64)",
    )
    p.add_argument(
        "--save", metavar="FILE.npz", default=None, help="save the trajectories (what `lifelab learn --data` reads)"
    )
    p.add_argument("--steps", type=int, default=100, help="steps (default 100)")
    p.add_argument("--density", type=float, default=0.5, help="initial live-cell density (default 0.5)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--device", default=None, help="torch device (cuda, cpu); default: bit-packed numpy")
    p.set_defaults(func=cmd_simulate)


def add_rules(sub: argparse._SubParsersAction) -> None:
    """The ``rules`` subcommand's parser."""
    p = sub.add_parser("rules", help="list the named rules")
    p.add_argument("--studied", action="store_true", help="only the nine studied rules")
    p.set_defaults(func=cmd_rules)


def add_show(sub: argparse._SubParsersAction) -> None:
    """The ``show`` subcommand's parser."""
    p = sub.add_parser("show", help="print every notation of a rule")
    p.add_argument("rule")
    p.set_defaults(func=cmd_show)
