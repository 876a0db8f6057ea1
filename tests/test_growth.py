"""Symmetry found in the data, and growing a model's group without starting over."""

import numpy as np
import pytest
import torch

import lifelab
from lifelab import Rule, random_boards, simulate
from lifelab.extract import indicator_patterns
from lifelab.models import MinimalCNN, TiedCNN, build_model, grow_group
from lifelab.symmetry import SUBGROUPS, data_symmetry, equivariance_error, kernel_orbits, project_kernel


@pytest.mark.parametrize("rule", [e.rulestring for e in lifelab.named_rules(studied_only=True)])
def test_the_nine_rules_are_p4m_in_their_data(rule):
    found = data_symmetry(simulate(rule, random_boards(4, (32, 32), seed=0), 8))
    assert found.group == "p4m" and found.consistent[0] == "p4m"
    assert sum(found.contradicted.values()) == 0 and found.inconsistent == 0
    assert found.checked["rot90"] > 0 and found.checked["flip"] > 0  # real evidence, not silence


def test_an_anisotropic_rule_gives_a_smaller_group():
    """Next state = the cell's north neighbour: only the left-right mirror keeps north where it is."""
    north = Rule.from_table(indicator_patterns(3, 3)[:, 0, 1])
    found = data_symmetry(simulate(north, random_boards(3, (24, 24), seed=1), 6))
    assert found.group == "pm-lr" and found.consistent == ["pm-lr", "trivial"]
    assert found.contradicted["flip"] == 0 and found.contradicted["rot90"] > 0
    assert found.contradicted["rot180"] > 0 and found.contradicted["flip+rot180"] > 0
    assert "largest symmetry the data allows: pm-lr (2 elements)" in found.summary()


def test_noise_contradicts_even_the_identity():
    traj = simulate("B3/S23", random_boards(2, (16, 16), seed=2), 6)
    traj[0, 3] ^= np.random.default_rng(0).random((16, 16)) < 0.2
    found = data_symmetry(traj)
    assert found.inconsistent > 0 and found.contradicted["identity"] == found.inconsistent
    assert found.group == "trivial" and found.consistent == []


def test_projection_is_idempotent_and_invariant():
    kernel = torch.randn(5, 2, 3, 3)
    for group in ("p4", "p4m"):
        once = project_kernel(kernel, group)
        torch.testing.assert_close(project_kernel(once, group), once)
        orbits = torch.from_numpy(kernel_orbits(3, group))
        for label in orbits.unique():
            values = once[..., orbits == label]
            torch.testing.assert_close(values, values[..., :1].expand_as(values))


def test_grown_model_is_exactly_equivariant_and_keeps_a_symmetric_function():
    boards = random_boards(6, (16, 16), seed=3)
    lifelab.seed_everything(0)
    plain = MinimalCNN(width=4)
    grown = grow_group(plain, "p4m")
    assert isinstance(grown, TiedCNN) and grown.symmetry == "p4m"
    assert equivariance_error(plain, boards, "p4m") > 1e-3
    assert equivariance_error(grown, boards, "p4m") < 1e-6
    # a plain model whose kernel already is invariant computes the same function after growth
    with torch.no_grad():
        plain.net[0].weight.copy_(project_kernel(plain.net[0].weight, "p4m"))
    again = grow_group(plain, "p4m")
    x = torch.nn.functional.one_hot(torch.from_numpy(boards).long(), 2).permute(0, 3, 1, 2).float()
    torch.testing.assert_close(again(x), plain(x))


def test_an_invariant_model_is_unchanged_by_growth():
    lifelab.seed_everything(1)
    p4 = TiedCNN("p4", width=4)
    grown = grow_group(p4, "p4m")
    torch.testing.assert_close(grown.net[0].kernel(), p4.net[0].kernel())
    for a, b in zip(grown.state_dict().values(), p4.state_dict().values()):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match="already p4m"):
        grow_group(TiedCNN("p4m"), "p4")
    with pytest.raises(ValueError, match="can grow to 'p4' or 'p4m'"):
        grow_group(p4, "p8")
    with pytest.raises(TypeError, match="weight-tied route"):
        grow_group(build_model("multiscale"), "p4m")
    assert set(SUBGROUPS["p4"]) < set(SUBGROUPS["p4m"])
