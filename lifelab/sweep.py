"""Sweeps over rule space: rules x seeds x models x data settings, one row per trial in a Parquet store.

A *trial* is one run of the active-learning loop (:func:`lifelab.loop.learn_rule`)
on one rule with one seed, one learner and one data setting.  A sweep plans
trials (:func:`plan`), skips those its store already holds, runs the rest in
batches and writes one Parquet part per finished batch:

- **Rules** come from a list, the registry, a seeded random sample of a
  family (:func:`random_rules`: Moore or von Neumann B/S, isotropic,
  Generations, Larger than Life) or an enumeration (:func:`all_rules`:
  every Moore or von Neumann B/S rule).
- **Batched on one device.**  The loops of a batch run in lockstep
  (:class:`~lifelab.loop.LoopRun`).  For the networks whose only spatial
  layer is one 3x3 kernel (``tied``, ``minimal``) on 2-state 3x3 rules, the
  networks of every active run are stacked and trained together: a 3x3
  network's loss over every cell of the visible boards is exactly a
  weighted loss over the 512 3x3 patterns, so each round trains all of
  them at once on ``(runs, 512)`` pattern counts, with per-run Adam state,
  and a run that reaches its stop criterion drops out of the batch.  Other
  learners and rule families run :func:`~lifelab.loop.learn_rule` one by one.
- **Store.**  A directory of Parquet parts, each written to a hidden
  temporary file and renamed into place, so a reader never sees half a part
  and two sweeps writing into one store never corrupt it.  A trial's key is
  its rule, seed, model and data settings; a resumed sweep skips the keys
  already stored (and :func:`read_store` keeps one row per key).
- **Backends.**  ``"local"`` runs batches in this process (``workers=1``) or
  in a pool of local processes; ``"ray"`` sends them to Ray as tasks (a GPU
  per task where the cluster has one).  The rows are the same either way.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import math
import multiprocessing
import os
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from lifelab.errors import InputError
from lifelab.evidence import family as family_named
from lifelab.extract import ExtractionResult
from lifelab.families import GenerationsRule, LtLRule, parse_rule
from lifelab.hensel import hensel_classes
from lifelab.learners import learner_names
from lifelab.loop import LoopReport, LoopRun
from lifelab.patterns import N_PATTERNS, WINDOW, pattern_index, patterns
from lifelab.rules import Rule
from lifelab.train import BATCH_SIZE, L1, LR, lr_at
from lifelab.utils import MODEL_DTYPE, check_int, check_number, format_table, get_device, lifelab_version, model_threads

__all__ = ["BACKENDS", "BATCHED_MODELS", "COLUMNS", "SAMPLED_FAMILIES", "SweepSummary", "Trial", "all_rules", "family_of",
           "plan", "random_rules", "read_store", "run_batch", "sweep"]

#: Families :func:`random_rules` samples.
SAMPLED_FAMILIES = ("moore", "vonneumann", "isotropic", "generations", "ltl")
#: Families :func:`all_rules` enumerates, with the number of B/S bits.
ENUMERATED = {"moore": 18, "vonneumann": 10}
#: Learners whose runs are trained together, stacked (one 3x3 spatial layer, then 1x1 layers).
BATCHED_MODELS = ("tied", "minimal")
BACKENDS = ("local", "ray")
#: The store's columns and their Parquet types, the same in every part (so any Parquet reader reads the directory).
COLUMNS = {"key": "string", "rule": "string", "family": "string", "seed": "int64", "model": "string",
           "size": "int64", "steps": "int64", "density": "float64", "max_rounds": "int64", "rung": "string",
           "determined": "bool", "identified": "bool", "wrong": "bool", "rule_determined": "string",
           "extracted": "string", "entries_right": "int64", "unobserved": "int64", "trajectories": "int64",
           "trained_on": "int64", "rounds": "int64", "stop_reason": "string", "end_density": "float64",
           "seconds": "float64", "batched": "bool", "device": "string", "lifelab_version": "string",
           "finished_at": "string"}


# ---------------------------------------------------------------------------
# Rules and trials
# ---------------------------------------------------------------------------

def random_rules(family: str, n: int, seed: int = 0) -> list[str]:
    """``n`` distinct random rules of a family, seeded.

    Args:
        family: ``"moore"`` or ``"vonneumann"`` (each birth and survival count
            in or out with probability 1/2), ``"isotropic"`` (Life with three
            random Hensel classes of 2-6 neighbours switched, so the rule is
            isotropic and not totalistic), ``"generations"`` (a random Moore B/S
            rule without B0, with 3 to 8 states) or ``"ltl"`` (range-2 box rules with random
            birth and survival intervals).
        n: How many.
        seed: Seed of the sample.

    Returns:
        Canonical rulestrings.
    """
    if family not in SAMPLED_FAMILIES:
        raise InputError(f"unknown family {family!r}; random rules come from {list(SAMPLED_FAMILIES)}")
    n = check_int("n", n, 1)
    limit = {"vonneumann": 2 ** 10}.get(family)
    if limit is not None and n > limit:
        raise InputError(f"there are only {limit} {family} B/S rules; use all_rules({family!r})")
    rng = np.random.default_rng(seed)
    out: dict[str, None] = {}
    isotropic = [m for (_, count, letter), m in hensel_classes().items() if letter and 2 <= count <= 6]
    while len(out) < n:
        if family in ("moore", "vonneumann", "generations"):
            top = 4 if family == "vonneumann" else 8
            birth, survival = (np.flatnonzero(rng.random(top + 1) < 0.5) for _ in range(2))
            if family == "generations":  # Golly's Generations rules have no B0
                birth = birth[birth > 0]
            rule = Rule.from_bs(birth, survival, "vonneumann" if family == "vonneumann" else "moore")
            text = str(rule) if family != "generations" else str(GenerationsRule(rule, int(rng.integers(3, 9))))
        elif family == "isotropic":
            table = Rule.parse("B3/S23").table.copy()
            for k in rng.choice(len(isotropic), 3, replace=False):
                table[list(isotropic[k])] ^= True
            rule = Rule.from_table(table)
            if rule.is_totalistic:
                continue
            text = str(rule)
        else:
            born = np.sort(rng.integers(1, 25, 2))
            kept = np.sort(rng.integers(1, 26, 2))
            text = f"R2,C0,M1,S{kept[0]}..{kept[1]},B{born[0]}..{born[1]},NM"
        out.setdefault(text)
    return list(out)


def all_rules(family: str) -> list[str]:
    """Every B/S rule of a neighbourhood: 2^18 Moore rules or 2^10 von Neumann rules, in binary order.

    Rule ``i`` has birth count ``c`` when bit ``c`` of ``i`` is set and survival count ``c`` when
    bit ``c + n + 1`` is (``n`` neighbours).
    """
    if family not in ENUMERATED:
        raise InputError(f"unknown family {family!r}; all_rules enumerates {list(ENUMERATED)}")
    bits = ENUMERATED[family]
    half = bits // 2
    out = []
    for i in range(2 ** bits):
        birth = [c for c in range(half) if i >> c & 1]
        survival = [c for c in range(half) if i >> (c + half) & 1]
        out.append(str(Rule.from_bs(birth, survival, family)))
    return out


def family_of(rule) -> str:
    """The family a rule belongs to, in the words of a sweep's rows.

    ``"moore"``, ``"vonneumann"`` or ``"hexagonal"`` (outer-totalistic), ``"isotropic"``,
    ``"table"`` (any other 3x3 rule), ``"generations"`` or ``"ltl"``.
    """
    rule = parse_rule(rule)
    if isinstance(rule, GenerationsRule):
        return "generations"
    if isinstance(rule, LtLRule):
        return "ltl"
    if rule.is_totalistic:
        return rule.neighbourhood
    return "isotropic" if family_named("isotropic").contains(rule) else "table"


@dataclass(frozen=True)
class Trial:
    """One run of the loop in a sweep.

    Attributes:
        rule: Canonical rulestring.
        family: The family it was drawn from (or :func:`family_of` for a listed rule).
        seed: The loop's seed.
        model: A learner name (:func:`lifelab.learners.learner_names`).
        size: Board side.
        steps: Steps per trajectory.
        density: Initial density.
        max_rounds: Most rounds.
    """

    rule: str
    family: str
    seed: int
    model: str
    size: int = 32
    steps: int = 16
    density: float = 0.5
    max_rounds: int = 10

    @property
    def key(self) -> str:
        """What makes two trials the same (the store keeps one row per key)."""
        return f"{self.rule}|{self.seed}|{self.model}|{self.size}|{self.steps}|{self.density:g}|{self.max_rounds}"

    @property
    def setting(self) -> tuple:
        """What the trials of one batch share: the model and the data setting."""
        return self.model, self.size, self.steps, self.density, self.max_rounds

    def start(self, device) -> LoopRun:
        """The trial's loop, ready for its first round (the data are exact: ``noise=0``)."""
        return LoopRun.of(self.rule, self.model, None, self.max_rounds, self.seed, shape=(self.size, self.size),
                          steps=self.steps, density=self.density, noise=0, device=device)

    @property
    def batched(self) -> bool:
        """Whether the trial's network is trained stacked with others (see the module docstring)."""
        return self.model in BATCHED_MODELS and isinstance(parse_rule(self.rule), Rule)


