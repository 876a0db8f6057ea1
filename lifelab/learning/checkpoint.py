"""Checkpoints of training runs: where they live, what identifies them, reading and writing them.

A checkpoint's identity is everything that makes its weights mean what
they mean: the model (class, version, configuration), the rule the data
came from, the training settings that shape the run, and a fingerprint of
the training data itself.  :func:`lifelab.learning.training.train` resumes from a
checkpoint only when all of them match, and says which one does not
otherwise; the epoch budget may grow (that is what resuming is for).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from lifelab.errors import InputError, InputFileNotFoundError
from lifelab.utils import atomic_path, data_dir

__all__ = ["CHECKPOINT_FORMAT", "Identity", "checkpoint_path", "fingerprint", "read_checkpoint", "write_checkpoint"]

#: Written into every checkpoint; others are refused.
CHECKPOINT_FORMAT = "lifelab-checkpoint-2"

#: Settings that may change when a run is resumed.
RESUMABLE = ("epochs",)


def checkpoint_path(name: str) -> Path:
    """Where a named checkpoint lives: ``data/checkpoints/<name>.pt``.

    Characters that do not belong in a file name (the ``/`` of a
    rulestring) become ``_``.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"checkpoint name must be a non-empty string, got {name!r}")
    return data_dir() / "checkpoints" / f"{re.sub(r'[^A-Za-z0-9_.+=-]', '_', name)}.pt"


def fingerprint(*tensors: torch.Tensor) -> str:
    """A short hash of tensors' shapes, dtypes and values (the training data a run saw)."""
    digest = hashlib.sha256()
    for t in tensors:
        t = t.detach().cpu().contiguous()
        digest.update(f"{tuple(t.shape)}{t.dtype}".encode())
        digest.update(t.numpy().tobytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Identity:
    """What a checkpoint was written for.

    Attributes:
        model: The model's class name.
        model_version: Its ``__version__``.
        config: Its constructor arguments.
        rule: The rule the data came from (None when unknown).
        settings: The training settings (learning rate, batch size, ...).
        data: :func:`fingerprint` of the training transitions.
    """

    model: str
    model_version: str | None
    config: dict = field(default_factory=dict)
    rule: str | None = None
    settings: dict = field(default_factory=dict)
    data: str | None = None

    @classmethod
    def of(cls, model, rule=None, settings: dict | None = None, data: str | None = None) -> Identity:
        """The identity of a training run of ``model``."""
        return cls(
            type(model).__name__,
            getattr(model, "__version__", None),
            dict(getattr(model, "config", {})),
            None if rule is None else str(rule),
            dict(settings or {}),
            data,
        )

    def check(self, saved: Identity, path) -> None:
        """Refuse to resume from a checkpoint written for another run.

        Args:
            saved: The identity stored in the checkpoint.
            path: The checkpoint (for the message).

        Raises:
            ValueError: Naming what differs.
        """
        if (saved.model, saved.model_version, saved.config) != (self.model, self.model_version, self.config):
            raise InputError(
                f"checkpoint {path} was written for {saved.model} v{saved.model_version} "
                f"{saved.config}, not {self.model} v{self.model_version} {self.config}; "
                "use another checkpoint path or delete it"
            )
        if saved.rule != self.rule:
            raise InputError(
                f"checkpoint {path} was written for rule {saved.rule}, not {self.rule}; "
                "use another checkpoint path or delete it"
            )
        changed = sorted(
            k
            for k in set(saved.settings) | set(self.settings)
            if k not in RESUMABLE and saved.settings.get(k) != self.settings.get(k)
        )
        if changed:
            was = ", ".join(f"{k}={saved.settings.get(k)!r}" for k in changed)
            now = ", ".join(f"{k}={self.settings.get(k)!r}" for k in changed)
            raise InputError(
                f"checkpoint {path} was trained with {was}, not {now}; use another checkpoint path or delete it"
            )
        if saved.data != self.data:
            raise InputError(
                f"checkpoint {path} was trained on other data (fingerprint {saved.data}, now "
                f"{self.data}); use another checkpoint path or delete it"
            )


#: The largest checkpoint read (lifelab's models are a few MB at most).
MAX_CHECKPOINT = 256 * 2**20


def read_checkpoint(path) -> dict:
    """Read a checkpoint written by :func:`write_checkpoint` (``torch.load(weights_only=True)``).

    Returns:
        The state: ``format``, ``identity`` (an :class:`Identity`), ``model_state``,
        ``optimizer_state`` and ``history`` (a dict).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If it is not a lifelab checkpoint of this format or cannot be read.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"no checkpoint at {path}")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file (a device, a pipe or a socket is not read)")
    if path.stat().st_size > MAX_CHECKPOINT:
        raise InputError(
            f"{path}: {path.stat().st_size:,} bytes, more than a checkpoint lifelab reads "
            f"({MAX_CHECKPOINT:,}); lifelab's models are a few MB at most"
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise InputError(f"cannot read checkpoint {path}: {err}") from None
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        found = state.get("format") if isinstance(state, dict) else None
        raise InputError(
            f"{path} is not a lifelab checkpoint of format {CHECKPOINT_FORMAT} (found {found!r}); "
            "delete it to train again"
        )
    for key in ("identity", "model_state", "history"):
        if not isinstance(state.get(key), dict):
            raise InputError(
                f"{path}: a checkpoint holds a dict {key!r}, this one "
                + ("none" if key not in state else f"a {type(state[key]).__name__}")
            )
    if not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state["model_state"].items()):
        raise InputError(f"{path}: its 'model_state' is not a model's weights (names and tensors)")
    try:
        state["identity"] = Identity(**state["identity"])
    except TypeError as err:
        raise InputError(f"{path} has an unreadable identity: {err}") from None
    if not isinstance(state["identity"].model, str) or not isinstance(state["identity"].config, dict):
        raise InputError(f"{path}: its identity names no model and config")
    return state


def write_checkpoint(path, identity: Identity, model, optimizer, history: dict) -> None:
    """Write a checkpoint atomically (a temporary file, then a rename)."""
    state = {
        "format": CHECKPOINT_FORMAT,
        "identity": asdict(identity),
        "model_state": model.state_dict(),
        "optimizer_state": optimizer.state_dict(),
        "history": history,
    }
    with atomic_path(path) as tmp:
        torch.save(state, tmp)
