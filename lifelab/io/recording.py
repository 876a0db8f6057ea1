"""A recording as people keep it, read into trajectories, every decision on the way stated.

:func:`read_recording` reads a picture (animated GIF, PNG, WebP, TIFF, ...), a
video (MP4, WebM, AVI, MOV), a folder of pictures or of RLE files, or an
array (lifelab's ``.npz``, anyone's ``.npz`` or ``.npy``), and returns a
:class:`Recording`: the trajectories, and what was read to get them.

Pictures are read in two passes over their frames, each decoded one at a
time: the grid of cells is found on a sample of the first distinct frames
(:func:`lifelab.io.grid.find_grid`), then every frame is read at its cells'
centres and checked: a frame where more than :data:`TOLERANCE` of the cells
are not drawn by one colour of a class is unreadable (dropped at the start or
end of a recording, with a count; refused in the middle, where dropping it
would join two steps into one).  Memory holds the sample and the board, not
the video.

**Repeated frames.** A video shows each generation for several frames, and
a picture may too.  A rule that leaves a board unchanged leaves it unchanged
for ever, so a run of equal boards that is followed by a different one is
one generation shown more than once: it is collapsed (``repeats="auto"``,
the default for pictures and videos), and the reading says how many frames
went.  The last run is the exception: after a recording that repeats its
frames elsewhere it counts as a still life when it lasts at least twice as
long as the others (kept as one step, the board followed by itself); in a
recording that repeats nothing else each of its frames is a generation.
``repeats="keep"`` (the default for arrays) reads every frame as a
generation; ``"collapse"`` collapses every run.

**Colours.** What each colour means is a reading, :class:`~lifelab.io.colours.Reading`, chosen as
:func:`~lifelab.io.colours.read_states` says and stated by the verdict.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from lifelab.errors import InputError, InputFileNotFoundError
from lifelab.io.arrays import lifelab_trajectories, load_arrays, order_axes, pick_array, value_states
from lifelab.io.bitstrings import read_bitstrings
from lifelab.io.boards import validate_trajectories
from lifelab.io.colours import Reading, read_states
from lifelab.io.grid import Grid, find_grid
from lifelab.io.rle import load_rle
from lifelab.io.sources import PICTURE_SUFFIXES, Frames, natural_key, open_frames, premultiplied
from lifelab.utils import MAX_CELLS, check_allocation, progress_bar

__all__ = ["REPEATS", "TOLERANCE", "FrameLog", "Recording", "read_recording"]

#: How runs of equal boards are read (see the module's text).
REPEATS = ("auto", "collapse", "keep")
#: The share of a frame's cells that may be drawn by no one colour of a class (a cursor, a caption over the board).
TOLERANCE = 0.02
#: The sample the grid is found on: at most these distinct frames, these bytes, these frames looked at.
SAMPLE_FRAMES, SAMPLE_BYTES, SCAN_FRAMES = 24, 64 * 2**20, 600


@dataclass(frozen=True)
class FrameLog:
    """What became of a recording's frames.

    Attributes:
        decoded: Frames decoded.
        read: Boards in the trajectory.
        repeated: Frames dropped as repeats of the board before them.
        dropped: ``(at the start, at the end)`` frames dropped as unreadable.
        still: A sentence on the last run of equal boards, when it was read as a still life.
    """

    decoded: int
    read: int
    repeated: int = 0
    dropped: tuple[int, int] = (0, 0)
    still: str = ""

    def describe(self) -> str:
        """One line."""
        text = f"{self.decoded} decoded, {self.read} read as generations"
        if self.repeated:
            text += f"; {self.repeated} repeated a board and were collapsed (a frame rate is not a generation rate)"
        else:
            text += "; none repeats the board before it"
        if any(self.dropped):
            text += f"; {self.dropped[0]} unreadable at the start and {self.dropped[1]} at the end dropped"
        return text + (f"; {self.still}" if self.still else "")


@dataclass
class Recording:
    """Trajectories read from a recording, with what was read to get them.

    Attributes:
        trajectories: ``(n, T + 1, H, W)`` states, bool for two.
        source: What was read.
        kind: What it is, in words.
        reading: Which state each colour (or value) was read as and why; None when the file's values are its
            states (lifelab's own files, 0/1 arrays).
        grid: Where the cells were found in pictures (None for arrays of states and RLE files).
        frames: What became of the frames (None for arrays).
        metadata: What the file says of itself (lifelab's files: the rule, the boundary, ...).
        off: The largest share of a frame's cells read that no one colour of a class draws.
        axes: How the array's axes were read (arrays only).
        picture: The pixels of the frame the first board was read from (pictures only; for :meth:`plot`).
    """

    trajectories: np.ndarray
    source: str
    kind: str
    reading: Reading | None = None
    grid: Grid | None = None
    frames: FrameLog | None = None
    metadata: dict = field(default_factory=dict)
    off: float = 0.0
    axes: str = ""
    picture: np.ndarray | None = field(default=None, repr=False)

    def summary(self) -> str:
        """The reading, a line a decision: what, the grid, the colours, the frames, the check."""
        n, length, height, width = self.trajectories.shape
        lines = [
            f"source        {Path(self.source).name}: {self.kind}; {n} trajector{'y' if n == 1 else 'ies'} of "
            f"{length - 1} steps on {width}x{height} cells"
        ]
        if self.axes:
            lines.append(f"axes          {self.axes}")
        if self.grid is not None:
            lines.append(f"grid          {self.grid.summary()}")
            lines += [f"              {note}" for note in self.grid.notes]
        if self.reading is not None:
            lines.append(f"{self.reading.what + 's':<13s} {self.reading.describe()}")
        if self.frames is not None:
            lines.append(f"frames        {self.frames.describe()}")
        if self.grid is not None:
            classes = self.grid.classes
            lines.append(
                f"checked       every frame read at each cell's centre: at most {self.off:.1%} of a frame's "
                f"cells not one colour of a class (a class: within {classes.radius:.0f} of its colour; "
                f"unreadable above {TOLERANCE:.0%})"
            )
        return "\n".join(lines)

    def plot(self, ax=None):
        """The first frame read, with the grid found drawn over it and each cell read as not dead marked.

        Args:
            ax: Axes to draw on (new if None).

        Returns:
            The figure.
        """
        from lifelab.viz import plot_reading  # pictures on request: matplotlib stays off the reading path

        return plot_reading(self, ax=ax)


def _check_cells(cells: int, what: str) -> None:
    """Refuse, before reading them, more cells than lifelab holds or this machine's memory takes (twice: the
    boards as read, then as states)."""
    if cells > MAX_CELLS:
        raise InputError(
            f"{what}: {cells:,} cells, more than lifelab reads ({MAX_CELLS:,}); cut the recording shorter or smaller"
        )
    check_allocation(2 * cells, what)


def _sample(frames: Frames) -> tuple[list[np.ndarray], int]:
    """The first distinct frames, up to the sample's limits, and how many frames were looked at."""
    sample: list[np.ndarray] = []
    scanned = size = 0
    for frame in frames:
        scanned += 1
        if not sample or not np.array_equal(frame, sample[-1]):
            sample.append(frame)
            size += frame.nbytes
        if len(sample) >= SAMPLE_FRAMES or size >= SAMPLE_BYTES or scanned >= SCAN_FRAMES:
            break
    return sample, scanned


def _collapse(boards: np.ndarray, repeats: str) -> tuple[np.ndarray, int, str]:
    """Boards with runs of equal boards collapsed as ``repeats`` says; how many frames went; the still-life note."""
    if repeats == "keep" or len(boards) < 2:
        return boards, 0, ""
    equal = np.array([np.array_equal(a, b) for a, b in zip(boards[1:], boards[:-1], strict=True)])
    starts = np.flatnonzero(np.concatenate([[True], ~equal]))
    lengths = np.diff(np.append(starts, len(boards)))
    keep = [1] * len(starts)
    note = ""
    last = int(lengths[-1])
    if repeats == "auto" and last > 1:
        earlier = lengths[:-1]
        if len(earlier) and (earlier > 1).any():
            typical = float(np.median(earlier))
            if last >= 2 * typical:
                keep[-1] = 2
                note = (
                    f"the last board stays for {last} frames where the others stay for about {typical:g}: read "
                    "as a still life (kept as one step, the board followed by itself)"
                )
        else:
            keep[-1] = last
            note = f"the last board stays for {last} frames, each read as a generation (nothing else repeats)"
    picked = np.concatenate([np.full(k, s) for s, k in zip(starts, keep, strict=True)])
    return boards[picked], int(len(boards) - len(picked)), note


def _read_pictures(
    trajectories: list[Frames], source: str, kind: str, dead, palette, repeats: str, progress: bool
) -> Recording:
    first = trajectories[0]
    sample, scanned = _sample(first)
    if scanned < 2:
        raise InputError(f"{source}: one frame is no trajectory; a trajectory needs two or more")
    grid = find_grid(sample, source, first.lossy)
    del sample
    rows, columns = grid.cells
    boards_all, decoded, repeated, dropped, notes, worst, picture = [], 0, 0, [0, 0], [], 0.0, None
    total = sum(f.count or 0 for f in trajectories) or None
    _check_cells((total or 0) * rows * columns, f"{source}: {total} frames of {columns}x{rows} cells")
    with progress_bar(total or 0, f"read {Path(source).name}", enabled=progress, unit="frame") as bar:
        for frames in trajectories:
            boards, offs = [], []
            for frame in frames:
                index, ok = grid.read(frame)
                boards.append(index)
                offs.append(1.0 - float(ok.mean()))
                if picture is None and offs[-1] <= TOLERANCE:
                    picture = frame
                bar.update()
                if len(boards) % 256 == 0:
                    _check_cells(
                        (decoded + len(boards)) * rows * columns,
                        f"{source}: {decoded + len(boards)} frames of {columns}x{rows} cells, and more",
                    )
            decoded += len(boards)
            shares = np.asarray(offs)
            bad = shares > TOLERANCE
            lead = int(np.argmin(bad)) if not bad.all() else len(bad)
            trail = int(np.argmin(bad[::-1])) if not bad.all() else 0
            middle = np.flatnonzero(bad[lead : len(bad) - trail]) + lead
            if len(middle):
                raise InputError(
                    f"{source}: frame {middle[0]} is not drawn on the grid found "
                    f"({shares[middle[0]]:.0%} of its cells are not one colour of a class; "
                    f"{grid.summary()}): a frame in the middle cannot be dropped without joining two "
                    "steps into one"
                )
            if lead == len(bad):
                raise InputError(f"{source}: no frame is drawn on the grid found ({grid.summary()})")
            dropped[0] += lead
            dropped[1] += trail
            kept = np.stack(boards[lead : len(boards) - trail])
            worst = max(worst, float(shares[lead : len(boards) - trail].max()))
            kept, went, note = _collapse(kept, repeats)
            repeated += went
            notes.append(note)
            boards_all.append(kept)
    length = min(len(b) for b in boards_all)
    if length < 2:
        raise InputError(
            f"{source}: {decoded} frames read as one board (every frame repeats the first): one board is "
            "no trajectory (read every frame as a generation with --repeats keep)"
        )
    boards = np.stack([b[:length] for b in boards_all])
    states, reading = read_states(
        boards, grid.classes.hex(), grid.classes.centres, dead=dead, palette_name=palette, source=source
    )
    log = FrameLog(decoded, length, repeated, (dropped[0], dropped[1]), next((n for n in notes if n), ""))
    return Recording(states, source, kind, reading, grid, log, {}, worst, picture=picture)


def _read_rle_folder(path: Path) -> Recording:
    files = sorted(path.glob("*.rle"), key=lambda f: natural_key(f.name))
    boards = [load_rle(f)[0] for f in files]
    if len({b.shape for b in boards}) > 1:
        raise InputError(
            f"{path}: the RLE frames differ in size ({sorted({b.shape for b in boards})}); an RLE "
            "file keeps no position, so frames of different sizes cannot be lined up"
        )
    traj = validate_trajectories(np.stack(boards)[None], name=str(path), states=None)
    return Recording(
        traj,
        str(path),
        f"folder of {len(files)} RLE files (in the order of the numbers in their names)",
        frames=FrameLog(len(files), len(files)),
    )


def _array_frames(array: np.ndarray, source: str) -> list[Frames]:
    """Colour arrays ``(N, T, H, W, C)`` as frames of pictures, one :class:`Frames` a trajectory."""
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or array.min() < 0 or array.max() > 255:
            raise InputError(f"{source}: colours are 0-1 or 0-255, found values from {array.min()} to {array.max()}")
        array = np.round(array * (255 if array.max() <= 1 else 1)).astype(np.uint8)
    elif array.dtype != np.uint8:
        if array.min() < 0 or array.max() > 255:
            raise InputError(f"{source}: colours are 0-255, found values from {array.min()} to {array.max()}")
        array = array.astype(np.uint8)
    n, length, height, width, channels = array.shape
    if channels == 4:
        array = premultiplied(array)
    return [
        Frames(source, "colour array", length, height, width, channels, functools.partial(_trajectory_frames, array, t))
        for t in range(n)
    ]


def _trajectory_frames(array: np.ndarray, t: int) -> Iterator[np.ndarray]:
    """The pictures of trajectory ``t`` of colour arrays ``(N, T, H, W, C)``, one at a time."""
    return (np.ascontiguousarray(frame) for frame in array[t])


def read_recording(
    path,
    *,
    dead=None,
    palette=None,
    key: str | None = None,
    axes: str | None = None,
    repeats: str = "auto",
    progress: bool = False,
    side: int | None = None,
) -> Recording:
    """Read a recording of a cellular automaton into trajectories, stating every reading it chose.

    Args:
        path: A picture (``.gif``, ``.png``, ``.webp``, ``.jpg``, ``.bmp``, ``.tif``; animated or not), a video
            (``.mp4``, ``.webm``, ``.avi``, ``.mov``, ``.mkv``), a folder of pictures or of ``.rle`` files (in the
            order of the numbers in their names), an array (``.npz``, ``.npy``), or a CSV of bit-string frames
            (LifeGPT's format, :func:`~lifelab.io.bitstrings.read_bitstrings`).
        dead: The colour (``"#000000"``, ``"black"``) or value that is dead, state 0; the recording's other colour
            is alive.  Default: chosen (:func:`~lifelab.io.colours.read_states`), and stated in the reading.
        palette: The colours of states 0, 1, ... (``"#303030,#ffffff"``) or a palette's name
            (:data:`~lifelab.io.palettes.PALETTES`: ``"golly"``, ``"lifelab"``, ``"viridis"``, ...).
        key: The array to read from an ``.npz`` holding several.
        axes: The order of an array's axes (letters of ``NTHWC``, e.g. ``"HWT"``), when not ``(N,) T, H, W``.
        repeats: ``"auto"``, ``"collapse"`` or ``"keep"``: how runs of equal boards are read (:data:`REPEATS`;
            ``"auto"`` keeps every board of an array and collapses repeated frames of pictures and videos).
        progress: Show a progress bar over the frames.
        side: A CSV of bit strings: the board's side (default: the square root of a frame's length).

    Returns:
        The :class:`Recording`.

    Raises:
        InputError: For a missing or unreadable file, one frame, no grid of cells, a stated colour the recording
            lacks, an array that is no trajectory; each names the file and the problem.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import numpy as np
        >>> from lifelab import random_boards, simulate
        >>> from lifelab.io import read_recording, save_frames
        >>> history = simulate("B3/S23", random_boards(1, (24, 24), seed=1), steps=6)
        >>> pixels = np.where(history[0, ..., None], 255, 0).astype(np.uint8).repeat(4, 1).repeat(4, 2).repeat(3, 3)
        >>> gif = save_frames(pixels, Path(tempfile.mkdtemp()) / "life.gif")
        >>> recording = read_recording(gif, dead="#000000", progress=False)
        >>> recording.trajectories.shape, bool((recording.trajectories == history).all())
        ((1, 7, 24, 24), True)
    """
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file or folder")
    if not path.is_dir() and not path.is_file():
        raise InputError(f"{path}: not a regular file (a device, a pipe or a socket is not read)")
    if repeats not in REPEATS:
        raise InputError(f"repeats is one of {', '.join(REPEATS)}, got {repeats!r}")
    if dead is not None and palette is not None:
        raise InputError("state the dead colour or the palette, not both")
    source = str(path)
    if side is not None and path.suffix.lower() != ".csv":
        raise InputError(f"{path}: side is for a CSV of bit-string frames")
    if (
        path.is_dir()
        and not any(f.suffix.lower() in PICTURE_SUFFIXES for f in path.iterdir())
        and any(path.glob("*.rle"))
    ):
        if dead is not None or palette is not None:
            raise InputError(f"{path}: RLE files hold states, not colours: nothing to state")
        recording = _read_rle_folder(path)
    elif path.suffix.lower() == ".csv" and path.is_file():
        if dead is not None or palette is not None or key is not None or axes is not None:
            raise InputError(f"{path}: a CSV of bit strings holds states ('1' alive): nothing to state but side")
        trajectories, kind = read_bitstrings(path, side)
        recording = Recording(trajectories, source, f"CSV of bit-string frames: {kind}")
    elif path.suffix.lower() in (".npz", ".npy") and path.is_file():
        recording = _read_arrays(path, dead, palette, key, axes, repeats, progress)
    else:
        if key is not None or axes is not None:
            raise InputError(f"{path}: key and axes are for arrays (.npz, .npy)")
        frames = open_frames(path)
        recording = _read_pictures([frames], source, frames.kind, dead, palette, repeats, progress)
    if recording.trajectories.shape[1] < 2:
        raise InputError(f"{path}: one frame is no trajectory; a trajectory needs two or more")
    return recording


def _read_arrays(path: Path, dead, palette, key, axes, repeats, progress) -> Recording:
    source = str(path)
    arrays = load_arrays(path)
    own = lifelab_trajectories(arrays, path) if key is None and axes is None else None
    if own is not None:
        if dead is not None or palette is not None:
            raise InputError(f"{path}: lifelab's file holds states, not colours: nothing to state")
        traj, meta = own
        return Recording(traj, source, "lifelab trajectory file", metadata=meta)
    name, array = pick_array(arrays, key, path)
    where = f"{source}[{name!r}]" if name else source
    ordered, note = order_axes(array, axes, where)
    kind = f"array {name!r} of shape {array.shape}" if name else f"array of shape {array.shape}"
    if ordered.ndim == 5:
        return replace(
            _read_pictures(_array_frames(np.asarray(ordered), where), where, kind, dead, palette, repeats, progress),
            axes=note,
        )
    if palette is not None:
        raise InputError(f"{where}: holds values, not colours; state the dead value with dead= (--dead)")
    traj, reading = value_states(np.asarray(ordered), where, dead)
    if repeats == "collapse":
        kept = [_collapse(t, "collapse") for t in traj]
        length = min(len(k[0]) for k in kept)
        traj = np.stack([k[0][:length] for k in kept])
        log = FrameLog(ordered.shape[1], length, sum(k[1] for k in kept))
    else:
        log = None
    traj = validate_trajectories(traj, name=where, states=None)
    return Recording(traj, source, kind, reading, metadata={}, frames=log, axes=note)
