"""Symmetry found in the data, and growing a model's group without starting over."""

import numpy as np
import pytest
import torch

import lifelab
from lifelab import Rule, random_boards, simulate
from lifelab.evidence import data_symmetry, rule_symmetry
from lifelab.geometry import GROUPS, SUBGROUPS, equivariance_error, inverse, kernel_orbits, project_kernel, transform
from lifelab.geometry.window import images as pattern_images
from lifelab.geometry.window import orbit as pattern_orbit
from lifelab.learning import (
    EquivariantCNN,
    MinimalCNN,
    TiedCNN,
    build_model,
    grow_group,
    growth_model,
    indicator_patterns,
    pattern_accuracy,
    regular_field_elements,
)
from lifelab.utils import MODEL_DTYPE, one_hot
from lifelab.viz import compare_growth, plot_growth_kernels, plot_symmetry_evidence

#: Live neighbours N, E and SE around a dead cell: "Chiral Life" is Life without birth on this hook and its turns.
HOOK = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 1]])


def chiral_life() -> Rule:
    return Rule.parse("Chiral Life")


def test_chiral_life_is_life_without_birth_on_the_turned_hooks():
    differs = np.flatnonzero(chiral_life().table != Rule.parse("B3/S23").table)
    assert differs.tolist() == pattern_orbit(HOOK, "p4") == [14, 137, 224, 290]
    assert not chiral_life().table[differs].any()


def group_average(model, x, group):
    """mean over g of g^-1 model(g x): the nearest group-equivariant function to ``model``."""
    with torch.no_grad():
        return sum(transform(model(transform(x, g)), inverse(g)) for g in GROUPS[group]) / len(GROUPS[group])


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
    x = torch.nn.functional.one_hot(torch.from_numpy(boards).long(), 2).permute(0, 3, 1, 2).to(MODEL_DTYPE)
    torch.testing.assert_close(again(x), plain(x))


def test_an_invariant_model_is_unchanged_by_growth():
    lifelab.seed_everything(1)
    p4 = TiedCNN("p4", width=4)
    grown = grow_group(p4, "p4m")
    torch.testing.assert_close(grown.net[0].kernel(), p4.net[0].kernel())
    for a, b in zip(grown.state_dict().values(), p4.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match="already p4m"):
        grow_group(TiedCNN("p4m"), "p4")
    with pytest.raises(ValueError, match="can grow to 'p4' or 'p4m'"):
        grow_group(p4, "p8")
    with pytest.raises(TypeError, match="weight-tied route"):
        grow_group(build_model("multiscale"), "p4m")
    assert set(SUBGROUPS["p4"]) < set(SUBGROUPS["p4m"])


def test_pattern_orbits_follow_the_group():
    assert pattern_orbit(HOOK, "trivial") == [int((HOOK * lifelab.geometry.window.MAP_WEIGHTS).sum())]
    turned, all_eight = pattern_orbit(HOOK, "p4"), pattern_orbit(HOOK, "p4m")
    assert len(turned) == 4 and len(all_eight) == 8 and set(turned) < set(all_eight)  # a chiral pattern
    assert pattern_orbit(16, "p4m") == [16]  # the lone live centre is symmetric
    assert pattern_orbit(0b010111010, "p4m") == [0b010111010]  # the plus
    for g in GROUPS["p4m"]:
        images = pattern_images(g)
        assert sorted(images) == list(range(512))  # a permutation of the patterns
        assert (images[pattern_images(inverse(g))] == np.arange(512)).all()
    with pytest.raises(ValueError, match="unknown symmetry group"):
        pattern_orbit(HOOK, "p6")
    with pytest.raises(ValueError, match="0-511"):
        pattern_orbit(512, "p4")
    with pytest.raises(ValueError, match=r"\(3, 3\) array of 0/1"):
        pattern_orbit(np.ones((3, 4)), "p4")


def test_rule_symmetry_and_data_symmetry_agree_when_every_pattern_is_seen():
    for rule in [e.rulestring for e in lifelab.named_rules(studied_only=True)]:
        assert rule_symmetry(rule).group == "p4m"
    chiral = chiral_life()
    assert rule_symmetry(chiral).group == "p4" and rule_symmetry(chiral).consistent == ["p4", "p2", "trivial"]
    assert rule_symmetry(chiral).contradicted["flip"] == 8  # the hook's orbit against its mirror image's
    found = data_symmetry(simulate(chiral, random_boards(4, (32, 32), seed=0), 16))
    assert found.observed == 512 and found.group == "p4" == rule_symmetry(chiral).group
    assert found.contradicted["rot90"] == 0 and found.contradicted["flip"] > 0
    north = Rule.from_table(indicator_patterns(3, 3)[:, 0, 1])
    assert rule_symmetry(north).group == "pm-lr"


