"""Learning from observations as people hold them: the cases of the observed-data issues, side by side.

    .venv/bin/python bench/observations.py [--golly] [--verbose] [--json PATH]

1. Constructed observations (8 trajectories unless said: windows, dishes, Larger than
   Life files, a mixture, a stochastic rule, dropped scan lines, independent flips,
   frames saved every 2nd step, a GIF read back), each learned as
   ``lifelab learn --data FILE`` learns it (``learn_rule`` on the supplied
   trajectories, every default: the tied network, the boundary and the
   neighbourhood found from the data): the verdict, the rule, the boundary
   taken, whether the data were called explained with noise, and whether
   the rule is wrong.
2. The neighbourhood search on an 8 x 64x64 x 32-step file of each of
   Golly's Larger than Life neighbourhoods (range up to 5): what it finds and
   how long it takes.
3. ``--golly``: every RLE pattern of Golly's own collection (Life, Life-Like,
   Non-Totalistic, Larger-than-Life folders of ``/usr/share/golly/Patterns``,
   Debian's golly package) that lifelab reads, run for 64 generations on
   its world (its grid, or an unbounded plane as a torus wide enough that
   nothing comes round) and observed through a 128x128 window at its
   centre, judged with nothing stated (:func:`lifelab.evidence.judge`).
   With ``bgolly`` installed each run's last generation is compared with
   bgolly's.  A verdict is *wrong* when it determines a rule that is not the
   file's.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from _report import json_option, table
from tqdm import tqdm

from lifelab import random_boards, simulate
from lifelab.evidence import add_noise, judge
from lifelab.evidence.neighbourhood import search_neighbourhood
from lifelab.io import load_trajectories
from lifelab.io.rle import load_rle
from lifelab.loop import learn_rule
from lifelab.rules import LtLRule, parse_rule, rule_states
from lifelab.viz import animate_trajectory, drop_scan_lines, observe_pattern, window_trajectories

GOLLY = Path("/usr/share/golly/Patterns")
FOLDERS = ("Life", "Life-Like", "Non-Totalistic", "Larger-than-Life")
#: Worlds larger than this many cells across are left out (a pattern that big, or a range that long).
MAX_WORLD = 2048


def _gif(rule: str) -> np.ndarray:
    """A trajectory written as lifelab's own animated GIF and read back from the pictures."""
    with tempfile.TemporaryDirectory() as folder:
        path = animate_trajectory(
            simulate(rule, random_boards(1, (32, 32), 0.4, seed=11), 64)[0], Path(folder) / "run.gif", title=rule
        )
        return load_trajectories(path)[0]


