"""Trajectory store, dataset, weights and the data supply agent."""

import numpy as np
import pytest
import torch

from lifelab import Rule, simulate
from lifelab.geometry import configuration_counts, count_class_counts
from lifelab.io import load_trajectories, save_trajectories
from lifelab.io.boards import trajectory_states
from lifelab.learning import DataSupplyAgent, TrajectoryDataset, load_or_generate, trajectory_weights
from lifelab.utils import MODEL_DTYPE


@pytest.fixture
def traj():
    return simulate("B3/S23", np.random.default_rng(3).random((5, 8, 10)) < 0.5, 6)


def test_generation_is_seeded_cached_and_compact(tmp_path):
    a = load_or_generate("HighLife", 3, (9, 12), 5, density=0.4, seed=1, folder=tmp_path)
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].suffix == ".npz"
    assert a.shape == (3, 6, 9, 12) and a.dtype == bool
    with np.load(files[0], allow_pickle=False) as npz:  # stored bit-packed, 8 cells a byte
        assert npz["boards"].dtype == np.uint8 and npz["boards"].shape == (3, 6, 9, 2)
    stamp = files[0].stat().st_mtime_ns
    b = load_or_generate("B36/S23", 3, (9, 12), 5, density=0.4, seed=1, folder=tmp_path)  # same spec, other name
    np.testing.assert_array_equal(a, b)
    assert files[0].stat().st_mtime_ns == stamp  # loaded, not recomputed
    c = load_or_generate("HighLife", 3, (9, 12), 5, density=0.4, seed=2, folder=tmp_path)
    assert not np.array_equal(a, c) and len(list(tmp_path.iterdir())) == 2
    np.testing.assert_array_equal(a[:, 1:], simulate("B36/S23", a[:, 0], 5)[:, 1:])
    _, meta = load_trajectories(files[0])
    assert (
        meta["rule"] == "B36/S23"
        and meta["seed"] == 1
        and meta["array_shape"] == [3, 6, 9, 12]
        and meta["shape"] == [9, 12]
    )
    assert meta["density"] == 0.4 and meta["steps"] == 5 and "lifelab" in meta


def test_save_and_reload_round_trip_with_odd_widths(tmp_path, traj):
    odd = traj[..., :7]
    path = save_trajectories(tmp_path / "t.npz", odd, {"rule": "B3/S23"})
    back, meta = load_trajectories(path, expect={"rule": "B3/S23"})
    np.testing.assert_array_equal(back, odd)
    assert [p.name for p in tmp_path.iterdir()] == ["t.npz"]  # no temporary left behind


def test_never_overwrites_a_different_dataset(tmp_path, traj):
    path = save_trajectories(tmp_path / "t.npz", traj, {"rule": "B3/S23"})
    save_trajectories(path, traj, {"rule": "B3/S23"})  # identical: fine
    with pytest.raises(FileExistsError, match="different dataset"):
        save_trajectories(path, traj[:2], {"rule": "B3/S23"})
    with pytest.raises(FileExistsError, match="different dataset"):
        save_trajectories(path, traj, {"rule": "B36/S23"})
    np.testing.assert_array_equal(load_trajectories(path)[0], traj)
    save_trajectories(path, traj[:2], {"rule": "B3/S23"}, overwrite=True)
    assert load_trajectories(path)[0].shape[0] == 2


def test_failed_write_leaves_the_old_file(tmp_path, traj, monkeypatch):
    path = save_trajectories(tmp_path / "t.npz", traj, {"rule": "B3/S23"})
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(OSError, match="disk full"):
        save_trajectories(path, traj[:1], {"rule": "B3/S23"}, overwrite=True)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.npz"]


