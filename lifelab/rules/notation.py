"""Golly's notations of a 2-state 3x3 table: birth/survival strings (with ``V``, ``H`` and Hensel's letters) and MAP.

A table is indexed by the MAP number of a 3x3 pattern (:mod:`lifelab.geometry.window`); these functions read
each notation into such a table and write it back.  The birth/survival notation is also the first part of a
Generations rule, and a MAP string with ``/states`` after it a Generations rule on any table.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from typing import Iterable

import numpy as np

from lifelab.errors import InputError
from lifelab.geometry import (
    CENTRE,
    LETTERS,
    N_PATTERNS,
    NEIGHBOURHOODS,
    counts,
    parse_hensel,
    table_from_hensel,
)

__all__ = ["bs_table"]

#: The letter after a birth/survival rulestring that names its neighbourhood.
SUFFIXES = {"moore": "", "vonneumann": "V", "hexagonal": "H"}
#: Each neighbourhood's name in messages.
FAMILY_NAMES = {"moore": "Moore", "vonneumann": "von Neumann", "hexagonal": "hexagonal"}

_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/]*")
#: The cells (MAP weights) each MAP length addresses, most significant first, as Golly's ``neighbormask``.
_MAP_MASKS = {"moore": 0x1FF, "hexagonal": 0x1BB, "vonneumann": 0xBA}
_MAP_LENGTHS = {86: "moore", 22: "hexagonal", 6: "vonneumann"}


def table_from_bs(birth: Iterable[int], survival: Iterable[int], neighbourhood: str) -> np.ndarray:
    """The 512-entry table born at the ``birth`` counts and surviving at the ``survival`` counts of live neighbours."""
    live = counts(neighbourhood)
    return np.where(CENTRE, np.isin(live, list(survival)), np.isin(live, list(birth)))


def totalistic_view(table: np.ndarray, neighbourhood: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Return (birth, survival) if ``table`` is outer-totalistic on ``neighbourhood``."""
    live = counts(neighbourhood)
    birth: list[int] = []
    survival: list[int] = []
    for centre, found in ((False, birth), (True, survival)):
        for count in range(int(NEIGHBOURHOODS[neighbourhood].sum()) + 1):
            values = table[(live == count) & (CENTRE == centre)]
            if values.min() != values.max():
                return None
            if values[0]:
                found.append(count)
    return tuple(birth), tuple(survival)


def split_map_states(core: str) -> tuple[str, int] | None:
    """Split ``MAP<base64>/<states>`` (a Generations rule on a MAP table) into the MAP and the states, else None.

    The base64 alphabet has ``/`` in it, so the split is the last ``/`` with
    digits after it and a MAP of a valid length before it.
    """
    match = re.fullmatch(r"(MAP[A-Za-z0-9+/]+?(?:==)?)/([0-9]{1,18})", core, re.IGNORECASE)
    if match is None or len(match[1][3:].removesuffix("==")) not in _MAP_LENGTHS:
        return None
    return match[1], int(match[2])


def split_suffix(core: str) -> tuple[str, str]:
    """Split the neighbourhood letter (``V`` von Neumann, ``H`` hexagonal, none for Moore) off a birth/survival
    rulestring: ``(the rest, neighbourhood)``."""
    if core and core[-1] in "VvHh":
        return core[:-1], "vonneumann" if core[-1] in "Vv" else "hexagonal"
    return core, "moore"


def split_bs(core: str, text: str) -> tuple[str, str, str]:
    """Split a B/S rulestring into its birth part, survival part and neighbourhood.

    Accepts ``B3/S23``, ``B3S23``, ``S23/B3``, legacy ``23/3`` (survival first), and a final ``V`` or ``H``;
    an underscore for the slash in a rule with Hensel letters (``B3_S23-a4ei6``), as Golly does (its
    file names cannot hold a slash), but not in a totalistic one.

    Returns:
        ``(birth, survival, neighbourhood)``: the counts and letters of each part.

    Raises:
        ValueError: For a string that is not of this form.
    """
    if "_" in core:
        if not re.search(r"[a-zA-Z]", re.sub(r"^[BbSs]|_[BbSs]|[VvHh]$", "", core)):
            raise InputError(
                f"{text!r}: an underscore is valid only in non-totalistic (Hensel) rules, as in Golly; use a slash"
            )
        core = core.replace("_", "/", 1)
    core, neighbourhood = split_suffix(core)
    joined = re.fullmatch(r"[Bb]([^/Ss]*)[Ss]([^/]*)", core)
    if joined:
        return joined[1], joined[2], neighbourhood
    parts = core.split("/")
    if len(parts) == 1:
        raise InputError(
            f"{text!r} is neither a known rule name nor a rulestring: expected B/S notation such as "
            "'B3/S23', a MAP string, or a name such as 'HighLife'"
        )
    if len(parts) != 2:
        raise InputError(
            f"{text!r} is not a B/S rulestring: expected one '/' between birth and survival, as in 'B3/S23'"
        )
    left, right = parts
    lu, ru = left[:1].upper(), right[:1].upper()
    if lu == "B" and ru == "S":
        return left[1:], right[1:], neighbourhood
    if lu == "S" and ru == "B":
        return right[1:], left[1:], neighbourhood
    if {lu, ru} & {"B", "S"}:
        raise InputError(f"rulestring {text!r} must name one part 'B' (birth) and the other 'S' (survival)")
    return right, left, neighbourhood  # legacy S/B order, as Golly reads '23/3'


