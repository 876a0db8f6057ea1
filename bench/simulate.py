"""Cell updates per second: seagull vs lifelab on the same boards, side by side.

    .venv/bin/python bench/simulate.py [--boards 256] [--size 64] [--steps 100] [--json PATH]

One row per rule family, the compiled engine (the default) beside the
numpy reference: 2-state 3x3 rules (B/S, von Neumann, MAP, Hensel
isotropic) run bit-packed; Generations rules bit-packed with their dying
counts in bit planes (numpy: a table lookup on the live cells' patterns);
Larger-than-Life rules by running sums (box) or row prefix sums (diamond,
disc) (numpy: summed-area tables or row prefix sums).
seagull runs one board at a time (it has no batch mode), so it is timed on a
subset of the boards and reported per cell: its own ``life_rule`` for Moore
B/S rules, and its ``Simulator`` running lifelab's kernel form
(``rule.seagull_rule()``: its convolution, with the family's kernel) for the
others.  lifelab runs the whole batch.  Each figure is the best of
--repeat runs after one warm-up.  With CUDA present the torch engine is
timed too.  A second table times Life on batches of every shape with the
whole history kept (on both cores, and pinned to one) and with only the
first and last boards (``simulate(..., every=steps)``), and names the
numpy engine's packing (rows in lanes of words, or boards bit-sliced across
the batch), with the compiled engine's packed history
(``simulate(..., packed=True)``) beside them; with python-lifelib installed
(``pip install python-lifelib``, which compiles its C++ on first use) Life
on one 1024x1024 board is timed in lifelib too, else the script says why it
is left out.  A third times the first call in fresh processes against the warm
calls after it, and with CUDA present a fourth times one 8192x8192 board.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import warnings
from functools import partial

import numpy as np
import seagull as sg
from _report import json_option, table
from seagull.rules import life_rule

from lifelab import Rule, random_boards, run_seagull, simulate
from lifelab.rules import parse_rule, rule_states


def best_time(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def seagull_run(rulestring: str, boards: np.ndarray, steps: int) -> None:
    for board in boards:
        sim = sg.Simulator(sg.Board(size=board.shape))
        sim.board.state = board.copy()
        sim.run(life_rule, iters=steps, rulestring=rulestring)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=256)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seagull-boards", type=int, default=8, help="boards seagull runs (it is slow)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--processes", type=int, default=5, help="fresh processes timed for the first call")
    json_option(parser)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import torch

    boards = random_boards(args.boards, (args.size, args.size), seed=0)
    cells = args.boards * args.size * args.size * args.steps
    sg_cells = args.seagull_boards * args.size * args.size * args.steps
    rules = {
        "B3/S23": "bit-packed",
        "B36/S23": "bit-packed",
        "B2/S013V": "bit-packed",
        "random MAP": "bit-packed",
        "B2-a/S12": "bit-packed",
        "/2/3": "bit planes",
        "345/2/4": "bit planes",
        "R2,C0,M1,S5..9,B6..8,NM": "running sums",
        "R3,C0,M0,S8..14,B9..12,NC": "row prefix sums",
        "R5,C0,M1,S34..58,B34..45,NM": "running sums",
    }
    print(
        f"{args.boards} boards of {args.size}x{args.size}, {args.steps} steps (seagull: {args.seagull_boards} "
        "boards; its own life_rule for Moore B/S rules, its Simulator running lifelab's kernel form otherwise)"
    )
    rows = []
    for name, engine in rules.items():
        rule = Rule.from_table(np.random.default_rng(0).random(512) < 0.5) if name == "random MAP" else parse_rule(name)
        start = boards if rule_states(rule) == 2 else boards.astype(np.uint8)
        ours = cells / best_time(partial(simulate, rule, start, args.steps), args.repeat)
        reference = cells / best_time(partial(simulate, rule, start, args.steps, engine="numpy"), args.repeat)
        torch_cpu = cells / best_time(partial(simulate, rule, start, args.steps, device="cpu"), 1)
        if name in ("B3/S23", "B36/S23"):
            theirs = sg_cells / best_time(partial(seagull_run, name, boards[: args.seagull_boards], args.steps), 1)
        else:
            theirs = sg_cells / best_time(
                lambda rule=rule, start=start: [run_seagull(rule, b, args.steps) for b in start[: args.seagull_boards]],
                1,
            )
        row = {
            "rule": name,
            "engine": engine,
            "seagull": f"{theirs:.3g}",
            "lifelab": f"{ours:.3g}",
            "ratio": f"{ours / theirs:.0f}x",
            "numpy engine": f"{reference:.3g}",
            "torch cpu": f"{torch_cpu:.3g}",
        }
        if torch.cuda.is_available():
            # not named on_cuda: a local of that name would shadow the function main() calls at its end
            def cuda_run(rule=rule, start=start):
                simulate(rule, start, args.steps, device="cuda")
                torch.cuda.synchronize()

            row["torch cuda"] = f"{cells / best_time(cuda_run, args.repeat):.3g}"
        rows.append(row)
        if name == "B3/S23":
            seagull_life = theirs
    table(
        f"{args.boards} boards of {args.size}x{args.size}, {args.steps} steps: cell updates per second",
        rows,
        f"seagull runs {args.seagull_boards} boards: its own life_rule for Moore B/S rules, its Simulator running "
        "lifelab's kernel form otherwise",
    )
    history_forms(args.repeat)
    lifelib_life(args.repeat)
    first_calls(args.processes, seagull_life)
    if torch.cuda.is_available():
        on_cuda(args.repeat)


def packing(n: int, side: int, frames: int, steps: int) -> str:
    """How the engine lays out ``n`` boards of ``side`` x ``side`` cells: rows in lanes of words, or bit-sliced."""
    from lifelab.engines.bitpack import _lane, _layout

    if _layout(n, side, frames, steps) == "boards":
        return "bit-sliced"
    lane = _lane(side)
    return f"{64 // lane} rows/word" if lane < 64 else f"{lane // 64} words/row"


def history_forms(repeat: int) -> None:
    """Life on batches of every shape: the whole history (on both cores and on one) against the first and last."""
    cores = os.sched_getaffinity(0)
    rows = []
    for n, side in [(256, 64), (4096, 16), (1, 1024), (16, 256)]:
        boards = random_boards(n, (side, side), seed=0)
        cells = n * side * side * 100
        row = {"boards": f"{n} x {side}x{side}"}
        for engine in ("compiled", "numpy"):
            full = cells / best_time(partial(simulate, "B3/S23", boards, 100, engine=engine), repeat)
            os.sched_setaffinity(0, {min(cores)})
            try:
                one = cells / best_time(partial(simulate, "B3/S23", boards, 100, engine=engine), repeat)
            finally:
                os.sched_setaffinity(0, cores)
            last = cells / best_time(partial(simulate, "B3/S23", boards, 100, every=100, engine=engine), repeat)
            row |= {
                f"{engine} every=1": f"{full:.3g}",
                f"{engine} one core": f"{one:.3g}",
                f"{engine} every=100": f"{last:.3g}",
            }
        row["packed=True"] = f"{cells / best_time(partial(simulate, 'B3/S23', boards, 100, packed=True), repeat):.3g}"
        row["numpy packing"] = packing(n, side, 2, 100)
        rows.append(row)
        print(row, flush=True)
    table(
        "B3/S23, 100 steps, cell updates per second: the whole history (every=1), the same pinned to one core, "
        "the first and last boards only (every=100), and the whole history packed 64 cells a word",
        rows,
        "numpy: the history's bytes written on the second core while the first steps; compiled: every core steps",
    )


def lifelib_life(repeat: int) -> None:
    """Life from one 1024x1024 soup in python-lifelib (when installed; the plane) beside lifelab (a torus)."""
    try:
        import lifelib
    except ImportError:
        print(
            "\npython-lifelib is not installed (pip install python-lifelib; it compiles C++ on first use): "
            "its comparison is left out"
        )
        return
    try:
        session = lifelib.load_rules("b3s23")
    except Exception as error:  # lifelib builds its C++ with the system compiler: say why when it cannot
        print(f"\npython-lifelib could not build its b3s23 library ({error}): its comparison is left out")
        return
    board = random_boards(1, (1024, 1024), 0.35, seed=0)
    ys, xs = np.nonzero(board[0])
    cells = np.stack([xs, ys], axis=1).astype(np.int64)

    def soup():  # a fresh tree for every run, so that no run reuses what an earlier one memoised
        pattern = session.lifetree(memory=1000).pattern("", "b3s23")
        pattern[cells] = np.ones(len(cells), dtype=np.uint64)
        return pattern

    updates = 1024 * 1024 * 1000
    theirs = updates / best_time(lambda: soup()[1000], repeat)
    ours = updates / best_time(lambda: simulate("B3/S23", board, 1000, every=1000), repeat)
    threads = len(os.sched_getaffinity(0))
    table(
        "B3/S23, one 1024x1024 soup, 1000 generations: cell updates per second",
        [
            {
                "lifelib (one core, the plane)": f"{theirs:.3g}",
                f"lifelab ({threads} cores, torus, first and last kept)": f"{ours:.3g}",
                "lifelab per core / lifelib": f"{ours / threads / theirs:.2f}x",
            }
        ],
        "lifelib runs the soup on the unbounded plane (its cells per second counted over the 1024x1024 soup), "
        "on one thread; lifelab on every core the process may use",
    )


FIRST_CALL = """
import sys, time
from lifelab import random_boards, simulate
n, side, every = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
boards = random_boards(n, (side, side), seed=0)
times = []
for _ in range(4):
    start = time.perf_counter()
    simulate("B3/S23", boards, 100, every=every)
    times.append(time.perf_counter() - start)
