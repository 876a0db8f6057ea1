"""The loop reports a reading of the family its verdict names (:meth:`~lifelab.evidence.Verdict.project`)."""

from lifelab import random_boards, simulate
from lifelab.evidence import family
from lifelab.loop import learn_rule

MOORE = family("moore")


def test_a_tied_network_with_family_moore_reads_a_b_s_rule():
    """One 16x16 torus pair of a B/S rule: the data leave Moore classes open, the loop reports a B/S reading."""
    pair = simulate("B458/S03", random_boards(1, (16, 16), seed=3), 1)
    report = learn_rule(
        pair,
        model="tied",
        family="moore",
        boundary="torus",
        neighbourhood="3x3",
        max_rounds=1,
        epochs=20,
        seed=0,
        progress=False,
    )
    verdict, last = report.verdict, report.rounds[-1]
    assert verdict.family is MOORE and verdict.rung == "underdetermined" and verdict.undecided
    assert report.extracted is last.rule and MOORE.contains(report.extracted)
    assert last.extraction.rule is not None and last.rule == verdict.project(last.extraction.rule)
    assert last.disagreements == 0 and last.visible_match == 1.0
    assert f"learned       {report.extracted}" in report.summary()
