"""The package as it ships: a wheel installed outside the checkout, a side-effect-free import, a CLI that tells bugs
from bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds and installs the wheel

ROOT = Path(__file__).resolve().parent.parent


def _modules_in_tree() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "lifelab").rglob("*.py")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel built from a copy of the source, installed into a fresh virtual environment outside the checkout.

    The environment finds lifelab's dependencies in this interpreter's
    site-packages (appended by a ``.pth`` line, whose own ``.pth`` files, the
    checkout's editable install among them, are not run), so nothing is
    downloaded and only the wheel provides ``lifelab``.
    """
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "lifelab", source / "lifelab", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = base / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("lifelab-*.whl")
    env_dir = base / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "lifelab_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    work = base / "work"
    work.mkdir()
    return {"wheel": wheel, "python": python, "bin": env_dir / "bin", "work": work, "purelib": Path(purelib)}


def _run(installed, *args, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["LIFELAB_DATA"] = str(installed["work"] / "data")
    return subprocess.run(
        [str(installed["bin"] / "lifelab"), *args],
        cwd=installed["work"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_wheel_holds_every_module_of_the_tree(installed):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        shipped = {name for name in wheel.namelist() if name.endswith(".py")}
    assert shipped == _modules_in_tree()


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    out = subprocess.run(
        [str(installed["python"]), "-c", "import lifelab, lifelab.learning.models; print(lifelab.__file__)"],
        cwd=installed["work"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(out).is_relative_to(installed["purelib"]), out


def test_installed_cli_simulates_learns_and_sweeps_on_ray(installed):
    simulated = _run(installed, "simulate", "B3/S23", "--boards", "2", "--size", "16", "--steps", "4")
    assert simulated.returncode == 0, simulated.stderr
    assert "rule          B3/S23  (Life)" in simulated.stdout
    learned = _run(installed, "learn", "B3/S23", "--model", "table", "--max-rounds", "3")
    assert learned.returncode == 0, learned.stderr
    assert "verdict       identified: B3/S23" in learned.stdout
    store = installed["work"] / "store"
    swept = _run(
        installed,
        "sweep",
        "B3/S23",
        "B36/S23",
        "--models",
        "table",
        "--size",
        "16",
        "--steps",
        "8",
        "--backend",
        "ray",
        "--workers",
        "2",
        "--batch",
        "1",
        "--store",
        str(store),
    )
    assert swept.returncode == 0, swept.stderr
    assert "2 trials" in swept.stdout and len(list(store.glob("*.parquet"))) == 2


def test_import_lifelab_is_headless_and_leaves_torch_threads_alone():
    code = (
        "import sys, torch; torch.set_num_threads(2); import lifelab; "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'; "
        "assert 'seagull' not in sys.modules, 'seagull imported'; "
        "assert torch.get_num_threads() == 2, torch.get_num_threads()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_seagull_is_imported_where_it_is_used():
    code = (
        "import sys, lifelab; board = lifelab.place_lifeforms((8, 8), [('Glider', (1, 1))]); "
        "assert board.sum() == 5 and 'seagull' in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def _global_state():
    import random

    import numpy as np
    import torch

    return (
        random.getstate(),
        np.random.get_state()[1].tobytes(),
        torch.random.get_rng_state().numpy().tobytes(),
        torch.are_deterministic_algorithms_enabled(),
        torch.get_num_threads(),
    )


def test_library_calls_leave_the_global_generators_and_torch_flags_as_they_were(tmp_path):
    import random

    import numpy as np
    import torch

    from lifelab import random_boards, simulate
    from lifelab.learning import TrajectoryDataset, build_model, train
    from lifelab.loop import learn_rule
    from lifelab.sweep import plan, sweep

    random.seed(123)
    np.random.seed(123)
    torch.manual_seed(123)
    threads = torch.get_num_threads()
    torch.use_deterministic_algorithms(False)
    try:
        net = build_model("minimal")  # building a torch module draws from torch's generator, as torch's own do
        data = TrajectoryDataset(simulate("B3/S23", random_boards(2, (8, 8), seed=1), 4))
        random.seed(123)
        np.random.seed(123)
        torch.manual_seed(123)
        before = _global_state()
        learn_rule("B3/S23", model="tied", max_rounds=2, progress=False, device="cpu")
        assert _global_state() == before
        train(net, data, epochs=2, progress=False, device="cpu")
        assert _global_state() == before
        sweep(
            plan(["B3/S23"], seeds=[0], models=["tied", "table"], size=16, steps=8),
            tmp_path / "store",
            progress=False,
            device="cpu",
        )
        assert _global_state() == before
        # ... and the streams themselves go on as if lifelab had never drawn from them
        assert (random.random(), np.random.random(), float(torch.rand(1))) == _fresh_draws(123)
    finally:
        torch.set_num_threads(threads)


def _fresh_draws(seed):
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return random.random(), np.random.random(), float(torch.rand(1))


def test_same_seed_same_model_whatever_the_caller_drew_before():
    import torch

    from lifelab.viz import new_zoo_model

    first = new_zoo_model("tied-p4m", seed=3)
    torch.rand(1000)
    second = new_zoo_model("tied-p4m", seed=3)
    assert all(
        torch.equal(a, b) for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True)
    )
