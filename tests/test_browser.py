"""The notebooks run in a real browser: JupyterLab, driven in Chromium by Playwright.

nbval (``make test``) checks the outputs a kernel produces; it never renders
them.  This module opens copies of the notebooks in JupyterLab as a user
would, runs every cell from the UI, and checks what the page shows: no cell
has an error output or a traceback, no widget failed to render ("Error
displaying widget", "model not found"), and each slider (and the drop-down
beside it) redraws its picture.  The time each redraw took is printed
(``pytest -s``).

It also reopens saved copies of committed notebooks, outputs and widget
state as committed, without running a cell, as a user opening them would:
every output that holds a widget must show a picture, not the widget's text
(``VBox(children=...``) nor "Error displaying widget: model not found";
first untrusted, as JupyterLab opens a notebook from disk (the plain PNG the
widget's display data carries beside the widget view), then trusted (the live
widget restored from the state saved in the notebook's metadata).  Progress
bars may show as text.

The server runs from the interpreter that runs pytest (the project's
``.venv``), bound to 127.0.0.1 with a token, in a temporary folder that holds
the copies (outputs cleared, the loop notebook's ``parameters`` cell made
small; those reopened as committed), its own Jupyter config, runtime, data
and settings folders, and ``$LIFELAB_DATA``: nothing is written into the checkout or the home folder.

Needs the ``playwright`` Python package (the ``dev`` extra) and Debian's
Chromium at ``/usr/bin/chromium`` (``apt-get install chromium``); the module
is skipped, saying which, when either is missing, and fails instead under
``CI=true`` (``.ci/run`` installs Chromium).  Playwright's own browser
download (``playwright install``) is not used.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

import nbformat
import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = pytest.mark.slow  # a real JupyterLab in a real Chromium

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The loop notebook's parameters, made small: about 10 s of loop on a 2-core CPU instead
# of minutes, and still meaningful (query collection against random on two scarce rules,
# and a replay whose runs have several rounds).
LOOP_PARAMETERS = {
    "MAX_ROUNDS": 3,
    "SCARCE_ROUNDS": 4,
    "COMPARE_RULES": ["B3/S23", "B345/S5"],
    "COMPARE_SEEDS": 1,
    "SHOWCASE_RULE": "B345/S5",
}

# notebook -> (parameters to set in its cell tagged "parameters", the fewest sliders it shows)
CASES = {
    "01_simulate_with_seagull.ipynb": ({}, 1),
    "02_growing_the_dataset.ipynb": ({}, 1),
    "05_active_learning_loop.ipynb": (LOOP_PARAMETERS, 2),
}

# JupyterLab settings: no autosave (nothing is written back to the copies), every cell
# kept in the DOM (no windowing), and no news or update checks (no network, no toasts
# over the outputs).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

# committed notebooks reopened as saved, each under this prefix (apart from the copies run above)
REOPENED = ["01_simulate_with_seagull.ipynb", "03_training_equivariant_cnns.ipynb", "05_active_learning_loop.ipynb"]
REOPENED_PREFIX = "reopened_"

SERVER_START_S = 90
KERNEL_START_MS = 120_000
RUN_ALL_MS = 300_000
WIDGETS_MS = 60_000
REDRAW_S = 15.0
WIDGET_ERRORS = ("Error displaying widget", "model not found")
# what ipywidgets 8 draws instead of a widget whose model or view class failed to load
WIDGET_ERROR_VIEW = ".jupyter-widgets-error-widget"
# a widget's text repr, which JupyterLab shows where it can show neither the widget nor a picture
WIDGET_REPRS = ("VBox(children=", "HBox(children=", "GridBox(", "IntSlider(")
# what the widget renderer shows until the widget's model is restored
WIDGET_LOADING = "Loading widget..."
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# a tqdm progress bar's text, "learn B3/S23 ...:   0%|          | 0/10 [00:00<?, ?round/s]"
PROGRESS_TEXT = re.compile(r"\d+%\|")

# The notebook's cells as JupyterLab's model holds them: execution count, output types,
# and the error outputs.
CELLS_JS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    const found = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        const outputs = [];
        for (let j = 0; j < cell.outputs.length; j++) outputs.push(cell.outputs.get(j).toJSON());
        found.push({index: i, source: cell.sharedModel.getSource(), count: cell.executionCount, outputs});
    }
    return found;
}"""