def test_pattern_accuracy_scores_a_model_against_a_table():
    model = MinimalCNN(width=2)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.net[-1].bias.copy_(torch.tensor([1.0, -1.0]))  # always "dead"
    for rule in ("B3/S23", "B2/S013V", chiral_life()):
        table = Rule.parse(rule).table if isinstance(rule, str) else rule.table
        assert pattern_accuracy(model, rule) == pytest.approx(1 - table.mean())


def test_regular_fields_are_labelled_by_the_group_elements():
    assert regular_field_elements("trivial") == ((0, False),)
    for group in ("p4", "p4m"):
        labels = regular_field_elements(group)
        assert labels[0] == (0, False) and sorted(labels) == sorted(GROUPS[group])
    with pytest.raises(ValueError, match="unknown symmetry group"):
        regular_field_elements("p3")


@pytest.mark.parametrize("start, to", [("trivial", "p4"), ("trivial", "p4m"), ("p4", "p4m")])
def test_e2cnn_growth_is_the_group_average_of_the_old_network(start, to):
    """Least squares on the new basis, channel by group element: exactly mean_g g^-1 f(g x)."""
    boards = random_boards(4, (12, 12), seed=4)
    x = one_hot(boards)
    lifelab.seed_everything(2)
    old = EquivariantCNN(start, width=3).eval()
    grown = grow_group(old, to)
    assert isinstance(grown, EquivariantCNN) and grown.symmetry == to and grown.config["width"] == 3
    assert equivariance_error(old, boards, to) > 1e-2  # random weights: far from symmetric
    assert equivariance_error(grown, boards, to) < 1e-5
    with torch.no_grad():
        torch.testing.assert_close(grown(x), group_average(old, x, to), atol=1e-5, rtol=1e-4)
    assert not old.training and not grown.training


def test_e2cnn_model_with_the_symmetry_already_is_unchanged_by_growth():
    x = one_hot(random_boards(3, (10, 10), seed=5))
    lifelab.seed_everything(3)
    plain = EquivariantCNN("trivial", width=3)
    first = next(m for m in plain.net.modules() if hasattr(m, "weights"))
    kernel = plain.export()[0].weight.detach()
    from lifelab.learning.models.growth import (  # the fit grow_group uses, to build a test model
        _basis_matrix,
        _least_squares,
    )

    with torch.no_grad():
        first.weights.copy_(_least_squares(_basis_matrix(first), project_kernel(kernel, "p4m").double().flatten()))
    plain.eval()
    assert equivariance_error(plain, x, "p4m") < 1e-5  # invariant kernels on scalar fields
    for to in ("p4", "p4m"):
        with torch.no_grad():
            torch.testing.assert_close(grow_group(plain, to)(x), plain(x), atol=1e-5, rtol=1e-4)
    p4m = EquivariantCNN("p4m", width=2).eval()
    with torch.no_grad():
        torch.testing.assert_close(grow_group(p4m, "p4m")(x), p4m(x), atol=1e-5, rtol=1e-4)


def test_growth_keeps_mode_and_the_callers_random_stream():
    lifelab.seed_everything(0)
    model = EquivariantCNN("trivial", width=2).train()
    torch.manual_seed(11)
    grown = grow_group(model, "p4m")
    after = torch.rand(3)
    torch.manual_seed(11)
    assert torch.equal(after, torch.rand(3))  # building the grown model drew nothing from the caller's stream
    assert grown.training and grow_group(TiedCNN("p4", width=2).eval(), "p4m").training is False
    with pytest.raises(ValueError, match="already p4m"):
        grow_group(EquivariantCNN("p4m", width=2), "p4")


@pytest.mark.slow
def test_growing_life_keeps_every_pattern_and_costs_no_steps():
    result = compare_growth(
        "B3/S23",
        routes=("e2cnn",),
        chain=("trivial", "p4m"),
        n_traj=3,
        size=24,
        steps=12,
        epochs=60,
        progress=False,
        device="cpu",
    )
    (step,) = result.steps
    assert (step.route, step.start, step.to, step.seed) == ("e2cnn", "trivial", "p4m", 0)
    assert step.source_patterns == 1.0 and step.source_boards == 1.0
    # right on every pattern, so right on every turn of it: the group average keeps every answer
    assert step.grown_patterns == 1.0 and step.grown_boards == 1.0
    assert step.retrain_epochs == 0 and step.retrain_steps == 0
    assert step.equivariance < 1e-5 and step.symmetry == "p4m"
    assert step.scratch_epochs != 0  # a fresh p4m model is not exact before training (None: not within 60 epochs)
    assert step.steps_per_epoch == 5  # 36 transitions in batches of 8
    (row,) = result.rows()
    assert row["growth"] == "trivial -> p4m" and row["steps to 100% after growth"] == "0"
    assert "Life: 3 trajectories of 12 steps on 24x24" in result.table()
    fig = result.plot()
    assert [ax.get_title() for ax in fig.axes] == ["how much of the rule survives", "what it saves"]


