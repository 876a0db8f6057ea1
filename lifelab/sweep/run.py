"""Sweeps over rule space: rules x seeds x models x data settings, one row per trial in a Parquet store.

A *trial* is one run of the active-learning loop (:func:`lifelab.loop.run.learn_rule`)
on one rule with one seed, one learner and one data setting.  A sweep plans
trials (:func:`plan`), skips those its store already holds, runs the rest in
batches and writes one Parquet part per finished batch:

- **Rules** come from a list, the registry, a seeded random sample of a
  family or an enumeration (:mod:`lifelab.sweep.space`).
- **Batched on one device.**  The loops of a batch run in lockstep
  (:class:`~lifelab.loop.run.LoopRun`).  For the networks the registry marks
  stackable (``stacks=True``: ``tied``, ``minimal``) on 2-state 3x3 rules,
  the networks of every active run are trained together on their pattern
  counts (:mod:`lifelab.learning.stacked`) and each run's round takes its share
  (:class:`~lifelab.loop.run.Fit`).  Other learners and rule families run their
  loops one by one.
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
import contextlib
import datetime
import fcntl
import multiprocessing
import os
import signal
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from lifelab.errors import InputError
from lifelab.geometry import pattern_index
from lifelab.learning import model_spec, pattern_frequencies, table_reading, train_stacked
from lifelab.loop import DEFAULT_SIZE, LOOP, SWEEP, Fit, LoopReport, LoopRun, LoopSettings, SweepSettings, learner_names
from lifelab.rules import Rule, parse_rule
from lifelab.sweep.space import family_of
from lifelab.utils import at_most_threads, format_table, get_device, lifelab_version, model_threads

__all__ = ["COLUMNS", "MAP_COLUMNS", "SweepSummary", "Trial", "compact", "plan", "read_store", "run_batch", "sweep"]

#: The store's columns and their Parquet types, the same in every part (so any Parquet reader reads the directory).
COLUMNS = {"key": "string", "rule": "string", "family": "string", "seed": "int64", "model": "string",
           "size": "int64", "steps": "int64", "density": "float64", "max_rounds": "int64", "rung": "string",
           "determined": "bool", "identified": "bool", "wrong": "bool", "rule_determined": "string",
           "extracted": "string", "entries_right": "int64", "unobserved": "int64", "trajectories": "int64",
           "trained_on": "int64", "rounds": "int64", "stop_reason": "string", "end_density": "float64",
           "seconds": "float64", "batched": "bool", "device": "string", "lifelab_version": "string",
           "finished_at": "string"}

#: What a compact store (:func:`compact`) keeps of each trial by default: what notebook 10 reads of a map.
MAP_COLUMNS = ("rule", "family", "seed", "model", "size", "steps", "density", "max_rounds", "rung", "determined",
               "identified", "wrong", "entries_right", "unobserved", "trajectories", "rounds", "stop_reason",
               "end_density")


# ---------------------------------------------------------------------------
# Trials
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Trial:
    """One run of the loop in a sweep.

    Attributes:
        rule: Canonical rulestring.
        family: The family it was drawn from (or :func:`family_of` for a listed rule).
        seed: The loop's seed.
        model: A learner name (:func:`lifelab.loop.learners.learner_names`).
        size: Board side.
        steps: Steps per trajectory.
        density: Initial density.
        max_rounds: Most rounds.
    """

    rule: str
    family: str
    seed: int
    model: str
    size: int = DEFAULT_SIZE
    steps: int = LOOP.steps
    density: float = LOOP.density
    max_rounds: int = LOOP.max_rounds

    @property
    def key(self) -> str:
        """What makes two trials the same (the store keeps one row per key)."""
        return f"{self.rule}|{self.seed}|{self.model}|{self.size}|{self.steps}|{self.density:g}|{self.max_rounds}"

    @property
    def setting(self) -> tuple:
        """What the trials of one batch share: the model and the data setting."""
        return self.model, self.size, self.steps, self.density, self.max_rounds

    @property
    def settings(self) -> LoopSettings:
        """The trial's loop settings (the data are exact: ``noise=0``)."""
        return LoopSettings(max_rounds=self.max_rounds, seed=self.seed, shape=(self.size, self.size),
                            steps=self.steps, density=self.density, noise=0)

    def start(self, device) -> LoopRun:
        """The trial's loop, ready for its first round."""
        return LoopRun.of(self.rule, self.model, self.settings, device=device)

    @property
    def batched(self) -> bool:
        """Whether the trial's network is trained stacked with others (see the module docstring)."""
        return model_spec(self.model).stacks and isinstance(parse_rule(self.rule), Rule)


