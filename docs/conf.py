"""Sphinx configuration of lifelab's documentation site (``make docs``).

The notebooks are rendered from their committed outputs (never executed
here); the API pages come from the docstrings; the benchmark tables from the
JSON files the bench scripts write (``--json bench/results/NAME.json``).
"""

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lifelab  # noqa: E402

project = "lifelab"
author = "the lifelab team"
release = version = lifelab.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.mathjax",
]
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
        parts.append(
            f"## `{record['script']}`\n\nMeasured {record['date']} on {record['machine']} with `{record['command']}`.\n"
        )
        for table in record["tables"]:
            parts.append(f"**{table['title']}**" + (f" ({table['note']})" if table.get("note") else "") + "\n")
            parts.append("| " + " | ".join(table["columns"]) + " |")
            parts.append("|" + "---|" * len(table["columns"]))
            parts += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table["rows"]]
            parts.append("")
    _write(out / "bench.md", "\n".join(parts) if parts else "No bench results are stored yet.\n")


def _protocol_tables(app) -> None:
    """Write every committed protocol run (bench/results/protocols/*.json) as its table, for the protocols page."""
    from lifelab.benchmarks import BenchmarkReport

    parts = [
        BenchmarkReport.load(path).table().replace("## ", "### ", 1)
        for path in sorted((ROOT / "bench" / "results" / "protocols").glob("*.json"))
    ]
    _write(
        Path(app.srcdir) / "_generated" / "protocols.md",
        "\n".join(parts) if parts else "No protocol runs are stored yet.\n",
    )


def _write(path: Path, text: str) -> None:
    """Write a generated page only when it changed (Sphinx rebuilds what is newer)."""
    path.parent.mkdir(exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _first_line(path: Path) -> str:
    """The first line of a module's docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _layout(app) -> None:
    """Write the package's tree, layer by layer, each module with the first line of its docstring."""
    package = ROOT / "lifelab"
    rows = []
    for layer in lifelab.LAYERS:
        folder = package / layer
        if folder.is_dir():
            rows.append(f"| **`{layer}/`** | {_first_line(folder / '__init__.py')} |")
            for path in sorted(folder.rglob("*.py")):
                if path.name != "__init__.py" or path.parent != folder:
                    name = path.relative_to(folder).with_suffix("").as_posix().removesuffix("/__init__")
                    rows.append(f"| &nbsp;&nbsp;`{name}` | {_first_line(path)} |")
        else:
            rows.append(f"| **`{layer}.py`** | {_first_line(package / f'{layer}.py')} |")
    _write(
        Path(app.srcdir) / "_generated" / "layout.md",
        "| layer, module | what it holds |\n|---|---|\n" + "\n".join(rows) + "\n",
    )


def setup(app):
    app.connect("builder-inited", _bench_tables)
    app.connect("builder-inited", _layout)
    app.connect("builder-inited", _protocol_tables)
