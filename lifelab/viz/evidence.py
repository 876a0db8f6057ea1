"""Evidence and verdicts: the 512 patterns as the data show them and the network reads them, data symmetry,
the neighbourhood search, and the active-learning loop round by round."""

from __future__ import annotations

from typing import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from lifelab.errors import InputError
from lifelab.evidence import DataSymmetry
from lifelab.geometry import CENTRE, ELEMENT_NAMES, N_PATTERNS, counts
from lifelab.viz.boards import _new_ax

__all__ = [
    "evidence_categories",
    "plot_confidence",
    "plot_evidence",
    "plot_loop",
    "plot_neighbourhood_search",
    "plot_symmetry_evidence",
]

#: Categories of the evidence map, in colour order.
EVIDENCE_CATEGORIES = (
    "observed: dead next",
    "observed: alive next",
    "observed with both next states",
    "unobserved: guessed dead",
    "unobserved: guessed alive",
    "unobserved",
    "cannot occur here",
)
EVIDENCE_CMAP = ListedColormap(["#2166ac", "#b2182b", "#ff9f1c", "#c6dbef", "#fcc5c0", "#d9d9d9", "#ffffff"])

#: Colour of how the loop collected a round's newest trajectory.
COLLECTED_COLORS = {"initial": "#7f7f7f", "random": "#1f77b4", "query": "#ff7f0e", "supplied": "#2ca02c"}


