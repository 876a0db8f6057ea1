"""The package's shape: lines per module, the height of the import graph, and how long ``import lifelab`` takes.

Run on a tree before and after a redesign and compare::

    .venv/bin/python bench/structure.py [--json PATH]

The import graph has a node per module and an edge for every module-level ``lifelab`` import (lazy imports in a
function are left out: they run on request); a subpackage's ``__init__`` counts as a module.  Its height is the
number of modules on the longest chain of imports.  ``import lifelab`` is timed in a fresh interpreter, the best of
seven, beside ``import numpy`` as the baseline the same way.
"""

from __future__ import annotations

import argparse
import ast
import functools
import subprocess
import sys
from pathlib import Path

from _report import json_option, table

PACKAGE = Path(__file__).resolve().parent.parent / "lifelab"
LONG = 600


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    modules = {_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            edges |= {t for t in targets if t in modules and t != name and t.startswith("lifelab")}
        graph[name] = edges
    return graph


def height(graph: dict[str, set[str]]) -> int:
    """The number of modules on the longest chain of imports (modules that import each other in a cycle count once).

    Strongly connected components (Tarjan) are folded into one node, then the longest path of the acyclic graph
    that remains is counted in nodes.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    counter = [0, 0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target not in component:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            while True:
                member = stack.pop()
                component[member] = counter[1]
                if member == node:
                    break
            counter[1] += 1

    for node in graph:
        if node not in index:
            visit(node)
    edges: dict[int, set[int]] = {c: set() for c in component.values()}
    for node, targets in graph.items():
        edges[component[node]] |= {component[t] for t in targets} - {component[node]}

    @functools.cache
    def floor(c: int) -> int:
        return 1 + max((floor(t) for t in edges[c]), default=0)

    return max(floor(c) for c in edges)


def _import_time(module: str, repeats: int = 7) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeats)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    json_option(parser)
    parser.parse_args()
    lines = {
        _name(p) + ("/__init__" if p.name == "__init__.py" else ""): len(p.read_text().splitlines())
        for p in sorted(PACKAGE.rglob("*.py"))
    }
    graph = _graph()
    long = {name: n for name, n in lines.items() if n > LONG}
    table(
        "Modules",
        [
            {
                "modules": len(lines),
                "lines": sum(lines.values()),
                "largest": max(lines.values()),
                f"over {LONG} lines": len(long),
                "import graph height": height(graph),
            }
        ],
        note="module-level lifelab imports; a subpackage's __init__ is a module",
    )
    table(
        f"Modules over {LONG} lines",
        [{"module": name, "lines": n} for name, n in sorted(long.items(), key=lambda kv: -kv[1])],
    )
    numpy, lifelab = _import_time("numpy"), _import_time("lifelab")
    table(
        "import time (best of 7, fresh interpreter)",
        [
            {"import": "numpy", "seconds": f"{numpy:.3f}", "ratio to numpy": "1.0"},
            {"import": "lifelab", "seconds": f"{lifelab:.3f}", "ratio to numpy": f"{lifelab / numpy:.1f}"},
        ],
    )


if __name__ == "__main__":
    main()