def plan(rules, seeds=(0,), models=("tied",), *, families=None, size: int = 32, steps: int = 16,
         density: float = 0.5, max_rounds: int = 10) -> list[Trial]:
    """The trials of a sweep: every rule x seed x model, with one data setting.

    Args:
        rules: Rulestrings or names (parsed, so a bad one fails here).
        seeds: Loop seeds.
        models: Learner names.
        families: The family of each rule (default :func:`family_of`).
        size: Board side.
        steps: Steps per trajectory.
        density: Initial density.
        max_rounds: Most rounds.

    Returns:
        The trials, rule by rule.
    """
    rules = list(rules)
    if not rules:
        raise InputError("the sweep has no rules")
    parsed = [parse_rule(r) for r in rules]
    families = [family_of(r) for r in parsed] if families is None else list(families)
    if len(families) != len(rules):
        raise InputError(f"{len(families)} families for {len(rules)} rules")
    seeds = [check_int("seed", s, 0) for s in seeds]
    if not seeds:
        raise InputError("the sweep has no seeds")
    models = list(models)
    for model in models:
        if model not in learner_names():
            raise InputError(f"unknown model {model!r}; expected one of {learner_names()}")
    if not models:
        raise InputError("the sweep has no models")
    size, steps, max_rounds = check_int("size", size, 1), check_int("steps", steps, 1), check_int(
        "max_rounds", max_rounds, 1)
    density = check_number("density", density, 0, 1)
    return [Trial(str(rule), fam, seed, model, size, steps, float(density), max_rounds)
            for rule, fam in zip(parsed, families) for seed in seeds for model in models]


