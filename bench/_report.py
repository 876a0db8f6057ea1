"""Bench tables printed for a person and, with ``--json PATH``, written as JSON for the docs' benchmarks page.

Each bench script adds the option with :func:`json_option` and calls
:func:`table` for every table it prints; at exit the tables go, with the
command, the date and the machine, into the JSON file ``--json`` names (or
``$BENCH_JSON``), written atomically::

    {"script", "command", "date", "machine", "tables": [{"title", "note", "columns", "rows"}]}

``docs/conf.py`` turns every ``bench/results/*.json`` into tables of the
benchmarks page.
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import json
import os
import platform
import shlex
import sys

from lifelab.utils import atomic_path, format_table

_TABLES: list[dict] = []
_PATH: list[str] = []  # where --json asked the tables to go


class _JsonPath(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        _PATH[:] = [value]
        setattr(namespace, self.dest, value)


def json_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--json PATH`` to a bench script's parser: its tables are also written to PATH at exit."""
    parser.add_argument(
        "--json",
        metavar="PATH",
        action=_JsonPath,
        default=None,
        help="also write the tables, the command, the date and the machine to PATH as JSON "
        "(bench/results/NAME.json: the docs' benchmarks page)",
    )


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def table(title: str, rows: list[dict], note: str = "") -> None:
    """Print one table of the bench (and keep it for the JSON file)."""
    print(f"\n{title}\n" if title else "", end="")
    print(format_table(rows), flush=True)
    _TABLES.append(
        {
            "title": title,
            "note": note,
            "columns": list(rows[0]) if rows else [],
            "rows": [["-" if row[c] is None else str(row[c]) for c in rows[0]] for row in rows],
        }
    )


def _save() -> None:
    path = _PATH[0] if _PATH else os.environ.get("BENCH_JSON")
    if not path or not _TABLES:
        return
    record = {
        "script": os.path.basename(sys.argv[0]),
        "command": shlex.join(["python", *sys.argv]),
        "date": datetime.date.today().isoformat(),
        "machine": f"{_cpu()}, {os.cpu_count()} cores",
        "tables": _TABLES,
    }
    with atomic_path(path) as temporary:
        with open(temporary, "w") as out:
            json.dump(record, out, indent=1)


atexit.register(_save)
