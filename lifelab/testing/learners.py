"""The learner contract: the loop's learner of a registry entry meets :class:`lifelab.loop.Learner`, fits a few
epochs of Life and reads a rule back."""

from __future__ import annotations

import numpy as np

from lifelab.engines import random_boards, simulate
from lifelab.learning import DataSupplyAgent, ExtractionResult, ModelSpec, TrajectoryDataset
from lifelab.loop import Learner, LoopSettings, make_learner
from lifelab.rules import RULE_TYPES
from lifelab.testing.base import _expect, _missing, _spec

__all__ = ["check_learner", "check_learner_fits_and_reads", "check_learner_protocol", "learner_checks"]

_EPOCHS = 2  # a learner fits this many: enough to run every step, not to learn


def _learner(spec: ModelSpec) -> Learner:
    """The learner the loop would make of a registry entry, on the CPU, fitting for ``_EPOCHS``."""
    try:
        return make_learner(spec.name, LoopSettings(epochs=_EPOCHS), device="cpu")
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{spec.name}: make_learner cannot build it ({err})") from None


def _life_trajectories() -> np.ndarray:
    """Two short trajectories of Life."""
    return simulate("B3/S23", random_boards(2, (12, 12), 0.4, seed=3), 3)


def _life_data() -> TrajectoryDataset:
    """Two short trajectories of Life, two of them visible, one-hot."""
    return TrajectoryDataset(_life_trajectories(), visible=2, one_hot=True)


def check_learner_protocol(learner) -> None:
    """The loop's learner of a registry entry meets :class:`lifelab.loop.Learner`, with a margin of at least one
    cell, a one-line description, and a torch network exactly when the registry says it is one.

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the missing members or the wrong facts.
    """
    spec = _spec(learner)
    built = _learner(spec)
    missing = _missing(built, Learner)
    _expect(not missing, f"{spec.name}: its learner ({type(built).__name__}) lacks {missing} of lifelab.loop.Learner")
    _expect(isinstance(built.margin, int) and built.margin >= 1, f"{spec.name}: margin {built.margin!r}, not >= 1")
    description = built.description
    _expect(
        isinstance(description, str) and len(description.splitlines()) == 1,
        f"{spec.name}: description {description!r} is not one line",
    )
    _expect(
        (built.net is None) == (not spec.network),
        f"{spec.name}: the registry says network={spec.network}, but its learner's net is {type(built.net).__name__}",
    )


def check_learner_fits_and_reads(learner) -> None:
    """The learner prepares, fits a few epochs of Life and reads a rule back: ``fit`` gives ``(epochs, fraction
    of boards reproduced exactly)``, ``read`` an :class:`~lifelab.learning.ExtractionResult`.

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the step that broke and what it gave.
    """
    spec = _spec(learner)
    built = _learner(spec)
    built.prepare(DataSupplyAgent(_life_trajectories()), 1)
    fitted = built.fit(_life_data(), noisy=False, seed=0)
    _expect(isinstance(fitted, tuple) and len(fitted) == 2, f"{spec.name}: fit gave {fitted!r}, not (epochs, exact)")
    epochs, exact = fitted
    _expect(
        isinstance(epochs, int) and 0 <= epochs <= _EPOCHS,
        f"{spec.name}: fit reports {epochs!r} epochs, asked for {_EPOCHS}",
    )
    _expect(0.0 <= exact <= 1.0, f"{spec.name}: fit reports {exact!r} of the boards reproduced exactly")
    reading = built.read(0)
    _expect(isinstance(reading, ExtractionResult), f"{spec.name}: read gave a {type(reading).__name__}")
    _expect(
        reading.table.ndim == 1 and reading.offsets,
        f"{spec.name}: read gave a table of shape {reading.table.shape} on offsets {reading.offsets}",
    )
    _expect(
        reading.rule is None or isinstance(reading.rule, RULE_TYPES),
        f"{spec.name}: read a {type(reading.rule).__name__}, which is no rule type of lifelab.rules.RULE_TYPES",
    )


def learner_checks(learner):
    """The checks of the learner contract for one registered learner (every registered network is one too).

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Yields:
        ``(check, args)``: call ``check(*args)``.
    """
    yield check_learner_protocol, (learner,)
    yield check_learner_fits_and_reads, (learner,)


def check_learner(learner) -> None:
    """Run every check of :func:`learner_checks`, stopping at the first that fails.

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming what is broken.
    """
    for check, args in learner_checks(learner):
        check(*args)
