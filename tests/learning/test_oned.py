"""The 1-D network: it learns a rule from pairs of rows, reads back what it steps, and keeps its symmetry."""

import numpy as np
import pytest
import torch

from lifelab import simulate
from lifelab.errors import InputError
from lifelab.learning import OneDNet, fit_1d, read_1d
from lifelab.rules import OneDRule
from lifelab.utils import MODEL_DTYPE, seeded


def _pairs(rule: OneDRule, n: int, width: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).integers(0, rule.states, (n, 1, width)).astype(np.uint8)
    return simulate(rule, rows, 1)


def test_the_network_learns_rule_90_and_reads_it_back():
    rule = OneDRule.from_wolfram(90)
    net = fit_1d(_pairs(rule, 5, 40, seed=0), 2, 1, device="cpu")
    assert net.symmetric and next(net.parameters()).dtype == MODEL_DTYPE
    assert np.array_equal(read_1d(net), rule.table)


def test_an_unsymmetric_network_learns_rule_110_the_same_way_twice_from_rows_of_different_lengths():
    rule = OneDRule.from_wolfram(110)
    rng = np.random.default_rng(1)
    rows = [rng.integers(0, 2, width) for width in (24, 24, 31, 31, 47)]
    pairs = [(r, rule.step(r[None, None])[0, 0]) for r in rows]
    first = fit_1d(pairs, 2, 1, symmetric=False, device="cpu", seed=3)
    again = fit_1d(pairs, 2, 1, symmetric=False, device="cpu", seed=3)
    assert np.array_equal(read_1d(first), rule.table)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), again.parameters(), strict=True))


@pytest.mark.parametrize(("states", "radius", "symmetric"), [(2, 1, True), (3, 2, False), (4, 1, False)])
def test_the_table_read_is_what_the_network_steps(states, radius, symmetric):
    with seeded(7):
        net = OneDNet(states, radius, hidden=8, symmetric=symmetric).to(MODEL_DTYPE)
    rule = OneDRule(read_1d(net), states, radius)
    rng = np.random.default_rng(8)
    for width in (2, 5, 23):  # rings shorter than the window too
        rows = rng.integers(0, states, (6, width))
        assert np.array_equal(net.step(rows), rule.step(rows[:, None])[:, 0])


def test_a_symmetric_network_commutes_with_reversing_the_row():
    with seeded(2):
        net = OneDNet(3, 2, hidden=8).to(MODEL_DTYPE)
    x = torch.nn.functional.one_hot(torch.as_tensor(np.random.default_rng(3).integers(0, 3, (4, 17))), 3)
    x = x.movedim(-1, 1).to(MODEL_DTYPE)
    assert torch.allclose(net(x.flip(-1)), net(x).flip(-1))
    with seeded(2):
        plain = OneDNet(3, 2, hidden=8, symmetric=False).to(MODEL_DTYPE)
    assert not torch.allclose(plain(x.flip(-1)), plain(x).flip(-1))


def test_states_beyond_the_stated_are_refused():
    with pytest.raises(InputError, match="beyond the 2 stated"):
        fit_1d([(np.array([0, 2, 1]), np.array([1, 1, 1]))], 2, 1, epochs=1, device="cpu")


def test_an_open_network_learns_from_inner_cells_only():
    rule = OneDRule.from_wolfram(110)
    rows = np.random.default_rng(5).integers(0, 2, (6, 30))
    after = rule.step(rows[:, None])[:, 0].astype(np.int64)
    after[:, 0], after[:, -1] = 1 - after[:, 0], 1 - after[:, -1]  # the ends follow cells the stretch does not show
    net = fit_1d(list(zip(rows, after, strict=True)), 2, 1, symmetric=False, device="cpu", seed=0, boundary="open")
    assert np.array_equal(read_1d(net), rule.table)
    with pytest.raises(InputError, match="ring or open"):
        fit_1d(list(zip(rows, after, strict=True)), 2, 1, boundary="dead")