# ---------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------

def _row(trial: Trial, report: LoopReport, seconds: float, device: str, batched: bool) -> dict:
    """One trial's row of the store."""
    truth, extracted, verdict = report.truth, report.extracted, report.verdict
    entries = None
    if isinstance(truth, Rule) and isinstance(extracted, Rule):
        entries = int((truth.table == extracted.table).sum())
    final = report.trajectories_seen[:, -1]
    return {"key": trial.key, **asdict(trial), "rung": verdict.rung, "determined": bool(verdict.determined),
            "identified": bool(report.recovered), "wrong": bool(report.wrong),
            "rule_determined": "" if report.rule is None else str(report.rule),
            "extracted": "" if extracted is None else str(extracted), "entries_right": entries,
            "unobserved": len(verdict.unobserved), "trajectories": int(report.used),
            "trained_on": int(report.trajectories), "rounds": len(report.rounds), "stop_reason": report.stop_reason,
            "end_density": float((final > 0).mean()), "seconds": float(seconds), "batched": batched,
            "device": device, "lifelab_version": lifelab_version(),
            "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


# ---------------------------------------------------------------------------
# Stacked training of 3x3 networks on pattern counts
# ---------------------------------------------------------------------------

class _Fitted:
    """The learner a lockstep round hands to :meth:`LoopRun.step`: the batch already trained and read it."""

    def __init__(self, learner, epochs: int, board_acc: float, extraction: ExtractionResult):
        self.net, self.group, self.family = learner.net, learner.group, learner.family
        self.description = learner.description
        self._fit, self._read = (epochs, board_acc), extraction

    def prepare(self, agent, round_: int) -> None:
        """Nothing to prepare: the batch did it."""

    def fit(self, data, *, noisy: bool, seed: int) -> tuple[int, float]:
        """The batch's training result."""
        return self._fit

    def read(self, seed: int) -> ExtractionResult:
        """The batch's reading."""
        return self._read


def pattern_logits(params: dict, orbits: torch.Tensor | None, x: torch.Tensor) -> torch.Tensor:
    """Logits of stacked 3x3 networks (``tied``, ``minimal``) on one-hot 3x3 patterns.

    Their only spatial layer is one 3x3 kernel, so a cell's output depends on
    its 3x3 window alone and equals the network's output on that window.

    Args:
        params: ``{name: (K, ...)}`` the stacked parameters of ``K`` networks of one layout
            (``net.0`` the 3x3 layer, ``net.2`` and ``net.4`` the 1x1 layers).
        orbits: The tied layer's orbit map (None for an untied kernel).
        x: ``(P, S, 3, 3)`` one-hot patterns.

    Returns:
        ``(K, P, S)`` logits.
    """
    kernel = params["net.0.weight"] if orbits is None else params["net.0.weight"][..., orbits]
    h = torch.relu(torch.einsum("pcij,kocij->kpo", x, kernel) + params["net.0.bias"][:, None])
    h = torch.relu(torch.einsum("kpo,kqo->kpq", h, params["net.2.weight"][..., 0, 0]) + params["net.2.bias"][:, None])
    return torch.einsum("kpq,ksq->kps", h, params["net.4.weight"][..., 0, 0]) + params["net.4.bias"][:, None]


def _pattern_counts(agent) -> tuple[np.ndarray, int]:
    """The visible transitions as ``(512, 2)`` weighted (pattern, next state) frequencies, and train()'s steps per epoch.

    The frequencies are normalised so that their weighted cross-entropy is
    the objective :func:`lifelab.train.train` minimises over every cell.
    """
    trajectories, weights = agent.visible_trajectories, agent.weights()
    counts = np.zeros((N_PATTERNS, 2))
    for trajectory, weight in zip(trajectories, weights):
        index, alive = pattern_index(trajectory[:-1]).ravel(), trajectory[1:].ravel().astype(bool)
        counts[:, 1] += weight * np.bincount(index[alive], minlength=N_PATTERNS)
        counts[:, 0] += weight * np.bincount(index[~alive], minlength=N_PATTERNS)
    transitions = trajectories.shape[0] * (trajectories.shape[1] - 1)
    return counts / (transitions * trajectories[0, 0].size), math.ceil(transitions / BATCH_SIZE)


def _train_stacked(nets: list, counts: np.ndarray, steps_per_epoch: list[int], epochs: int,
                   stop_probability: float, device: torch.device) -> tuple[list[int], np.ndarray]:
    """Train networks of one layout together on their pattern counts, each until its stop criterion.

    The objective, learning-rate schedule, L1 term, Adam update and stop
    criterion (every observed transition right with probability at least
    ``stop_probability``) are :func:`lifelab.train.train`'s; each epoch takes as many
    full-batch steps as train() would take minibatch steps.  A network that
    stops drops out of the batch.

    Returns:
        ``(epochs each trained, (K, 512) probability of "alive")``.
    """
    shapes = [(name, p.shape) for name, p in nets[0].named_parameters()]
    sizes = [math.prod(shape) for _, shape in shapes]
    flat = [torch.cat([p.detach().reshape(-1) for p in net.parameters()]) for net in nets]
    theta = torch.stack(flat).to(device, MODEL_DTYPE)
    penalised = torch.cat([torch.full((size,), "weight" in name) for (name, _), size in zip(shapes, sizes)])
    penalised = penalised.to(device)

    def unflat(flat: torch.Tensor) -> dict:
        return {name: part.reshape(len(flat), *shape)
                for (name, shape), part in zip(shapes, flat.split(sizes, dim=1))}

    orbits = getattr(nets[0].net[0], "orbits", None)
    orbits = None if orbits is None else orbits.to(device)
    first, second = torch.zeros_like(theta), torch.zeros_like(theta)
    t = torch.zeros(len(nets), 1, device=device, dtype=MODEL_DTYPE)
    x = F.one_hot(torch.from_numpy(patterns().astype(np.int64)), 2).permute(0, 3, 1, 2).to(device, MODEL_DTYPE)
    c = torch.from_numpy(counts).to(device, MODEL_DTYPE)
    observed = c > 0
    per_step = torch.tensor(steps_per_epoch, device=device)
    trained = [epochs] * len(nets)
    active = torch.ones(len(nets), dtype=torch.bool, device=device)
    adam = torch.optim.Adam([torch.zeros(1)]).defaults  # train()'s optimiser, as it is built there
    (beta1, beta2), eps = adam["betas"], adam["eps"]
    for epoch in range(epochs):
        rate = lr_at(epoch, epochs, LR, "cosine")
        for step in range(int(per_step[active].max())):
            idx = torch.nonzero(active & (per_step > step)).flatten()
            sub = theta[idx].requires_grad_()
            loss = -(c[idx] * pattern_logits(unflat(sub), orbits, x).log_softmax(-1)).sum()
            loss = loss + L1 * (sub.abs() * penalised).sum()
            (grad,) = torch.autograd.grad(loss, [sub])
            with torch.no_grad():
                t[idx] += 1
                first[idx] = beta1 * first[idx] + (1 - beta1) * grad
                second[idx] = beta2 * second[idx] + (1 - beta2) * grad * grad
                bias1, bias2 = 1 - beta1 ** t[idx], 1 - beta2 ** t[idx]
                theta[idx] -= rate / bias1 * first[idx] / (second[idx].sqrt() / bias2.sqrt() + eps)
        with torch.no_grad():
            idx = torch.nonzero(active).flatten()
            probs = pattern_logits(unflat(theta[idx]), orbits, x).softmax(-1)
            worst = torch.where(observed[idx], probs, torch.ones_like(probs)).amin(dim=(1, 2))
            for k in idx[worst >= stop_probability].tolist():
                active[k] = False
                trained[k] = epoch + 1
        if not active.any():
            break
    with torch.no_grad():
        params = unflat(theta)
        for k, net in enumerate(nets):
            for name, p in net.to(MODEL_DTYPE).named_parameters():
                p.copy_(params[name][k].to(p.device))
        alive = pattern_logits(params, orbits, x).softmax(-1)[..., 1].cpu().numpy()
    return trained, alive


def _reading(alive: np.ndarray, group: str, threshold: float) -> ExtractionResult:
    """The ExtractionResult of a 3x3 network's answers on the 512 patterns."""
    table = alive > 0.5
    confidence = np.where(table, alive, 1 - alive)
    return ExtractionResult(rule=Rule.from_table(table), offsets=list(WINDOW), table=table, confidence=confidence,
                            low_confidence=[int(i) for i in np.flatnonzero(confidence < threshold)],
                            context_dependent=[], group=group, patterns_evaluated=N_PATTERNS,
                            evaluations=N_PATTERNS, sensitivity=None)


def _board_accuracy(agent, table: np.ndarray) -> float:
    """Fraction of the visible transitions a rule table reproduces exactly."""
    trajectories = agent.visible_trajectories
    boards = trajectories[:, :-1].reshape(-1, *trajectories.shape[2:])
    nexts = trajectories[:, 1:].reshape(boards.shape).astype(bool)
    return float((table[pattern_index(boards)] == nexts).all(axis=(1, 2)).mean())


def _lockstep(trials: list[Trial], device: torch.device) -> list[dict]:
    """Run batched trials (one model and data setting) with their networks trained stacked."""
    started = time.perf_counter()
    runs = [t.start(device) for t in trials]
    while True:
        live = [run for run in runs if not run.finished]
        if not live:
            break
        fits = [_pattern_counts(run.agent) for run in live]
        learner = live[0].learner  # every run of a batch has the same model and settings
        trained, alive = _train_stacked([run.learner.net for run in live], np.stack([f[0] for f in fits]),
                                        [f[1] for f in fits], learner.epochs, learner.stop_probability, device)
        for run, epochs, answers in zip(live, trained, alive):
            reading = _reading(answers, run.learner.group, run.threshold)
            run.step(_Fitted(run.learner, epochs, _board_accuracy(run.agent, reading.table), reading))
    share = (time.perf_counter() - started) / len(trials)
    return [_row(t, run.report(), share, str(device), True) for t, run in zip(trials, runs)]


def run_batch(trials: list[Trial], device=None) -> list[dict]:
    """Run a batch of trials and return their rows, in the order given (the worker of every backend).

    Trials that can be batched (:attr:`Trial.batched`) run in lockstep, their
    networks trained stacked, per (model, data setting); the others run
    :func:`~lifelab.loop.learn_rule` one by one.  torch runs on one thread,
    as in the loop, so the rows do not depend on the machine's thread count.

    Args:
        trials: The trials.
        device: Where to train (default :func:`lifelab.get_device`).

    Returns:
        One row (a dict) per trial.
    """
    device = get_device(device)
    rows: dict[str, dict] = {}
    with model_threads():
        groups: dict[tuple, list[Trial]] = {}
        for trial in trials:
            if trial.batched:
                groups.setdefault(trial.setting, []).append(trial)
            else:
                started = time.perf_counter()
                run = trial.start(device)
                while not run.finished:
                    run.step()
                rows[trial.key] = _row(trial, run.report(), time.perf_counter() - started, str(device), False)
        for group in groups.values():
            rows.update((row["key"], row) for row in _lockstep(group, device))
    return [rows[t.key] for t in trials]


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------

class _Store:
    """A directory of Parquet parts, one per finished batch."""

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise InputError(f"{self.path} is a file, not a sweep store (a directory of Parquet parts)")
        if self.path.is_dir():
            strangers = [p.name for p in self.path.iterdir()
                         if not p.name.startswith(".") and not p.name.endswith(".parquet")]
            if strangers:
                raise InputError(f"{self.path} holds files that are not Parquet parts ({', '.join(strangers[:3])}); "
                                 "a sweep store is a directory of its own")

    def parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet")) if self.path.is_dir() else []

    def keys(self) -> set[str]:
        import pyarrow.parquet as pq

        if not self.parts():
            return set()
        return set(pq.read_table(self.path, columns=["key"]).column("key").to_pylist())

    def write(self, rows: list[dict]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path.mkdir(parents=True, exist_ok=True)
        name = f"part-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.parquet"
        final, temporary = self.path / name, self.path / f".{name}.tmp"
        schema = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in COLUMNS.items()])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
        os.replace(temporary, final)
        return final


