"""Contract tests: every registered model and learner, every rule type and every kind of verdict, checked by
:mod:`lifelab.testing` (as scikit-learn's ``parametrize_with_checks`` checks estimators).

The rules are every distinct rule Golly ran for the golden tests (the header of each
``tests/golden/**/*.start.rle``, its grid suffix left off; a rule table read from its file), which cover every
deterministic rule type, and one stochastic rule, which Golly cannot run.  The verdicts are one of each kind,
from data.  Broken models and rules defined here show that the checks fail, and say why.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from torch import nn

from lifelab import random_boards, simulate
from lifelab.evidence import CountEvidence, Evidence, decide, decide_1d, decide_counts, decide_table
from lifelab.evidence.ladder import OnLadder
from lifelab.evidence.steps import search_steps
from lifelab.geometry import Neighbourhood
from lifelab.learning import REGISTRY, LifeModel, MinimalCNN, ModelSpec, model_spec
from lifelab.rules import RULE_TYPES, Rule, RuleType, StochasticRule, parse_rule
from lifelab.testing import (
    check_model,
    check_model_forward,
    check_model_kernel_sizes,
    check_model_registered,
    check_rule,
    check_rule_notation,
    check_rule_step,
    check_verdict_rung,
    parametrize_with_checks,
)

GOLDEN = Path(__file__).parent / "golden"
#: Golly's rule files the tests hold, by name (a rule table's notation is its name).
RULE_FILES = {path.stem: path for path in (GOLDEN / "rules").rglob("*.rule")}


def _golden_rules() -> list:
    """Each distinct rule of the Golly fixtures, on no grid of its own."""
    rules = {}
    for path in sorted(GOLDEN.rglob("*.start.rle")):
        name = re.search(r"rule\s*=\s*([^:\s]+)", path.read_text())[1]
        rule = parse_rule(str(RULE_FILES.get(name, name)))
        rules.setdefault(str(rule), rule)
    return list(rules.values())


def _verdicts() -> list:
    """One verdict of each kind (a 3x3, a count, a step, a table and a 1-D verdict), determined or not."""
    life = simulate("B3/S23", random_boards(2, (32, 32), 0.4, seed=11), 16)
    box = simulate("R2,C0,M1,S5..9,B6..8,NM", random_boards(2, (32, 32), 0.4, seed=12), 12)
    every_second = simulate("B36/S23", random_boards(2, (16, 16), 0.4, seed=13), 8)[:, ::2]
    sparse = simulate("B3/S23", random_boards(1, (8, 8), 0.2, seed=14), 2)
    brain = simulate("/2/3", random_boards(2, (24, 24), 0.3, seed=15).astype(np.uint8), 8)
    return [
        decide(Evidence.of(life)),
        decide_counts(CountEvidence.of(box, Neighbourhood(2, "M"))),
        search_steps(every_second, 2),
        decide_table(brain, unlisted="unchanged"),
        decide_table(brain),
        decide_1d(simulate("R1,C2,W110", random_boards(2, (1, 32), 0.5, seed=16), 8)),
        decide(Evidence.of(sparse)),
    ]


RULES = [*_golden_rules(), parse_rule("B3/S23 [B3=0.8]"), parse_rule("R1,C3,W5718810141366")]
VERDICTS = _verdicts()


@pytest.fixture(autouse=True)
def rule_files(monkeypatch):
    """Golly's rule files on the search path, so that a rule table's notation (its name) reads back."""
    monkeypatch.setenv("LIFELAB_RULES", os.pathsep.join(sorted({str(p.parent) for p in RULE_FILES.values()})))


#: Known breaches of a contract, each to be mended where the reason says (a case that passes fails the run).
EXPECTED_FAILURES = {
    "BriansBrain-check_rule_notation": "Golly's rule table BriansBrain prints its name, which parse_rule reads as "
    "lifelab's named Generations rule /2/3 before any NAME.rule (lifelab.rules)",
}


@parametrize_with_checks([*REGISTRY.values(), *RULES, *VERDICTS], expected_failed_checks=EXPECTED_FAILURES)
def test_contract(check, args):
    check(*args)


def test_the_examples_cover_every_rule_type_and_every_kind_of_verdict():
    assert {type(rule) for rule in RULES} == set(RULE_TYPES)
    assert not any(isinstance(rule, RuleType) for rule in RULES if isinstance(rule, StochasticRule))  # random steps
    assert {type(verdict) for verdict in VERDICTS} == set(OnLadder.__subclasses__())
    assert VERDICTS[-1].rung == "underdetermined" and VERDICTS[-1].unobserved


def test_the_cases_are_named_by_object_and_check():
    mark = parametrize_with_checks([model_spec("tied"), parse_rule("B3/S23")])
    assert [case.id for case in mark.args[1]] == [
        "tied-check_model_registered",
        "tied-check_model_forward",
        "tied-check_model_group(p4)",
        "tied-check_model_group(p4m)",
        "tied-check_model_kernel_sizes",
        "tied-check_model_stacking",
        "tied-check_learner_protocol",
        "tied-check_learner_fits_and_reads",
        "B3/S23-check_rule_notation",
        "B3/S23-check_rule_protocol",
        "B3/S23-check_rule_step",
        "B3/S23-check_rule_kernel_form",
    ]


class OneChannel(LifeModel):
    """Broken: logits for "alive" only, ``(B, 1, H, W)``."""

    def __init__(self):
        super().__init__()
        self.net = nn.Conv2d(2, 1, 3, padding=1, padding_mode="circular")


def test_a_model_with_one_output_channel_fails_the_forward_check(monkeypatch):
    spec = ModelSpec("one-channel", OneChannel, "logits for alive only")
    with pytest.raises(AssertionError, match=r"one-channel: not in lifelab.learning.REGISTRY"):
        check_model_registered(spec)
    monkeypatch.setitem(REGISTRY, spec.name, spec)
    message = r"one-channel: one-hot boards \(2, 2, 7, 9\) gave logits of shape \(2, 1, 7, 9\)"
    with pytest.raises(AssertionError, match=message):
        check_model_forward(spec)
    with pytest.raises(AssertionError, match=message):
        check_model("one-channel")  # registered now: the forward check is the first to fail


def test_a_model_declaring_a_kernel_size_it_refuses_fails_the_kernel_size_check():
    spec = ModelSpec("minimal-5x5", MinimalCNN, "declares what it cannot do", kernel_sizes=True)
    with pytest.raises(AssertionError, match="minimal-5x5: declares kernel_sizes=True but refuses kernel_size=5"):
        check_model_kernel_sizes(spec)


class Inverted(Rule):
    """Broken: Life with every next state inverted, so its step is not the one simulate runs."""

    def step(self, boards):
        return ~super().step(boards)


class Backwards(Rule):
    """Broken: Life printed in a spelling parse_rule reads but does not print (not canonical)."""

    def __str__(self):
        return "S23/B3"


def test_a_rule_stepping_otherwise_than_simulate_fails_the_step_check():
    with pytest.raises(AssertionError, match="B3/S23: step differs from simulate's step on 429 of 429 cells"):
        check_rule_step(Inverted.parse("B3/S23"))
    with pytest.raises(AssertionError, match="step differs from simulate's step"):
        check_rule(Inverted.parse("B3/S23"))


def test_a_rule_with_a_notation_that_is_not_canonical_fails_the_notation_check():
    with pytest.raises(AssertionError, match="S23/B3: not canonical: read back, it prints 'B3/S23'"):
        check_rule_notation(Backwards.parse("B3/S23"))


def test_a_verdict_whose_exit_code_disagrees_with_its_rung_fails_the_rung_check():
    verdict = SimpleNamespace(rung="identified", determined=True, exit_code=3, label="identified")
    with pytest.raises(AssertionError, match="exit code 3 on rung 'identified', not 0"):
        check_verdict_rung(verdict)


def test_the_registry_is_whole_whatever_was_imported_first():
    # nothing has imported lifelab.loop.learners in the fresh interpreter
    code = "from lifelab.learning.models import model_spec; print(model_spec('table').name)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "table"
