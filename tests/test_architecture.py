"""The package's dependency order, written down once and enforced from the imports.

Each entry of ``LAYERS`` may import (at module level) only entries listed before it; a subpackage's
modules import each other freely.  Lazy imports inside a function may reach upward only to draw a
picture on request (``lifelab.plots``: matplotlib stays off the training and command-line paths).
The documentation's architecture page shows this list.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lifelab"

# layers-start
LAYERS = [
    "errors", "utils",                      # what everything uses: input errors, seeds, devices, threads
    "symmetry", "patterns", "hensel",       # D4, the 3x3 numbering and pattern counts, Hensel letters
    "rules",                                # the 2-state 3x3 rule and Golly's grid suffix
    "_bitpack", "_compiled",                # the numpy and the compiled engines (rules duck-typed, tables' lookup)
    "ruletables", "families",               # rule types: Golly's rule tables, Generations, LtL, HROT, stochastic
    "boards", "rle",                        # checked boards and trajectories; RLE files
    "io",                                   # recordings: pictures, videos, arrays, colours read (subpackage)
    "simulate",                             # simulate and the seagull bridge
    "evidence",                             # what the data determine: counts, noise, verdicts (subpackage)
    "rulespace",                            # random and exhaustive rule samples of a family
    "models", "checkpoint",                 # the model zoo and its registry (subpackage); checkpoints
    "data", "train", "stacked",             # dataset and supply agent; training; stacked training
    "settings",                             # the loop's and the sweep's settings
    "extract", "learners", "loop", "sweep",  # reading rules out; learners; the loop; sweeps
    "plots", "experiments", "widgets",      # pictures; notebook experiments; widgets
    "cli", "__main__",                      # the command line
]
# layers-end

#: Lazy (in-function) imports allowed to reach upward: pictures on request.
LAZY_UPWARD = {"plots"}


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
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module else
                     [a.name for a in node.names] if isinstance(node, ast.Import) else [])
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
    assert _against_order([("train", "plots", False, "b")]) == []  # a picture on request
    assert _against_order([("train", "loop", False, "c")]) == ["c: lifelab.train imports lifelab.loop"]
    assert _against_order([("loop", "evidence", True, "d"), ("evidence", "evidence", True, "e")]) == []
