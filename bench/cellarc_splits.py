"""CellARC's two test splits (interpolation, extrapolation), rebuilt at a smaller scale with the ``cellarc`` generator.

    pip install "cellarc[all]==0.1.2"
    python bench/cellarc_splits.py --out data/cellarc [--pool 9720] [--test 200] [--val 200] [--seed 12345]

Install ``cellarc[all]`` in a virtual environment of its own (Python >= 3.11). Its
``cax`` extra must resolve to cax 0.3.x, which needs jax >= 0.8 and so numpy >= 2.
Under numpy < 2, pip picks cax 0.2.1 and ``import cellarc.generation`` fails
("cannot import name 'ComplexSystem' from 'cax.core'"). This script imports only
cellarc, numpy and the standard library.

The published benchmark (arXiv 2511.07908; ``mireklzicar/cellarc_100k_meta`` on the
Hugging Face Hub) is not downloaded. Its pipeline is run again from the start,
following ``scripts/dataset/DATASET_GENERATION.md`` and the scripts beside it in
github.com/mireklzicar/cellarc (commit 2a317a6, the commit of cellarc 0.1.2). Those
scripts are not shipped in the wheel, so their logic is copied here step by step:

1. ``make_pool.py``: mixed shards (``--shards`` x constructions cycle/unrolled/hybrid
   x coverage modes chunked/uniform, the six families weighted equally), then one
   single-family shard per family and construction. Each shard is a
   ``cellarc.generation.generate_dataset_jsonl`` call with 5 train pairs, average
   train length 64, k in 2..6, radius <= 3, steps <= 4, coverage fraction drawn
   uniformly from [0.05, 0.95], ``unroll_tau_max=16``, fingerprints shared across
   shards, and seed ``seed + hash(shard name) % 2**30`` under ``PYTHONHASHSEED=0``.
   Queries may fall outside the covered windows (make_pool.py's
   ``--allow-query-outside-coverage``). The documented command leaves that flag
   out, but the published statistics require it: with the default, the train
   segments tile the whole de Bruijn cycle, and every k = 2 (W = 7) episode breaks
   step 2's 256-cell limit. ``--shards 6`` gives the "36 mixed shards plus 18
   single-family shards" that the documentation says the release had. (Its
   ``--shards 3 --per-shard 3000`` would be 108,000 episodes, fewer than the
   110,000 kept by step 2.)
2. ``pool_filtering.py``: dedupe, drop episodes whose solution equals the query or a
   train output, whose train pairs hold an identity or a duplicate, or whose
   flattened length exceeds 256. Then a stratified downsample over a 100 x 100
   (lambda, observed coverage) grid to ``--downsample-target``.
3. ``pool_sanity_check.py``: absorbing rules with lambda and entropy under 0.02, and
   repeated (probe) fingerprints. The published pipeline asserts that there are
   none; here they are dropped and counted.
4. ``enrich_downsampled.py``: rule table rebuilt from the episode seed, plus cell
   entropy, mutual information and morphology replayed at width 30 for 256 steps.
5. ``resample_highcov.py``: train spans redrawn until the train windows cover at
   least 0.5 of the query's windows (weighted); episodes that cannot reach 0.5 are
   dropped.
6. ``split_pool.py``: keep episodes with query-window coverage >= 0.5. Rank each
   one by coverage (ascending), lambda (descending) and entropy (descending), and
   average the three normalised ranks. The ``--test`` episodes with the lowest
   average form test_extrapolation. The rest are shuffled with ``random.Random(seed)``
   and cut into train, then val (``--val``), then test_interpolation (``--test``).
   Train takes whatever is left over.

Only the two test splits are written, as ``<out>/cellarc_interpolation.jsonl`` and
``<out>/cellarc_extrapolation.jsonl``. Each line is one episode in the package's
own JSON (``train``, ``query``, ``solution``, ``meta``, ``rule_table``, and ``id`` =
``meta["fingerprint"]``, as in ``cellarc_100k_meta``).

Steps 1 to 6 were checked against the repository's own scripts on a 432-episode
pool: identical shard files, and identical test splits record for record. One
documented argument had to go for that: pool_filtering.py has no ``--bins``
option. Its 100 x 100 grid is the default.

Scaling changes how far the extrapolation split sits from the rest. In the
published release it is the extreme 1 % (1,000 of 98,317 kept episodes). Here it is
``--test`` out of however many episodes survive step 6, about 19.5 % of ``--pool``.
The script prints both fractions, and the split statistics beside the published
ones.

Scaling also changes the family mix. Generation rejects any t-step rule it has
already produced, and linear_mod_k has only about 2,600 distinct rules at these
sizes. In the published pool that family ran out of new rules and ended up at 0.7 %
of episodes. In a pool of ten thousand it still holds about a sixth, and its high
lambda and entropy put it into the extrapolation split. Running out of rules also
caps ``--pool``: every new linear rule costs more draws than the last, and beyond
about 15,000 raw episodes the three linear_mod_k shards cannot find enough new
rules at all. They then run until generate_dataset_jsonl's attempt budget (200 x
shard size) is spent. So 1,000-episode splits at the published proportions (about
3,000 kept, about 15,500 raw) are not practical here. ``--val 0`` or a larger
``--downsample-target`` gets more episodes out of the same pool.

Coverage: with the documented uniform [0.05, 0.95] draw, a few k = 4 episodes reach
coverage fraction 1.0. The published maximum is 0.938, which is 60/64, exactly the
largest value make_pool.py's earlier mixture draw (at most 0.90) can give. The
earlier draw is available as ``--coverage-sampler mixture``. The defaults follow the
documentation.

The defaults (9,720 raw episodes: 54 shards of 180; test splits of 200, val 200)
ran in 16.5 minutes as one process on a 2-core machine. About 1,900 episodes
survive step 6.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from cellarc.generation import (
    AutomatonRunner,
    deserialize_rule_table,
    entropy_bin,
    generate_dataset_jsonl,
    quick_morphology_features,
    ring_slice,
)
from cellarc.generation.metrics import average_cell_entropy, average_mutual_information
from cellarc.generation.reconstruction import infer_dataset_config, reconstruct_rule_table_payload
from cellarc.utils import de_bruijn_cycle

Record = dict[str, Any]

# make_pool.py: the six families weighted alike (cyclic_excitable and permuted_totalistic left out there too)
FAMILIES = ["random", "totalistic", "outer_totalistic", "outer_inner_totalistic", "threshold", "linear_mod_k"]
CONSTRUCTIONS = ["cycle", "unrolled", "hybrid"]
COVERAGE_MODES = ["chunked", "uniform"]
# DATASET_GENERATION.md: ~5.1e5 raw episodes were downsampled to 110,000 before resampling and splitting
PUBLISHED_POOL, PUBLISHED_DOWNSAMPLE = 510_000, 110_000
MAX_FLATTENED, HIST_BINS = 256, 100  # pool_filtering.py defaults, as the documented command uses them
COMPLEXITY_ROLLOUT = (30, 256)  # enrich_downsampled.py
TARGET_COVERAGE, UNROLL_TAU_MAX, RESAMPLE_ATTEMPTS = 0.5, 16, 200  # resample_highcov.py arguments
COVERAGE_THRESHOLD = 0.5  # split_pool.py --coverage-threshold

# The published figures, from the package README ("Rule-space & coverage stats", for all 98,317 episodes)
# and DATASET_GENERATION.md (test_extrapolation). Per-k shares and per-split figures beyond these are not published.
PUBLISHED_GLOBAL = {
    "episodes": "98,317",
    "radius": "78.7/8.7/12.5",
    "window": "74.1/13.3/12.6",
    "steps1": "~95.3",
    "cov_mean": "0.402",
    "cov_range": "0.069 / 0.938",
    "lambda": "0.565",
    "entropy": "1.110",
    "length": "11 [5, 21]",
    "k": "n/a",
    "family": "25.3/24.8/18.7/18.7/11.9/0.7",
}
PUBLISHED_EXTRAP = {"episodes": "1,000", "cov_mean": "~0.196", "lambda": "~0.582", "entropy": "~1.303"}


def log(message: str) -> None:
    """Progress line on stderr (the statistics go to stdout)."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- 1. make_pool.py


