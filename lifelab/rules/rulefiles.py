"""Golly's ``.rule`` files (RuleLoader's): read into a :class:`~lifelab.rules.tables.TableRule`, found on a search
path, and written back from any rule lifelab holds on a one-cell neighbourhood.

A file names a rule (``@RULE WireWorld``) and gives its transition function
as Golly's RuleLoader algorithm reads it (``gollybase/ruletable_algo.cpp``,
``ruletreealgo.cpp``):

- ``@TABLE``: ``n_states``, a ``neighborhood`` (``vonNeumann``, ``Moore``,
  ``hexagonal``, ``oneDimensional``), ``symmetries`` and transitions
  ``C,N,E,S,W,C'`` (Moore: ``C,N,NE,E,SE,S,SW,W,NW,C'``; hexagonal:
  ``C,N,E,SE,S,W,NW,C'``; one-dimensional: ``C,W,E,C'``).  A ``var`` names a
  set of states; a variable written twice in one transition is *bound* (the
  same state each time).
- ``@TREE``: a decision tree over the neighbours (``num_neighbors`` 4 or 8)
  whose leaves are the next states.

:func:`rule_file` writes any rule lifelab holds on a one-cell neighbourhood
back as a ``@TABLE`` (with the largest symmetry the rule has and merged
transitions), which Golly runs as lifelab does (``tests/golden/rules``).
"""

from __future__ import annotations

import itertools
import math
import os
import re
from pathlib import Path
from typing import NoReturn

import numpy as np

from lifelab.errors import InputError, InputFileNotFoundError, InputTypeError
from lifelab.rules.base import RuleBase, RuleType
from lifelab.rules.grid import split_topology
from lifelab.rules.tables import CHUNK, DENSE_LIMIT, GOLLY_NEIGHBOURHOODS, MAX_EXPANDED, SYMMETRIES, TableRule
from lifelab.utils import ascii_digits, atomic_path

__all__ = [
    "compact_table",
    "find_rule_file",
    "load_rule_file",
    "read_rule_file",
    "rule_file",
    "rule_search_path",
    "save_rule_file",
    "table_rule",
]

_TREE_NEIGHBOURHOOD = {4: "vonNeumann", 8: "Moore"}
#: The longest file name a file system holds (bytes).
MAX_NAME = 255
#: The largest rule file read (Golly's own are under 1 MB).
MAX_RULE_FILE = 16 * 2**20


# ---------------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------------


def read_rule_file(text: str, source: str = ".rule file") -> TableRule:
    """Read a Golly ``.rule`` file's text: its ``@RULE`` name, its ``@TABLE`` or ``@TREE``, its ``@COLORS``.

    Other sections (``@ICONS``, ``@NAMES``) are skipped, as Golly skips them
    when it runs a rule.

    Args:
        text: The file's text.
        source: What to call it in error messages (the file's name).

    Raises:
        InputError: Naming the line, for anything Golly would refuse (a state
            out of range, an unknown neighbourhood or symmetry, a transition with
            too few entries, a tree node pointing to the wrong level, ...), or a
            file without ``@TABLE`` or ``@TREE``.
    """
    if not isinstance(text, str):
        raise InputTypeError(f"{source}: a rule file's text must be a str, got {type(text).__name__}")
    sections: dict[str, list[tuple[int, str]]] = {}
    current = None
    name = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("@"):
            head, _, rest = line.partition(" ")
            current = head.strip().upper()
            if current == "@RULE":
                name = rest.strip() or None
            sections.setdefault(current, [])
        elif current is not None:
            sections[current].append((number, line))
    if name is None:
        raise InputError(f"{source}: no '@RULE name' line")
    colors = _read_colors(sections.get("@COLORS", []), source)
    for kind in sections:
        if kind == "@TABLE":
            return _read_table(name, sections[kind], colors, source)
        if kind == "@TREE":
            return _read_tree(name, sections[kind], colors, source)
    raise InputError(f"{source}: no @TABLE or @TREE section")