def plot_confidence(result, ax=None, title: str | None = None):
    """The extracted table and its confidence, arranged by centre state and live Moore neighbours.

    Each small square is one of the 512 patterns, in a column by its number
    of live Moore neighbours (birth panel: centre dead; survival panel:
    centre alive).  Red means "alive next", blue "dead next"; pale means the
    network was unsure.  An outer-totalistic Moore rule gives single-coloured
    columns.

    Args:
        result: An :class:`lifelab.learning.extract.ExtractionResult` of a local model.
        ax: Axes to draw on; a new figure if None.
        title: Optional title.

    Returns:
        The figure.
    """
    if result.table.shape != (N_PATTERNS,):
        raise InputError(f"the confidence map needs a 3x3 ({N_PATTERNS}-pattern) extraction")
    signed = np.where(result.table, result.confidence, -result.confidence)
    fig, ax = _new_ax(ax, figsize=(5.5, 4))
    ax.imshow(_pattern_grid(signed), cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    _pattern_grid_axes(ax, title)
    return fig


def _pattern_grid(values: np.ndarray) -> np.ndarray:
    """Arrange one value per 3x3 pattern in columns by centre state and live Moore neighbours (NaN between)."""
    live = counts("moore")
    grid = np.full((70, 19), np.nan)  # 70 = C(8, 4), the most patterns sharing a centre and a count
    for state in (False, True):
        for k in range(9):
            members = np.flatnonzero((CENTRE == state) & (live == k))
            grid[: len(members), state * 10 + k] = values[members]
    return grid


def _pattern_grid_axes(ax, title: str | None) -> None:
    ax.set_xticks(list(range(9)) + list(range(10, 19)), [str(k) for k in range(9)] * 2, fontsize=7)
    ax.set_yticks([])
    ax.set_xlabel("live Moore neighbours:  birth (centre dead)  |  survival (centre alive)", fontsize=8)
    ax.set_ylabel("patterns with that count", fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)


def evidence_categories(verdict) -> np.ndarray:
    """The category of each 3x3 pattern in :data:`EVIDENCE_CATEGORIES` (index per pattern).

    Args:
        verdict: A :class:`lifelab.evidence.Verdict`.

    Returns:
        ``(512,)`` int array.
    """
    raw = verdict.raw
    counts = raw.counts
    showable = raw.family.expand(raw.observable)
    category = np.where(counts[:, 1] > 0, 1, 0)
    category[(counts > 0).all(axis=1)] = 2
    unseen = counts.sum(axis=1) == 0
    if verdict.guess is not None:
        category[unseen] = np.where(verdict.guess[unseen], 4, 3)
    else:
        category[unseen] = 5
    category[unseen & ~showable] = 6
    return category


def plot_evidence(verdict, ax=None, title: str | None = None):
    """What the data showed for each of the 512 patterns, and what the network guessed where they showed nothing.

    The layout is :func:`plot_confidence`'s (a column per centre state and
    number of live Moore neighbours): deep blue or red where the data show
    the next state, orange where they show both (noise, or no 3x3 rule),
    pale blue or red where the pattern was never observed and the network
    guessed, grey where it was never observed, white where boards of the
    data's size cannot show it.

    Args:
        verdict: A :class:`lifelab.evidence.Verdict` (e.g. ``report.verdict`` or ``round.verdict``).
        ax: Axes to draw on; a new figure if None.
        title: Optional title (default: the rung and the counts).

    Returns:
        The figure.
    """
    category = evidence_categories(verdict).astype(float)
    fig, ax = _new_ax(ax, figsize=(5.5, 4))
    ax.imshow(
        _pattern_grid(category),
        cmap=EVIDENCE_CMAP,
        vmin=-0.5,
        vmax=len(EVIDENCE_CATEGORIES) - 0.5,
        aspect="auto",
        interpolation="nearest",
    )
    present = sorted(set(category.astype(int)))
    ax.legend(
        handles=[Patch(facecolor=EVIDENCE_CMAP(i), edgecolor="#999999", label=EVIDENCE_CATEGORIES[i]) for i in present],
        fontsize=6,
        loc="lower right",
        framealpha=0.9,
    )
    seen = int(verdict.raw.observed.sum())
    _pattern_grid_axes(ax, title if title is not None else f"{verdict.label}: {seen} of {N_PATTERNS} patterns observed")
    return fig


def plot_symmetry_evidence(results: Mapping[str, DataSymmetry], ax=None):
    """Which of the 8 D4 elements the data contradict, rule by rule.

    Each cell reads ``contradicted / checked``: of the observed pattern pairs
    ``(P, g P)``, how many went to different next states.  Red cells are
    contradicted elements; white ones are allowed by the data (grey: nothing
    to check).  The largest group the data allow is written at the right of
    each row.

    Args:
        results: ``{label: DataSymmetry}`` from :func:`lifelab.evidence.data_symmetry`.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The figure.
    """

    if not results:
        raise InputError("no symmetry results to plot")
    names = list(ELEMENT_NAMES.values())
    checked = np.array([[r.checked[n] for n in names] for r in results.values()])
    bad = np.array([[r.contradicted[n] for n in names] for r in results.values()])
    status = np.where(checked == 0, 0.5, np.where(bad > 0, 1.0, 0.0))
    fig, ax = _new_ax(ax, figsize=(8.5, 0.42 * len(results) + 1.4))
    ax.imshow(status, cmap=ListedColormap(["#ffffff", "#cccccc", "#e8a0a0"]), vmin=0, vmax=1, aspect="auto")
    for (i, j), n in np.ndenumerate(checked):
        ax.text(j, i, f"{bad[i, j]}/{n}", ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(results)), list(results), fontsize=8)
    for i, r in enumerate(results.values()):
        ax.annotate(
            r.group,
            (1.01, 1 - (i + 0.5) / len(results)),
            xycoords="axes fraction",
            va="center",
            fontsize=8,
            color="#2ca02c" if r.group == "p4m" else "#d62728",
        )
    ax.set_title(
        "pattern pairs (P, gP) that disagree / pairs checked; right: the largest group the data allow", fontsize=9
    )
    fig.tight_layout()
    return fig


