"""The committed notebooks as a researcher opens them: progress on long cells, no stray reprs, no red bars.

nbval re-runs the notebooks and compares what they compute; these checks
read the committed ``.ipynb`` files for what a person sees.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9]*.ipynb"))
LONG_CALL = re.compile(r"\b(learn_rule|train|compare_recovery|compare_growth|sweep)\(")
WIDGET = "application/vnd.jupyter.widget-view+json"


def _code_cells(path):
    return [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]


def _text(output) -> str:
    text = output.get("text") or output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def _is_bar(output) -> bool:
    return (
        WIDGET in output.get("data", {})
        and re.match(r"(train|learn|growth|loop runs|sweep)\b", _text(output)) is not None
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_long_call_shows_a_progress_bar_that_names_its_run(path):
    for cell in _code_cells(path):
        source = "".join(cell["source"])
        if not LONG_CALL.search(source) or "progress=False" in source:
            continue
        bars = [_text(o) for o in cell["outputs"] if _is_bar(o)]
        assert bars, f"{path.name}: a long cell shows no progress bar:\n{source[:300]}"
        for bar in bars:
            assert re.match(r".{8,}: +\d+%\|", bar), f"{path.name}: a bar that does not say which run it is: {bar}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_stray_reprs_no_widget_errors_and_no_red_bars(path):
    notebook = json.loads(path.read_text())
    for cell in _code_cells(path):
        for output in cell["outputs"]:
            text = _text(output)
            if output["output_type"] == "execute_result":
                assert not re.match(r"\[?(Text\(|<matplotlib)", text), f"{path.name}: stray repr {text[:80]}"
            assert "Error displaying widget" not in text
            if WIDGET in output.get("data", {}) and not _is_bar(output):
                assert "image/png" in output["data"], f"{path.name}: a widget without a picture to show unrun"
    state = notebook["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        if model["model_name"] == "FloatProgressModel":
            assert model["state"].get("bar_style") != "danger", f"{path.name}: a red progress bar"
