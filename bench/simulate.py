"""Cell updates per second: seagull vs lifelab on the same boards, side by side.

    .venv/bin/python bench/simulate.py [--boards 256] [--size 64] [--steps 100]

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
whole history kept and with only the first and last boards
(``simulate(..., every=steps)``), and names the packing used (rows, or
boards bit-sliced across the batch).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
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
    header = f"{'rule':<30} {'engine':<15} {'seagull':>10} {'lifelab':>10} {'ratio':>8} {'torch cpu':>10}"
    if torch.cuda.is_available():
        header += f" {'torch cuda':>11}"
    print(header + "   (cell updates per second)")
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
        row = f"{name:<30} {engine:<15} {theirs:10.3g} {ours:10.3g} {ours / theirs:7.0f}x {torch_cpu:10.3g}"
        if torch.cuda.is_available():
            def on_cuda():
                simulate(rule, start, args.steps, device="cuda")
                torch.cuda.synchronize()
            row += f" {cells / best_time(on_cuda, args.repeat):11.3g}"
        print(row, flush=True)
    history_forms(args.repeat)


def history_forms(repeat: int) -> None:
    """Life on batches of every shape: the whole history against the last board only (``every=steps``)."""
    from lifelab.simulate import _layout

    print("\nB3/S23, 100 steps: the whole history (every=1) against the first and last boards only "
          "(every=100), side by side (cell updates per second)")
    print(f"{'boards':<16} {'every=1':>10} {'layout':>8} {'every=100':>10} {'layout':>8} {'ratio':>7}")
    for n, side in [(256, 64), (4096, 16), (1, 1024), (16, 256)]:
        boards = random_boards(n, (side, side), seed=0)
        cells = n * side * side * 100
        full = cells / best_time(lambda: simulate("B3/S23", boards, 100), repeat)
        last = cells / best_time(lambda: simulate("B3/S23", boards, 100, every=100), repeat)
        print(f"{f'{n} x {side}x{side}':<16} {full:10.3g} {_layout(n, side, 101, 100):>8} {last:10.3g} "
              f"{_layout(n, side, 2, 100):>8} {last / full:6.1f}x", flush=True)


if __name__ == "__main__":
    main()
