"""The plan of a sweep: its trials, rules x seeds x models with one data setting.

A *trial* is one run of the active-learning loop (:func:`lifelab.loop.run.learn_rule`)
on one rule with one seed, one learner and one data setting.  Rules come from
a list, the registry, a seeded random sample of a family or an enumeration
(:mod:`lifelab.sweep.space`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lifelab.errors import InputError
from lifelab.learning import model_spec
from lifelab.loop import DEFAULT_SIZE, LOOP, LoopRun, LoopSettings, learner_names
from lifelab.rules import Rule, parse_rule
from lifelab.sweep.space import family_of

__all__ = ["Trial", "plan"]


@dataclass(frozen=True)
class Trial:
    """One run of the loop in a sweep.

    Attributes:
        rule: Canonical rulestring.
        family: The family it was drawn from (or :func:`family_of` for a listed rule).
        seed: The loop's seed.
        model: A learner name (:func:`lifelab.loop.learners.learner_names`).
        size: Board side.
        steps: Steps per trajectory.
        density: Initial density.
        max_rounds: Most rounds.
    """

    rule: str
    family: str
    seed: int
    model: str
    size: int = DEFAULT_SIZE
    steps: int = LOOP.steps
    density: float = LOOP.density
    max_rounds: int = LOOP.max_rounds

    @property
    def key(self) -> str:
        """What makes two trials the same (the store keeps one row per key)."""
        return f"{self.rule}|{self.seed}|{self.model}|{self.size}|{self.steps}|{self.density:g}|{self.max_rounds}"

    @property
    def batch_key(self) -> tuple:
        """What the trials of one batch share: the model and the data setting (the key less the rule and seed)."""
        return self.model, self.size, self.steps, self.density, self.max_rounds

    @property
    def settings(self) -> LoopSettings:
        """The trial's loop settings (the data are exact: ``noise=0``)."""
        return LoopSettings(
            max_rounds=self.max_rounds,
            seed=self.seed,
            shape=(self.size, self.size),
            steps=self.steps,
            density=self.density,
            noise=0,
        )

    def start(self, device) -> LoopRun:
        """The trial's loop, ready for its first round."""
        return LoopRun.of(self.rule, self.model, self.settings, device=device)

    @property
    def batched(self) -> bool:
        """Whether the trial's network is trained stacked with others (see :mod:`lifelab.sweep.run`)."""
        return model_spec(self.model).stacks and isinstance(parse_rule(self.rule), Rule)


def plan(
    rules,
    seeds=(0,),
    models=("tied",),
    *,
    families=None,
    size: int = DEFAULT_SIZE,
    steps: int = LOOP.steps,
    density: float = LOOP.density,
    max_rounds: int = LOOP.max_rounds,
) -> list[Trial]:
    """The trials of a sweep: every rule x seed x model, with one data setting.

    Args:
        rules: Rulestrings or names (parsed, so a bad one fails here).
        seeds: Loop seeds.
        models: Learner names.
        families: The family of each rule (default :func:`family_of`).
        size: Board side.
        steps: Steps per trajectory.
        density: Initial density.
        max_rounds: Most rounds.

    Returns:
        The trials, rule by rule.
    """
    rules = list(rules)
    if not rules:
        raise InputError("the sweep has no rules")
    parsed = [parse_rule(r) for r in rules]
    families = [family_of(r) for r in parsed] if families is None else list(families)
    if len(families) != len(rules):
        raise InputError(f"{len(families)} families for {len(rules)} rules")
    seeds = [LoopSettings(seed=s).seed for s in seeds]
    if not seeds:
        raise InputError("the sweep has no seeds")
    models = list(models)
    for model in models:
        if model not in learner_names():
            raise InputError(f"unknown model {model!r}; expected one of {learner_names()}")
    if not models:
        raise InputError("the sweep has no models")
    checked = LoopSettings(shape=(size, size), steps=steps, density=density, max_rounds=max_rounds)
    assert checked.shape is not None  # given just above
    size, steps, density, max_rounds = checked.shape[0], checked.steps, checked.density, checked.max_rounds
    return [
        Trial(str(rule), fam, seed, model, size, steps, density, max_rounds)
        for rule, fam in zip(parsed, families, strict=True)
        for seed in seeds
        for model in models
    ]