def read_store(path):
    """A sweep store as a pandas DataFrame, one row per trial (the first written, where two sweeps ran one trial).

    Args:
        path: The store directory (or a single Parquet file, such as a committed results file).

    Returns:
        A ``pandas.DataFrame``.
    """
    import pandas as pd

    path = Path(path)
    if path.is_file():
        if path.suffix != ".parquet":
            raise InputError(f"{path} is not a Parquet file")
        return pd.read_parquet(path)
    if not _Store(path).parts():
        raise InputError(f"no sweep results in {path}")
    frame = pd.read_parquet(path)
    return frame.drop_duplicates("key", keep="first").reset_index(drop=True)


# ---------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------

@dataclass
class SweepSummary:
    """What one call of :func:`sweep` did.

    Attributes:
        planned: Trials asked for.
        skipped: Trials the store already held.
        ran: Trials run and stored now.
        identified: Of those, trials whose loop identified the rule exactly (:attr:`LoopReport.recovered`).
        wrong: Of those, verdicts that determined a rule other than the truth.
        seconds: Wall time.
        interrupted: The sweep was stopped (Ctrl-C) before the end; finished batches are stored.
        store: The store's path.
    """

    planned: int
    skipped: int
    ran: int
    identified: int
    wrong: int
    seconds: float
    interrupted: bool
    store: str

    @property
    def per_minute(self) -> float:
        """Trials run per minute of wall time."""
        return 60 * self.ran / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """A few lines for a person."""
        return format_table([{"planned": self.planned, "already stored": self.skipped, "ran": self.ran,
                              "identified": self.identified, "wrong": self.wrong, "seconds": f"{self.seconds:.1f}",
                              "trials/min": f"{self.per_minute:.0f}",
                              "stopped early": "yes" if self.interrupted else "no"}]) + f"\nstore: {self.store}"