def test_missing_truncated_and_mismatched_files(tmp_path, traj):
    with pytest.raises(FileNotFoundError, match="nope.npz: no such file"):
        load_trajectories(tmp_path / "nope.npz")
    path = save_trajectories(tmp_path / "t.npz", traj, {"rule": "B3/S23", "seed": 3})
    truncated = tmp_path / "cut.npz"
    truncated.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(ValueError, match="cut.npz: not a readable .npz"):
        load_trajectories(truncated)
    with pytest.raises(ValueError, match=r"t.npz: rule is 'B3/S23', expected 'B36/S23'"):
        load_trajectories(path, expect={"rule": "B36/S23"})
    with pytest.raises(ValueError, match="t.npz: seed is 3, expected 4"):
        load_trajectories(path, expect={"seed": 4})
    with pytest.raises(ValueError, match="t.npz: has no 'density' in its metadata"):
        load_trajectories(path, expect={"density": 0.5})
    single = tmp_path / "ext.npz"
    np.savez(single, trajectories=np.full((1, 3, 4, 4), 300))
    with pytest.raises(ValueError, match="ext.npz.*every cell holds 300, no states to read"):
        load_trajectories(single)
    multistate = tmp_path / "three.npz"
    np.savez(multistate, trajectories=np.arange(48).reshape(1, 3, 4, 4) % 3)
    loaded, meta = load_trajectories(multistate)
    assert loaded.dtype == np.uint8 and trajectory_states(loaded) == 3  # a Generations file: states 0-2
    assert "reading" not in meta  # its values are its states: nothing was read by choice
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, something=np.zeros(3))
    with pytest.raises(ValueError, match=r"an array of shape \(3,\); trajectories are \(n, T\+1, H, W\)"):
        load_trajectories(wrong)
    lying = tmp_path / "lying.npz"
    np.savez(
        lying, boards=np.zeros((1, 3, 4, 1), np.uint8), metadata=np.array('{"array_shape": [2, 3, 4, 8], "format": 1}')
    )
    with pytest.raises(ValueError, match="do not match the stored shape"):
        load_trajectories(lying)
    future = tmp_path / "future.npz"
    np.savez(
        future, boards=np.zeros((1, 3, 4, 1), np.uint8), metadata=np.array('{"array_shape": [1, 3, 4, 8], "format": 2}')
    )
    with pytest.raises(ValueError, match="future.npz: written in trajectory format 2; this lifelab reads format 1"):
        load_trajectories(future)
    renamed = tmp_path / "renamed.npz"  # a .npy file under another suffix is read as what it is
    with open(renamed, "wb") as f:
        np.save(f, traj)
    np.testing.assert_array_equal(load_trajectories(renamed)[0], traj)
    with pytest.raises(ValueError, match="hold no trajectories"):
        save_trajectories(tmp_path / "empty.npz", np.zeros((0, 3, 4, 4), bool))


def test_plain_external_file_loads(tmp_path, traj):
    path = tmp_path / "ext.npz"
    np.savez(path, trajectories=traj.astype(np.uint8))
    back, meta = load_trajectories(path)
    np.testing.assert_array_equal(back, traj)
    assert meta == {}


@pytest.mark.parametrize("scheme", ["uniform", "linear", "geometric"])
def test_weights_rise_and_average_one(scheme):
    for count in (1, 2, 7):
        w = trajectory_weights(count, scheme)
        assert w.shape == (count,) and np.isclose(w.mean(), 1.0)
        assert np.all(np.diff(w) >= 0)
        if scheme != "uniform" and count > 1:
            assert np.all(np.diff(w) > 0)
    assert trajectory_weights(0, scheme).shape == (0,)


def test_weight_values_and_errors():
    np.testing.assert_allclose(trajectory_weights(3, "linear"), [0.5, 1.0, 1.5])
    np.testing.assert_allclose(trajectory_weights(3, "geometric", ratio=2), np.array([1, 2, 4]) / (7 / 3))
    np.testing.assert_allclose(trajectory_weights(3, "uniform"), [1, 1, 1])
    with pytest.raises(ValueError, match="unknown weighting 'newest'"):
        trajectory_weights(3, "newest")
    with pytest.raises(ValueError, match="ratio must be a positive number"):
        trajectory_weights(3, "geometric", ratio=0)