def bs_table(birth: str, survival: str, neighbourhood: str, text: str) -> np.ndarray:
    """The 512-entry table of birth and survival parts (digits, and Hensel letters on the Moore neighbourhood).

    Raises:
        ValueError: Naming the out-of-range digit, the unknown character or the letter that does not exist.
    """
    if neighbourhood == "moore" and any(ch in LETTERS or ch == "-" for ch in birth + survival):
        return table_from_hensel(parse_hensel(birth, "birth", text), parse_hensel(survival, "survival", text))
    top = int(NEIGHBOURHOODS[neighbourhood].sum())
    found = {}
    for part, digits in (("birth", birth), ("survival", survival)):
        values = []
        for ch in digits:
            if ch not in "0123456789":
                if ch in LETTERS or ch == "-":
                    raise InputError(
                        f"{part} part {digits!r} of {text!r} uses Hensel letters, which Golly defines "
                        f"on the Moore neighbourhood only, not the {FAMILY_NAMES[neighbourhood]} one"
                    )
                raise InputError(f"unexpected character {ch!r} in {part} part {digits!r} of {text!r}")
            if int(ch) > top:
                raise InputError(f"{part} digit {ch} is out of range 0-{top} for a {FAMILY_NAMES[neighbourhood]} rule")
            values.append(int(ch))
        found[part] = values
    return table_from_bs(found["birth"], found["survival"], neighbourhood)


def _map_cells(neighbourhood: str) -> list[int]:
    return [bit for bit in range(8, -1, -1) if _MAP_MASKS[neighbourhood] >> bit & 1]


@functools.cache
def _map_index(neighbourhood: str) -> np.ndarray:
    """For each of the 512 patterns, its entry in the MAP bit string of a neighbourhood (Golly's ``k``)."""
    cells = _map_cells(neighbourhood)
    index = np.zeros(N_PATTERNS, dtype=np.int64)
    for position, bit in enumerate(cells):
        index |= ((np.arange(N_PATTERNS) >> bit) & 1) << (len(cells) - 1 - position)
    index.flags.writeable = False
    return index


def map_table(body: str, text: str) -> np.ndarray:
    """The 512-entry table of the base64 after ``MAP`` (86 characters Moore, 22 hexagonal, 6 von Neumann).

    Raises:
        InputError: For a character outside base64, another length, or stray bits beyond the table's entries.
    """
    body = body[:-2] if body.endswith("==") else body
    if not _BASE64_CHARS.fullmatch(body):  # fullmatch: "$" would match before a newline
        bad = next(ch for ch in body if not _BASE64_CHARS.fullmatch(ch))
        raise InputError(f"MAP rule {text!r} has character {bad!r} outside the base64 alphabet")
    neighbourhood = _MAP_LENGTHS.get(len(body))
    if neighbourhood is None:
        raise InputError(
            f"MAP rule needs 86 (Moore), 22 (hexagonal) or 6 (von Neumann) base64 characters "
            f"after 'MAP', got {len(body)}"
        )
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error as exc:
        raise InputError(f"MAP rule {text!r} is not valid base64: {exc}") from exc
    cells = _map_cells(neighbourhood)
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8))[: 2 ** len(cells)].astype(bool)
    table = bits[_map_index(neighbourhood)]
    if map_string(table, neighbourhood) != "MAP" + body:
        raise InputError(f"MAP rule {text!r}: the last character has stray bits beyond the {2 ** len(cells)} entries")
    return table


def map_string(table: np.ndarray, neighbourhood: str = "moore") -> str | None:
    """Golly's MAP string of a 512-entry bool table on one of its neighbourhoods, or None when the table
    depends on a cell outside it.

    Raises:
        InputError: For a neighbourhood other than ``"moore"``, ``"hexagonal"`` and ``"vonneumann"``.
    """
    if neighbourhood not in _MAP_MASKS:
        raise InputError(f"unknown neighbourhood {neighbourhood!r}; expected one of {sorted(_MAP_MASKS)}")
    index = _map_index(neighbourhood)
    bits = np.zeros(2 ** len(_map_cells(neighbourhood)), dtype=bool)
    bits[index] = table
    if not np.array_equal(bits[index], table):
        return None
    length = {"moore": 86, "hexagonal": 22, "vonneumann": 6}[neighbourhood]
    return "MAP" + base64.b64encode(np.packbits(bits).tobytes()).decode("ascii")[:length]
