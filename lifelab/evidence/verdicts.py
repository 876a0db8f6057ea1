"""What the evidence of 3x3 windows determines: :func:`decide` and its :class:`Verdict`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from lifelab.errors import InputError, InputTypeError
from lifelab.evidence.assumptions import AUTO_CHAIN, Family, family
from lifelab.evidence.counts import Evidence, FamilyEvidence, _power
from lifelab.evidence.independence import Independence, independence
from lifelab.evidence.ladder import CONFIDENCE, OnLadder
from lifelab.evidence.noise import NoiseEstimate, _noise_and_table, _noisy_classes, check_noise
from lifelab.evidence.stochastic import PRECISION, FlipTest, StochasticFit, fit_stochastic, flip_test
from lifelab.evidence.symmetry import data_symmetry
from lifelab.geometry import N_PATTERNS
from lifelab.rules import GenerationsRule, Rule, StochasticRule, as_rule
from lifelab.utils import check_number

__all__ = ["Verdict", "decide"]


@dataclass(eq=False)
class Verdict(OnLadder):
    """What the data determine about the rule, and under which assumption.

    Attributes:
        rung: One of :data:`RUNGS`.
        rule: The rule the data determine (None when underdetermined or inconsistent).
        family: The assumption the rung rests on (the full table: none).
        requested: The family asked for (``"auto"`` tries :data:`AUTO_CHAIN`).
        raw: The evidence per pattern (:class:`FamilyEvidence` of the full table).
        classes: The evidence per class of ``family``.
        table: ``(512,)`` bool, the next state the data favour per pattern (majority; dead where unseen).
        known: ``(512,)`` bool, the patterns whose next state the data (and the assumption) decide.
        undecided: Classes of ``family`` not decided (never observed, or too few observations for the noise).
        unexplained: Classes of ``family`` whose observations no rule of it explains (conflicts beyond noise).
        noise: The noise estimate, when observations conflict or a rate was given.
        confidence: The joint confidence every class of a noisy verdict is decided at.
        guess: ``(512,)`` the network's table, when one was given.
        note: Extra words (e.g. that a requested family was contradicted).
        log10_odds: Noisy verdicts: log10 of the likelihood ratio of the rule against the best
            alternative that differs in one class (a lower bound), and that class's name.
        boundary_note: What the data showed beyond the frame, when the boundary was theirs to choose.
        flips: The likelihood-ratio test of independent flips against a probability per class (noisy data).
        stochastic: Each class's probability of being alive next, when the data are a stochastic rule.
        independence: How the flip model's misses spread over rows, columns, frames, trajectories and the edge.
    """

    rung: str
    rule: Rule | GenerationsRule | StochasticRule | None
    family: Family
    requested: str
    raw: FamilyEvidence = field(repr=False)
    classes: FamilyEvidence = field(repr=False)
    table: np.ndarray = field(repr=False)
    known: np.ndarray = field(repr=False)
    undecided: list[int] = field(default_factory=list, repr=False)
    unexplained: list[int] = field(default_factory=list, repr=False)
    noise: NoiseEstimate | None = None
    confidence: float = CONFIDENCE
    guess: np.ndarray | None = field(default=None, repr=False)
    note: str = ""
    log10_odds: tuple[float, str] | None = None
    boundary_note: str = ""
    flips: FlipTest | None = field(default=None, repr=False)
    stochastic: StochasticFit | None = field(default=None, repr=False)
    independence: Independence | None = field(default=None, repr=False)

    @property
    def unobserved(self) -> list[int]:
        """MAP indices of the patterns never observed."""
        return [int(i) for i in np.flatnonzero(~self.raw.observed)]

    @property
    def label(self) -> str:
        """The rung in words, with the family where it matters: ``"identified within isotropic rules"``."""
        if self.rung == "identified within family":
            return f"identified within {self.family.title}"
        if self.rung == "stochastic":
            return f"stochastic within {self.family.title}"
        return self.rung

    def guess_accuracy(self, truth) -> float | None:
        """How many of the never-observed patterns the network's guess gets right (None: no guess or none unseen).

        Args:
            truth: The true rule.
        """
        unseen = ~self.raw.observed
        if self.guess is None or not unseen.any():
            return None
        table = truth.table if isinstance(truth, GenerationsRule) else as_rule(truth).table
        return float((self.guess[unseen] == table[unseen]).mean())

    def disagreements(self, rule) -> int:
        """Patterns the data (and the assumption) decide on which ``rule`` says otherwise (all of them for None)."""
        if rule is None:
            return int(self.known.sum())
        return int((rule.table != self.table)[self.known].sum())

    def project(self, reading):
        """The learner's reading as a member of the verdict's family, the rule a report may state beside it.

        A network may read a rule outside the family the verdict assumes (a
        weight-tied network reads rules of live edges and corners; a Moore
        verdict speaks of outer-totalistic rules).  Each class of the family
        that the data (and the assumption) decide keeps the verdict's next
        state; every other class takes the majority of the reading's next
        states over the class's patterns, a tie going to dead.

        Args:
            reading: The rule read out of the learner: a :class:`~lifelab.rules.lifelike.Rule`, or a
                :class:`~lifelab.rules.generations.GenerationsRule` (its 2-state rule is projected, its states
                kept); anything else (a stochastic rule, None) is returned as it is.

        Returns:
            ``reading`` itself when the family is the full table or the reading already belongs to it; else the
            projected rule, of the reading's type.
        """
        fam = self.family
        if fam.name == "table" or not isinstance(reading, (Rule, GenerationsRule)):
            return reading
        table = np.asarray(reading.table, dtype=bool)
        if fam.contains(table):
            return reading
        size = np.bincount(fam.labels, minlength=fam.n_classes)
        votes = np.bincount(fam.labels, weights=table, minlength=fam.n_classes)
        decided = np.bincount(fam.labels, weights=self.known, minlength=fam.n_classes) == size
        data = np.bincount(fam.labels, weights=self.table, minlength=fam.n_classes)
        values = np.where(decided, 2 * data > size, 2 * votes > size)
        rule = Rule.from_table(fam.expand(values))
        return GenerationsRule(rule, reading.states) if isinstance(reading, GenerationsRule) else rule

    def _rung_sentence(self) -> str:
        raw = self.raw
        seen = int(raw.observed.sum())
        fam = self.family
        if self.rung == "identified":
            return (
                f"Identified {self.rule}: all {N_PATTERNS} 3x3 patterns were observed, none with two different "
                f"next states, so it is the only 2-state 3x3 rule that reproduces the data."
            )
        if self.rung == "identified within family":
            return (
                f"Identified {self.rule} within {fam.title}: assuming {fam.assumption}, all {fam.n_classes} "
                f"classes were observed and the data contradict the assumption nowhere. Without it "
                f"{_power(len(raw.unobserved), raw.consistent_rules)} rules fit the data: {seen} of "
                f"{N_PATTERNS} patterns were observed."
            )
        if self.rung == "explained with noise":
            scope = (
                "every one of the 512 patterns"
                if fam.name == "table"
                else f"assuming {fam.assumption}, every one of the {fam.n_classes} classes"
            )
            odds = ""
            if self.log10_odds is not None:
                odds = (
                    f" The best alternative that differs in one class ({self.log10_odds[1]}) is at least "
                    f"10^{self.log10_odds[0]:.0f} times less likely."
                )
            assert self.noise is not None  # the rung rests on the noise estimate
            return (
                f"Explained with noise: {self.rule} with {self.noise.summary()}; {scope} is decided, jointly "
                f"at {self.confidence:.1%} confidence.{odds}"
            )
        if self.stochastic is not None:
            return self._stochastic_sentence()
        if self.rung == "inconsistent" and not self.unexplained:
            return f"Inconsistent:{self._note()}"
        if self.rung == "inconsistent":
            what = f"{len(self.unexplained)} {'class' if len(self.unexplained) == 1 else 'classes'} of {fam.title}"
            why = (
                "went to both next states and noise was ruled out"
                if self.noise is None
                else f"went to the minority state far more often than {self.noise.summary()} explains"
            )
            return f"Inconsistent: {what} ({', '.join(self._names(self.unexplained))}) {why}.{self._note()}"
        unseen = len(raw.unobserved)
        if self.noise is not None:
            text = (
                f"Underdetermined: {len(self.undecided)} of the {fam.n_classes} classes of {fam.title} are not "
                f"decided at {self.confidence:.1%} confidence under {self.noise.summary()}."
            )
        else:
            text = (
                f"Underdetermined: {unseen} of {N_PATTERNS} patterns were never observed, so "
                f"{_power(unseen, raw.consistent_rules)} rules fit the data equally well."
            )
            if fam.name != "table":
                text += (
                    f" Within {fam.title}, {len(self.undecided)} of {fam.n_classes} classes were never "
                    f"observed ({_power(len(self.undecided), 2 ** len(self.undecided))} rules of the family "
                    "fit)."
                )
        unreachable = int((~raw.observed & ~self._showable()).sum())
        if unreachable:
            text += f" {unreachable} of the unobserved patterns cannot occur on boards of this size."
        if self.guess is not None and unseen:
            alive = int(self.guess[~raw.observed].sum())
            text += f" The network guessed 'alive' for {alive} and 'dead' for {unseen - alive} of them."
        return text + self._note()

    def _stochastic_sentence(self) -> str:
        fit, fam = self.stochastic, self.family
        assert fit is not None  # said only of a verdict with a stochastic fit
        random = fit.stochastic
        described = "; ".join(_class_words(c) for c in random) or "no class went both ways"
        sure = sum(c.observations for c in fit.classes if not c.random)
        flips = (
            f" Independent flips at one rate do not explain it: {self.flips.summary()}."
            if self.flips is not None
            else ""
        )
        assumption = "" if fam.name == "table" else f" Assuming {fam.assumption} (they share a probability)."
        if self.rung == "stochastic":
            return (
                f"Stochastic: {fit.rule.base}, except that {described}, at {fit.confidence:.1%} joint "
                f"confidence; every other class went one way in all of its observations ({sure:,} in all)."
                f"{flips}{assumption}{self._note()}"
            )
        if self.rung == "inconsistent":
            return f"Inconsistent: the data are not one stochastic rule either.{self._note()}{flips}"
        loose = [c for c in fit.classes if c.high - c.low > 2 * fit.precision]
        listed = ", ".join(f"{c.name} ({c.observations} observations)" for c in loose[:6])
        noun, verb = ("class", "is") if len(loose) == 1 else ("classes", "are")
        return (
            f"Underdetermined: a stochastic rule ({described}), but {len(loose)} of the {fam.n_classes} {noun} "
            f"of {fam.title} {verb} not pinned to +-{fit.precision:g} at {fit.confidence:.1%} joint confidence: "
            f"{listed}{', ...' if len(loose) > 6 else ''}.{flips}{self._note()}"
        )

    def _showable(self) -> np.ndarray:
        return self.raw.family.expand(self.raw.observable)

    def _note(self) -> str:
        return f" {self.note}" if self.note else ""

    def _names(self, classes: list[int], most: int = 6) -> list[str]:
        names = [self.family.class_names[c] for c in classes[:most]]
        return names + (["..."] if len(classes) > most else [])

    def summary(self) -> str:
        """A few lines: the rung, the evidence and the assumption."""
        lines = [
            f"verdict      {self.label}" + (f": {self.rule}" if self.rule is not None else ""),
            f"evidence     {self.raw.summary()}",
        ]
        if self.family.name != "table":
            lines.append(f"assumption   {self.classes.summary()}")
        if self.noise is not None:
            lines.append(f"noise        {self.noise.summary()}")
        lines.append(self.sentence())
        return "\n".join(lines)


def _rule(table: np.ndarray, evidence: Evidence) -> Rule | GenerationsRule:
    """The rule a table is, of the evidence's rule type: a :class:`Rule`, or a Generations rule with its states."""
    rule = Rule.from_table(table)
    return rule if evidence.states == 2 else GenerationsRule(rule, evidence.states)


