"""Golly's bounded grid: the ``:Tw,h`` (torus) or ``:Pw,h`` (bounded plane) suffix of a rulestring."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lifelab.errors import InputError

__all__ = ["Grid", "split_topology"]


@dataclass(frozen=True)
class Grid:
    """Golly's bounded grid, the suffix of a rulestring: a torus ``:Tw,h`` or a bounded plane ``:Pw,h``.

    On a torus the edges wrap around; on a bounded plane every cell outside
    is dead, always.  It is not part of a rule's identity (two rules that
    differ only in their grid are equal).

    Attributes:
        kind: ``"T"`` (torus) or ``"P"`` (bounded plane).
        width: Cells across.
        height: Cells down.
    """

    kind: str
    width: int
    height: int

    @property
    def boundary(self) -> str:
        """The boundary it gives simulation and evidence: ``"torus"`` or ``"dead"``."""
        return "torus" if self.kind == "T" else "dead"

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``, the shape of a board on it."""
        return self.height, self.width

    def __str__(self) -> str:
        return f":{self.kind}{self.width},{self.height}"


def split_topology(s: str, text: str) -> tuple[str, Grid | None]:
    """Split Golly's bounded-grid suffix off a rulestring.

    Args:
        s: The rulestring.
        text: The whole string, for messages.

    Returns:
        ``(rule part, grid)``: ``grid`` is a :class:`Grid` for ``:Tw,h`` or
        ``:Pw,h`` (``:Tn``, ``:Pn`` are square), else None.

    Raises:
        InputError: For another topology (Golly's Klein bottle, cross-surface, sphere), an unbounded side
            (``:P0,h``) or a malformed size.
    """
    if ":" not in s:
        return s, None
    core, suffix = s.split(":", 1)
    match = re.fullmatch(r"([TtPp])([0-9]{1,18})(?:,([0-9]{1,18}))?", suffix)
    if match is None:
        if suffix[:1].upper() in "KCS":
            raise InputError(
                f"{text!r}: the topology {suffix!r} is not supported; lifelab simulates on a torus "
                "(':Tw,h') or a bounded plane (':Pw,h')"
            )
        raise InputError(
            f"{text!r}: malformed grid suffix {suffix!r}; expected ':Tw,h' (a w by h torus) or "
            "':Pw,h' (a bounded plane)"
        )
    kind = match[1].upper()
    width = int(match[2])
    height = int(match[3]) if match[3] is not None else width
    if width < 1 or height < 1:
        what = "a torus" if kind == "T" else "a bounded plane"
        raise InputError(
            f"{text!r}: {what} needs a positive width and height (an unbounded side is not "
            f"supported), got {width}x{height}"
        )
    return core, Grid(kind, width, height)
