"""The active-learning loop, end to end on CPU, and the ``lifelab learn`` command."""

import dataclasses
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lifelab import Rule, random_boards, simulate  # noqa: E402
from lifelab.cli import main  # noqa: E402
from lifelab.extract import generator_check, indicator_patterns  # noqa: E402
from lifelab.loop import learn_rule, query_board  # noqa: E402
from lifelab.models import EquivariantCNN, TiedCNN  # noqa: E402
from lifelab.symmetry import group_elements, transform  # noqa: E402


@pytest.fixture(scope="module")
def life_report():
    return learn_rule("B3/S23", model="tied", seed=0, progress=False)


def test_recovers_life_exactly(life_report):
    report = life_report
    assert report.recovered and report.converged and report.stop_reason == "verified"
    assert report.rule == Rule.parse("B3/S23") == report.truth
    assert report.verdict == "recovered B3/S23 exactly"
    rounds = report.rounds
    assert [r.round for r in rounds] == list(range(1, len(rounds) + 1))
    assert [r.visible for r in rounds] == list(range(1, len(rounds) + 1))  # one more trajectory per round
    assert [r.transitions for r in rounds] == [16 * r.visible for r in rounds]
    assert rounds[0].collected == "initial" and all(r.collected == "random" for r in rounds[1:])
    last = rounds[-1]
    assert last.verified and last.stable and last.low_confidence == 0 and last.min_confidence >= 0.9
    assert last.visible_match == 1.0 and last.holdout_match == 1.0
    assert report.trajectories == last.visible and report.seconds == last.seconds
    # what the loop says it found really is the rule
    boards = random_boards(4, (20, 20), seed=7)
    np.testing.assert_array_equal(simulate(report.rule, boards, 10), simulate("B3/S23", boards, 10))


def test_recovers_a_von_neumann_rule_exactly():
    report = learn_rule("B2/S013V", model="tied", seed=1, progress=False)
    assert report.recovered and str(report.rule) == "B2/S013V"
    assert report.rule.neighbourhood == "vonneumann"


def test_stops_only_on_the_full_criterion(life_report):
    """Never in round 1 (nothing to be stable against); never without confidence, data and held-out agreement."""
    assert len(life_report.rounds) >= 2 and not life_report.rounds[0].stable
    assert not life_report.rounds[0].verified
    assert all(not r.verified for r in life_report.rounds[:-1])
    last = life_report.rounds[-1]
    for change in ({"stable": False}, {"low_confidence": 3}, {"visible_match": 0.99}, {"holdout_match": 0.5},
                   {"rule": None}):
        assert not dataclasses.replace(last, **change).verified, change
    assert dataclasses.replace(last, holdout_match=None).verified  # supplied data may have no held-out trajectory

    cut = learn_rule("B3/S23", model="tied", seed=0, max_rounds=1, progress=False)
    assert not cut.converged and cut.stop_reason == "max_rounds" and cut.recovered is False
    assert len(cut.rounds) == 1 and cut.verdict.startswith("not verified after 1 rounds")


def test_does_not_stop_when_held_out_data_disagrees():
    """Supplied data that switch rule: Life twice, then HighLife; Life is stable but the held-out trajectory refutes it."""
    boards = random_boards(3, (32, 32), seed=4)
    life = simulate("B3/S23", boards[:2], 16)
    high = simulate("B36/S23", boards[2:], 16)
    assert not generator_check("B3/S23", high).agrees  # a birth on six neighbours really happens
    report = learn_rule(np.concatenate([life, high]), model="tied", seed=0, progress=False)
    assert report.rounds[1].rule == Rule.parse("B3/S23") and report.rounds[1].stable
    assert report.rounds[1].holdout_match < 1.0 and not report.rounds[1].verified
    assert not report.converged and report.stop_reason == "data exhausted"
    assert report.verdict.startswith("not verified after the data ran out")


def test_learns_from_supplied_trajectories_without_a_rule():
    traj = simulate("B2/S013V", random_boards(5, (32, 32), seed=3), 16)
    report = learn_rule(traj.astype(np.uint8), model="tied", seed=0, progress=False)
    assert report.truth is None and report.recovered is None
    assert report.converged and str(report.rule) == "B2/S013V"
    assert all(r.collected == "supplied" for r in report.rounds)
    assert report.verdict.startswith("verified B2/S013V")
    assert generator_check(report.rule, traj).agrees  # every supplied trajectory, seen or not


