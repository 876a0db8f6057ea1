"""Bench tables printed for a person and, with ``BENCH_JSON=path``, written as JSON for the docs' benchmarks page.

Each bench script calls :func:`table` for every table it prints; at exit the
tables go, with the command, the date and the machine, into the JSON file
``$BENCH_JSON`` names (written atomically), which ``docs/conf.py`` turns into
the tables of the benchmarks page.
"""

from __future__ import annotations

import atexit
import datetime
import json
import os
import platform
import sys

from lifelab.utils import atomic_path, format_table

_TABLES: list[dict] = []


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
    _TABLES.append({"title": title, "note": note, "columns": list(rows[0]) if rows else [],
                    "rows": [[str(row[c]) for c in rows[0]] for row in rows]})


def _save() -> None:
    path = os.environ.get("BENCH_JSON")
    if not path or not _TABLES:
        return
    record = {"script": os.path.basename(sys.argv[0]), "command": " ".join(["python", *sys.argv]),
              "date": datetime.date.today().isoformat(), "machine": f"{_cpu()}, {os.cpu_count()} cores",
              "tables": _TABLES}
    with atomic_path(path) as temporary:
        with open(temporary, "w") as out:
            json.dump(record, out, indent=1)


atexit.register(_save)