def _fail(source: str, number: int, line: str, why: str) -> NoReturn:
    raise InputError(f"{source}, line {number}: {why}: {line.strip()!r}")


def _state(token: str, states: int, source: str, number: int, line: str) -> int:
    if not ascii_digits(token):
        _fail(source, number, line, f"{token!r} is neither a state nor a variable")
    if int(token) >= states:
        _fail(source, number, line, f"state {token} is out of range (n_states:{states})")
    return int(token)


def _read_table(name: str, lines: list, colors: dict, source: str) -> TableRule:
    states: int | None = None
    neighbourhood: str | None = None
    symmetries: str | None = None
    variables: dict[str, tuple[int, ...]] = {}
    transitions = []
    for number, raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        lower = line.lower()
        if lower.startswith("n_states:"):
            value = line[len("n_states:") :].strip()
            if not ascii_digits(value) or not 2 <= int(value) <= 256:
                _fail(source, number, raw, "n_states is a number from 2 to 256")
            states = int(value)
        elif lower.startswith("neighborhood:"):
            neighbourhood = line[len("neighborhood:") :].strip()
            if neighbourhood not in GOLLY_NEIGHBOURHOODS:
                _fail(source, number, raw, f"unsupported neighborhood (Golly's: {', '.join(GOLLY_NEIGHBOURHOODS)})")
        elif lower.startswith("symmetries:"):
            if neighbourhood is None:
                _fail(source, number, raw, "the neighborhood must be declared before the symmetries")
            symmetries = line[len("symmetries:") :].strip()
            if symmetries not in SYMMETRIES[neighbourhood]:
                _fail(
                    source,
                    number,
                    raw,
                    f"unsupported symmetries for {neighbourhood} ({', '.join(SYMMETRIES[neighbourhood])})",
                )
        elif states is None or neighbourhood is None or symmetries is None:
            _fail(
                source, number, raw, "n_states, neighborhood and symmetries must come before variables and transitions"
            )
        elif lower.startswith("var "):
            tokens = [t for t in re.split(r"[= {,}]+", line) if t]
            if len(tokens) < 3:
                _fail(source, number, raw, "a variable is 'var name={states}'")
            values: list[int] = []
            for token in tokens[2:]:
                values += variables[token] if token in variables else [_state(token, states, source, number, raw)]
            variables[tokens[1]] = tuple(values)
        else:
            transitions += _read_transition(line, raw, number, states, neighbourhood, variables, source)
            if len(transitions) > MAX_EXPANDED:
                _fail(
                    source,
                    number,
                    raw,
                    f"the table expands to more than {MAX_EXPANDED:,} transitions over its "
                    "bound variables, more than lifelab expands",
                )
    if states is None or neighbourhood is None or symmetries is None:
        raise InputError(f"{source}: the @TABLE lacks n_states, neighborhood or symmetries")
    return TableRule(name, states, neighbourhood, symmetries=symmetries, transitions=transitions, colors=colors)


def _read_transition(
    line: str, raw: str, number: int, states: int, neighbourhood: str, variables: dict, source: str
) -> list:
    k = len(GOLLY_NEIGHBOURHOODS[neighbourhood])
    if states <= 10 and not variables and "," not in line:
        tokens = list(line)
    else:
        tokens = [t for t in re.split(r"[,\s]+", line) if t]
    if len(tokens) < k + 1:
        _fail(source, number, raw, f"too few entries (a {neighbourhood} transition has {k} inputs and an output)")
    if len(tokens) > k + 1:
        _fail(source, number, raw, f"too many entries (a {neighbourhood} transition has {k} inputs and an output)")
    bound = sorted(v for v in variables if tokens.count(v) > 1)
    expansions = math.prod(len(variables[v]) for v in bound)
    if expansions > MAX_EXPANDED:
        _fail(
            source,
            number,
            raw,
            f"its bound variables expand to {expansions:,} transitions, more than lifelab expands ({MAX_EXPANDED:,})",
        )
    output = tokens[k]
    if output in variables and output not in bound and len(variables[output]) != 1:
        _fail(source, number, raw, "the output must be a state, a one-state variable or a bound variable")
    out = []
    for values in itertools.product(*(variables[v] for v in reversed(bound))):
        binding = dict(zip(reversed(bound), values, strict=True))
        inputs = tuple(
            (binding[t],)
            if t in binding
            else variables[t]
            if t in variables
            else (_state(t, states, source, number, raw),)
            for t in tokens[:k]
        )
        result = (
            binding[output]
            if output in binding
            else variables[output][0]
            if output in variables
            else _state(output, states, source, number, raw)
        )
        out.append((inputs, result))
    return out


