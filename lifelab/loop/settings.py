"""The settings of the active-learning loop and of a sweep: every default and its check, in one place.

:class:`LoopSettings` is what :func:`lifelab.loop.run.learn_rule`,
:class:`~lifelab.loop.run.LoopRun`, the learners, the sweep's trials and
``lifelab learn`` read; :class:`SweepSettings` is what
:func:`lifelab.sweep.run.sweep` and ``lifelab sweep`` read.  Both are frozen
dataclasses checked when built, so a bad value fails before anything runs,
with a message naming it.  Each field's help text (its ``metadata["help"]``)
is what the command line prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from lifelab.errors import InputError, InputTypeError
from lifelab.evidence import CONFIDENCE, check_noise, family
from lifelab.evidence.boundary import check_boundary
from lifelab.geometry import GROUPS
from lifelab.learning import BATCH_SIZE
from lifelab.utils import check_int, check_number

__all__ = ["BACKENDS", "DEFAULT_SIZE", "LOOP", "MODES", "SWEEP", "LoopSettings", "SweepSettings", "help_text"]

#: How the loop chooses the next trajectory (:data:`lifelab.loop.run.COLLECTIONS` implements each).
MODES = ("random", "query")
#: Where a sweep runs its batches.
BACKENDS = ("local", "ray")
#: Board side of collected trajectories when a rule names no grid of its own.
DEFAULT_SIZE = 32


def _setting(default, help: str):
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class LoopSettings:
    """The settings of one run of the active-learning loop (see :func:`lifelab.loop.run.learn_rule`).

    Attributes:
        group: Symmetry to impose (None: the model's default; ``"auto"``: grow it from the data).
        max_rounds: Most rounds.
        seed: Seed of the model, the collected boards and the batch order.
        mode: How the next trajectory is chosen (:data:`MODES`).
        shape: Board size of collected trajectories (None: the rule's grid, else
            :data:`DEFAULT_SIZE` square).
        steps: Steps per collected trajectory.
        density: Initial density of random boards.
        epochs: Most training epochs per round.
        batch_size: Boards per training minibatch.
        threshold: Confidence below which a pattern counts as low.
        stop_probability: Training margin of a noise-free round.
        family: The assumption the verdict may make (a name of :data:`lifelab.evidence.FAMILY_NAMES`,
            ``"auto"`` or ``"data"``; None: what the learner can represent).
        noise: ``"auto"`` or a known cell-flip rate in [0, 0.5).
        confidence: Joint confidence at which a noisy verdict decides every class.
        boundary: What lies beyond the frame (None: the rule's grid, or ``"auto"`` for supplied data).
        neighbourhood: Supplied data only: ``"auto"``, ``"3x3"`` or a Larger than Life neighbourhood.
        states: Number of cell states (None: the rule's, or what the data show).
        follow: Move to a wider learner when the data contradict the learner's family.
    """

    group: str | None = _setting(None, "symmetry: built into tied/e2cnn (default p4m), a consistency loss for the "
                                       "others; auto (minimal, tied, e2cnn): start translation-only, grow to the "
                                       "symmetry the data allow")
    max_rounds: int = _setting(10, "most rounds")
    seed: int = _setting(0, "random seed (of the model, the boards and the batch order)")
    mode: str = _setting("random", "how the next trajectory is chosen")
    shape: tuple[int, int] | None = _setting(None, "board side of collected trajectories (default: the rule's "
                                                   f":Tw,h torus, else {DEFAULT_SIZE})")
    steps: int = _setting(16, "steps per collected trajectory")
    density: float = _setting(0.5, "initial density of random boards")
    epochs: int = _setting(100, "most training epochs per round")
    batch_size: int = _setting(BATCH_SIZE, "boards per training minibatch")
    threshold: float = _setting(0.9, "confidence below which a pattern counts as low (and is queried)")
    stop_probability: float = _setting(0.95, "training margin: every visible cell at least this probable")
    family: str | None = _setting(None, "the assumption the verdict may make (default: what the model can "
                                        "represent; table: none; auto: the first of table, isotropic, moore, "
                                        "vonneumann, hexagonal the data determine; data: the largest symmetry the "
                                        "data do not contradict)")
    noise: float | str = _setting("auto", "auto (judge with noise when observations conflict), 0 (exact data) or "
                                          "a cell-flip rate (default auto)")
    confidence: float = _setting(CONFIDENCE, "joint confidence of a noisy verdict")
    boundary: str | None = _setting(None, "what lies beyond the frame: torus, dead (a bounded plane), open (a "
                                          "window of a larger world: edge cells are not evidence) or auto (what "
                                          "the edge shows); default: the rule's grid, auto for supplied data")
    neighbourhood: str | None = _setting(None, "supplied data only: auto (default: the smallest neighbourhood the "
                                               "next state is a function of), 3x3, or a Larger than Life one such "
                                               "as R2,NM (box), R3,NC (disc), R2,NN (diamond), R2,N+ (cross); "
                                               "Golly 4's R2,NH, custom R2,N@A8A0FF and weighted R1,NW121202121 "
                                               "are counted only when named")
    states: int | None = _setting(None, "number of cell states (default: the rule's, or what the data show)")
    follow: bool = _setting(True, "move to a wider learner when the data contradict what the learner can "
                                  "represent")

    def __post_init__(self):
        if self.group is not None and self.group not in (*GROUPS, "auto"):
            raise InputError(f"unknown group {self.group!r}; expected one of {[*GROUPS, 'auto']}")
        for name, low in (("max_rounds", 1), ("seed", 0), ("steps", 1), ("epochs", 1), ("batch_size", 1)):
            object.__setattr__(self, name, check_int(name, getattr(self, name), low))
        if self.mode not in MODES:
            raise InputError(f"mode must be one of {MODES}, got {self.mode!r}")
        if self.shape is not None:
            if isinstance(self.shape, (str, bytes)) or not hasattr(self.shape, "__len__") or len(self.shape) != 2:
                raise InputTypeError(f"shape must be (height, width), got {self.shape!r}")
            object.__setattr__(self, "shape", tuple(check_int("shape", s, 1) for s in self.shape))
        object.__setattr__(self, "density", float(check_number("density", self.density, 0, 1)))
        check_number("threshold", self.threshold, 0, 1)
        check_number("stop_probability", self.stop_probability, 0, 1)
        if self.family not in (None, "auto", "data"):
            family(self.family)
        check_noise(self.noise)
        check_number("confidence", self.confidence, 0.5, 1, open_low=True, open_high=True)
        if self.boundary is not None:
            check_boundary(self.boundary)
        if self.states is not None:
            object.__setattr__(self, "states", check_int("states", self.states, 2, 256))
        if not isinstance(self.follow, bool):
            raise InputTypeError(f"follow must be True or False, got {self.follow!r}")

    def but(self, **changes) -> LoopSettings:
        """A copy with some settings changed (checked like the original)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class SweepSettings:
    """How :func:`lifelab.sweep.run.sweep` runs its trials (what each trial does is its :class:`LoopSettings`).

    Attributes:
        backend: ``"local"`` or ``"ray"`` (:data:`BACKENDS`).
        workers: Batches run at once.
        batch_size: Trials per batch (per task).
        address: A Ray cluster's address (``backend="ray"`` only).
    """

    backend: str = _setting("local", "where batches run: local processes or Ray tasks")
    workers: int = _setting(1, "batches run at once")
    batch_size: int = _setting(128, "trials per batch (their networks are trained stacked)")
    address: str | None = _setting(None, "address of a running Ray cluster (with backend ray)")

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise InputError(f"backend must be one of {list(BACKENDS)}, got {self.backend!r}")
        if self.address is not None and self.backend != "ray":
            raise InputError("address names a Ray cluster; use it with backend='ray'")
        object.__setattr__(self, "workers", check_int("workers", self.workers, 1))
        object.__setattr__(self, "batch_size", check_int("batch_size", self.batch_size, 1))


#: The defaults, for signatures that spell a setting out.
LOOP, SWEEP = LoopSettings(), SweepSettings()


def help_text(settings: type, name: str) -> str:
    """A setting's help for the command line, with its default: ``"most rounds (default 10)"``."""
    entry = next((f for f in fields(settings) if f.name == name), None)
    if entry is None:
        raise InputError(f"{settings.__name__} has no setting {name!r}")
    default = entry.default
    shown = "" if default is None or "(default" in entry.metadata["help"] else f" (default {default})"
    return entry.metadata["help"] + shown
