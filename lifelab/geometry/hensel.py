"""Hensel's isotropic non-totalistic notation for 2-state 3x3 rules (``B2-a/S12``, ``B34ek/S2-i3``).

An isotropic rule gives the same next state to a 3x3 pattern and to its
rotations and reflections.  With the centre's state fixed there are 51 such
orbits of the 8 neighbours, named by the number of live neighbours and a
letter: ``2a`` is two live neighbours side by side at an edge and a corner,
``2i`` two opposite edges, and so on.  A digit alone means every letter of
that count; letters after it choose some; ``-`` before them means all but
those.

The letters and their neighbourhoods are Golly's (``gollybase/liferules.cpp``):
the representative of each letter for counts 1-4, and for counts 5-7 the
complement of the representative of ``8 - count``.  The canonical spelling
is Golly's too: a count with every letter is a bare digit; a count with more
than half its letters present is written with ``-`` and the missing ones
(except that 7 of the 13 letters of 4 are listed); letters in Golly's order.
"""

from __future__ import annotations

import functools

import numpy as np

from lifelab.errors import InputError
from lifelab.geometry.window import CENTRE, N_PATTERNS, counts, orbit

__all__ = ["LETTERS", "hensel_classes", "letters_for", "parse_hensel", "table_from_hensel", "to_hensel"]

#: Every Hensel letter, in the order Golly numbers them.
LETTERS = "ceaiknjqrytwz"

# Golly's representative neighbourhood of each letter for counts 1-4, as MAP indices of the
# eight neighbours (centre bit clear); counts 5-7 take the complement of count 8 - c.
_REPRESENTATIVES = {
    1: (1, 2),
    2: (5, 10, 3, 40, 33, 68),
    3: (69, 42, 11, 7, 98, 13, 14, 70, 41, 97),
    4: (325, 170, 15, 45, 99, 71, 106, 102, 43, 101, 105, 78, 108),
}
# Golly's canonical order of the letters of each count (indices into LETTERS).
_ORDER = {
    1: (0, 1),
    2: (2, 0, 1, 3, 4, 5),
    3: (2, 0, 1, 3, 6, 4, 5, 7, 8, 9),
    4: (2, 0, 1, 3, 6, 4, 5, 7, 8, 10, 11, 9, 12),
}
_NEIGHBOURS = 0x1EF  # the eight neighbour bits of a MAP index


def letters_for(count: int) -> str:
    """The letters that exist for a number of live neighbours (none for 0 and 8), in Golly's canonical order."""
    k = min(count, 8 - count)
    return "" if k == 0 else "".join(LETTERS[i] for i in _ORDER[k])


@functools.cache
def hensel_classes() -> dict[tuple[int, int, str], tuple[int, ...]]:
    """Every isotropic class of 3x3 patterns by ``(centre, count, letter)``, as sorted MAP indices.

    Counts 0 and 8 have the single letter ``""``.  The 2 x 51 classes partition the 512 patterns.
    """
    out = {}
    for centre in (0, 1):
        for count in range(9):
            k = min(count, 8 - count)
            if k == 0:
                members = np.flatnonzero((CENTRE == centre) & (counts("moore") == count))
                out[centre, count, ""] = tuple(int(i) for i in members)
                continue
            for letter_index, representative in enumerate(_REPRESENTATIVES[k]):
                neighbours = representative if count <= 4 else representative ^ _NEIGHBOURS
                out[centre, count, LETTERS[letter_index]] = tuple(orbit(neighbours | (16 * centre), "p4m"))
    return out


def parse_hensel(digits: str, part: str, text: str) -> dict[int, set[str]]:
    """Read one half of a Hensel rulestring (``"2-a"``, ``"34ek"``, ``"012"``).

    Args:
        digits: The counts and letters after ``B`` or ``S``.
        part: ``"birth"`` or ``"survival"``, for messages.
        text: The whole rulestring, for messages.

    Returns:
        Count -> the letters chosen (every letter of the count when none are named).

    Raises:
        ValueError: Naming the character that is out of place or the letter that does not exist for its count.
    """
    chosen: dict[int, set[str]] = {}
    i = 0
    while i < len(digits):
        ch = digits[i]
        if ch not in "012345678":
            if ch == "9":
                raise InputError(f"{part} digit 9 is out of range 0-8 for a Moore rule")
            raise InputError(f"unexpected character {ch!r} in {part} part {digits!r} of {text!r}")
        count, i = int(ch), i + 1
        negate = i < len(digits) and digits[i] == "-"
        i += negate
        named = ""
        while i < len(digits) and digits[i] in LETTERS:
            named += digits[i]
            i += 1
        valid = letters_for(count)
        for letter in named:
            if letter not in valid:
                raise InputError(
                    f"letter {letter!r} does not exist for {count} live neighbours in {part} part "
                    f"{digits!r} of {text!r} (letters for {count}: {valid or 'none'})"
                )
        if negate and not named:
            raise InputError(f"'-' after {count} in {part} part {digits!r} of {text!r} must be followed by letters")
        full = set(valid) if valid else {""}
        picked = full - set(named) if negate else (set(named) if named else full)
        chosen.setdefault(count, set()).update(picked)
    return chosen


def table_from_hensel(birth: dict[int, set[str]], survival: dict[int, set[str]]) -> np.ndarray:
    """The 512-entry table of an isotropic rule from its chosen (count, letters) for birth and survival."""
    table = np.zeros(N_PATTERNS, dtype=bool)
    classes = hensel_classes()
    for centre, chosen in ((0, birth), (1, survival)):
        for count, letters in chosen.items():
            for letter in letters:
                table[list(classes[centre, count, letter])] = True
    return table


def _spell(present: set[str], count: int) -> str:
    valid = letters_for(count)
    if not valid or len(present) == len(valid):
        return str(count)
    half = len(valid) >> 1
    if len(present) > half and not (len(present) == 7 and len(valid) == 13):
        return f"{count}-" + "".join(letter for letter in valid if letter not in present)
    return str(count) + "".join(letter for letter in valid if letter in present)


def to_hensel(table) -> tuple[str, str] | None:
    """The birth and survival halves of an isotropic table in Golly's canonical spelling.

    Args:
        table: ``(512,)`` bool.

    Returns:
        ``("2-a", "12")`` or None when the table is not isotropic.
    """
    table = np.asarray(table, dtype=bool)
    halves: dict[int, list[tuple[int, str]]] = {0: [], 1: []}
    for (centre, count, letter), members in hensel_classes().items():
        values = table[list(members)]
        if values.min() != values.max():
            return None
        if values[0]:
            halves[centre].append((count, letter))
    out = []
    for centre in (0, 1):
        spelled = []
        for count in range(9):
            present = {letter for c, letter in halves[centre] if c == count}
            if present:
                spelled.append(_spell(present, count))
        out.append("".join(spelled))
    return out[0], out[1]
