"""Training: the loss terms, weights, determinism, checkpoints, and learning Life for real."""

import numpy as np
import pytest
import torch

import lifelab
from lifelab import random_boards, simulate
from lifelab.learning import (
    History,
    MinimalCNN,
    SimpleCNNTiny,
    TiedCNN,
    TrajectoryDataset,
    checkpoint_path,
    evaluate,
    l1_penalty,
    load_model,
    predict,
    read_checkpoint,
    train,
)


@pytest.fixture(scope="module")
def life():
    return simulate("B3/S23", random_boards(6, (16, 16), 0.4, seed=1), 8)


def test_l1_penalty_sums_every_weight_and_no_bias():
    torch.manual_seed(0)
    model = SimpleCNNTiny(hidden=3)
    expected = sum(p.abs().sum() for n, p in model.named_parameters() if n.endswith("weight"))
    torch.testing.assert_close(l1_penalty(model), expected)
    l1_penalty(model).backward()
    conv = model.net[0]
    torch.testing.assert_close(conv.weight.grad, torch.sign(conv.weight.detach()))
    assert conv.bias.grad is None


def test_l1_coefficient_enters_the_objective(life):
    ds = TrajectoryDataset(life, visible=2, max_transitions=2)
    runs = {}
    for l1 in (0.0, 1e-2):
        torch.manual_seed(0)
        model = MinimalCNN(width=2)
        penalty = l1_penalty(model).item()
        h = train(model, ds, epochs=1, lr=1e-12, l1=l1, batch_size=4, device="cpu", progress=False)
        runs[l1] = (h.objective[0], penalty)
    (plain, _), (penalised, penalty) = runs[0.0], runs[1e-2]
    assert penalised == pytest.approx(plain + 1e-2 * penalty, rel=1e-4)


def test_consistency_term_enters_the_objective(life):
    ds = TrajectoryDataset(life, visible=2, max_transitions=2)
    objectives = []
    for weight in (0.0, 10.0):
        torch.manual_seed(0)
        h = train(
            MinimalCNN(width=2),
            ds,
            epochs=1,
            lr=1e-12,
            l1=0,
            consistency=weight,
            group="p4",
            batch_size=4,
            device="cpu",
            progress=False,
        )
        objectives.append(h.objective[0])
    assert objectives[1] > objectives[0] * 1.01
    torch.manual_seed(0)
    h = train(
        TiedCNN("p4m", width=2),
        ds,
        epochs=1,
        lr=1e-12,
        l1=0,
        consistency=10.0,
        group="p4m",
        batch_size=4,
        device="cpu",
        progress=False,
    )
    torch.manual_seed(0)
    h0 = train(TiedCNN("p4m", width=2), ds, epochs=1, lr=1e-12, l1=0, batch_size=4, device="cpu", progress=False)
    assert h.objective[0] == pytest.approx(h0.objective[0], rel=1e-5)  # exactly equivariant: no extra cost


def test_trajectory_weights_change_the_loss(life):
    torch.manual_seed(0)
    model = MinimalCNN(width=2)
    uniform = TrajectoryDataset(life, visible=3, weighting="uniform")
    geometric = TrajectoryDataset(life, visible=3, weighting="geometric", ratio=4.0)
    x, y, w = uniform.tensors()
    _, _, wg = geometric.tensors()
    assert not torch.equal(w, wg)
    lu, lg = evaluate(model, uniform)["loss"], evaluate(model, geometric)["loss"]
    assert lu != pytest.approx(lg, rel=1e-4)
    with torch.no_grad():
        per = torch.nn.functional.cross_entropy(model(x), y, reduction="none").mean((1, 2))
    assert lg == pytest.approx(float((per * wg).mean()), rel=1e-5)