def _batches(trials: list[Trial], batch_size: int) -> list[list[Trial]]:
    by_setting: dict[tuple, list[Trial]] = {}
    for trial in trials:
        by_setting.setdefault(trial.setting, []).append(trial)
    return [group[i:i + batch_size] for group in by_setting.values() for i in range(0, len(group), batch_size)]


def _local_results(batches, workers: int, device):
    if workers == 1:
        for batch in batches:
            yield run_batch(batch, device)
        return
    context = multiprocessing.get_context("spawn")  # no forked torch state in the workers
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(run_batch, batch, device) for batch in batches]
        given = set()
        try:
            for future in concurrent.futures.as_completed(futures):
                given.add(future)
                yield future.result()
        except KeyboardInterrupt:  # keep the batches already running (unless Ctrl-C stopped them too), then stop
            for future in futures:
                future.cancel()
            for future in futures:
                if future not in given and not future.cancelled() and future.exception() is None:
                    yield future.result()
            raise


def _ray_results(batches, workers: int, device, address):
    import ray

    if not ray.is_initialized():
        if address is None:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
    task = ray.remote(num_cpus=1, num_gpus=gpus)(run_batch)
    pending = [task.remote(batch, None if gpus else device) for batch in batches]
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            yield ray.get(ready[0])
    finally:
        for ref in pending:
            ray.cancel(ref)


