"""AutomataGPT's inverse problem: one 16x16 torus board and its successor, infer the rule.

AutomataGPT (Berkovich, David and Buehler, arXiv 2506.17333; data on Hugging Face as ``lamm-mit/AutomataGPT``)
is a transformer trained on simulated trajectories of 100 two-dimensional binary deterministic rules on
toroidal grids.  Its inverse task gives the model one initial board and the observed next board and asks for
the rule's matrix (the model card); boards are 16x16 (David's 2025 thesis).  On unseen rules "drawn from the
same CA family" its abstract reports 98.5% perfect one-step forecasts, up to 96% functional (application)
accuracy and 82% exact rule-matrix match.  The paper's body, where the family, the board density and the
metrics' exact definitions are, could not be read here; the protocol below states each choice it makes:

- rules drawn uniformly from the 2^18 outer-totalistic Moore rules (a rule matrix of birth and survival
  over 0-8 neighbours: the family whose matrix fits the paper's wording);
- one board of 16x16 cells on a torus, each cell alive with probability ``density`` (``"broad"``: a density
  drawn uniformly from 0 to 1 for each episode, as the checkpoints' name "Broad_Ent" suggests), and its
  successor;
- the learner reads the rule from that pair alone, assuming the family (``family="moore"``);
- exact rule match: the rule read is the true rule; functional accuracy: the share of cells of fresh boards
  (of the episode's density) whose next state the rule read gets right; one-step forecast: the share of
  fresh boards whose whole next board it gets right.

What no paper reports: the **identifiability ceiling**, the share of episodes whose pair determines the rule
within the family (every one of its 18 classes observed), and how often lifelab is right among determined and
among undetermined episodes; a wrong claim (a determined verdict naming another rule) must never happen.
"""

from __future__ import annotations

import numpy as np

from lifelab.benchmarks.base import BenchmarkReport, Published, check_learners, reading_of, share
from lifelab.engines import simulate
from lifelab.errors import InputError
from lifelab.evidence import Evidence, decide
from lifelab.rules import Rule
from lifelab.utils import check_int, progress_bar

__all__ = ["AUTOMATAGPT_LEARNERS", "AUTOMATAGPT_METRICS", "automatagpt", "automatagpt_episode"]

#: The learners the benchmark runs: the table (the data alone) and the networks (trained on the pair).
AUTOMATAGPT_LEARNERS = ("table", "tied", "e2cnn")

#: The metrics, defined.
AUTOMATAGPT_METRICS = {
    "exact rule match": "the rule read equals the true rule in all 18 birth/survival entries",
    "functional accuracy": "the share of cells of 8 fresh 16x16 boards whose next state the rule read gets right",
    "one-step forecast": "the share of those fresh boards whose whole next board the rule read gets right",
    "determined": "the identifiability ceiling: the pair shows all 18 classes, so it determines the rule "
    "within outer-totalistic Moore rules",
    "right if determined": "exact rule match among the determined episodes",
    "right if undetermined": "exact rule match among the undetermined episodes (the unseen classes guessed)",
    "wrong claims": "determined verdicts naming another rule than the truth (must be 0)",
}

#: The figures AutomataGPT's abstract reports (unseen rules of the family it was trained on).
AUTOMATAGPT_PUBLISHED = (
    Published("AutomataGPT", "exact rule match", 0.82, "arXiv 2506.17333, abstract", "100 training rules"),
    Published("AutomataGPT", "functional accuracy", 0.96, "arXiv 2506.17333, abstract ('up to 96%')"),
    Published("AutomataGPT", "one-step forecast", 0.985, "arXiv 2506.17333, abstract ('perfect one-step')"),
)

SIDE = 16
FRESH = 8


def _random_rule(rng: np.random.Generator) -> Rule:
    bits = rng.integers(0, 2, 18)
    return Rule.from_bs(np.flatnonzero(bits[:9]).tolist(), np.flatnonzero(bits[9:]).tolist())


def _density(density, rng: np.random.Generator) -> float:
    return float(rng.random()) if density == "broad" else float(density)


def automatagpt_episode(seed: int, density="broad") -> tuple[Rule, np.ndarray, float]:
    """One episode: a rule drawn uniformly from the outer-totalistic Moore rules, a 16x16 torus board, its successor.

    Args:
        seed: The episode's seed (the same seed, the same episode).
        density: The board's density, or ``"broad"`` (drawn uniformly from 0 to 1).

    Returns:
        ``(rule, pair, density)``: ``pair`` is ``(1, 2, 16, 16)`` bool, the board and its successor.
    """
    rng = np.random.default_rng([seed, 2506_17333])
    rule = _random_rule(rng)
    p = _density(density, rng)
    board = rng.random((1, SIDE, SIDE)) < p
    return rule, simulate(rule, board, 1), p