print(times[0], min(times[1:]))
"""


def first_calls(processes: int, seagull_rate: float) -> None:
    """The first call in fresh processes against the warm calls that follow it, with each history form."""
    print(
        f"\nB3/S23, 100 steps: the first call in each of {processes} fresh processes against the best of the next "
        "three in the same process, keeping the whole history (every=1) or the first and last boards (every=100)"
    )
    print(
        f"{'boards':<16} {'every':>5} {'first/warm median':>18} {'worst':>7} {'first call, median':>19} "
        f"{'vs seagull':>11}"
    )
    for n, side in [(256, 64), (4096, 16), (1, 1024)]:
        for every in (1, 100):
            runs = [
                subprocess.run(
                    [sys.executable, "-c", FIRST_CALL, str(n), str(side), str(every)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                for _ in range(processes)
            ]
            first, warm = np.array(runs, dtype=float).T
            rate = n * side * side * 100 / np.median(first)
            print(
                f"{f'{n} x {side}x{side}':<16} {every:5d} {np.median(first / warm):17.2f}x "
                f"{np.max(first / warm):6.2f}x {rate:19.3g} {rate / seagull_rate:10.0f}x",
                flush=True,
            )


def on_cuda(repeat: int) -> None:
    """Life on one 8192x8192 board on CUDA, the torch engine's bit-packed words, first and last boards kept."""
    import torch

    board = random_boards(1, (8192, 8192), seed=0)

    def run():
        simulate("B3/S23", board, 100, every=100, device="cuda")
        torch.cuda.synchronize()

    print(
        f"\nCUDA ({torch.cuda.get_device_name()}), B3/S23, 1 x 8192x8192, 100 steps, every=100: "
        f"{8192 * 8192 * 100 / best_time(run, repeat):.3g} cell updates per second"
    )


if __name__ == "__main__":
    main()
