"""The field's protocols: each a small run with its metrics checked on hand-made cases."""

import json
import math
import sys

import numpy as np
import pytest

from lifelab import simulate
from lifelab.benchmarks import BenchmarkReport, automatagpt, automatagpt_episode, lifegpt
from lifelab.cli import main
from lifelab.errors import InputError
from lifelab.evidence import Evidence, decide
from lifelab.rules import Rule


def test_an_automatagpt_episode_is_a_16x16_torus_pair_of_a_moore_rule():
    rule, pair, density = automatagpt_episode(3, 0.5)
    assert pair.shape == (1, 2, 16, 16) and density == 0.5
    assert np.array_equal(simulate(rule, pair[:, 0], 1), pair)
    assert rule.bs_view("moore") is not None
    assert automatagpt_episode(3, 0.5)[0] == rule  # the same seed, the same episode


def test_automatagpt_ten_episodes_never_claim_a_wrong_rule():
    report = automatagpt(episodes=10, densities=(0.5, "broad"))
    for row in report.rows:
        assert row["wrong claims"] == 0 and row["episodes"] == 10
        assert row["exact rule match"] >= row["determined"]
        assert math.isnan(row["right if determined"]) or row["right if determined"] == 1.0
    assert "82.0%" in report.table() and "| lifelab table | density 0.5 | 10 |" in report.table()


def test_automatagpt_metrics_on_hand_made_readings(monkeypatch):
    module = sys.modules["lifelab.benchmarks.automatagpt"]

    def truth(learner, pair, seed, device):  # episode i has seed i: read its true rule
        return automatagpt_episode(seed)[0], False

    monkeypatch.setattr(module, "_read", truth)
    row = automatagpt(episodes=4).row("table", "broad density")
    assert row["exact rule match"] == row["functional accuracy"] == row["one-step forecast"] == 1.0
    assert row["determined"] == 0.0 and row["right if undetermined"] == 1.0

    def life(learner, pair, seed, device):  # a reading that is Life, whatever the pair, claimed determined
        return Rule.parse("B3/S23"), True

    monkeypatch.setattr(module, "_read", life)
    row = automatagpt(episodes=4).row("table", "broad density")
    assert row["exact rule match"] == 0.0 and row["wrong claims"] == 4 and row["functional accuracy"] < 1.0


def test_lifegpt_forecasts_its_own_test_boards():
    report = lifegpt(train_boards=2)
    row = report.row("table", "2 training pairs")
    assert row["episodes"] == 10 and row["test file determines"] == 1.0
    assert 0.9 < row["forecast accuracy"] <= 1.0 and row["perfect forecasts"] <= 1.0


def test_lifegpt_accuracy_is_one_minus_mismatches_over_cells(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    boards = simulate("B36/S23", rng.random((2, 32, 32)) < 0.4, 1)
    path = tmp_path / "highlife.csv"
    rows = ["State 1,State 2"] + [
        ",".join("".join(map(str, frame.astype(int).ravel())) for frame in board) for board in boards
    ]
    path.write_text("\n".join(rows) + "\n")
    row = lifegpt(path, train_boards=16).row("table", "16 training pairs")  # the learners learn Life, not HighLife
    forecast = simulate("B3/S23", boards[:, 0], 1)[:, 1]
    expected = float((forecast == boards[:, 1]).mean(axis=(1, 2)).mean())
    assert row["forecast accuracy"] == pytest.approx(expected)


def test_a_report_is_written_and_read_back(tmp_path):
    report = automatagpt(episodes=2, densities=(0.3,))
    report.save(tmp_path / "r.json")
    assert BenchmarkReport.load(tmp_path / "r.json").rows == json.loads(json.dumps(report.rows))
    assert report.save(tmp_path / "r.md").read_text() == report.table()
    with pytest.raises(InputError, match=r"\.md .* or \.json"):
        report.save(tmp_path / "r.txt")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(InputError, match="not a benchmark report"):
        BenchmarkReport.load(tmp_path / "bad.json")


def test_bench_on_the_command_line(capsys):
    assert main(["bench", "automatagpt", "--episodes", "3", "--densities", "0.4"]) == 0
    assert "| lifelab table | density 0.4 | 3 |" in capsys.readouterr().out
    assert main(["bench", "lifegpt", "--episodes", "3"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "--episodes is not an option of the lifegpt benchmark" in err


def test_the_table_learner_s_verdict_is_the_evidence_s():
    rule, pair, _ = automatagpt_episode(7, 0.5)
    verdict = decide(Evidence.of(pair), "moore")
    assert verdict.disagreements(rule) == 0