def shard_plan(shards: int) -> list[tuple[str, dict[str, float], str, str]]:
    """The shards make_pool.py writes, in its order.

    Args:
        shards: Number of mixed shard rounds (make_pool.py's ``--shards``).

    Returns:
        ``(name, family_mix, construction, coverage_mode)`` for each shard.
    """
    plan = []
    for i in range(shards):
        for construction in CONSTRUCTIONS:
            for mode in COVERAGE_MODES:
                plan.append((f"mixed_{construction}_{mode}_{i:02d}", dict.fromkeys(FAMILIES, 1.0), construction, mode))
    for j, family in enumerate(FAMILIES):
        for construction in CONSTRUCTIONS:
            plan.append((f"fam_{family}_{construction}_chunked_{j:02d}", {family: 1.0}, construction, "chunked"))
    return plan


def shard_seeds(names: list[str], seed: int) -> dict[str, int]:
    """make_pool.py's per-shard seed ``seed + hash(name) % (1 << 30)``, with string hashing pinned.

    DATASET_GENERATION.md runs every step with ``PYTHONHASHSEED=0``; the hashes are
    taken in a child interpreter started that way, so this process needs no setting.

    Args:
        names: Shard names.
        seed: Base seed.

    Returns:
        The seed of each shard.
    """
    code = "import sys\nfor name in sys.argv[1:]:\n    print(hash(name) % (1 << 30))"
    env = dict(os.environ, PYTHONHASHSEED="0")
    out = subprocess.run([sys.executable, "-c", code, *names], env=env, capture_output=True, text=True, check=True)
    return {name: seed + int(h) for name, h in zip(names, out.stdout.split(), strict=True)}


def coverage_sampler(kind: str, lo: float, hi: float) -> Callable[[random.Random], float]:
    """The coverage-fraction draw of make_pool.py.

    Args:
        kind: ``uniform`` (make_pool.py at 2a317a6, as DATASET_GENERATION.md runs it) or ``mixture`` (its
            ``cov_sampler`` before commit 409d4ef: half U(0.05, 0.25), 35 % U(0.25, 0.6), 15 % U(0.8, 0.9)).
        lo: Lower bound of the uniform draw.
        hi: Upper bound of the uniform draw.

    Returns:
        A function of the shard's random source.
    """

    def mixture(rng: random.Random) -> float:
        u = rng.random()
        if u < 0.50:
            return rng.uniform(0.05, 0.25)
        if u < 0.85:
            return rng.uniform(0.25, 0.60)
        return rng.uniform(0.80, 0.90)

    def uniform(rng: random.Random) -> float:
        return float(hi) if math.isclose(lo, hi) else float(rng.uniform(lo, hi))

    return mixture if kind == "mixture" else uniform