def test_dataset_visibility_reveal_and_samples(traj):
    ds = TrajectoryDataset(traj, weighting="linear")
    assert ds.visible == 1 and len(ds) == 6 and ds.visible_indices == [0]
    x, y, w = ds[0]
    assert x.shape == (2, 8, 10) and x.dtype == MODEL_DTYPE
    assert torch.equal(x[1].bool(), torch.from_numpy(traj[0, 0])) and torch.equal(x[0] + x[1], torch.ones(8, 10))
    assert y.shape == (8, 10) and y.dtype == torch.long and torch.equal(y.bool(), torch.from_numpy(traj[0, 1]))
    assert w.dtype == MODEL_DTYPE and w.item() == 1.0
    assert ds.reveal() == 2 and len(ds) == 12
    assert ds[0][2].item() == pytest.approx(2 / 3) and ds[11][2].item() == pytest.approx(4 / 3)
    x11, y11, _ = ds[11]
    assert torch.equal(y11.bool(), torch.from_numpy(traj[1, 6]))
    ds.reveal(3)
    with pytest.raises(ValueError, match="cannot reveal 1 more: 5 of 5"):
        ds.reveal()
    with pytest.raises(IndexError):
        ds[len(ds)]


def test_dataset_edge_cases_and_options(traj):
    empty = TrajectoryDataset(traj, visible=0)
    assert len(empty) == 0 and empty.weights().shape == (0,)
    with pytest.raises(ValueError, match="cannot reveal 6 more"):
        TrajectoryDataset(traj, visible=6)
    ds = TrajectoryDataset(traj, visible=2, order=[4, 1], skip=2, max_transitions=3, one_hot=False)
    assert len(ds) == 6 and ds.available == 2
    x, y, _ = ds[0]
    assert x.dtype == torch.long and x.shape == (8, 10)
    assert torch.equal(x.bool(), torch.from_numpy(traj[4, 2])) and torch.equal(y.bool(), torch.from_numpy(traj[4, 3]))
    assert torch.equal(ds[5][1].bool(), torch.from_numpy(traj[1, 5]))
    with pytest.raises(ValueError, match="skip must be"):
        TrajectoryDataset(traj, skip=6)
    with pytest.raises(ValueError, match="max_transitions"):
        TrajectoryDataset(traj, max_transitions=0)
    with pytest.raises(ValueError, match="distinct trajectory indices"):
        TrajectoryDataset(traj, order=[0, 0])
    with pytest.raises(ValueError, match="unknown weighting"):
        TrajectoryDataset(traj, weighting="bogus")


def test_tensors_match_items(traj):
    ds = TrajectoryDataset(traj, visible=3, weighting="geometric", skip=1)
    x, y, w = ds.tensors()
    assert x.shape == (len(ds), 2, 8, 10) and y.shape == (len(ds), 8, 10) and w.shape == (len(ds),)
    for i in (0, 7, len(ds) - 1):
        xi, yi, wi = ds[i]
        assert torch.equal(x[i], xi) and torch.equal(y[i], yi) and w[i] == wi


def test_split_is_by_trajectory_without_leakage(traj):
    ds = TrajectoryDataset(traj, visible=5)
    train, val = ds.split(val_fraction=0.4, seed=0)
    assert len(val.visible_indices) == 2 and len(train.visible_indices) == 3
    assert set(train.visible_indices).isdisjoint(val.visible_indices)
    assert sorted(train.visible_indices + val.visible_indices) == [0, 1, 2, 3, 4]
    train_boards = {b.tobytes() for i in train.visible_indices for b in traj[i]}
    assert all(traj[i, 0].tobytes() not in train_boards for i in val.visible_indices)
    assert train.split(0.3, seed=1)[1].visible == 1
    with pytest.raises(ValueError, match="at least 2 visible"):
        TrajectoryDataset(traj, visible=1).split()


def test_loader_batches(traj):
    ds = TrajectoryDataset(traj, visible=2)
    batches = list(ds.loader(batch_size=4, shuffle=True, seed=0))
    assert sum(len(b[0]) for b in batches) == len(ds)
    x, y, w = batches[0]
    assert x.shape == (4, 2, 8, 10) and x.dtype == MODEL_DTYPE
    assert y.shape == (4, 8, 10) and y.dtype == torch.long and w.shape == (4,) and w.dtype == MODEL_DTYPE
    again = list(ds.loader(batch_size=4, shuffle=True, seed=0))
    assert all(torch.equal(a[0], b[0]) for a, b in zip(batches, again, strict=True))
    assert not ds.loader(device="cpu").pin_memory


