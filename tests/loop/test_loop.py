"""The active-learning loop, end to end on CPU, and the ``lifelab learn`` command."""

import dataclasses
import subprocess
import sys

import numpy as np
import pytest

import lifelab.geometry.window
from lifelab import Rule, random_boards, simulate
from lifelab.cli import main
from lifelab.evidence import Evidence, add_noise, decide, generator_check
from lifelab.geometry import group_elements, transform
from lifelab.learning import EquivariantCNN, TiedCNN, indicator_patterns
from lifelab.loop import learn_rule, query_board


@pytest.fixture(scope="module")
def life_report():
    return learn_rule("B3/S23", model="tied", seed=0, progress=False)


def test_recovers_life_exactly(life_report):
    report = life_report
    assert report.recovered and report.converged and report.stop_reason == "determined"
    assert report.rule == Rule.parse("B3/S23") == report.truth == report.extracted
    assert report.verdict.rung == "identified" and report.verdict.exit_code == 0 and not report.wrong
    rounds = report.rounds
    assert [r.round for r in rounds] == list(range(1, len(rounds) + 1))
    assert [r.visible for r in rounds] == list(range(1, len(rounds) + 1))  # one more trajectory per round
    assert [r.transitions for r in rounds] == [16 * r.visible for r in rounds]
    assert [r.trajectories_seen for r in rounds] == [r.visible + 1 for r in rounds]  # and one held out
    assert rounds[0].collected == "initial" and all(r.collected == "random" for r in rounds[1:])
    last = rounds[-1]
    assert last.done and last.disagreements == 0 and last.visible_match == 1.0 and last.holdout_match == 1.0
    assert report.trajectories == last.visible and report.seconds == last.seconds and report.used == last.visible + 1
    assert "Identified B3/S23" in report.summary()
    # what the loop says it found really is the rule
    boards = random_boards(4, (20, 20), seed=7)
    np.testing.assert_array_equal(simulate(report.rule, boards, 10), simulate("B3/S23", boards, 10))


def test_recovers_a_von_neumann_rule_exactly():
    report = learn_rule("B2/S013V", model="tied", seed=1, progress=False)
    assert report.recovered and str(report.rule) == "B2/S013V"
    assert report.rule.neighbourhood == "vonneumann"


def test_stops_only_when_the_data_determine_the_learners_rule(life_report):
    last = life_report.rounds[-1]
    assert last.done
    other = Rule.parse("B36/S23")
    assert not dataclasses.replace(last, rule=other).done and dataclasses.replace(last, rule=other).disagreements > 0
    assert not dataclasses.replace(last, rule=None).done
    open_data = decide(Evidence.of(np.zeros((1, 3, 8, 8), dtype=bool)), guess=last.rule)
    assert not dataclasses.replace(last, verdict=open_data).done  # the rule fits, but the data do not determine it
    cut = learn_rule("B3/S23", model="tied", seed=0, max_rounds=1, steps=2, shape=(8, 8), progress=False)
    assert cut.stop_reason == "max_rounds" and not cut.converged and len(cut.rounds) == 1


def test_never_identified_while_patterns_are_unobserved_and_nothing_is_assumed():
    """Scarce data, a plain network (family: the full table), two rounds: patterns stay unobserved."""
    report = learn_rule(
        "B36/S23", model="minimal", seed=0, max_rounds=2, shape=(8, 8), steps=3, density=0.2, progress=False
    )
    verdict = report.verdict
    assert verdict.family.name == "table" and verdict.unobserved
    assert verdict.rung == "underdetermined" and report.rule is None and verdict.exit_code == 3
    assert not report.converged and report.stop_reason == "max_rounds" and not report.wrong
    assert report.extracted is not None and 0 <= report.guessed_right <= 1
    for r in report.rounds:
        assert not r.done and r.verdict.rung == "underdetermined"


def test_a_tied_network_assumes_only_what_it_can_represent():
    report = learn_rule(
        "B3/S23", model="tied", seed=0, max_rounds=1, shape=(8, 8), steps=3, density=0.3, progress=False
    )
    assert report.verdict.requested == "edges-corners"
    e2cnn = learn_rule(
        "B3/S23", model="e2cnn", seed=0, max_rounds=1, shape=(8, 8), steps=3, density=0.3, progress=False
    )
    assert e2cnn.verdict.requested == "isotropic"
    stated = learn_rule(
        "B3/S23", model="tied", seed=0, max_rounds=1, shape=(8, 8), steps=3, density=0.3, family="moore", progress=False
    )
    assert stated.verdict.requested == "moore"


