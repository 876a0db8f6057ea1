"""Reading the rule back out of a trained network.

The network is a black box from one-hot boards to next-state logits.  To
turn it into an explicit :class:`~lifelab.rules.lifelike.Rule`:

1. :func:`~lifelab.learning.probes.sensitivity` finds which cells around a
   cell can change the network's decision for it (flip one cell of many
   random boards, see which outputs change class).  Only those cells are
   enumerated, so a model with 5x5 kernels or a 9x9 receptive field costs
   no more than the rule it computes, and a model that really looks further
   than 3x3 is reported as non-local instead of being silently truncated.
2. Every pattern of the support cells is enumerated, in the order of
   :func:`~lifelab.learning.probes.indicator_patterns`; a model that is
   equivariant under p4 or p4m is evaluated on one pattern per orbit (102
   of the 512 3x3 patterns for p4m) and the answer copied to the rest of
   the orbit.
3. Each pattern is evaluated in several surroundings (all dead and random);
   the prediction must not depend on them.  The per-pattern confidence is
   the smallest probability the network gives its chosen next state.
4. The table becomes a ``Rule``, printed in its simplest exact notation.
   Where it is not totalistic, :func:`nearest_totalistic` says which
   entries stand in the way.

A 2-state network that counts cells beyond 3x3 is read by the structure test
of :mod:`lifelab.learning.counting` instead, and a many-state one is checked
against the rule with Golly's dying states on boards of every state.
:func:`table_reading` reads a stacked network from its answers on the 512 patterns.

:func:`lifelab.evidence.generator_check` closes the loop: simulate the extracted rule
from the data's initial boards and compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lifelab.errors import InputError, InputTypeError
from lifelab.geometry import (
    CENTRE,
    N_PATTERNS,
    NEIGHBOURHOODS,
    WINDOW,
    Neighbourhood,
    bits,
    counts,
    equivariance_error,
    group_elements,
    transform,
)
from lifelab.learning.counting import ClassCheck, _candidates, _counted, _counts_rule, class_test
from lifelab.learning.models import predict, receptive_radius
from lifelab.learning.probes import MAX_CELLS, Sensitivity, _alive_probability, sensitivity
from lifelab.rules import GenerationsRule, HROTRule, LtLRule, Rule
from lifelab.utils import check_int, check_number, model_states

__all__ = ["ExtractionResult", "extract_rule", "nearest_totalistic", "table_reading"]


def nearest_totalistic(table, confidence=None) -> tuple[Rule, list[int]]:
    """The outer-totalistic rule (Moore or von Neumann) closest to a 512-entry table.

    Each (centre state, neighbour count) class takes the majority of its
    entries, weighted by confidence when given.

    Args:
        table: ``(512,)`` bool truth table.
        confidence: Optional ``(512,)`` weights of the entries.

    Returns:
        ``(rule, disagreements)``: the nearest rule and the MAP indices of the
        entries where the table differs from it (fewest disagreements wins;
        ties go to the smaller disagreeing confidence, then to Moore).
    """
    table = np.asarray(table, dtype=bool)
    if table.shape != (N_PATTERNS,):
        raise InputError(f"a rule table has {N_PATTERNS} entries, got shape {table.shape}")
    weight = np.ones(N_PATTERNS) if confidence is None else np.asarray(confidence, dtype=float)
    best: tuple[tuple[int, float], Rule, list[int]] | None = None
    for name in ("moore", "vonneumann"):
        live = counts(name)
        birth: list[int] = []
        survival: list[int] = []
        for state, chosen in ((False, birth), (True, survival)):
            for k in range(int(NEIGHBOURHOODS[name].sum()) + 1):
                members = (CENTRE == state) & (live == k)
                if members.any() and weight[members & table].sum() > weight[members & ~table].sum():
                    chosen.append(k)
        rule = Rule.from_bs(birth, survival, neighbourhood=name)
        wrong = np.flatnonzero(rule.table != table)
        key = (len(wrong), float(weight[wrong].sum()))
        if best is None or key < best[0]:
            best = (key, rule, [int(i) for i in wrong])
    assert best is not None  # both neighbourhoods were tried
    return best[1], best[2]


@dataclass
class ExtractionResult:
    """What :func:`extract_rule` read out of a model.

    Attributes:
        rule: The extracted rule; None when none could be read (a model that is neither 3x3 nor counting; see
            ``reason``).
        offsets: The cells enumerated (decisive offsets, plus the centre), reading order.
        table: Next state for every pattern of ``offsets`` (for a local model,
            the 512-entry MAP-order table of ``rule``).
        confidence: Per pattern, the smallest probability given to the chosen next state.
        low_confidence: Pattern indices with confidence below the threshold.
        context_dependent: Pattern indices whose prediction changed with the surroundings.
        group: The symmetry used to evaluate one pattern per orbit.
        patterns_evaluated: Distinct patterns fed to the model.
        evaluations: Patterns times surroundings.
        sensitivity: The probe that chose ``offsets`` (None for a table read from data, not a network).
        nearest: For a non-totalistic table, the nearest Moore or von Neumann totalistic rule; for a
            network beyond 3x3 that is not totalistic, the Larger than Life rule of the class majorities.
        disagreements: MAP indices where ``table`` differs from ``nearest`` (beyond 3x3: the classes that split).
        states: Cell states the model reads and predicts.
        structure: For a multi-state model, the fraction of cells of random
            boards (every state) on which it is the Generations rule of its
            table; ``rule`` is that Generations rule only when the fraction is 1.
        classes: For a network that looks beyond 3x3, the structure test per
            (centre, live count) class (``table`` and ``confidence`` are then per class).
        reason: Why no rule was read, in words ("" when one was).
    """

    rule: Rule | GenerationsRule | LtLRule | HROTRule | None
    offsets: list[tuple[int, int]]
    table: np.ndarray
    confidence: np.ndarray
    low_confidence: list[int]
    context_dependent: list[int]
    group: str
    patterns_evaluated: int
    evaluations: int
    sensitivity: Sensitivity | None
    nearest: Rule | LtLRule | HROTRule | None = None
    disagreements: list[int] = field(default_factory=list)
    states: int = 2
    structure: float | None = None
    classes: ClassCheck | None = None
    reason: str = ""

    @property
    def enumeration_patterns(self) -> int:
        """Patterns a full table over the cells that influence the decision would have: ``2 ** cells``."""
        cells = len(self.offsets) if self.classes is None else self.classes.neighbourhood.size + 1
        return 2**cells

    @property
    def local(self) -> bool:
        """True when the model's decisions depend on the 3x3 neighbourhood only."""
        return self.sensitivity is None or self.sensitivity.local

    def summary(self) -> str:
        """A few lines for a person: the rule, or why there is none, and how sure it is."""
        lines = []
        if self.classes is not None:
            nb = self.classes.neighbourhood
            tried = "".join(f"; not totalistic on {t.title}" for t in self.classes.tried)
            assert self.sensitivity is not None  # the structure test follows a network's probe
            offsets = self.sensitivity.offsets
            lines.append(
                f"support: {len(offsets)} decisive cells within range "
                f"{max(max(abs(dy), abs(dx)) for dy, dx in offsets)}{tried}"
            )
            lines.append(f"extracted rule: {self.rule}" if self.rule is not None else self.reason)
            if self.nearest is not None:
                lines.append(
                    f"majority of each class: {self.nearest} (no rule: {len(self.disagreements)} "
                    f"{'class splits' if len(self.disagreements) == 1 else 'classes split'})"
                )
            lines.append(
                f"{self.patterns_evaluated} patterns evaluated ({self.classes.samples} per (centre, live "
                f"count) class on {nb.title}) instead of 2^{nb.size + 1} = {self.enumeration_patterns:.3g}"
            )
            lines.append(
                f"lowest confidence {self.confidence.min():.3f}; {len(self.low_confidence)} classes below "
                f"threshold; {len(self.context_dependent)} classes not constant"
            )
            return "\n".join(lines)
        if self.rule is None and self.structure is not None:
            lines.append(
                f"not a {self.states}-state Generations rule: on random boards of every state the network "
                f"agrees with the Generations rule of its table on {self.structure:.2%} of the cells"
            )
        elif self.rule is None:
            assert self.sensitivity is not None  # only a network's reading finds no rule
            far = [o for o in self.sensitivity.offsets if max(abs(o[0]), abs(o[1])) > 1]
            shown = f"{far[:8]}{' ...' if len(far) > 8 else ''} ({len(far)} cells)"
            lines.append(f"not a 3x3 rule: decisions depend on cells outside the 3x3 neighbourhood, at offsets {shown}")
        else:
            lines.append(f"extracted rule: {self.rule}")
            if self.nearest is not None:
                lines.append(
                    f"not totalistic; nearest totalistic rule {self.nearest} differs in "
                    f"{len(self.disagreements)} {'entry' if len(self.disagreements) == 1 else 'entries'}: "
                    f"MAP indices {self.disagreements[:12]}"
                    f"{' ...' if len(self.disagreements) > 12 else ''}"
                )
        lines.append(
            f"{self.patterns_evaluated} patterns evaluated ({self.evaluations} with surroundings; "
            f"symmetry {self.group}); cells enumerated: {len(self.offsets)}"
        )
        lines.append(
            f"lowest confidence {self.confidence.min():.3f}; {len(self.low_confidence)} patterns below "
            f"threshold; {len(self.context_dependent)} depend on the surroundings"
        )
        return "\n".join(lines)