def constructed() -> list[tuple[str, str, np.ndarray]]:
    """The constructed cases: ``(description, true rule, trajectories)``."""
    dish = parse_rule("B3/S23:P32,32")
    life = simulate("B3/S23", random_boards(8, (32, 32), 0.4, seed=9), 32)
    return [
        ("Life on 96x96, random 32x32 windows", "B3/S23", window_trajectories("B3/S23", 96, 32)),
        ("HighLife on 128x128, random 48x48 windows", "B36/S23", window_trajectories("B36/S23", 128, 48)),
        (
            "Life on a 32x32 board whose outside is dead",
            "B3/S23",
            simulate(dish, random_boards(8, (32, 32), 0.4, seed=1), 16),
        ),
        (
            "Life on a 32x32 torus (the file says nothing)",
            "B3/S23",
            simulate("B3/S23", random_boards(8, (32, 32), 0.4, seed=2), 16),
        ),
        (
            "R2 box file, 8 x 64x64 x 32",
            "R2,C0,M1,S5..9,B6..8,NM",
            simulate("R2,C0,M1,S5..9,B6..8,NM", random_boards(8, (64, 64), 0.4, seed=3), 32),
        ),
        (
            "R2 diamond file",
            "R2,C0,M0,S3..5,B3..4,NN",
            simulate("R2,C0,M0,S3..5,B3..4,NN", random_boards(8, (64, 64), 0.35, seed=4), 32),
        ),
        (
            "R3 disc file",
            "R3,C0,M0,S8..14,B9..12,NC",
            simulate("R3,C0,M0,S8..14,B9..12,NC", random_boards(8, (64, 64), 0.45, seed=5), 32),
        ),
        (
            "Bosco's Rule file",
            "R5,C0,M1,S34..58,B34..45,NM",
            simulate("R5,C0,M1,S34..58,B34..45,NM", random_boards(8, (64, 64), 0.4, seed=6), 32),
        ),
        (
            "Bosco's Rule, 96x96 windows of 160x160",
            "R5,C0,M1,S34..58,B34..45,NM",
            window_trajectories("R5,C0,M1,S34..58,B34..45,NM", 160, 96, steps=32),
        ),
        (
            "a mixture: 4 Life and 4 HighLife trajectories",
            "(none)",
            np.concatenate(
                [
                    simulate("B3/S23", random_boards(4, (32, 32), 0.4, seed=7), 16),
                    simulate("B36/S23", random_boards(4, (32, 32), 0.4, seed=8), 16),
                ]
            ),
        ),
        (
            "Life, 20% of births fail at random",
            "B3/S23 [B3=0.8]",
            simulate("B3/S23 [B3=0.8]", random_boards(8, (32, 32), 0.4, seed=10), 16, seed=10),
        ),
        ("Life, 30% of frames miss a scan line", "B3/S23", drop_scan_lines(life[:, :17], 0.3, seed=5)),
        ("Life with 1% independent flips", "B3/S23", add_noise(life[:, :17], 0.01, seed=12)),
        ("Life saved every 2nd step", "B3/S23", life[:, ::2]),
        (
            "HighLife saved every 2nd step",
            "B36/S23",
            simulate("B36/S23", random_boards(8, (32, 32), 0.4, seed=13), 32)[:, ::2],
        ),
        ("Life as lifelab's own GIF, read back", "B3/S23", _gif("B3/S23")),
    ]


def run_constructed() -> list[dict]:
    rows = []
    for name, truth, data in tqdm(constructed(), desc="constructed cases", file=sys.stderr):
        started = time.perf_counter()
        report = learn_rule(data, progress=False, device="cpu")
        rule = report.rule
        if report.verdict.rung == "stochastic":
            wrong = truth == "(none)" or not report.verdict.stochastic.holds(parse_rule(truth))
        else:
            wrong = rule is not None and (truth == "(none)" or rule != parse_rule(truth))
        fit = getattr(report.verdict, "stochastic", None)
        shown = (
            "; ".join(f"{c.name} {c.probability:.2f} ({c.low:.2f}-{c.high:.2f})" for c in fit.stochastic)
            if fit is not None
            else ("-" if rule is None else str(rule))
        )
        rows.append(
            {
                "data": name,
                "truth": truth,
                "verdict": report.verdict.label,
                "rule": shown,
                "boundary": report.boundary,
                "neighbourhood": "given"
                if report.search is None
                else (report.search.chosen.name if report.search.chosen is not None else "none named"),
                "noise claimed": "yes" if report.verdict.rung == "explained with noise" else "no",
                "wrong": "WRONG" if wrong else "no",
                "seconds": f"{time.perf_counter() - started:.1f}",
            }
        )
    return rows


def run_search() -> list[dict]:
    rows = []
    for text, density in [
        ("B3/S23", 0.4),
        ("R2,C0,M1,S5..9,B6..8,NM", 0.4),
        ("R2,C0,M0,S3..5,B3..4,NN", 0.35),
        ("R3,C0,M0,S8..14,B9..12,NC", 0.45),
        ("R5,C0,M1,S34..58,B34..45,NM", 0.4),
    ]:
        data = simulate(text, random_boards(8, (64, 64), density, seed=9), 32)
        started = time.perf_counter()
        search = search_neighbourhood(data, max_range=5)
        seconds = time.perf_counter() - started
        window = next(m for m in search.models if m.name == "the 3x3 window")
        rows.append(
            {
                "rule": text,
                "found": search.chosen.name if search.chosen else "none",
                "conflicts": search.chosen.conflicts if search.chosen else "-",
                "observations": search.observations,
                "3x3 window conflicts": window.conflicts,
                "seconds": f"{seconds:.1f}",
            }
        )
    return rows


