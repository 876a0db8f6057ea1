"""Sweeps: rule sources, stacked training, the Parquet store, resume, backends and bad input."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import ray

from lifelab import Rule
from lifelab.loop import learn_rule
from lifelab.rules import GenerationsRule, LtLRule, parse_rule
from lifelab.sweep import (
    MAP_COLUMNS,
    all_rules,
    compact,
    family_of,
    plan,
    random_rules,
    read_store,
    rule_indices,
    run_batch,
    sweep,
)

STABLE = [
    "key",
    "rule",
    "family",
    "seed",
    "model",
    "rung",
    "determined",
    "identified",
    "wrong",
    "rule_determined",
    "extracted",
    "entries_right",
    "unobserved",
    "trajectories",
    "trained_on",
    "rounds",
    "stop_reason",
    "end_density",
    "batched",
]


def test_random_rules_are_seeded_distinct_and_of_their_family():
    for family, kind in [
        ("moore", Rule),
        ("vonneumann", Rule),
        ("isotropic", Rule),
        ("generations", GenerationsRule),
        ("ltl", LtLRule),
    ]:
        rules = random_rules(family, 8, seed=4)
        assert rules == random_rules(family, 8, seed=4) and rules != random_rules(family, 8, seed=5)
        assert len(set(rules)) == 8 and all(isinstance(parse_rule(r), kind) for r in rules)
        if family in ("moore", "vonneumann", "isotropic"):
            assert {family_of(r) for r in rules} <= {family, "moore", "vonneumann"}
    assert all(family_of(r) == "isotropic" for r in random_rules("isotropic", 5))
    with pytest.raises(ValueError, match="only 1024 vonneumann"):
        random_rules("vonneumann", 2000)


def test_all_rules_enumerates_every_bs_rule():
    rules = all_rules("vonneumann")
    assert len(rules) == 1024 and len(set(rules)) == 1024
    assert rules[0] == "B/S" and rules[-1] == "B012345678/S012345678"  # both are Moore rules too
    assert Rule.parse(rules[0b00110_01000]).birth == (3,) and Rule.parse(rules[0b00110_01000]).survival == (1, 2)
    with pytest.raises(ValueError, match="enumerates"):
        all_rules("isotropic")


def test_rule_indices_place_each_rule_where_all_rules_enumerates_it():
    assert rule_indices(all_rules("vonneumann"), "vonneumann").tolist() == list(range(1024))
    rules = random_rules("moore", 40, seed=9)
    for rule, index in zip(rules, rule_indices(rules), strict=True):
        birth, survival = [c for c in range(9) if index >> c & 1], [c for c in range(9) if index >> (c + 9) & 1]
        assert Rule.from_bs(birth, survival, "moore") == Rule.parse(rule)
    assert rule_indices(["B3/S23", "S23/B3", "b3/s23", Rule.parse("B3/S23")]).tolist() == [8 | 12 << 9] * 4
    assert Rule.parse("B2/S013V").bs_view("moore") is None and Rule.parse("B3/S23").bs_view("vonneumann") is None
    for rule, family in [("B3/S23", "vonneumann"), ("B2-a/S12", "moore"), ("/2/3", "moore")]:
        with pytest.raises(ValueError, match=f"is not a {family} B/S rule"):
            rule_indices([rule], family)
    with pytest.raises(ValueError, match="numbers the rules of"):
        rule_indices(["B3/S23"], "isotropic")


def test_family_of():
    assert [family_of(r) for r in ("B3/S23", "B2/S013V", "B2-a/S12", "/2/3", "Bosco's Rule")] == [
        "moore",
        "vonneumann",
        "isotropic",
        "generations",
        "ltl",
    ]
    table = Rule.parse("B3/S23").table.copy()
    table[1] ^= True  # one pattern turned: no symmetry left
    assert family_of(Rule.from_table(table)) == "table"


@pytest.mark.slow
def test_stacked_training_reads_the_rules_sequential_learn_rule_reads():
    rules = ["B3/S23", "B36/S23", "B2/S013V", *random_rules("moore", 1, seed=11)]
    trials = plan(rules, seeds=[0], models=["tied"])
    rows = run_batch(trials, device="cpu")
    assert [row["rule"] for row in rows] == [str(parse_rule(r)) for r in rules]
    assert all(row["batched"] for row in rows)
    for rule, row in zip(rules, rows, strict=True):
        report = learn_rule(rule, model="tied", seed=0, progress=False, device="cpu")
        assert row["extracted"] == str(report.extracted) and row["identified"] == report.recovered
        assert row["identified"] and not row["wrong"] and row["entries_right"] == 512
        assert row["rung"].startswith("identified") and row["rule_determined"] == row["rule"]


def test_batched_rows_do_not_depend_on_the_compiled_kernels_threads():
    trials = plan(random_rules("moore", 3, seed=3), seeds=[0], models=["tied"], size=16, steps=8)
    columns = ["identified", "extracted", "trajectories", "rounds", "rung", "unobserved"]
    one, two = ([{c: row[c] for c in columns} for row in run_batch(trials, device="cpu", threads=n)] for n in (1, 2))
    assert one == two


@pytest.mark.slow
def test_sweep_stores_rows_and_skips_them_when_run_again(tmp_path):
    store = tmp_path / "store"
    trials = plan(["B3/S23", "Brian's Brain"], seeds=[0, 1], models=["table", "tied"], size=16, steps=8)
    first = sweep(trials, store, batch_size=3, progress=False)
    assert (first.planned, first.skipped, first.ran, first.wrong) == (8, 0, 8, 0) and not first.interrupted
    frame = read_store(store)
    assert len(frame) == 8 and frame["key"].is_unique and set(frame["key"]) == {t.key for t in trials}
    assert set(STABLE) <= set(frame.columns) and (frame["lifelab_version"] != "").all()
    assert len(pd.read_parquet(store)) == 8  # one schema in every part: any Parquet reader reads the directory
    assert frame.loc[frame["rule"] == "/2/3", "family"].eq("generations").all()
    assert not frame.loc[frame["rule"] == "/2/3", "batched"].any()  # multi-state rules run learn_rule one by one
    again = sweep(trials, store, progress=False)
    assert (again.skipped, again.ran) == (8, 0) and len(read_store(store)) == 8
    more = plan(["B3/S23", "B36/S23"], seeds=[0], models=["table"], size=16, steps=8)
    assert sweep(more, store, progress=False).ran == 1 and len(read_store(store)) == 9


def test_a_compact_store_keeps_one_row_per_trial_and_the_columns_asked_for(tmp_path):
    store = tmp_path / "store"
    trials = plan(["B3/S23", "B2/S", "B36/S23"], seeds=[0], models=["table"], size=16, steps=8)
    sweep(trials[:2], store, batch_size=1, progress=False)
    sweep(trials[1:], store, batch_size=1, progress=False)  # the second run stores only the trial not yet held
    full = read_store(store)
    part = compact(store, tmp_path / "map")
    assert part.parent == tmp_path / "map" and len(list(part.parent.iterdir())) == 1
    small = read_store(tmp_path / "map")
    assert list(small.columns) == list(MAP_COLUMNS) and len(small) == 3
    assert (
        small.sort_values("rule")
        .reset_index(drop=True)
        .equals(full[list(MAP_COLUMNS)].sort_values("rule").reset_index(drop=True))
    )
    assert read_store(part).equals(small)  # the part file alone reads the same
    with pytest.raises(ValueError, match="not an empty directory"):
        compact(store, tmp_path / "map")
    with pytest.raises(ValueError, match="some of"):
        compact(store, tmp_path / "other", ["rule", "no such column"])
    with pytest.raises(ValueError, match="no column 'seconds'"):
        compact(tmp_path / "map", tmp_path / "again", ["rule", "rung", "seconds"])
    with pytest.raises(ValueError, match="is a compact store"):
        sweep(trials, tmp_path / "map", progress=False)


def test_interrupted_sweep_keeps_finished_batches(tmp_path, monkeypatch):
    import lifelab.sweep.run as sweeping

    calls = []
    real = sweeping.run_batch

    def stop_on_second(batch, device=None):
        calls.append(len(batch))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(batch, device)

    monkeypatch.setattr(sweeping, "run_batch", stop_on_second)
    trials = plan(["B3/S23", "B36/S23", "B2/S013V", "Seeds"], models=["table"], size=16, steps=8)
    result = sweep(trials, tmp_path / "store", batch_size=2, progress=False)
    assert result.interrupted and result.ran == 2 and len(read_store(tmp_path / "store")) == 2


def _sweep_command(store, *rules, batch=1, model="tied"):
    return [
        sys.executable,
        "-m",
        "lifelab",
        "sweep",
        *rules,
        "--models",
        model,
        "--store",
        str(store),
        "--batch",
        str(batch),
        "--size",
        "16",
        "--steps",
        "8",
    ]


@pytest.mark.slow
def test_killed_sweep_resumes_without_lost_or_doubled_rows(tmp_path):
    store = tmp_path / "store"
    rules = random_rules("moore", 6, seed=21)
    command = _sweep_command(store, *rules)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 240
    while not list(store.glob("part-*.parquet")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(read_store(store))
    assert 1 <= done_before < 6
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    frame = read_store(store)
    assert len(frame) == 6 and frame["key"].is_unique
    assert "already stored" in finished.stdout and len(list(store.glob("part-*.parquet"))) >= 2


@pytest.mark.slow
def test_two_sweeps_into_one_store_never_corrupt_it(tmp_path):
    import pandas as pd

    store = tmp_path / "store"
    rules = random_rules("vonneumann", 8, seed=3)
    chunks = (rules[:6], rules[2:])
    processes = [
        subprocess.Popen(
            _sweep_command(store, *chunk, model="table"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for chunk in chunks
    ]
    for chunk, process in zip(chunks, processes, strict=True):
        code, err = process.wait(timeout=600), process.stderr.read()
        if code == 2:  # the store was held by the other sweep: refused in one line, then run again
            assert "another sweep is writing into this store" in err and len(err.strip().splitlines()) == 1
            assert subprocess.run(_sweep_command(store, *chunk, model="table"), capture_output=True).returncode == 0
        else:
            assert code == 0, err
    frame = read_store(store)
    assert frame["key"].is_unique and sorted(frame["rule"]) == sorted(rules)
    assert pd.read_parquet(store)["key"].is_unique  # any Parquet reader sees each trial once


@pytest.mark.slow
def test_ray_backend_gives_the_rows_of_the_local_backend(tmp_path):
    trials = plan(["B3/S23", "B36/S23", "Brian's Brain"], seeds=[0], models=["tied", "table"], size=16, steps=8)
    sweep(trials, tmp_path / "local", batch_size=2, progress=False, device="cpu")
    try:
        result = sweep(trials, tmp_path / "ray", backend="ray", workers=2, batch_size=2, progress=False, device="cpu")
    finally:
        ray.shutdown()
    assert result.ran == 6
    local, remote = (read_store(tmp_path / name).sort_values("key").reset_index(drop=True) for name in ("local", "ray"))
    assert local[STABLE].equals(remote[STABLE])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda tmp: random_rules("hexagonal-ish", 3), "unknown family"),
        (lambda tmp: plan([]), "no rules"),
        (lambda tmp: plan(["B3/S23"], models=["nope"]), "unknown model"),
        (lambda tmp: plan(["B3/S9"]), "survival digit 9"),
        (lambda tmp: sweep(plan(["B3/S23"]), tmp / "results.csv", progress=False), "is a file"),
        (lambda tmp: sweep(plan(["B3/S23"]), tmp, progress=False), "not Parquet parts"),
        (lambda tmp: sweep(plan(["B3/S23"]), tmp / "s", backend="spark", progress=False), "backend"),
        (lambda tmp: sweep(plan(["B3/S23"]), tmp / "s", address="ray://x:1", progress=False), "address"),
        (lambda tmp: sweep([], tmp / "s", progress=False), "non-empty"),
        (lambda tmp: read_store(tmp / "results.csv"), "not a Parquet file"),
    ],
)
def test_bad_input_gets_a_clear_error(tmp_path, call, message):
    (tmp_path / "results.csv").write_text("rule,seed\nB3/S23,0\n")
    with pytest.raises(ValueError, match=message):
        call(tmp_path)


def test_cli_sweep_bad_input_is_one_line(tmp_path, capsys):
    from lifelab.cli import main

    assert main(["sweep", "--random", "moore", "many", "--store", str(tmp_path / "s")]) == 2
    assert "N must be a whole number" in capsys.readouterr().err
    assert main(["sweep", "--store", str(tmp_path / "s")]) == 2
    assert "no rules" in capsys.readouterr().err


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _workers(driver: subprocess.Popen, timeout: float = 120) -> list[int]:
    """The driver's pool workers, once two have started."""
    deadline, found = time.monotonic() + timeout, []
    while len(found) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        found = [
            p
            for p in _children(driver.pid)
            if b"spawn_main" in (Path(f"/proc/{p}/cmdline").read_bytes() if Path(f"/proc/{p}").exists() else b"")
        ]
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc (Linux)")
def test_a_killed_driver_takes_its_workers_and_ctrl_c_is_one_line(tmp_path):
    rules = random_rules("moore", 40, seed=5)
    driver = subprocess.Popen(
        _sweep_command(tmp_path / "killed", *rules) + ["--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert len(_workers(driver)) >= 2
    helpers = _children(driver.pid)  # the pool's workers and multiprocessing's resource tracker
    driver.kill()
    driver.wait()
    deadline = time.monotonic() + 30
    while any(_alive(p) for p in helpers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in helpers), "workers or the resource tracker outlived their driver"
    interrupted = subprocess.Popen(
        _sweep_command(tmp_path / "interrupted", *rules) + ["--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert len(_workers(interrupted)) >= 2
    interrupted.send_signal(signal.SIGINT)
    out, err = interrupted.communicate(timeout=300)
    assert interrupted.returncode == 130 and "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "stopped early" in out
