"""The settings of the active-learning loop and of a sweep: every default, its meaning and its check, in one place.

:class:`LoopSettings` is what :func:`lifelab.loop.learn_rule`, :func:`lifelab.loop.learn_table`,
:class:`~lifelab.loop.LoopRun`, the learners, the sweep's trials and ``lifelab learn`` read;
:class:`SweepSettings` is what :func:`lifelab.sweep.sweep` and ``lifelab sweep`` read.  Each setting is declared
once, by :func:`setting`: its default, the sentence that says what it means (the class's docstring, the command
line's help and :func:`help_text` all print it) and the constraints it must meet (:func:`lifelab.utils.validate`
checks them when the settings are built, so a bad value fails before anything runs, with a message naming it).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace

from lifelab.errors import InputError
from lifelab.evidence import CONFIDENCE, FAMILY_NAMES, check_noise, family
from lifelab.evidence.boundary import BOUNDARIES
from lifelab.geometry import GROUPS
from lifelab.learning import BATCH_SIZE
from lifelab.utils import Checked, Flag, OneOf, PairOf, Real, Text, Whole, validate

__all__ = [
    "BACKENDS",
    "DEFAULT_SIZE",
    "LOOP",
    "MODES",
    "SWEEP",
    "LoopSettings",
    "SweepSettings",
    "help_text",
    "setting",
]

#: How the loop chooses the next trajectory (:data:`lifelab.loop.COLLECTIONS` implements each).
MODES = ("random", "query")
#: Where a sweep runs its batches.
BACKENDS = ("local", "ray")
#: Board side of collected trajectories when a rule names no grid of its own.
DEFAULT_SIZE = 32


def setting(default, help: str, *constraints):
    """A settings field: its default, what it means (one sentence, the help) and what it accepts.

    Args:
        default: The default value.
        help: What it means, as the command line prints it.
        *constraints: What it accepts (:func:`lifelab.utils.validate`); ``None`` among them allows None.
    """
    return field(default=default, metadata={"help": help, "constraints": constraints})


def _family_name(name) -> None:
    if name not in ("auto", "data"):
        family(name)


def _noise_text(text: str) -> float | str:
    """The command line's ``--noise``: ``auto`` or a rate."""
    if text == "auto":
        return text
    try:
        rate = check_noise(float(text))
    except ValueError:
        raise InputError(f"must be 'auto' or a cell-flip rate such as 0.01, got {text!r}") from None
    assert rate is not None  # only "auto" checks as None
    return rate


class _Settings:
    """What both settings classes share: checking every field against its constraints, and :meth:`but`."""

    def __post_init__(self):
        for entry in fields(self):
            value = validate(entry.name, getattr(self, entry.name), entry.metadata["constraints"])
            object.__setattr__(self, entry.name, value)
        self._check_together()

    def _check_together(self) -> None:
        """Constraints between settings (none by default)."""

    def but(self, **changes):
        """A copy with some settings changed (checked like the original).

        Raises:
            InputError: For a name that is not a setting, or a bad value.
        """
        names = [entry.name for entry in fields(self)]
        unknown = [name for name in changes if name not in names]
        if unknown:
            raise InputError(
                f"{type(self).__name__} has no setting {unknown[0]!r}; its settings are " + ", ".join(names)
            )
        return replace(self, **changes)


def _document(cls):
    """Write the class docstring's ``Attributes`` from each setting's help: each setting is described once."""
    lines = [
        f"        {entry.name}: {entry.metadata['help'][:1].upper()}{entry.metadata['help'][1:]}."
        for entry in fields(cls)
    ]
    cls.__doc__ = cls.__doc__.rstrip() + "\n\n    Attributes:\n" + "\n".join(lines) + "\n"
    return cls


