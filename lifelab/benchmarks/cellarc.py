"""CellARC's few-shot episodes: five pairs of 1-D rows and a query, answer the query's next row.

CellARC (Lžičař et al., arXiv 2511.07908; the ``cellarc`` package on PyPI, the data on Hugging Face as
``mireklzicar/cellarc_100k``) draws 1-D cellular automata of 2-6 colours and radius 1-3 on a ring; each
episode shows 5 pairs (a row and the row ``t`` steps later, mostly ``t = 1``) and asks for the query row's
answer.  Its metric is the per-token accuracy on the query, pooled over a split's tokens; its test splits are
1,000 episodes each, *interpolation* (in distribution) and *extrapolation* (the episodes of lowest window
coverage, highest lambda and entropy).  Published per-token accuracies (interpolation / extrapolation): a
10M-parameter transformer 58.0 / 32.4, GPT-5 High 62.3 / 48.1 (on 100-episode subsets), an ensemble 65.4 /
35.5 (the paper's abstract), a De Bruijn symbolic solver 52.5 / 29.8 (the baselines' results file).

Each pair is a stretch cut from a longer row (a de Bruijn cycle), and so is the query: a cell within ``r * t`` of
a stretch's end follows cells the episode does not show.  (Checked against the generator's own rule tables on
200 episodes of each split: the pairs' and the query's inner cells always follow the rule read as a ring; their
end cells only in 31% / 20% of the pairs, and 79% / 58% of the queries' end tokens.)  lifelab reads each episode with
:func:`~lifelab.evidence.decide_1d` on the pairs' inner windows (``boundary="open"``): the pairs' map is taken to
be a 1-D rule of the smallest radius (up to 3) under which no window goes two ways, of the colours the episode
shows.  A query token is **determined** when its window lies inside the query and appears inside a pair: the
identifiability ceiling, per token, no paper reports; no episode's whole answer is determined, since its end
tokens never are.  The other tokens are guessed: the query read as a ring, a window the pairs leave open by the
most frequent output colour (``table``) or by a 1-D network fitted to the pairs (``network``, its reading
projected onto the verdict's family).  Episodes are read from a JSONL file in the ``cellarc`` package's own
format; ``bench/cellarc_splits.py`` draws them with the package in an environment of its own (``cellarc[all]``
runs CAX on JAX, whose releases that ``cellarc`` works with need numpy 2, which lifelab's pins exclude).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lifelab.benchmarks.base import BenchmarkReport, Published, check_learners, share
from lifelab.errors import InputError
from lifelab.evidence import decide_1d
from lifelab.learning import fit_1d, read_1d
from lifelab.utils import check_int, progress_bar

__all__ = ["CELLARC_LEARNERS", "CELLARC_METRICS", "CELLARC_SPLITS", "cellarc", "read_episodes", "score_episode"]

#: The learners the benchmark runs.
CELLARC_LEARNERS = ("table", "network")

#: CellARC's test splits.
CELLARC_SPLITS = ("interpolation", "extrapolation")

#: The metrics, defined.
CELLARC_METRICS = {
    "per-token accuracy": "CellARC's: the query answer's tokens right, pooled over the split's tokens",
    "episode accuracy": "the share of episodes whose whole query answer is right",
    "tokens determined": "the identifiability ceiling: the share of query tokens the episode determines (their "
    "window lies inside the query and appears inside a pair, under the smallest radius the pairs allow)",
    "right if determined": "per-token accuracy on the determined tokens",
    "right if undetermined": "per-token accuracy on the others (guessed)",
    "episodes determined": "the share of episodes whose whole answer is determined",
    "wrong claims": "determined tokens answered wrong (the assumed radius was too small)",
}

#: The published per-token accuracies, by split.
CELLARC_PUBLISHED = {
    split: (
        Published("transformer (10M)", "per-token accuracy", values[0], "arXiv 2511.07908, abstract", split),
        Published(
            "GPT-5 High", "per-token accuracy", values[1], "arXiv 2511.07908, abstract", f"{split}, 100-episode subset"
        ),
        Published("ensemble", "per-token accuracy", values[2], "arXiv 2511.07908, abstract", split),
        Published(
            "De Bruijn solver",
            "per-token accuracy",
            values[3],
            "CellARC baselines, results/symbolic/symbolic_baselines_summary.csv",
            split,
        ),
    )
    for split, values in (
        ("interpolation", (0.580, 0.623, 0.654, 0.525)),
        ("extrapolation", (0.324, 0.481, 0.355, 0.298)),
    )
}

#: The largest episodes file read.
MAX_EPISODES_BYTES = 1 << 30

#: The radius the pairs' map is searched up to (CellARC's largest).
MAX_RADIUS = 3


def read_episodes(path, split: str | None = None, limit: int | None = None) -> list[dict]:
    """CellARC episodes from a JSONL file in the ``cellarc`` package's format (one episode a line).

    Args:
        path: The file.
        split: Keep the episodes of this split only (an episode's ``split``, at the top or in its ``meta``); a file
            whose episodes name no split is taken to be all of this one.
        limit: Keep at most this many.

    Returns:
        The episodes: dicts with ``train`` (pairs ``{"input": [...], "output": [...]}``), ``query``,
        ``solution`` and ``meta``.

    Raises:
        InputError: For a missing or oversized file, a line that is not an episode, or an unknown split.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size > MAX_EPISODES_BYTES:
        raise InputError(f"{path}: {path.stat().st_size:,} bytes, more than an episodes file ({MAX_EPISODES_BYTES:,})")
    if split is not None and split not in CELLARC_SPLITS:
        raise InputError(f"a CellARC split is one of {', '.join(CELLARC_SPLITS)}, got {split!r}")
    episodes = []
    with path.open() as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                episode = json.loads(line)
                pairs = [(list(p["input"]), list(p["output"])) for p in episode["train"]]
                query, solution = list(episode["query"]), list(episode["solution"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}: line {number} is not a CellARC episode ({exc!r})") from None
            if not pairs or len(query) != len(solution) or any(len(a) != len(b) for a, b in pairs):
                raise InputError(f"{path}: line {number}: no pairs, or a pair or the query changes length")
            episodes.append(episode)
    if split is not None and any(_split(e) is not None for e in episodes):
        episodes = [e for e in episodes if _split(e) == split]
    elif split is not None:  # a file of one split, named by the caller
        episodes = [{**e, "split": split} for e in episodes]
    episodes = [{**e, "split": _split(e)} for e in episodes]
    return episodes if limit is None else episodes[:limit]


def score_episode(episode: dict, learner: str = "table", seed: int = 0) -> dict:
    """One episode answered: the answer, which tokens the pairs determine, the verdict.

    Args:
        episode: A CellARC episode (:func:`read_episodes`).
        learner: One of :data:`CELLARC_LEARNERS`.
        seed: The network's seed.

    Returns:
        ``{"answer", "determined" (bool per token), "right" (bool per token), "verdict"}``.

    Examples:
        >>> episode = {"train": [{"input": [0, 1, 1, 0, 1], "output": [1, 1, 0, 1, 1]}],
        ...            "query": [1, 1, 0, 1, 1], "solution": [1, 0, 1, 1, 1]}
        >>> scored = score_episode(episode)
        >>> scored["determined"].tolist(), scored["right"][scored["determined"]].tolist()
        ([False, True, True, True, False], [True, True, True])
    """
    check_learners((learner,), CELLARC_LEARNERS)
    pairs = [(np.asarray(p["input"], np.int64), np.asarray(p["output"], np.int64)) for p in episode["train"]]
    query = np.asarray(episode["query"], np.int64)
    states = max(int(max(query.max(), *(max(a.max(), b.max()) for a, b in pairs))) + 1, 2)
    verdict = decide_1d(pairs, states=states, radius="auto", boundary="open", max_radius=MAX_RADIUS)
    if verdict.rung == "inconsistent":
        guess = np.full(len(query), np.bincount(np.concatenate([b for _, b in pairs])).argmax())
        return {"answer": guess, "determined": np.zeros(len(query), bool), "right": guess == solution_of(episode)}
    if learner == "network":
        reading = read_1d(fit_1d(pairs, verdict.states, verdict.radius, seed=seed, boundary="open"))
    else:  # the most frequent next state the pairs show, for every window they leave open
        following = np.concatenate([b for _, b in pairs])
        reading = np.full(verdict.known.size, np.bincount(following, minlength=states).argmax())
    answer, determined = verdict.predict(query)
    guessed = verdict.member(reading).step(query[None, None])[0, 0]  # open tokens: the query read as a ring
    answer = np.where(determined, answer, guessed)
    return {"answer": answer, "determined": determined, "right": answer == solution_of(episode), "verdict": verdict}


def solution_of(episode: dict) -> np.ndarray:
    """An episode's true answer to its query."""
    return np.asarray(episode["solution"], np.int64)


def cellarc(
    path,
    episodes: int | None = None,
    split: str | None = None,
    learners=("table",),
    *,
    seed: int = 0,
    progress: bool = False,
) -> BenchmarkReport:
    """CellARC's few-shot episodes answered by lifelab, beside the published per-token accuracies.

    Args:
        path: A JSONL file of episodes in the ``cellarc`` package's format (``bench/cellarc_splits.py`` draws them
            and cuts the test splits; an episode's ``split`` key, at the top or in its ``meta``, names its split).
        episodes: How many episodes of each split to run (default: all in the file).
        split: The split to run, one of :data:`CELLARC_SPLITS` (default: every split in the file, a row each).
        learners: Any of :data:`CELLARC_LEARNERS`.
        seed: The networks' seed.
        progress: Show a progress bar over the episodes.

    Returns:
        The :class:`~lifelab.benchmarks.base.BenchmarkReport`: a row per learner and split.

    Raises:
        InputError: For an unknown learner or split, or a bad file.

    Examples:
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> from lifelab.benchmarks import cellarc
        >>> episode = {"train": [{"input": [0, 1, 1, 0, 1, 0, 0, 1], "output": [1, 1, 0, 1, 1, 1, 0, 1]}] * 5,
        ...            "query": [1, 0, 1, 0, 0], "solution": [0, 1, 1, 1, 1], "meta": {"split": "interpolation"}}
        >>> path = Path(tempfile.mkdtemp()) / "episodes.jsonl"
        >>> _ = path.write_text(json.dumps(episode) + "\\n")
        >>> row = cellarc(path).row("table")
        >>> row["tokens determined"], row["right if determined"], row["wrong claims"]
        (0.6, 1.0, 0)
    """
    learners = check_learners(learners, CELLARC_LEARNERS)
    limit = None if episodes is None else check_int("episodes", episodes, 1)
    found = read_episodes(path, split)
    names = [split] if split is not None else [s for s in CELLARC_SPLITS if any(_split(e) == s for e in found)]
    groups = {name: [e for e in found if _split(e) == name][:limit] for name in names} or {"all": found[:limit]}
    report = BenchmarkReport(
        "cellarc",
        "CellARC's few-shot 1-D episodes: five pairs and a query",
        dict(CELLARC_METRICS),
        published=[fig for name in groups for fig in CELLARC_PUBLISHED.get(name, ())],
        assumptions=[
            "each pair is a stretch of a longer row: a window reaching past its ends is not observed (the "
            "generator's rule tables confirm it: the pairs' inner cells always follow them, their ends only sometimes)",
            "the pairs' map is a 1-D rule of the smallest radius (1 to 3) under which no window goes two ways",
            "its colours are those the episode shows (the highest, plus one)",
            "a query token whose window reaches past the query's ends, or that no pair shows, is guessed: the "
            "query read as a ring, open windows by the most frequent output colour (table) or the network's "
            "reading (network)",
        ],
    )
    for name, chosen in groups.items():
        if not chosen:
            raise InputError(f"{path}: no episodes of the {name} split")
        for learner in learners:
            tokens = right = decided = right_decided = exact = whole = 0
            with progress_bar(len(chosen), f"{learner}, {name}", enabled=progress, unit="episode") as bar:
                for i, episode in enumerate(chosen):
                    scored = score_episode(episode, learner, seed + i)
                    hits, known = scored["right"], scored["determined"]
                    tokens += hits.size
                    right += int(hits.sum())
                    decided += int(known.sum())
                    right_decided += int(hits[known].sum())
                    exact += bool(hits.all())
                    whole += bool(known.all())
                    bar.update()
            report.rows.append(
                {
                    "learner": learner,
                    "condition": name,
                    "episodes": len(chosen),
                    "per-token accuracy": share(right, tokens),
                    "episode accuracy": share(exact, len(chosen)),
                    "tokens determined": share(decided, tokens),
                    "right if determined": share(right_decided, decided),
                    "right if undetermined": share(right - right_decided, tokens - decided),
                    "episodes determined": share(whole, len(chosen)),
                    "wrong claims": decided - right_decided,
                }
            )
    return report


def _split(episode: dict) -> str | None:
    """An episode's split, named as :data:`CELLARC_SPLITS` names it (the release's ``test_`` prefix dropped)."""
    name = episode.get("split", episode.get("meta", {}).get("split"))
    return name.removeprefix("test_") if isinstance(name, str) else None
