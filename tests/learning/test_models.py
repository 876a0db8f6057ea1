"""The model zoo: shapes, circular padding, parameter counts, export, prediction."""

import numpy as np
import pytest
import torch

from lifelab import random_boards, simulate
from lifelab.learning import (
    REGISTRY,
    EquivariantCNN,
    LifeModel,
    MinimalCNN,
    MultiScale,
    SimpleCNNSmall,
    SimpleCNNTiny,
    TiedCNN,
    TiedConv2d,
    build_model,
    model_spec,
    predict,
    register,
    rollout,
)
from lifelab.utils import MODEL_DTYPE, one_hot

SMALL = {
    "minimal": {"width": 2},
    "tiny": {},
    "small": {},
    "multiscale": {},
    "tied": {"width": 2},
    "e2cnn": {"width": 2},
}
#: Trainable scalars of each SMALL model, counted by hand (e2cnn: its free basis coefficients).
PARAMETERS = {
    "minimal": 2 * 4 * 9 + 4 + 4 * 2 + 2 + 2 * 2 + 2,
    "tiny": 2 * 8 * 25 + 8 + 8 * 2 + 2,
    "small": 2 * 16 * 25 + 16 + 16 * 16 + 16 + 16 * 2 + 2,
    "multiscale": 492,
    "tied": 2 * 4 * 3 + 4 + 4 * 2 + 2 + 2 * 2 + 2,
}
NETWORKS = sorted(name for name, spec in REGISTRY.items() if spec.network)


@pytest.mark.parametrize("family", NETWORKS)
def test_every_model_maps_one_hot_boards_to_logits_of_the_same_size(family):
    torch.manual_seed(0)
    model = build_model(family, **SMALL[family]).eval()
    for shape in ((7, 9), (16, 16)):
        x = one_hot(random_boards(3, shape, seed=1))
        assert model(x).shape == (3, 2, *shape)
    if family in PARAMETERS:
        assert model.n_parameters == PARAMETERS[family]
    assert model.describe().startswith(type(model).__name__ + " v")
    assert model_spec(family) is model_spec(type(model).__name__) is model_spec(model) is type(model).spec


@pytest.mark.parametrize("family", NETWORKS)
def test_every_model_commutes_with_translations_on_the_torus(family):
    """Circular padding: shifting the board (with wrap-around) shifts the output the same way."""
    torch.manual_seed(0)
    model = build_model(family, **SMALL[family]).eval()
    x = one_hot(random_boards(2, (10, 12), seed=2))
    with torch.no_grad():
        y = model(x)
        shifted = model(torch.roll(x, shifts=(3, -5), dims=(2, 3)))
    torch.testing.assert_close(shifted, torch.roll(y, shifts=(3, -5), dims=(2, 3)), atol=1e-5, rtol=1e-5)


def test_multiscale_is_the_v020_architecture():
    model = MultiScale()
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.kernel_size, c.dilation) for c in convs] == [
        (2, 2, (3, 3), (1, 1)),
        (2, 2, (5, 5), (1, 1)),
        (2, 2, (3, 3), (2, 2)),
        (6, 4, (3, 3), (1, 1)),
        (4, 2, (3, 3), (1, 1)),
    ]
    assert all(c.padding_mode == "circular" for c in convs)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()) == 4
    assert sum(isinstance(m, torch.nn.LeakyReLU) and m.negative_slope == 0.1 for m in model.modules()) == 3
    assert model.n_parameters == 492


def test_simple_cnns_use_5x5_kernels_and_the_baseline_a_3x3():
    assert SimpleCNNTiny().net[0].kernel_size == (5, 5) and SimpleCNNSmall().net[0].kernel_size == (5, 5)
    base = MinimalCNN(width=1)
    assert base.net[0].kernel_size == (3, 3)
    assert base.n_parameters == (2 * 2 * 9 + 2) + (2 * 1 + 1) + (1 * 2 + 2)  # readable by eye
    assert MinimalCNN(width=3).n_parameters > base.n_parameters


