"""LifeGPT's CSV of bit-string frames, read directly."""

from pathlib import Path

import numpy as np
import pytest

from lifelab import simulate
from lifelab.errors import InputError
from lifelab.io import read_bitstrings, read_recording

EXCERPT = Path(__file__).parent / "fixtures" / "lifegpt_test_excerpt.csv"


def test_lifegpt_frames_are_life_on_a_torus():
    boards, reading = read_bitstrings(EXCERPT)
    assert boards.shape == (3, 3, 32, 32) and boards.dtype == bool
    assert "32x32" in reading and "side from the frame length 1024" in reading
    stepped = simulate("B3/S23", boards[:, 0], 2)
    assert np.array_equal(stepped, boards)


def test_read_recording_takes_the_csv_and_its_side():
    recording = read_recording(EXCERPT)
    assert recording.trajectories.shape == (3, 3, 32, 32) and "CSV of bit-string frames" in recording.kind
    wide = read_recording(EXCERPT, side=64)
    assert wide.trajectories.shape == (3, 3, 16, 64)
    with pytest.raises(InputError, match="side is for a CSV"):
        read_recording(Path(__file__), side=4)


@pytest.mark.parametrize(
    "text, words",
    [
        ("State 1,State 2\n0110,10\n", "2 characters, not 4"),
        ("State 1,State 2\n0110\n", "1 frames, the header 2"),
        ("State 1,State 2\n0120,1001\n", "other than 0 and 1"),
        ("State 1,State 2\n011,100\n", "no square board"),
        ("State 1\n", "one trajectory a row"),
    ],
)
def test_malformed_files_are_refused_by_line(tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=words):
        read_bitstrings(path)