def table_reading(alive: np.ndarray, group: str, threshold: float) -> ExtractionResult:
    """The reading of a 2-state 3x3 network from its answers on the 512 patterns (a stacked network's).

    Args:
        alive: ``(512,)`` probability of "alive" per pattern, in MAP order.
        group: The symmetry group the network was built with.
        threshold: Confidence below which a pattern counts as low.
    """
    table = alive > 0.5
    confidence = np.where(table, alive, 1 - alive)
    return ExtractionResult(
        rule=Rule.from_table(table),
        offsets=list(WINDOW),
        table=table,
        confidence=confidence,
        low_confidence=[int(i) for i in np.flatnonzero(confidence < threshold)],
        context_dependent=[],
        group=group,
        patterns_evaluated=N_PATTERNS,
        evaluations=N_PATTERNS,
        sensitivity=None,
    )


def _model_group(model, check_boards: np.ndarray) -> str:
    declared = getattr(model, "symmetry", "trivial")
    if declared in ("p4", "p4m") and equivariance_error(model, check_boards, declared) < 1e-4:
        return declared
    return "trivial"


def _orbit_map(offsets: list[tuple[int, int]], group: str) -> np.ndarray:
    """For each pattern index over ``offsets``, the smallest index in its orbit under ``group``.

    Raises:
        ValueError: If the cells are not closed under the group.
    """
    k = len(offsets)
    cells = bits(k)
    weights = 1 << np.arange(k - 1, -1, -1, dtype=np.int64)
    r = max(max(abs(dy), abs(dx)) for dy, dx in offsets)
    grid = np.full((2 * r + 1, 2 * r + 1), -1)
    for j, (dy, dx) in enumerate(offsets):
        grid[dy + r, dx + r] = j
    canonical = np.arange(2**k)
    for g in group_elements(group)[1:]:
        moved = transform(grid, g)  # moved[p] is the cell that g carries to position p
        source = np.array([moved[dy + r, dx + r] for dy, dx in offsets])
        if (source < 0).any():
            raise InputError("the enumerated cells are not closed under the symmetry group")
        canonical = np.minimum(canonical, (cells[:, source] * weights).sum(axis=1))
    return canonical


