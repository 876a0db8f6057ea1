"""The documentation site: built with warnings as errors, then opened in Chromium to see what a reader sees."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, MISSING

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = pytest.mark.slow  # builds the whole site

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built as ``make docs`` builds it (any warning fails the build)."""
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-b",
            "html",
            "-q",
            "-d",
            str(out / "doctrees"),
            str(ROOT / "docs"),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, f"the docs build failed or warned:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return out / "html"


def _pictures(notebook: Path) -> int:
    """How many stored pictures a notebook's outputs hold (figures, and the picture beside each widget view)."""
    cells = json.loads(notebook.read_text())["cells"]
    return sum("image/png" in output.get("data", {}) for cell in cells for output in cell.get("outputs", []))


def test_every_page_the_reader_needs_is_built(site):
    for page in (
        "index",
        "getting-started",
        "notebooks",
        "guide",
        "notations",
        "verdicts",
        "architecture",
        "benchmarks",
        "api",
    ):
        assert (site / f"{page}.html").is_file(), page
    assert {p.stem for p in (site / "notebooks").glob("*.html")} == {p.stem for p in NOTEBOOKS}
    api = (site / "api.html").read_text()
    for module in (
        "lifelab.engines.simulation",
        "lifelab.loop.run",
        "lifelab.evidence",
        "lifelab.loop.settings",
        "lifelab.sweep.run",
    ):
        assert f"{module}.html" in api, module
    assert "learn_rule" in (site / "_autosummary" / "lifelab.loop.run.html").read_text()
    architecture = (site / "architecture.html").read_text().replace("&quot;", '"')
    assert '"geometry"' in architecture and '"sweep"' in architecture  # lifelab.LAYERS, included from the package
    layout = (site / "layout.html").read_text()
    assert "lifelab.LAYERS" in layout and "neighbourhoods" in layout  # the tree's modules, made from the tree
    verdicts = (site / "verdicts.html").read_text()
    assert verdicts.count("identified within FAMILY") >= 1 and "underdetermined" in verdicts


def test_notebook_pages_show_every_stored_figure_and_widget_picture(site, require):
    require(None if MISSING is None else f"docs browser test skipped: {MISSING}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for notebook in NOTEBOOKS:
                page.goto((site / "notebooks" / f"{notebook.stem}.html").as_uri(), wait_until="load")
                shown = page.evaluate("""() => [...document.querySelectorAll('.cell_output img')]
                    .map(img => img.complete && img.naturalWidth > 0)""")
                assert len(shown) == _pictures(notebook) and all(shown), (notebook.name, shown)
                assert not page.locator("text=Error displaying widget").count()
            page.goto((site / "index.html").as_uri(), wait_until="load")
            assert page.title().startswith("lifelab")
        finally:
            browser.close()
