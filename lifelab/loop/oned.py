"""The loop on 1-D rules (:func:`learn_1d`): rows from an oracle until the data determine the rule, or supplied
pairs weighed once, and the rule a table or a network reads from them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lifelab.engines import simulate
from lifelab.errors import InputError
from lifelab.evidence import OneDVerdict, decide_1d
from lifelab.learning import OneDNet, fit_1d, read_1d
from lifelab.rules import OneDRule, WolframRule, parse_rule
from lifelab.utils import check_int

__all__ = ["MODELS_1D", "OneDReport", "learn_1d"]

#: What reads the rule: the data's table (unknown windows dead), or a network projected onto the verdict's family.
MODELS_1D = ("table", "network")


@dataclass
class OneDReport:
    """What :func:`learn_1d` did and read.

    Attributes:
        verdict: What all the data determine (:class:`~lifelab.evidence.OneDVerdict`).
        rule: The rule read: the verdict's when it determines one; else the table learner's reading (the windows
            the data decide, the rest state 0) or the network's reading projected onto the verdict's family.
        rounds: Trajectories drawn from the oracle (1 for supplied data).
        model: ``"table"`` or ``"network"``.
        truth: The oracle rule, when the data came from one.
        network: The trained network, for ``model="network"``.
    """

    verdict: OneDVerdict
    rule: OneDRule
    rounds: int
    model: str
    truth: OneDRule | None = None
    network: OneDNet | None = field(default=None, repr=False)

    @property
    def recovered(self) -> bool:
        """The rule read is the oracle's."""
        return self.truth is not None and self.rule == self.truth

    def summary(self) -> str:
        """A few lines: the rule read, against the oracle's, the rounds, and the verdict's summary."""
        read = f"read          {self.rule} by the {self.model}"
        if self.truth is not None:
            read += " (the oracle's rule)" if self.recovered else f" (the oracle's is {self.truth})"
        return "\n".join([read, f"rounds        {self.rounds}", self.verdict.summary()])


def learn_1d(
    source,
    *,
    model: str = "table",
    states: int | None = None,
    radius: int | str = "auto",
    family: str = "auto",
    boundary: str = "ring",
    max_radius: int = 3,
    rows: int = 8,
    width: int = 64,
    steps: int = 16,
    max_rounds: int = 8,
    epochs: int = 300,
    seed: int = 0,
    device=None,
) -> OneDReport:
    """Learn a 1-D rule: from an oracle, one more trajectory a round until the data determine it; or from data.

    From an oracle each round draws ``rows`` seeded random rows of ``width`` cells (every state alike), runs the
    rule ``steps`` steps (on a ring, or with dead cells beyond the ends for ``boundary="dead"``) and weighs all
    trajectories so far with :func:`~lifelab.evidence.decide_1d`, stopping once the verdict determines a rule or
    is inconsistent.  Supplied data are weighed once.  ``model="network"`` then trains a
    :class:`~lifelab.learning.OneDNet` on every pair (reflection-symmetric where the data allow that symmetry) and
    projects its reading onto the verdict's family (:meth:`~lifelab.evidence.OneDVerdict.member`); the network
    reads each row as a ring under ``boundary="ring"``, else learns from the cells whose window lies inside it.

    Args:
        source: The oracle, a :class:`~lifelab.rules.OneDRule`, a :class:`~lifelab.rules.WolframRule` (its
            :attr:`~lifelab.rules.WolframRule.one_d` rule) or a rulestring of either; or data as
            :func:`~lifelab.evidence.row_pairs` reads them (a trajectory array, or ``(before, after)`` rows).
        model: One of :data:`MODELS_1D`.
        states: Cell states (default: the oracle's, or what the data show).
        radius: As :func:`~lifelab.evidence.decide_1d`'s.
        family: As :func:`~lifelab.evidence.decide_1d`'s.
        boundary: As :func:`~lifelab.evidence.decide_1d`'s (an oracle's rows under ``"open"`` run on a ring).
        max_radius: As :func:`~lifelab.evidence.decide_1d`'s.
        rows: Rows of an oracle's trajectory.
        width: Cells of each row.
        steps: Steps of each trajectory.
        max_rounds: Most trajectories drawn from an oracle.
        epochs: The network's training steps.
        seed: Seed of the rows and of the network's weights.
        device: Where the network trains (:func:`~lifelab.utils.get_device`'s argument).

    Returns:
        The :class:`OneDReport`.

    Raises:
        InputError: For an unknown model, a rule that is not 1-D, states other than the oracle's, or bad sizes.

    Examples:
        >>> from lifelab.loop import learn_1d
        >>> report = learn_1d("W110", seed=0)
        >>> report.verdict.label, str(report.rule), report.rounds, report.recovered
        ('identified', 'R1,C2,W110', 1, True)
    """
    if model not in MODELS_1D:
        raise InputError(f"model must be one of {list(MODELS_1D)}, got {model!r}")
    truth = _oracle(source)
    if truth is None:
        data = source
        verdict = decide_1d(data, states=states, radius=radius, family=family, boundary=boundary, max_radius=max_radius)
        rounds = 1
    else:
        if states is not None and states != truth.states:
            raise InputError(f"the oracle {truth} has {truth.states} states, not {states}")
        rows, width, steps = check_int("rows", rows, 1), check_int("width", width, 1), check_int("steps", steps, 1)
        max_rounds = check_int("max_rounds", max_rounds, 1)
        rng = np.random.default_rng(check_int("seed", seed, 0))
        trajectories = []
        for _ in range(max_rounds):
            start = rng.integers(0, truth.states, (rows, 1, width)).astype(np.uint8)
            trajectories.append(simulate(truth, start, steps, boundary="dead" if boundary == "dead" else "torus"))
            data = np.concatenate(trajectories)
            verdict = decide_1d(
                data, states=truth.states, radius=radius, family=family, boundary=boundary, max_radius=max_radius
            )
            if verdict.determined or verdict.rung == "inconsistent":
                break
        rounds = len(trajectories)
    if model == "table":
        rule = verdict.member(np.zeros(verdict.evidence.windows, np.int64))
        return OneDReport(verdict, rule, rounds, model, truth)
    symmetric = "symmetric" in verdict.allowed
    net = fit_1d(
        data,
        verdict.states,
        verdict.radius,
        epochs=epochs,
        seed=seed,
        device=device,
        symmetric=symmetric,
        boundary="ring" if verdict.boundary == "ring" else "open",
    )
    return OneDReport(verdict, verdict.member(read_1d(net)), rounds, model, truth, net)


def _oracle(source) -> OneDRule | None:
    """The 1-D rule a source names, or None for data."""
    if isinstance(source, (np.ndarray, list, tuple)):
        return None
    rule = parse_rule(source) if isinstance(source, str) else source
    if isinstance(rule, WolframRule):
        return rule.one_d
    if not isinstance(rule, OneDRule):
        raise InputError(f"learn_1d learns 1-D rules; {rule!r} is not one (use learn_rule)")
    return rule
