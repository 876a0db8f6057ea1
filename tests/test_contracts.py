"""Contract tests, one per kind of plug-in, run over everything registered (as scikit-learn's estimator checks do).

- every registered **model**: its shapes and precision, the facts the registry declares about it
  (groups, kernel sizes, stacking) hold for the class;
- every registered **learner**: it meets :class:`lifelab.loop.learners.Learner` and fits and reads real data;
- every **rule type**: it meets :class:`lifelab.rules.families.RuleType`; its notation reads back, its step is
  ``simulate``'s, its kernel form (perceive + update) computes its step;
- every kind of **verdict**: it meets :class:`lifelab.evidence.VerdictProtocol` and stands on the ladder.
"""

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.signal import convolve2d

from lifelab import Rule, random_boards, simulate
from lifelab.evidence import (
    DETERMINED,
    EXIT_CODES,
    RUNGS,
    CountEvidence,
    Evidence,
    Neighbourhood,
    VerdictProtocol,
    decide,
    decide_counts,
    decide_table,
)
from lifelab.evidence.steps import search_steps
from lifelab.geometry import patterns
from lifelab.learning import (
    REGISTRY,
    ExtractionResult,
    TrajectoryDataset,
    WindowLayout,
    build_model,
    model_spec,
    receptive_radius,
)
from lifelab.loop import Learner, LoopSettings, learner_names, make_learner
from lifelab.rules import RULE_TYPES, RuleType, StochasticRule, parse_rule, rule_reach, rule_states
from lifelab.utils import MODEL_DTYPE, one_hot, seeded

NETWORKS = [name for name, spec in REGISTRY.items() if spec.network]
#: Golly's rule files the tests hold.
RULE_FILES = Path(__file__).parent / "golden" / "rules"
#: One rule of each count type, several notations each.
COUNT_RULES = ["B3/S23", "B2/S013V", "B2-a/S12", Rule.from_table(np.random.default_rng(0).random(512) < 0.5).to_map(),
               "/2/3", "345/2/4", "R2,C0,M1,S5..9,B6..8,NM", "R2,C0,M0,S3..5,B4..4,NN", "R3,C0,M1,S9..14,B8..11,NC"]
#: One rule of each deterministic type (rule tables: a table and a tree; HROT: a shape and weights).
RULES = COUNT_RULES + [str(RULE_FILES / "WireWorld.rule"), str(RULE_FILES / "Langtons-Ant.rule"),
                       "R2,C0,S2-4,B3,N+", "R2,C3,S1-3,B2-3,NW0110112F2112021F2211F0110"]


def _built(name: str, **config):
    with seeded(0):
        return build_model(name, **config)


@pytest.mark.parametrize("name", NETWORKS)
def test_every_model_maps_one_hot_boards_to_logits_in_model_precision(name):
    model = _built(name)
    x = one_hot(torch.from_numpy(random_boards(2, (7, 9), seed=1).astype(np.int64)))
    with torch.no_grad():
        out = model(x)
    assert out.shape == (2, 2, 7, 9) and out.dtype == MODEL_DTYPE == next(model.parameters()).dtype
    spec = model_spec(name)
    assert model_spec(spec.cls.__name__) is spec and model_spec(model) is spec


@pytest.mark.parametrize("name", NETWORKS)
def test_every_model_builds_the_groups_it_declares(name):
    spec = model_spec(name)
    for group in spec.groups if spec.group_argument else ():
        assert _built(name, group=group).symmetry == group
    assert spec.default_group in spec.groups or not spec.group_argument


@pytest.mark.parametrize("name", NETWORKS)
def test_kernel_sizes_are_taken_exactly_where_the_registry_says(name):
    spec = model_spec(name)
    if spec.kernel_sizes:
        assert receptive_radius(_built(name, kernel_size=5)) >= 2
    else:
        with pytest.raises((TypeError, ValueError)):
            _built(name, kernel_size=5)


@pytest.mark.parametrize("name", NETWORKS)
def test_stackable_models_have_a_pattern_form_equal_to_the_network_on_each_window(name):
    model = _built(name)
    if not model_spec(name).stacks:
        assert not isinstance(model, WindowLayout)
        return
    params = {n: p.detach()[None] for n, p in model.named_parameters()}
    x = F.one_hot(torch.from_numpy(patterns().astype(np.int64)), 2).permute(0, 3, 1, 2).to(MODEL_DTYPE)
    boards = torch.zeros(512, 2, 5, 5, dtype=MODEL_DTYPE)
    boards[:, 0] = 1
    boards[:, :, 1:4, 1:4] = x
    with torch.no_grad():
        expected = model(boards)[:, :, 2, 2]
        got = model.pattern_logits(params, x)[0]
    torch.testing.assert_close(got, expected, atol=1e-9, rtol=1e-9)


@pytest.fixture(scope="module")
def life_data():
    trajectories = simulate("B3/S23", random_boards(2, (12, 12), 0.4, seed=3), 3)
    return TrajectoryDataset(trajectories, visible=2, one_hot=True)


