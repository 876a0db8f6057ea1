"""The sweep store: a directory of Parquet parts, one per finished batch, one row per trial.

Each part is written to a hidden temporary file and renamed into place, so a
reader never sees half a part and two sweeps writing into one store never
corrupt it.  A trial's key is its rule, seed, model and data settings; a
resumed sweep skips the keys already stored, and :func:`read_store` keeps one
row per key.  :func:`compact` rewrites a store as one compressed part, some
columns, to commit.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import os
import uuid
from pathlib import Path

from lifelab.errors import InputError

__all__ = ["COLUMNS", "MAP_COLUMNS", "compact", "read_store"]

#: The store's columns and their Parquet types, the same in every part (so any Parquet reader reads the directory).
COLUMNS = {
    "key": "string",
    "rule": "string",
    "family": "string",
    "seed": "int64",
    "model": "string",
    "size": "int64",
    "steps": "int64",
    "density": "float64",
    "max_rounds": "int64",
    "rung": "string",
    "determined": "bool",
    "identified": "bool",
    "wrong": "bool",
    "rule_determined": "string",
    "extracted": "string",
    "entries_right": "int64",
    "unobserved": "int64",
    "trajectories": "int64",
    "trained_on": "int64",
    "rounds": "int64",
    "stop_reason": "string",
    "end_density": "float64",
    "seconds": "float64",
    "batched": "bool",
    "device": "string",
    "lifelab_version": "string",
    "finished_at": "string",
}

#: What a compact store (:func:`compact`) keeps of each trial by default: what notebook 10 reads of a map.
MAP_COLUMNS = (
    "rule",
    "family",
    "seed",
    "model",
    "size",
    "steps",
    "density",
    "max_rounds",
    "rung",
    "determined",
    "identified",
    "wrong",
    "entries_right",
    "unobserved",
    "trajectories",
    "rounds",
    "stop_reason",
    "end_density",
)


def _damaged(part: Path, exc: Exception) -> InputError:
    return InputError(
        f"{part}: a damaged part of the store ({str(exc).splitlines()[0]}); move it out and sweep "
        "again: its trials are run again"
    )


class _Store:
    """A directory of Parquet parts, one per finished batch."""

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise InputError(f"{self.path} is a file, not a sweep store (a directory of Parquet parts)")
        if self.path.is_dir():
            strangers = [
                p.name for p in self.path.iterdir() if not p.name.startswith(".") and not p.name.endswith(".parquet")
            ]
            if strangers:
                raise InputError(
                    f"{self.path} holds files that are not Parquet parts ({', '.join(strangers[:3])}); "
                    "a sweep store is a directory of its own"
                )

    def parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet")) if self.path.is_dir() else []

    def keys(self) -> set[str]:
        import pyarrow.parquet as pq

        keys = set()
        for part in self.parts():
            try:
                if "key" not in pq.read_schema(part).names:
                    raise InputError(f"{self.path} is a compact store (no trial keys): sweep into a store of its own")
                keys.update(pq.read_table(part, columns=["key"]).column("key").to_pylist())
            except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                raise _damaged(part, exc) from None
        return keys

    @contextlib.contextmanager
    def lock(self):
        """Hold the store for one sweep: a second sweep into it (another process) is refused while this one runs."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = open(self.path / ".lock", "a+")
        except OSError as exc:
            raise InputError(f"{self.path}: the store cannot be written ({exc.strerror or exc})") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(
                    f"{self.path}: another sweep is writing into this store; wait for it to end, or "
                    "sweep into another store"
                ) from None
            try:
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write(self, rows: list[dict]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = f"part-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.parquet"
        final, temporary = self.path / name, self.path / f".{name}.tmp"
        schema = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in COLUMNS.items()])
        try:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
            os.replace(temporary, final)
        except OSError as exc:  # a full disk, a read-only or vanished folder: the user's machine, not lifelab
            temporary.unlink(missing_ok=True)
            raise InputError(
                f"{self.path}: a batch of {len(rows)} trials could not be written ({exc.strerror or exc})"
                "; the sweep stopped, and every part written before stays"
            ) from None
        return final


def read_store(path):
    """A sweep store as a pandas DataFrame, one row per trial (the first written, where two sweeps ran one trial).

    Args:
        path: The store directory (or a single Parquet file, such as a committed results file).

    Returns:
        A ``pandas.DataFrame``.
    """
    import pandas as pd

    path = Path(path)
    if path.is_file():
        if path.suffix != ".parquet":
            raise InputError(f"{path} is not a Parquet file")
        return pd.read_parquet(path)
    store = _Store(path)
    if not store.parts():
        raise InputError(f"no sweep results in {path}")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError: name the damaged part
        import pyarrow.parquet as pq

        for part in store.parts():
            try:
                pq.read_table(part)
            except (OSError, ValueError) as bad:
                raise _damaged(part, bad) from None
        raise InputError(f"{path}: the store cannot be read ({str(exc).splitlines()[0]})") from None
    if "key" not in frame:  # a compact store: one part, one row per trial already
        return frame
    return frame.drop_duplicates("key", keep="first").reset_index(drop=True)


def compact(store, out, columns=MAP_COLUMNS) -> Path:
    """A store rewritten as a new store of one zstd-compressed Parquet part: one row per trial, some columns.

    A map of hundreds of thousands of trials is committed this way (the
    working store's per-batch parts, timings and extracted rulestrings stay
    behind).  A compact store is read by :func:`read_store` like any other;
    it is not resumed (it has no keys).

    Args:
        store: The sweep store to read.
        out: A new directory for the compact store (it must not hold anything yet).
        columns: Columns to keep, of :data:`COLUMNS`.

    Returns:
        The path of the part written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(columns)
    unknown = [c for c in columns if c not in COLUMNS]
    if not columns or unknown:
        raise InputError(f"columns to keep must be some of {list(COLUMNS)}, got {unknown or columns}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} already exists and is not an empty directory; a compact store is written anew")
    frame = read_store(store)
    missing = [c for c in columns if c not in frame]
    if missing:
        raise InputError(f"{store} has no column {missing[0]!r} (it is a compact store already?)")
    frame = frame[columns].sort_values([c for c in ("model", "family", "rule", "seed") if c in columns])
    schema = pa.schema([(name, pa.type_for_alias(COLUMNS[name])) for name in columns])
    final = out / f"part-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%S}-compact.parquet"
    temporary = out / f".{final.name}.tmp"
    try:
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(
            pa.Table.from_pandas(frame, schema=schema, preserve_index=False),
            temporary,
            compression="zstd",
            compression_level=19,
        )
        os.replace(temporary, final)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"{out}: the compact store cannot be written ({exc.strerror or exc})") from None
    return final