def _read_tree(name: str, lines: list, colors: dict, source: str) -> TableRule:
    header: dict[str, int | None] = {"num_states": None, "num_neighbors": None, "num_nodes": None}
    nodes: list[tuple[int, tuple[int, ...]]] = []
    for number, raw in lines:
        if not raw.strip() or raw.startswith("#"):
            continue
        match = re.fullmatch(r"\s*(num_states|num_neighbors|num_nodes)\s*=\s*([0-9]{1,18})\s*", raw)
        if match:
            if nodes:  # a header after the nodes would change what they were checked against
                _fail(source, number, raw, "num_states, num_neighbors and num_nodes come before the nodes")
            header[match[1]] = int(match[2])
            continue
        states, neighbours, count = header.values()
        if (
            states is None
            or neighbours is None
            or count is None
            or not 2 <= states <= 256
            or neighbours not in (4, 8)
            or not neighbours <= count <= 100_000_000
        ):
            _fail(source, number, raw, "num_states (2-256), num_neighbors (4 or 8) and num_nodes must come first")
        fields = raw.split()
        if (
            not ascii_digits(fields[0])
            or not 1 <= int(fields[0]) <= neighbours + 1
            or not all(ascii_digits(f) for f in fields[1:])
        ):
            _fail(source, number, raw, f"a node is its level (1 to {neighbours + 1}) and {states} numbers")
        level, values = int(fields[0]), tuple(int(f) for f in fields[1:])
        if len(values) != states:
            _fail(source, number, raw, f"a node has {states} values, this one {len(values)}")
        for v in values:
            if level == 1 and v >= states:
                _fail(source, number, raw, f"state {v} is out of range (num_states={states})")
            if level > 1 and (v >= len(nodes) or nodes[v][0] != level - 1):
                _fail(source, number, raw, "a node must point to an earlier node one level down")
        nodes.append((level, values))
    states, neighbours, count = header.values()
    if not nodes or len(nodes) != count:
        raise InputError(f"{source}: the @TREE has {len(nodes)} nodes, num_nodes says {count}")
    assert states is not None and neighbours is not None  # each node was read after the whole header
    if nodes[-1][0] != neighbours + 1:
        raise InputError(f"{source}: the @TREE's last node (its root) must be at level {neighbours + 1}")
    return TableRule(name, states, _TREE_NEIGHBOURHOOD[neighbours], tree=nodes, colors=colors)


def _read_colors(lines: list, source: str) -> dict[int, tuple[int, int, int]]:
    colors: dict[int, tuple[int, int, int]] = {}
    for number, raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        values = list(itertools.takewhile(ascii_digits, line.replace(",", " ").split()))[:6]  # then a comment
        if len(values) not in (4, 6):
            _fail(source, number, raw, "a colour is 'state r g b' (or a gradient 'r g b r g b')")
        if len(values) == 4:
            r, g, b = (min(int(v), 255) for v in values[1:])
            colors[int(values[0])] = (r, g, b)
    return colors


def rule_search_path() -> list[Path]:
    """Where a rule name is looked up as ``NAME.rule``: ``$LIFELAB_RULES`` (folders joined by ``os.pathsep``),
    the working folder, then Golly's own rule folders where Golly is installed."""
    extra = [Path(p) for p in os.environ.get("LIFELAB_RULES", "").split(os.pathsep) if p]
    golly = [Path.home() / ".golly" / "Rules", Path("/usr/local/share/golly/Rules"), Path("/usr/share/golly/Rules")]
    return [*extra, Path.cwd(), *golly]


