"""The lifelab command line."""

import subprocess
import sys

import pytest

from lifelab.cli import main
from lifelab.cli import simulation as cli
from lifelab.errors import InputError
from lifelab.io.rle import load_rle


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
    assert "rule          B3/S23  (Life)" in out
    assert "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogIAAgAAWaH7oaIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA" in out
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


@pytest.mark.slow
def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "lifelab", "simulate", "B3/S239"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "survival digit 9 is out of range 0-8" in result.stderr


def test_a_bug_in_lifelab_exits_1_with_its_traceback(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("an internal invariant failed")  # a plain ValueError is lifelab's fault, not the user's

    monkeypatch.setattr(cli, "simulate", broken)
    assert main(["simulate", "B3/S23", "--boards", "1", "--size", "8", "--steps", "1"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "an internal invariant failed" in err
    assert "internal error (a bug in lifelab" in err and "please report it" in err


@pytest.mark.parametrize("device", ["cuda", "mps", "tpu", "cuda:7"])
@pytest.mark.parametrize(
    "command",
    [
        ["simulate", "B3/S23", "--boards", "1", "--size", "8", "--steps", "1"],
        ["learn", "B3/S23", "--model", "table"],
        ["sweep", "B3/S23", "--models", "table", "--store", "unused-store"],
    ],
)
def test_a_device_this_machine_lacks_is_bad_input_on_every_command(capsys, command, device, tmp_path, monkeypatch):
    import torch

    if torch.cuda.is_available() and device == "cuda":
        pytest.skip("this machine has CUDA")
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--device", device]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lifelab: error: ") and len(err.strip().splitlines()) == 1 and repr(device) in err
    assert not (tmp_path / "unused-store").exists()


def test_an_rle_header_larger_than_memory_is_one_clear_line(capsys, tmp_path):
    huge = tmp_path / "huge.rle"
    huge.write_text("x = 999999999, y = 999999999, rule = B3/S23\nbo!\n")
    with pytest.raises(InputError, match=r"huge.rle: a pattern of 999999999x999999999 cells .*more than lifelab holds"):
        load_rle(huge)


def test_a_trajectory_file_declaring_more_than_it_holds_is_refused_before_allocating(capsys, tmp_path):
    import io
    import zipfile

    import numpy as np

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "|u1", "fortran_order": False, "shape": (99999, 9999, 999, 99)}
    )
    lying = tmp_path / "lying.npz"
    with zipfile.ZipFile(lying, "w") as archive:
        archive.writestr("trajectories.npy", header.getvalue() + bytes(100))
    assert main(["learn", "--data", str(lying)]) == 2
    err = capsys.readouterr().err
    assert "lying.npz: 'trajectories' declares shape (99999, 9999, 999, 99)" in err and "the file holds" in err
    assert len(err.strip().splitlines()) == 1


def test_compact_writes_the_map_columns_and_refuses_a_store_that_is_not_one(capsys, tmp_path):
    store = tmp_path / "store"
    assert main(["sweep", "B3/S23", "--models", "table", "--store", str(store), "--size", "12", "--steps", "4"]) == 0
    assert main(["compact", str(store), str(tmp_path / "map"), "--columns", "rule", "identified"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("1 trials, 2 columns: ")
    assert main(["compact", str(tmp_path / "nothing"), str(tmp_path / "map2")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lifelab: error: no sweep results in") and len(err.strip().splitlines()) == 1