def _inconsistent(raw: FamilyEvidence, common: dict, **more) -> Verdict:
    """The verdict of exact evidence no rule explains, as the assumption-free table's majority shows it."""
    return Verdict(
        "inconsistent",
        None,
        family("table"),
        classes=raw,
        table=raw.family.expand(raw.majority),
        known=np.zeros(N_PATTERNS, dtype=bool),
        **common,
        **more,
    )


def decide(
    evidence: Evidence, family_name="table", noise="auto", confidence: float = CONFIDENCE, guess=None
) -> Verdict:
    """The verdict the evidence supports.

    Args:
        evidence: The observations.
        family_name: The assumption: a family name (``"table"``, the default,
            assumes nothing), a :class:`Family`, ``"auto"`` (the first of
            :data:`AUTO_CHAIN` that the data determine and do not contradict),
            or ``"data"`` (the orbits of the largest symmetry group the
            observations do not contradict, :func:`data_symmetry`).
        noise: ``"auto"`` (noise-free unless some pattern was seen going to
            both states; then estimate the rate), ``0`` (observations are
            exact: any conflict makes the data inconsistent) or a known
            cell-flip rate.
        confidence: Joint confidence at which a noisy verdict decides every class.
        guess: The network's ``(512,)`` table (or a Rule), to report what it
            says about the patterns the data leave open.

    Returns:
        A :class:`Verdict`.

    Examples:
        >>> from lifelab import random_boards, simulate
        >>> from lifelab.evidence import Evidence, decide
        >>> evidence = Evidence.of(simulate("B36/S23", random_boards(8, (32, 32), seed=0), steps=16))
        >>> verdict = decide(evidence, "table")
        >>> verdict.label, str(verdict.rule)
        ('identified', 'B36/S23')
    """
    if not isinstance(evidence, Evidence):
        raise InputTypeError(f"evidence must be an Evidence, got {type(evidence).__name__}")
    confidence = check_number("confidence", confidence, 0.5, 1, open_low=True, open_high=True)
    rate = check_noise(noise)
    if guess is not None:
        guess = np.asarray(guess.table if isinstance(guess, Rule) else guess, dtype=bool)
        if guess.shape != (N_PATTERNS,):
            raise InputError(f"guess must be a rule or a ({N_PATTERNS},) table, got shape {guess.shape}")
    if family_name == "data":  # the largest symmetry the observations do not contradict
        family_name = data_symmetry(evidence).group
    chain = AUTO_CHAIN if family_name == "auto" else (family(family_name).name,)
    requested = "auto" if family_name == "auto" else chain[0]
    raw = evidence.under("table")
    common = dict(
        requested=requested, raw=raw, confidence=float(confidence), guess=guess, boundary_note=evidence.boundary_note
    )
    noisy = rate is not None and rate > 0 or (rate is None and raw.raw_conflicts > 0)
    if noisy:
        return _decide_noisy(evidence, chain, rate, 1 - confidence, common)
    if raw.raw_conflicts:
        return _inconsistent(raw, common, unexplained=raw.conflicting)
    if evidence.decay[0]:
        violations, checked = evidence.decay
        return _inconsistent(
            raw,
            common,
            note=f"{violations} of {checked} cell changes break the countdown of a {evidence.states}-state "
            "Generations rule (dying cells move one state on; a live cell that dies goes to state 2)",
        )
    if raw.complete:
        return Verdict(
            "identified",
            _rule(raw.majority, evidence),
            family("table"),
            classes=raw,
            table=raw.majority.copy(),
            known=np.ones(N_PATTERNS, dtype=bool),
            **common,
        )
    contradicted, rivalled = [], []
    open_before: list[FamilyEvidence] = []
    for name in chain:
        classes = evidence.under(name)
        if name != "table" and classes.contradicted:
            contradicted.append(classes)
            continue
        if classes.complete:
            table = classes.family.expand(classes.majority)
            # a family beside, not inside, one the data leave open: an assumption no simpler than that one
            outside = [c.family for c in open_before if not classes.family.within(c.family)]
            if not outside:
                return Verdict(
                    "identified within family",
                    _rule(table, evidence),
                    classes.family,
                    classes=classes,
                    table=table,
                    known=np.ones(N_PATTERNS, dtype=bool),
                    **common,
                )
            rivalled.append((classes.family, table, outside[0]))
            continue
        open_before.append(classes)
    last = evidence.under(chain[-1]) if requested != "auto" else raw
    note = " ".join(
        [
            f"The data contradict {c.family.title} in {len(c.conflicting)} classes "
            f"({', '.join(c.family.class_names[i] for i in c.conflicting[:4])}"
            f"{', ...' if len(c.conflicting) > 4 else ''})."
            for c in contradicted
        ]
        + [
            f"The data determine a rule among {f.title} ({_rule(t, evidence)}), but they leave {o.title} "
            "open, an assumption beside that one rather than inside it: none singles the rule out."
            for f, t, o in rivalled
        ]
    )
    usable = last if not last.contradicted else raw
    return Verdict(
        "underdetermined",
        None,
        usable.family,
        classes=usable,
        table=usable.family.expand(usable.majority),
        known=usable.family.expand(usable.observed),
        undecided=usable.unobserved,
        note=note,
        **common,
    )