def test_tied_kernel_has_three_values_for_p4_3x3():
    torch.manual_seed(0)
    layer = TiedConv2d(2, 4, 3, "p4").to(MODEL_DTYPE)  # a layer, like torch's own, is built in float32
    assert layer.weight.shape == (4, 2, 3)
    k = layer.kernel().detach()
    corners = k[..., [0, 0, 2, 2], [0, 2, 0, 2]]
    edges = k[..., [0, 1, 1, 2], [1, 0, 2, 1]]
    assert torch.equal(corners, corners[..., :1].expand_as(corners))
    assert torch.equal(edges, edges[..., :1].expand_as(edges))
    assert not torch.equal(corners[..., 0], edges[..., 0])
    # gradients reach every orbit value through the tied kernel
    layer(one_hot(random_boards(1, (6, 6), seed=0))).sum().backward()
    assert (layer.weight.grad != 0).all()
    assert TiedCNN("p4m").n_parameters < MinimalCNN().n_parameters


def test_bad_configurations_are_named():
    with pytest.raises(ValueError, match="width must be a positive integer"):
        MinimalCNN(width=0)
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        SimpleCNNTiny(kernel_size=4)
    with pytest.raises(ValueError, match=r"group must be one of \['trivial', 'p4', 'p4m'\], got 'p6'"):
        EquivariantCNN(group="p6")
    with pytest.raises(ValueError, match="unknown symmetry group"):
        TiedCNN(group="c2")
    with pytest.raises(ValueError, match="unknown model 'resnet'"):
        build_model("resnet")
    with pytest.raises(TypeError, match="bad arguments for SimpleCNNTiny"):
        build_model("tiny", depth=3)
    assert isinstance(build_model("SimpleCNNSmall"), SimpleCNNSmall)


@pytest.mark.parametrize("group", ["trivial", "p4", "p4m"])
def test_e2cnn_export_is_plain_torch_with_identical_outputs(group):
    torch.manual_seed(0)
    model = EquivariantCNN(group, width=2).train()
    plain = model.export()
    assert model.training  # mode restored
    assert not any("e2cnn" in type(m).__module__ for m in plain.modules())
    first = plain[0]
    assert isinstance(first, torch.nn.Conv2d) and first.padding_mode == "circular"
    x = one_hot(random_boards(2, (9, 9), seed=3))
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(plain(x), model(x), atol=1e-5, rtol=1e-5)


def test_e2cnn_first_layer_spans_every_invariant_3x3_kernel():
    """Corners and edges must be free to differ (e2cnn's default basis ties them)."""
    torch.manual_seed(0)
    kernels = []
    for _ in range(6):
        model = EquivariantCNN("p4m", width=1)
        kernels.append(model.export()[0].weight.detach()[:, :1].sum(0).flatten())  # invariant part of one field
    assert torch.linalg.matrix_rank(torch.stack(kernels).double(), atol=1e-6) == 3


def test_translation_only_e2cnn_reaches_every_3x3_kernel():
    """EquivariantCNN("trivial") is a plain CNN: its first kernels must not be constrained at all."""
    torch.manual_seed(0)
    kernels = [EquivariantCNN("trivial", width=1).export()[0].weight.detach()[0, 0].flatten() for _ in range(12)]
    assert torch.linalg.matrix_rank(torch.stack(kernels).double(), atol=1e-6) == 9


def test_predict_and_rollout_shapes_and_validation():
    torch.manual_seed(0)
    model = MinimalCNN(width=2)
    boards = random_boards(3, (8, 8), seed=0)
    out = predict(model, boards)
    assert out.shape == (3, 8, 8) and out.dtype == bool
    p = predict(model, boards[0], probabilities=True)
    assert p.shape == (1, 8, 8) and ((p >= 0) & (p <= 1)).all()
    np.testing.assert_array_equal(predict(model, boards[0])[0], p[0] > 0.5)
    traj = rollout(model, boards, 4)
    assert traj.shape == (3, 5, 8, 8)
    np.testing.assert_array_equal(traj[:, 0], boards)
    np.testing.assert_array_equal(traj[:, 1], out)
    with pytest.raises(ValueError, match="only 0 and 1"):
        predict(model, np.full((4, 4), 2))
    with pytest.raises(ValueError, match="steps must be"):
        rollout(model, boards, -1)


