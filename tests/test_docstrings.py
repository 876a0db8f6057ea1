"""The examples in the docstrings run, and every public entry point carries one."""

import doctest
import importlib
import pkgutil

import pytest

import lifelab

#: The entry points a new user meets first: each docstring shows one call and what it gives.
ENTRY_POINTS = [
    "lifelab.engines.simulate",
    "lifelab.rules.parse_rule",
    "lifelab.evidence.judge",
    "lifelab.evidence.decide",
    "lifelab.loop.learn_rule",
    "lifelab.loop.LoopSettings",
    "lifelab.utils.validate",
    "lifelab.io.read_recording",
    "lifelab.testing.check_model",
    "lifelab.evidence.decide_1d",
    "lifelab.loop.learn_1d",
    "lifelab.io.read_bitstrings",
    "lifelab.benchmarks.automatagpt",
    "lifelab.benchmarks.lifegpt",
    "lifelab.benchmarks.cellarc",
]

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(lifelab.__path__, "lifelab.") if info.name != "lifelab.__main__"
)


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_each_entry_point_shows_an_example(name):
    entry = _resolve(name)
    examples = doctest.DocTestFinder(recurse=False).find(entry, name, globs={})
    assert sum(len(test.examples) for test in examples) > 0, f"{name}'s docstring has no >>> example"


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
