"""The package on disk: its version, the folder its data go to, and writes that never leave a half-written file."""

from __future__ import annotations

import contextlib
import errno
import functools
import importlib.metadata
import os
import tempfile
from pathlib import Path
from typing import Iterator

from lifelab.errors import InputError

__all__ = ["atomic_path", "data_dir", "lifelab_version"]


@functools.lru_cache(maxsize=1)
def lifelab_version() -> str:
    """The installed package's version (pyproject.toml is its one home), read once per process."""
    try:
        return importlib.metadata.version("lifelab")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def data_dir() -> Path:
    """The folder where trajectories, checkpoints and figures are written.

    ``$LIFELAB_DATA`` if set; else ``data/`` of the lifelab checkout that
    lifelab runs from (an editable install) or that holds the working
    directory (a notebook in ``notebooks/`` with lifelab installed from the
    wheel); else ``data/`` in the working directory.  Created if missing.
    """
    if os.environ.get("LIFELAB_DATA"):
        folder = Path(os.environ["LIFELAB_DATA"])
    else:
        here = Path.cwd().resolve()
        candidates = (Path(__file__).resolve().parents[2], here, *here.parents)
        checkout = next((c for c in candidates if (c / "pyproject.toml").is_file() and (c / "lifelab").is_dir()), None)
        folder = checkout / "data" if checkout is not None else here / "data"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    Whatever the block writes to the temporary path replaces ``path`` in one
    rename, so readers never see a half-written file; on error the temporary
    file is removed and ``path`` is left as it was.

    Args:
        path: The final file path; its folder is created if missing.
        suffix: Suffix for the temporary file (default: that of ``path``), for
            writers that choose the format by extension.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix or path.suffix)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename and str(exc.filename) != str(path) else ""
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc}{where})") from None
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.errno in _WRITE_FAILURES:  # the machine's fault (a full disk, a read-only place), said in one line
            raise InputError(f"{path}: could not be written ({exc.strerror}); nothing was left half-written") from None
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


#: The errors of a write the machine refuses: a full disk or quota, a read-only file system, no permission.
_WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}
