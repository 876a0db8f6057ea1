"""Sphinx configuration of lifelab's documentation site (``make docs``).

The notebooks are rendered from their committed outputs (never executed
here); the API pages come from the docstrings; the benchmark tables from the
JSON files the bench scripts write (``--json bench/results/NAME.json``).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lifelab  # noqa: E402

project = "lifelab"
author = "the lifelab team"
release = version = lifelab.__version__

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon",
              "sphinx.ext.viewcode", "sphinx.ext.mathjax"]
exclude_patterns = ["_build", "_generated", "notebooks/*.py", "notebooks/.ipynb_checkpoints", "**/README.md"]
nitpicky = False

html_theme = "sphinx_book_theme"
html_title = "lifelab"
html_theme_options = {"show_toc_level": 2, "use_download_button": False}

# the committed notebooks as they are: their stored figures, and each widget's stored picture
nb_execution_mode = "off"
nb_mime_priority_overrides = [("html", "image/png", 1), ("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}  # no widget JavaScript from the network: the pictures stored beside each widget show
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

autosummary_generate = True
# each name documented once, in the module that defines it (not again where a package re-exports it)
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
suppress_warnings = ["myst.header", "autosummary.import_cycle"]


def _bench_tables(app) -> None:
    """Write every bench/results/*.json as Markdown tables for the benchmarks page."""
    out = Path(app.srcdir) / "_generated"
    out.mkdir(exist_ok=True)
    parts = []
    for path in sorted((ROOT / "bench" / "results").glob("*.json")):
        record = json.loads(path.read_text())
        parts.append(f"## `{record['script']}`\n\nMeasured {record['date']} on {record['machine']} with "
                     f"`{record['command']}`.\n")
        for table in record["tables"]:
            parts.append(f"**{table['title']}**" + (f" ({table['note']})" if table.get("note") else "") + "\n")
            parts.append("| " + " | ".join(table["columns"]) + " |")
            parts.append("|" + "---|" * len(table["columns"]))
            parts += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table["rows"]]
            parts.append("")
    text = "\n".join(parts) if parts else "No bench results are stored yet.\n"
    target = out / "bench.md"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)


def setup(app):
    app.connect("builder-inited", _bench_tables)
