"""Reading recordings as people keep them: how fast, in how much memory, and how often the default reading is right.

    .venv/bin/python bench/recordings.py [--golly] [--json PATH]

1. **Speed and memory**, each next to reading the same trajectory from lifelab's ``.npz`` in the same run:
   a 250-frame GIF of a 32x32 torus at 10 pixels a cell (320x320); the refusal of a 236-frame 640x480 GIF that is
   no picture of cells (a smooth animation, as a 3-D rendering is); a 1080p video of 30 s (900 frames at 30 frames/s,
   96x54 cells of 20 pixels, each generation shown for 3 frames), made with imageio's ffmpeg.  Memory is the peak
   resident size of a fresh process that only reads the file, next to one that only imports lifelab.
2. **The default reading of two colours** (which one is dead, :func:`lifelab.io.read_states`), on the 2-state
   rules of lifelab's registry of named rules, 8 soups of 48x48 each at density 0.5 and 0.2, 32 steps, in both
   polarities (the colour of the dead cells black, then white): how often the reading chosen is the true one,
   by the ground it was chosen on, beside what each ground alone would give.  The reading depends on the cells'
   colours only, so the boards are handed to ``read_states`` as a picture reader hands them (classes, the most
   common first); 8 of the rules are also drawn as GIFs and read by :func:`lifelab.io.read_recording`, to show
   that the picture path chooses the same.
3. ``--golly``: the same on Golly's own example patterns (``/usr/share/golly/Patterns``: the Life, Life-Like and
   Non-Totalistic folders, every RLE file lifelab runs as a 2-state rule), each run 64 generations and seen
   through a 128x128 window (:func:`lifelab.viz.observations.observe_pattern`).
"""

from __future__ import annotations

import argparse
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
from lifelab.io import load_trajectories, read_recording, read_states, save_trajectories
from lifelab.io.rle import load_rle
from lifelab.rules import Rule, named_rules, parse_rule, rule_states

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import corpus  # noqa: E402  (the tests' renderings: Pillow and imageio's ffmpeg, not lifelab's reader)

GOLLY = Path("/usr/share/golly/Patterns")
FOLDERS = ("Life", "Life-Like", "Non-Totalistic")
WHITE_ON_BLACK = [(0, 0, 0), (255, 255, 255)]


