"""lifelab's trajectory files: written atomically, read back with their metadata, named by what made them.

* :class:`TrajectorySpec` is everything that determines a set of simulated
  trajectories; it names their file under ``data/`` and is their metadata.
* :func:`save_trajectories` writes bit-packed ``boards`` (2 states) or
  ``states`` (more), with JSON ``metadata`` stamped with the format version
  (:data:`~lifelab.io.arrays.FORMAT_VERSION`), atomically, and never over a
  different dataset unless asked.
* :func:`load_trajectories` reads them back (the format is read, and its
  version checked, with every other array file:
  :func:`~lifelab.io.arrays.lifelab_trajectories`), and anything else
  :func:`~lifelab.io.recording.read_recording` reads, checking the metadata
  against what the caller expects.

Nothing here simulates: :func:`lifelab.learning.supply.load_or_generate` does, and caches through this store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from lifelab.errors import InputError
from lifelab.io.arrays import FORMAT_VERSION
from lifelab.io.boards import validate_trajectories
from lifelab.io.recording import read_recording
from lifelab.utils import atomic_path, lifelab_version

__all__ = ["TrajectorySpec", "load_trajectories", "save_trajectories"]


@dataclass(frozen=True)
class TrajectorySpec:
    """Everything that determines a set of simulated trajectories.

    Attributes:
        rule: The rule in canonical notation.
        n: Number of trajectories.
        shape: Board ``(height, width)``.
        steps: Steps per trajectory (each holds ``steps + 1`` boards).
        density: Initial live-cell density.
        seed: Seed of the initial boards.
    """

    rule: str
    n: int
    shape: tuple[int, int]
    steps: int
    density: float
    seed: int

    def filename(self) -> str:
        """A file name that identifies the spec (rule, sizes, density, seed)."""
        rule = self.rule.replace("/", "")
        if rule.startswith("MAP"):
            rule = "MAP" + hashlib.sha1(self.rule.encode()).hexdigest()[:12]
        h, w = self.shape
        return f"traj_{rule}_n{self.n}_{h}x{w}_T{self.steps}_d{self.density:g}_s{self.seed}.npz"

    def metadata(self) -> dict:
        """The spec as the metadata dict stored with the file."""
        meta = asdict(self)
        meta["shape"] = list(self.shape)
        return meta


def save_trajectories(path, trajectories, metadata: dict | None = None, overwrite: bool = False) -> Path:
    """Write trajectories to a bit-packed ``.npz`` file, atomically.

    Args:
        path: The ``.npz`` file.
        trajectories: ``(n, T + 1, H, W)`` 0/1 array.
        metadata: JSON-serialisable facts to store with them (rule, seed, ...).
        overwrite: Replace an existing file holding *different* data; without
            it that is an error (an identical file is left as it is).

    Returns:
        The path written.

    Raises:
        FileExistsError: If ``path`` holds a different dataset and not ``overwrite``.
    """
    path = Path(path)
    traj = validate_trajectories(trajectories, states=None)
    meta = dict(metadata or {})
    meta.update(format=FORMAT_VERSION, lifelab=lifelab_version(), array_shape=list(traj.shape))
    arrays = (
        {"boards": np.packbits(traj, axis=-1)} if traj.dtype == bool else {"states": traj}
    )  # multi-state data are stored as they are (compressed)
    if path.exists() and not overwrite:
        try:
            old, old_meta = load_trajectories(path)
        except (ValueError, OSError) as exc:
            raise FileExistsError(
                f"{path} exists and is not a readable trajectory file ({exc}); pass overwrite=True to replace it"
            ) from None
        if not (np.array_equal(old, traj) and _same_meta(old_meta, meta)):
            raise FileExistsError(f"{path} already holds a different dataset; pass overwrite=True to replace it")
        return path
    with atomic_path(path) as tmp:
        np.savez_compressed(tmp, metadata=np.array(json.dumps(meta, sort_keys=True)), **arrays)
    return path


def _same_meta(a: dict, b: dict) -> bool:
    ignore = {"lifelab"}
    return {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}


def load_trajectories(path, expect: dict | None = None) -> tuple[np.ndarray, dict]:
    """Read trajectories written by :func:`save_trajectories`, anyone's ``.npz`` or ``.npy``, or a recording.

    Everything :func:`lifelab.io.read_recording` reads, with its default readings (a picture's or an array's
    reading is in ``metadata["reading"]``, the whole account in ``metadata["recording"]``).

    Args:
        path: The file or folder.
        expect: Metadata the file must match (e.g. ``{"rule": "B3/S23"}``).

    Returns:
        ``(trajectories, metadata)``: the ``(n, T + 1, H, W)`` array (bool for 2
        states, uint8 otherwise) and the stored metadata.

    Raises:
        InputError: If the file does not exist, is truncated or corrupt, holds no trajectories, holds states
            beyond those of the rule its metadata name, or does not match ``expect``; the message names the file
            and the problem.
    """
    recording = read_recording(path)
    meta = dict(recording.metadata)
    if recording.reading is not None or recording.grid is not None:
        meta["recording"] = recording.summary()
    if recording.reading is not None:
        meta["reading"] = recording.reading.describe()
    for key, value in (expect or {}).items():
        if key not in meta:
            raise InputError(f"{path}: has no {key!r} in its metadata, expected {value!r}")
        if meta[key] != value:
            raise InputError(f"{path}: {key} is {meta[key]!r}, expected {value!r}")
    return recording.trajectories, meta
