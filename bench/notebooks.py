"""Each notebook's run time as a user sees it, on a quiet machine and on a busy one, side by side.

    .venv/bin/python bench/notebooks.py [01 02 ...]

Runs every numbered notebook top to bottom in a fresh kernel (nbclient, as
Run All in JupyterLab does; the outputs are not saved), first
with the machine otherwise quiet and then with a second CPU-bound process
(a Python busy loop started by this script) competing for the cores.
Notebooks 03 and 04 reload the checkpoints a first run leaves under
``data/``; a first run on a fresh machine takes longer.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run_time(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook numbers (default: all)")
    args = parser.parse_args()
    paths = [p for p in sorted(NOTEBOOKS.glob("[0-9]*.ipynb")) if not args.only or p.name[:2] in args.only]
    print(f"{'notebook':<40} {'quiet':>8} {'busy':>8} {'busy/quiet':>11}   (seconds)")
    for path in paths:
        quiet = run_time(path)
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            busy = run_time(path)
        finally:
            spinner.kill()
            spinner.wait()
        print(f"{path.stem:<40} {quiet:8.1f} {busy:8.1f} {busy / quiet:10.1f}x", flush=True)


if __name__ == "__main__":
    main()
