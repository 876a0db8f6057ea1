"""torch's thread count for lifelab's models, measured on a quiet machine and on a busy one.

    .venv/bin/python bench/threads.py [--repeat 3] [--json PATH]

Each workload runs with torch on one intra-op thread (lifelab's policy,
``lifelab.utils.threads.MODEL_THREADS``) and on every core, first with the machine
otherwise quiet and then with a second CPU-bound process (a Python busy
loop started by this script) competing for the cores, side by side in one
run.  The figure is the median wall time of --repeat runs; "busy/quiet"
is how much the competing process slows each setting down.  The simulator
is timed too: it writes a long history's bytes on a second core.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time

from _report import json_option, table

import lifelab
import lifelab.utils.threads
from lifelab.learning import TrajectoryDataset, train
from lifelab.loop import learn_rule
from lifelab.viz import new_zoo_model


@contextlib.contextmanager
def busy(on: bool):
    """A second process spinning on a core while the block runs (or nothing)."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if on else None
    try:
        time.sleep(0.5 if on else 0)
        yield
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    json_option(parser)
    args = parser.parse_args()
    cores = os.cpu_count()
    rule = lifelab.Rule.parse("B36/S23")
    traj = lifelab.simulate(rule, lifelab.random_boards(8, (32, 32), 0.4, seed=0), 16)
    data = TrajectoryDataset(traj, visible=6)
    boards = lifelab.random_boards(256, (64, 64), seed=0)
    workloads = {
        "train minimal, 40 epochs": lambda: train(
            new_zoo_model("minimal", 0), data, epochs=40, early_stop=False, progress=False
        ),
        "train tied p4m, 40 epochs": lambda: train(
            new_zoo_model("tied-p4m", 0), data, epochs=40, early_stop=False, progress=False
        ),
        "train e2cnn p4m, 10 epochs": lambda: train(
            new_zoo_model("e2cnn-p4m", 0), data, epochs=10, early_stop=False, progress=False
        ),
        "learn_rule B36/S23, tied": lambda: learn_rule("B36/S23", model="tied", seed=0, progress=False),
    }
    print(f"{cores} cores; median of {args.repeat} runs, seconds; busy = a second CPU-bound process running")
    rows = []
    for name, run in workloads.items():
        run()
        for threads in (1, cores):
            lifelab.utils.threads.MODEL_THREADS = threads
            quiet = median_time(run, args.repeat)
            with busy(True):
                loaded = median_time(run, args.repeat)
            rows.append(
                {
                    "workload": name,
                    "threads": threads,
                    "quiet": f"{quiet:.2f}",
                    "busy": f"{loaded:.2f}",
                    "busy/quiet": f"{loaded / quiet:.1f}x",
                }
            )
    lifelab.utils.threads.MODEL_THREADS = 1
    sim = lambda: lifelab.simulate("B3/S23", boards, 100)  # noqa: E731
    sim()
    quiet = median_time(sim, args.repeat)
    with busy(True):
        loaded = median_time(sim, args.repeat)
    rows.append(
        {
            "workload": "simulate 256x64x64, 100 steps",
            "threads": "-",
            "quiet": f"{quiet:.2f}",
            "busy": f"{loaded:.2f}",
            "busy/quiet": f"{loaded / quiet:.1f}x",
        }
    )
    table("torch threads against a busy machine (seconds, median)", rows)


if __name__ == "__main__":
    main()
