"""Cell updates per second: Golly's bgolly against lifelab's compiled and numpy engines, side by side.

    .venv/bin/python bench/golly.py [--size 1024] [--scale 1.0] [--json PATH]

One random soup per rule on a ``size`` x ``size`` torus (``:Tsize,size``
in the RLE that bgolly reads, so both run the same universe); lifelab keeps
the first and last boards only (``simulate(..., every=steps)``).  bgolly is
timed running the soup ``steps`` generations minus the same file run for 0
(its start-up and the reading and writing of the RLE), with the algorithm
Golly would pick for the family (QuickLife, Generations, Larger than Life).
The last board bgolly writes is compared with lifelab's, cell for cell.
Needs ``bgolly`` (``apt-get install golly``); without it the script says so
and exits.  ``--scale`` multiplies every rule's generation count.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
from _report import json_option, table

from lifelab import random_boards, simulate
from lifelab.io.rle import load_rle, write_rle
from lifelab.rules import GenerationsRule, HROTRule, LtLRule, parse_rule

# rule, generations, density of the soup (dense enough for it to stay alive over the run)
RULES = [
    ("B3/S23", 1000, 0.35),
    ("B36/S23", 1000, 0.35),
    ("B2-a/S12", 300, 0.25),
    ("/2/3", 200, 0.3),
    ("345/2/4", 200, 0.3),
    ("R2,C0,M1,S5..9,B6..8,NM", 100, 0.35),
    ("R5,C0,M1,S34..58,B34..45,NM", 100, 0.5),
    ("R3,C2,S0,7-12,27,B8,12,20-27,N2", 100, 0.4),
    ("R2,C0,S2-6,B3-5,NW0110112F2112021F2211F0110", 100, 0.4),
    ("R3,C3,S40-90,B40-70,NG", 100, 0.4),
]  # the last three: HROT, which bgolly reads from Golly 4 on
NAMES = {"/2/3": "Brian's Brain /2/3", "345/2/4": "Star Wars 345/2/4", "R5,C0,M1,S34..58,B34..45,NM": "Bosco's Rule"}


def algorithm(rule) -> str:
    """The algorithm Golly runs a rule of this family with."""
    if isinstance(rule, (LtLRule, HROTRule)):
        return "Larger than Life"
    return "Generations" if isinstance(rule, GenerationsRule) else "QuickLife"


def bgolly_seconds(bgolly: str, path: Path, rule, steps: int, out: Path) -> float:
    """Wall seconds of bgolly running the pattern ``steps`` generations (the last written to ``out``)."""
    start = time.perf_counter()
    subprocess.run(
        [bgolly, "-a", algorithm(rule), "-m", str(steps), "-q", "-q", "-o", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    return time.perf_counter() - start


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every rule's generations")
    parser.add_argument("--bgolly", default="bgolly", help="the bgolly to run (HROT needs one built from Golly 4 on)")
    parser.add_argument("--rules", nargs="+", metavar="RULE", help="only these of the table's rules")
    json_option(parser)
    args = parser.parse_args()
    if shutil.which(args.bgolly) is None:
        sys.exit(f"bench/golly.py needs bgolly (apt-get install golly); {args.bgolly!r} is not on PATH")
    version = subprocess.run([args.bgolly, "--help"], capture_output=True, text=True).stdout.split("Copyright")[0]
    n = args.size
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for text, steps, density in RULES:
            if args.rules and text not in args.rules:
                continue
            steps = max(1, round(steps * args.scale))
            rule = parse_rule(text)
            board = random_boards(1, (n, n), density, seed=0)
            if rule.states > 2:
                board = board.astype(np.uint8)
            pattern, end, empty = Path(folder) / "soup.rle", Path(folder) / "end.rle", Path(folder) / "zero.rle"
            pattern.write_text(write_rle(board[0], f"{text}:T{n},{n}"))
            try:
                golly = bgolly_seconds(args.bgolly, pattern, rule, steps, end) - bgolly_seconds(
                    args.bgolly, pattern, rule, 0, empty
                )
            except subprocess.CalledProcessError:
                print(f"{text}: this bgolly does not run it (HROT needs Golly 4 or later); skipped", flush=True)
                continue
            simulate(rule, board[:, :8], 2)  # the compiled functions loaded (or compiled) before timing: full rows
            compiled = timed(partial(simulate, rule, board, steps, every=steps))
            ours = simulate(rule, board, steps, every=steps)[0, -1]
            reference = timed(partial(simulate, rule, board, steps, every=steps, engine="numpy"))
            theirs, _ = load_rle(end)
            final = np.zeros((n, n), dtype=np.uint8)
            final[: theirs.shape[0], : theirs.shape[1]] = theirs  # bgolly writes the live cells' bounding box
            cells = n * n * steps
            rows.append(
                {
                    "rule": NAMES.get(text, text),
                    "gens": steps,
                    "Golly": f"{cells / golly:.3g}",
                    "algorithm": algorithm(rule),
                    "lifelab": f"{cells / compiled:.3g}",
                    "lifelab / Golly": f"{golly / compiled:.2f}x",
                    "numpy engine": f"{cells / reference:.3g}",
                    "same last board": "yes" if np.array_equal(final, ours.astype(np.uint8)) else "NO",
                }
            )
            print(rows[-1], flush=True)
    table(
        f"{n}x{n} torus soups, first and last board kept: cell updates per second, {version.strip()} against "
        "lifelab's compiled engine (and its numpy reference)",
        rows,
        "bgolly's time is the run's minus the same file run for 0 generations (start-up and RLE reading and "
        "writing); both on all the cores the process may use (Golly's algorithms on one)",
    )


if __name__ == "__main__":
    main()
