"""Input at fault ends in one clear line (exit 2 on the command line), never a traceback: the reproducers of the
"bounded and loud" issue, one by one."""

import io
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from lifelab import random_boards, simulate
from lifelab.cli import main
from lifelab.errors import InputError
from lifelab.io import read_recording, save_trajectories
from lifelab.io.rle import load_rle, read_rle
from lifelab.learning import (
    REGISTRY,
    Identity,
    build_model,
    extract_rule,
    load_model,
    write_checkpoint,
)
from lifelab.rules import read_rule_file

TABLE = "@RULE T\n@TABLE\nn_states:{states}\nneighborhood:vonNeumann\nsymmetries:none\n0,0,0,0,0,1\n"
TREE = "@RULE T\n@TREE\nnum_states=2\nnum_neighbors=4\nnum_nodes=5\n1 0 1\n{middle}\n3 1 1\n4 2 2\n5 3 3\n"


@pytest.mark.parametrize(
    "rule", ["a/b_c", "23/3/²", "R2,C²,M0,S1..2,B1..2,NM", "B٣/S23", "x" * 300, "x" * 300 + ".rule", "B3/S23/x"]
)
def test_rule_strings_at_fault_are_one_line(rule, capsys):
    assert main(["show", rule]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lifelab: error:") and len(err.strip().splitlines()) == 1


def test_a_stochastic_rule_is_shown(capsys):
    assert main(["show", "B3/S23 [B3=0.5]"]) == 0
    assert "class         B3: alive next with probability 0.5" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text, why",
    [
        (TABLE.format(states="²"), "n_states is a number"),
        (TABLE.format(states=2) + "@COLORS\n² 0 0 0\n", "a colour is"),
        (TREE.format(middle="2 0 ²"), "a node is its level"),
        (TREE.format(middle="num_states=3\n2 0 0"), "come before the nodes"),
    ],
)
def test_rule_files_with_other_digits_or_late_headers_are_refused(text, why):
    with pytest.raises(InputError, match=why):
        read_rule_file(text, "T.rule")


def test_an_rle_run_of_thousands_of_digits_or_a_giant_header_is_refused(tmp_path):
    with pytest.raises(InputError, match="a run count of 5000 digits"):
        read_rle("x = 3, y = 3\n" + "9" * 5000 + "o!")
    with pytest.raises(InputError, match="a pattern of 70000x70000 cells .*more than lifelab holds"):
        read_rle("x = 70000, y = 70000\nbo!")
    with pytest.raises(InputError, match="not a regular file"):
        load_rle("/dev/zero")


def test_a_table_whose_bound_variables_expand_without_end_is_refused():
    variables = "".join(f"var {v}={{{','.join(map(str, range(256)))}}}\n" for v in "abcd")
    text = "@RULE T\n@TABLE\nn_states:256\nneighborhood:Moore\nsymmetries:none\n" + variables + "a,a,b,b,c,c,d,d,0,0\n"
    with pytest.raises(InputError, match="expand to 4,294,967,296 transitions, more than lifelab expands"):
        read_rule_file(text, "T.rule")


