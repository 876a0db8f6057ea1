"""Stacked training (the sweep's trainer) on its own: pattern frequencies, runs that train as if alone, bad input."""

import math

import numpy as np
import pytest
import torch

from lifelab import Rule, random_boards, simulate
from lifelab.errors import InputError
from lifelab.evidence import family
from lifelab.geometry import patterns
from lifelab.learning import EquivariantCNN, MinimalCNN, TiedCNN, pattern_frequencies, train_stacked


def test_pattern_frequencies_are_the_rules_transitions_weighted_as_the_dataset_weighs_them():
    trajectories = simulate("B3/S23", random_boards(3, (8, 8), 0.4, seed=2), 4)
    frequencies, steps = pattern_frequencies(trajectories, np.ones(3), batch_size=5)
    assert frequencies.shape == (512, 2) and steps == math.ceil(3 * 4 / 5)
    np.testing.assert_allclose(frequencies.sum(), 1.0)
    seen = frequencies.sum(axis=1) > 0
    table = Rule.parse("B3/S23").table
    assert (frequencies[seen, 1] > 0).tolist() == table[seen].tolist()  # each seen pattern went where Life says
    assert (frequencies[seen, 0] > 0).tolist() == (~table[seen]).tolist()
    weighted, _ = pattern_frequencies(trajectories, np.array([2.0, 0.5, 0.5]), batch_size=5)
    assert not np.allclose(weighted, frequencies) and np.isclose(weighted.sum(), 1.0)


def _nets(seed, n, cls=TiedCNN, **config):
    torch.manual_seed(seed)
    return [cls(**config) for _ in range(n)]


def test_each_stacked_run_trains_as_it_would_alone():
    rules = ["B3/S23", "B36/S23"]
    fits = [pattern_frequencies(simulate(r, random_boards(2, (10, 10), 0.4, seed=4), 3), np.ones(2), 4) for r in rules]
    frequencies, steps = np.stack([f[0] for f in fits]), [f[1] for f in fits]
    together = _nets(0, 2, width=2)
    before = [torch.cat([p.detach().reshape(-1) for p in net.parameters()]) for net in together]
    trained, alive = train_stacked(together, frequencies, steps, epochs=3, stop_probability=0.99, device="cpu")
    assert trained == [3, 3] and alive.shape == (2, 512) and ((alive > 0) & (alive < 1)).all()
    for k, net in enumerate(_nets(0, 2, width=2)):
        alone, alone_alive = train_stacked(
            [net], frequencies[k : k + 1], steps[k : k + 1], epochs=3, stop_probability=0.99, device="cpu"
        )
        assert alone == [3]
        np.testing.assert_allclose(alone_alive[0], alive[k], rtol=1e-9, atol=1e-12)
        for p, q in zip(net.parameters(), together[k].parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-9, atol=1e-12)
    after = [torch.cat([p.detach().reshape(-1) for p in net.parameters()]) for net in together]
    assert all(not torch.equal(b, a) for b, a in zip(before, after, strict=True))  # updated in place
    trained, _ = train_stacked(_nets(0, 2, width=2), frequencies, steps, epochs=3, stop_probability=0.0, device="cpu")
    assert trained == [1, 1]  # every run meets a stop criterion of 0 after its first epoch and drops out


@pytest.mark.parametrize("cls", [TiedCNN, MinimalCNN])
def test_the_compiled_and_torch_steps_train_alike(cls):
    rules = ["B3/S23", "B2/S013V", "B36/S125"]
    fits = [pattern_frequencies(simulate(r, random_boards(2, (12, 12), 0.4, seed=6), 3), np.ones(2), 4) for r in rules]
    frequencies, steps = np.stack([f[0] for f in fits]), [f[1] for f in fits]
    results = {}
    for engine in ("compiled", "torch"):
        nets = _nets(1, 3, cls, width=3)
        results[engine] = nets, *train_stacked(nets, frequencies, steps, 6, 0.99, "cpu", engine=engine)
    (nets, trained, alive), (twins, twin_trained, twin_alive) = results["compiled"], results["torch"]
    assert trained == twin_trained
    np.testing.assert_allclose(alive, twin_alive, rtol=1e-8, atol=1e-10)
    for net, twin in zip(nets, twins, strict=True):
        for p, q in zip(net.parameters(), twin.parameters(), strict=True):
            torch.testing.assert_close(p, q, rtol=1e-8, atol=1e-10)


def test_a_tied_network_is_trained_on_its_fifty_classes():
    net = TiedCNN(width=2)
    x = torch.nn.functional.one_hot(torch.from_numpy(patterns().astype(np.int64)), 2).permute(0, 3, 1, 2).double()
    params = {name: p.detach().double()[None] for name, p in net.named_parameters()}
    logits = net.pattern_logits(params, x)[0]
    labels = family("edges-corners").labels
    first = np.unique(labels, return_index=True)[1]
    torch.testing.assert_close(logits, logits[first][labels], rtol=1e-12, atol=1e-12)  # constant on each class
    weight = params["net.0.weight"][0].reshape(4, -1)
    torch.testing.assert_close(
        net.window_features(x) @ weight.T, torch.einsum("pcij,ocij->po", x, net.stacked_kernel(params)[0])
    )