def plot_neighbourhood_search(search, ax=None, top: int = 12):
    """The neighbourhood search: BIC of each candidate (bars), its conflicts, the one chosen.

    Args:
        search: A :class:`~lifelab.evidence.neighbourhood.NeighbourhoodSearch`.
        ax: Axes to draw on; a new figure if None.
        top: Show the ``top`` candidates of least BIC.

    Returns:
        The figure.
    """
    models = sorted(search.models, key=lambda m: m.bic)[:top]
    fig, ax = _new_ax(ax, figsize=(7, 0.3 * len(models) + 1))
    colours = ["#2a9d8f" if m is search.chosen else ("#8ab17d" if m.exact else "#e76f51") for m in models]
    names = [m.name.removeprefix("the ").replace("live count of the ", "count, ") for m in models]
    y = np.arange(len(models))
    ax.barh(y, [m.bic for m in models], color=colours)
    for i, m in enumerate(models):
        ax.text(m.bic, i, f"  {m.conflicts:,} conflicts", va="center", fontsize=7)
    ax.set_yticks(y, names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("BIC (bits; less is better)")
    chosen = search.chosen.name if search.chosen is not None else "none (no candidate without conflicts)"
    ax.set_title(f"chosen: {chosen}", fontsize=9)
    return fig


def plot_loop(report, fig=None):
    """The active-learning loop round by round.

    Left: trajectories visible in each round, coloured by how the newest was
    chosen, and all trajectories seen (visible and held out). Second: the
    patterns never observed (and the classes of the assumed family left
    open), with the verdict's rung per round. Third: the lowest confidence
    over the 512 patterns and how many are below the threshold. Right: the
    fraction of visible and held-out transitions the learner's rule
    reproduces, with the rule written above each round (green when it is the
    rule the data determine in the end, red when not).

    Args:
        report: A :class:`lifelab.loop.run.LoopReport`.
        fig: A matplotlib Figure to draw on; a new pyplot figure if None.

    Returns:
        The figure.
    """
    rounds = report.rounds
    if not rounds:
        raise InputError("the report has no rounds to plot")
    if fig is None:
        fig = plt.figure(figsize=(15, 3.6))
    ax_data, ax_evidence, ax_conf, ax_match = fig.subplots(1, 4)
    x = [r.round for r in rounds]
    ax_data.bar(x, [r.visible for r in rounds], color=[COLLECTED_COLORS[r.collected] for r in rounds])
    ax_data.plot(x, [r.trajectories_seen for r in rounds], "k_", ms=14, mew=2, label="seen in all")
    handles = [
        Patch(color=color, label=f"newest: {name}")
        for name, color in COLLECTED_COLORS.items()
        if any(r.collected == name for r in rounds)
    ]
    ax_data.set(xlabel="round", ylabel="visible trajectories", title="data")
    ax_data.legend(handles=handles + ax_data.get_legend_handles_labels()[0], fontsize=7, loc="upper left")
    ax_evidence.plot(x, [len(r.verdict.unobserved) for r in rounds], "o-", color="C3", label="patterns unobserved")
    if report.verdict.family.name != "table":
        ax_evidence.plot(
            x,
            [len(r.verdict.undecided) for r in rounds],
            "s--",
            color="C4",
            label=f"open classes ({report.verdict.family.name})",
        )
    for r in rounds:
        ax_evidence.annotate(
            r.verdict.rung,
            (r.round, len(r.verdict.unobserved)),
            xytext=(3, 5),
            textcoords="offset points",
            rotation=45,
            fontsize=6,
        )
    ax_evidence.set(xlabel="round", ylabel="count", title="evidence")
    ax_evidence.set_ylim(bottom=-1)
    ax_evidence.legend(fontsize=7, loc="upper right")
    ax_conf.plot(x, [r.min_confidence for r in rounds], "o-", color="C0", label="lowest confidence")
    ax_conf.axhline(report.threshold, color="C0", ls=":", lw=1)
    ax_conf.set(xlabel="round", ylabel="lowest confidence (512 patterns)", ylim=(0.45, 1.02), title="confidence")
    ax_low = ax_conf.twinx()
    low = [r.low_confidence for r in rounds]
    ax_low.bar(x, low, color="C1", alpha=0.35, width=0.5)
    ax_low.set_ylim(0, max(1, max(low)) * 1.1)
    ax_low.set_ylabel("patterns below threshold", color="C1")
    ax_match.plot(x, [r.visible_match for r in rounds], "o-", label="visible")
    held = [(r.round, r.holdout_match) for r in rounds if r.holdout_match is not None]
    if held:
        ax_match.plot(*zip(*held, strict=True), "s--", label="held out")
    for r in rounds:
        text = "(none read)" if r.rule is None else str(r.rule)
        right = report.rule is not None and r.rule == report.rule
        ax_match.annotate(
            text if len(text) <= 24 else text[:21] + "...",
            (r.round, 1.0),
            xytext=(0, 6),
            textcoords="offset points",
            rotation=60,
            fontsize=7,
            ha="left",
            color="#2ca02c" if right else "#d62728",
        )
    ax_match.set(xlabel="round", ylabel="transitions reproduced", ylim=(-0.03, 1.3), title="learned rule regenerates")
    ax_match.legend(fontsize=7, loc="lower right")
    for ax in (ax_data, ax_evidence, ax_conf, ax_match):
        ax.set_xticks(x)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{report.verdict.label}" + (f": {report.rule}" if report.rule is not None else ""), fontsize=10)
    fig.tight_layout()
    return fig
