"""Indicator patterns, rule extraction, sensitivity, kernel form and the generator check."""

import numpy as np
import pytest
import torch
from torch import nn

import lifelab
from lifelab import Rule, random_boards, run_seagull, simulate
from lifelab.evidence import generator_check
from lifelab.geometry import MAP_WEIGHTS, NEIGHBOURHOODS, Neighbourhood
from lifelab.learning import (
    TiedCNN,
    TrajectoryDataset,
    count_kernel_similarity,
    extract_rule,
    first_layer_kernels,
    indicator_patterns,
    nearest_totalistic,
    sensitivity,
    train,
)
from lifelab.rules import GenerationsRule


def handmade(rule: str) -> nn.Module:
    """An exact network for an outer-totalistic rule, weights set by hand.

    A 3x3 convolution computes s = 2 * (live neighbours) + centre, ramps and
    1x1 layers turn it into one bump per value of s, and the readout says
    "alive" for the bumps of the rule's birth and survival classes.
    """
    r = Rule.parse(rule)
    kernel = torch.from_numpy(NEIGHBOURHOODS[r.neighbourhood]).float() * 2
    kernel[1, 1] = 1.0
    values = int(kernel.sum()) + 1
    conv = nn.Conv2d(2, 3 * values, 3, padding=1, padding_mode="circular")
    bumps = nn.Conv2d(3 * values, values, 1)
    out = nn.Conv2d(values, 2, 1)
    alive = {2 * k for k in r.birth} | {2 * k + 1 for k in r.survival}
    with torch.no_grad():
        for layer in (conv, bumps, out):
            layer.weight.zero_()
            layer.bias.zero_()
        for v in range(values):
            for j, shift in enumerate((-1, 0, 1)):  # relu(s-v+1) - 2 relu(s-v) + relu(s-v-1) = [s == v]
                conv.weight[3 * v + j, 1] = kernel
                conv.bias[3 * v + j] = -(v + shift)
                bumps.weight[v, 3 * v + j, 0, 0] = (1.0, -2.0, 1.0)[j]
            out.weight[1, v, 0, 0] = 10.0 if v in alive else 0.0
        out.bias[1] = -5.0
    return nn.Sequential(conv, nn.ReLU(), bumps, nn.ReLU(), out)


def lookup_network(table, states: int = 2, dying_count: bool = False) -> nn.Module:
    """An exact network for any 3x3 rule table, weights set by hand: one detector per pattern.

    Detector ``p`` weighs the live channel +1 where pattern ``p`` has a live
    cell and -1 where it has none (and, for a dead centre, the dead channel
    +1), so it is 1 exactly on its pattern and at most 0 elsewhere.  With
    ``states > 2`` it is a Generations network: dying cells count down, and
    ``dying_count=True`` breaks it by letting dying cells count as live.
    """
    table = np.asarray(table, dtype=bool)
    n_detect = 512 + max(states - 2, 0)
    conv = nn.Conv2d(states, n_detect, 3, padding=1, padding_mode="circular")
    out = nn.Conv2d(n_detect, states, 1)
    dying = 2 if states > 2 else 0
    with torch.no_grad():
        for layer in (conv, out):
            layer.weight.zero_()
            layer.bias.zero_()
        for p in range(512):
            cells = torch.from_numpy(((p & MAP_WEIGHTS) > 0).astype(np.float32))
            conv.weight[p, 1] = 2 * cells - 1
            if dying_count:
                conv.weight[p, 2:] = 2 * cells - 1
            centre_live = bool(cells[1, 1])
            if not centre_live:
                conv.weight[p, 0, 1, 1] = 1.0
            conv.bias[p] = 1.0 - float(cells.sum()) - (0.0 if centre_live else 1.0)
            goes_to = 1 if table[p] else (dying if centre_live else 0)
            out.weight[goes_to, p, 0, 0] = 20.0
        for s in range(2, states):  # a dying cell moves one state on, the last one to dead
            conv.weight[510 + s, s, 1, 1] = 1.0
            out.weight[(s + 1) % states, 510 + s, 0, 0] = 20.0
        out.bias[:] = -10.0
    model = nn.Sequential(conv, nn.ReLU(), out)
    model.config = {"states": states}
    model.symmetry = "p4m"  # verified numerically by extract_rule: true when the table is isotropic
    return model


@pytest.mark.parametrize("rule", ["B2-a/S12", "B34ek/S2-i3", "B2ei3-c/S23", "B3/S2-c3-j5q"])
@pytest.mark.slow
def test_isotropic_rule_is_read_one_pattern_per_orbit_in_hensel_notation(rule):
    result = extract_rule(lookup_network(Rule.parse(rule).table))
    assert result.rule == Rule.parse(rule) and str(result.rule) == rule
    assert result.group == "p4m" and result.patterns_evaluated == 102
    assert not result.rule.is_totalistic and result.nearest is not None and result.disagreements