# Every output of the notebook as the page shows it, beside the model's view of it: the cell's
# trust, the widget model it holds (if any), how it is rendered, its text, and its pictures
# (loaded, or still loading).
OUTPUTS_JS = """([viewMime, errorView]) => {
    const found = [];
    window.jupyterapp.shell.currentWidget.content.widgets.forEach((cell, i) => {
        if (cell.model.type !== 'code') return;
        for (let j = 0; j < cell.model.outputs.length; j++) {
            const shown = cell.outputArea.widgets[j]?.node.querySelector('.jp-OutputArea-output');
            const images = shown ? [...shown.querySelectorAll('img')] : [];
            found.push({
                cell: i, output: j, trusted: cell.model.trusted,
                modelId: cell.model.outputs.get(j).data[viewMime]?.model_id ?? null,
                how: !shown ? 'nothing' : shown.classList.contains('jp-RenderedImage') ? 'its image/png'
                    : shown.classList.contains('jp-RenderedText') ? 'text' : 'the widget view',
                text: shown ? shown.innerText : '',
                images: images.filter((img) => img.complete && img.naturalWidth > 0).length,
                loading: images.filter((img) => !img.complete).length,
                errorView: !!shown?.querySelector(errorView),
                disconnected: shown ? shown.querySelectorAll('.jupyter-widgets-disconnected').length : 0,
            });
        }
    });
    return found;
}"""

# Marks each control's row (its largest ancestor inside the output that holds no picture:
# slider, label and readout, or drop-down and label) so that screenshots can hide it.
MARK_CONTROL_ROWS_JS = """(area) => {
    const pictures = 'img, canvas, svg, video';
    for (const control of area.querySelectorAll('[role="slider"], input[type="range"], select')) {
        let row = control;
        while (row.parentElement && row.parentElement !== area && !row.parentElement.querySelector(pictures)) {
            row = row.parentElement;
        }
        row.setAttribute('data-browser-test-control', '');
    }
}"""

# A slider's value and range, for a noUiSlider handle (ipywidgets 8) or an <input type=range>.
SLIDER_JS = """(e) => ({
    value: Number(e.getAttribute('aria-valuenow') ?? e.value),
    min: Number(e.getAttribute('aria-valuemin') ?? e.min),
    max: Number(e.getAttribute('aria-valuemax') ?? e.max),
})"""


def _missing_browser() -> str | None:
    """Why the browser test cannot run here, or None when it can.

    Returns:
        A sentence naming what is missing and how to install it.
    """
    if sync_playwright is None:
        return (
            "the playwright Python package is not installed: .venv/bin/python -m pip install playwright "
            "(it is in the dev extra; no `playwright install` is needed)"
        )
    if not os.access(CHROMIUM, os.X_OK):
        return f"Debian's chromium is not installed at {CHROMIUM}: apt-get install chromium"
    return None


MISSING = _missing_browser()


@pytest.fixture(autouse=True)
def _browser_present(require):
    """Skip every test here when the browser is missing; under ``CI=true``, fail instead."""
    require(None if MISSING is None else f"browser test skipped: {MISSING}")


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now.

    Returns:
        The port number.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _set_parameters(nb: nbformat.NotebookNode, values: dict) -> None:
    """Append new values to the notebook's cell tagged ``parameters``.

    Each name must already be assigned in that cell, so that a renamed
    parameter fails here instead of being silently ignored.

    Args:
        nb: The notebook, changed in place.
        values: Parameter name -> new value (a Python literal).

    Raises:
        ValueError: When there is no ``parameters`` cell or it lacks a name.
    """
    cells = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"expected one cell tagged 'parameters', found {len(cells)}")
    cell = cells[0]
    assigned = {
        node.id
        for stmt in ast.parse(cell.source).body
        if isinstance(stmt, ast.Assign)
        for target in stmt.targets
        for node in ast.walk(target)
        if isinstance(node, ast.Name)
    }
    unknown = sorted(set(values) - assigned)
    if unknown:
        raise ValueError(f"the parameters cell does not assign {unknown}")
    overrides = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    cell.source = f"{cell.source.rstrip()}\n# the browser test's small run\n{overrides}\n"