def test_query_board_places_the_least_confident_patterns():
    confidence = np.ones(512)
    asked = [5, 99, 300]
    confidence[asked] = [0.6, 0.7, 0.55]
    board = query_board(confidence, (16, 20), seed=0, least=1)
    patterns = indicator_patterns(3, 3)
    orbit_of = {i: {transform(patterns[i], g).tobytes() for g in group_elements("p4m")} for i in asked}
    seen = []
    for y in range(0, 16, 4):
        for x in range(0, 20, 4):
            window = board[y:y + 3, x:x + 3]
            assert not board[y + 3, x:x + 4].any() and not board[y:y + 4, x + 3].any()  # dead gutters
            seen.append(next(i for i in asked if window.tobytes() in orbit_of[i]))
    assert sorted(set(seen)) == sorted(asked) and len(seen) == 20
    again = query_board(confidence, (16, 20), seed=0, least=1)
    np.testing.assert_array_equal(board, again)
    confident = np.linspace(0.95, 1.0, 512)  # none below threshold: the `least` lowest are asked
    fallback = query_board(confident, (8, 8), least=4)
    windows = {fallback[y:y + 3, x:x + 3].tobytes() for y in (0, 4) for x in (0, 4)}
    lowest = {transform(patterns[i], g).tobytes() for i in range(4) for g in group_elements("p4m")}
    assert windows <= lowest and len(windows) > 1
    with pytest.raises(ValueError, match=r"shape \(512,\)"):
        query_board(np.ones(32), (8, 8))
    with pytest.raises(ValueError, match="at least 4x4"):
        query_board(confidence, (3, 8))


def test_query_mode_collects_query_boards_and_recovers():
    report = learn_rule("B36/S23", model="tied", mode="query", seed=0, progress=False)
    assert report.recovered
    assert all(r.collected == "query" for r in report.rounds[1:])
    assert report.rounds[0].query is not None and report.rounds[0].query.shape == (32, 32)


def test_bad_input_is_named():
    traj = simulate("B3/S23", random_boards(2, (8, 8), seed=0), 4)
    for kwargs, error, message in [
        ({"source": "B9/S23"}, ValueError, "birth digit 9"),
        ({"source": "B3/S23", "max_rounds": 0}, ValueError, "max_rounds must be an integer >= 1"),
        ({"source": "B3/S23", "mode": "smart"}, ValueError, "mode must be one of"),
        ({"source": "B3/S23", "group": "p6"}, ValueError, "unknown group 'p6'"),
        ({"source": "B3/S23", "model": "resnet"}, ValueError, "unknown model family 'resnet'"),
        ({"source": "B3/S23", "model": 3}, TypeError, "model must be a family name"),
        ({"source": "B3/S23", "model": "tied", "group": "trivial"}, ValueError, "built for a symmetry group"),
        ({"source": traj, "mode": "query"}, ValueError, "query mode needs an oracle rule"),
        ({"source": np.full((1, 3, 4, 4), 2)}, ValueError, "must be binary"),
    ]:
        with pytest.raises(error, match=message):
            learn_rule(progress=False, **kwargs)


def test_a_given_model_is_trained_further_and_the_report_plots(life_report):
    model = TiedCNN("p4")
    report = learn_rule("B3/S23", model=model, seed=2, max_rounds=3, progress=False)
    assert report.trained is model and report.group == "p4"
    table = report.table().splitlines()
    assert table[0].split()[:3] == ["round", "visible", "transitions"] and len(table) == len(report.rounds) + 1
    fig = life_report.plot()
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:3] == ["data", "confidence", "extracted rule regenerates"]
    assert fig._suptitle.get_text() == life_report.verdict
    assert "recovered B3/S23 exactly" in life_report.summary()


def test_cli_learn_prints_rounds_and_the_verdict(capsys):
    assert main(["learn", "B3/S23", "--max-rounds", "6"]) == 0
    out = capsys.readouterr().out
    assert "oracle        B3/S23  (Life)" in out and "round  1" in out
    assert "extracted     B3/S23" in out and "equals truth  yes" in out
    assert "wall time" in out and "trajectories  " in out
    assert main(["learn", "B3/S23", "--max-rounds", "1"]) == 1  # no verified rule: exit 1
    assert "not verified" in capsys.readouterr().out