def test_same_seed_same_curve_and_resume_is_exact(life, tmp_path, monkeypatch):
    ds = TrajectoryDataset(life, visible=4, max_transitions=4)

    def run(epochs, path=None):
        lifelab.seed_everything(3)
        model = MinimalCNN(width=2)
        h = train(
            model,
            ds,
            epochs=epochs,
            batch_size=4,
            lr=5e-3,
            early_stop=False,
            device="cpu",
            seed=3,
            checkpoint=path,
            rule="B3/S23",
            progress=False,
        )
        return model, h

    a, ha = run(4)
    b, hb = run(4)
    assert ha.train_loss == hb.train_loss and ha.objective == hb.objective
    path = tmp_path / "ck.pt"
    calls = []

    def interrupt_in_epoch_3(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr("lifelab.learning.training.evaluate", interrupt_in_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        run(4, path)
    monkeypatch.undo()
    assert read_checkpoint(path)["history"]["epoch"] == [1, 2]
    c, hc = run(4, path)  # resumes at epoch 3
    assert hc.epoch == [1, 2, 3, 4]
    assert hc.train_loss == pytest.approx(ha.train_loss, rel=1e-6)
    for p, q in zip(a.parameters(), c.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    # a finished checkpoint is loaded, not retrained
    stamp = path.stat().st_mtime_ns
    _, again = run(4, path)
    assert again.epoch == [1, 2, 3, 4] and path.stat().st_mtime_ns == stamp
    model, history = load_model(path)
    assert isinstance(model, MinimalCNN) and not model.training and history.epoch == hc.epoch
    for p, q in zip(model.parameters(), c.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_checkpoint_for_another_model_or_rule_is_refused(life, tmp_path):
    ds = TrajectoryDataset(life, visible=1, max_transitions=2)
    path = tmp_path / "ck.pt"
    train(MinimalCNN(width=2), ds, epochs=1, device="cpu", checkpoint=path, rule="B3/S23", progress=False)
    with pytest.raises(ValueError, match="written for MinimalCNN .* not SimpleCNNTiny"):
        train(SimpleCNNTiny(), ds, epochs=2, device="cpu", checkpoint=path, rule="B3/S23", progress=False)
    with pytest.raises(ValueError, match="written for MinimalCNN .*'width': 2.* not MinimalCNN .*'width': 3"):
        train(MinimalCNN(width=3), ds, epochs=2, device="cpu", checkpoint=path, rule="B3/S23", progress=False)
    with pytest.raises(ValueError, match="written for rule B3/S23, not B36/S23"):
        train(MinimalCNN(width=2), ds, epochs=2, device="cpu", checkpoint=path, rule="HighLife", progress=False)
    with pytest.raises(ValueError, match=r"trained with lr=0.01, not lr=0.05"):
        train(MinimalCNN(width=2), ds, epochs=2, lr=0.05, device="cpu", checkpoint=path, rule="B3/S23", progress=False)
    other_data = TrajectoryDataset(life, visible=2, max_transitions=2)
    with pytest.raises(ValueError, match="trained on other data"):
        train(MinimalCNN(width=2), other_data, epochs=2, device="cpu", checkpoint=path, rule="B3/S23", progress=False)
    first = read_checkpoint(path)["history"]
    longer = train(MinimalCNN(width=2), ds, epochs=3, device="cpu", checkpoint=path, rule="B3/S23", progress=False)
    assert longer.objective[:1] == first["objective"]  # a larger epoch budget resumes the same run
    assert longer.epochs == 3 or longer.converged_epoch is not None
    bad = tmp_path / "bad.pt"
    torch.save({"weights": torch.zeros(2)}, bad)
    with pytest.raises(ValueError, match="not a lifelab checkpoint"):
        read_checkpoint(bad)
    (tmp_path / "junk.pt").write_bytes(b"not a pickle")
    with pytest.raises(ValueError, match="cannot read checkpoint"):
        read_checkpoint(tmp_path / "junk.pt")
    with pytest.raises(FileNotFoundError):
        read_checkpoint(tmp_path / "missing.pt")
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_checkpoint_names_are_safe_files(tmp_path, monkeypatch):
    monkeypatch.setenv("LIFELAB_DATA", str(tmp_path))
    path = checkpoint_path("03_B3/S23_tied")
    assert path == tmp_path / "checkpoints" / "03_B3_S23_tied.pt"
    with pytest.raises(ValueError):
        checkpoint_path("")


def test_bad_training_settings_are_named(life):
    ds = TrajectoryDataset(life, visible=1)
    model = MinimalCNN(width=2)
    for kwargs, message in [
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"lr": -1.0}, "lr must be a positive number"),
        ({"l1": -1e-5}, "l1 must be a non-negative number"),
        ({"schedule": "step"}, "schedule must be one of"),
        ({"consistency": 1.0, "group": "p6"}, "unknown symmetry group"),
        ({"amp": True, "device": "cpu"}, "amp .* needs a CUDA device"),
        ({"stop_probability": 1.0}, r"stop_probability must be a number in \(0.5, 1\)"),
        ({"stop_probability": 0.5}, r"stop_probability must be a number in \(0.5, 1\)"),
    ]:
        with pytest.raises(ValueError, match=message):
            train(model, ds, progress=False, **kwargs)
    with pytest.raises(ValueError, match="one_hot=True"):
        train(model, TrajectoryDataset(life, one_hot=False), progress=False)
    with pytest.raises(ValueError, match="no visible transitions"):
        train(model, TrajectoryDataset(life, visible=0), progress=False)
    with pytest.raises(TypeError, match="TrajectoryDataset"):
        train(model, life, progress=False)


def test_training_learns_life_exactly_on_cpu():
    """A short CPU run predicts every cell of unseen boards right, and the history shows the way there."""
    lifelab.seed_everything(0)
    traj = simulate("B3/S23", random_boards(8, (24, 24), 0.4, seed=11), 12)
    train_set, val_set = TrajectoryDataset(traj, visible=8).split(0.25, seed=0)
    model = TiedCNN("p4m")
    h = train(model, train_set, val=val_set, epochs=60, device="cpu", rule="B3/S23", progress=False)
    assert h.converged_epoch is not None and h.epochs == h.converged_epoch < 60
    assert h.train_board_acc[-1] == 1.0 and h.train_board_acc[0] < 1.0
    assert h.train_loss[-1] < h.train_loss[0] / 2
    assert len(h.val_loss) == h.epochs and h.val_cell_acc[-1] > 0.999
    fresh = random_boards(16, (20, 20), 0.35, seed=99)
    np.testing.assert_array_equal(predict(model, fresh), simulate("B3/S23", fresh, 1)[:, 1])
    assert "converged after epoch" in h.summary()
    restored = History.from_dict(h.as_dict())
    assert restored == h


def test_stop_probability_trains_past_the_first_exact_epoch():
    """Exact is not enough with a margin asked for: training goes on until every cell is that sure."""
    traj = simulate("B3/S23", random_boards(4, (24, 24), 0.4, seed=5), 12)
    data = TrajectoryDataset(traj, visible=4)
    lifelab.seed_everything(0)
    exact = train(TiedCNN("p4m"), data, epochs=200, device="cpu", progress=False)
    lifelab.seed_everything(0)
    model = TiedCNN("p4m")
    sure = train(model, data, epochs=200, device="cpu", stop_probability=0.99, progress=False)
    assert exact.converged_epoch is not None and sure.converged_epoch is not None
    assert sure.converged_epoch > exact.converged_epoch
    assert sure.train_board_acc[exact.converged_epoch - 1] == 1.0  # already exact then, yet it went on
    assert evaluate(model, data)["min_prob"] >= 0.99


def test_training_figures(life):
    import matplotlib.pyplot as plt

    from lifelab.viz import plot_predictions

    ds = TrajectoryDataset(life, visible=2, max_transitions=2)
    h = train(
        MinimalCNN(width=2),
        ds,
        val=TrajectoryDataset(life[2:], visible=1, max_transitions=2),
        epochs=2,
        early_stop=False,
        device="cpu",
        progress=False,
    )
    fig = h.plot(label="baseline")
    assert len(fig.axes) == 3 and fig.axes[2].get_legend().get_texts()[0].get_text() == "baseline"
    assert len(fig.axes[0].lines) == 2  # train and validation loss
    fig = plot_predictions(life[:2, 0], life[:2, 1], life[:2, 1], labels=["a", "b"])
    assert fig.axes[3].get_title() == "0 cells wrong"
    with pytest.raises(ValueError, match="share one"):
        plot_predictions(life[:2, 0], life[:1, 1], life[:2, 1])
    plt.close("all")


def test_the_thread_policy_gives_the_same_model_whatever_the_callers_thread_count(life):
    """train runs torch on MODEL_THREADS threads and restores the caller's setting after."""
    before = torch.get_num_threads()
    models = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            torch.manual_seed(3)
            model = TiedCNN(group="p4m")
            history = train(model, TrajectoryDataset(life, visible=6), epochs=6, early_stop=False, progress=False)
            assert torch.get_num_threads() == threads
            models.append((history.train_loss, model.state_dict()))
    finally:
        torch.set_num_threads(before)
    (loss_one, one), (loss_two, two) = models
    assert loss_one == loss_two
    for name in one:
        assert torch.equal(one[name], two[name]), name


def test_model_threads_sets_and_restores_the_count(monkeypatch):
    from lifelab.utils import threads

    before = torch.get_num_threads()
    monkeypatch.setattr(threads, "MODEL_THREADS", 1)
    try:
        torch.set_num_threads(2)
        with threads.model_threads():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_progress_bar_ends_early_as_a_success_and_a_failure_as_one():
    from lifelab.utils import progress_bar

    with progress_bar(10, "stops early") as bar:
        bar.update(3)
    assert (bar.n, bar.total) == (3, 3)
    with pytest.raises(RuntimeError):
        with progress_bar(10, "fails") as failed:
            failed.update(2)
            raise RuntimeError("boom")
    assert (failed.n, failed.total) == (2, 10)


def test_the_training_bar_names_its_run(life, capsys):
    torch.manual_seed(0)
    history = train(TiedCNN(group="p4m"), TrajectoryDataset(life, visible=6), epochs=50, rule="B3/S23", seed=2)
    err = capsys.readouterr().err
    assert "train TiedCNN on B3/S23, seed 2" in err
    assert history.converged_epoch is not None and f"{history.converged_epoch}/{history.converged_epoch}" in err