def _copy_notebook(name: str, folder: Path, parameters: dict) -> None:
    """Copy a committed notebook into ``folder``, ready to run from scratch.

    Outputs and execution counts are cleared (every output checked is then
    one the browser run made), the jupytext pairing is dropped (saving would
    otherwise write a ``.py`` beside it), and ``parameters`` are set.

    Args:
        name: File name under ``notebooks/``.
        folder: Where the copy goes.
        parameters: Values for the cell tagged ``parameters`` (see :func:`_set_parameters`).
    """
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("jupytext", None)
    nb.metadata.pop("widgets", None)
    if parameters:
        _set_parameters(nb, parameters)
    nbformat.write(nb, folder / name)


def _copy_saved_notebook(name: str, folder: Path) -> None:
    """Copy a committed notebook as saved, with its paired script, under a name of its own.

    Both files are copied byte for byte: outputs, widget state and jupytext
    pairing kept.  As in the checkout, JupyterLab (through jupytext) then
    reads the cells from the ``.py`` and their outputs from the ``.ipynb``;
    the ``.py`` is written second, as ``jupytext --sync`` leaves it (a
    script older than its notebook is refused).

    Args:
        name: File name under ``notebooks/``.
        folder: Where the copies go, named ``name`` with :data:`REOPENED_PREFIX`.
    """
    copy = folder / (REOPENED_PREFIX + name)
    shutil.copyfile(NOTEBOOKS / name, copy)
    shutil.copyfile((NOTEBOOKS / name).with_suffix(".py"), copy.with_suffix(".py"))


def _widget_outputs(path: Path) -> dict[tuple[int, int, str], str]:
    """The saved notebook's outputs that hold a widget view, and what each must show reopened.

    Args:
        path: The notebook.

    Returns:
        ``(cell index, output index, model id)`` -> ``"progress"`` for a
        progress bar (its text is tqdm's, see :data:`PROGRESS_TEXT`; it may
        show as text), else ``"picture"``.
    """
    nb = nbformat.read(path, as_version=4)
    return {
        (i, j, output.data[WIDGET_VIEW]["model_id"]): "progress"
        if PROGRESS_TEXT.search(output.data.get("text/plain", ""))
        else "picture"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for j, output in enumerate(cell.outputs)
        if WIDGET_VIEW in output.get("data", {})
    }


def _log_tail(log: Path, chars: int = 3000) -> str:
    """The end of the server's log, for failure messages.

    Args:
        log: The log file.
        chars: How many characters from its end.

    Returns:
        The text, or a note that there is no log.
    """
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on copies of the notebooks under test, cleared to run and as saved to reopen.

    Yields:
        ``(base_url, token, log_path)``; the server and its kernels are shut
        down afterwards, also when a test failed.
    """
    base = tmp_path_factory.mktemp("jupyterlab")
    root, home = base / "notebooks", base / "jupyter"
    root.mkdir()
    for name, (parameters, _) in CASES.items():
        _copy_notebook(name, root, parameters)
    for name in REOPENED:
        _copy_saved_notebook(name, root)
    settings = home / "config" / "lab" / "user-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        LIFELAB_DATA=str(base / "data"),
    )
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "jupyterlab.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if server.poll() is not None:
                pytest.fail(f"jupyter lab exited with code {server.returncode}:\n{_log_tail(log)}")
            try:
                with direct.open(f"{url}/api/status?token={token}", timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {SERVER_START_S} s:\n{_log_tail(log)}")
            time.sleep(0.5)
        yield url, token, log
    finally:
        server.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright.

    Yields:
        A ``playwright.sync_api.Browser``; closed afterwards.
    """
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _wait_for(page, script: str, timeout_ms: float, what: str, log: Path, arg=None) -> None:
    """Wait until a JavaScript predicate holds in the page, failing with a diagnosis.

    Args:
        page: The Playwright page.
        script: A JavaScript function (of ``arg``) returning a truthy value when done.
        timeout_ms: How long to wait.
        what: What is awaited, for the failure message.
        log: The server log, whose tail the failure message shows.
        arg: Argument passed to ``script``.
    """
    try:
        page.wait_for_function(script, arg=arg, timeout=timeout_ms, polling=250)
    except PlaywrightError as error:
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        pytest.fail(
            f"{what}: not within {timeout_ms / 1000:.0f} s ({error.message.splitlines()[0]}); "
            f"dialogs shown: {dialogs}\nserver log:\n{_log_tail(log)}"
        )