def make_pool(
    pool: int, shards: int, seed: int, coverage: Callable[[random.Random], float], workdir: Path
) -> list[Path]:
    """Generate the raw pool as make_pool.py does, ``ceil(pool / number of shards)`` episodes a shard.

    Args:
        pool: Raw episodes wanted in all.
        shards: Mixed shard rounds.
        seed: Base seed (published: 12345).
        coverage: Draw of each episode's coverage fraction (see :func:`coverage_sampler`).
        workdir: Folder for the shard files.

    Returns:
        The shard files, ``<name>.jsonl`` (beside each, ``<name>_meta.jsonl``).
    """
    plan = shard_plan(shards)
    per_shard = math.ceil(pool / len(plan))
    seeds = shard_seeds([name for name, *_ in plan], seed)
    seen: set[str] = set()
    paths = []
    start = time.perf_counter()
    for n, (name, family_mix, construction, mode) in enumerate(plan, 1):
        path = workdir / f"{name}.jsonl"
        generate_dataset_jsonl(
            path,
            count=per_shard,
            seed=seeds[name],
            meta_path=workdir / f"{name}_meta.jsonl",
            k_range=(2, 6),
            max_radius=3,
            max_steps=4,
            train_examples=5,
            target_avg_train_len=64,
            family_mix=family_mix,
            unique_by="tstep",
            balance_by="all",
            coverage_fraction=coverage,
            coverage_mode=mode,
            compute_complexity=True,
            annotate_morphology=True,
            query_within_coverage=False,
            construction=construction,
            unroll_tau_max=16,
            seen_fingerprints=seen,
            dataset_version="pool_v1",
            show_progress=False,
            max_attempts_per_item=200,
            include_rule_table=False,
        )
        paths.append(path)
        elapsed = time.perf_counter() - start
        log(f"[pool] {n}/{len(plan)} {name}: {len(seen)} episodes so far, {elapsed:.0f} s")
    return paths


def read_jsonl(path: Path) -> list[Record]:
    """Records of a JSONL file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------------------------------------------------------------- 2. pool_filtering.py


def has_novel_solution(episode: Record) -> bool:
    """The solution differs from the query and from every train output."""
    solution = episode.get("solution")
    if solution is None or solution == episode.get("query"):
        return False
    return all(solution != pair.get("output") for pair in episode.get("train") or [])


def has_identity_pair(episode: Record) -> bool:
    """Some train pair has its output equal to its input."""
    return any(pair.get("input") == pair.get("output") for pair in episode.get("train") or [])


def has_duplicate_pairs(episode: Record) -> bool:
    """Some train pair occurs twice."""
    keys = [(tuple(p.get("input") or ()), tuple(p.get("output") or ())) for p in episode.get("train") or []]
    return len(set(keys)) < len(keys)


def flattened_length(episode: Record) -> int:
    """Cells in all train inputs and outputs, the query and the solution."""
    total = sum(len(p.get("input") or []) + len(p.get("output") or []) for p in episode.get("train") or [])
    return total + len(episode.get("query") or []) + len(episode.get("solution") or [])


def bin_index(value: float, lo: float, hi: float, bins: int) -> int:
    """pool_filtering.py's equal-width histogram bin."""
    if bins <= 1 or lo == hi:
        return 0
    width = (hi - lo) / bins
    return min(max(int((value - lo) / width), 0), bins - 1)


def stratified_downsample(items: list[dict[str, Any]], target: int, rng: random.Random) -> list[dict[str, Any]]:
    """pool_filtering.py's ``stratified_downsample``: about as many from every nonempty (lambda, coverage) bin.

    Args:
        items: Filtered episodes, each with its ``key`` (lambda bin, coverage bin).
        target: Episodes to keep.
        rng: Random source (seeded with 12345 there).

    Returns:
        The kept episodes, in the order pool_filtering.py writes them.
    """
    if target <= 0 or len(items) <= target:
        return items
    buckets: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for item in items:
        buckets.setdefault(item["key"], []).append(item)
    keys = [key for key, group in buckets.items() if group]
    rng.shuffle(keys)
    for key in keys:
        rng.shuffle(buckets[key])
    base_take = target // len(keys)
    selected: list[dict[str, Any]] = []
    leftovers: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for key in keys:
        take = min(base_take, len(buckets[key]))
        selected.extend(buckets[key][:take])
        leftovers[key] = buckets[key][take:]
    remaining = target - len(selected)
    if remaining <= 0:
        return selected[:target]
    cycle = [key for key in keys if leftovers[key]]
    idx = 0
    while remaining > 0 and cycle:
        key = cycle[idx % len(cycle)]
        group = leftovers[key]
        if not group:
            cycle.pop(idx % len(cycle))
            if not cycle:
                break
            idx = idx % len(cycle)
            continue
        selected.append(group.pop())
        remaining -= 1
        if not group:
            cycle.pop(idx % len(cycle))
            if cycle:
                idx = idx % len(cycle)
        else:
            idx = (idx + 1) % len(cycle)
    if remaining > 0:
        rest = [item for group in leftovers.values() for item in group]
        if rest:
            rng.shuffle(rest)
            selected.extend(rest[:remaining])
    return selected[:target]