def test_growing_past_the_data_symmetry_loses_exactly_the_mirrored_patterns():
    """The chiral rule is p4: growing a p4 network to p4m must treat a hook and its mirror image alike."""
    chiral = chiral_life()
    result = compare_growth(
        chiral,
        routes=("e2cnn",),
        chain=("p4", "p4m"),
        n_traj=3,
        size=24,
        steps=12,
        epochs=4,
        progress=False,
        device="cpu",
    )
    (step,) = result.steps
    mirrored = sorted(set(pattern_orbit(HOOK, "p4m")) - set(pattern_orbit(HOOK, "p4")))
    assert len(mirrored) == 4
    assert step.grown_patterns <= 1 - 4 / 512  # of the 8 hooks, 4 are wrong whatever the average says
    assert step.retrain_epochs is None and step.scratch_epochs is None  # no p4m model can fit the data
    assert "never" in result.rows()[0]["steps to 100% from scratch"]


def test_a_tied_p4_model_is_measured_as_mirror_symmetric():
    """On 3x3, p4 and p4m tie the same cells: the growth comparison reports what the grown model really is."""
    result = compare_growth(
        "B3/S23",
        routes=("tied", "e2cnn"),
        chain=("trivial", "p4"),
        n_traj=1,
        size=16,
        steps=4,
        epochs=2,
        progress=False,
        device="cpu",
    )
    assert {s.route: s.symmetry for s in result.steps} == {"tied": "p4m", "e2cnn": "p4"}
    assert [row["grown model is"] for row in result.rows()] == ["p4m", "p4"]


def test_growth_comparison_checks_its_input():
    with pytest.raises(ValueError, match="routes"):
        compare_growth("B3/S23", routes=("conv",), progress=False)
    with pytest.raises(ValueError, match="smallest first"):
        compare_growth("B3/S23", chain=("p4m", "p4"), progress=False)
    with pytest.raises(ValueError, match="smallest first"):
        compare_growth("B3/S23", chain=("p4",), progress=False)
    with pytest.raises(ValueError, match="at least one seed"):
        compare_growth("B3/S23", seeds=(), progress=False)
    with pytest.raises(ValueError, match="start_epochs must be a positive integer"):
        compare_growth("B3/S23", start_epochs=0, progress=False)
    with pytest.raises(ValueError, match="unknown growth route"):
        growth_model("plain", "p4")
    with pytest.raises(ValueError, match="unknown group"):
        growth_model("tied", "p6")
    assert isinstance(growth_model("tied", "trivial"), MinimalCNN)
    assert isinstance(growth_model("tied", "p4m"), TiedCNN)
    assert growth_model("e2cnn", "trivial").symmetry == "trivial"


def test_growth_figures():
    lifelab.seed_everything(0)
    plain = EquivariantCNN("trivial", width=3)
    fig = plot_growth_kernels(plain, grow_group(plain, "p4m"), fields=2)
    assert len(fig.axes) == 2 * 9 and fig.axes[0].get_title() == "before"
    assert [ax.get_title() for ax in fig.axes[1:9]][:2] == ["g = identity", "g = rot90"]
    tied = plot_growth_kernels(MinimalCNN(width=2), grow_group(MinimalCNN(width=2), "p4"), fields=3)
    assert len(tied.axes) == 3 * 2 and tied.axes[1].get_title() == "projected"
    with pytest.raises(ValueError, match="grow_group"):
        plot_growth_kernels(MinimalCNN(width=2), EquivariantCNN("p4", width=2))
    found = {"Life": rule_symmetry("B3/S23"), "chiral": rule_symmetry(chiral_life())}
    fig = plot_symmetry_evidence(found)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "8/" + str(found["chiral"].checked["flip"]) in texts and "p4" in texts and "p4m" in texts
    with pytest.raises(ValueError, match="no symmetry results"):
        plot_symmetry_evidence({})
