"""The lifelab command line."""

import subprocess
import sys

import pytest

from lifelab.cli import main


def test_simulate_prints_a_summary(capsys):
    assert main(["simulate", "HighLife", "--boards", "4", "--size", "16", "--steps", "5"]) == 0
    out = capsys.readouterr().out
    assert "rule          B36/S23  (HighLife)" in out
    assert "birth         [3, 6]" in out
    assert "steps         5" in out
    assert "cell updates/s" in out


def test_simulate_on_torch_device(capsys):
    assert main(["simulate", "B2/S013V", "--boards", "2", "--size", "8", "--steps", "3", "--device", "cpu"]) == 0
    assert "neighbourhood vonneumann" in capsys.readouterr().out


def test_show_and_rules(capsys):
    assert main(["show", "23/3"]) == 0
    out = capsys.readouterr().out
    assert "rule          B3/S23  (Life)" in out and "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA" in out
    assert main(["rules", "--studied"]) == 0
    out = capsys.readouterr().out
    assert out.count("*") == 10 and "Day & Night" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["simulate", "B9/S23"], "birth digit 9 is out of range 0-8 for a Moore rule"),
        (["show", "NoSuchRule"], "neither a known rule name nor a rulestring"),
        (["simulate", "Life", "--steps", "-3"], "steps must be a non-negative integer"),
        (["simulate", "Life", "--density", "2"], "density must be a number in [0, 1]"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("lifelab: error: ") and message in err
    assert len(err.strip().splitlines()) == 1


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "lifelab", "simulate", "B3/S239"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "survival digit 9 is out of range 0-8" in result.stderr
