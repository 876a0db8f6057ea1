"""What lifelab shows as it works: fixed-width tables, labels cut short, progress bars."""

from __future__ import annotations

import contextlib
from typing import Iterator

from tqdm.auto import tqdm

from lifelab.errors import InputError

__all__ = ["format_table", "progress_bar", "shorten"]


def format_table(rows: list[dict]) -> str:
    """Rows of dicts (same keys) as fixed-width text: a header, then one line per row; None prints as ``-``."""
    if not rows:
        raise InputError("no rows to format")
    columns = list(rows[0])
    cells = [[("-" if v is None else str(v)) for v in row.values()] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


@contextlib.contextmanager
def progress_bar(total: int, desc: str, *, enabled: bool = True, unit: str = "it") -> Iterator:
    """A tqdm bar (a widget in Jupyter, text elsewhere) that tells the truth when it ends.

    A block that ends normally is a success however far the bar got: a
    training that converged early or a loop whose rule is determined ends
    green, its total cut to the steps it took.  A block that raises leaves
    the bar where it stopped, red in Jupyter.  The bar stays on screen (and
    in a saved notebook's widget state).

    Args:
        total: Steps expected at most.
        desc: Which run this is, shown before the bar.
        enabled: False shows nothing.
        unit: What a step is.

    Yields:
        The tqdm bar, to ``update()`` and ``set_postfix()``.
    """
    bar = tqdm(total=total, desc=desc, disable=not enabled, unit=unit)
    try:
        yield bar
    except BaseException:
        bar.close()
        raise
    if bar.n < total:
        bar.total = bar.n
        widget = getattr(bar, "container", None)
        if widget is not None:  # tqdm.notebook's progress widget keeps its own maximum
            widget.children[1].max = max(bar.n, 1)
    bar.close()


def shorten(text: object, width: int = 24) -> str:
    """``text`` (or a rule, as its string) cut to ``width`` characters with an ellipsis (a MAP rulestring is 86),
    for labels."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
