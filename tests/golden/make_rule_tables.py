"""Regenerate the rule-table fixtures in ``rules/`` (needs Golly's ``bgolly``: ``apt-get install golly``).

    .venv/bin/python tests/golden/make_rule_tables.py [NAME ...]

Each case is a rule file Golly ships (copied unchanged into ``rules/`` from
Golly's ``share/golly/Rules``, under Golly's GPL, with their authors' names in
them; ``rules/written/`` holds files lifelab wrote), a start
board (a pattern Golly ships, read by bgolly itself and centred on the grid,
or a seeded random board) on a torus ``:Tw,h`` or a bounded plane ``:Pw,h``,
and a number of steps.  bgolly's script mode (``--exec``) loads the start
board, steps it one generation at a time with the RuleLoader algorithm and
prints every cell of the grid, which is kept as ``<name>.start.rle`` and
``<name>.end.rle``.  The tests (``tests/test_ruletables.py``) compare
lifelab's simulation with them cell for cell; they do not need Golly.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from lifelab.engines import simulate
from lifelab.evidence import decide_table
from lifelab.io.rle import load_rle, save_rle
from lifelab.rules import load_rule_file, parse_rule, save_rule_file

HERE = Path(__file__).parent / "rules"
GOLLY = Path("/usr/share/golly")

#: Golly's rule files the cases run (copied into rules/).
SHIPPED = [
    "Langtons-Loops",
    "WireWorld",
    "Byl-Loop",
    "Tempesti",
    "BriansBrain",
    "LifeHistory",
    "HPP",
    "Banks-I",
    "Langtons-Ant",
]
#: Rules lifelab writes as .rule files (rules/written/): file name: rulestring.
WRITTEN = {
    "Life-lifelab": "B3/S23",
    "HighLife-lifelab": "B36/S23",
    "StarWars-lifelab": "345/2/4",
    "B2-a_S12-lifelab": "B2-a/S12",
    "B2_S013V-lifelab": "B2/S013V",
    "WireWorld-lifelab": "WireWorld",
}

#: Rules lifelab learns from its own trajectory of a pattern (rules/learned/): file name: (the rule Golly ships,
#: the pattern, width, height, steps).  Each has a case below in which bgolly runs the learned file.
LEARNED = {
    "Langtons-Loops-learned": ("Langtons-Loops", "Patterns/Loops/Langtons-Loops.rle", 96, 96, 300),
    "WireWorld-learned": ("WireWorld", "Patterns/WireWorld/gate-AND.mcl", 56, 44, 120),
}

#: name: (rule file, start (a Golly pattern path or (density, seed)), grid kind, width, height, steps)
CASES = {
    "langtons_loops": ("Langtons-Loops", "Patterns/Loops/Langtons-Loops.rle", "T", 64, 64, 150),
    "wireworld_and": ("WireWorld", "Patterns/WireWorld/gate-AND.mcl", "T", 56, 44, 60),
    "byl_loop": ("Byl-Loop", "Patterns/Loops/Byl-Loop.rle", "T", 48, 48, 120),
    "tempesti_loop": ("Tempesti", "Patterns/Loops/Tempesti-Loop.rle", "T", 48, 48, 40),
    "brians_brain_tree": ("BriansBrain", (0.35, 1), "T", 32, 32, 20),
    "lifehistory": ("LifeHistory", (0.4, 2), "T", 32, 32, 12),
    "hpp": ("HPP", (0.3, 3), "T", 32, 32, 16),
    "banks_plane": ("Banks-I", (0.5, 4), "P", 24, 24, 10),
    "langtons_ant_tree": ("Langtons-Ant", (0.02, 5), "T", 24, 24, 30),
    "written_life": ("written/Life-lifelab", (0.4, 6), "T", 24, 24, 12),
    "written_highlife": ("written/HighLife-lifelab", (0.4, 7), "T", 24, 24, 12),
    "written_star_wars": ("written/StarWars-lifelab", (0.4, 8), "T", 24, 24, 12),
    "written_hensel": ("written/B2-a_S12-lifelab", (0.3, 9), "T", 24, 24, 12),
    "written_vonneumann": ("written/B2_S013V-lifelab", (0.3, 10), "T", 24, 24, 12),
    "written_wireworld": ("written/WireWorld-lifelab", "Patterns/WireWorld/gate-AND.mcl", "T", 56, 44, 60),
    **{
        f"learned_{truth.lower().replace('-', '_')}": (f"learned/{name}", pattern, "T", width, height, steps)
        for name, (truth, pattern, width, height, steps) in LEARNED.items()
    },
}


def _bgolly(script: str, rules: Path) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "script.txt"
        path.write_text(script)
        return subprocess.run(
            ["bgolly", "-a", "RuleLoader", "-s", f"{rules}/", "--exec", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def _cells(output: str, left: int, top: int, width: int, height: int) -> np.ndarray:
    board = np.zeros((height, width), np.uint8)
    for x, y, state in re.findall(r"At (-?\d+),(-?\d+) -> (\d+)", output):
        board[int(y) - top, int(x) - left] = int(state)
    return board


def _gets(left: int, top: int, width: int, height: int) -> str:
    return "".join(f"get {x} {y}\n" for y in range(top, top + height) for x in range(left, left + width))


def _pattern(path: Path, rules: Path) -> np.ndarray:
    """A pattern file Golly ships, as bgolly reads it (any format bgolly reads: RLE, MCell, ...)."""
    box = re.search(r"Bounding box (-?\d+) (-?\d+) \.\. (-?\d+) (-?\d+)", _bgolly(f"load {path}\nedges\n", rules))
    left, top, right, bottom = map(int, box.groups())
    width, height = right - left + 1, bottom - top + 1
    return _cells(_bgolly(f"load {path}\n" + _gets(left, top, width, height), rules), left, top, width, height)


def centred(pattern: np.ndarray, width: int, height: int) -> np.ndarray:
    """A pattern centred on a ``height x width`` board, as the cases (and the tests) place it."""
    board = np.zeros((height, width), np.uint8)
    y, x = (height - pattern.shape[0]) // 2, (width - pattern.shape[1]) // 2
    board[y : y + pattern.shape[0], x : x + pattern.shape[1]] = pattern
    return board


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name in SHIPPED:
        shutil.copy(GOLLY / "Rules" / f"{name}.rule", HERE / f"{name}.rule")
    (HERE / "learned").mkdir(exist_ok=True)
    for name, (truth, pattern, width, height, steps) in LEARNED.items():
        board = centred(_pattern(GOLLY / pattern, HERE), width, height)
        trajectory = simulate(load_rule_file(HERE / f"{truth}.rule"), board[None], steps)
        save_rule_file(HERE / "learned" / f"{name}.rule", decide_table(trajectory, unlisted="unchanged").learned)
    for name, rulestring in WRITTEN.items():
        source = HERE / f"{rulestring}.rule"
        rule = load_rule_file(source) if source.is_file() else parse_rule(rulestring)
        save_rule_file(HERE / "written" / f"{name}.rule", rule, rewrite=True)
    for name, (rulefile, start, kind, width, height, steps) in CASES.items():
        if sys.argv[1:] and name not in sys.argv[1:]:
            continue
        rule = load_rule_file(HERE / f"{rulefile}.rule")
        folder = (HERE / rulefile).parent
        if isinstance(start, str):
            board = centred(_pattern(GOLLY / start, HERE), width, height)  # the pattern names a rule Golly ships
        else:
            density, seed = start
            rng = np.random.default_rng(seed)
            board = np.where(
                rng.random((height, width)) < density, rng.integers(1, rule.states, (height, width)), 0
            ).astype(np.uint8)
        grid = f"{rule.name}:{kind}{width},{height}"
        start_path = HERE / f"{name}.start.rle"
        save_rle(start_path, board if rule.states > 2 else board.astype(bool), grid)
        left, top = -(width // 2), -(height // 2)
        output = _bgolly(f"load {start_path}\n" + "step 1\n" * steps + _gets(left, top, width, height), folder)
        end = _cells(output, left, top, width, height)
        assert np.array_equal(load_rle(start_path)[0].astype(np.uint8), board)
        save_rle(HERE / f"{name}.end.rle", end if rule.states > 2 else end.astype(bool), grid)
        print(
            f"{name:20s} {grid:34s} {steps:4d} steps, {int((board > 0).sum()):5d} -> {int((end > 0).sum()):5d} "
            "non-zero cells"
        )


if __name__ == "__main__":
    main()