@pytest.mark.parametrize("name", learner_names())
def test_every_learner_meets_the_protocol_and_fits_and_reads_real_data(name, life_data):
    learner = make_learner(name, LoopSettings(epochs=2), device="cpu")
    assert isinstance(learner, Learner)
    assert learner.margin >= 1 and len(learner.description.splitlines()) == 1
    learner.prepare(None, 1)
    epochs, exact = learner.fit(life_data, noisy=False, seed=0)
    assert isinstance(epochs, int) and 0 <= epochs <= 2 and 0.0 <= exact <= 1.0
    reading = learner.read(0)
    assert isinstance(reading, ExtractionResult) and reading.table.ndim == 1 and reading.offsets
    assert reading.rule is None or isinstance(reading.rule, RULE_TYPES)
    assert (learner.net is None) == (not model_spec(name).network)


def test_rule_types_are_the_registered_ones():
    kinds = {type(parse_rule(r)) for r in RULES}
    assert kinds == set(RULE_TYPES) - {StochasticRule}
    assert not isinstance(parse_rule("B3/S23 [B3=0.8]"), RuleType)  # it steps with a random stream


@pytest.mark.parametrize("text", RULES)
def test_every_rule_type_meets_the_protocol_and_its_notation_reads_back(text, monkeypatch):
    monkeypatch.setenv("LIFELAB_RULES", str(RULE_FILES))  # a rule table's notation is its name: NAME.rule is found here
    rule = parse_rule(text)
    assert isinstance(rule, RuleType)
    assert parse_rule(str(rule)) == rule and str(parse_rule(str(rule))) == str(rule)
    assert rule.states == rule_states(rule) >= 2
    reach = rule_reach(rule)
    assert rule.offsets and all(abs(dy) <= reach and abs(dx) <= reach for dy, dx in rule.offsets)


@pytest.mark.parametrize("text", RULES)
def test_every_rule_types_step_is_simulates_and_a_count_rules_kernel_form_computes_it(text):
    rule = parse_rule(text)
    rng = np.random.default_rng(5)
    boards = rng.integers(0, rule.states, (3, 13, 11)).astype(np.uint8 if rule.states > 2 else bool)
    stepped = np.asarray(rule.step(boards))
    np.testing.assert_array_equal(stepped, simulate(rule, boards, 1)[:, 1])
    if text not in COUNT_RULES:
        return
    kernel, lookup, states = rule.kernel_form()
    assert states == rule.states
    alive = (boards == 1).astype(np.int64)
    r = kernel.shape[0] // 2
    for board, after, live in zip(boards.astype(np.int64), stepped, alive):
        total = convolve2d(np.pad(live, r, mode="wrap"), kernel[::-1, ::-1], mode="valid")  # correlation
        born = np.asarray(lookup)[live, total].astype(np.int64)
        dying = np.where(board >= 2, (board + 1) % states, 0)  # a cell that stops living dies through 2, 3, ...
        expected = np.where(board == 0, born, np.where(board == 1, np.where(born == 1, 1, 2 % states), dying))
        np.testing.assert_array_equal(after.astype(np.int64), expected)


def _verdicts():
    life = simulate("B3/S23", random_boards(2, (32, 32), 0.4, seed=11), 16)
    box = simulate("R2,C0,M1,S5..9,B6..8,NM", random_boards(2, (32, 32), 0.4, seed=12), 12)
    every_second = simulate("B36/S23", random_boards(2, (32, 32), 0.4, seed=13), 16)[:, ::2]
    sparse = simulate("B3/S23", random_boards(1, (8, 8), 0.2, seed=14), 2)
    brain = simulate("/2/3", random_boards(2, (24, 24), 0.3, seed=15).astype(np.uint8), 8)
    return [decide(Evidence.of(life)), decide_counts(CountEvidence.of(box, Neighbourhood(2, "M"))),
            search_steps(every_second, 2), decide_table(brain, unlisted="unchanged"), decide_table(brain),
            decide(Evidence.of(sparse))]


def test_every_kind_of_verdict_meets_the_protocol_and_stands_on_the_ladder():
    verdicts = _verdicts()
    assert len({type(v) for v in verdicts}) == 4
    for verdict in verdicts:
        assert isinstance(verdict, VerdictProtocol)
        assert verdict.rung in RUNGS and verdict.determined == (verdict.rung in DETERMINED)
        assert verdict.exit_code == EXIT_CODES[verdict.rung] and verdict.determined == (verdict.exit_code == 0)
        assert verdict.sentence() and verdict.summary().splitlines()[0].startswith("verdict")
        assert isinstance(verdict.unobserved, list)
        if verdict.determined:
            assert verdict.rule is not None and verdict.disagreements(verdict.rule) == 0
            assert verdict.label.startswith("identified") and verdict.sentence().startswith("Identified")
    assert verdicts[-1].rung == "underdetermined" and verdicts[-1].unobserved


def test_the_registry_is_whole_whatever_was_imported_first():
    import subprocess
    import sys

    code = "from lifelab.learning.models import model_spec; print(model_spec('table').name)"  # nothing imported lifelab.loop.learners
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "table"
