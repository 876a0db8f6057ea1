"""The package's dependency order (:data:`lifelab.LAYERS`), enforced from the imports and the tree.

Each layer may import (at module level) only layers listed before it; a subpackage's modules import each
other freely.  Lazy imports inside a function may reach upward only to draw a picture on request
(``lifelab.viz``: matplotlib stays off the training and command-line paths).  Every folder and top module of
the package is a layer, and every layer is one of them.
"""

import ast
from pathlib import Path

import lifelab

PACKAGE = Path(__file__).resolve().parent.parent / "lifelab"

LAYERS = lifelab.LAYERS

#: Lazy (in-function) imports allowed to reach upward: pictures on request.
LAZY_UPWARD = {"viz"}


def _entry(module: str) -> str:
    """The LAYERS entry of a module name such as ``lifelab.evidence.counts``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports():
    """(importing entry, imported entry, at module level?, where) for every lifelab import in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
        tree = ast.parse(path.read_text())
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                if name.startswith("lifelab.") or name == "lifelab":
                    yield _entry(module), _entry(name), id(node) in top, f"{relative}:{node.lineno}"


def test_every_module_has_a_layer():
    entries = {p.stem if p.parent == PACKAGE else p.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py")}
    assert entries - {"__init__"} == set(LAYERS)
    assert len(LAYERS) == len(set(LAYERS))


def _against_order(imports) -> list[str]:
    """The imports of ``imports`` (as :func:`_imports` gives them) that break the layer order."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = []
    for source, target, module_level, where in imports:
        if source == "" or source == target:  # the package's own namespace; a subpackage within itself
            continue
        assert target in rank, f"{where} imports lifelab.{target}, which has no layer"
        if rank[target] >= rank[source] and (module_level or target not in LAZY_UPWARD):
            upward.append(f"{where}: lifelab.{source} imports lifelab.{target}")
    return upward


def test_each_module_imports_only_what_is_listed_before_it():
    upward = _against_order(_imports())
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def test_the_check_catches_upward_and_lazy_imports():
    assert _against_order([("rules", "loop", True, "a")]) == ["a: lifelab.rules imports lifelab.loop"]
    assert _against_order([("learning", "viz", False, "b")]) == []  # a picture on request
    assert _against_order([("learning", "loop", False, "c")]) == ["c: lifelab.learning imports lifelab.loop"]
    assert _against_order([("loop", "evidence", True, "d"), ("evidence", "evidence", True, "e")]) == []