@_document
@dataclass(frozen=True)
class LoopSettings(_Settings):
    """The settings of one run of the active-learning loop (see :func:`lifelab.loop.learn_rule`).

    Examples:
        >>> from lifelab.loop import LOOP
        >>> LOOP.but(max_rounds=3, seed=1).max_rounds
        3
        >>> LOOP.but(rounds=3)
        Traceback (most recent call last):
        ...
        lifelab.errors.InputError: LoopSettings has no setting 'rounds'; its settings are group, max_rounds, ...
    """

    group: str | None = setting(
        None,
        "symmetry: built into tied/e2cnn (default p4m), a consistency loss for the "
        "others; auto (minimal, tied, e2cnn): start translation-only, grow to the "
        "symmetry the data allow",
        None,
        OneOf((*GROUPS, "auto"), "unknown group {value!r}; expected one of {values}"),
    )
    max_rounds: int = setting(10, "most rounds", Whole(1))
    seed: int = setting(0, "random seed (of the model, the boards and the batch order)", Whole(0))
    mode: str = setting(
        "random",
        "how the next trajectory is chosen: random boards, or query (boards of the "
        "patterns not yet observed, then the least confident; needs an oracle)",
        OneOf(MODES, "mode must be one of {values}, got {value!r}"),
    )
    shape: tuple[int, int] | None = setting(
        None,
        f"board size of collected trajectories (default: the rule's :Tw,h torus, else {DEFAULT_SIZE} square)",
        None,
        PairOf(Whole(1)),
    )
    steps: int = setting(16, "steps per collected trajectory", Whole(1))
    density: float = setting(0.5, "initial density of random boards", Real(0, 1))
    epochs: int = setting(100, "most training epochs per round", Whole(1))
    batch_size: int = setting(BATCH_SIZE, "boards per training minibatch", Whole(1))
    threshold: float = setting(0.9, "confidence below which a pattern counts as low (and is queried)", Real(0, 1))
    stop_probability: float = setting(0.95, "training margin: every visible cell at least this probable", Real(0, 1))
    family: str | None = setting(
        None,
        "the assumption the verdict may make (default: what the model can "
        "represent; table: none; auto: the first of table, isotropic, moore, "
        "vonneumann, hexagonal the data determine; data: the largest symmetry the "
        "data do not contradict)",
        None,
        Checked(_family_name, choices=(*FAMILY_NAMES, "auto", "data")),
    )
    noise: float | str = setting(
        "auto",
        "auto (judge with noise when observations conflict), 0 (exact data) or a cell-flip rate (default auto)",
        Checked(check_noise, _noise_text),
    )
    confidence: float = setting(
        CONFIDENCE, "joint confidence of a noisy verdict", Real(0.5, 1, open_low=True, open_high=True)
    )
    boundary: str | None = setting(
        None,
        "what lies beyond the frame: torus, dead (a bounded plane), open (a "
        "window of a larger world: edge cells are not evidence) or auto (what "
        "the edge shows); default: the rule's grid, auto for supplied data",
        None,
        OneOf(BOUNDARIES, "boundary must be one of {values}, got {value!r}"),
    )
    neighbourhood: str | None = setting(
        None,
        "supplied data only: auto (default: the smallest neighbourhood the "
        "next state is a function of), 3x3, or a Larger than Life one such "
        "as R2,NM (box), R3,NC (disc), R2,NN (diamond), R2,N+ (cross); "
        "Golly 4's R2,NH, custom R2,N@A8A0FF and weighted R1,NW121202121 "
        "are counted only when named",
        None,
        Text(),
    )
    states: int | None = setting(
        None, "number of cell states (default: the rule's, or what the data show)", None, Whole(2, 256)
    )
    follow: bool = setting(
        True, "move to a wider learner when the data contradict what the learner can represent", Flag()
    )


@_document
@dataclass(frozen=True)
class SweepSettings(_Settings):
    """How :func:`lifelab.sweep.sweep` runs its trials (what each trial does is its :class:`LoopSettings`)."""

    backend: str = setting(
        "local",
        "where batches run: local processes or Ray tasks",
        OneOf(BACKENDS, "backend must be one of {values}, got {value!r}"),
    )
    workers: int = setting(1, "batches run at once", Whole(1))
    batch_size: int = setting(128, "trials per batch (their networks are trained stacked)", Whole(1))
    address: str | None = setting(None, "address of a running Ray cluster (with backend ray)", None, Text())

    def _check_together(self) -> None:
        if self.address is not None and self.backend != "ray":
            raise InputError("address names a Ray cluster; use it with backend='ray'")


#: The defaults.
LOOP, SWEEP = LoopSettings(), SweepSettings()


def help_text(settings: type, name: str) -> str:
    """A setting's help for the command line, with its default: ``"most rounds (default 10)"``."""
    entry = next((f for f in fields(settings) if f.name == name), None)
    if entry is None:
        raise InputError(f"{settings.__name__} has no setting {name!r}")
    default = None if entry.default is MISSING else entry.default
    shown = "" if default is None or "(default" in entry.metadata["help"] else f" (default {default})"
    return entry.metadata["help"] + shown
