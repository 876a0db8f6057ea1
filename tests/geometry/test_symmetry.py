"""D4 actions, kernel orbits, projections, and the equivariance of the zoo."""

import numpy as np
import pytest
import torch

from lifelab import random_boards
from lifelab.geometry import (
    GROUPS,
    consistency_loss,
    equivariance_error,
    group_elements,
    inverse,
    kernel_orbits,
    project_kernel,
    transform,
)
from lifelab.learning import EquivariantCNN, MinimalCNN, TiedCNN
from lifelab.utils import MODEL_DTYPE

ROTATIONS = ["rot90", "rot180", "rot270"]
FLIPS = ["flip", "flip+rot90", "flip+rot180", "flip+rot270"]


def test_actions_form_the_dihedral_group():
    x = np.arange(16).reshape(4, 4)
    images = {transform(x, g).tobytes() for g in GROUPS["p4m"]}
    assert len(images) == 8  # all distinct on a generic board
    for g in GROUPS["p4m"]:
        np.testing.assert_array_equal(transform(transform(x, g), inverse(g)), x)
        closed = {transform(transform(x, g), h).tobytes() for h in GROUPS["p4m"]}
        assert closed == images  # composition stays in the group
    np.testing.assert_array_equal(transform(x, (1, False)), np.rot90(x))
    np.testing.assert_array_equal(transform(x, (0, True)), x[:, ::-1])


def test_torch_and_numpy_actions_agree():
    x = np.random.default_rng(0).random((2, 3, 5, 5))
    for g in GROUPS["p4m"]:
        np.testing.assert_array_equal(transform(torch.from_numpy(x), g).numpy(), transform(x, g))


def test_bad_groups_elements_and_shapes_are_named():
    with pytest.raises(ValueError, match="unknown symmetry group 'p6'"):
        group_elements("p6")
    with pytest.raises(TypeError, match="quarter_turns"):
        transform(np.zeros((3, 3)), (1.5, False))
    with pytest.raises(ValueError, match="square"):
        transform(np.zeros((3, 4)), (1, False))
    assert transform(np.zeros((3, 4)), (2, True)).shape == (3, 4)  # half turns and flips are fine on rectangles
    with pytest.raises(ValueError, match="odd"):
        kernel_orbits(4, "p4")


def test_kernel_orbits_of_3x3_are_centre_edges_corners():
    for group in ("p4", "p4m"):
        orbits = kernel_orbits(3, group)
        np.testing.assert_array_equal(orbits, [[0, 1, 0], [1, 2, 1], [0, 1, 0]])
    assert kernel_orbits(3, "trivial").max() == 8
    # on 5x5 a quarter turn keeps the two chiral (1, 2) orbits apart; a mirror merges them
    assert kernel_orbits(5, "p4").max() + 1 == 7
    assert kernel_orbits(5, "p4m").max() + 1 == 6


def test_projection_is_onto_invariant_kernels():
    k = torch.randn(4, 2, 5, 5)
    for group in ("p4", "p4m"):
        p = project_kernel(k, group)
        for g in group_elements(group):
            torch.testing.assert_close(transform(p, g), p)
        torch.testing.assert_close(project_kernel(p, group), p)  # idempotent
        # constant on orbits, and each orbit value is the orbit mean of the original
        orbits = torch.from_numpy(kernel_orbits(5, group))
        for label in range(int(orbits.max()) + 1):
            cells = orbits == label
            torch.testing.assert_close(p[..., cells], k[..., cells].mean(-1, keepdim=True).expand_as(p[..., cells]))


@pytest.fixture(scope="module")
def boards():
    return random_boards(3, (12, 12), 0.4, seed=5)


def test_p4_models_are_exact_under_rotations_but_not_flips(boards):
    torch.manual_seed(0)
    for model in (EquivariantCNN("p4", width=2), TiedCNN("p4", width=2, kernel_size=5)):
        errors = equivariance_error(model, boards, "p4m", per_element=True)
        assert errors["identity"] == 0.0
        assert max(errors[name] for name in ROTATIONS) < 1e-5, (model, errors)
        assert min(errors[name] for name in FLIPS) > 1e-3, (model, errors)
        assert equivariance_error(model, boards, "p4") < 1e-5


def test_p4m_models_are_exact_under_rotations_and_flips(boards):
    torch.manual_seed(1)
    for model in (EquivariantCNN("p4m", width=2), TiedCNN("p4m", width=2, kernel_size=5), TiedCNN("p4", width=2)):
        assert equivariance_error(model, boards, "p4m") < 1e-5, model


def test_plain_cnn_is_not_equivariant_and_error_runs_in_eval_mode(boards):
    torch.manual_seed(2)
    model = MinimalCNN(width=2).train()
    assert equivariance_error(model, boards, "p4") > 1e-3
    assert model.training  # mode restored
    assert equivariance_error(model, boards, "trivial") == 0.0
    with pytest.raises(ValueError, match="square"):
        equivariance_error(model, random_boards(2, (8, 10), seed=0), "p4")


def test_consistency_loss_value_and_gradient(boards):
    torch.manual_seed(3)
    x = torch.from_numpy(np.stack([~boards, boards], axis=1)).to(MODEL_DTYPE)
    equivariant = EquivariantCNN("p4m", width=2)
    assert consistency_loss(equivariant, x, "p4m").item() < 1e-10
    plain = MinimalCNN(width=2)
    loss = consistency_loss(plain, x, "p4")
    y = plain(x)
    manual = np.mean([(plain(transform(x, g)) - transform(y, g)).pow(2).mean().item() for g in GROUPS["p4"][1:]])
    assert loss.item() == pytest.approx(manual, rel=1e-5)
    assert consistency_loss(plain, x, "trivial").item() == 0.0
    loss.backward()
    grads = [p.grad for p in plain.parameters()]
    assert all(g is not None for g in grads) and sum(float(g.abs().sum()) for g in grads) > 0
    # a gradient step on the consistency loss alone makes the plain model more equivariant
    before = equivariance_error(plain, boards, "p4")
    optimiser = torch.optim.SGD(plain.parameters(), lr=0.5)
    for _ in range(30):
        optimiser.zero_grad()
        consistency_loss(plain, x, "p4").backward()
        optimiser.step()
    assert equivariance_error(plain, boards, "p4") < before / 2