def _class_words(c) -> str:
    """``"a dead cell with 3 live neighbours is born with probability 0.80 (0.78-0.82)"``."""
    interval = f"with probability {c.probability:.2f} ({c.low:.2f}-{c.high:.2f})"
    if len(c.name) == 2 and c.name[0] in "BS" and c.name[1].isdigit():
        count = int(c.name[1])
        cell = "a dead cell" if c.name[0] == "B" else "a live cell"
        verb = "is born" if c.name[0] == "B" else "survives"
        return f"{cell} with {count} live neighbour{'' if count == 1 else 's'} {verb} {interval}"
    return f"{c.name} is alive next {interval}"


#: A flip model is rejected for a stochastic rule only when its likelihood ratio is this improbable and some
#: class's alive fraction is further than :data:`~lifelab.evidence.stochastic.PRECISION` from what it predicts
#: (at 10% flips the flip model misses the classes' fractions by up to 0.03: not a stochastic rule).
FLIP_REJECTION = 1e-6


def _across_groups(evidence: Evidence, fit, alpha: float) -> tuple[str, list[int]]:
    """Why the random classes' randomness is not a rule's (it differs between trajectories or frames), and where."""
    groupings = {"trajectory": evidence.groups.get("trajectory"), "frame": evidence.clusters}
    for c, probability in enumerate(fit.classes):
        if not probability.random:
            continue
        members = fit.family.members(c)
        for name, counts in groupings.items():
            if counts is None:
                continue
            table = counts[:, members].sum(axis=1)
            table = table[table.sum(axis=1) > 0]
            if len(table) > 1 and (table.sum(axis=0) > 0).all():
                _, p, _, _ = stats.chi2_contingency(table)
                if p < alpha:
                    share = table[:, 1] / table.sum(axis=1)
                    return (
                        f"{probability.name} goes alive at rates from {share.min():.2f} to {share.max():.2f} "
                        f"in different {'trajectories' if name == 'trajectory' else 'frames'} (p = {p:.2g}): "
                        "a rule's randomness is the same everywhere, so this is no stochastic rule (a mixture "
                        "of rules, or a change during the recording?)"
                    ), [c]
    return "", []


