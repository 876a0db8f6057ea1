"""What trajectories of a many-state rule determine: the next state of every neighbourhood configuration they show.

A rule table (:class:`lifelab.rules.tables.TableRule`) gives a next state to
each of ``states ** inputs`` configurations of Golly's neighbourhoods:
32,768 von Neumann ones for Langton's loops (8 states), 262,144 Moore ones
for WireWorld (4 states).  A trajectory shows only the configurations its
cells pass through, so the evidence is kept per *observed* configuration:

- :class:`TableEvidence` counts, for each configuration the data show, how
  often each next state follows it;
- a **symmetry** of Golly's (``rotate4``, ``rotate8``, ``permute``, ...)
  groups configurations into classes that share their next state; the data
  allow it when no class goes two ways;
- :func:`decide_table` chooses the smallest neighbourhood the data allow and
  the weakest symmetry under which every class was observed (the largest
  they allow where none is complete), states both as assumptions, and gives
  the verdict:
  *identified* when every Moore configuration was observed; *identified
  within* the tables of that neighbourhood and symmetry when every class
  was; else *underdetermined*, the rule identified on the observed
  configurations and the others unobserved, or, when the user states
  Golly's default that unlisted transitions leave the cell unchanged,
  *identified within* the tables that leave every unobserved class
  unchanged; *inconsistent* when no table on the Moore neighbourhood
  reproduces the data.

The structure test asks whether the next state is a function of the cell
and the counts of each state among its neighbours (``permute``: WireWorld
is one) and then writes what was seen in a compact form.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lifelab.errors import InputError
from lifelab.evidence.base import Observations, pool_codes, tally_codes
from lifelab.evidence.boundary import check_boundary, keyed
from lifelab.evidence.ladder import OnLadder
from lifelab.io.boards import validate_trajectories
from lifelab.rules import DENSE_LIMIT, GOLLY_NEIGHBOURHOODS, SYMMETRIES, TableRule, compact_table

__all__ = [
    "TABLE_NEIGHBOURHOODS",
    "UNLISTED",
    "TableEvidence",
    "TableFamily",
    "TableVerdict",
    "configuration_classes",
    "decide_table",
]

#: The neighbourhoods a table is learned on, smallest first (the ones Golly's square grid reads).
TABLE_NEIGHBOURHOODS = ("vonNeumann", "hexagonal", "Moore")

#: What the user may state about configurations the data never show: nothing, or Golly's default.
UNLISTED = (None, "unchanged")


def configuration_classes(codes: np.ndarray, states: int, neighbourhood: str, symmetries: str) -> np.ndarray:
    """Each configuration number's class under one of Golly's symmetries: the smallest number among its images.

    Args:
        codes: ``(m,)`` configuration numbers (:meth:`~lifelab.rules.tables.TableRule.codes`' numbering).
        states: Cell states.
        neighbourhood: A key of :data:`~lifelab.rules.tables.GOLLY_NEIGHBOURHOODS`.
        symmetries: One of Golly's symmetries of that neighbourhood.
    """
    k = len(GOLLY_NEIGHBOURHOODS[neighbourhood])
    weights = states ** np.arange(k, dtype=np.int64)
    rest, configs = codes.copy(), np.empty((len(codes), k), np.int64)
    for i in range(k):
        rest, configs[:, i] = np.divmod(rest, states)
    remaps = SYMMETRIES[neighbourhood][symmetries]
    if remaps is None:
        configs[:, 1:] = np.sort(configs[:, 1:], axis=1)
        return configs @ weights
    return np.min([configs[:, list(remap)] @ weights for remap in remaps], axis=0)


def _by_class(classes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts per configuration summed per class: ``(unique classes, (c, states) counts)``."""
    unique, inverse = np.unique(classes, return_inverse=True)
    summed = np.zeros((len(unique), counts.shape[1]), np.int64)
    np.add.at(summed, inverse.reshape(-1), counts)
    return unique, summed


@dataclass
class TableEvidence(Observations):
    """The observations of a many-state trajectory, per neighbourhood configuration it shows.

    Attributes:
        states: Cell states (0 .. states - 1).
        neighbourhood: A key of :data:`lifelab.rules.tables.GOLLY_NEIGHBOURHOODS`.
        boundary: What lay beyond the frame (``"torus"``, ``"dead"`` or ``"open"``).
        codes: ``(m,)`` sorted configuration numbers observed (:meth:`TableRule.codes`' numbering).
        counts: ``(m, states)`` how often each next state followed each.
        boundary_note: Empty: the boundary is stated (:func:`decide_table` reads the edge itself, and says what
            it showed in its verdict's ``boundary_note``).
    """

    states: int
    neighbourhood: str
    boundary: str
    codes: np.ndarray
    counts: np.ndarray
    boundary_note: str = ""

    _alike = {
        what: f"cannot pool table evidence of {what} {{0!r}} and {{1!r}}"
        for what in ("states", "neighbourhood", "boundary")
    }
    _settings = ("neighbourhood", "states", "boundary")

    @classmethod
    def of(cls, trajectories, neighbourhood: str, states: int | None = None, boundary: str = "torus") -> TableEvidence:
        """Count the configurations of ``(n, T + 1, H, W)`` trajectories of states and what followed them.

        Args:
            trajectories: Cell states, 0 .. ``states`` - 1.
            neighbourhood: One of :data:`TABLE_NEIGHBOURHOODS`.
            states: Cell states (default: the largest state seen, plus one; at least 2).
            boundary: ``"torus"``, ``"dead"`` (dead outside) or ``"open"`` (only cells whose neighbourhood
                lies inside the frame count).
        """
        if neighbourhood not in TABLE_NEIGHBOURHOODS:
            raise InputError(f"tables are learned on {', '.join(TABLE_NEIGHBOURHOODS)}, got {neighbourhood!r}")
        check_boundary(boundary, allow_auto=False)
        traj = validate_trajectories(trajectories, states=None)
        seen = int(traj.max()) + 1 if traj.size else 2
        states = max(seen, 2) if states is None else states
        if seen > states:
            raise InputError(f"the trajectories hold state {seen - 1}, more than {states} states allow")
        probe = TableRule("learned", states, neighbourhood)
        codes = keyed(traj[:, :-1], 1, boundary, probe.codes).reshape(-1)
        after = traj[:, 1:].reshape(-1).astype(np.int64)
        return cls(states, neighbourhood, boundary, *tally_codes(codes, after, states))

    def _pooled(self, other: TableEvidence) -> dict[str, Any]:
        return pool_codes(self, other)

    @property
    def configurations(self) -> int:
        """All configurations of the neighbourhood: ``states ** inputs``."""
        return self.states ** len(GOLLY_NEIGHBOURHOODS[self.neighbourhood])

    def conflicts(self, symmetries: str = "none") -> int:
        """Classes of the symmetry (configurations, for ``"none"``) the data show going two ways."""
        classes = configuration_classes(self.codes, self.states, self.neighbourhood, symmetries)
        _, summed = _by_class(classes, self.counts)
        return int(((summed > 0).sum(axis=1) > 1).sum())

    def allowed_symmetries(self) -> list[str]:
        """Golly's symmetries of this neighbourhood under which no class goes two ways, largest first."""
        sizes = {
            name: float("inf") if remaps is None else len(remaps)  # permute: every order of the outer inputs
            for name, remaps in SYMMETRIES[self.neighbourhood].items()
        }
        ranked = sorted(sizes, key=lambda n: -sizes[n])
        return [name for name in ranked if self.conflicts(name) == 0]


@dataclass(frozen=True)
class TableFamily:
    """The assumption a table verdict rests on: a neighbourhood, a symmetry, and what unobserved classes do.

    Attributes:
        states: Cell states.
        neighbourhood: Golly's neighbourhood name.
        symmetries: Golly's symmetry name.
        unlisted: None (nothing stated) or ``"unchanged"`` (Golly's default for unlisted transitions).
        n_classes: Classes of configurations under the symmetry (None where too many to count).
    """

    states: int
    neighbourhood: str
    symmetries: str
    unlisted: str | None
    n_classes: int | None

    name = "table"

    @property
    def symmetry(self) -> str:
        """The symmetry, in Golly's word."""
        return self.symmetries

    @property
    def title(self) -> str:
        """The family in words: ``"rotate4 von Neumann tables of 8 states leaving unobserved classes unchanged"``."""
        words = (
            "" if self.symmetries == "none" else f"{self.symmetries} "
        ) + f"{self.neighbourhood} rule tables of {self.states} states"
        return words + (" that leave unobserved configurations unchanged" if self.unlisted else "")

    @property
    def assumption(self) -> str:
        """The assumption in one sentence."""
        said = f"The next state is a function of the {self.neighbourhood} neighbourhood" + (
            ""
            if self.symmetries == "none"
            else f", the same on every configuration related by {self.symmetries} symmetry"
        )
        if self.unlisted:
            said += ", and a configuration the data never show leaves the cell unchanged (Golly's default)"
        return said + "."


@dataclass
class TableVerdict(OnLadder):
    """What the data determine about a rule table (meets :class:`~lifelab.evidence.ladder.VerdictProtocol`).

    Attributes:
        rung: ``"identified"`` (every Moore configuration observed), ``"identified within family"`` (every
            class of the chosen neighbourhood and symmetry observed, or ``unlisted="unchanged"`` stated),
            ``"underdetermined"`` or ``"inconsistent"``.
        rule: The table the data determine under the family, or None.
        learned: The table the data show, observed classes as seen and the rest unchanged (None if inconsistent):
            what ``--export`` writes.
        family: The assumption (:class:`TableFamily`), or None when inconsistent.
        evidence: The counts on the chosen neighbourhood.
        allowed: Symmetries the data allow, largest first.
        rejected: ``{neighbourhood: conflicting configurations}`` for the smaller neighbourhoods the data refute.
        observed_classes: Classes of the symmetry the data show.
        counts_function: The next state is a function of the cell and the count of each state among its
            neighbours on every observation (``permute`` allowed).
        structure: That function in a compact form (empty when it is not one).
        boundary_note: What the data showed beyond the frame, when the boundary was theirs to choose.
        symmetry_choice: How the symmetry was chosen: ``"stated"`` by the user; with ``symmetries="auto"``,
            ``"weakest"`` (the weakest under which every class was observed) or ``"largest"`` (none is complete:
            the largest the data allow).
    """

    rung: str
    rule: TableRule | None
    learned: TableRule | None
    family: TableFamily | None
    evidence: TableEvidence
    allowed: list[str] = field(default_factory=list)
    rejected: dict = field(default_factory=dict)
    observed_classes: int = 0
    counts_function: bool = False
    structure: list[str] = field(default_factory=list)
    boundary_note: str = ""
    symmetry_choice: str = "stated"

    noise = None

    @property
    def label(self) -> str:
        """The rung in words."""
        if self.rung == "identified within family":
            assert self.family is not None  # only an inconsistent verdict has none
            return f"identified within {self.family.title}"
        if self.rung == "underdetermined":
            return f"identified on the {self.observed_classes:,} observed classes only"
        return self.rung

    @property
    def unobserved(self) -> list[int]:
        """Not listed: the unobserved classes are almost all of them (:attr:`unobserved_classes` counts them)."""
        return []

    @property
    def unobserved_classes(self) -> int | None:
        """Classes of the symmetry the data never show (None where the classes are too many to count)."""
        if self.family is None or self.family.n_classes is None:
            return None
        return self.family.n_classes - self.observed_classes

    def disagreements(self, rule) -> int:
        """Observed configurations on which ``rule`` (a :class:`TableRule`) gives another next state than seen."""
        configs = rule.decode(self.evidence.codes) if isinstance(rule, TableRule) else None
        if configs is None or rule.states != self.evidence.states or rule.neighbourhood != self.evidence.neighbourhood:
            raise InputError(
                f"compare a {self.evidence.states}-state {self.evidence.neighbourhood} table, got {rule!r}"
            )
        seen = self.evidence.counts.argmax(axis=1)
        return int((rule.next_states(configs) != seen).sum())

    def guess_accuracy(self, truth) -> float | None:
        """Unobserved configurations are almost all of them: no accuracy is reported."""
        return None

    def _rung_sentence(self) -> str:
        ev = self.evidence
        if self.rung == "inconsistent":
            return (
                f"Inconsistent: on the {ev.observations:,} cell updates, {ev.conflicts():,} {ev.neighbourhood} "
                "configurations are followed by two different next states; no deterministic rule table on "
                f"the {ev.neighbourhood} neighbourhood reproduces the data."
            )
        f = self.family
        assert f is not None  # only an inconsistent verdict has none
        total = "" if f.n_classes is None else f" of the {f.n_classes:,}"
        seen = (
            f"{self.observed_classes:,}{total} {f.symmetries} classes observed ({ev.codes.size:,} of "
            f"{ev.configurations:,} configurations, in {ev.observations:,} cell updates)"
        )
        if self.rejected:
            hood = (
                "; ".join(
                    f"the {n} neighbourhood is refuted by {c:,} configurations that go two ways"
                    for n, c in self.rejected.items()
                )
                + f"; the {f.neighbourhood} one is not"
            )
        else:
            hood = f"the {f.neighbourhood} neighbourhood is the smallest of Golly's the data allow"
        why = (
            f" {hood[0].upper()}{hood[1:]}; "
            + {
                "weakest": f"{f.symmetries} is the weakest symmetry under which every class was observed.",
                "largest": f"{f.symmetries} is the largest symmetry they allow.",
                "stated": f"{f.symmetries} symmetry was stated, and the data allow it.",
            }[self.symmetry_choice]
        )
        if self.rung == "identified":
            return (
                f"Identified: every one of the {ev.configurations:,} Moore configurations was observed (in "
                f"{ev.observations:,} cell updates), none going two ways: exactly one table fits, with no "
                "assumption."
            )
        if self.rung == "identified within family":
            return (
                f"Identified within {f.title}: {seen}.{why} Under that assumption exactly one table fits. "
                + f.assumption
            )
        return (
            f"Identified on the observed classes only: {seen}.{why} Every table that agrees on them fits the "
            "data equally well; state Golly's default (unlisted configurations leave the cell unchanged) to "
            "identify one. " + f.assumption
        )

    def summary(self) -> str:
        """A few lines: the rung, the evidence and the assumption."""
        lines = [f"verdict      {self.label}", f"evidence     {self.evidence_line()}"]
        if self.family is not None:
            lines.append(f"assumption   {self.family.assumption}")
        return "\n".join(lines + [self.sentence()])

    def evidence_line(self) -> str:
        """The counts in one line: configurations observed of all, in how many cell updates."""
        ev = self.evidence
        return (
            f"{ev.codes.size:,} of {ev.configurations:,} {ev.neighbourhood} configurations observed in "
            f"{ev.observations:,} cell updates"
        )


def _learned_table(evidence: TableEvidence, symmetries: str, name: str) -> TableRule:
    """The observed classes as a table, the rest left unchanged: one transition per class whose cell changes,
    merged into fewer over sets of states (:func:`~lifelab.rules.rulefiles.compact_table`) where the configurations
    are few enough to tabulate."""
    classes = configuration_classes(evidence.codes, evidence.states, evidence.neighbourhood, symmetries)
    unique, summed = _by_class(classes, evidence.counts)
    probe = TableRule(name, evidence.states, evidence.neighbourhood)
    configs = probe.decode(unique)
    nexts = summed.argmax(axis=1)
    changed = nexts != configs[:, 0]
    transitions = [(tuple((int(s),) for s in c), int(o)) for c, o in zip(configs[changed], nexts[changed], strict=True)]
    table = TableRule(name, evidence.states, evidence.neighbourhood, symmetries=symmetries, transitions=transitions)
    return compact_table(table) if table.configurations <= DENSE_LIMIT else table


@functools.cache
def _n_classes(states: int, neighbourhood: str, symmetries: str) -> int | None:
    """Classes of all configurations under a symmetry, counted where they can be tabulated (:data:`DENSE_LIMIT`)."""
    total = states ** len(GOLLY_NEIGHBOURHOODS[neighbourhood])
    if total > DENSE_LIMIT:
        return None
    return len(np.unique(configuration_classes(np.arange(total, dtype=np.int64), states, neighbourhood, symmetries)))


def _structure(evidence: TableEvidence) -> list[str]:
    """The observations as a function of the cell and its neighbours' state counts, one line per cell state.

    For each state of the cell, the next state is written as depending on
    the count of one neighbour state where that suffices (``3 -> 1 when
    #1 in {1, 2}, else 3``), else on the counts of several.
    """
    configs = TableRule("probe", evidence.states, evidence.neighbourhood).decode(evidence.codes)
    nexts = evidence.counts.argmax(axis=1)
    counts = np.stack([(configs[:, 1:] == s).sum(axis=1) for s in range(evidence.states)], axis=1)
    lines = []
    for c in range(evidence.states):
        mine = configs[:, 0] == c
        if not mine.any():
            continue
        outs = nexts[mine]
        if (outs == outs[0]).all():
            lines.append(f"{c} -> {outs[0]} on every configuration observed")
            continue
        for s in range(evidence.states):
            by = counts[mine, s]
            pairs = set(zip(by.tolist(), outs.tolist(), strict=True))
            if len({k for k, _ in pairs}) == len(pairs):  # one next state per count of s: a function of it
                common = c if c in outs else np.bincount(outs).argmax()  # "else" the cell stays, where it does
                when = sorted(k for k, o in pairs if o != common)
                rest = {o for k, o in pairs if o != common}
                target = rest.pop() if len(rest) == 1 else None
                if target is not None:
                    lines.append(f"{c} -> {target} when #{s} in {{{', '.join(map(str, when))}}}, else {common}")
                else:
                    lines.append(f"{c} -> " + ", ".join(f"{o} when #{s} = {k}" for k, o in sorted(pairs)))
                break
        else:
            lines.append(f"{c} -> a function of the counts of several states")
    return lines


def decide_table(
    trajectories,
    states: int | None = None,
    neighbourhood: str = "auto",
    symmetries: str = "auto",
    unlisted: str | None = None,
    boundary: str = "torus",
    name: str = "learned",
) -> TableVerdict:
    """What many-state trajectories determine about a rule table.

    Args:
        trajectories: ``(n, T + 1, H, W)`` cell states; or the evidence already counted,
            ``{neighbourhood: TableEvidence}`` for the neighbourhoods to consider (what
            :func:`~lifelab.loop.run.learn_table` keeps across rounds: each round counts only its new trajectory).
        states: Cell states (default: the largest state seen, plus one).
        neighbourhood: One of :data:`TABLE_NEIGHBOURHOODS`, or ``"auto"``: the smallest the data allow.
        symmetries: One of Golly's for the neighbourhood, or ``"auto"``: the weakest under which every class was
            observed, else (none complete) the largest the data allow.
        unlisted: ``"unchanged"`` states Golly's default, that configurations no transition lists leave the
            cell unchanged; None states nothing about them.
        boundary: What lies beyond the frame (``"torus"``, ``"dead"``, ``"open"``), or ``"auto"``: the one
            the edge cells show (a torus or a dead outside where exactly one fits them, else the interior).
        name: The learned table's ``@RULE`` name.

    Raises:
        InputError: For an unknown neighbourhood, symmetry or ``unlisted``, or a stated symmetry the data contradict.
    """
    if unlisted not in UNLISTED:
        raise InputError(f"unlisted must be None or 'unchanged', got {unlisted!r}")
    if boundary == "auto":
        if isinstance(trajectories, dict):
            raise InputError("boundary='auto' reads the frame's edge from trajectories, not from counted evidence")
        return _edge_decides(trajectories, states, neighbourhood, symmetries, unlisted, name)
    if neighbourhood != "auto" and neighbourhood not in TABLE_NEIGHBOURHOODS:
        raise InputError(
            f"neighbourhood must be 'auto' or one of {', '.join(TABLE_NEIGHBOURHOODS)}, got {neighbourhood!r}"
        )
    candidates: tuple[str, ...] = TABLE_NEIGHBOURHOODS if neighbourhood == "auto" else (neighbourhood,)
    counted = trajectories if isinstance(trajectories, dict) else None
    if counted is not None:
        if not all(isinstance(e, TableEvidence) and e.neighbourhood == h for h, e in counted.items()):
            raise InputError("counted evidence must map each neighbourhood's name to its TableEvidence")
        candidates = tuple(hood for hood in candidates if hood in counted)
        if not candidates:
            asked = TABLE_NEIGHBOURHOODS if neighbourhood == "auto" else (neighbourhood,)
            raise InputError(f"no evidence counted on the neighbourhoods asked for ({', '.join(asked)})")
    rejected = {}
    for hood in candidates:
        evidence = counted[hood] if counted is not None else TableEvidence.of(trajectories, hood, states, boundary)
        conflicts = evidence.conflicts()
        if conflicts == 0:
            break
        rejected[hood] = conflicts
    else:
        return TableVerdict("inconsistent", None, None, None, evidence, rejected=rejected)
    allowed = evidence.allowed_symmetries()
    choice = ""
    if symmetries == "auto":
        symmetries, choice = _chosen_symmetry(evidence, allowed)
    elif symmetries not in SYMMETRIES[hood]:
        raise InputError(f"{hood} tables have symmetries {', '.join(SYMMETRIES[hood])}; got {symmetries!r}")
    elif symmetries not in allowed:
        raise InputError(
            f"the data contradict {symmetries} symmetry: {evidence.conflicts(symmetries):,} classes "
            f"go two ways (the data allow {', '.join(allowed)})"
        )
    family = TableFamily(evidence.states, hood, symmetries, unlisted, _n_classes(evidence.states, hood, symmetries))
    learned = _learned_table(evidence, symmetries, name)
    observed = _observed_classes(evidence, symmetries)
    permute = "permute" in allowed
    if hood == "Moore" and evidence.codes.size == evidence.configurations:
        rung, family = "identified", dataclasses.replace(family, unlisted=None)  # every configuration: no assumption
    elif observed == family.n_classes:
        rung, family = "identified within family", dataclasses.replace(family, unlisted=None)  # every class
    else:
        rung = "identified within family" if unlisted else "underdetermined"
    rule = None if rung == "underdetermined" else learned
    return TableVerdict(
        rung,
        rule,
        learned,
        family,
        evidence,
        allowed,
        rejected,
        observed,
        permute,
        _structure(evidence) if permute else [],
        symmetry_choice=choice or "stated",
    )


def _observed_classes(evidence: TableEvidence, symmetries: str) -> int:
    """Classes of a symmetry among the observed configurations."""
    return len(np.unique(configuration_classes(evidence.codes, evidence.states, evidence.neighbourhood, symmetries)))


def _chosen_symmetry(evidence: TableEvidence, allowed: list[str]) -> tuple[str, str]:
    """The symmetry a verdict assumes when the user states none, and why: the weakest (most classes) under
    which every class was observed, so that no more is assumed than identifying the table needs; where none
    is complete, the largest the data allow, which fills in the most configurations from the ones observed."""
    complete = [
        s
        for s in reversed(allowed)
        if _observed_classes(evidence, s) == _n_classes(evidence.states, evidence.neighbourhood, s)
    ]
    if complete:
        return complete[0], "weakest"
    return allowed[0], "largest"


def _edge_decides(trajectories, states, neighbourhood, symmetries, unlisted, name) -> TableVerdict:
    """The verdict under the boundary the frame's edge shows: the interior alone (``"open"``) is read first;
    a torus or a dead outside is taken when exactly one of them makes the edge cells agree with it (the same
    neighbourhood, no configuration going two ways) and the two read the edge differently; otherwise the edge
    is left out, so that no neighbourhood is refuted by an edge the data do not explain."""
    inside = decide_table(trajectories, states, neighbourhood, symmetries, unlisted, "open", name)
    if inside.family is None:
        return dataclasses.replace(inside, boundary_note="cells at the frame's edge were not used")
    readings = {}
    for edge in ("torus", "dead"):
        try:
            reading = decide_table(trajectories, states, neighbourhood, symmetries, unlisted, edge, name)
        except InputError:  # a stated symmetry the edge cells contradict
            continue
        if reading.family is not None and reading.family.neighbourhood == inside.family.neighbourhood:
            readings[edge] = reading
    torus, dead = readings.get("torus"), readings.get("dead")
    differ = (
        torus is None
        or dead is None
        or not (
            np.array_equal(torus.evidence.codes, dead.evidence.codes)
            and np.array_equal(torus.evidence.counts, dead.evidence.counts)
        )
    )
    if len(readings) == 1 and differ:
        ((edge, reading),) = readings.items()
        what = "a torus" if edge == "torus" else "a frame with a dead outside"
        return dataclasses.replace(
            reading,
            boundary_note=f"the frame was taken as {what}: its edge cells agree "
            "with the interior read so, and not read otherwise",
        )
    why = (
        "both a torus and a dead outside fit them"
        if len(readings) == 2
        else "neither a torus nor a dead outside makes them agree with the interior"
    )
    return dataclasses.replace(inside, boundary_note=f"cells at the frame's edge were not used: {why}")
