"""What a benchmark run gives: lifelab's figures beside the published ones, and the table that shows them."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lifelab.errors import InputError
from lifelab.evidence import Verdict
from lifelab.rules import Rule
from lifelab.utils import atomic_path

__all__ = ["BenchmarkReport", "Published", "check_learners", "reading_of", "share"]


@dataclass(frozen=True)
class Published:
    """A figure a paper reports, with where it says so.

    Attributes:
        system: Who got it (``"AutomataGPT"``, ``"GPT-5 High"``).
        metric: Which metric, named as lifelab's rows name it.
        value: The figure, a share from 0 to 1.
        where: Where it is stated (the paper's abstract, a table, a results file of its repository).
        note: What differs from lifelab's protocol, if anything.
    """

    system: str
    metric: str
    value: float
    where: str
    note: str = ""


def check_learners(learners, known: tuple[str, ...]) -> tuple[str, ...]:
    """``learners`` as a tuple, each one of the benchmark's ``known`` learners.

    Raises:
        InputError: Naming an unknown learner and the known ones.
    """
    for learner in learners:
        if learner not in known:
            raise InputError(f"unknown learner {learner!r}; the benchmark runs {', '.join(known)}")
    return tuple(learners)


def reading_of(report) -> Rule:
    """The 2-state 3x3 rule a loop's report read (its last round's), else the verdict's table (unseen dead)."""
    rule = report.rounds[-1].rule
    if isinstance(rule, Rule):
        return rule
    verdict = report.verdict
    return Rule.from_table(verdict.table if isinstance(verdict, Verdict) else [0] * 512)


def share(hits: float, total: float) -> float:
    """``hits / total``, NaN when nothing was counted."""
    return hits / total if total else math.nan


@dataclass
class BenchmarkReport:
    """One benchmark run: a row per learner (and condition), the published figures, what was assumed.

    Attributes:
        name: The benchmark (``"automatagpt"``, ``"lifegpt"``, ``"cellarc"``).
        title: The protocol in a few words.
        metrics: ``{metric: definition}``: what each column means, as the paper defines it where it does.
        rows: One dict a row: ``learner``, ``condition`` and one value per metric (shares from 0 to 1, NaN
            where nothing was counted), plus ``episodes``.
        published: The papers' figures to set beside them.
        assumptions: Every reading of the data lifelab chose, in words.
        command: The command that reproduces the run.
    """

    name: str
    title: str
    metrics: dict[str, str]
    rows: list[dict] = field(default_factory=list)
    published: list[Published] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    command: str = ""

    def row(self, learner: str, condition: str | None = None) -> dict:
        """The row of a learner (and condition: needed when the learner has several rows).

        Raises:
            InputError: When there is none, or several and no condition says which.
        """
        rows = [r for r in self.rows if r["learner"] == learner and condition in (None, r.get("condition", ""))]
        if len(rows) != 1:
            which = "no row" if not rows else f"{len(rows)} rows (name the condition)"
            raise InputError(f"{self.name}: {which} for learner {learner!r}, condition {condition!r}")
        return rows[0]

    def table(self) -> str:
        """The rows and the published figures as one Markdown table, metrics as columns, then the definitions."""
        metrics = list(self.metrics)
        head = ["system", "condition", "episodes", *metrics]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in self.rows:
            values = [_percent(row.get(m)) for m in metrics]
            lines.append(f"| lifelab {row['learner']} | {row.get('condition', '')} | {row['episodes']} | ")
            lines[-1] += " | ".join(values) + " |"
        for fig in self.published:
            values = [_percent(fig.value) if m == fig.metric else "" for m in metrics]
            lines.append(f"| {fig.system} (published) | {fig.note} | | " + " | ".join(values) + " |")
        parts = [f"## {self.title}", "", *lines, "", "Metrics:"]
        parts += [f"- **{m}**: {text}" for m, text in self.metrics.items()]
        if self.published:
            parts += ["", "Published figures:"]
            parts += [f"- {f.system}, {f.metric} {_percent(f.value)}: {f.where}" for f in self.published]
        if self.assumptions:
            parts += ["", "Assumed:"] + [f"- {a}" for a in self.assumptions]
        if self.command:
            parts += ["", f"Command: `{self.command}`"]
        return "\n".join(parts) + "\n"

    @classmethod
    def load(cls, path) -> BenchmarkReport:
        """A report written as ``.json`` by :meth:`save` (a committed full run, to show beside a small one).

        Raises:
            InputError: For a missing, oversized or malformed file.
        """
        path = Path(path)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size > _MAX_JSON:
            raise InputError(f"{path}: {path.stat().st_size:,} bytes, more than a benchmark report ({_MAX_JSON:,})")
        try:
            data = json.loads(path.read_text())
            data["published"] = [Published(**fig) for fig in data.get("published", [])]
            return cls(**data)
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError(f"{path}: not a benchmark report written by lifelab ({exc})") from None

    def save(self, path) -> Path:
        """Write the table (``.md``) or the whole report (``.json``), atomically.

        Raises:
            InputError: For another suffix.
        """
        path = Path(path)
        if path.suffix not in (".md", ".json"):
            raise InputError(f"{path}: a benchmark report is written as .md (the table) or .json, not {path.suffix}")
        text = self.table() if path.suffix == ".md" else json.dumps(asdict(self), indent=1, default=str) + "\n"
        with atomic_path(path) as tmp:
            tmp.write_text(text)
        return path


#: The largest benchmark report read back.
_MAX_JSON = 64 << 20


def _percent(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    return f"{100 * value:.1f}%"