def _enumerate(model, offsets, group, contexts, reach, rng):
    """Evaluate every pattern of ``offsets`` (one per orbit) in ``contexts`` surroundings.

    Returns:
        ``(table, confidence, varies, evaluated)`` over all ``2 ** len(offsets)`` patterns.
    """
    canonical = np.arange(2 ** len(offsets))
    if group != "trivial":
        try:
            canonical = _orbit_map(offsets, group)
        except ValueError:
            group = "trivial"
    representatives = np.unique(canonical)
    size = 2 * reach + 1
    chosen_cells = bits(len(offsets))[representatives]
    n = len(representatives)
    boards = np.zeros((contexts, n, size, size), dtype=bool)
    for c in range(1, contexts):
        boards[c] = rng.random((n, size, size)) < 0.5
    for j, (dy, dx) in enumerate(offsets):
        boards[:, :, reach + dy, reach + dx] = chosen_cells[:, j]
    p_alive = _alive_probability(model, boards.reshape(-1, size, size))[:, reach, reach].reshape(contexts, n)
    chosen = p_alive.mean(axis=0) > 0.5
    varies = ((p_alive > 0.5) != chosen).any(axis=0)
    confidence = np.where(chosen, p_alive.min(axis=0), 1 - p_alive.max(axis=0))
    index_of = np.searchsorted(representatives, canonical)
    return chosen[index_of], confidence[index_of], varies[index_of], n, group


