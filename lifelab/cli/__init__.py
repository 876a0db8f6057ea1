"""The ``lifelab`` command line: the headless main job.

    lifelab learn B36/S23 --model tied --group p4m --seed 0
    lifelab learn --data trajectories.npz
    lifelab learn --data life.gif --dead black
    lifelab read talk.mp4 --show grid.png --save talk.npz
    lifelab learn --data loops.npz --unlisted unchanged --export learned.rule
    lifelab simulate HighLife --boards 256 --size 64 --steps 100
    lifelab bench automatagpt --episodes 1000 --out automatagpt.md
    lifelab rules
    lifelab show B2/S013V

Bad input (:class:`lifelab.errors.InputError`) ends with a one-line error on
stderr and exit status 2.  ``learn`` exits with 0 only when the data determine
the rule (identified, identified within the stated family, or explained with
noise), with 3 when they leave it underdetermined and with 1 when they are
inconsistent.  Any other exception is a bug in lifelab: its traceback and a
request to report it go to stderr, with exit status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from lifelab.cli.bench import add_bench
from lifelab.cli.learn import add_learn
from lifelab.cli.read import add_read
from lifelab.cli.simulation import add_rules, add_show, add_simulate
from lifelab.cli.sweep import add_compact, add_sweep
from lifelab.errors import InputError
from lifelab.utils import lifelab_version

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lifelab`` command."""
    parser = argparse.ArgumentParser(prog="lifelab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    # the help's order
    for add in (add_learn, add_read, add_simulate, add_sweep, add_compact, add_bench, add_rules, add_show):
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: Arguments (without the program name); default ``sys.argv[1:]``.

    Returns:
        0 on success (for ``learn``: the data determine the rule), 3 when ``learn``'s data leave the rule
        underdetermined, 1 when they are inconsistent, 2 on bad input, 130 when interrupted, 141 when the
        output pipe closed early; 1 with a traceback on stderr for a bug in lifelab.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"lifelab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lifelab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `lifelab learn ... | head`: stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:  # anything else is lifelab's fault, not the user's: keep the traceback
        traceback.print_exc()
        print(
            f"lifelab: internal error (a bug in lifelab {lifelab_version()}); please report it with the command "
            "you ran and the traceback above",
            file=sys.stderr,
        )
        return 1
