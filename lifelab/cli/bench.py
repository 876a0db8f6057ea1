"""``lifelab bench NAME``: a published protocol run by lifelab, its table beside the published figures."""

from __future__ import annotations

import argparse
import inspect
import sys

from lifelab.benchmarks import BENCHMARKS
from lifelab.errors import InputError

__all__ = ["add_bench", "cmd_bench"]

#: Each option of ``bench``, the argument of a benchmark function it fills.
_ARGUMENTS = {
    "episodes": "episodes",
    "learners": "learners",
    "densities": "densities",
    "data": "path",
    "side": "side",
    "train_boards": "train_boards",
    "split": "split",
    "seed": "seed",
}


def _listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _density(text: str):
    if text == "broad":
        return text
    try:
        return float(text)
    except ValueError:
        raise InputError(f"a density is a number from 0 to 1 or 'broad', got {text!r}") from None


def cmd_bench(args: argparse.Namespace) -> int:
    """``lifelab bench``: run one benchmark, print its table, write it (``--out``: ``.md`` or ``.json``)."""
    run = BENCHMARKS[args.name]
    accepted = inspect.signature(run).parameters
    given, words = {}, [args.name]
    for option, argument in _ARGUMENTS.items():
        value = getattr(args, option)
        if value is None:
            continue
        words.append(f"--{option.replace('_', '-')} {value}")
        if argument not in accepted:
            raise InputError(f"--{option.replace('_', '-')} is not an option of the {args.name} benchmark")
        if option == "learners":
            value = _listed(value)
        elif option == "densities":
            value = tuple(_density(part) for part in _listed(value))
        given[argument] = value
    if "progress" in accepted:
        given["progress"] = sys.stderr.isatty()
    report = run(**given)
    report.command = "lifelab bench " + " ".join(words)
    print(report.table(), end="")
    for out in args.out or []:
        print(f"written       {report.save(out)}")
    return 0


def add_bench(sub: argparse._SubParsersAction) -> None:
    """The ``bench`` subcommand's parser."""
    p = sub.add_parser("bench", help="run a published protocol (AutomataGPT, LifeGPT, CellARC) beside its figures")
    p.add_argument("name", choices=sorted(BENCHMARKS), help="the benchmark")
    p.add_argument("--episodes", type=int, default=None, help="episodes to run (automatagpt, cellarc)")
    p.add_argument("--learners", default=None, help="comma-separated learners, e.g. table,tied")
    p.add_argument("--densities", default=None, help="automatagpt: board densities, e.g. broad,0.2,0.5")
    p.add_argument("--data", default=None, help="lifegpt: a CSV of bit strings; cellarc: an episodes .jsonl file")
    p.add_argument("--side", type=int, default=None, help="lifegpt: the board's side in the CSV")
    p.add_argument("--train-boards", type=int, default=None, help="lifegpt: training pairs of random boards")
    p.add_argument("--split", default=None, help="cellarc: interpolation or extrapolation")
    p.add_argument("--seed", type=int, default=None, help="the run's seed")
    p.add_argument(
        "--out", action="append", default=None, help="write the table (.md) or the whole report (.json); repeatable"
    )
    p.set_defaults(func=cmd_bench)