@pytest.mark.slow
def test_generations_network_is_read_with_its_dying_states():
    truth = GenerationsRule.parse("345/2/4")
    model = lookup_network(truth.table, states=4)
    boards = np.random.default_rng(0).integers(0, 4, (4, 12, 12)).astype(np.uint8)
    np.testing.assert_array_equal(lifelab.learning.models.predict(model, boards), truth.step(boards))
    result = extract_rule(model)
    assert isinstance(result.rule, GenerationsRule) and result.rule == truth and str(result.rule) == "345/2/4"
    assert result.structure == 1.0 and result.states == 4


def test_generations_network_that_counts_dying_cells_gets_no_rule():
    """Its table of dead and live cells is Star Wars's, but it is not a Generations rule: the structure test says so."""
    model = lookup_network(GenerationsRule.parse("345/2/4").table, states=4, dying_count=True)
    result = extract_rule(model)
    assert result.rule is None and result.structure < 1.0
    assert result.table is not None and Rule.from_table(result.table) == GenerationsRule.parse("345/2/4").rule


def test_indicator_patterns_follow_map_order():
    patterns = indicator_patterns(3, 3)
    assert patterns.shape == (512, 3, 3) and patterns.dtype == bool
    np.testing.assert_array_equal((patterns * MAP_WEIGHTS).sum(axis=(1, 2)), np.arange(512))
    assert indicator_patterns(2, 1).tolist() == [[[False, False]], [[False, True]], [[True, False]], [[True, True]]]
    with pytest.raises(ValueError, match="at most 20 cells"):
        indicator_patterns(5, 5)
    with pytest.raises(ValueError, match="w must be a positive integer"):
        indicator_patterns(0, 3)


@pytest.mark.parametrize("rule", ["B3/S23", "B36/S23", "B2/S013V", "B13/S012V"])
def test_handmade_network_is_exact_and_extracts_its_rule(rule):
    model = handmade(rule)
    boards = random_boards(4, (12, 12), 0.4, seed=1)
    probabilities = (
        torch.softmax(model(torch.stack([torch.from_numpy(~boards), torch.from_numpy(boards)], 1).float()), 1)[:, 1]
        .detach()
        .numpy()
    )
    np.testing.assert_array_equal(probabilities > 0.5, simulate(rule, boards, 1)[:, 1])
    result = extract_rule(model)
    assert result.rule == Rule.parse(rule) and str(result.rule) == rule
    assert result.local and not result.context_dependent and not result.low_confidence
    assert result.group == "trivial"  # a plain Sequential declares no symmetry
    moore = Rule.parse(rule).neighbourhood == "moore"
    assert len(result.offsets) == (9 if moore else 5)
    assert result.patterns_evaluated == (512 if moore else 32)  # only the cells that matter are enumerated
    assert f"extracted rule: {rule}" in result.summary()


def test_briefly_trained_model_extracts_life_using_its_symmetry():
    lifelab.seed_everything(0)
    traj = simulate("B3/S23", random_boards(8, (24, 24), 0.4, seed=11), 12)
    model = TiedCNN("p4m")
    history = train(model, TrajectoryDataset(traj, visible=8), epochs=60, device="cpu", progress=False)
    assert history.converged_epoch is not None
    result = extract_rule(model)
    assert str(result.rule) == "B3/S23"
    assert result.group == "p4m" and result.patterns_evaluated == 102  # orbits of 3x3 patterns under D4
    assert result.evaluations == 102 * 4
    full = extract_rule(model, use_symmetry=False)
    assert full.patterns_evaluated == 512 and full.rule == result.rule
    np.testing.assert_allclose(full.confidence, result.confidence, atol=1e-5)


def test_non_local_model_is_reported_not_truncated():
    """A model whose next state is the cell two columns to the right: one scattered far cell, enumerated."""
    model = nn.Conv2d(2, 2, 5, padding=2, padding_mode="circular")
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
        model.weight[1, 1, 2, 4] = 10.0
        model.bias[1] = -5.0
    sens = sensitivity(model, radius=3)
    assert sens.offsets == [(0, 2)] and not sens.local
    assert sens.influence[3, 5] > 0.9 and sens.influence[3, 3] < 1e-6
    result = extract_rule(model, radius=3)
    assert result.rule is None and not result.local
    assert result.classes is None and result.offsets == [(0, 0), (0, 2)]
    np.testing.assert_array_equal(result.table, [False, True, False, True])  # bit 0 is the (0, 2) cell
    assert "not a 3x3 rule" in result.summary() and "(0, 2)" in result.summary()


def test_model_counting_a_diamond_gets_the_structure_test():
    """The same far cell plus every cell of the range-2 diamond: half a neighbourhood or more is tested by class."""
    model = nn.Conv2d(2, 2, 5, padding=2, padding_mode="circular")
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
        for dy, dx in Neighbourhood(2, "N").offsets:
            model.weight[1, 1, 2 + dy, 2 + dx] = 10.0
        model.weight[1, 1, 2, 4] = 20.0  # the far cell weighs double: not totalistic
        model.bias[1] = -15.0
    result = extract_rule(model, radius=3)
    assert result.rule is None and result.classes is not None
    assert result.reason.startswith("not totalistic on the range-2") and result.context_dependent