@pytest.mark.slow
def test_supplied_data_from_two_rules_are_inconsistent():
    """Life twice, then HighLife: the verdict weighs the whole file, finds births on six that Life forbids,
    and no rule plus independent noise explains them."""
    boards = random_boards(3, (32, 32), seed=4)
    life = simulate("B3/S23", boards[:2], 16)
    high = simulate("B36/S23", boards[2:], 16)
    assert not generator_check("B3/S23", high).agrees  # a birth on six neighbours really happens
    report = learn_rule(np.concatenate([life, high]), model="tied", seed=0, progress=False)
    assert report.verdict.rung == "inconsistent" and report.stop_reason == "inconsistent" and report.rule is None
    assert report.verdict.exit_code == 1 and len(report.rounds) == 1
    exact = learn_rule(np.concatenate([life, high]), model="table", noise=0, progress=False)
    assert exact.verdict.rung == "inconsistent" and exact.verdict.noise is None


@pytest.mark.slow
def test_learns_from_supplied_trajectories_without_a_rule():
    traj = simulate("B2/S013V", random_boards(5, (32, 32), seed=3), 16)
    report = learn_rule(traj.astype(np.uint8), model="tied", seed=0, progress=False)
    assert report.truth is None and report.recovered is None and report.wrong is None
    assert report.converged and str(report.rule) == "B2/S013V" and report.verdict.rung == "identified"
    assert all(r.collected == "supplied" for r in report.rounds)
    assert all(r.trajectories_seen == 5 for r in report.rounds)  # the verdict weighs the whole file
    assert generator_check(report.rule, traj).agrees


def test_supplied_dead_boards_end_underdetermined():
    report = learn_rule(np.zeros((2, 4, 8, 8), dtype=bool), model="tied", seed=0, progress=False)
    assert report.verdict.rung == "underdetermined" and report.stop_reason == "data exhausted"
    assert report.rule is None and report.verdict.raw.observed.sum() == 1


def test_a_one_cell_board_can_show_two_patterns_and_the_loop_says_so():
    report = learn_rule("B3/S23", model="table", seed=0, shape=(1, 1), steps=4, progress=False)
    assert report.verdict.rung == "underdetermined" and report.rule is None
    assert report.stop_reason in ("nothing left to observe", "max_rounds")
    assert "cannot occur on boards of this size" in report.verdict.sentence()


@pytest.mark.slow
def test_noisy_supplied_data_are_explained_with_noise():
    clean = simulate("B3/S23", random_boards(8, (32, 32), seed=0), 16)
    noisy = add_noise(clean, 0.01, seed=1)
    report = learn_rule(noisy, model="tied", seed=0, progress=False)
    verdict = report.verdict
    assert verdict.rung == "explained with noise" and report.rule == Rule.parse("B3/S23") and report.converged
    assert verdict.noise.low <= 0.01 <= verdict.noise.high and abs(verdict.noise.rate - 0.01) < 0.002
    assert all(r.noisy for r in report.rounds)
    assert all(r.epochs <= 30 for r in report.rounds)  # training does not chase 100% on noisy boards


def test_the_table_learner_runs_in_the_same_loop():
    report = learn_rule("B36/S23", model="table", seed=0, progress=False)
    assert report.recovered and report.trained is None and report.rounds[0].epochs == 0
    assert "table learner" in report.model
    scarce = learn_rule(
        "B36/S23",
        model="table",
        seed=0,
        max_rounds=2,
        shape=(8, 8),
        steps=3,
        density=0.2,
        family="table",
        progress=False,
    )
    assert scarce.verdict.rung == "underdetermined" and scarce.rule is None
    trained_on = decide(Evidence.of(scarce.trajectories_seen), "table")
    assert scarce.rounds[-1].extraction.low_confidence == np.flatnonzero(~trained_on.known).tolist()
    with pytest.raises(ValueError, match="takes no group"):
        learn_rule("B3/S23", model="table", group="p4m", progress=False)