def filter_pool(paths: list[Path], target: int, seed: int) -> tuple[list[tuple[Record, Record]], Counter[str]]:
    """pool_filtering.py: filter the shards (read in sorted file order) and downsample.

    Args:
        paths: Shard files from :func:`make_pool`.
        target: Downsampling target.
        seed: Seed of the downsampling (12345 there).

    Returns:
        ``(episode, meta record)`` pairs of the kept episodes, and counts of what was dropped.
    """
    meta_index: dict[str, Record] = {}
    for path in sorted(paths):
        for rec in read_jsonl(path.with_name(f"{path.stem}_meta.jsonl")):
            meta_index.setdefault(rec["fingerprint"], rec)
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    items: list[dict[str, Any]] = []
    for path in sorted(paths):
        for episode in read_jsonl(path):
            counts["raw"] += 1
            meta = episode.get("meta") or {}
            key = meta.get("fingerprint") or json.dumps(episode, sort_keys=True, separators=(",", ":"))
            if key in seen:
                counts["duplicate"] += 1
                continue
            seen.add(key)
            if not has_novel_solution(episode):
                counts["solution not novel"] += 1
            elif has_identity_pair(episode):
                counts["train identity pair"] += 1
            elif has_duplicate_pairs(episode):
                counts["train duplicate pair"] += 1
            elif flattened_length(episode) > MAX_FLATTENED:
                counts[f"flattened length > {MAX_FLATTENED}"] += 1
            else:
                full = meta_index[meta["fingerprint"]]
                observed = full["meta"]["coverage"]["observed_fraction"]
                items.append({"episode": episode, "meta": full, "lambda": float(meta["lambda"]), "obs": observed})
    counts["passed filters"] = len(items)
    lam = [it["lambda"] for it in items]
    obs = [it["obs"] for it in items]
    for it in items:
        it["key"] = (
            bin_index(it["lambda"], min(lam), max(lam), HIST_BINS),
            bin_index(it["obs"], min(obs), max(obs), HIST_BINS),
        )
    kept = stratified_downsample(items, target, random.Random(seed))
    counts["downsampled"] = len(kept)
    return [(it["episode"], it["meta"]) for it in kept], counts


# ---------------------------------------------------------------- 3. pool_sanity_check.py


def sanity_filter(records: list[Record], counts: Counter[str], stage: str) -> list[Record]:
    """pool_sanity_check.py's checks, dropping (and counting) what it would reject.

    Args:
        records: Episodes whose ``meta`` holds the full metadata.
        counts: Tally to add the dropped episodes to.
        stage: Label for the tally.

    Returns:
        The episodes that pass.
    """
    seen_fp: set[str] = set()
    seen_probe: set[str] = set()
    kept = []
    for rec in records:
        meta = rec["meta"]
        fp, probe = meta["fingerprint"], meta["probe_fingerprint"]
        morphology = meta.get("morphology") or {}
        lam = float(meta.get("lambda", 0.0) or 0.0)
        entropy = float(meta.get("avg_cell_entropy", 0.0) or 0.0)
        coverage = meta.get("coverage") or {}
        pathological = (morphology.get("absorbing") and lam < 0.02 and entropy < 0.02) or (
            int(coverage.get("observed_windows", 0) or 0) < 128
            and float(coverage.get("observed_fraction", 0.0) or 0.0) < 1e-4
        )
        if fp in seen_fp or probe in seen_probe:
            counts[f"{stage}: repeated fingerprint"] += 1
        elif pathological:
            counts[f"{stage}: pathological"] += 1
        else:
            seen_fp.add(fp)
            seen_probe.add(probe)
            kept.append(rec)
    return kept


# ---------------------------------------------------------------- 4. enrich_downsampled.py


def enrich(episode: Record, meta_record: Record) -> Record:
    """enrich_downsampled.py for one episode: rule table, entropy, mutual information, morphology.

    Args:
        episode: Pool episode (its ``meta`` is the short one).
        meta_record: Its ``{"fingerprint", "meta"}`` record from the shard's meta file.

    Returns:
        The enriched episode: ``train``, ``query``, ``solution``, ``meta``, ``rule_table``.
    """
    meta = meta_record["meta"]
    payload = meta.get("rule_table")
    if not isinstance(payload, dict):
        payload = reconstruct_rule_table_payload(meta, config=infer_dataset_config(meta))
    dense = deserialize_rule_table(payload)
    k, r, t = int(meta["alphabet_size"]), int(meta["radius"]), int(meta["steps"])
    seed = int(meta["episode_seed"])
    width, horizon = COMPLEXITY_ROLLOUT
    rng = random.Random(seed)
    init = [rng.randrange(k) for _ in range(width)]
    runner = AutomatonRunner(alphabet_size=k, radius=r, table=dense, rng_seed=rng.randrange(1 << 30))
    history = runner.evolve(init, timesteps=horizon, return_history=True)
    entropy = float(average_cell_entropy(history))
    morphology = quick_morphology_features(dense, k, r, t, width=width, horizon=horizon, rng=random.Random(seed))
    meta.update(
        {
            "schema_version": "1.0.2",
            "avg_cell_entropy": entropy,
            "entropy_bin": entropy_bin(entropy),
            "avg_mutual_information_d1": float(average_mutual_information(history, temporal_distance=1)),
            "morphology": morphology,
            "rule_table": payload,
        }
    )
    record = {
        "train": episode["train"],
        "query": episode["query"],
        "solution": episode["solution"],
        "meta": meta,
        "rule_table": meta["rule_table"],
    }
    return json.loads(json.dumps(record))  # the script hands it on through a JSONL file


# ---------------------------------------------------------------- 5. resample_highcov.py


