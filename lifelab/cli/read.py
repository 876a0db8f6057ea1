"""``lifelab read``, and the options that say how to read a recording (``read`` and ``learn --data``)."""

from __future__ import annotations

import argparse
import sys

from lifelab.errors import InputError
from lifelab.io import PALETTES, REPEATS, read_recording, save_trajectories
from lifelab.utils import atomic_path

__all__ = ["READING_OPTIONS", "add_read", "cmd_read", "reading_options", "recording_of"]

#: The options of ``learn --data`` and ``read`` that say how to read a recording.
READING_OPTIONS = ("dead", "palette", "key", "axes", "repeats", "side")


def recording_of(args):
    """The recording ``--data`` (or ``read``'s file) names, read as its options say."""
    return read_recording(
        getattr(args, "data", None) or args.file,
        dead=args.dead,
        palette=args.palette,
        key=args.key,
        axes=args.axes,
        repeats=args.repeats or "auto",
        progress=sys.stderr.isatty(),
        side=args.side,
    )


def cmd_read(args) -> int:
    """``lifelab read``: read a recording and say how; draw the grid found, save the trajectories."""
    recording = recording_of(args)
    print(recording.summary())
    if args.show is not None:
        if not args.show.lower().endswith(".png"):
            raise InputError(f"--show writes a PNG picture, got {args.show!r}")
        import matplotlib.pyplot as plt

        fig = recording.plot()
        with atomic_path(args.show) as tmp:
            fig.savefig(tmp, format="png", dpi=150, bbox_inches="tight")
        plt.close(fig)
        print(f"shown         {args.show}: the grid found over the first frame read")
    if args.save is not None:
        meta = {"source": recording.source}
        if recording.reading is not None:
            meta["reading"] = recording.reading.describe()
        path = save_trajectories(args.save, recording.trajectories, meta, overwrite=True)
        print(f"saved         {path}")
    return 0


def reading_options(parser: argparse.ArgumentParser) -> None:
    """The options that say how to read a recording (:func:`lifelab.io.read_recording`)."""
    parser.add_argument(
        "--dead",
        metavar="COLOUR",
        default=None,
        help="the colour (#000000, black) or value that is dead, state 0 (default: chosen, and "
        "stated: a picture does not say which colour is alive)",
    )
    parser.add_argument(
        "--palette",
        metavar="P",
        default=None,
        help="the colours of states 0, 1, ... ('#303030,#ffffff') or a palette: " + ", ".join(PALETTES),
    )
    parser.add_argument("--key", metavar="NAME", default=None, help="the array to read from an .npz holding several")
    parser.add_argument(
        "--axes",
        metavar="ORDER",
        default=None,
        help="the order of an array's axes, letters of NTHWC (e.g. HWT); default (N)THW, or HWT "
        "when only that order is local in time",
    )
    parser.add_argument(
        "--side",
        type=int,
        metavar="N",
        default=None,
        help="a CSV of bit-string frames (LifeGPT's): the board's side (default: the square root of a frame's length)",
    )
    parser.add_argument(
        "--repeats",
        choices=list(REPEATS),
        default=None,
        help="runs of equal boards: auto (collapse repeated frames of pictures and videos, keep "
        "arrays' boards), collapse, keep (every frame a generation)",
    )


def add_read(sub: argparse._SubParsersAction) -> None:
    """The ``read`` subcommand's parser."""
    p = sub.add_parser("read", help="read a recording (pictures, video, arrays) and say how: grid, colours, frames")
    p.add_argument("file", help="a picture, a video, a folder of frames, an array (.npz, .npy) or a CSV of bit strings")
    reading_options(p)
    p.add_argument("--show", metavar="FILE.png", default=None, help="draw the grid found over the first frame read")
    p.add_argument("--save", metavar="FILE.npz", default=None, help="save the trajectories read (lifelab's .npz)")
    p.set_defaults(func=cmd_read)