@pytest.mark.slow
def test_same_seed_same_verdict_whatever_the_thread_count():
    import torch

    before = torch.get_num_threads()
    try:
        runs = []
        for threads in (1, 2):
            torch.set_num_threads(threads)
            report = learn_rule(
                "B36/S23", model="tied", seed=3, max_rounds=3, shape=(16, 16), steps=6, density=0.3, progress=False
            )
            runs.append([(r.epochs, str(r.rule), r.min_confidence, r.verdict.rung) for r in report.rounds])
            assert torch.get_num_threads() == threads  # the loop restores the caller's setting
    finally:
        torch.set_num_threads(before)
    assert runs[0] == runs[1]


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
            window = board[y : y + 3, x : x + 3]
            assert not board[y + 3, x : x + 4].any() and not board[y : y + 4, x + 3].any()  # dead gutters
            seen.append(next(i for i in asked if window.tobytes() in orbit_of[i]))
    assert sorted(set(seen)) == sorted(asked) and len(seen) == 20
    again = query_board(confidence, (16, 20), seed=0, least=1)
    np.testing.assert_array_equal(board, again)
    confident = np.linspace(0.95, 1.0, 512)  # none below threshold: the `least` lowest are asked
    fallback = query_board(confident, (8, 8), least=4)
    windows = {fallback[y : y + 3, x : x + 3].tobytes() for y in (0, 4) for x in (0, 4)}
    lowest = {transform(patterns[i], g).tobytes() for i in range(4) for g in group_elements("p4m")}
    assert windows <= lowest and len(windows) > 1
    with pytest.raises(ValueError, match=r"shape \(512,\)"):
        query_board(np.ones(32), (8, 8))
    with pytest.raises(ValueError, match="at least 4x4"):
        query_board(confidence, (3, 8))


def test_query_board_asks_the_given_patterns_first_and_turns_only_within_the_group():
    confidence = np.ones(512)
    board = query_board(confidence, (8, 8), seed=0, least=0, ask=[14, 300], group="trivial")
    windows = [board[y : y + 3, x : x + 3] for y in (0, 4) for x in (0, 4)]
    patterns = indicator_patterns(3, 3)
    assert sorted({int((w * lifelab.geometry.window.MAP_WEIGHTS).sum()) for w in windows}) == [14, 300]  # never turned
    with pytest.raises(ValueError, match="unknown symmetry group 'p6'"):
        query_board(confidence, (8, 8), group="p6")
    assert patterns.shape == (512, 3, 3)


@pytest.mark.slow
def test_query_mode_collects_query_boards_and_recovers():
    report = learn_rule(
        "B36/S23", model="tied", mode="query", seed=0, shape=(16, 16), steps=6, density=0.3, progress=False
    )
    assert report.recovered
    assert all(r.collected == "query" for r in report.rounds[1:])
    assert report.rounds[0].query is not None and report.rounds[0].query.shape == (16, 16)


def test_query_boards_ask_for_unobserved_patterns_and_a_refuting_holdout_is_revealed():
    report = learn_rule(
        "B36/S23",
        model="table",
        family="table",
        mode="query",
        seed=0,
        max_rounds=4,
        shape=(16, 16),
        steps=3,
        density=0.2,
        progress=False,
    )
    first, second = report.rounds[:2]
    unobserved = set(first.verdict.unobserved)
    windows = {
        int((first.query[y : y + 3, x : x + 3] * lifelab.geometry.window.MAP_WEIGHTS).sum())
        for y in range(0, 16, 4)
        for x in range(0, 16, 4)
    }
    assert windows <= unobserved and len(windows) == 16  # every slot asks a pattern never seen
    assert first.refuted  # the table learner's "dead" guesses fail on the held-out trajectory
    assert second.visible == first.visible + 2  # the query board and the refuting held-out trajectory
    assert len(report.rounds[-1].verdict.unobserved) < len(unobserved)


