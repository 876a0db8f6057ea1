"""Recordings as people make them, drawn by other people's software (Pillow, matplotlib, imageio's ffmpeg).

Each function writes a trajectory (``(T + 1, H, W)`` states) the way some
program or habit would, and returns the path; the tests read it back with
:func:`lifelab.io.read_recording` and compare cell for cell.  Nothing here
uses lifelab's reader or its palettes: the corpus must not share the
reader's assumptions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Golly's default colours (its source): state 0 dark grey, a 2-state rule's live cells white, many-state rules a
#: gradient from red (state 1) to yellow (the last).
GOLLY_DEAD = (48, 48, 48)


def golly_colours(states: int) -> np.ndarray:
    """Golly's colour of each state."""
    if states == 2:
        return np.array([GOLLY_DEAD, (255, 255, 255)], np.uint8)
    steps = states - 2
    colours = [GOLLY_DEAD] + [(255, int(0 + n * 255 / steps + 0.5), 0) for n in range(steps)] + [(255, 255, 0)]
    return np.array(colours, np.uint8)


def cells_to_pixels(board: np.ndarray, colours, scale: int) -> np.ndarray:
    """A board drawn as ``scale`` x ``scale`` blocks of its states' colours."""
    pixels = np.asarray(colours, np.uint8)[board.astype(np.int64)]
    return np.repeat(np.repeat(pixels, scale, axis=0), scale, axis=1)


def with_lines(board: np.ndarray, colours, cell: int, line: int, line_colour) -> np.ndarray:
    """Cells of ``cell`` pixels with lines of ``line`` pixels of another colour between them and round the board."""
    h, w = board.shape
    pitch = cell + line
    pixels = np.empty((h * pitch + line, w * pitch + line, 3), np.uint8)
    pixels[:] = line_colour
    block = np.asarray(colours, np.uint8)[board.astype(np.int64)]
    for y in range(h):
        for x in range(w):
            pixels[line + y * pitch : line + y * pitch + cell, line + x * pitch : line + x * pitch + cell] = block[y, x]
    return pixels


def save_folder(frames, folder: Path, suffix: str = ".png", name: str = "frame_{t}", **options) -> Path:
    """Each frame a file (Pillow), named without zero padding unless the name says so."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for t, pixels in enumerate(frames):
        Image.fromarray(pixels).save(folder / (name.format(t=t) + suffix), **options)
    return folder


def save_gif(frames, path: Path, **options) -> Path:
    """An animated GIF (Pillow), every frame kept."""
    from PIL import Image

    images = [Image.fromarray(p) for p in frames]
    images[0].save(path, save_all=True, append_images=images[1:], duration=100, loop=0, optimize=False, **options)
    return path


def matplotlib_frames(
    trajectory: np.ndarray,
    cmap: str = "binary",
    title: bool = True,
    colorbar: bool = True,
    axis: bool = True,
    dpi: int = 80,
    size: float = 4.0,
) -> list[np.ndarray]:
    """Each board drawn as a person draws it with ``plt.imshow``: axes, ticks, labels, a title, a colour bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frames = []
    vmax = max(1, int(trajectory.max()))
    for t, board in enumerate(trajectory):
        fig, ax = plt.subplots(figsize=(size, size * 0.85), dpi=dpi)
        image = ax.imshow(board, cmap=cmap, vmin=0, vmax=vmax, interpolation="nearest")
        if title:
            ax.set_title(f"generation {t}")
        if colorbar:
            fig.colorbar(image, ax=ax)
        if axis:
            ax.set_xlabel("x")
            ax.set_ylabel("y")
        else:
            ax.axis("off")
        fig.canvas.draw()
        frames.append(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy())
        plt.close(fig)
    return frames


def save_video(
    frames, path: Path, fps: int = 10, repeat: int = 1, codec: str | None = None, quality: float | None = None
) -> Path:
    """A video through imageio's ffmpeg wheel, each frame shown ``repeat`` times (a frame rate, not a step rate)."""
    import imageio.v2 as imageio

    options = {"fps": fps, "macro_block_size": 1}
    if codec is not None:
        options["codec"] = codec
    if quality is not None:
        options["quality"] = quality
    with imageio.get_writer(path, **options) as writer:
        for pixels in frames:
            for _ in range(repeat):
                writer.append_data(pixels)
    return path