def _is_file(path: Path) -> bool:
    """A regular file (a name too long for the file system is none)."""
    try:
        return path.is_file()
    except OSError:
        return False


def find_rule_file(name: str) -> Path | None:
    """The ``NAME.rule`` file a rulestring names (Golly's spelling: ``/`` and ``\\`` read as ``_``), or None."""
    filename = re.sub(r"[/\\]", "_", name) + ".rule"
    if len(filename.encode()) > MAX_NAME or "\0" in filename:  # longer than any file name: no rule file
        return None
    for folder in rule_search_path():
        if (folder / filename).is_file():
            return folder / filename
    return None


def load_rule_file(path) -> TableRule:
    """Read a ``.rule`` file (a path, optionally with Golly's grid suffix: ``WireWorld.rule:T64,64``).

    Raises:
        FileNotFoundError: For a missing file (an ``InputError`` too).
        InputError: For a malformed file, naming the line.
    """
    text = str(path)
    core, grid = split_topology(text, text) if not _is_file(Path(text)) else (text, None)
    path = Path(core)
    if not _is_file(path):
        if os.path.lexists(core) and os.path.exists(core):  # os.path.exists is False for a name too long
            raise InputError(f"{path}: not a regular file (a device, a pipe or a socket is not read)")
        raise InputFileNotFoundError(f"no rule file {str(path)!r}")
    if path.stat().st_size > MAX_RULE_FILE:
        raise InputError(
            f"{path}: {path.stat().st_size:,} bytes, more than a rule file lifelab reads "
            f"({MAX_RULE_FILE:,}); Golly's largest is under 1 MB"
        )
    rule = read_rule_file(path.read_text(encoding="utf-8", errors="replace"), path.name)
    rule._grid = grid
    return rule


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


def table_rule(rule, name: str | None = None) -> TableRule:
    """Any rule lifelab holds whose neighbourhood is one cell wide, as a :class:`TableRule` of the same function.

    The neighbourhood is the smallest of Golly's (von Neumann, hexagonal,
    Moore) holding the rule's offsets; each configuration's next state is the
    rule's own step, read on a 3x3 torus (where the cell's neighbours are
    eight distinct cells).

    Args:
        rule: A rule object of any deterministic type (:func:`lifelab.rules.parse_rule` reads a rulestring).
        name: The table's name (default: the rulestring with Golly's
            forbidden characters replaced, e.g. ``B3_S23``).

    Raises:
        TypeError: For a string or anything else that is not a rule object.
        InputError: For a rule that reaches further than one cell, or more
            configurations than :data:`DENSE_LIMIT`.
    """
    if not isinstance(rule, RuleBase):
        raise InputTypeError(f"table_rule takes a rule object (read a rulestring with parse_rule), got {rule!r}")
    if isinstance(rule, TableRule):
        return (
            rule
            if name is None
            else TableRule(
                name,
                rule.states,
                rule.neighbourhood,
                symmetries=rule.symmetries,
                transitions=rule.transitions,
                tree=rule.tree,
                colors=rule.colors,
            )
        )
    if not isinstance(rule, RuleType):
        raise InputError(f"{rule} is not a deterministic rule; a rule table has one next state per configuration")
    offsets = set(rule.offsets)
    if any(max(abs(dy), abs(dx)) > 1 for dy, dx in offsets):
        raise InputError(
            f"{rule} reaches {max(max(abs(dy), abs(dx)) for dy, dx in offsets)} cells; Golly's rule tables reach one"
        )
    neighbourhood = next(n for n in ("vonNeumann", "hexagonal", "Moore") if offsets <= set(GOLLY_NEIGHBOURHOODS[n]))
    states = rule.states
    text = str(rule).split(":")[0]
    table = TableRule(name or re.sub(r"[\s:,/\\]", "_", text), states, neighbourhood)
    _require_dense(table)
    configs = table.decode(np.arange(table.configurations))
    nexts = np.empty(len(configs), np.uint8)
    dtype = bool if states == 2 else np.uint8
    for start in range(0, len(configs), CHUNK):
        part = configs[start : start + CHUNK]
        nexts[start : start + len(part)] = np.asarray(rule.step(table.windows(part).astype(dtype)))[:, 1, 1]
    return _from_function(table, nexts)