def _screenshot(area) -> bytes:
    """A screenshot of a widget's output area with its controls hidden.

    Args:
        area: Locator of the output area.

    Returns:
        PNG bytes; they change only when the picture does, not when a
        slider's handle, focus ring or readout, or a drop-down's text does
        (hidden rather than masked: a handle at the end of its track spills
        out of its row's box).
    """
    return area.screenshot(
        style="[data-browser-test-control] { visibility: hidden !important; }", animations="disabled"
    )


def _settled(area, timeout_s: float = 5.0) -> bytes:
    """The area's screenshot once two in a row agree (images loaded, layout done).

    Args:
        area: Locator of the output area.
        timeout_s: Most seconds to wait before taking the last screenshot as is.

    Returns:
        PNG bytes of the settled area.
    """
    deadline = time.monotonic() + timeout_s
    shot = _screenshot(area)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        again = _screenshot(area)
        if again == shot:
            break
        shot = again
    return shot


def _redraw_seconds(area, before: bytes, act) -> float | None:
    """Do ``act`` and time how long until the area's picture differs from ``before``.

    Args:
        area: Locator of the output area.
        before: Its settled screenshot before ``act``.
        act: A callable that moves a control.

    Returns:
        Seconds from the action to the first screenshot that differs (to the
        resolution of a screenshot, about 0.1 s), or None when none did
        within ``REDRAW_S``.
    """
    start = time.perf_counter()
    act()
    while time.perf_counter() - start < REDRAW_S:
        if _screenshot(area) != before:
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def _check_controls(area, label: str) -> list[str]:
    """Move every drop-down and slider in one widget output and check that its picture changes.

    Drop-downs come first: each takes its following options in turn (the
    picture must change every time) until every slider beside it can move,
    since a slider may have a single value for the first option.  Then each
    slider takes one step with the keyboard (ArrowRight, or ArrowLeft at its
    end; not End, which noUiSlider sends to the range the slider was created
    with, stale once a drop-down changed it), and its value and the picture
    must change.

    Args:
        area: Locator of the output area (``.jp-OutputArea-output``).
        label: Where the area is, for messages.

    Returns:
        One line per redraw, with its time.
    """
    area.evaluate(MARK_CONTROL_ROWS_JS)
    sliders = area.get_by_role("slider")
    lines = []

    def all_movable() -> bool:
        return all(s["max"] > s["min"] for s in (sliders.nth(i).evaluate(SLIDER_JS) for i in range(sliders.count())))

    selects = area.locator("select")
    for k in range(selects.count()):
        select = selects.nth(k)
        options = select.evaluate("e => [...e.options].map((o) => o.value)")
        current = select.evaluate("e => e.selectedIndex")
        for option in options[current + 1 :] + options[:current]:
            before = _settled(area)
            seconds = _redraw_seconds(area, before, partial(select.select_option, value=option))
            assert seconds is not None, f"{label}: choosing {option!r} in the drop-down left the picture unchanged"
            lines.append(f"{label}: drop-down -> {option!r}: redrawn in {seconds:.2f} s")
            if all_movable():
                break
    for k in range(sliders.count()):
        slider = sliders.nth(k)
        state = slider.evaluate(SLIDER_JS)
        assert state["max"] > state["min"], f"{label}: slider {k} has a single value ({state}) for every choice"
        key = "ArrowRight" if state["value"] < state["max"] else "ArrowLeft"
        before = _settled(area)
        seconds = _redraw_seconds(area, before, lambda slider=slider, key=key: (slider.focus(), slider.press(key)))
        after = slider.evaluate(SLIDER_JS)
        assert after["value"] != state["value"], f"{label}: slider {k} did not move on {key}: {state} -> {after}"
        assert seconds is not None, (
            f"{label}: slider {k} moved {state['value']} -> {after['value']} "
            f"but the picture did not change within {REDRAW_S:.0f} s"
        )
        lines.append(f"{label}: slider {k} {state['value']:g} -> {after['value']:g}: redrawn in {seconds:.2f} s")
    return lines