def _timed(function, repeats: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def _peak_memory(path: Path | None) -> float:
    """Peak resident MB of a fresh process that reads ``path`` (None: that only imports lifelab)."""
    code = (
        "import sys; from lifelab.io import read_recording; "  # VmHWM: this process's own peak, after exec
        + ("read_recording(sys.argv[1]); " if path is not None else "")
        + "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code] + ([str(path)] if path is not None else []),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def speed(folder: Path) -> None:
    rows = []
    life = simulate("B3/S23", random_boards(1, (32, 32), 0.4, seed=1), 249)[0]
    gif = corpus.save_gif([corpus.cells_to_pixels(b, WHITE_ON_BLACK, 10) for b in life], folder / "torus.gif")
    npz = save_trajectories(folder / "torus.npz", life[None])
    seconds, read = _timed(lambda: read_recording(gif), 3)
    npz_seconds, _ = _timed(lambda: load_trajectories(npz), 3)
    rows.append(
        {
            "recording": "GIF, 250 frames of 320x320 (32x32 cells of 10 px)",
            "s": f"{seconds:.2f}",
            ".npz s": f"{npz_seconds:.3f}",
            "ratio": f"{seconds / npz_seconds:.0f}x",
            "cell for cell": bool(np.array_equal(read.trajectories[0], life)),
            "target s": "< 5",
        }
    )

    rng = np.random.default_rng(0)
    from scipy import ndimage

    field = ndimage.gaussian_filter(rng.random((240, 480, 640)), (4, 12, 12), mode="wrap")
    field = ((field - field.mean()) / field.std() * 60 + 128).clip(0, 255).astype(np.uint8)
    smooth = corpus.save_gif([np.repeat(f[..., None], 3, axis=2) for f in field[:236]], folder / "smooth.gif")
    start = time.perf_counter()
    try:
        read_recording(smooth)
        outcome = "read (wrong)"
    except ValueError as exc:
        outcome = str(exc).split(": ", 1)[1][:70]
    rows.append(
        {
            "recording": "GIF, 236 frames of 640x480, no cells (refused)",
            "s": f"{time.perf_counter() - start:.2f}",
            ".npz s": "-",
            "ratio": "-",
            "cell for cell": outcome,
            "target s": "< 5",
        }
    )

    hd = simulate("B3/S23", random_boards(1, (54, 96), 0.4, seed=1), 299)[0]
    video = corpus.save_video(
        (corpus.cells_to_pixels(b, WHITE_ON_BLACK, 20) for b in hd), folder / "hd.mp4", fps=30, repeat=3
    )
    npz = save_trajectories(folder / "hd.npz", hd[None])
    seconds, read = _timed(lambda: read_recording(video))
    npz_seconds, _ = _timed(lambda: load_trajectories(npz), 3)
    rows.append(
        {
            "recording": "MP4 (h264), 1080p, 30 s at 30 frames/s: 300 generations of 96x54 cells",
            "s": f"{seconds:.1f}",
            ".npz s": f"{npz_seconds:.3f}",
            "ratio": f"{seconds / npz_seconds:.0f}x",
            "cell for cell": bool(np.array_equal(read.trajectories[0], hd)),
            "target s": "< 60",
        }
    )
    table(
        "Reading recordings, side by side with lifelab's .npz of the same trajectory (best of 3; the video once)", rows
    )
    base, peak = _peak_memory(None), _peak_memory(video)
    table(
        "Memory: the video is decoded one frame at a time; the grid is found on a sample (at most 64 MB of frames)",
        [
            {"process": "import lifelab.io only", "peak MB": f"{base:.0f}"},
            {"process": "read the 1080p video", "peak MB": f"{peak:.0f}"},
            {
                "process": "the decoded video (900 frames of 1920x1080x3)",
                "peak MB": f"{900 * 1920 * 1080 * 3 / 2**20:.0f}",
            },
        ],
    )


def _as_picture(trajectories: np.ndarray, dead_colour: int):
    """The class boards a picture reader hands ``read_states``: classes numbered most common first."""
    colour = trajectories if dead_colour == 0 else ~trajectories  # the colour index each cell is drawn in
    counts = np.bincount(colour.ravel().astype(np.int64), minlength=2)
    first = int(np.argmax(counts))
    classes = (colour != first) if first == 0 else (colour == 0)
    labels = ["#000000", "#ffffff"] if first == 0 else ["#ffffff", "#000000"]
    return classes.astype(np.uint8), labels


def _judge(trajectories: np.ndarray) -> tuple[bool, str, dict]:
    """Whether the default reading of ``trajectories`` drawn in black and white gets dead right, on what ground,
    and what each ground alone would have said (True right, False wrong, None undecided)."""
    outcomes = []
    for dead_colour in (0, 1):  # dead drawn black, then white
        classes, labels = _as_picture(trajectories, dead_colour)
        states, reading = read_states(classes, labels, np.array([[0, 0, 0], [255, 255, 255]]))
        right = bool(np.array_equal(states, trajectories))
        ground = "B0" if "empty neighbourhood" in reading.ground else "most cells"
        majority = bool(labels[0] == ("#000000" if dead_colour == 0 else "#ffffff"))
        outcomes.append((right, ground, majority))
    return outcomes


def reading_accuracy(rules: dict[str, np.ndarray], title: str) -> None:
    counts = Counter()
    wrong = []
    for name, trajectories in rules.items():
        for right, ground, majority in _judge(trajectories):
            counts["cases"] += 1
            counts["right"] += right
            counts[f"by {ground}"] += 1
            counts[f"right by {ground}"] += right
            counts["majority right"] += majority
            if not right:
                wrong.append(name)
    rows = [
        {
            "ground": "every case (default reading)",
            "cases": counts["cases"],
            "right": counts["right"],
            "share": f"{counts['right'] / counts['cases']:.1%}",
        },
        {
            "ground": "decided by B0 (one reading needs birth on nothing)",
            "cases": counts["by B0"],
            "right": counts["right by B0"],
            "share": f"{counts['right by B0'] / max(counts['by B0'], 1):.1%}",
        },
        {
            "ground": "decided by the colour of most cells",
            "cases": counts["by most cells"],
            "right": counts["right by most cells"],
            "share": f"{counts['right by most cells'] / max(counts['by most cells'], 1):.1%}",
        },
        {
            "ground": "the colour of most cells alone, every case",
            "cases": counts["cases"],
            "right": counts["majority right"],
            "share": f"{counts['majority right'] / counts['cases']:.1%}",
        },
    ]
    table(title, rows, note=("wrong: " + ", ".join(sorted(set(wrong)))) if wrong else "wrong: none")
    if wrong:
        print("wrong: " + ", ".join(sorted(set(wrong))))


def named(density: float) -> dict[str, np.ndarray]:
    out = {}
    for entry in named_rules(kind=None):
        rule = parse_rule(entry.rulestring)
        if not isinstance(rule, Rule):
            continue
        out[entry.name] = simulate(rule, random_boards(8, (48, 48), density, seed=0), 32)
    return out


def pictures(rules: dict[str, np.ndarray], folder: Path) -> None:
    rows = []
    for name, trajectories in list(rules.items())[:8]:
        truth = trajectories[0]
        path = corpus.save_gif([corpus.cells_to_pixels(b, WHITE_ON_BLACK, 4) for b in truth], folder / "r.gif")
        read = read_recording(path)
        rows.append(
            {
                "rule": name,
                "read as": read.reading.labels[0] + " dead",
                "right": bool(np.array_equal(read.trajectories[0], truth)),
                "ground": read.reading.ground[:60],
            }
        )
    table("The same through pictures: white-on-black GIFs (4 px a cell) of the first soup, read_recording", rows)


def golly() -> dict[str, np.ndarray]:
    from lifelab.viz import observe_pattern

    out = {}
    files = [f for folder in FOLDERS for f in sorted((GOLLY / folder).rglob("*.rle"))]
    for path in tqdm(files, desc="Golly's patterns", unit="file"):
        try:
            rule = parse_rule(load_rle(path)[1] or "B3/S23")
            if rule_states(rule) != 2:
                continue
            seen = observe_pattern(path)
        except ValueError:  # a topology or a rule lifelab does not run
            continue
        if seen.window[0].any(axis=(1, 2)).all():
            out[path.name] = seen.window[0][None]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golly", action="store_true", help="also Golly's own example patterns")
    json_option(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        speed(Path(folder))
        for density in (0.5, 0.2):
            rules = named(density)
            reading_accuracy(
                rules,
                f"Which colour is dead, by default: lifelab's {len(rules)} named 2-state rules, "
                f"8 soups of 48x48 at density {density}, 32 steps, dead drawn black and white",
            )
        pictures(named(0.5), Path(folder))
        if args.golly:
            found = golly()
            reading_accuracy(
                found,
                f"Which colour is dead, by default: {len(found)} of Golly's own patterns "
                "(Life, Life-Like, Non-Totalistic), 64 generations through a 128x128 window, "
                "dead drawn black and white",
            )


if __name__ == "__main__":
    main()
