"""LifeGPT's protocol: one-step forecasts of Conway's Life on its 32x32 torus test boards.

LifeGPT (Berkovich and Buehler, arXiv 2409.12182; code and data in ``lamm-mit/LifeGPT``) is a decoder-only
transformer trained on pairs of 32x32 boards of Life on a torus, a board and its successor, the training boards'
densities spread from 0 to 1 ("broad entropy").  Its test set is 10 boards (densities 0, 0.25, 0.5, 0.75 and 1, a
glider, a cloverleaf, a hammerhead spaceship, blinkers and an r-pentomino) kept as strings of bits in a CSV
file (:func:`lifelab.io.read_bitstrings` reads it; lifelab ships the 10-frame file).  Its accuracy is, per test
board, ``1 - mismatched cells / 1024`` of the forecast next board, averaged over the 10 boards
(``Accuracy_Benchmarking.ipynb``, ``model_accuracy_results.csv`` in its repository).

lifelab's learners learn the rule from ``train_boards`` pairs of random boards of Life of the same kind (32x32
torus, density drawn from 0 to 1), then forecast each test board one step with the rule they read.  The
identifiability ceiling here: whether the training pairs determine the rule (without assuming a family), and
whether the test file's own frames do.
"""

from __future__ import annotations

import contextlib
from importlib import resources

import numpy as np

from lifelab.benchmarks.base import BenchmarkReport, Published, check_learners, reading_of
from lifelab.engines import simulate
from lifelab.errors import InputError
from lifelab.evidence import Evidence, decide
from lifelab.io import read_bitstrings
from lifelab.rules import Rule
from lifelab.utils import check_int

__all__ = ["LIFEGPT_LEARNERS", "LIFEGPT_METRICS", "LIFEGPT_TEST", "lifegpt"]

#: The learners the benchmark runs.
LIFEGPT_LEARNERS = ("table", "tied", "e2cnn")

#: LifeGPT's test file as lifelab ships it (10 boards, 10 frames each).
LIFEGPT_TEST = resources.files("lifelab.benchmarks") / "data" / "lifegpt_test_states_32by32.csv"

#: The metrics, defined.
LIFEGPT_METRICS = {
    "forecast accuracy": "LifeGPT's: per test board, 1 - mismatched cells / 1024 of the next board forecast from "
    "the first frame, averaged over the test boards",
    "perfect forecasts": "the share of test boards whose whole next board is forecast right",
    "every step": "the forecast accuracy over every consecutive pair of frames of the file, not only the first",
    "determined": "the training pairs determine the rule among all 2-state 3x3 rules (no family assumed)",
    "test file determines": "the test file's own frames determine the rule among all 2-state 3x3 rules",
}

#: LifeGPT's figures, from its repository's results file (one-step forecasts of the 10 test boards).
LIFEGPT_PUBLISHED = (
    Published(
        "LifeGPT",
        "forecast accuracy",
        1.0,
        "lamm-mit/LifeGPT, model_accuracy_results.csv: epoch 50, temperature 0 (0.9694 after 2 epochs)",
        "trained on 10,000 broad-density pairs",
    ),
)


def _pairs(count: int, seed: int) -> np.ndarray:
    """``count`` random 32x32 torus boards of Life, densities drawn from 0 to 1, each with its successor."""
    rng = np.random.default_rng([seed, 2409_12182])
    density = rng.random((count, 1, 1))
    return simulate("B3/S23", rng.random((count, 32, 32)) < density, 1)


def _read(learner: str, pairs: np.ndarray, seed: int, device) -> tuple[Rule, bool]:
    """The rule a learner reads from the training pairs, and whether the verdict determines it."""
    if learner == "table":
        verdict = decide(Evidence.of(pairs, boundary="torus"), "table")
        return Rule.from_table(verdict.table), verdict.determined
    from lifelab.loop import learn_rule

    report = learn_rule(
        pairs, learner, family="table", boundary="torus", neighbourhood="3x3", seed=seed, device=device, progress=False
    )
    return reading_of(report), report.verdict.determined


def lifegpt(
    path=None,
    learners=("table",),
    *,
    train_boards: int = 16,
    side: int | None = None,
    seed: int = 0,
    device=None,
) -> BenchmarkReport:
    """LifeGPT's one-step forecasts of Life, by lifelab's learners, beside LifeGPT's published accuracy.

    Args:
        path: A CSV of bit-string frames in LifeGPT's format (default :data:`LIFEGPT_TEST`, its test file).
        learners: Any of :data:`LIFEGPT_LEARNERS`.
        train_boards: Training pairs of random boards of Life the learners read the rule from.
        side: The board's side in the CSV (default: from the frame's length).
        seed: The training pairs' seed (and the networks').
        device: Where the networks train (default :func:`lifelab.get_device`).

    Returns:
        The :class:`~lifelab.benchmarks.base.BenchmarkReport`, a row per learner.

    Raises:
        InputError: For an unknown learner or a file that is not LifeGPT's format.

    Examples:
        >>> from lifelab.benchmarks import lifegpt
        >>> row = lifegpt(train_boards=16).row("table")
        >>> row["determined"], row["forecast accuracy"], row["test file determines"]
        (1.0, 1.0, 1.0)
    """
    train_boards = check_int("train_boards", train_boards, 1)
    learners = check_learners(learners, LIFEGPT_LEARNERS)
    with resources.as_file(LIFEGPT_TEST) if path is None else contextlib.nullcontext(path) as file:
        test, reading = read_bitstrings(file, side)
    if test.shape[1] < 2:
        raise InputError(f"{path}: the test boards need a next frame to forecast; each row has one frame")
    test_verdict = decide(Evidence.of(test, boundary="torus"), "table")
    train = _pairs(train_boards, seed)
    report = BenchmarkReport(
        "lifegpt",
        "LifeGPT's protocol: one-step forecasts of Life on its 32x32 torus test boards",
        dict(LIFEGPT_METRICS),
        published=list(LIFEGPT_PUBLISHED),
        assumptions=[
            f"the test file read as {reading}",
            "boards on a torus (LifeGPT's); the learners assume the 3x3 neighbourhood and no family",
            f"lifelab's training data: {train_boards} pairs of random 32x32 boards of Life, densities drawn "
            "from 0 to 1 (LifeGPT's broad-entropy kind)",
        ],
    )
    first, second = test[:, 0], test[:, 1]
    for learner in learners:
        rule, determined = _read(learner, train, seed, device)
        forecast = simulate(rule, first, 1)[:, 1]
        right = forecast == second
        every = simulate(rule, test[:, :-1].reshape(-1, *test.shape[2:]), 1)[:, 1]
        report.rows.append(
            {
                "learner": learner,
                "condition": f"{train_boards} training pairs",
                "episodes": len(test),
                "forecast accuracy": float(right.mean(axis=(1, 2)).mean()),
                "perfect forecasts": float(right.all(axis=(1, 2)).mean()),
                "every step": float((every == test[:, 1:].reshape(every.shape)).mean()),
                "determined": float(determined),
                "test file determines": float(test_verdict.determined),
            }
        )
    return report