def _to_window(values: np.ndarray, offsets: list[tuple[int, int]]) -> np.ndarray:
    """Spread values over the patterns of ``offsets`` to the 512 MAP patterns of the 3x3 window."""
    full = bits(len(WINDOW))
    columns = [WINDOW.index(o) for o in offsets]
    weights = 1 << np.arange(len(offsets) - 1, -1, -1, dtype=np.int64)
    return values[(full[:, columns] * weights).sum(axis=1)]


def extract_rule(
    model,
    contexts: int = 4,
    threshold: float = 0.9,
    radius: int = 4,
    n_probe: int = 256,
    use_symmetry: bool = True,
    seed: int = 0,
    samples: int = 16,
    counting: Neighbourhood | None = None,
) -> ExtractionResult:
    """Read the rule a trained model computes.

    Only the cells that can change the decision (plus the cell itself) are
    enumerated: 2^5 patterns for a von Neumann rule, 2^9 for a Moore rule,
    fewer with symmetry.  The other cells are randomised in the
    surroundings, so a cell the probe missed shows up as a
    context-dependent pattern, and the whole 3x3 window is enumerated then.

    A 2-state model whose decisive cells beyond 3x3 are too many to
    enumerate, or fill at least half of a neighbourhood (a network that
    counts cells: a range-2 box has 2^25 patterns), is not enumerated: its
    structure is tested instead.  The decisive
    cells' range ``r`` gives the candidate neighbourhoods (Golly's diamond,
    disc and box of range ``r`` that hold them all, smallest first); on each,
    ``samples`` random patterns per (centre, live count) class must all get
    the same decision.  The first neighbourhood on which they do gives a
    Larger than Life rule (when the born and surviving counts are intervals);
    otherwise the result has no rule and says which classes disagree.  A
    few scattered far cells are enumerated with the 3x3 window and reported
    as a dependence beyond it.

    Args:
        model: A model of the zoo (anything translation equivariant mapping one-hot boards to logits).
        contexts: Surroundings each pattern is evaluated in (the first all
            dead, the others random at density 0.5).
        threshold: Confidence below which a pattern is listed as low-confidence.
        radius: Probe radius of :func:`~lifelab.learning.probes.sensitivity` (raised to the model's
            :func:`~lifelab.learning.models.receptive_radius` when that is larger).
        n_probe: Probe boards of :func:`~lifelab.learning.probes.sensitivity`.
        use_symmetry: Evaluate one pattern per orbit of the model's symmetry
            group (verified numerically; a model that is not equivariant is
            enumerated in full).
        seed: Seed of the probe boards and the random surroundings.
        samples: Random patterns per class in the structure test of a model that looks beyond 3x3.
        counting: A neighbourhood the structure test cannot find by itself (Golly 4's hexagonal ``NH``,
            custom ``N@`` or weighted ``NW``, :data:`~lifelab.geometry.NAMED_SHAPES`): a 2-state
            model is tested on its classes alone (what the loop passes when the evidence counts one).

    Returns:
        An :class:`ExtractionResult`.
    """
    contexts, samples = check_int("contexts", contexts, 1), check_int("samples", samples, 1)
    threshold = check_number("threshold", threshold, 0.5, 1.0)
    radius = max(check_int("radius", radius, 1), receptive_radius(model))
    probe = sensitivity(model, radius=radius, n_boards=n_probe, seed=seed)
    states = model_states(model)
    if counting is not None:
        if not isinstance(counting, Neighbourhood):
            raise InputTypeError(f"counting must be a Neighbourhood, got {type(counting).__name__}")
        return _read_counts(model, probe, samples, threshold, use_symmetry, np.random.default_rng(seed), [counting])
    if not probe.local and _counted(probe.offsets):
        return _read_counts(model, probe, samples, threshold, use_symmetry, np.random.default_rng(seed))
    offsets = sorted(set(probe.offsets) | {(0, 0)})
    if len(offsets) > MAX_CELLS:  # too many to enumerate: show the 3x3 window's view in random surroundings
        offsets = list(WINDOW)
    rng = np.random.default_rng(seed)
    group = _model_group(model, rng.random((4, 12, 12)) < 0.5) if use_symmetry else "trivial"
    reach = max(radius, max(max(abs(dy), abs(dx)) for dy, dx in offsets))
    table, confidence, varies, evaluated, group = _enumerate(model, offsets, group, contexts, reach, rng)
    if probe.local and varies.any() and len(offsets) < 9:  # a decisive cell the probe missed: take the window
        offsets = list(WINDOW)
        table, confidence, varies, more, group = _enumerate(model, offsets, group, contexts, reach, rng)
        evaluated += more
    rule: Rule | GenerationsRule | None = None
    nearest: Rule | None = None
    disagreements: list[int] = []
    structure: float | None = None
    if probe.local:
        table, confidence, varies = (_to_window(v, offsets) for v in (table, confidence, varies))
        rule = Rule.from_table(table)
        if not rule.is_totalistic:
            nearest, disagreements = nearest_totalistic(table, confidence)
        if states > 2:
            rule, structure = _generations_structure(model, rule, states, rng)
    return ExtractionResult(
        rule=rule,
        offsets=offsets,
        table=table,
        confidence=confidence,
        low_confidence=[int(i) for i in np.flatnonzero(confidence < threshold)],
        context_dependent=[int(i) for i in np.flatnonzero(varies)],
        group=group,
        patterns_evaluated=int(evaluated),
        evaluations=int(evaluated * contexts),
        sensitivity=probe,
        nearest=nearest,
        disagreements=disagreements,
        states=states,
        structure=structure,
    )