def sweep(trials: list[Trial], store, *, backend: str = "local", workers: int = 1, batch_size: int = 64,
          address: str | None = None, device=None, progress: bool = True) -> SweepSummary:
    """Run the trials the store does not hold yet, and store a row per trial.

    Args:
        trials: From :func:`plan`.
        store: Directory of the Parquet store (created if needed).
        backend: ``"local"`` (this process for ``workers=1``, else a pool of
            local processes) or ``"ray"`` (a local Ray instance with ``workers``
            CPUs, or the cluster at ``address``).
        workers: Parallel batches.
        batch_size: Trials per batch (per task).
        address: A Ray cluster's address (``backend="ray"`` only).
        device: Where to train (default :func:`lifelab.get_device`; Ray tasks on GPU nodes take their GPU).
        progress: One progress bar: trials done, identified so far, time left.

    Returns:
        A :class:`SweepSummary`.  Ctrl-C stops the sweep; every finished batch is stored.
    """
    if backend not in BACKENDS:
        raise InputError(f"backend must be one of {list(BACKENDS)}, got {backend!r}")
    if address is not None and backend != "ray":
        raise InputError("address names a Ray cluster; use it with backend='ray'")
    workers, batch_size = check_int("workers", workers, 1), check_int("batch_size", batch_size, 1)
    trials = list(trials)
    if not trials or not all(isinstance(t, Trial) for t in trials):
        raise InputError("trials must be a non-empty list of Trial (see plan())")
    device = None if device is None else str(get_device(device))
    target = _Store(store)
    stored = target.keys()
    todo = list({t.key: t for t in trials if t.key not in stored}.values())
    started = time.perf_counter()
    ran = identified = wrong = 0
    interrupted = False
    bar = tqdm(total=len(todo), desc=f"sweep into {target.path.name}", unit="trial", disable=not progress)
    batches = _batches(todo, batch_size)
    results = (_local_results(batches, workers, device) if backend == "local"
               else _ray_results(batches, workers, device, address))
    try:
        for rows in results:
            target.write(rows)
            ran += len(rows)
            identified += sum(row["identified"] for row in rows)
            wrong += sum(row["wrong"] for row in rows)
            bar.update(len(rows))
            bar.set_postfix(identified=f"{identified}/{ran}")
    except KeyboardInterrupt:
        interrupted = True
    finally:
        results.close()
        bar.close()
    return SweepSummary(planned=len(trials), skipped=len(trials) - len(todo), ran=ran, identified=identified,
                        wrong=wrong, seconds=time.perf_counter() - started, interrupted=interrupted,
                        store=str(target.path))