def test_model_looking_too_far_to_enumerate_gets_no_rule():
    """A 7x7 kernel of random weights: dozens of decisive cells, no counting rule, the classes that disagree listed."""
    torch.manual_seed(0)
    model = nn.Conv2d(2, 2, 7, padding=3, padding_mode="circular")
    result = extract_rule(model, radius=4)
    assert len(result.sensitivity.offsets) > 20
    assert result.rule is None and not result.local
    assert result.classes.neighbourhood.range == 3 and result.table.shape == (2 * 49,)
    assert result.context_dependent and "not totalistic on the range-3 box (NM)" in result.summary()
    assert result.patterns_evaluated < 2**20


def test_sensitivity_sees_the_whole_receptive_field():
    model = nn.Conv2d(2, 2, 3, padding=2, dilation=2, padding_mode="circular")  # looks 2 cells away
    torch.manual_seed(0)
    sens = sensitivity(model, radius=3)
    ys, xs = np.nonzero(sens.influence > 1e-6)
    assert set(zip(ys - 3, xs - 3, strict=True)) <= {(dy, dx) for dy in (-2, 0, 2) for dx in (-2, 0, 2)}
    assert sens.outside == 0.0
    with pytest.raises(ValueError, match="radius"):
        sensitivity(model, radius=0)


def test_nearest_totalistic_names_the_disagreeing_entries():
    table = Rule.parse("B3/S23").table.copy()
    table[[7, 300]] ^= True
    rule, wrong = nearest_totalistic(table)
    assert str(rule) == "B3/S23" and wrong == [7, 300]
    vn, wrong = nearest_totalistic(Rule.parse("B2/S013V").table)
    assert str(vn) == "B2/S013V" and wrong == []


class LifeWithOneException(nn.Module):
    """Life, except that the pattern with MAP index 448 (NW, N, NE alive, centre dead) gives no birth."""

    def __init__(self):
        super().__init__()
        self.life = handmade("B3/S23")
        self.index = nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular")
        with torch.no_grad():
            self.index.weight.zero_()
            self.index.weight[:, 1] = torch.from_numpy(MAP_WEIGHTS).float()
            self.index.bias.copy_(torch.tensor([-447.0, -448.0, -449.0]))

    def forward(self, x):
        ramps = torch.relu(self.index(x))
        bump = ramps[:, 0] - 2 * ramps[:, 1] + ramps[:, 2]  # 1 exactly at index 448
        out = self.life(x).clone()
        out[:, 1] -= 20 * bump
        return out


def test_almost_totalistic_extraction_reports_nearest_rule():
    result = extract_rule(LifeWithOneException())
    assert str(result.rule).startswith("MAP") and not result.rule.is_totalistic
    assert str(result.nearest) == "B3/S23" and result.disagreements == [448]
    assert "nearest totalistic rule B3/S23 differs in 1 entry: MAP indices [448]" in result.summary()
    assert extract_rule(handmade("B3/S23")).nearest is None  # totalistic: nothing to report


@pytest.mark.parametrize("rule", ["B3/S23", "B2/S013V", "B35678/S5678"])
def test_kernel_form_runs_in_seagull_and_matches_simulate(rule):
    r = Rule.parse(rule)
    form = r.seagull_rule()
    np.testing.assert_array_equal(form.kernel, NEIGHBOURHOODS[r.neighbourhood])
    assert sorted(np.flatnonzero(form.lookup[0])) == list(r.birth)
    board = random_boards(1, (20, 20), 0.45, seed=4)[0]
    np.testing.assert_array_equal(run_seagull(r, board, 12), simulate(r, board, 12)[0])


def test_generator_check_agrees_on_the_true_rule_only():
    traj = simulate("B36/S23", random_boards(3, (16, 16), 0.4, seed=2), 20)
    good = generator_check("B36/S23", traj)
    assert good.agrees and good.cell_match == 1.0 and good.first_divergence is None
    assert "never diverges" in good.summary()
    bad = generator_check("B3/S23", traj)
    assert not bad.agrees and 0 < bad.transition_match < 1 and bad.first_divergence >= 1
    assert bad.cell_match < 1.0


def test_first_layer_kernels_and_count_similarity():
    kernels = first_layer_kernels(handmade("B3/S23"))
    assert kernels.shape[1:] == (3, 3)
    sim = count_kernel_similarity(kernels)
    np.testing.assert_allclose(sim["moore"], 1.0)
    vn = count_kernel_similarity(first_layer_kernels(handmade("B2/S013V")))
    np.testing.assert_allclose(vn["vonneumann"], 1.0)
    assert (vn["moore"] < 0.8).all()
    with pytest.raises(ValueError, match="no spatial convolution"):
        first_layer_kernels(nn.Sequential(nn.Conv2d(2, 2, 1)))