def _read(learner: str, pair: np.ndarray, seed: int, device) -> tuple[Rule, bool]:
    """The rule a learner reads from one pair, projected onto the family, and whether the verdict determines it."""
    if learner == "table":
        verdict = decide(Evidence.of(pair, boundary="torus"), "moore")
        return Rule.from_table(verdict.table), verdict.determined
    from lifelab.loop import learn_rule

    report = learn_rule(
        pair,
        learner,
        family="moore",
        boundary="torus",
        neighbourhood="3x3",
        max_rounds=1,
        seed=seed,
        device=device,
        progress=False,
    )
    return reading_of(report), report.verdict.determined


def automatagpt(
    episodes: int = 1000,
    learners=("table",),
    densities=("broad",),
    *,
    seed: int = 0,
    device=None,
    progress: bool = False,
) -> BenchmarkReport:
    """AutomataGPT's one-pair inverse problem, run by lifelab's learners beside the published figures.

    Args:
        episodes: Episodes per learner and density (the same episodes for every learner).
        learners: Any of :data:`AUTOMATAGPT_LEARNERS`.
        densities: Board densities to run, each a number from 0 to 1 or ``"broad"``.
        seed: The first episode's seed; episode ``i`` has seed ``seed + i``.
        device: Where the networks train (default :func:`lifelab.get_device`).
        progress: Show a progress bar over the episodes.

    Returns:
        The :class:`~lifelab.benchmarks.base.BenchmarkReport`: a row per learner and density.

    Raises:
        InputError: For an unknown learner, a bad density or episode count.

    Examples:
        >>> from lifelab.benchmarks import automatagpt
        >>> report = automatagpt(episodes=20, densities=(0.5,))
        >>> row = report.row("table", "density 0.5")
        >>> row["wrong claims"], row["exact rule match"] >= row["determined"]
        (0, True)
    """
    episodes = check_int("episodes", episodes, 1)
    learners = check_learners(learners, AUTOMATAGPT_LEARNERS)
    for density in densities:
        if density != "broad" and not (isinstance(density, (int, float)) and 0 <= density <= 1):
            raise InputError(f"a density is a number from 0 to 1 or 'broad', got {density!r}")
    report = BenchmarkReport(
        "automatagpt",
        "AutomataGPT's inverse problem: one 16x16 torus pair, infer the rule",
        dict(AUTOMATAGPT_METRICS),
        published=list(AUTOMATAGPT_PUBLISHED),
        assumptions=[
            "rules drawn uniformly from the 2^18 outer-totalistic Moore rules (the paper's family as its rule "
            "matrix suggests; the paper's body could not be read)",
            "the learners assume that family (family='moore'), a torus, the 3x3 neighbourhood",
            "the board's density: 'broad' draws one from 0 to 1 per episode",
        ],
    )
    for density in densities:
        condition = "broad density" if density == "broad" else f"density {density}"
        cases = [automatagpt_episode(seed + i, density) for i in range(episodes)]
        fresh = [_fresh(seed + i, p) for i, (_, _, p) in enumerate(cases)]
        truths = [simulate(rule, boards, 1)[:, 1] for (rule, _, _), boards in zip(cases, fresh, strict=True)]
        for learner in learners:
            counts = dict(right=0, determined=0, right_determined=0, wrong=0, cells=0.0, boards=0)
            with progress_bar(episodes, f"{learner}, {condition}", enabled=progress, unit="episode") as bar:
                for i, (rule, pair, _) in enumerate(cases):
                    read, determined = _read(learner, pair, seed + i, device)
                    right = read == rule
                    counts["right"] += right
                    counts["determined"] += determined
                    counts["right_determined"] += right and determined
                    counts["wrong"] += determined and not right
                    truth, guess = truths[i], simulate(read, fresh[i], 1)[:, 1]
                    counts["cells"] += float((truth == guess).mean())
                    counts["boards"] += int((truth == guess).all(axis=(1, 2)).sum())
                    bar.update()
            n, d = episodes, counts["determined"]
            report.rows.append(
                {
                    "learner": learner,
                    "condition": condition,
                    "episodes": n,
                    "exact rule match": share(counts["right"], n),
                    "functional accuracy": counts["cells"] / n,
                    "one-step forecast": share(counts["boards"], n * FRESH),
                    "determined": share(d, n),
                    "right if determined": share(counts["right_determined"], d),
                    "right if undetermined": share(counts["right"] - counts["right_determined"], n - d),
                    "wrong claims": counts["wrong"],
                }
            )
    return report


def _fresh(seed: int, density: float) -> np.ndarray:
    """The fresh boards an episode's rule is tried on: 8 boards of the episode's density."""
    rng = np.random.default_rng([seed, 2506_17333, 1])
    return rng.random((FRESH, SIDE, SIDE)) < density