def test_only_networks_of_one_stackable_layout_are_stacked():
    frequencies = np.full((1, 512, 2), 1 / 1024)
    with pytest.raises(InputError, match="stackable"):
        train_stacked(_nets(0, 1, EquivariantCNN, width=2), frequencies, [1], 1, 0.99, "cpu")
    with pytest.raises(InputError, match="stackable"):
        train_stacked([], frequencies, [1], 1, 0.99, "cpu")
    with pytest.raises(InputError, match="share one class and configuration"):
        train_stacked(
            [TiedCNN(width=2), MinimalCNN(width=2)], np.concatenate([frequencies] * 2), [1, 1], 1, 0.99, "cpu"
        )
    with pytest.raises(InputError, match="share one class and configuration"):
        train_stacked([TiedCNN(width=2), TiedCNN(width=3)], np.concatenate([frequencies] * 2), [1, 1], 1, 0.99, "cpu")
    with pytest.raises(InputError, match="unknown stacked-training engine 'numba'"):
        train_stacked(_nets(0, 1, width=2), frequencies, [1], 1, 0.99, "cpu", engine="numba")
    with pytest.raises(InputError, match="runs on the CPU, not meta"):
        train_stacked(_nets(0, 1, width=2), frequencies, [1], 1, 0.99, "meta", engine="compiled")


def _epoch_class_by_class(p, m, v, t, feats, weights, steps, lr, l1, penal, h1, h2):
    """The window epoch written plainly, a class at a time, every sum in order: what the kernel must equal exactly."""
    d, s_out = feats.shape[1], weights.shape[1]
    w1 = lambda j, k: p[j * d + k]  # noqa: E731
    o_b1, o_w2 = h1 * d, h1 * d + h1
    o_b2, o_w3 = o_w2 + h2 * h1, o_w2 + h2 * h1 + h2
    o_b3 = o_w3 + s_out * h2
    seen = [c for c in range(len(feats)) if weights[c].sum() > 0]
    for _ in range(steps):
        grad = [0.0] * len(p)
        for c in seen:
            a1 = [p[o_b1 + j] for j in range(h1)]
            for k in range(d):
                for j in range(h1):
                    a1[j] += feats[c, k] * w1(j, k)
            r1 = [max(a, 0.0) for a in a1]
            a2 = [p[o_b2 + q] for q in range(h2)]
            for j in range(h1):
                for q in range(h2):
                    a2[q] += r1[j] * p[o_w2 + q * h1 + j]
            r2 = [max(a, 0.0) for a in a2]
            z = [p[o_b3 + s] for s in range(s_out)]
            for s in range(s_out):
                for q in range(h2):
                    z[s] += r2[q] * p[o_w3 + s * h2 + q]
            top = max(z)
            norm = sum(math.exp(x - top) for x in z)
            total = weights[c].sum()
            d2, d1 = [0.0] * h2, [0.0] * h1
            for s in range(s_out):
                dz = total * math.exp(z[s] - top) / norm - weights[c, s]
                grad[o_b3 + s] += dz
                for q in range(h2):
                    grad[o_w3 + s * h2 + q] += dz * r2[q]
                    d2[q] += dz * p[o_w3 + s * h2 + q]
            for q in range(h2):
                g = d2[q] if a2[q] > 0 else 0.0
                grad[o_b2 + q] += g
                for j in range(h1):
                    grad[o_w2 + q * h1 + j] += g * r1[j]
                    d1[j] += g * p[o_w2 + q * h1 + j]
            for j in range(h1):
                g = d1[j] if a1[j] > 0 else 0.0
                grad[o_b1 + j] += g
                for k in range(d):
                    grad[j * d + k] += g * feats[c, k]
        t += 1
        for i in range(len(p)):
            g = grad[i] + (l1 * np.sign(p[i]) if penal[i] else 0.0)
            m[i] += (1.0 - 0.9) * (g - m[i])
            v[i] = 0.999 * v[i] + (1.0 - 0.999) * g * g
            p[i] -= lr / (1.0 - 0.9**t) * m[i] / (math.sqrt(v[i]) / math.sqrt(1.0 - 0.999**t) + 1e-8)
    return t


def test_the_compiled_epoch_equals_the_class_by_class_sums_exactly():
    from lifelab.learning.kernel import window_epoch

    net = TiedCNN(width=2)
    labels = family(net.rule_family).labels
    first = np.unique(labels, return_index=True)[1]
    x = torch.nn.functional.one_hot(torch.from_numpy(patterns()[first].astype(np.int64)), 2).permute(0, 3, 1, 2)
    feats = net.double().window_features(x.double()).numpy()
    fits = [
        pattern_frequencies(simulate(r, random_boards(2, (9, 9), 0.3, seed=3), 2), np.ones(2), 4)[0]
        for r in ("B3/S23", "B2/S")
    ]
    weights = np.zeros((2, len(first), 2))
    np.add.at(weights, (slice(None), labels), np.stack(fits))
    assert (weights[0].sum(axis=1) > 0).sum() % 32  # not a whole number of the kernel's blocks: it pads
    flat = np.stack([torch.cat([p.detach().reshape(-1) for p in net.parameters()]).numpy()] * 2)
    penal = np.array([i < 12 for i in range(flat.shape[1])])  # some entries penalised, some not
    adam = (np.zeros_like(flat), np.zeros_like(flat), np.zeros(2))
    compiled = flat.copy()
    window_epoch(compiled, adam, feats, weights, np.arange(2), np.array([3, 5]), 0.01, 1e-3, penal, (4, 2))
    for k, steps in enumerate((3, 5)):
        p, m, v = list(flat[k]), [0.0] * flat.shape[1], [0.0] * flat.shape[1]
        assert _epoch_class_by_class(p, m, v, 0, feats, weights[k], steps, 0.01, 1e-3, penal, 4, 2) == adam[2][k]
        assert compiled[k].tolist() == p and adam[0][k].tolist() == m and adam[1][k].tolist() == v