def _decide_stochastic(
    evidence: Evidence,
    chain: tuple[str, ...],
    confidence: float,
    flips: FlipTest,
    estimate: NoiseEstimate,
    common: dict,
) -> Verdict:
    """The verdict on data no flip rate explains: a probability per class, pinned or not, or no rule at all."""
    alpha = 1 - confidence
    fits = [fit_stochastic(evidence, name, confidence, PRECISION) for name in dict.fromkeys(("table", *chain))]
    usable = [f for f in fits if not f.heterogeneous] or fits[:1]
    chosen = next((f for f in usable if f.pinned), None)
    fit = (
        chosen
        if chosen is not None
        else min(
            usable,
            key=lambda f: (
                len(f.unobserved) + sum(c.high - c.low > 2 * f.precision for c in f.classes),
                f.family.n_classes,
            ),
        )
    )
    table = fit.family.expand(np.array([c.probability > 0.5 for c in fit.classes]))
    shared = dict(classes=evidence.under(fit.family), table=table, flips=flips, stochastic=fit, **common)
    why, where = _across_groups(evidence, fit, alpha / max(len(fit.stochastic), 1))
    if why:  # neither one flip rate (tested above) nor one rule's randomness: keep the flip estimate tried
        return Verdict(
            "inconsistent",
            None,
            fit.family,
            known=np.zeros(N_PATTERNS, dtype=bool),
            noise=estimate,
            unexplained=where,
            note=why[0].upper() + why[1:] + ".",
            **shared,
        )
    if chosen is not None:
        return Verdict("stochastic", fit.rule, fit.family, known=np.ones(N_PATTERNS, dtype=bool), **shared)
    loose = [i for i, c in enumerate(fit.classes) if c.high - c.low > 2 * fit.precision]
    known = ~np.isin(fit.family.labels, loose)
    return Verdict("underdetermined", None, fit.family, known=known, undecided=loose, **shared)


