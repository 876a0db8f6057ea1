"""CellARC's episodes: read in the cellarc package's format, answered, the determined tokens told apart."""

import json
from pathlib import Path

import numpy as np
import pytest

from lifelab.benchmarks import cellarc, read_episodes, score_episode
from lifelab.errors import InputError
from lifelab.rules import OneDRule

EPISODES = Path(__file__).parent / "fixtures" / "cellarc_episodes.jsonl"


def _episode(rule: OneDRule, rows: np.ndarray, query: np.ndarray, split: str = "interpolation") -> dict:
    step = lambda row: rule.step(row[None, None])[0, 0].astype(int).tolist()  # noqa: E731
    return {
        "train": [{"input": r.tolist(), "output": step(r)} for r in rows],
        "query": query.tolist(),
        "solution": step(query),
        "meta": {"split": split},
    }


def test_the_committed_episodes_are_cellarc_s_and_never_claim_a_wrong_answer():
    episodes = read_episodes(EPISODES)
    assert {e["split"] for e in episodes} == {"interpolation", "extrapolation"}
    report = cellarc(EPISODES)
    for split in ("interpolation", "extrapolation"):
        row = report.row("table", split)
        assert row["episodes"] == 10
        assert row["episodes determined"] == 0.0  # a query's end tokens follow cells the episode does not show
        assert row["tokens determined"] * row["right if determined"] <= row["per-token accuracy"]
    assert "De Bruijn solver (published)" in report.table()


def test_per_token_accuracy_and_the_ceiling_on_hand_made_episodes(tmp_path):
    rule = OneDRule.from_wolfram(90)
    rng = np.random.default_rng(0)
    seen = _episode(rule, rng.integers(0, 2, (5, 24)), rng.integers(0, 2, 12))  # every window of rule 90 shows
    lonely = _episode(rule, np.array([[0, 0, 0, 0, 0, 0]] * 5), np.array([1, 0, 0, 0, 0, 0, 0, 0]))
    path = tmp_path / "episodes.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in (seen, lonely)) + "\n")
    row = cellarc(path).row("table")
    # the first query's 10 inner tokens are determined (every window of rule 90 shows inside the pairs), its 2 end
    # tokens are guessed as a ring, right; the second's pairs show only 000: its tokens 2-6 are determined, 1
    # (window 100) and the ends are guessed 0 (the only output shown), right at the end 0 (window 010) only
    assert row["tokens determined"] == 15 / 20 and row["right if determined"] == 1.0 and row["wrong claims"] == 0
    assert row["right if undetermined"] == 3 / 5 and row["per-token accuracy"] == 18 / 20
    assert row["episodes determined"] == 0.0 and row["episode accuracy"] == 0.5
    scored = score_episode(lonely)
    assert scored["determined"].tolist() == [False, False, True, True, True, True, True, False]


def test_the_network_guesses_what_the_pairs_leave_open():
    rule = OneDRule.from_wolfram(30)
    rng = np.random.default_rng(1)
    episode = _episode(rule, rng.integers(0, 2, (5, 8)), rng.integers(0, 2, 16))
    table, network = score_episode(episode, "table"), score_episode(episode, "network", seed=0)
    assert np.array_equal(table["determined"], network["determined"])
    decided = table["determined"]
    assert np.array_equal(table["answer"][decided], network["answer"][decided])


def test_bad_episode_files_are_refused_by_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"train": [], "query": [0], "solution": [0]}\n{"query": 1}\n')
    with pytest.raises(InputError, match="line 1: no pairs, or a pair or the query"):
        read_episodes(path)
    with pytest.raises(InputError, match="split is one of"):
        read_episodes(EPISODES, split="train")
    with pytest.raises(InputError, match="cellarc package|no such file"):
        cellarc(tmp_path / "missing.jsonl")