def compact_table(table: TableRule) -> TableRule:
    """The same function as a table with the largest symmetry it has and its changing configurations merged
    into few transitions over sets of states (what :func:`rule_file` writes with ``rewrite``).

    Raises:
        InputError: For more configurations than :data:`DENSE_LIMIT`.
    """
    dense = _require_dense(table).dense_table
    assert dense is not None  # at most DENSE_LIMIT configurations: tabulated
    return _from_function(table, dense)


def _from_function(table: TableRule, nexts: np.ndarray) -> TableRule:
    """A table of ``table``'s name and neighbourhood computing ``nexts`` (one per configuration number):
    the largest symmetry the function has, and the changing configurations merged into few transitions."""
    configs = table.decode(np.arange(table.configurations))
    symmetries = _largest_symmetry(table, configs, nexts)
    changed = nexts != configs[:, 0]
    rows = np.left_shift(np.uint64(1), configs[changed].astype(np.uint64))
    outputs = nexts[changed].astype(np.int64)
    rows = _merge(rows, outputs)
    kept = _cover(table, symmetries, rows, configs)
    transitions = [(tuple(_members(mask) for mask in rows[i, :-1]), int(rows[i, -1])) for i in kept]
    return TableRule(table.name, table.states, table.neighbourhood, symmetries=symmetries, transitions=transitions)


def _members(mask) -> tuple[int, ...]:
    mask = int(mask)
    return tuple(s for s in range(64) if mask >> s & 1)


def _largest_symmetry(table: TableRule, configs: np.ndarray, nexts: np.ndarray) -> str:
    """The symmetry with the most images under which the function is invariant (permute counted largest)."""
    k = configs.shape[1]
    weights = table.states ** np.arange(k, dtype=np.int64)

    def invariant(remaps) -> bool:
        return all(np.array_equal(nexts[configs[:, list(remap)] @ weights], nexts) for remap in remaps)

    choices = {name: remaps for name, remaps in SYMMETRIES[table.neighbourhood].items() if remaps is not None}
    swaps = [tuple([0, 2, 1, *range(3, k)])] + ([tuple([0, *range(2, k), 1])] if k > 3 else [])
    if invariant(swaps):  # a transposition and a cycle generate every permutation
        return "permute"
    ranked = sorted(choices, key=lambda n: -len(choices[n]))
    return next(name for name in ranked if invariant(choices[name]))


def _merge(rows: np.ndarray, outputs: np.ndarray) -> np.ndarray:
    """Singleton configurations ``(m, k)`` of state masks merged, one input at a time, into products of sets.

    Rows alike but for one input and with one output are one row with the union of that input's sets; passes
    repeat until nothing merges.  Returns ``(r, k + 1)``: masks, then the output.
    """
    table = np.column_stack([rows, outputs.astype(np.uint64)])
    k = rows.shape[1]
    while True:
        before = len(table)
        for i in range(k):
            others = np.delete(table, i, axis=1)
            _, first, inverse = np.unique(others, axis=0, return_index=True, return_inverse=True)
            merged = np.zeros(len(first), np.uint64)
            np.bitwise_or.at(merged, inverse.reshape(-1), table[:, i])
            table = table[first]
            table[:, i] = merged
        if len(table) == before:
            return table