def _golly_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (GOLLY / folder).rglob("*.rle"))


def _bgolly_final(path: Path, rule, steps: int) -> np.ndarray | None:
    algorithm = "Larger than Life" if isinstance(rule, LtLRule) else "QuickLife"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "end.rle"
        subprocess.run(
            ["bgolly", "-a", algorithm, "-m", str(steps), "-o", str(out), str(path)],
            check=True,
            capture_output=True,
            timeout=600,
        )
        return load_rle(out)[0].astype(bool)


def _bbox(board: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(board)
    return board[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] if len(ys) else board[:0, :0]


def run_golly(steps: int = 64, frame: int = 128, verbose: bool = False) -> tuple[list[dict], Counter, list[str]]:
    has_bgolly = shutil.which("bgolly") is not None
    rows, tally, skipped = [], Counter(), []
    for path in tqdm(_golly_files(), desc="Golly's patterns", file=sys.stderr):
        try:
            pattern, text = load_rle(path)
            rule = parse_rule(text or "B3/S23")
        except ValueError as exc:
            skipped.append(f"{path.name}: {exc}")
            continue
        reach = getattr(rule, "range", 1) * steps
        side = max(pattern.shape) + 2 * reach + frame if rule.grid is None else max(rule.grid.shape)
        if rule_states(rule) > 2 or side > MAX_WORLD:
            skipped.append(f"{path.name}: {'multi-state' if rule_states(rule) > 2 else f'a world of {side} cells'}")
            continue
        started = time.perf_counter()
        observed = observe_pattern(path, frame=frame, steps=steps)
        judgement = judge(observed.window)
        verdict = judgement.verdict
        truth = parse_rule(text or "B3/S23")
        wrong = verdict.rule is not None and verdict.rule != truth
        agrees = "-"
        if has_bgolly:
            golly = _bgolly_final(path, rule, steps)
            mine = observed.world[-1].astype(bool)
            agrees = "yes" if np.array_equal(_bbox(mine), golly) or np.array_equal(mine, golly) else "NO"
        key = (
            "wrong"
            if wrong
            else verdict.label.split(" within ")[0] + (" within" if " within " in verdict.label else "")
        )
        tally[key] += 1
        tally["agrees with bgolly"] += agrees == "yes"
        if verbose or wrong:
            rows.append(
                {
                    "pattern": f"{path.parent.name}/{path.name}",
                    "rule": str(truth)[:32],
                    "verdict": verdict.label[:60],
                    "boundary": judgement.evidence.boundary,
                    "bgolly": agrees,
                    "seconds": f"{time.perf_counter() - started:.1f}",
                }
            )
    return rows, tally, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golly", action="store_true", help="also judge Golly's own example patterns")
    parser.add_argument("--verbose", action="store_true", help="a row per Golly pattern")
    json_option(parser)
    args = parser.parse_args()
    table("Constructed observations, learned as `lifelab learn --data FILE` learns them", run_constructed())
    table("The neighbourhood search, 8 x 64x64 x 32 steps, range up to 5", run_search())
    if args.golly:
        if not GOLLY.is_dir():
            print(f"\n(Golly's patterns are not installed at {GOLLY}: apt-get install golly)")
            return
        rows, tally, skipped = run_golly(verbose=args.verbose)
        print("\n## Golly's example patterns, 64 generations seen through a 128x128 window\n")
        judged = sum(v for k, v in tally.items() if k != "agrees with bgolly")
        print(
            f"{judged} patterns judged ({len(skipped)} left out):",
            ", ".join(f"{k} {v}" for k, v in sorted(tally.items())),
        )
        if rows:
            table("Golly's example patterns, 64 generations seen through a 128x128 window", rows)
        if skipped:
            print("left out:", "; ".join(skipped))


if __name__ == "__main__":
    main()