@pytest.mark.parametrize("name", list(CASES))
def test_notebook_runs_and_its_widgets_redraw_in_jupyterlab(lab, browser, name):
    """Run all cells of a notebook in JupyterLab; no errors show, and every slider redraws its picture."""
    url, token, log = lab
    min_sliders = CASES[name][1]
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        start = time.perf_counter()
        # a workspace of its own, reset: only this notebook is open
        page.goto(f"{url}/lab/workspaces/{Path(name).stem}/tree/{name}?reset&token={token}")
        _wait_for(
            page,
            """(name) => {
            const w = window.jupyterapp?.shell.currentWidget;
            return w?.context?.path === name && w.sessionContext?.session?.kernel?.status === 'idle';
        }""",
            KERNEL_START_MS,
            f"{name}: the notebook open with an idle kernel",
            log,
            arg=name,
        )
        page.evaluate("""() => {
            window.__runAll = undefined;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                (ok) => { window.__runAll = ok; }, (error) => { window.__runAll = String(error); });
        }""")
        _wait_for(page, "() => window.__runAll !== undefined", RUN_ALL_MS, f"{name}: Run All Cells finished", log)
        ran = time.perf_counter() - start
        cells = page.evaluate(CELLS_JS)

        errors = [
            f"cell {c['index']} ({c['source'].splitlines()[0] if c['source'] else ''!r}): {o['ename']}: {o['evalue']}"
            for c in cells
            for o in c["outputs"]
            if o["output_type"] == "error"
        ]
        assert not errors, f"{name}: error outputs:\n" + "\n".join(errors)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        stderr = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        tracebacks = [text for text in stderr.all_inner_texts() if "Traceback (most recent call last)" in text]
        assert not tracebacks, f"{name}: tracebacks shown:\n" + "\n".join(tracebacks)
        assert page.evaluate("window.__runAll") is True, f"{name}: Run All Cells reported failure"
        not_run = [c["index"] for c in cells if c["count"] is None]
        assert not not_run, f"{name}: cells without an execution count: {not_run}"

        _wait_for(
            page,
            """([n, errors, errorView]) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const sliders = panel.querySelectorAll('[role="slider"], input[type="range"]').length;
            return sliders >= n || panel.querySelector(errorView) || errors.some((e) => panel.innerText.includes(e));
        }""",
            WIDGETS_MS,
            f"{name}: at least {min_sliders} sliders rendered",
            log,
            arg=[min_sliders, WIDGET_ERRORS, WIDGET_ERROR_VIEW],
        )
        outputs = panel.locator(".jp-OutputArea-output")
        broken = [text for text in outputs.all_inner_texts() if any(e in text for e in WIDGET_ERRORS)]
        for view in panel.locator(WIDGET_ERROR_VIEW).all():
            view.click()  # unfolds the JavaScript error behind it
            broken.append(f"a widget error view: {view.inner_text()}")
        assert not broken, f"{name}: widgets failed to render:\n" + "\n".join(broken)

        areas = panel.locator(".jp-OutputArea-output").filter(has=page.locator('[role="slider"], input[type="range"]'))
        lines = [line for k in range(areas.count()) for line in _check_controls(areas.nth(k), f"{name} widget {k}")]
        print(f"\n{name}: all {len(cells)} code cells ran in {ran:.1f} s (page load included)")
        print("\n".join(lines))
        if page_errors:
            print(f"{name}: uncaught errors in the page: {page_errors}")
    finally:
        try:
            page.evaluate("() => window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()")
        finally:
            page.close()