def test_an_exact_handmade_network_simulates_life():
    """MinimalCNN(width=1) with hand-set weights is B3/S23 exactly: the baseline family can express Life."""
    model = MinimalCNN(width=1)
    conv3, conv1, out = model.net[0], model.net[2], model.net[4]
    ring = torch.ones(3, 3)
    ring[1, 1] = 0.5  # s = live neighbours + centre / 2; Life is alive next iff 2.5 <= s <= 3.5
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        conv3.weight[0, 1], conv3.bias[0] = ring, -2.0  # relu(s - 2)
        conv3.weight[1, 1], conv3.bias[1] = ring, -3.0  # relu(s - 3)
        conv1.weight[0, 0, 0, 0], conv1.weight[0, 1, 0, 0], conv1.bias[0] = 1.0, -2.0, -0.25  # a bump on 2.5..3.5
        out.weight[1, 0, 0, 0], out.bias[1] = 1.0, -0.1
    for density in (0.2, 0.4, 0.6):
        boards = random_boards(4, (16, 16), density, seed=7)
        np.testing.assert_array_equal(predict(model, boards), simulate("B3/S23", boards, 1)[:, 1])
    assert not np.array_equal(predict(model, boards), simulate("B36/S23", boards, 1)[:, 1])


def test_e2cnn_state_round_trips_whatever_the_mode():
    """e2cnn keeps derived filter buffers only in some modes; checkpoints must not depend on that."""
    torch.manual_seed(0)
    trained = EquivariantCNN("p4", width=2)
    trained.eval()
    trained.train()
    with torch.no_grad():
        next(trained.parameters()).add_(1.0)
    saved = trained.state_dict()
    assert not any(k.endswith(".filter") for k in saved)
    fresh = EquivariantCNN("p4", width=2)  # fresh R2Convs hold a filter buffer
    fresh.load_state_dict(saved)
    eval_mode = EquivariantCNN("p4", width=2).eval()
    eval_mode.load_state_dict(trained.eval().state_dict())
    assert not eval_mode.training
    x = one_hot(random_boards(2, (8, 8), seed=4))
    with torch.no_grad():
        expected = trained.eval()(x)
        torch.testing.assert_close(fresh.eval()(x), expected)
        torch.testing.assert_close(eval_mode(x), expected)


def test_a_model_added_by_one_decorated_class_is_usable_everywhere():
    """The registry is the one list: a new class is buildable, learnable and growable by its declared facts."""
    from lifelab.cli import build_parser
    from lifelab.loop import learn_rule

    @register("centre-only", "a 1x1 network: sees only the cell itself")
    class CentreOnly(LifeModel):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(torch.nn.Conv2d(2, 8, 1), torch.nn.ReLU(), torch.nn.Conv2d(8, 2, 1))

    try:
        assert isinstance(build_model("centre-only"), CentreOnly) and isinstance(build_model("CentreOnly"), CentreOnly)
        assert CentreOnly().rule_family == "table"
        parser = build_parser()
        assert parser.parse_args(["learn", "B/S012345678", "--model", "centre-only"]).model == "centre-only"
        report = learn_rule("B/S012345678", model="centre-only", max_rounds=8, progress=False)  # next = this cell
        assert report.rule == report.truth and report.verdict.rung == "identified"
        with pytest.raises(ValueError, match="model must be one of"):
            learn_rule("B3/S23", model="centre-only", group="auto", progress=False)
        with pytest.raises(ValueError, match="registered already"):
            register("centre-only", "again")(CentreOnly)
    finally:
        del REGISTRY["centre-only"]
    with pytest.raises(ValueError, match="unknown model 'centre-only'"):
        build_model("centre-only")