def _npz_variants(tmp_path):
    traj = simulate("B3/S23", random_boards(2, (8, 8), 0.4, seed=1), 3)
    raw = save_trajectories(tmp_path / "ok.npz", traj, {"rule": "B3/S23"}).read_bytes()

    def flagged(offset_local: int, offset_central: int, value: bytes) -> bytes:
        data, at = bytearray(raw), 0
        for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
            at = 0
            while (at := data.find(signature, at)) != -1:
                data[at + offset : at + offset + len(value)] = (
                    value if len(value) > 1 else bytes([data[at + offset] | value[0]])
                )
                at += 4
        return bytes(data)

    corrupt = bytearray(raw)
    corrupt[len(raw) // 3 : len(raw) // 3 + 40] = bytes(b ^ 0x5A for b in corrupt[len(raw) // 3 : len(raw) // 3 + 40])
    nested = io.BytesIO()
    np.savez(nested, boards=np.packbits(traj, axis=-1), metadata=np.array("[" * 100_000 + "]" * 100_000))
    return {
        "encrypted": flagged(6, 8, b"\x01"),
        "method": flagged(8, 10, struct.pack("<H", 12)),
        "deflate": bytes(corrupt),
        "nested": nested.getvalue(),
    }


def test_broken_npz_files_are_one_line(tmp_path, capsys):
    for name, data in _npz_variants(tmp_path).items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(data)
        with pytest.raises(InputError, match=f"{name}.npz: "):
            read_recording(path)
        assert main(["learn", "--data", str(path)]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_broken_pictures_are_one_line(tmp_path):
    from PIL import Image

    frames = [
        Image.fromarray(np.kron(b, np.ones((4, 4), np.uint8)) * 255)
        for b in simulate("B3/S23", random_boards(1, (8, 8), 0.4, seed=2), 3)[0].astype(np.uint8)
    ]
    frames[0].save(tmp_path / "ok.gif", save_all=True, append_images=frames[1:])
    data = (tmp_path / "ok.gif").read_bytes()
    (tmp_path / "truncated.gif").write_bytes(data[: len(data) // 2])
    frames[0].save(tmp_path / "ok.png")
    png = bytearray((tmp_path / "ok.png").read_bytes())
    png[20:24] = b"\xff\xff\xff\xff"  # the IHDR chunk's width, its checksum now wrong
    (tmp_path / "chunk.png").write_bytes(bytes(png))
    for name in ("truncated.gif", "chunk.png"):
        with pytest.raises(InputError, match=name):
            read_recording(tmp_path / name)


def test_broken_checkpoints_are_one_line(tmp_path):
    model = build_model("minimal")
    optimizer = torch.optim.Adam(model.parameters())
    good = Identity.of(model)
    cases = {
        "no_weights": ({"identity": vars(good)}, "'model_state'"),
        "bad_identity": ({"identity": {"model": 3}}, "identity"),
        "huge": ({"identity": {**vars(good), "config": {"width": 10**9}}}, "weights hold"),
        "shapes": ({"model_state": build_model("minimal", width=3).state_dict()}, "weights hold"),
        "unknown": ({"identity": {**vars(good), "config": {"depth": 3}}}, "describes no model"),
    }
    for name, (change, why) in cases.items():
        path = tmp_path / f"{name}.pt"
        write_checkpoint(path, good, model, optimizer, {})
        state = torch.load(path, weights_only=True)
        state.update(change)
        state.pop("model_state") if name == "no_weights" else None
        torch.save(state, path)
        with pytest.raises(InputError, match=why):
            load_model(path)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_the_zoo_takes_torch_s_default_float32(name):
    try:
        model = build_model(name)
    except InputError:  # the table learner is no network
        return
    assert model(torch.zeros(1, 2, 8, 8)).dtype == next(model.parameters()).dtype


def test_a_user_s_own_float32_network_is_read():
    class Mine(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular")

        def forward(self, x):
            return self.conv(x)

    torch.manual_seed(0)
    assert extract_rule(Mine()).rule is not None


def test_a_recording_of_more_cells_than_lifelab_holds_is_refused_before_its_frames_are_read(tmp_path, monkeypatch):
    import lifelab.io.recording as recording

    frames = [
        np.kron(b, np.ones((4, 4), np.uint8)) * 255
        for b in simulate("B3/S23", random_boards(1, (8, 8), 0.4, seed=2), 5)[0].astype(np.uint8)
    ]
    from PIL import Image

    images = [Image.fromarray(f) for f in frames]
    images[0].save(tmp_path / "run.gif", save_all=True, append_images=images[1:])
    monkeypatch.setattr(recording, "MAX_CELLS", 5 * 64)  # 6 frames of 8x8 cells: one frame too many
    with pytest.raises(InputError, match="6 frames of 8x8 cells: 384 cells, more than lifelab reads"):
        read_recording(tmp_path / "run.gif")


# ---------------------------------------------------------------------------
# Sweeps that stop at the first failed write and never store a trial twice
# ---------------------------------------------------------------------------


def _trials():
    from lifelab.sweep import plan

    return plan(["B3/S23", "B36/S23", "B2/S", "B34/S34"], range(1), ["table"], size=8, steps=4, max_rounds=1)


def test_a_sweep_stops_at_the_first_failed_write(tmp_path, monkeypatch):
    import errno

    import pyarrow.parquet as pq

    import lifelab.sweep.run as sweeps
    from lifelab.sweep import read_store

    ran, run_batch, write_table = [], sweeps.run_batch, pq.write_table

    def counted(batch, device, *args):
        ran.append(len(batch))
        return run_batch(batch, device, *args)

    def fills_up(table, where, **options):  # the disk is full once one part is written
        if any(p.name.startswith("part-") for p in Path(where).parent.iterdir()):
            raise OSError(errno.ENOSPC, "No space left on device")
        write_table(table, where, **options)

    monkeypatch.setattr(sweeps, "run_batch", counted)
    monkeypatch.setattr(pq, "write_table", fills_up)
    with pytest.raises(InputError, match="No space left on device"):
        sweeps.sweep(_trials(), tmp_path / "store", batch_size=1, progress=False)
    assert len(ran) == 2  # no batch after the failed write was computed
    assert len(read_store(tmp_path / "store")) == 1  # what was stored stays


def test_a_failed_part_write_is_one_line_and_leaves_nothing_half_written(tmp_path, monkeypatch):
    import errno

    import pyarrow.parquet as pq

    import lifelab.sweep.run as sweeps

    def no_space(table, where, **options):
        open(where, "wb").write(b"PAR1")  # half a part, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", no_space)
    with pytest.raises(InputError, match="could not be written .No space left on device.; the sweep stopped"):
        sweeps.sweep(_trials(), tmp_path / "store", batch_size=2, progress=False)
    assert [p.name for p in (tmp_path / "store").iterdir()] == [".lock"]


def test_two_sweeps_into_one_store_cannot_both_write(tmp_path):
    import subprocess
    import sys
    import time

    from lifelab.sweep import sweep

    store = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from lifelab.sweep.store import _Store\n"
            "with _Store(sys.argv[1]).lock():\n print('held', flush=True); time.sleep(60)",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(InputError, match="another sweep is writing into this store"):
            sweep(_trials(), store, progress=False)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert sweep(_trials(), store, progress=False).ran == 4  # the lock goes with the process that held it


def test_a_damaged_part_is_named(tmp_path, capsys):
    from lifelab.sweep import read_store, sweep

    store = tmp_path / "store"
    sweep(_trials(), store, batch_size=2, progress=False)
    part = sorted(store.glob("part-*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:100])
    with pytest.raises(InputError, match=f"{part.name}: a damaged part of the store"):
        sweep(_trials(), store, progress=False)
    with pytest.raises(InputError, match=f"{part.name}: a damaged part of the store"):
        read_store(store)
    assert main(["compact", str(store), str(tmp_path / "compact")]) == 2
    assert part.name in capsys.readouterr().err


def test_writes_into_places_that_cannot_hold_them_are_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("not a folder")
    unwritable = tmp_path / "file" / "out.npz"
    assert main(["simulate", "B3/S23", "--boards", "1", "--size", "8", "--steps", "2", "--save", str(unwritable)]) == 2
    assert (
        main(["learn", "B3/S23", "--model", "table", "--size", "8", "--export", str(tmp_path / "file" / "x.rule")]) == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("cannot be written" in line for line in err)


def test_a_permute_table_whose_images_do_not_fit_is_refused_when_run():
    rng = np.random.default_rng(0)
    rows = "\n".join(",".join(str(v) for v in rng.integers(0, 64, 10)) for _ in range(300))
    rule = read_rule_file(f"@RULE Big\n@TABLE\nn_states:64\nneighborhood:Moore\nsymmetries:permute\n{rows}\n", "B.rule")
    board = rng.integers(0, 64, (1, 8, 8)).astype(np.uint8)
    with pytest.raises(InputError, match="300 transitions under permute symmetry have 9,686,880 images"):
        simulate(rule, board, 1)


def test_learning_from_boards_too_large_for_memory_is_refused_before_it_starts():
    from lifelab.loop import learn_rule

    huge = np.zeros((1, 2, 8192, 8192), bool)
    huge[0, 0, 5, 5] = True
    with pytest.raises(InputError, match="learning from 1 trajectory of 8192x8192 cells .* needs .* available"):
        learn_rule(huge, progress=False)


def test_a_lone_dot_wandering_over_a_large_canvas_is_read_as_one_pixel_cells(tmp_path):
    from PIL import Image

    def frames():
        for t in range(1, 12):
            dot = np.zeros((300, 300), np.uint8)
            dot[t * 7, t * 13] = 255
            yield Image.fromarray(dot)

    canvas = frames()
    next(canvas).save(tmp_path / "dots.gif", save_all=True, append_images=canvas)
    recording = read_recording(tmp_path / "dots.gif")
    assert recording.grid.cells == (300, 300) and recording.trajectories[0, 3, 28, 52]
