"""The notebooks run in a real browser: JupyterLab, driven in Chromium by Playwright.

nbval (``make test``) checks the outputs a kernel produces; it never renders
them.  This module opens copies of the notebooks in JupyterLab as a user
would, runs every cell from the UI, and checks what the page shows: no cell
has an error output or a traceback, no widget failed to render ("Error
displaying widget", "model not found"), and each slider (and the drop-down
beside it) redraws its picture.  The time each redraw took is printed
(``pytest -s``).

The server runs from the interpreter that runs pytest (the project's
``.venv``), bound to 127.0.0.1 with a token, in a temporary folder that holds
the copies (outputs cleared, the loop notebook's ``parameters`` cell made
small), its own Jupyter config, runtime, data and settings folders, and
``$LIFELAB_DATA``: nothing is written into the checkout or the home folder.

Needs the ``playwright`` Python package (the ``dev`` extra) and Debian's
Chromium at ``/usr/bin/chromium`` (``apt-get install chromium``); the module
is skipped, saying which, when either is missing.  Playwright's own browser
download (``playwright install``) is not used.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

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

SERVER_START_S = 90
KERNEL_START_MS = 120_000
RUN_ALL_MS = 300_000
WIDGETS_MS = 60_000
REDRAW_S = 15.0
WIDGET_ERRORS = ("Error displaying widget", "model not found")
# what ipywidgets 8 draws instead of a widget whose model or view class failed to load
WIDGET_ERROR_VIEW = ".jupyter-widgets-error-widget"

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
        return ("the playwright Python package is not installed: .venv/bin/python -m pip install playwright "
                "(it is in the dev extra; no `playwright install` is needed)")
    if not os.access(CHROMIUM, os.X_OK):
        return f"Debian's chromium is not installed at {CHROMIUM}: apt-get install chromium"
    return None


MISSING = _missing_browser()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}")


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
    assigned = {node.id for stmt in ast.parse(cell.source).body if isinstance(stmt, ast.Assign)
                for target in stmt.targets for node in ast.walk(target) if isinstance(node, ast.Name)}
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
    """A JupyterLab server on copies of the notebooks under test.

    Yields:
        ``(base_url, token, log_path)``; the server and its kernels are shut
        down afterwards, also when a test failed.
    """
    base = tmp_path_factory.mktemp("jupyterlab")
    root, home = base / "notebooks", base / "jupyter"
    root.mkdir()
    for name, (parameters, _) in CASES.items():
        _copy_notebook(name, root, parameters)
    settings = home / "config" / "lab" / "user-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               LIFELAB_DATA=str(base / "data"))
    port, token = _free_port(), secrets.token_hex(24)
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--ServerApp.terminals_enabled=False",
               "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = base / "jupyterlab.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
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
        pytest.fail(f"{what}: not within {timeout_ms / 1000:.0f} s ({error.message.splitlines()[0]}); "
                    f"dialogs shown: {dialogs}\nserver log:\n{_log_tail(log)}")


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
    return area.screenshot(style="[data-browser-test-control] { visibility: hidden !important; }",
                           animations="disabled")


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
        for option in options[current + 1:] + options[:current]:
            before = _settled(area)
            seconds = _redraw_seconds(area, before, lambda: select.select_option(value=option))
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
        seconds = _redraw_seconds(area, before, lambda: (slider.focus(), slider.press(key)))
        after = slider.evaluate(SLIDER_JS)
        assert after["value"] != state["value"], f"{label}: slider {k} did not move on {key}: {state} -> {after}"
        assert seconds is not None, (f"{label}: slider {k} moved {state['value']} -> {after['value']} "
                                     f"but the picture did not change within {REDRAW_S:.0f} s")
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
        _wait_for(page, """(name) => {
            const w = window.jupyterapp?.shell.currentWidget;
            return w?.context?.path === name && w.sessionContext?.session?.kernel?.status === 'idle';
        }""", KERNEL_START_MS, f"{name}: the notebook open with an idle kernel", log, arg=name)
        page.evaluate("""() => {
            window.__runAll = undefined;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                (ok) => { window.__runAll = ok; }, (error) => { window.__runAll = String(error); });
        }""")
        _wait_for(page, "() => window.__runAll !== undefined", RUN_ALL_MS, f"{name}: Run All Cells finished", log)
        ran = time.perf_counter() - start
        cells = page.evaluate(CELLS_JS)

        errors = [f"cell {c['index']} ({c['source'].splitlines()[0] if c['source'] else ''!r}): "
                  f"{o['ename']}: {o['evalue']}" for c in cells for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{name}: error outputs:\n" + "\n".join(errors)
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        stderr = panel.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        tracebacks = [text for text in stderr.all_inner_texts() if "Traceback (most recent call last)" in text]
        assert not tracebacks, f"{name}: tracebacks shown:\n" + "\n".join(tracebacks)
        assert page.evaluate("window.__runAll") is True, f"{name}: Run All Cells reported failure"
        not_run = [c["index"] for c in cells if c["count"] is None]
        assert not not_run, f"{name}: cells without an execution count: {not_run}"

        _wait_for(page, """([n, errors, errorView]) => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            const sliders = panel.querySelectorAll('[role="slider"], input[type="range"]').length;
            return sliders >= n || panel.querySelector(errorView) || errors.some((e) => panel.innerText.includes(e));
        }""", WIDGETS_MS, f"{name}: at least {min_sliders} sliders rendered", log,
                  arg=[min_sliders, WIDGET_ERRORS, WIDGET_ERROR_VIEW])
        outputs = panel.locator(".jp-OutputArea-output")
        broken = [text for text in outputs.all_inner_texts() if any(e in text for e in WIDGET_ERRORS)]
        for view in panel.locator(WIDGET_ERROR_VIEW).all():
            view.click()  # unfolds the JavaScript error behind it
            broken.append(f"a widget error view: {view.inner_text()}")
        assert not broken, f"{name}: widgets failed to render:\n" + "\n".join(broken)

        areas = panel.locator(".jp-OutputArea-output").filter(
            has=page.locator('[role="slider"], input[type="range"]'))
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