def test_bad_input_is_named():
    traj = simulate("B3/S23", random_boards(2, (8, 8), seed=0), 4)
    for kwargs, error, message in [
        ({"source": "B9/S23"}, ValueError, "birth digit 9"),
        ({"source": "B3/S2\u00b3"}, ValueError, "unexpected character"),
        ({"source": "B3/S23", "max_rounds": 0}, ValueError, "max_rounds must be a positive integer"),
        ({"source": "B3/S23", "steps": 2.5}, ValueError, "steps must be a positive integer"),
        ({"source": "B3/S23", "mode": "smart"}, ValueError, "mode must be one of"),
        ({"source": "B3/S23", "group": "p6"}, ValueError, "unknown group 'p6'"),
        ({"source": "B3/S23", "model": "resnet"}, ValueError, "unknown model 'resnet'"),
        ({"source": "B3/S23", "model": 3}, TypeError, "model must be a model name"),
        ({"source": "B3/S23", "model": "tied", "group": "trivial"}, ValueError, "built for the groups"),
        ({"source": "B3/S23", "family": "chiral"}, ValueError, "unknown rule family 'chiral'"),
        ({"source": "B3/S23", "noise": 0.7}, ValueError, "noise must be 'auto' or a cell-flip rate"),
        ({"source": "B3/S23", "confidence": 1.0}, ValueError, "confidence must be a number in"),
        ({"source": "B3/S23", "device": "tpu"}, ValueError, "unknown device 'tpu'"),
        ({"source": "B3/S23", "device": "meta"}, ValueError, "cannot train"),
        ({"source": "B3/S23", "device": "mps"}, ValueError, "MPS backend is not available"),
        ({"source": "B3/S23", "shape": (100000, 100000)}, ValueError, "of memory; this machine has"),
        ({"source": traj, "mode": "query"}, ValueError, "query mode needs an oracle rule"),
        ({"source": np.full((1, 3, 4, 4), 300)}, ValueError, "must be states 0-255"),
        ({"source": "R2,C0,M1,S5..9,B6..8,NM", "model": "table"}, ValueError, "tabulates 3x3 patterns"),
        ({"source": np.zeros((0, 3, 4, 4))}, ValueError, "hold no trajectories"),
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
    assert titles[:4] == ["data", "evidence", "confidence", "learned rule regenerates"]
    assert fig._suptitle.get_text() == "identified: B3/S23"


def test_cli_learn_prints_rounds_and_the_verdict(capsys):
    assert main(["learn", "B3/S23", "--max-rounds", "6"]) == 0
    out = capsys.readouterr().out
    assert "oracle        B3/S23  (Life)" in out and "round  1" in out
    assert "verdict       identified: B3/S23" in out and "equals truth  yes" in out
    assert "learned       B3/S23: the rule the data determine" in out
    assert "wall time" in out and "trajectories  " in out and "Identified B3/S23: all 512" in out
    scarce = [
        "learn",
        "B36/S23",
        "--model",
        "minimal",
        "--max-rounds",
        "1",
        "--size",
        "8",
        "--steps",
        "3",
        "--density",
        "0.2",
    ]
    assert main(scarce) == 3  # underdetermined: its own exit status, never 0
    out = capsys.readouterr().out
    assert "verdict       underdetermined" in out and "never observed" in out


@pytest.mark.slow
def test_cli_learn_exit_codes_for_inconsistent_and_noisy_files(capsys, tmp_path):
    boards = random_boards(3, (32, 32), seed=4)
    mixed = np.concatenate([simulate("B3/S23", boards[:2], 16), simulate("B36/S23", boards[2:], 16)])
    path = tmp_path / "mixed.npz"
    np.savez(path, trajectories=mixed)
    assert main(["learn", "--data", str(path), "--model", "table", "--noise", "0"]) == 1
    assert "verdict       inconsistent" in capsys.readouterr().out
    noisy = tmp_path / "noisy.npz"
    np.savez(noisy, trajectories=add_noise(simulate("B3/S23", random_boards(8, (32, 32), seed=0), 16), 0.01, seed=1))
    assert main(["learn", "--data", str(noisy), "--model", "table"]) == 0
    out = capsys.readouterr().out
    assert "verdict       explained with noise: B3/S23" in out and "noise         cell-noise rate" in out


@pytest.mark.slow
def test_cli_learn_group_auto_says_when_the_model_grew(capsys):
    assert (
        main(
            [
                "learn",
                "B2/S013V",
                "--model",
                "e2cnn",
                "--group",
                "auto",
                "--max-rounds",
                "4",
                "--size",
                "16",
                "--steps",
                "6",
                "--density",
                "0.3",
            ]
        )
        == 0
    )
    rounds = [line for line in capsys.readouterr().out.splitlines() if line.startswith("round")]
    assert rounds[0].startswith("round  1  group trivial ") and rounds[1].startswith("round  2  group p4m ")


def test_cli_learn_from_a_file(capsys, tmp_path):
    path = tmp_path / "supplied.npz"
    np.savez(path, trajectories=simulate("B2/S013V", random_boards(4, (32, 32), seed=3), 16))
    assert main(["learn", "--data", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 trajectories of 16 steps, 32x32; the verdict weighs all of them" in out
    assert "verdict       identified: B2/S013V" in out and "equals truth" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["learn", "NoSuchRule"], "neither a known rule name nor a rulestring"),
        (["learn"], "give either a rule"),
        (["learn", "B3/S23", "--data", "x.npz"], "give either a rule"),
        (["learn", "--data", "missing.npz"], "missing.npz: no such file"),
        (["learn", "B3/S23", "--device", "tpu9"], "unknown device 'tpu9'"),
        (["learn", "B3/S23", "--device", "meta"], "cannot train"),
        (["learn", "B3/S23", "--device", "mps"], "MPS backend is not available"),
        (["learn", "B3/S23", "--size", "100000"], "of memory; this machine has"),
        (["learn", "B3/S2\u00b3"], "unexpected character '\u00b3'"),
        (["learn", "B3/S23", "--family", "chiral"], "invalid choice: 'chiral'"),
    ],
)
def test_cli_learn_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse's own errors (a usage line, then the message)
        status = stop.code
    assert status == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_learn_npy_renamed_npz_is_read_as_the_array_it_holds(capsys, tmp_path):
    path = tmp_path / "renamed.npz"
    with open(path, "wb") as f:
        np.save(f, np.zeros((2, 3, 4, 4), dtype=bool))
    assert main(["learn", "--data", str(path)]) == 3  # one pattern seen: underdetermined, and no error
    assert "2 trajectories of 2 steps, 4x4" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_learn_malformed_file_has_no_traceback(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a zip file at all")
    result = subprocess.run(
        [sys.executable, "-m", "lifelab", "learn", "--data", str(path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a readable .npz or .npy file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_replay_widget_follows_the_picked_run_and_round(life_report):
    from lifelab.viz import loop_replay

    short = learn_rule("B3/S23", model="tied", seed=0, max_rounds=1, progress=False)
    long = learn_rule(
        "B3/S23", model="tied", seed=0, max_rounds=3, shape=(12, 12), steps=4, density=0.3, progress=False
    )
    assert len(long.rounds) >= 2
    box = loop_replay({"Life": long, "one round": short})
    picker, slider, image = box.children
    assert picker.options == ("Life", "one round") and (slider.min, slider.max) == (1, len(long.rounds))
    first = image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    slider.value = 2
    assert image.value != first
    text = box.figure.axes[-1].texts[0].get_text()
    assert "round 2 of" in text and f"rule: {long.rounds[1].rule}" in text and "verdict: " in text
    assert box.figure.axes[0].get_title() == "trajectory 2 (random), t=0"
    assert box.figure.get_suptitle() == f"Life: round 2 of {len(long.rounds)}"  # the replay names its run
    assert box.figure.axes[1].get_title().startswith("round 2: evidence of")
    picker.value = "one round"
    assert slider.max == 1 and slider.value == 1
    assert "round 1 of 1" in box.figure.axes[-1].texts[0].get_text()
    np.testing.assert_array_equal(
        life_report.trajectories_seen[0], simulate("B3/S23", life_report.trajectories_seen[0, 0], 16)[0]
    )
    # it opens where rounds can be stepped
    assert loop_replay({"one round": short, "Life": long}).children[0].value == "Life"
    with pytest.raises(ValueError, match="no loop reports"):
        loop_replay({})


@pytest.mark.slow
def test_cli_learn_stops_quietly_when_the_reader_goes_away():
    """`lifelab learn ... | head -1`: no traceback when the pipe closes early."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lifelab", "learn", "B2/S013V", "--max-rounds", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout.readline().startswith(b"oracle")
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) in (0, 141)
    assert "Traceback" not in err


def test_group_auto_starts_plain_and_grows_to_the_data_symmetry():
    report = learn_rule(
        "B3/S23", model="minimal", group="auto", seed=0, shape=(16, 16), steps=8, density=0.3, progress=False
    )
    assert report.rounds[0].group == "trivial" and report.rounds[1].group == "p4m" and report.group == "p4m"
    assert isinstance(report.trained, TiedCNN) and report.recovered
    north = Rule.from_table(indicator_patterns(3, 3)[:, 0, 1])  # allows only a left-right mirror: stays plain
    shifted = learn_rule(north, model="minimal", group="auto", seed=0, max_rounds=2, progress=False)
    assert [r.group for r in shifted.rounds] == ["trivial", "trivial"]
    with pytest.raises(ValueError, match="model must be one of"):
        learn_rule("B3/S23", model="multiscale", group="auto", progress=False)


@pytest.mark.slow
def test_group_auto_grows_e2cnn_to_p4_for_a_chiral_rule():
    """A rule that turns with the board but is not mirror-symmetric: e2cnn stops at p4 and recovers it;
    the weight-tied route cannot express p4 without p4m on 3x3, so it stays plain and recovers it too."""
    chiral = Rule.parse("Chiral Life")
    report = learn_rule(
        chiral, model="e2cnn", group="auto", seed=0, shape=(16, 16), steps=8, density=0.4, progress=False
    )
    assert [r.group for r in report.rounds][:2] == ["trivial", "p4"] and report.recovered
    assert isinstance(report.trained, EquivariantCNN) and report.trained.symmetry == "p4"
    plain = learn_rule(chiral, model="tied", group="auto", seed=0, progress=False)
    assert {r.group for r in plain.rounds} == {"trivial"} and plain.recovered


def test_one_round_runs_with_a_stub_learner():
    """run_round needs no training: a learner that answers a fixed rule shows the round's bookkeeping."""
    from lifelab.geometry import WINDOW
    from lifelab.learning import DataSupplyAgent, ExtractionResult
    from lifelab.loop import run_round

    class Stub:
        group, net, family, calls = "trivial", None, "table", []

        def __init__(self, rule):
            self.rule = Rule.parse(rule)

        def prepare(self, agent, round_):
            self.calls.append(("prepare", round_))

        def fit(self, data, *, noisy, seed):
            self.calls.append(("fit", len(data), noisy))
            return 0, 1.0

        def read(self, seed):
            return ExtractionResult(
                rule=self.rule,
                offsets=list(WINDOW),
                table=self.rule.table.copy(),
                confidence=np.ones(512),
                low_confidence=[],
                context_dependent=[],
                group="trivial",
                patterns_evaluated=0,
                evaluations=0,
                sensitivity=None,
            )

    agent = DataSupplyAgent("B3/S23", shape=(32, 32), steps=16, seed=0)
    seen = Evidence.of(agent.trajectory(0))
    right, seen, holdout = run_round(Stub("B3/S23"), agent, seen, 1, assumed="table")
    assert Stub.calls == [("prepare", 1), ("fit", 16, False)]
    assert holdout == 1 and agent.available == 2 and right.trajectories_seen == 2  # one more collected, held out
    assert right.verdict.rung == "identified" and right.done and right.holdout_match == 1.0
    wrong, _, _ = run_round(Stub("B36/S23"), agent, seen, 2, assumed="table", previous=right)
    assert not wrong.done and wrong.disagreements == 28 and not wrong.stable  # the 28 B6 patterns
    assert wrong.verdict.rule == Rule.parse("B3/S23")  # the data, not the learner, decide the verdict


@pytest.mark.slow
def test_learns_a_generations_rule_from_an_oracle_and_from_a_file():
    """Brian's Brain: the network reads 3 states, the table is the birth/survival rule, the countdown is checked."""
    report = learn_rule("Brian's Brain", model="tied", seed=0, shape=(24, 24), steps=12, progress=False)
    assert report.recovered and str(report.rule) == "/2/3" and report.truth.name == "Brian's Brain"
    assert report.trained.config["states"] == 3 and report.rounds[-1].extraction.structure == 1.0
    trajectories = simulate("345/2/4", random_boards(3, (24, 24), 0.4, seed=2), 12)
    assert trajectories.dtype == np.uint8 and trajectories.max() == 3
    supplied = learn_rule(trajectories, model="table", progress=False)
    assert supplied.verdict.determined and str(supplied.rule) == "345/2/4" and supplied.truth is None
    broken = trajectories.copy()
    broken[0, 5][broken[0, 4] == 2] = 2  # dying cells that stop counting down
    assert learn_rule(broken, model="table", noise=0, progress=False).verdict.rung == "inconsistent"
