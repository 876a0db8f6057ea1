"""The verdict contract: a verdict meets :class:`lifelab.evidence.VerdictProtocol`, stands on a rung of the
ladder with the exit code of that rung, words itself as its rung says, and agrees with the rule it names."""

from __future__ import annotations

from lifelab.evidence import DETERMINED, EXIT_CODES, RUNGS, VerdictProtocol
from lifelab.testing.base import _expect, _missing, _name

__all__ = [
    "check_verdict",
    "check_verdict_protocol",
    "check_verdict_rule",
    "check_verdict_rung",
    "check_verdict_words",
    "verdict_checks",
]


def check_verdict_protocol(verdict) -> None:
    """A verdict meets :class:`lifelab.evidence.VerdictProtocol`, its unobserved patterns a list.

    Args:
        verdict: A verdict of any kind.

    Raises:
        AssertionError: Naming the missing members.
    """
    missing = _missing(verdict, VerdictProtocol)
    _expect(not missing, f"{_name(verdict)}: lacks {missing} of lifelab.evidence.VerdictProtocol")
    _expect(
        isinstance(verdict.unobserved, list),
        f"{_name(verdict)}: unobserved is a {type(verdict.unobserved).__name__}, not a list",
    )


def check_verdict_rung(verdict) -> None:
    """A verdict stands on a rung of the ladder, and ``determined`` and the exit code agree with it.

    Args:
        verdict: A verdict of any kind.

    Raises:
        AssertionError: Naming the rung and what disagrees with it.
    """
    name = _name(verdict)
    _expect(verdict.rung in RUNGS, f"{name}: rung {verdict.rung!r} is not on the ladder {RUNGS}")
    _expect(
        verdict.determined == (verdict.rung in DETERMINED),
        f"{name}: determined={verdict.determined} on rung {verdict.rung!r}",
    )
    _expect(
        verdict.exit_code == EXIT_CODES[verdict.rung],
        f"{name}: exit code {verdict.exit_code} on rung {verdict.rung!r}, not {EXIT_CODES[verdict.rung]}",
    )
    _expect(
        verdict.determined == (verdict.exit_code == 0),
        f"{name}: determined={verdict.determined} with exit code {verdict.exit_code}",
    )


def check_verdict_words(verdict) -> None:
    """A verdict has a sentence, a summary whose first line starts with ``verdict``, and an identified verdict
    says so in its label and sentence.

    Args:
        verdict: A verdict of any kind.

    Raises:
        AssertionError: Quoting the words that are wrong.
    """
    name = _name(verdict)
    sentence, summary = verdict.sentence(), verdict.summary()
    _expect(isinstance(sentence, str) and sentence, f"{name}: empty sentence {sentence!r}")
    _expect(
        summary.splitlines() and summary.splitlines()[0].startswith("verdict"),
        f"{name}: summary's first line does not start with 'verdict': {summary[:80]!r}",
    )
    if verdict.rung.startswith("identified"):
        _expect(verdict.label.startswith("identified"), f"{name}: label {verdict.label!r} on rung {verdict.rung!r}")
        _expect(sentence.startswith("Identified"), f"{name}: sentence {sentence[:80]!r} on rung {verdict.rung!r}")


def check_verdict_rule(verdict) -> None:
    """A verdict that determines a rule names it, and the rule agrees with every pattern the data decide.

    Args:
        verdict: A verdict of any kind.

    Raises:
        AssertionError: Naming the missing rule or the disagreements.
    """
    if not verdict.determined:
        return
    name = _name(verdict)
    _expect(verdict.rule is not None, f"{name}: determined on rung {verdict.rung!r}, but names no rule")
    wrong = verdict.disagreements(verdict.rule)
    _expect(wrong == 0, f"{name}: its own rule {verdict.rule} disagrees with the data on {wrong} patterns")


def verdict_checks(verdict):
    """The checks of the verdict contract for one verdict.

    Args:
        verdict: A verdict of any kind.

    Yields:
        ``(check, args)``: call ``check(*args)``.
    """
    for check in (check_verdict_protocol, check_verdict_rung, check_verdict_words, check_verdict_rule):
        yield check, (verdict,)


def check_verdict(verdict) -> None:
    """Run every check of :func:`verdict_checks`, stopping at the first that fails.

    Args:
        verdict: A verdict of any kind.

    Raises:
        AssertionError: Naming what is broken.
    """
    for check, args in verdict_checks(verdict):
        check(*args)
