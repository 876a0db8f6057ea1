"""Shared test helpers.

Under ``CI=true`` a test whose dependency is missing fails instead of
skipping: CI must not go green without the browser test or any other
dependency that the project's own install (``make test``, ``.ci/run``)
provides.  Elsewhere (a laptop without Chromium) such a test skips, saying
what to install.
"""

from __future__ import annotations

import os

import matplotlib
import pytest

matplotlib.use("Agg")  # once for every test, before any test imports pyplot: no window, the same pictures anywhere

CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def require():
    """A function ``require(missing)``: skip (or under ``CI=true`` fail) when ``missing`` names what is absent.

    ``missing`` is None when everything the test needs is there, else a
    sentence naming what is missing and how to install it.
    """

    def check(missing: str | None) -> None:
        if missing is None:
            return
        if CI:
            pytest.fail(f"CI=true and a dependency the project installs is missing: {missing}", pytrace=False)
        pytest.skip(missing)

    return check


def pytest_collection_modifyitems(config, items):
    """Tests marked ``fuzz`` (thousands of mutated inputs) run only when ``-m`` asks for them by name."""
    if "fuzz" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="a long fuzz run: pytest -m fuzz tests/test_fuzz.py")
    for item in items:
        if "fuzz" in item.keywords:
            item.add_marker(skip)