def _read_counts(
    model,
    probe: Sensitivity,
    samples: int,
    threshold: float,
    use_symmetry: bool,
    rng: np.random.Generator,
    candidates: list[Neighbourhood] | None = None,
) -> ExtractionResult:
    """The structure test of a model beyond 3x3 (see :func:`extract_rule`), on the candidates (default: Golly's
    shapes that hold the decisive cells).  The classes are tested on boards of dead and live cells; a model of
    more states must then be the rule with Golly's dying states on boards of every state."""
    group = _model_group(model, rng.random((4, 12, 12)) < 0.5) if use_symmetry else "trivial"
    checks = []
    for nb in candidates or _candidates(probe.offsets):
        checks.append(class_test(model, nb, samples, reach=max(probe.radius, nb.range), seed=rng))
        if checks[-1].totalistic:
            break
    check = checks[-1]
    check.tried = [c.neighbourhood for c in checks[:-1]]
    states = model_states(model)
    rule, reason, nearest = _counts_rule(check, states)
    structure = None
    if states > 2 and rule is not None:
        size = max(16, 4 * check.neighbourhood.range + 4)
        rule, structure = _agreement(model, rule, states, rng, size=size)
        if rule is None:
            reason = (
                f"totalistic on {check.neighbourhood.title} on dead and live cells, but not a {states}-state "
                f"rule with dying states: on random boards of every state it agrees on {structure:.2%} of the "
                "cells"
            )
    confidence = check.confidence.ravel()
    evaluated = sum(c.alive.size * c.samples for c in checks)
    return ExtractionResult(
        rule=rule,
        offsets=sorted({(0, 0), *check.neighbourhood.offsets}),
        table=(check.alive > 0.5).ravel(),
        confidence=confidence,
        low_confidence=[int(i) for i in np.flatnonzero(confidence < threshold)],
        context_dependent=[int(i) for i in np.flatnonzero(~check.constant.ravel())],
        group=group,
        patterns_evaluated=evaluated,
        evaluations=evaluated,
        sensitivity=probe,
        classes=check,
        reason=reason,
        nearest=nearest,
        states=states,
        structure=structure,
        disagreements=[] if nearest is None else [int(i) for i in np.flatnonzero(~check.constant)],
    )


def _generations_structure(
    model, rule: Rule, states: int, rng: np.random.Generator, boards: int = 32, size: int = 16
) -> tuple[GenerationsRule | None, float]:
    """Test that a multi-state network is the Generations rule of its birth/survival table.

    The table was read on boards of dead and live cells only; a Generations
    rule also says that dying cells neither count nor can be born, and that
    they count down.  The network is run on random boards holding every
    state and compared with the Generations rule cell by cell.

    Returns:
        ``(rule, agreement)``: the :class:`~lifelab.rules.GenerationsRule` when
        the network agrees on every cell (else None), and the fraction of cells it agrees on.
    """
    return _agreement(model, GenerationsRule(rule, states), states, rng, boards, size)


def _agreement(model, candidate, states: int, rng: np.random.Generator, boards: int = 32, size: int = 16):
    """``(candidate or None, agreement)``: a multi-state model against a rule with dying states on random boards
    of every state, cell by cell (the candidate when it agrees on every cell)."""
    probe = np.where(rng.random((boards, size, size)) < 0.6, rng.integers(1, states, (boards, size, size)), 0)
    probe = probe.astype(np.uint8)
    agreement = float((predict(model, probe) == candidate.step(probe)).mean())
    return (candidate if agreement == 1.0 else None), agreement