def centered_window(seq: list[int], idx: int, width: int, wrap: bool) -> tuple[int, ...]:
    """The ``width`` cells centred on ``idx`` (wrapping, or zero-padded)."""
    half, n = width // 2, len(seq)
    if n == 0 or width <= 0:
        return ()
    if wrap:
        return tuple(int(seq[(idx - half + j) % n]) for j in range(width))
    return tuple(int(seq[j]) if 0 <= j < n else 0 for j in range(idx - half, idx + half + 1))


def train_windows(pairs: list[Record], width: int) -> dict[tuple[int, ...], int]:
    """Counts of the full windows inside the train inputs (no wrap-around)."""
    counts: dict[tuple[int, ...], int] = {}
    if width <= 0 or width % 2 == 0:
        return counts
    half = width // 2
    for pair in pairs:
        seq = pair.get("input", [])
        if len(seq) < width:
            continue
        for idx in range(half, len(seq) - half):
            win = tuple(int(seq[idx - half + j]) for j in range(width))
            counts[win] = counts.get(win, 0) + 1
    return counts


def query_windows(query: list[int], width: int, wrap: bool) -> dict[tuple[int, ...], int]:
    """Counts of the windows centred on every query cell."""
    counts: dict[tuple[int, ...], int] = {}
    if width <= 0 or width % 2 == 0:
        return counts
    for idx in range(len(query)):
        win = centered_window(query, idx, width, wrap)
        if win:
            counts[win] = counts.get(win, 0) + 1
    return counts