def _reopened_view(
    page, name: str, expected: dict[tuple[int, int, str], str], trusted: bool, timeout_ms: float
) -> dict:
    """Wait until every widget output of the open notebook shows something for good, then check it.

    An output is settled when its cell has the trust expected, no picture in
    it is loading and it no longer shows the widget renderer's placeholder;
    one that must show a picture also needs a loaded picture, or a repr or
    error to fail on.  When the time is up, the checks run on what shows then.

    Args:
        page: The Playwright page, the notebook open.
        name: The notebook, for messages.
        expected: Its widget outputs, as :func:`_widget_outputs` gives them.
        trusted: Whether the cells holding them must be trusted (JupyterLab
            renders a trusted cell's widget view, an untrusted one's
            ``image/png``).
        timeout_ms: How long to wait for the outputs to settle.

    Returns:
        ``(cell index, output index)`` -> that output as :data:`OUTPUTS_JS`
        gives it, for each widget output.
    """

    def settled(output: dict, kind: str) -> bool:
        if output["trusted"] is not trusted or output["loading"] or WIDGET_LOADING in output["text"]:
            return False
        failed = any(marker in output["text"] for marker in WIDGET_ERRORS + WIDGET_REPRS) or output["errorView"]
        return (output["images"] > 0 if kind == "picture" else bool(output["text"].strip())) or failed

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        outputs = page.evaluate(OUTPUTS_JS, [WIDGET_VIEW, WIDGET_ERROR_VIEW])
        widgets = {(o["cell"], o["output"], o["modelId"]): o for o in outputs if o["modelId"] is not None}
        if (
            widgets.keys() == expected.keys()
            and all(settled(widgets[key], kind) for key, kind in expected.items())
            or time.monotonic() > deadline
        ):
            break
        time.sleep(0.25)

    assert widgets.keys() == expected.keys(), (
        f"{name}: the page shows widget outputs (cell, output, model) {sorted(widgets)}, "
        f"the saved notebook holds {sorted(expected)}"
    )
    wrong_trust = sorted({o["cell"] for o in widgets.values() if o["trusted"] is not trusted})
    assert not wrong_trust, f"{name}: cells {wrong_trust} are {'un' if trusted else ''}trusted"
    problems = []
    for output in outputs:
        wrong = [marker for marker in WIDGET_ERRORS + WIDGET_REPRS if marker in output["text"]]
        wrong += ["a widget error view"] if output["errorView"] else []
        if expected.get((output["cell"], output["output"], output["modelId"])) == "picture" and not output["images"]:
            wrong.append("no picture")
        if wrong:
            problems.append(
                f"cell {output['cell']} output {output['output']} ({output['how']}): {', '.join(wrong)}: "
                f"{output['text'][:300]!r}"
            )
    assert not problems, f"{name}: outputs showing a widget's text or an error instead of its picture:\n" + "\n".join(
        problems
    )
    return {(cell, index): widgets[cell, index, model] for cell, index, model in expected}


@pytest.mark.parametrize("name", REOPENED)
def test_saved_notebook_reopens_showing_pictures_in_jupyterlab(lab, browser, name):
    """Reopen a committed notebook without running it: each widget shows its picture, untrusted and trusted.

    No cell runs (JupyterLab starts a kernel on open, unused).  As opened
    from disk the notebook is untrusted, and each widget output must show
    the plain PNG beside its widget view; trusted (``notebook:trust``, which
    also saves the copy), the live widgets restored from the saved widget
    state must show their pictures.  Neither may show a repr or "Error
    displaying widget"; progress bars may show as text.
    """
    url, token, log = lab
    copy = REOPENED_PREFIX + name
    expected = _widget_outputs(NOTEBOOKS / name)
    assert any(kind == "picture" for kind in expected.values()), f"{name}: no widget with a picture to check"
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        start = time.perf_counter()
        page.goto(f"{url}/lab/workspaces/{Path(copy).stem}/tree/{copy}?reset&token={token}")
        _wait_for(
            page,
            """(name) => {
            const w = window.jupyterapp?.shell.currentWidget;
            return w?.context?.path === name && w.context.isReady;
        }""",
            KERNEL_START_MS,
            f"{copy}: the notebook open",
            log,
            arg=copy,
        )
        untrusted = _reopened_view(page, f"{copy} (untrusted)", expected, False, WIDGETS_MS)
        opened = time.perf_counter() - start

        page.evaluate("() => { window.__trust = window.jupyterapp.commands.execute('notebook:trust'); }")
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.evaluate("() => window.__trust.then(() => true)")
        trusted = _reopened_view(page, f"{copy} (trusted)", expected, True, KERNEL_START_MS)

        print(
            f"\n{copy}: reopened in {opened:.1f} s, trusted and shown again in "
            f"{time.perf_counter() - start - opened:.1f} s"
        )
        for (cell, index, _), kind in expected.items():
            before, after = untrusted[cell, index], trusted[cell, index]
            shown = f"{before['images']} pictures" if before["images"] else repr(before["text"][:60])
            print(
                f"{copy} cell {cell} output {index} ({kind}): untrusted {before['how']} ({shown}); "
                f"trusted {after['how']} ({after['images']} pictures, {after['disconnected']} marked disconnected)"
            )
        if page_errors:
            print(f"{copy}: uncaught errors in the page: {page_errors}")
    finally:
        try:
            page.evaluate("() => window.jupyterapp?.shell.currentWidget?.sessionContext?.shutdown()")
        finally:
            page.close()
