"""One home for the loop's and the sweep's settings: every reader agrees with it, and it checks what it is given."""

import dataclasses
import inspect

import pytest

from lifelab.cli import build_parser
from lifelab.loop import (
    DEFAULT_SIZE,
    LOOP,
    SWEEP,
    LoopRun,
    LoopSettings,
    NetworkLearner,
    SweepSettings,
    help_text,
    learn_rule,
    learn_table,
    make_learner,
)
from lifelab.sweep import Trial, plan, sweep


def _defaults(function) -> dict:
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def test_settings_travel_whole_and_a_change_is_named_once():
    parameters = inspect.signature(learn_rule).parameters
    assert not set(parameters) & {field.name for field in dataclasses.fields(LoopSettings)}
    assert parameters["settings"].default is None and parameters["changes"].kind is inspect.Parameter.VAR_KEYWORD
    with pytest.raises(ValueError, match="LoopSettings has no setting 'rounds'; its settings are group, max_rounds"):
        learn_rule("B3/S23", model="table", rounds=2)
    with pytest.raises(ValueError, match="no setting 'rounds'"):
        learn_table("Langtons-Loops", rounds=2)
    with pytest.raises(ValueError, match="the table loop .* epochs is not its settings"):
        learn_table("Langtons-Loops", epochs=3)


def test_each_setting_is_described_once_and_the_docstring_is_made_from_it():
    for field in dataclasses.fields(LoopSettings):
        help = field.metadata["help"]
        assert f"{field.name}: {help[:1].upper()}{help[1:]}." in LoopSettings.__doc__
        assert field.metadata["constraints"], field.name


def test_the_command_line_takes_its_defaults_and_help_from_the_settings():
    parser = build_parser()
    learn = vars(parser.parse_args(["learn", "B3/S23"]))
    for field in dataclasses.fields(LoopSettings):
        if field.name in learn:
            assert learn[field.name] == getattr(LOOP, field.name), field.name
    swept = vars(parser.parse_args(["sweep", "B3/S23", "--store", "x"]))
    assert (swept["backend"], swept["workers"], swept["batch_size"]) == (SWEEP.backend, SWEEP.workers, SWEEP.batch_size)
    assert (swept["size"], swept["steps"], swept["max_rounds"]) == (DEFAULT_SIZE, LOOP.steps, LOOP.max_rounds)
    text = parser._subparsers._group_actions[0].choices["learn"].format_help()
    assert "most rounds (default 10)" in text and help_text(LoopSettings, "max_rounds") == "most rounds (default 10)"


def test_the_sweep_and_its_trials_read_the_same_defaults():
    assert (
        _defaults(sweep)["batch_size"]
        == SWEEP.batch_size
        == build_parser().parse_args(["sweep", "--store", "x"]).batch_size
    )
    trial = plan(["B3/S23"])[0]
    assert (trial.size, trial.steps, trial.density, trial.max_rounds) == (
        DEFAULT_SIZE,
        LOOP.steps,
        LOOP.density,
        LOOP.max_rounds,
    )
    assert trial.settings == LOOP.but(shape=(DEFAULT_SIZE, DEFAULT_SIZE), noise=0)
    assert Trial("B3/S23", "moore", 0, "tied").settings.epochs == LOOP.epochs


def test_a_learner_reads_its_training_settings():
    settings = LOOP.but(epochs=7, batch_size=3, threshold=0.8, stop_probability=0.9, seed=4, group="p4")
    learner = make_learner("tied", settings)
    assert isinstance(learner, NetworkLearner) and learner.group == "p4"
    assert learner.settings is settings
    table = make_learner("table", LOOP.but(family="moore", noise=0))
    assert (table.family, table.noise) == ("moore", 0)
    run = LoopRun.of("B3/S23", "table", LOOP.but(max_rounds=2, seed=3), device="cpu")
    assert (run.settings.max_rounds, run.settings.seed) == (2, 3)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"max_rounds": 0}, "max_rounds"),
        ({"density": 1.5}, "density"),
        ({"mode": "greedy"}, "mode must be one of"),
        ({"group": "p6"}, "unknown group"),
        ({"noise": 0.7}, "noise"),
        ({"confidence": 1.0}, "confidence"),
        ({"family": "hexagonal-ish"}, "unknown rule family"),
        ({"boundary": "mirror"}, "boundary"),
        ({"states": 1}, "states"),
        ({"shape": (0, 4)}, "shape"),
        ({"epochs": 2.5}, "epochs"),
    ],
)
def test_bad_settings_are_refused_naming_what_is_wrong(changes, message):
    with pytest.raises(ValueError, match=message):
        LoopSettings(**changes)


def test_settings_are_frozen_and_sweep_settings_checked():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LOOP.seed = 3
    with pytest.raises(ValueError, match="backend must be one of"):
        SweepSettings(backend="slurm")
    with pytest.raises(ValueError, match="use it with backend='ray'"):
        SweepSettings(address="ray://head:10001")
    with pytest.raises(TypeError):
        LoopSettings(shape="32x32")
    with pytest.raises(TypeError):
        LoopRun.of("B3/S23", "table", {"seed": 1})
