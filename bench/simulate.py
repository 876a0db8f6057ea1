"""Cell updates per second: seagull vs lifelab on the same boards, side by side.

    .venv/bin/python bench/simulate.py [--boards 256] [--size 64] [--steps 100] [--json PATH]

One row per rule family and engine: 2-state 3x3 rules (B/S, von Neumann,
MAP, Hensel isotropic) run bit-packed; Generations rules by a table lookup
on the live cells' patterns; Larger-than-Life rules by summed-area tables
(box) or row prefix sums (diamond, disc).
seagull runs one board at a time (it has no batch mode), so it is timed on a
subset of the boards and reported per cell: its own ``life_rule`` for Moore
B/S rules, and its ``Simulator`` running lifelab's kernel form
(``rule.seagull_rule()``: its convolution, with the family's kernel) for the
others.  lifelab runs the whole batch.  Each figure is the best of
--repeat runs after one warm-up.  With CUDA present the torch engine is
timed too.  A second table times Life on batches of every shape with the
whole history kept (on both cores, and pinned to one) and with only the
first and last boards (``simulate(..., every=steps)``), and names the
packing used (rows in lanes of words, or boards bit-sliced across the
batch).  A third times the first call in fresh processes against the warm
calls after it, and with CUDA present a fourth times one 8192x8192 board.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import warnings

import numpy as np
from _report import json_option, table
import seagull as sg
from seagull.rules import life_rule

from lifelab import Rule, random_boards, run_seagull, simulate
from lifelab.families import parse_rule, rule_states


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
    rules = {"B3/S23": "bit-packed", "B36/S23": "bit-packed", "B2/S013V": "bit-packed", "random MAP": "bit-packed",
             "B2-a/S12": "bit-packed", "/2/3": "numpy lookup", "345/2/4": "numpy lookup",
             "R2,C0,M1,S5..9,B6..8,NM": "summed areas", "R3,C0,M0,S8..14,B9..12,NC": "numpy row sums",
             "R5,C0,M1,S34..58,B34..45,NM": "summed areas"}
    print(f"{args.boards} boards of {args.size}x{args.size}, {args.steps} steps (seagull: {args.seagull_boards} "
          "boards; its own life_rule for Moore B/S rules, its Simulator running lifelab's kernel form otherwise)")
    rows = []
    for name, engine in rules.items():
        rule = Rule.from_table(np.random.default_rng(0).random(512) < 0.5) if name == "random MAP" else parse_rule(name)
        start = boards if rule_states(rule) == 2 else boards.astype(np.uint8)
        ours = cells / best_time(lambda: simulate(rule, start, args.steps), args.repeat)
        torch_cpu = cells / best_time(lambda: simulate(rule, start, args.steps, device="cpu"), 1)
        if name in ("B3/S23", "B36/S23"):
            theirs = sg_cells / best_time(lambda: seagull_run(name, boards[: args.seagull_boards], args.steps), 1)
        else:
            theirs = sg_cells / best_time(lambda: [run_seagull(rule, b, args.steps)
                                                   for b in start[: args.seagull_boards]], 1)
        row = {"rule": name, "engine": engine, "seagull": f"{theirs:.3g}", "lifelab": f"{ours:.3g}",
               "ratio": f"{ours / theirs:.0f}x", "torch cpu": f"{torch_cpu:.3g}"}
        if torch.cuda.is_available():
            def on_cuda():
                simulate(rule, start, args.steps, device="cuda")
                torch.cuda.synchronize()
            row["torch cuda"] = f"{cells / best_time(on_cuda, args.repeat):.3g}"
        rows.append(row)
        if name == "B3/S23":
            seagull_life = theirs
    table(f"{args.boards} boards of {args.size}x{args.size}, {args.steps} steps: cell updates per second", rows,
          f"seagull runs {args.seagull_boards} boards: its own life_rule for Moore B/S rules, its Simulator running "
          "lifelab's kernel form otherwise")
    history_forms(args.repeat)
    first_calls(args.processes, seagull_life)
    if torch.cuda.is_available():
        on_cuda(args.repeat)


def packing(n: int, side: int, frames: int, steps: int) -> str:
    """How the engine lays out ``n`` boards of ``side`` x ``side`` cells: rows in lanes of words, or bit-sliced."""
    from lifelab._bitpack import _lane, _layout

    if _layout(n, side, frames, steps) == "boards":
        return "bit-sliced"
    lane = _lane(side)
    return f"{64 // lane} rows/word" if lane < 64 else f"{lane // 64} words/row"


def history_forms(repeat: int) -> None:
    """Life on batches of every shape: the whole history (on both cores and on one) against the first and last."""
    print("\nB3/S23, 100 steps, side by side (cell updates per second): the whole history (every=1) with its "
          "bytes written on the second core, the same pinned to one core, and the first and last boards only "
          "(every=100)")
    print(f"{'boards':<16} {'every=1':>10} {'one core':>10} {'every=100':>10} {'packing':>16} {'ratio':>7}")
    cores = os.sched_getaffinity(0)
    for n, side in [(256, 64), (4096, 16), (1, 1024), (16, 256)]:
        boards = random_boards(n, (side, side), seed=0)
        cells = n * side * side * 100
        full = cells / best_time(lambda: simulate("B3/S23", boards, 100), repeat)
        os.sched_setaffinity(0, {min(cores)})
        try:
            one = cells / best_time(lambda: simulate("B3/S23", boards, 100), repeat)
        finally:
            os.sched_setaffinity(0, cores)
        last = cells / best_time(lambda: simulate("B3/S23", boards, 100, every=100), repeat)
        print(f"{f'{n} x {side}x{side}':<16} {full:10.3g} {one:10.3g} {last:10.3g} "
              f"{packing(n, side, 2, 100):>16} {last / full:6.1f}x", flush=True)


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
    print(f"\nB3/S23, 100 steps: the first call in each of {processes} fresh processes against the best of the next "
          "three in the same process, keeping the whole history (every=1) or the first and last boards (every=100)")
    print(f"{'boards':<16} {'every':>5} {'first/warm median':>18} {'worst':>7} {'first call, median':>19} "
          f"{'vs seagull':>11}")
    for n, side in [(256, 64), (4096, 16), (1, 1024)]:
        for every in (1, 100):
            runs = [subprocess.run([sys.executable, "-c", FIRST_CALL, str(n), str(side), str(every)],
                                   capture_output=True, text=True, check=True).stdout.split()
                    for _ in range(processes)]
            first, warm = np.array(runs, dtype=float).T
            rate = n * side * side * 100 / np.median(first)
            print(f"{f'{n} x {side}x{side}':<16} {every:5d} {np.median(first / warm):17.2f}x "
                  f"{np.max(first / warm):6.2f}x {rate:19.3g} {rate / seagull_rate:10.0f}x", flush=True)


def on_cuda(repeat: int) -> None:
    """Life on one 8192x8192 board on CUDA, the torch engine's bit-packed words, first and last boards kept."""
    import torch

    board = random_boards(1, (8192, 8192), seed=0)

    def run():
        simulate("B3/S23", board, 100, every=100, device="cuda")
        torch.cuda.synchronize()

    print(f"\nCUDA ({torch.cuda.get_device_name()}), B3/S23, 1 x 8192x8192, 100 steps, every=100: "
          f"{8192 * 8192 * 100 / best_time(run, repeat):.3g} cell updates per second")


if __name__ == "__main__":
    main()
