"""Recordings as people keep them, read cell for cell, with what each colour means stated.

One concept a module, in dependency order:

- :mod:`~lifelab.io.palettes`: colours a person names, the palettes of
  lifelab, Golly and matplotlib, and recognising them;
- :mod:`~lifelab.io.colours`: the classes of a recording's colours, and which
  state each is read as (:class:`Reading`, an assumption with its ground);
- :mod:`~lifelab.io.sources`: frames decoded one at a time from pictures,
  videos and folders (and written as a GIF or a video);
- :mod:`~lifelab.io.grid`: the board, its cells and the part of each cell to
  read, found from what changes between frames;
- :mod:`~lifelab.io.arrays`: lifelab's ``.npz`` and anyone's ``.npz`` or
  ``.npy``: which array, which values, which axis is time;
- :mod:`~lifelab.io.bitstrings`: frames kept as strings of bits in a CSV
  file (LifeGPT's data);
- :mod:`~lifelab.io.recording`: :func:`read_recording`, all of them into
  trajectories, every decision in :meth:`Recording.summary`;
- :mod:`~lifelab.io.store`: lifelab's trajectory files written and read
  back with their metadata (:func:`save_trajectories`,
  :func:`load_trajectories`), named by their :class:`TrajectorySpec`.
"""

from lifelab.io.arrays import FORMAT_VERSION, check_npz_sizes, load_arrays, order_axes, value_states
from lifelab.io.bitstrings import MAX_CSV_BYTES, read_bitstrings
from lifelab.io.colours import ColourClasses, Reading, colour_classes, read_states
from lifelab.io.grid import Axis, Grid, find_grid
from lifelab.io.palettes import PALETTES, hex_colour, palette, parse_colour, recognise
from lifelab.io.recording import REPEATS, TOLERANCE, FrameLog, Recording, read_recording
from lifelab.io.sources import PICTURE_SUFFIXES, VIDEO_SUFFIXES, Frames, natural_key, open_frames, save_frames
from lifelab.io.store import TrajectorySpec, load_trajectories, save_trajectories

__all__ = [
    "FORMAT_VERSION",
    "MAX_CSV_BYTES",
    "PALETTES",
    "PICTURE_SUFFIXES",
    "REPEATS",
    "TOLERANCE",
    "VIDEO_SUFFIXES",
    "Axis",
    "ColourClasses",
    "FrameLog",
    "Frames",
    "Grid",
    "Reading",
    "Recording",
    "TrajectorySpec",
    "check_npz_sizes",
    "colour_classes",
    "find_grid",
    "hex_colour",
    "load_arrays",
    "load_trajectories",
    "natural_key",
    "open_frames",
    "order_axes",
    "palette",
    "parse_colour",
    "read_bitstrings",
    "read_recording",
    "read_states",
    "recognise",
    "save_frames",
    "save_trajectories",
    "value_states",
]