def test_agent_with_oracle_collects_fresh_seeded_trajectories():
    agent = DataSupplyAgent("B3/S23", shape=(10, 10), steps=5, seed=0)
    assert agent.visible == 1 and agent.available == 1
    assert agent.reveal() == 2 and agent.available == 2
    a, b = agent.visible_trajectories
    assert not np.array_equal(a[0], b[0])
    np.testing.assert_array_equal(agent.visible_trajectories, simulate("B3/S23", agent.visible_trajectories[:, 0], 5))
    again = DataSupplyAgent("B3/S23", shape=(10, 10), steps=5, seed=0)
    again.reveal()
    np.testing.assert_array_equal(again.visible_trajectories, agent.visible_trajectories)
    index = agent.collect(board=np.eye(10, dtype=bool))
    assert index == 2 and agent.visible == 2 and agent.reveal() == 3
    np.testing.assert_array_equal(agent.visible_trajectories[2, 0], np.eye(10, dtype=bool))
    np.testing.assert_allclose(agent.weights(), [0.5, 1.0, 1.5])
    ds = agent.dataset(skip=1)
    assert len(ds) == 3 * 4 and ds[len(ds) - 1][2].item() == pytest.approx(1.5)
    with pytest.raises(ValueError, match="board has shape"):
        agent.collect(board=np.zeros((3, 3)))
    waiting = agent.collect()
    first = agent.collect(board=np.ones((10, 10), dtype=bool), first=True)
    assert (waiting, first) == (3, 3) and agent.available == 5
    np.testing.assert_array_equal(agent.trajectory(4), simulate("B3/S23", agent.trajectory(4)[0], 5)[0])
    assert agent.reveal() == 4 and agent.visible_trajectories[3, 0].all()
    with pytest.raises(IndexError, match="out of range: the agent holds 5"):
        agent.trajectory(5)


def test_agent_with_external_data(traj):
    agent = DataSupplyAgent(traj[:2].astype(np.uint8))
    assert agent.rule is None and agent.visible == 1 and agent.available == 2
    agent.reveal()
    with pytest.raises(ValueError, match="all 2 external trajectories are visible"):
        agent.reveal()
    with pytest.raises(ValueError, match="no oracle rule"):
        agent.collect()
    agent.add(traj[2:3])
    assert agent.reveal() == 3
    with pytest.raises(ValueError, match="have shape"):
        agent.add(traj[:, :3])
    with pytest.raises(ValueError, match="must be binary"):
        agent.add(np.full((1, 7, 10, 8), 3))  # a 2-state agent takes 0/1 trajectories only
    multistate = DataSupplyAgent(np.full((1, 3, 4, 4), 3))
    assert multistate.states == 4 and multistate.dataset().tensors()[0].shape == (2, 4, 4, 4)  # one-hot, 4 states
    with pytest.raises(ValueError, match="must be states 0-255"):
        DataSupplyAgent(np.full((1, 3, 4, 4), -1))
    with pytest.raises(ValueError, match=r"shape \(n, T\+1, H, W\)"):
        DataSupplyAgent(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="birth digit 9"):
        DataSupplyAgent("B9/S2")


def test_configuration_and_class_counts():
    board = np.zeros((5, 5), bool)
    board[2, 1:4] = True  # a blinker
    counts = configuration_counts(board)
    assert counts.sum() == 25 and counts.shape == (512,)
    assert counts[0] == 25 - 15  # cells whose 3x3 window is empty
    classes = count_class_counts(counts)
    assert classes.shape == (2, 9) and classes.sum() == 25
    assert classes[1, 2] == 1 and classes[1, 1] == 2  # centre of the blinker has 2, its ends 1
    assert classes[0, 3] == 2  # the two cells about to be born
    life = Rule.parse("B3/S23")
    random = np.random.default_rng(0).random((3, 20, 20)) < 0.5
    nxt = simulate(life, random, 1)[:, 1]
    seen = configuration_counts(random)
    assert nxt.sum() == (seen * life.table).sum()  # next population = sum over configurations