def plan(rules, seeds=(0,), models=("tied",), *, families=None, size: int = DEFAULT_SIZE, steps: int = LOOP.steps,
         density: float = LOOP.density, max_rounds: int = LOOP.max_rounds) -> list[Trial]:
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
    seeds = [LoopSettings(seed=s).seed for s in seeds]
    if not seeds:
        raise InputError("the sweep has no seeds")
    models = list(models)
    for model in models:
        if model not in learner_names():
            raise InputError(f"unknown model {model!r}; expected one of {learner_names()}")
    if not models:
        raise InputError("the sweep has no models")
    checked = LoopSettings(shape=(size, size), steps=steps, density=density, max_rounds=max_rounds)
    size, steps, density, max_rounds = checked.shape[0], checked.steps, checked.density, checked.max_rounds
    return [Trial(str(rule), fam, seed, model, size, steps, density, max_rounds)
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
# Lockstep runs, their networks trained stacked
# ---------------------------------------------------------------------------

def _board_accuracy(agent, table: np.ndarray) -> float:
    """Fraction of the visible transitions a rule table reproduces exactly."""
    trajectories = agent.visible_trajectories
    boards = trajectories[:, :-1].reshape(-1, *trajectories.shape[2:])
    nexts = trajectories[:, 1:].reshape(boards.shape).astype(bool)
    return float((table[pattern_index(boards)] == nexts).all(axis=(1, 2)).mean())


def _lockstep(trials: list[Trial], device) -> list[dict]:
    """Run batched trials (one model and data setting) with their networks trained stacked."""
    started = time.perf_counter()
    runs = [t.start(device) for t in trials]
    while True:
        live = [run for run in runs if not run.finished]
        if not live:
            break
        learner = live[0].learner  # every run of a batch has the same model and settings
        fits = [pattern_frequencies(run.agent.visible_trajectories, run.agent.weights(), learner.settings.batch_size)
                for run in live]
        trained, alive = train_stacked([run.learner.net for run in live], np.stack([f[0] for f in fits]),
                                       [f[1] for f in fits], learner.epochs, learner.stop_probability, device)
        for run, epochs, answers in zip(live, trained, alive):
            reading = table_reading(answers, run.learner.group, run.threshold)
            run.step(fit=Fit(epochs, _board_accuracy(run.agent, reading.table), reading))
    share = (time.perf_counter() - started) / len(trials)
    return [_row(t, run.report(), share, str(device), True) for t, run in zip(trials, runs)]


def run_batch(trials: list[Trial], device=None, threads: int | None = None) -> list[dict]:
    """Run a batch of trials and return their rows, in the order given (the worker of every backend).

    Trials that can be batched (:attr:`Trial.batched`) run in lockstep, their
    networks trained stacked, per (model, data setting); the others run
    :func:`~lifelab.loop.run.learn_rule` one by one.  torch runs on one thread,
    as in the loop, so the rows do not depend on the machine's thread count.

    Args:
        trials: The trials.
        device: Where to train (default :func:`lifelab.get_device`).
        threads: Most threads of the compiled kernels (the stacked trainer, the simulation); default: every
            CPU this process may use.  Workers sharing a machine's cores each take their share.

    Returns:
        One row (a dict) per trial.
    """
    device = get_device(device)
    rows: dict[str, dict] = {}
    with model_threads(), at_most_threads(threads or len(os.sched_getaffinity(0))):
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

def _damaged(part: Path, exc: Exception) -> InputError:
    return InputError(f"{part}: a damaged part of the store ({str(exc).splitlines()[0]}); move it out and sweep "
                      "again: its trials are run again")


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

        keys = set()
        for part in self.parts():
            try:
                if "key" not in pq.read_schema(part).names:
                    raise InputError(f"{self.path} is a compact store (no trial keys): sweep into a store of its own")
                keys.update(pq.read_table(part, columns=["key"]).column("key").to_pylist())
            except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                raise _damaged(part, exc) from None
        return keys

    @contextlib.contextmanager
    def lock(self):
        """Hold the store for one sweep: a second sweep into it (another process) is refused while this one runs."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = open(self.path / ".lock", "a+")
        except OSError as exc:
            raise InputError(f"{self.path}: the store cannot be written ({exc.strerror or exc})") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(f"{self.path}: another sweep is writing into this store; wait for it to end, or "
                                 "sweep into another store") from None
            try:
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def write(self, rows: list[dict]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = f"part-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.parquet"
        final, temporary = self.path / name, self.path / f".{name}.tmp"
        schema = pa.schema([(name, pa.type_for_alias(kind)) for name, kind in COLUMNS.items()])
        try:
            pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
            os.replace(temporary, final)
        except OSError as exc:  # a full disk, a read-only or vanished folder: the user's machine, not lifelab
            temporary.unlink(missing_ok=True)
            raise InputError(f"{self.path}: a batch of {len(rows)} trials could not be written ({exc.strerror or exc})"
                             "; the sweep stopped, and every part written before stays") from None
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
    store = _Store(path)
    if not store.parts():
        raise InputError(f"no sweep results in {path}")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError: name the damaged part
        import pyarrow.parquet as pq

        for part in store.parts():
            try:
                pq.read_table(part)
            except (OSError, ValueError) as bad:
                raise _damaged(part, bad) from None
        raise InputError(f"{path}: the store cannot be read ({str(exc).splitlines()[0]})") from None
    if "key" not in frame:  # a compact store: one part, one row per trial already
        return frame
    return frame.drop_duplicates("key", keep="first").reset_index(drop=True)


def compact(store, out, columns=MAP_COLUMNS) -> Path:
    """A store rewritten as a new store of one zstd-compressed Parquet part: one row per trial, some columns.

    A map of hundreds of thousands of trials is committed this way (the
    working store's per-batch parts, timings and extracted rulestrings stay
    behind).  A compact store is read by :func:`read_store` like any other;
    it is not resumed (it has no keys).

    Args:
        store: The sweep store to read.
        out: A new directory for the compact store (it must not hold anything yet).
        columns: Columns to keep, of :data:`COLUMNS`.

    Returns:
        The path of the part written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(columns)
    unknown = [c for c in columns if c not in COLUMNS]
    if not columns or unknown:
        raise InputError(f"columns to keep must be some of {list(COLUMNS)}, got {unknown or columns}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} already exists and is not an empty directory; a compact store is written anew")
    frame = read_store(store)
    missing = [c for c in columns if c not in frame]
    if missing:
        raise InputError(f"{store} has no column {missing[0]!r} (it is a compact store already?)")
    frame = frame[columns].sort_values([c for c in ("model", "family", "rule", "seed") if c in columns])
    schema = pa.schema([(name, pa.type_for_alias(COLUMNS[name])) for name in columns])
    final = out / f"part-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%S}-compact.parquet"
    temporary = out / f".{final.name}.tmp"
    try:
        out.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), temporary,
                       compression="zstd", compression_level=19)
        os.replace(temporary, final)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InputError(f"{out}: the compact store cannot be written ({exc.strerror or exc})") from None
    return final


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