def resample_episode(record: Record) -> Record | None:
    """resample_highcov.py's ``resample_episode`` (target 0.5, tau cap 16, 200 attempts).

    Args:
        record: Enriched episode.

    Returns:
        The episode with redrawn train pairs, or None where the coverage target is not reached.
    """
    meta = dict(record["meta"])
    coverage = dict(meta.get("coverage", {}))
    length = int(coverage.get("cycle_length", meta.get("windows_total")))
    orig_train = record.get("train") or []
    train_examples = len(orig_train)
    window = int(meta["window"])
    half_window = int(meta.get("train_context", (window - 1) // 2))
    wrap = bool(meta.get("wrap", True))
    query_seq = [int(v) for v in record.get("query") or []]
    query_core_len = len(query_seq) - 2 * half_window
    query_core_len = max(1, query_core_len if query_core_len > 0 else window)
    query_time = int(meta.get("query_time", 0))
    query_start = int((meta.get("query_span") or {}).get("start", 0))
    query_counts = query_windows(query_seq, window, wrap)
    total_query = sum(query_counts.values())
    orig_spans = meta.get("train_spans") or []
    orig_core_lengths = meta.get("train_core_lengths") or []

    core_pool = [int(s.get("length", 0)) for s in orig_spans if isinstance(s, dict) and int(s.get("length", 0)) > 0]
    core_pool = core_pool or [int(v) for v in orig_core_lengths if int(v) > 0] or [query_core_len]
    taus = [int(s.get("time", 0)) for s in orig_spans if isinstance(s, dict)]
    taus = [tau for tau in taus if tau != query_time] or taus or [query_time]

    # build_episode_context
    steps = int(meta["steps"])
    tau_cap = max(min(UNROLL_TAU_MAX, 256 - steps), max([query_time, *taus], default=0))
    runner = AutomatonRunner(
        alphabet_size=int(meta["alphabet_size"]),
        radius=int(meta["radius"]),
        table=deserialize_rule_table(record["rule_table"]),
        rng_seed=int(meta.get("episode_seed", 0)),
    )
    cycle = de_bruijn_cycle(int(meta["alphabet_size"]), window)
    construction = meta.get("construction", "cycle")
    horizon = steps + 1 if construction == "cycle" else max(0, tau_cap) + steps + 1
    history = [[int(v) for v in row] for row in runner.evolve(cycle, timesteps=horizon, return_history=True)]

    def slice_pair(start: int, tau: int, span_len: int) -> tuple[list[int], list[int]]:
        if construction == "cycle":
            source, target = history[0], history[steps]
        else:
            tau = min(max(0, tau), len(history) - steps - 1)
            source, target = history[tau], history[tau + steps]
        width = span_len + 2 * half_window
        x = ring_slice(source, start - half_window, width)
        y = ring_slice(target, start - half_window, width)
        return [int(v) for v in x], [int(v) for v in y]

    rng_seed = int(meta.get("episode_seed", 0))
    fingerprint = meta.get("fingerprint")
    if isinstance(fingerprint, str):
        try:
            rng_seed ^= int(fingerprint[:16], 16)
        except ValueError:
            pass
    rng = random.Random(rng_seed)
    seen_segments: set[tuple[int, int, int]] = set()

    def choose_core_len() -> int:
        return min(length, max(1, core_pool[rng.randrange(len(core_pool))]))

    def sample_segment(core_len: int, allow_duplicates: bool) -> tuple[Record, dict[str, int]] | None:
        for _ in range(16):
            start = rng.randrange(max(1, length))
            tau = rng.choice(taus)
            key = (start % max(1, length), tau, core_len)
            if not allow_duplicates and key in seen_segments:
                continue
            x, y = slice_pair(start, tau, core_len)
            if not allow_duplicates:
                seen_segments.add(key)
            return {"input": x, "output": y}, {"start": int(start % max(1, length)), "length": core_len, "time": tau}
        return None

    new_train: list[Record] = []
    new_spans: list[dict[str, int]] = []
    core_lengths: list[int] = []
    needed = total_query > 0 and train_examples > 0
    covered_weighted = 0.0
    covered: set[tuple[int, ...]] = set()
    attempts = 0
    while needed and attempts < RESAMPLE_ATTEMPTS and len(new_train) < train_examples:
        attempts += 1
        sampled = sample_segment(choose_core_len(), allow_duplicates=False)
        if sampled is None:
            continue
        pair, span = sampled
        if pair["input"] == query_seq:
            continue
        fresh = [win for win in train_windows([pair], window) if win in query_counts and win not in covered]
        if not fresh:
            continue
        new_train.append(pair)
        new_spans.append(span)
        core_lengths.append(int(span["length"]))
        for win in fresh:
            covered.add(win)
            covered_weighted += query_counts[win]
        if covered_weighted / total_query >= TARGET_COVERAGE:
            break
    weighted_cov = 1.0 if total_query == 0 else covered_weighted / total_query
    if needed and weighted_cov + 1e-9 < TARGET_COVERAGE:
        return None

    remaining = max(0, train_examples - len(new_train))
    for idx, pair in enumerate(orig_train):
        if remaining == 0:
            break
        input_seq = [int(v) for v in pair.get("input") or []]
        if input_seq == query_seq:
            continue
        span = orig_spans[idx] if idx < len(orig_spans) else None
        if idx < len(orig_core_lengths) and int(orig_core_lengths[idx]) > 0:
            default_length = int(orig_core_lengths[idx])
        else:
            default_length = max(1, len(input_seq) - 2 * half_window)
        if isinstance(span, dict):
            span = {
                "start": int(span.get("start", 0)),
                "length": int(span.get("length", default_length)),
                "time": int(span.get("time", 0)),
            }
        else:
            span = {"start": query_start, "length": default_length, "time": query_time}
        new_train.append({"input": input_seq, "output": [int(v) for v in pair.get("output") or []]})
        new_spans.append(span)
        core_lengths.append(int(span["length"]))
        remaining -= 1
    if remaining > 0:
        fallback_attempts = 0
        while remaining > 0 and fallback_attempts < max(remaining * 20, 64):
            fallback_attempts += 1
            sampled = sample_segment(choose_core_len(), allow_duplicates=True)
            if sampled is None:
                continue
            pair, span = sampled
            if pair["input"] == query_seq:
                continue
            new_train.append(pair)
            new_spans.append(span)
            core_lengths.append(int(span["length"]))
            remaining -= 1
        if remaining > 0:
            return None
    if len(new_train) != train_examples:
        return None

    half = window // 2
    windows = (
        tuple(s[i - half : i + half + 1])
        for s in (p["input"] for p in new_train)
        if len(s) >= window
        for i in range(half, len(s) - half)
    )
    observed = len(set(windows))
    counts = train_windows(new_train, window)
    if total_query > 0:
        weighted_cov = sum(c for win, c in query_counts.items() if counts.get(win, 0) > 0) / total_query
        avg_depth = sum(counts.get(win, 0) for win in query_counts) / max(1, len(query_counts))
        unique_cov = len(set(query_counts) & set(counts)) / max(1, len(set(query_counts)))
    else:
        weighted_cov, avg_depth, unique_cov = 1.0, math.nan, math.nan
    if weighted_cov + 1e-9 < TARGET_COVERAGE and total_query > 0:
        return None
    coverage.update(
        {
            "fraction": float(min(1.0, sum(core_lengths) / max(1, length))),
            "windows": int(min(length, sum(core_lengths))),
            "segments": len(new_train),
            "mode": "resampled_sampling",
            "query_within_coverage": bool(weighted_cov >= TARGET_COVERAGE or total_query == 0),
            "observed_windows": observed,
            "observed_fraction": float(observed / max(1, meta.get("windows_total", 1))),
        }
    )
    meta["train_core_lengths"] = core_lengths
    meta["train_spans"] = new_spans
    meta["coverage"] = coverage
    meta["query_window_coverage_weighted"] = float(weighted_cov)
    meta["query_window_coverage_unique"] = None if math.isnan(unique_cov) else float(unique_cov)
    meta["query_window_avg_depth"] = None if math.isnan(avg_depth) else float(avg_depth)
    return json.loads(json.dumps({**record, "train": new_train, "meta": meta}))


# ---------------------------------------------------------------- 6. split_pool.py


def ncd(a: list[int], b: list[int]) -> float | None:
    """Normalised compression distance (zlib level 9) of two sequences."""
    xa, xb = bytes(int(v) % 256 for v in a), bytes(int(v) % 256 for v in b)
    if not xa and not xb:
        return None
    ca, cb, cab = (len(zlib.compress(p, level=9)) for p in (xa, xb, xa + xb))
    denom = max(ca, cb)
    return None if denom == 0 else (cab - min(ca, cb)) / denom


def augment(record: Record) -> float | None:
    """split_pool.py's ``augment_record``: annotate the query-window coverage; None if under the threshold.

    Args:
        record: Resampled episode (its meta is updated in place).

    Returns:
        The weighted query-window coverage, or None where it is below 0.5.
    """
    meta = record.get("meta") or {}
    width, wrap = int(meta.get("window", 0)), bool(meta.get("wrap", True))
    train, query = record.get("train") or [], record.get("query") or []
    counts = train_windows(train, width)  # windows are odd, so this matches split_pool.py's version
    q_counts: dict[tuple[int, ...], int] = {}
    for idx in range(len(query) if width > 0 else 0):
        win = centered_window(query, idx, width, wrap)
        q_counts[win] = q_counts.get(win, 0) + 1
    total = sum(q_counts.values())
    if total > 0:
        weighted = sum(c for win, c in q_counts.items() if win in counts) / total
        avg_depth = sum(counts.get(win, 0) for win in q_counts) / len(q_counts)
    else:
        weighted, avg_depth = 0.0, math.nan
    if weighted < COVERAGE_THRESHOLD:
        return None
    unique = len(set(q_counts) & set(counts)) / len(set(q_counts)) if q_counts else math.nan
    flat = [v for pair in train for v in (*pair.get("input", []), *pair.get("output", []))] + list(query)
    meta["schema_version"] = "1.0.2"
    meta["coverage_windows"] = (meta.get("coverage") or {}).get("windows")
    meta["query_window_coverage_weighted"] = weighted
    meta["query_window_coverage_unique"] = None if math.isnan(unique) else unique
    meta["query_window_avg_depth"] = None if math.isnan(avg_depth) else avg_depth
    meta["ncd_train_query_solution"] = ncd(flat, record.get("solution") or [])
    for table in (meta.get("rule_table"), record.get("rule_table")):
        if isinstance(table, dict):
            table["format_version"] = "1.0.2"
    return weighted


def normalised_ranks(values: list[float], reverse: bool) -> list[float]:
    """Rank of each value (stable sort, NaN last) divided by ``n - 1``."""
    n = len(values)
    if n <= 1:
        return [0.0] * n
    order = sorted(range(n), key=lambda i: float("inf") if math.isnan(values[i]) else values[i], reverse=reverse)
    ranks = [0] * n
    for rank, i in enumerate(order):
        ranks[i] = rank
    return [rank / (n - 1) for rank in ranks]


def split(records: list[Record], test: int, val: int, seed: int) -> dict[str, list[Record]]:
    """split_pool.py's ``main``: extrapolation = lowest combined rank, the rest shuffled into train/val/interpolation.

    Args:
        records: Resampled episodes.
        test: Size of each test split.
        val: Size of the validation split.
        seed: Shuffle seed (12345 there).

    Returns:
        ``train``, ``val``, ``test_interpolation`` and ``test_extrapolation`` episodes.
    """
    kept, cov = [], []
    for rec in records:
        weighted = augment(rec)
        if weighted is not None:
            kept.append(rec)
            cov.append(weighted)
    c = normalised_ranks(cov, reverse=False)
    lam = normalised_ranks([float(r["meta"].get("lambda", 0.0) or 0.0) for r in kept], reverse=True)
    ent = normalised_ranks([float(r["meta"].get("avg_cell_entropy", 0.0) or 0.0) for r in kept], reverse=True)
    score = [(c[i] + lam[i] + ent[i]) / 3.0 for i in range(len(kept))]
    order = sorted(range(len(kept)), key=lambda i: score[i])
    train_count = len(kept) - test - val - test  # the published run put everything left over into train
    if train_count < 0:
        raise SystemExit(f"only {len(kept)} episodes reached step 6; need {2 * test + val}: raise --pool")
    extrap, rest = order[:test], order[test:]
    random.Random(seed).shuffle(rest)
    pick = [kept[i] for i in rest]
    return {
        "train": pick[:train_count],
        "val": pick[train_count : train_count + val],
        "test_interpolation": pick[train_count + val : train_count + val + test],
        "test_extrapolation": [kept[i] for i in extrap],
    }


# ---------------------------------------------------------------- output and statistics


def write_split(records: list[Record], path: Path) -> None:
    """Write a split as JSONL (with ``id`` = fingerprint, as cellarc_100k_meta has it), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps({**rec, "id": rec["meta"]["fingerprint"]}, separators=(",", ":")) + "\n")
    os.replace(tmp, path)


def shares(values: list[Any], keys: list[Any]) -> str:
    """Percentages of ``values`` equal to each of ``keys``, joined by '/'."""
    n = max(1, len(values))
    return "/".join(f"{100 * sum(v == key for v in values) / n:.1f}" for key in keys)


def describe(records: list[Record]) -> dict[str, str]:
    """The published statistics, measured on ``records``."""
    metas = [r["meta"] for r in records]
    cov = [m["coverage"]["fraction"] for m in metas]
    lengths = [len(p["input"]) for r in records for p in r["train"]]
    return {
        "episodes": f"{len(records):,}",
        "radius": shares([m["radius"] for m in metas], [1, 2, 3]),
        "window": shares([m["window"] for m in metas], [3, 5, 7]),
        "steps1": shares([m["steps"] for m in metas], [1]),
        "steps": shares([m["steps"] for m in metas], [1, 2, 3]),
        "cov_mean": f"{statistics.fmean(cov):.3f}",
        "cov_range": f"{min(cov):.3f} / {max(cov):.3f}",
        "qcov": f"{statistics.fmean(m['query_window_coverage_weighted'] for m in metas):.3f}",
        "lambda": f"{statistics.fmean(m['lambda'] for m in metas):.3f}",
        "entropy": f"{statistics.fmean(m['avg_cell_entropy'] for m in metas):.3f}",
        "length": f"{statistics.median(lengths):g} [{min(lengths)}, {max(lengths)}]",
        "k": shares([m["alphabet_size"] for m in metas], [2, 3, 4, 5, 6]),
        "family": shares([m["family"] for m in metas], FAMILIES),
        "construction": shares([m["construction"] for m in metas], CONSTRUCTIONS),
    }


ROWS = [
    ("episodes", "episodes"),
    ("radius", "radius 1/2/3 (%)"),
    ("window", "window 3/5/7 (%)"),
    ("steps1", "steps t=1 (%)"),
    ("steps", "steps t=1/2/3 (%)"),
    ("k", "k=2/3/4/5/6 (%)"),
    ("cov_mean", "coverage fraction mean"),
    ("cov_range", "coverage fraction min / max"),
    ("qcov", "query-window coverage mean"),
    ("lambda", "lambda mean"),
    ("entropy", "cell entropy mean (bits)"),
    ("length", "train length median [min, max]"),
    ("family", "family rnd/tot/outer/o-i/thr/lin (%)"),
    ("construction", "cycle/unrolled/hybrid (%)"),
]


def print_table(columns: list[tuple[str, dict[str, str]]]) -> None:
    """Print the statistics side by side, one column per split."""
    widths = [max(len(name), *(len(col.get(key, "")) for key, _ in ROWS)) for name, col in columns]
    label_width = max(len(label) for _, label in ROWS)
    print(" " * label_width + "  " + "  ".join(name.ljust(w) for (name, _), w in zip(columns, widths, strict=True)))
    for key, label in ROWS:
        cells = [col.get(key, "-").ljust(w) for (_, col), w in zip(columns, widths, strict=True)]
        print(label.ljust(label_width) + "  " + "  ".join(cells))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("data/cellarc"), help="folder for the two JSONL files")
    ap.add_argument("--pool", type=int, default=9720, help="raw episodes to generate (published: ~510,000)")
    ap.add_argument("--test", type=int, default=200, help="episodes in each test split (published: 1,000)")
    ap.add_argument("--val", type=int, default=None, help="episodes in the val split (default: --test)")
    ap.add_argument(
        "--downsample-target",
        type=int,
        default=None,
        help="pool_filtering.py --target (default: pool x 110,000 / 510,000, the published ratio)",
    )
    ap.add_argument("--shards", type=int, default=6, help="mixed shard rounds (6: the 36 mixed shards of the release)")
    ap.add_argument("--seed", type=int, default=12345, help="seed of every step (published: 12345)")
    ap.add_argument("--coverage-min", type=float, default=0.05)
    ap.add_argument("--coverage-max", type=float, default=0.95)
    ap.add_argument(
        "--coverage-sampler",
        choices=["uniform", "mixture"],
        default="uniform",
        help="uniform in [--coverage-min, --coverage-max] as documented, or make_pool.py's earlier mixture",
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the pipeline and write the two test splits."""
    args = parse_args(argv)
    val = args.test if args.val is None else args.val
    target = args.downsample_target or round(args.pool * PUBLISHED_DOWNSAMPLE / PUBLISHED_POOL)
    n_shards = len(shard_plan(args.shards))
    print(
        f"cellarc_splits: pool {args.pool} raw episodes in {n_shards} shards of {math.ceil(args.pool / n_shards)}, "
        f"downsample target {target}, test {args.test} each, val {val}, seed {args.seed}"
    )
    timings: dict[str, float] = {}
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="cellarc_pool_") as tmp:
        t0 = time.perf_counter()
        sampler = coverage_sampler(args.coverage_sampler, args.coverage_min, args.coverage_max)
        paths = make_pool(args.pool, args.shards, args.seed, sampler, Path(tmp))
        timings["1 pool generation"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        pairs, filter_counts = filter_pool(paths, target, args.seed)
        counts.update(filter_counts)
        timings["2 filtering and downsampling"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    checked = sanity_filter([{**ep, "meta": {**meta["meta"], **ep["meta"]}} for ep, meta in pairs], counts, "check 1")
    keep = {rec["meta"]["fingerprint"] for rec in checked}
    enriched = [enrich(ep, meta) for ep, meta in pairs if ep["meta"]["fingerprint"] in keep]
    enriched = sanity_filter(enriched, counts, "check 2")
    timings["3-4 sanity checks and enrichment"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    resampled = [rec for rec in (resample_episode(r) for r in enriched) if rec is not None]
    counts["resampled to coverage >= 0.5"] = len(resampled)
    timings["5 coverage resampling"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    splits = split(resampled, args.test, val, args.seed)
    kept = sum(len(v) for v in splits.values())
    counts["kept at step 6"] = kept
    write_split(splits["test_interpolation"], args.out / "cellarc_interpolation.jsonl")
    write_split(splits["test_extrapolation"], args.out / "cellarc_extrapolation.jsonl")
    timings["6 split and write"] = time.perf_counter() - t0

    print("\nepisodes through the pipeline:")
    for key, value in counts.items():
        print(f"  {key}: {value}")
    print("\nseconds per step:")
    for key, value in timings.items():
        print(f"  {key}: {value:.1f}")
    print(f"  total: {sum(timings.values()):.1f} ({args.pool / timings['1 pool generation']:.1f} raw episodes/s)")
    sizes = ", ".join(f"{name} {len(recs)}" for name, recs in splits.items())
    print(f"\nsplits: {sizes}")
    print(
        f"extrapolation = lowest-ranked {args.test} of {kept} kept ({100 * args.test / kept:.1f} %; "
        f"published 1,000 of 98,317 = 1.0 %)\n"
    )
    everything = [rec for recs in splits.values() for rec in recs]
    print_table(
        [
            ("interpolation", describe(splits["test_interpolation"])),
            ("extrapolation", describe(splits["test_extrapolation"])),
            ("all kept", describe(everything)),
            ("published (all)", PUBLISHED_GLOBAL),
            ("published (extrap.)", PUBLISHED_EXTRAP),
        ]
    )
    print(f"\nwrote {args.out / 'cellarc_interpolation.jsonl'} and {args.out / 'cellarc_extrapolation.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