def _decide_noisy(
    evidence: Evidence, chain: tuple[str, ...], rate: float | None, alpha: float, common: dict
) -> Verdict:
    def assess(name: str):
        fam = family(name)
        classes = evidence.under(fam)
        estimate, deconvolved = _noise_and_table(evidence, fam, rate)
        decision = _noisy_classes(evidence, fam, estimate.high, alpha)
        # a majority that the deconvolved counts overturn is swamped by noisy copies of other patterns
        decision.decided &= fam.class_values(deconvolved) == decision.majority
        table = fam.expand(decision.majority)
        return fam, dict(classes=classes, table=table, noise=estimate, **common), decision, deconvolved

    fam, shared, decision, flip_table = assess("table")  # the flip model: its rate, and the table it reads
    estimate = shared["noise"]
    if rate is None:  # nobody said the data are noisy: a stochastic rule may explain them better
        flips = flip_test(evidence, flip_table, estimate.rate, "moore")
        _, observed, predicted = flips.worst
        if flips.p_value < FLIP_REJECTION and abs(observed - predicted) > PRECISION:
            return _decide_stochastic(evidence, chain, 1 - alpha, flips, estimate, common)
    spread = independence(evidence, flip_table, estimate.rate, alpha=alpha)
    shared["independence"] = spread
    if not spread.independent:
        return Verdict(
            "inconsistent",
            None,
            fam,
            known=np.zeros(N_PATTERNS, dtype=bool),
            **shared,
            note=f"Independent cell flips do not explain the conflicts: {spread.sentence()}.",
        )
    if decision.unexplained.any():
        return Verdict(
            "inconsistent",
            None,
            fam,
            known=np.zeros(N_PATTERNS, dtype=bool),
            unexplained=[int(c) for c in np.flatnonzero(decision.unexplained)],
            **shared,
        )
    notes, fallback = [], None
    for name in dict.fromkeys(("table", *chain)):  # like the exact ladder: no assumption first
        if name != "table":
            fam, shared, decision, _ = assess(name)
        if decision.unexplained.any():
            notes.append(
                f"{fam.title.capitalize()} do not explain the data, even with noise "
                f"({int(decision.unexplained.sum())} classes)."
            )
            continue
        undecided = [int(c) for c in np.flatnonzero(~decision.decided)]
        if not undecided:
            weakest = int(np.argmin(decision.log10_odds))
            return Verdict(
                "explained with noise",
                _rule(shared["table"], evidence),
                fam,
                known=np.ones(N_PATTERNS, dtype=bool),
                note=" ".join(notes),
                log10_odds=(float(decision.log10_odds[weakest]), fam.class_names[weakest]),
                **shared,
            )
        if name == (chain[0] if len(chain) == 1 else "table"):  # the requested family; "auto" falls back to none
            fallback = (fam, shared, decision, undecided)
    if fallback is None:
        fam, shared, decision, _ = assess("table")
        fallback = (fam, shared, decision, [int(c) for c in np.flatnonzero(~decision.decided)])
    fam, shared, decision, undecided = fallback
    return Verdict(
        "underdetermined",
        None,
        fam,
        known=fam.expand(decision.decided),
        undecided=undecided,
        note=" ".join(notes),
        **shared,
    )