def _worker_start() -> None:
    """A pool worker leaves Ctrl-C to its driver (which stops the sweep and says so once) and, on Linux, dies with
    the driver however it dies (a worker left behind holds half a gigabyte, idle)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the driver died before the line above ran
            os._exit(1)


def _local_results(batches, workers: int, device):
    if workers == 1:
        for batch in batches:
            yield run_batch(batch, device)
        return
    context = multiprocessing.get_context("spawn")  # no forked torch state in the workers
    share = max(1, len(os.sched_getaffinity(0)) // workers)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start) as pool:
        futures = [pool.submit(run_batch, batch, device, share) for batch in batches]
        given = set()
        try:
            for future in concurrent.futures.as_completed(futures):
                given.add(future)
                yield future.result()
        except KeyboardInterrupt:  # keep the batches already running, then stop
            for future in futures:
                future.cancel()
            for future in futures:
                if future not in given and not future.cancelled() and future.exception() is None:
                    yield future.result()
            raise
        finally:  # stopped for any reason (a failed write, Ctrl-C): nothing queued is computed any more
            for future in futures:
                future.cancel()


def _ray_results(batches, workers: int, device, address):
    import ray

    if not ray.is_initialized():
        if address is None:  # a local instance, named by the loopback address (a cluster is named by address)
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
        else:
            ray.init(address=address, log_to_driver=False)
    gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
    task = ray.remote(num_cpus=1, num_gpus=gpus)(run_batch)
    pending = [task.remote(batch, None if gpus else device, 1) for batch in batches]  # a CPU a task
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            yield ray.get(ready[0])
    finally:
        for ref in pending:
            ray.cancel(ref)


def sweep(trials: list[Trial], store, *, backend: str = SWEEP.backend, workers: int = SWEEP.workers,
          batch_size: int = SWEEP.batch_size, address: str | None = SWEEP.address, device=None,
          progress: bool = True) -> SweepSummary:
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
    settings = SweepSettings(backend=backend, workers=workers, batch_size=batch_size, address=address)
    backend, workers, batch_size = settings.backend, settings.workers, settings.batch_size
    trials = list(trials)
    if not trials or not all(isinstance(t, Trial) for t in trials):
        raise InputError("trials must be a non-empty list of Trial (see plan())")
    device = None if device is None else str(get_device(device))
    target = _Store(store)
    with target.lock():
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