def _cover(table: TableRule, symmetries: str, rows: np.ndarray, configs: np.ndarray) -> list[int]:
    """The rows to keep: largest first, each only if its images reach a symmetry class not reached yet."""
    k = configs.shape[1]
    weights = table.states ** np.arange(k, dtype=np.int64)
    remaps = SYMMETRIES[table.neighbourhood][symmetries]
    if remaps is None:
        canonical = configs.copy()
        canonical[:, 1:] = np.sort(canonical[:, 1:], axis=1)
        classes = canonical @ weights
    else:
        classes = np.min([configs[:, list(remap)] @ weights for remap in remaps], axis=0)
    covered = np.zeros(table.configurations, bool)
    sizes = [np.prod([bin(int(m)).count("1") for m in row[:-1]]) for row in rows]
    kept = []
    for i in np.argsort(sizes, kind="stable")[::-1]:
        members = np.array(list(itertools.product(*(_members(m) for m in rows[i, :-1]))), np.int64)
        reached = classes[members @ weights]
        if not covered[reached].all():
            covered[reached] = True
            kept.append(int(i))
    return sorted(kept)


def rule_file(rule, name: str | None = None, rewrite: bool = False) -> str:
    """A rule as the text of a Golly ``.rule`` file that Golly's RuleLoader runs as lifelab does.

    A rule table read from a file is written back as it was read (its
    transitions, bound variables expanded, and symmetries; a tree as its
    tree).  Any other rule (:func:`table_rule`) is written as a ``@TABLE``
    with the largest symmetry its function has, listing only the
    configurations that change the cell (Golly leaves the others unchanged),
    merged into transitions over sets of states.

    Args:
        rule: A rule object of any deterministic type on a one-cell neighbourhood.
        name: The ``@RULE`` name (default: the rule's own).
        rewrite: Write a table read from a file afresh from its function, as any other rule is written
            (at most :data:`DENSE_LIMIT` configurations).
    """
    table = table_rule(rule, name)
    if rewrite and (table.transitions or table.tree is not None):
        table = compact_table(table)
    lines = [f"@RULE {table.name}", ""]
    if table.tree is not None:
        lines += [
            "@TREE",
            "",
            f"num_states={table.states}",
            f"num_neighbors={len(table.offsets) - 1}",
            f"num_nodes={len(table.tree)}",
        ]
        lines += [" ".join(map(str, (level, *values))) for level, values in table.tree]
    else:
        lines += [
            "@TABLE",
            f"n_states:{table.states}",
            f"neighborhood:{table.neighbourhood}",
            f"symmetries:{table.symmetries}",
        ]
        names: dict[tuple, list[str]] = {}  # a set of states: its variables' names, one per occurrence in a line
        body = []
        for inputs, out in table.transitions:
            seen: dict[tuple, int] = {}
            tokens = []
            for states in inputs:
                if len(states) == 1:
                    tokens.append(str(states[0]))
                    continue
                occurrence = seen[states] = seen.get(states, -1) + 1
                index = list(names).index(states) if states in names else len(names)
                family = names.setdefault(states, [])
                if occurrence == len(family):  # a variable written twice in a transition is bound: one name each
                    family.append(f"v{index}_{occurrence}")
                    lines.append(f"var {family[-1]}={{{','.join(map(str, states))}}}")
                tokens.append(family[occurrence])
            body.append(",".join([*tokens, str(out)]))
        lines += body
    if table.colors:
        lines += ["", "@COLORS"] + [f"{s} {r} {g} {b}" for s, (r, g, b) in sorted(table.colors.items())]
    return "\n".join(lines) + "\n"


def _require_dense(table: TableRule) -> TableRule:
    if table.configurations > DENSE_LIMIT:
        raise InputError(
            f"{table.name}: {table.configurations:,} configurations are more than lifelab tabulates ({DENSE_LIMIT:,})"
        )
    return table


def save_rule_file(path, rule, name: str | None = None, rewrite: bool = False) -> Path:
    """Write :func:`rule_file` to ``path`` atomically; its ``@RULE`` name is the file's stem unless given.

    Golly finds a rule by its file's name, so the name and the stem agree.
    ``rewrite`` is :func:`rule_file`'s.
    """
    path = Path(path)
    if path.suffix != ".rule":
        raise InputError(f"a Golly rule file ends in .rule, got {path.name!r}")
    text = rule_file(rule, name or path.stem, rewrite)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
