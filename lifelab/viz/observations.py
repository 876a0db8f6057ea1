"""Observations as people hold them: windows of a larger world, dropped scan lines, Golly's own patterns seen
through a window, and trajectories drawn as people draw them.

Shared by notebook 11 and ``bench/observations.py``:

- :func:`window_trajectories` and :func:`observe_pattern`: windows of a
  larger world, and Golly's own patterns run as Golly runs them;
- :func:`drop_scan_lines`: a camera's errors along rows, not independent
  cell flips;
- :func:`draw_as`: a trajectory drawn as people draw one (a matplotlib
  figure, Golly's look, a raw picture), for notebook 11 to read back (the
  tests draw theirs with other software: ``tests/corpus.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.io import palette
from lifelab.io.rle import load_rle, rle_position
from lifelab.rules import parse_rule, rule_reach
from lifelab.utils import check_int

__all__ = ["ObservedPattern", "draw_as", "drop_scan_lines", "observe_pattern", "window_trajectories"]


def window_trajectories(
    rule, world: int, frame: int, n: int = 8, steps: int = 16, density: float = 0.4, seed: int = 0
) -> np.ndarray:
    """Trajectories of a large world seen through a window: what a camera or a crop of a simulation gives.

    Each of ``n`` random ``world`` x ``world`` tori runs ``steps`` steps and is
    seen through one ``frame`` x ``frame`` window at a random place (fixed
    over time): the frame's edge cells have neighbours nobody sees.

    Args:
        rule: The rule of the world.
        world: Side of the world (a torus).
        frame: Side of the window, smaller than ``world``.
        n: Trajectories.
        steps: Steps each.
        density: Initial density of the world.
        seed: Seed of the worlds and the windows.

    Returns:
        ``(n, steps + 1, frame, frame)`` array.
    """
    world, frame = check_int("world", world, 2), check_int("frame", frame, 1)
    if frame >= world:
        raise InputError(f"a window of {frame} cells must be smaller than the world of {world}")
    rng = np.random.default_rng(seed)
    runs = simulate(rule, random_boards(n, (world, world), density, seed=rng), steps)
    corners = rng.integers(0, world - frame, (n, 2))
    return np.stack([run[:, y : y + frame, x : x + frame] for run, (y, x) in zip(runs, corners, strict=True)])


def drop_scan_lines(trajectories, share: float = 0.3, seed=0) -> np.ndarray:
    """A camera that drops scan lines: ``share`` of the frames lose one random row (set dead).

    Errors along rows, not independent cell flips: the independence test
    (:mod:`lifelab.evidence.independence`) must not call them noise.

    Args:
        trajectories: ``(n, T + 1, H, W)`` 0/1 trajectories.
        share: Fraction of frames hit.
        seed: Seed (an int or a ``numpy.random.Generator``).

    Returns:
        A copy with the rows dropped.
    """
    out = np.array(trajectories, dtype=bool)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    for n in range(out.shape[0]):
        for t in range(out.shape[1]):
            if rng.random() < share:
                out[n, t, rng.integers(out.shape[2])] = False
    return out


@dataclass
class ObservedPattern:
    """A pattern file run on its world and seen through a window.

    Attributes:
        name: The file's name.
        rule: The rule its header names (with its grid).
        world: The whole world's trajectory, ``(steps + 1, H, W)``.
        window: What the window saw, ``(1, steps + 1, frame, frame)``.
        grid: ``"torus"`` or ``"dead"`` (a bounded plane), as the world ran.
    """

    name: str
    rule: object
    world: np.ndarray = field(repr=False)
    window: np.ndarray = field(repr=False)
    grid: str


def observe_pattern(path, frame: int = 128, steps: int = 64) -> ObservedPattern:
    """Run a pattern file as Golly does and observe it through a ``frame`` x ``frame`` window at its centre.

    A rule with a grid (``:Tw,h``, ``:Pw,h``) runs on that grid, the pattern
    centred in it (where Golly puts it) or where its ``#CXRLE Pos`` line says;
    a rule without one runs on a torus
    wide enough that nothing the pattern sends out in ``steps`` steps comes
    round again (Golly's plane is unbounded), with room for the window.

    Args:
        path: An RLE file (Golly's own collection, or any).
        frame: Side of the window.
        steps: Generations to run.

    Returns:
        An :class:`ObservedPattern`.
    """
    pattern, text = load_rle(path)
    rule = parse_rule(text or "B3/S23")
    h, w = pattern.shape
    if rule.grid is not None:
        height, width = rule.grid.shape
    else:
        reach = rule_reach(rule) * steps
        height, width = h + 2 * reach + frame, w + 2 * reach + frame
    board = np.zeros((height, width), dtype=pattern.dtype)
    position = rle_position(Path(path).read_text()) if rule.grid is not None else None
    top, left = (height - h) // 2, (width - w) // 2
    if position is not None:  # Golly's #CXRLE Pos: coordinates from the grid's centre
        left, top = position[0] + width // 2, position[1] + height // 2
    rows, columns = (np.arange(h) + top) % height, (np.arange(w) + left) % width
    board[np.ix_(rows, columns)] = pattern
    world = simulate(rule, board, steps)[0]
    cy, cx = top + h // 2, left + w // 2
    y0, x0 = max(0, min(cy - frame // 2, height - frame)), max(0, min(cx - frame // 2, width - frame))
    window = world[:, y0 : y0 + frame, x0 : x0 + frame][None]
    return ObservedPattern(
        Path(path).name, rule, world, window, rule.grid.boundary if rule.grid is not None else "torus"
    )


#: The ways :func:`draw_as` draws a trajectory.
STYLES = ("matplotlib", "golly", "raw")


def draw_as(trajectory, style: str, scale: int = 8) -> np.ndarray:
    """A trajectory drawn as people draw one, frame by frame, as pixels.

    Args:
        trajectory: ``(T + 1, H, W)`` states.
        style: ``"matplotlib"`` (``imshow`` with matplotlib's default colour map, viridis, axes, a title with the
            generation and a colour bar), ``"golly"`` (Golly's default colours, ``scale`` pixels a cell with
            Golly's grid lines between cells) or ``"raw"`` (white live cells on black, ``scale`` pixels a cell, as
            ``Image.fromarray(board * 255)`` saves a board scaled up).
        scale: Pixels a cell (``"golly"`` and ``"raw"``).

    Returns:
        ``(T + 1, height, width, 3)`` uint8 pixels.
    """
    trajectory = np.asarray(trajectory).astype(np.int64)
    if style not in STYLES:
        raise InputError(f"style is one of {', '.join(STYLES)}, got {style!r}")
    states = max(2, int(trajectory.max()) + 1)
    if style == "raw":
        colours = np.array([(0, 0, 0), (255, 255, 255)] + [(128, 128, 128)] * (states - 2), np.uint8)
        return np.repeat(np.repeat(colours[trajectory], scale, axis=1), scale, axis=2)
    if style == "golly":
        cells = np.repeat(
            np.repeat(palette("golly", states).astype(np.uint8)[trajectory], scale, axis=1), scale, axis=2
        )
        cells[:, ::scale, :] = cells[:, :, ::scale] = (80, 80, 80)  # Golly's grid lines at high zoom
        return cells
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    frames = []
    for t, board in enumerate(trajectory):
        fig = Figure(figsize=(4, 3.4), dpi=80)
        canvas = FigureCanvasAgg(fig)  # pixels whatever pyplot's backend
        ax = fig.subplots()
        image = ax.imshow(board, vmin=0, vmax=states - 1, interpolation="nearest")
        fig.colorbar(image, ax=ax)
        ax.set_title(f"generation {t}")
        canvas.draw()
        frames.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return np.stack(frames)
