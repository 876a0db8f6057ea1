"""Contract checks for models, learners, rule types and verdicts (in the manner of scikit-learn's estimator checks).

Each kind of plug-in has a contract, and each check here tests one part of it and raises ``AssertionError``
naming the object and what is broken.  A researcher checks a model, learner or rule of their own with
:func:`check_model`, :func:`check_learner`, :func:`check_rule` or :func:`check_verdict` (every check of the
kind, in a notebook or a script: no pytest needed), or in a test suite with :func:`parametrize_with_checks`,
one test case a check::

    @parametrize_with_checks([model_spec("mine"), parse_rule("B36/S23")])
    def test_contracts(check, args):
        check(*args)

:func:`model_checks`, :func:`learner_checks`, :func:`rule_checks` and :func:`verdict_checks` yield the
``(check, args)`` pairs, for running them one by one.  ``tests/test_contracts.py`` runs them over everything
lifelab registers.

One contract a module:

- :mod:`~lifelab.testing.models`: networks (:func:`check_model`);
- :mod:`~lifelab.testing.learners`: the loop's learners (:func:`check_learner`);
- :mod:`~lifelab.testing.rules`: rule types (:func:`check_rule`);
- :mod:`~lifelab.testing.verdicts`: verdicts (:func:`check_verdict`);
- :mod:`~lifelab.testing.parametrize`: all of them as pytest cases (:func:`parametrize_with_checks`);
- :mod:`~lifelab.testing.base`: what the checks share.

Example:
    >>> from lifelab.rules import Rule
    >>> from lifelab.testing import check_model, check_rule, rule_checks
    >>> check_model("minimal")  # silent: the network meets the model contract
    >>> check_rule("B36/S23")
    >>> [check.__name__ for check, args in rule_checks("B36/S23")]
    ['check_rule_notation', 'check_rule_protocol', 'check_rule_step', 'check_rule_kernel_form']
    >>> class Inverted(Rule):
    ...     '''HighLife with every cell's next state inverted: its step is no longer what simulate runs.'''
    ...     def step(self, boards):
    ...         return ~super().step(boards)
    >>> check_rule(Inverted.parse("B36/S23"))
    Traceback (most recent call last):
    ...
    AssertionError: B36/S23: step differs from simulate's step on 429 of 429 cells
"""

from lifelab.testing.learners import check_learner, check_learner_fits_and_reads, check_learner_protocol, learner_checks
from lifelab.testing.models import (
    check_model,
    check_model_forward,
    check_model_group,
    check_model_kernel_sizes,
    check_model_registered,
    check_model_stacking,
    model_checks,
)
from lifelab.testing.parametrize import parametrize_with_checks
from lifelab.testing.rules import (
    check_rule,
    check_rule_kernel_form,
    check_rule_notation,
    check_rule_protocol,
    check_rule_step,
    rule_checks,
)
from lifelab.testing.verdicts import (
    check_verdict,
    check_verdict_protocol,
    check_verdict_rule,
    check_verdict_rung,
    check_verdict_words,
    verdict_checks,
)

__all__ = [
    "check_learner",
    "check_learner_fits_and_reads",
    "check_learner_protocol",
    "check_model",
    "check_model_forward",
    "check_model_group",
    "check_model_kernel_sizes",
    "check_model_registered",
    "check_model_stacking",
    "check_rule",
    "check_rule_kernel_form",
    "check_rule_notation",
    "check_rule_protocol",
    "check_rule_step",
    "check_verdict",
    "check_verdict_protocol",
    "check_verdict_rule",
    "check_verdict_rung",
    "check_verdict_words",
    "learner_checks",
    "model_checks",
    "parametrize_with_checks",
    "rule_checks",
    "verdict_checks",
]
