"""Running a sweep: its trials in batches, over processes or Ray, one row per trial into a Parquet store.

A sweep takes the trials of a plan (:func:`lifelab.sweep.plan.plan`), skips
those its store already holds (:mod:`lifelab.sweep.store`), runs the rest in
batches and writes one Parquet part per finished batch:

- **Batched on one device.**  The loops of a batch run in lockstep
  (:class:`~lifelab.loop.run.LoopRun`).  For the networks the registry marks
  stackable (``stacks=True``: ``tied``, ``minimal``) on 2-state 3x3 rules,
  the networks of every active run are trained together on their pattern
  counts (:mod:`lifelab.learning.stacked`) and each run's round takes its share
  (:class:`~lifelab.loop.run.Fit`).  Other learners and rule families run their
  loops one by one.
- **Backends.**  ``"local"`` runs batches in this process (``workers=1``) or
  in a pool of local processes; ``"ray"`` sends them to Ray as tasks (a GPU
  per task where the cluster has one).  The rows are the same either way.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass

import numpy as np
from tqdm.auto import tqdm

from lifelab.errors import InputError
from lifelab.geometry import pattern_index
from lifelab.learning import pattern_frequencies, table_reading, train_stacked
from lifelab.loop import SWEEP, Fit, LoopReport, LoopRun, NetworkLearner, SweepSettings
from lifelab.rules import Rule
from lifelab.sweep.plan import Trial
from lifelab.sweep.store import _Store
from lifelab.utils import at_most_threads, format_table, get_device, lifelab_version, model_threads

__all__ = ["SweepSummary", "run_batch", "sweep"]


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
    return {
        "key": trial.key,
        **asdict(trial),
        "rung": verdict.rung,
        "determined": bool(verdict.determined),
        "identified": bool(report.recovered),
        "wrong": bool(report.wrong),
        "rule_determined": "" if report.rule is None else str(report.rule),
        "extracted": "" if extracted is None else str(extracted),
        "entries_right": entries,
        "unobserved": len(verdict.unobserved),
        "trajectories": int(report.used),
        "trained_on": int(report.trajectories),
        "rounds": len(report.rounds),
        "stop_reason": report.stop_reason,
        "end_density": float((final > 0).mean()),
        "seconds": float(seconds),
        "batched": batched,
        "device": device,
        "lifelab_version": lifelab_version(),
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }


# ---------------------------------------------------------------------------
# Lockstep runs, their networks trained stacked
# ---------------------------------------------------------------------------


def _board_accuracy(agent, table: np.ndarray) -> float:
    """Fraction of the visible transitions a rule table reproduces exactly."""
    trajectories = agent.visible_trajectories
    boards = trajectories[:, :-1].reshape(-1, *trajectories.shape[2:])
    nexts = trajectories[:, 1:].reshape(boards.shape).astype(bool)
    return float((table[pattern_index(boards)] == nexts).all(axis=(1, 2)).mean())


def _network(run: LoopRun) -> NetworkLearner:
    """The learner of a run in a batch: a stackable network (the plan batches no other)."""
    learner = run.learner
    assert isinstance(learner, NetworkLearner)
    return learner


def _lockstep(trials: list[Trial], device) -> list[dict]:
    """Run batched trials (one model and data setting) with their networks trained stacked."""
    started = time.perf_counter()
    runs = [t.start(device) for t in trials]
    while True:
        live = [run for run in runs if not run.finished]
        if not live:
            break
        learners = [_network(run) for run in live]
        learner = learners[0]  # every run of a batch has the same model and settings
        fits = [
            pattern_frequencies(run.agent.visible_trajectories, run.agent.weights(), learner.settings.batch_size)
            for run in live
        ]
        trained, alive = train_stacked(
            [each.net for each in learners],
            np.stack([f[0] for f in fits]),
            [f[1] for f in fits],
            learner.settings.epochs,
            learner.settings.stop_probability,
            device,
        )
        for run, epochs, answers in zip(live, trained, alive, strict=True):
            reading = table_reading(answers, run.learner.group, run.settings.threshold)
            run.step(fit=Fit(epochs, _board_accuracy(run.agent, reading.table), reading))
    share = (time.perf_counter() - started) / len(trials)
    return [_row(t, run.report(), share, str(device), True) for t, run in zip(trials, runs, strict=True)]


def run_batch(trials: list[Trial], device=None, threads: int | None = None) -> list[dict]:
    """Run a batch of trials and return their rows, in the order given (the worker of every backend).

    Trials that can be batched (:attr:`~lifelab.sweep.plan.Trial.batched`) run in lockstep, their
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
                groups.setdefault(trial.batch_key, []).append(trial)
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
        return (
            format_table(
                [
                    {
                        "planned": self.planned,
                        "already stored": self.skipped,
                        "ran": self.ran,
                        "identified": self.identified,
                        "wrong": self.wrong,
                        "seconds": f"{self.seconds:.1f}",
                        "trials/min": f"{self.per_minute:.0f}",
                        "stopped early": "yes" if self.interrupted else "no",
                    }
                ]
            )
            + f"\nstore: {self.store}"
        )


def _batches(trials: list[Trial], batch_size: int) -> list[list[Trial]]:
    by_batch: dict[tuple, list[Trial]] = {}
    for trial in trials:
        by_batch.setdefault(trial.batch_key, []).append(trial)
    return [group[i : i + batch_size] for group in by_batch.values() for i in range(0, len(group), batch_size)]


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


def sweep(
    trials: list[Trial],
    store,
    *,
    backend: str = SWEEP.backend,
    workers: int = SWEEP.workers,
    batch_size: int = SWEEP.batch_size,
    address: str | None = SWEEP.address,
    device=None,
    progress: bool = True,
) -> SweepSummary:
    """Run the trials the store does not hold yet, and store a row per trial.

    Args:
        trials: From :func:`~lifelab.sweep.plan.plan`.
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
        results = (
            _local_results(batches, workers, device)
            if backend == "local"
            else _ray_results(batches, workers, device, address)
        )
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
    return SweepSummary(
        planned=len(trials),
        skipped=len(trials) - len(todo),
        ran=ran,
        identified=identified,
        wrong=wrong,
        seconds=time.perf_counter() - started,
        interrupted=interrupted,
        store=str(target.path),
    )
