"""Mutated input for every reader: each case ends as a result or as one clear InputError, never anything else.

A corpus of valid files (Golly's RLE and rule files from the fixtures, lifelab's own ``.npz``, a GIF, a PNG, an
MP4, rule strings from the docs) is mutated with a seeded generator: bytes flipped, cut, repeated, digits swapped for
others (``²``, ``٣``, thousands of ``9``), and each mutant read.  ``make test`` runs a few hundred cases in a few
seconds; ``-m fuzz`` runs many more.
"""

from pathlib import Path

import numpy as np
import pytest

from lifelab import random_boards, simulate
from lifelab.errors import InputError
from lifelab.io import read_recording, save_frames, save_trajectories
from lifelab.io.rle import read_rle
from lifelab.rules import parse_rule, read_rule_file

GOLDEN = Path(__file__).parent / "golden"
RULE_STRINGS = [
    "B3/S23",
    "B36/S23",
    "B2/S013V",
    "B2-a/S12",
    "B3/S23:T64,48",
    "/2/3",
    "345/2/4",
    "g4b2s345",
    "R2,C0,M1,S2..4,B2..3,N+",
    "R5,C0,M1,S34..58,B34..45,NM",
    "R3,C2,S0,7-12,27,B8,12,20-27,N2",
    "B3/S23 [B3=0.8]",
    "WireWorld",
    "HighLife",
    "MAPARYXfhZofugWaH7oaIDogBZofuhogOiAaIDogAAgAAWaH7oSIDogGiA6ICAAIAAaIDogIAAgACAAIAAAAAAAA",
]
INSERTS = [b"\xc2\xb2", "٣".encode(), b"9" * 5000, b"\x00", b"-", b",", b"..", b"\xff\xfe", b"\n" * 3, b"x = 9"]


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    data = bytearray(data)
    for _ in range(int(rng.integers(1, 4))):
        kind = int(rng.integers(5))
        at = int(rng.integers(len(data) + 1)) if data else 0
        if kind == 0 and data:  # flip a byte
            data[min(at, len(data) - 1)] ^= int(rng.integers(1, 256))
        elif kind == 1:  # cut
            data = data[:at]
        elif kind == 2:  # insert something readers choke on
            data[at:at] = INSERTS[int(rng.integers(len(INSERTS)))]
        elif kind == 3 and data:  # repeat a piece
            end = min(len(data), at + int(rng.integers(1, 64)))
            data[at:at] = data[at:end] * int(rng.integers(2, 50))
        else:  # drop a piece
            data[at : at + int(rng.integers(1, 32))] = b""
    return bytes(data)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from PIL import Image

    folder = tmp_path_factory.mktemp("corpus")
    traj = simulate("B3/S23", random_boards(1, (12, 12), 0.4, seed=3), 6)
    npz = save_trajectories(folder / "t.npz", traj, {"rule": "B3/S23"}).read_bytes()
    frames = [Image.fromarray((np.kron(b, np.ones((4, 4))) * 255).astype(np.uint8)) for b in traj[0]]
    frames[0].save(folder / "t.gif", save_all=True, append_images=frames[1:])
    frames[0].save(folder / "t.png")
    save_frames([np.asarray(f.convert("RGB")) for f in frames], folder / "t.mp4", repeat=2)
    rle = sorted((GOLDEN / "golly").glob("*.rle"))[:4] + sorted(GOLDEN.glob("*.start.rle"))[:4]
    rules = sorted((GOLDEN / "rules").glob("*.rule"))
    return {
        "npz": [npz],
        "gif": [(folder / "t.gif").read_bytes()],
        "png": [(folder / "t.png").read_bytes()],
        "mp4": [(folder / "t.mp4").read_bytes()],
        "rle": [p.read_bytes() for p in rle],
        "rule": [p.read_bytes() for p in rules],
        "string": [s.encode() for s in RULE_STRINGS],
    }


def _read(kind: str, data: bytes, folder: Path):
    if kind == "rle":
        return read_rle(data.decode("utf-8", errors="replace"), "fuzz.rle")
    if kind == "rule":
        return read_rule_file(data.decode("utf-8", errors="replace"), "fuzz.rule")
    if kind == "string":
        return parse_rule(data.decode("utf-8", errors="replace"))
    path = folder / f"fuzz.{kind}"
    path.write_bytes(data)
    return read_recording(path)


def _fuzz(corpus, folder: Path, cases: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    kinds = sorted(corpus)
    failures = []
    for case in range(cases):
        kind = kinds[case % len(kinds)]
        originals = corpus[kind]
        data = _mutate(originals[int(rng.integers(len(originals)))], rng)
        try:
            _read(kind, data, folder)
        except InputError:
            pass
        except Exception as exc:  # anything else is a bug: a traceback where one line was owed
            failures.append(f"{kind} case {case}: {type(exc).__name__}: {str(exc)[:120]} <- {data[:80]!r}")
    return failures


def test_mutated_files_and_strings_end_in_one_clear_error(corpus, tmp_path):
    assert _fuzz(corpus, tmp_path, 600, seed=0) == []


@pytest.mark.fuzz
def test_many_more_mutations(corpus, tmp_path):
    assert _fuzz(corpus, tmp_path, 20_000, seed=1) == []