def test_cli_learn_group_auto_says_when_the_model_grew(capsys):
    assert main(["learn", "B2/S013V", "--model", "e2cnn", "--group", "auto", "--max-rounds", "4"]) == 0
    rounds = [line for line in capsys.readouterr().out.splitlines() if line.startswith("round")]
    assert rounds[0].startswith("round  1  group trivial ") and rounds[1].startswith("round  2  group p4m ")


def test_cli_learn_from_a_file(capsys, tmp_path):
    path = tmp_path / "supplied.npz"
    np.savez(path, trajectories=simulate("B2/S013V", random_boards(4, (32, 32), seed=3), 16))
    assert main(["learn", "--data", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 trajectories of 16 steps, 32x32" in out and "extracted     B2/S013V" in out
    assert "equals truth" not in out and "all 4 trajectories in the file" in out


@pytest.mark.parametrize("argv, message", [
    (["learn", "NoSuchRule"], "neither a known rule name nor a rulestring"),
    (["learn"], "give either a rule"),
    (["learn", "B3/S23", "--data", "x.npz"], "give either a rule"),
    (["learn", "--data", "missing.npz"], "no such trajectory file"),
    (["learn", "B3/S23", "--device", "tpu9"], "unknown device 'tpu9'"),
])
def test_cli_learn_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_learn_malformed_file_has_no_traceback(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a zip file at all")
    result = subprocess.run([sys.executable, "-m", "lifelab", "learn", "--data", str(path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a readable .npz trajectory file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_replay_widget_follows_the_picked_run_and_round(life_report):
    from lifelab.widgets import loop_replay

    short = learn_rule("B3/S23", model="tied", seed=0, max_rounds=1, progress=False)
    box = loop_replay({"Life": life_report, "one round": short})
    picker, slider, image = box.children
    assert picker.options == ("Life", "one round") and (slider.min, slider.max) == (1, len(life_report.rounds))
    first = image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    slider.value = 2
    assert image.value != first
    text = box.figure.axes[-1].texts[0].get_text()
    assert "round 2 of" in text and f"rule: {life_report.rounds[1].rule}" in text
    assert box.figure.axes[0].get_title() == "trajectory 2 (random), t=0"
    picker.value = "one round"
    assert slider.max == 1 and slider.value == 1
    assert "round 1 of 1" in box.figure.axes[-1].texts[0].get_text()
    np.testing.assert_array_equal(life_report.trajectories_seen[0], simulate("B3/S23", life_report.trajectories_seen[0, 0], 16)[0])
    with pytest.raises(ValueError, match="no loop reports"):
        loop_replay({})


def test_cli_learn_stops_quietly_when_the_reader_goes_away():
    """`lifelab learn ... | head -1`: no traceback when the pipe closes early."""
    proc = subprocess.Popen([sys.executable, "-m", "lifelab", "learn", "B2/S013V", "--max-rounds", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"oracle")
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) in (0, 141)
    assert "Traceback" not in err


def test_group_auto_starts_plain_and_grows_to_the_data_symmetry():
    report = learn_rule("B3/S23", model="minimal", group="auto", seed=0, progress=False)
    assert report.rounds[0].group == "trivial" and report.rounds[1].group == "p4m" and report.group == "p4m"
    assert isinstance(report.trained, TiedCNN) and report.recovered
    north = Rule.from_table(indicator_patterns(3, 3)[:, 0, 1])  # allows only a left-right mirror: stays plain
    shifted = learn_rule(north, model="minimal", group="auto", seed=0, max_rounds=2, progress=False)
    assert [r.group for r in shifted.rounds] == ["trivial", "trivial"]
    with pytest.raises(ValueError, match="model must be one of"):
        learn_rule("B3/S23", model="multiscale", group="auto", progress=False)


def test_group_auto_grows_e2cnn_to_p4_for_a_chiral_rule():
    """A rule that turns with the board but is not mirror-symmetric: e2cnn stops at p4 and recovers it;
    the weight-tied route cannot express p4 without p4m on 3x3, so it stays plain and recovers it too."""
    chiral = Rule.parse("Chiral Life")
    report = learn_rule(chiral, model="e2cnn", group="auto", seed=0, progress=False)
    assert [r.group for r in report.rounds][:2] == ["trivial", "p4"] and report.recovered
    assert isinstance(report.trained, EquivariantCNN) and report.trained.symmetry == "p4"
    plain = learn_rule(chiral, model="tied", group="auto", seed=0, progress=False)
    assert {r.group for r in plain.rounds} == {"trivial"} and plain.recovered
