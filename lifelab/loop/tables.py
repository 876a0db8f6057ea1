"""The loop on a many-state rule table oracle (:func:`learn_table`): count configurations until the table is known."""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.evidence import TableEvidence, TableVerdict, decide_table
from lifelab.evidence.tables import TABLE_NEIGHBOURHOODS, configuration_classes
from lifelab.loop.report import TableLoopReport
from lifelab.loop.settings import DEFAULT_SIZE, LOOP, LoopSettings
from lifelab.rules import DENSE_LIMIT, TableRule, parse_rule

__all__ = ["learn_table"]

#: The settings the table loop reads; it refuses any other changed from its default (a new setting too).
_TABLE_SETTINGS = ("shape", "steps", "density", "max_rounds", "seed", "mode")


def learn_table(
    source, settings: LoopSettings | None = None, *, unlisted: str | None = None, symmetries: str = "auto", **changes
) -> TableLoopReport:
    """The loop on a rule table oracle: one more trajectory a round until the observations determine the table.

    The first round draws a seeded random board whose cells are non-zero
    with probability ``density`` (each non-zero state alike) and runs the
    oracle on a torus; every round weighs all trajectories so far with
    :func:`~lifelab.evidence.decide_table`.  Later rounds draw
    another random board (``mode="random"``) or ask (``mode="query"``): a
    board of 4x4 slots, each holding one configuration of the chosen
    neighbourhood the data have not shown (a class of the stated symmetry,
    else a single configuration: an assumed symmetry is never what picks the
    questions), stepped once.  A table of few configurations is identified
    once every class has been observed; random boards leave most of
    Langton's 8,352 classes unseen, queries reach them.

    Args:
        source: A :class:`~lifelab.rules.TableRule` or what :func:`~lifelab.rules.parse_rule` reads as one.
        settings: The loop's :class:`~lifelab.loop.LoopSettings` (default :data:`~lifelab.loop.LOOP`); the table
            loop reads ``shape``, ``steps`` (of a random trajectory; a query board is stepped once), ``density``,
            ``max_rounds``, ``seed`` and ``mode``, and refuses the others changed from their defaults.
        unlisted: As :func:`~lifelab.evidence.decide_table`'s.
        symmetries: As :func:`~lifelab.evidence.decide_table`'s.
        **changes: Settings to change, by name: ``settings.but(**changes)``.

    Raises:
        InputError: For a rule that is not a table, or bad settings.
    """
    settings = (LOOP if settings is None else settings).but(**changes)
    ignored = [
        entry.name
        for entry in fields(settings)
        if entry.name not in _TABLE_SETTINGS and getattr(settings, entry.name) != getattr(LOOP, entry.name)
    ]
    if ignored:
        raise InputError(
            f"the table loop counts configurations and trains no network: {', '.join(ignored)} "
            f"{'is' if len(ignored) == 1 else 'are'} not its settings"
        )
    shape, steps, density, max_rounds, seed, mode = (
        settings.shape,
        settings.steps,
        settings.density,
        settings.max_rounds,
        settings.seed,
        settings.mode,
    )
    rule = parse_rule(source)
    if not isinstance(rule, TableRule):
        raise InputError(f"learn_table learns rule tables; {rule} is not one (use learn_rule)")
    if mode == "query" and rule.configurations > DENSE_LIMIT:
        raise InputError(
            f"{rule.name}: query boards list every unseen configuration, and {rule.configurations:,} "
            f"are more than lifelab tabulates ({DENSE_LIMIT:,}); use mode='random'"
        )
    if shape is None:
        shape = rule.grid.shape if rule.grid is not None else (DEFAULT_SIZE, DEFAULT_SIZE)
    rng = np.random.default_rng(seed)
    pooled: dict[str, TableEvidence] = {}  # each round counts its own trajectory only
    observed = []
    verdict = None
    for number in range(1, max_rounds + 1):
        if verdict is None or mode == "random":
            alive = random_boards(1, shape, density=density, seed=rng)
            board = np.where(alive, rng.integers(1, rule.states, alive.shape), 0).astype(np.uint8)
            trajectory = simulate(rule, board, steps)
        else:
            trajectory = simulate(rule, _table_query(verdict, symmetries, shape, rng), 1)
        for hood in TABLE_NEIGHBOURHOODS:
            counted = TableEvidence.of(trajectory, hood, rule.states)
            pooled[hood] = pooled[hood] + counted if hood in pooled else counted
        verdict = decide_table(
            pooled, rule.states, symmetries=symmetries, unlisted=unlisted, name=f"{rule.name}-learned"
        )
        observed.append(verdict.observed_classes)
        if verdict.determined or verdict.family is None:
            return TableLoopReport(
                rule, verdict, observed, number, "determined" if verdict.determined else "inconsistent"
            )
    assert verdict is not None  # max_rounds is at least 1
    return TableLoopReport(rule, verdict, observed, max_rounds, "max_rounds")


def _table_query(verdict: TableVerdict, symmetries: str, shape: tuple[int, int], rng: np.random.Generator):
    """A board of 4x4 slots, each centred on one configuration the data have not shown, the rest dead."""
    ev = verdict.evidence
    probe = TableRule("probe", ev.states, ev.neighbourhood)
    every = np.arange(probe.configurations)
    if symmetries == "auto":
        unseen = np.setdiff1d(every, ev.codes)
    else:  # one configuration of each class of the stated symmetry not observed yet
        classes = configuration_classes(every, ev.states, ev.neighbourhood, symmetries)
        seen = np.unique(configuration_classes(ev.codes, ev.states, ev.neighbourhood, symmetries))
        unseen = every[~np.isin(classes, seen) & (every == classes)]
    rows, cols = shape[0] // 4, shape[1] // 4
    asked = probe.windows(probe.decode(rng.permutation(unseen)[: rows * cols]))
    board = np.zeros((1, *shape), np.uint8)
    for slot, window in enumerate(asked):
        y, x = 4 * (slot // cols), 4 * (slot % cols)
        board[0, y : y + 3, x : x + 3] = window
    return board
