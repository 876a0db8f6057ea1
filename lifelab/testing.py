"""Contract checks for models, learners, rule types and verdicts (in the manner of scikit-learn's estimator checks).

Each kind of plug-in has a contract, and each check below tests one part of it and raises ``AssertionError``
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

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy.signal import convolve2d
from torch import nn

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.evidence import DETERMINED, EXIT_CODES, RUNGS, VerdictProtocol
from lifelab.geometry import patterns
from lifelab.learning import (
    REGISTRY,
    DataSupplyAgent,
    ExtractionResult,
    ModelSpec,
    TrajectoryDataset,
    WindowLayout,
    model_spec,
    receptive_radius,
)
from lifelab.loop import Learner, LoopSettings, make_learner
from lifelab.rules import RULE_TYPES, RuleType, StochasticRule, parse_rule, rule_reach, rule_states
from lifelab.utils import MODEL_DTYPE, one_hot, seeded

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

_EPOCHS = 2  # a learner fits this many: enough to run every step, not to learn


def _expect(condition, message: str) -> None:
    """Raise ``AssertionError(message)`` unless ``condition`` holds (an ``assert`` would vanish under ``python -O``
    and, under pytest, have its message rewritten)."""
    if not condition:
        raise AssertionError(message)


def _name(obj) -> str:
    """What messages and test ids call an object: a registry entry's name, a verdict's kind and label, a rule's
    notation."""
    if isinstance(obj, ModelSpec):
        return obj.name
    if isinstance(obj, type):
        return obj.__name__
    if isinstance(obj, nn.Module):
        return type(obj).__name__
    if hasattr(obj, "rung"):
        return f"{type(obj).__name__}({getattr(obj, 'label', obj.rung)})"
    return str(obj)


def _missing(obj, protocol: type) -> list[str]:
    """The members of a ``typing.Protocol`` (attributes, properties and methods) that ``obj`` lacks."""
    members = {*getattr(protocol, "__annotations__", {}), *(n for n in vars(protocol) if not n.startswith("_"))}
    return sorted(m for m in members if not hasattr(obj, m))


# -- models ----------------------------------------------------------------------------------------------------


def _spec(model) -> ModelSpec:
    """The registry entry of a model or learner: a :class:`ModelSpec` as it is, else a registered name, alias,
    class or instance."""
    if isinstance(model, ModelSpec):
        return model
    try:
        return model_spec(model)
    except (TypeError, ValueError) as err:
        raise AssertionError(
            f"{_name(model)}: not a registered learner ({err}); declare its class with "
            "@lifelab.learning.register(name, summary, ...)"
        ) from None


def _build(spec: ModelSpec, **config) -> nn.Module:
    """A network of ``spec``, its weights seeded."""
    with seeded(0):
        return spec.cls(**config)


def check_model_registered(model) -> None:
    """The registry holds the model under its name, answers to each of its names with it and finds it from an
    instance, and its declared default group is one of its groups.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming what the registry gets wrong.
    """
    spec = _spec(model)
    _expect(
        REGISTRY.get(spec.name) is spec,
        f"{spec.name}: not in lifelab.learning.REGISTRY under its name; declare the class with @register(...)",
    )
    for name in spec.names:
        found = model_spec(name)
        _expect(found is spec, f"{spec.name}: answers to {name!r}, but the registry gives {found.name!r} for it")
    _expect(
        not spec.group_argument or spec.default_group in spec.groups,
        f"{spec.name}: default group {spec.default_group!r} is not among its groups {spec.groups}",
    )
    built = _build(spec)
    found = model_spec(built)
    _expect(found is spec, f"{spec.name}: the registry finds {found.name!r} for an instance of {spec.cls.__name__}")


def check_model_forward(model) -> None:
    """One-hot boards ``(B, 2, H, W)`` (float64 or float32) give logits ``(B, 2, H, W)`` in
    :data:`lifelab.utils.MODEL_DTYPE`, from parameters in that precision, on a board that is not square.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the shape or precision that is wrong.
    """
    spec = _spec(model)
    net = _build(spec)
    x = one_hot(torch.from_numpy(random_boards(2, (7, 9), seed=1).astype(np.int64)))
    with torch.no_grad():
        out = net(x)
        single = net(x.float())
    shape = tuple(getattr(out, "shape", ()))
    _expect(
        isinstance(out, torch.Tensor) and shape == (2, 2, 7, 9),
        f"{spec.name}: one-hot boards (2, 2, 7, 9) gave logits of shape {shape}; a model answers (B, 2, H, W), "
        "padding circularly",
    )
    dtypes = {p.dtype for p in net.parameters()}
    _expect(
        dtypes <= {MODEL_DTYPE},
        f"{spec.name}: parameters in {sorted(map(str, dtypes))}, not {MODEL_DTYPE} (subclass LifeModel, which "
        "converts them)",
    )
    _expect(out.dtype == MODEL_DTYPE, f"{spec.name}: logits in {out.dtype}, not {MODEL_DTYPE}")
    _expect(
        getattr(single, "dtype", None) == MODEL_DTYPE and torch.equal(single, out),
        f"{spec.name}: float32 boards are not answered as float64 ones (in {getattr(single, 'dtype', None)})",
    )


def check_model_group(model, group: str) -> None:
    """A model that builds its symmetry in, built with ``group=``, has that symmetry.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.
        group: One of the groups the registry declares for it.

    Raises:
        AssertionError: When it cannot be built with the group, or has another symmetry.
    """
    spec = _spec(model)
    try:
        built = _build(spec, group=group)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{spec.name}: declares group {group!r} but cannot be built with it ({err})") from None
    _expect(built.symmetry == group, f"{spec.name}: built with group={group!r}, its symmetry is {built.symmetry!r}")


def check_model_kernel_sizes(model) -> None:
    """A model takes ``kernel_size=`` exactly when the registry says so (``kernel_sizes=True``), and then sees as
    far as the kernel reaches.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: When the class and the registry disagree.
    """
    spec = _spec(model)
    try:
        built = _build(spec, kernel_size=5)
    except (TypeError, ValueError) as err:
        _expect(not spec.kernel_sizes, f"{spec.name}: declares kernel_sizes=True but refuses kernel_size=5 ({err})")
        return
    _expect(spec.kernel_sizes, f"{spec.name}: takes kernel_size=5, but the registry does not declare kernel_sizes=True")
    radius = receptive_radius(built)
    _expect(radius >= 2, f"{spec.name}: built with kernel_size=5, it sees only {radius} cell(s) away")


def check_model_stacking(model) -> None:
    """A model the registry marks stackable (``stacks=True``) is a :class:`~lifelab.learning.WindowLayout` whose
    ``pattern_logits`` equal the network's logits on every 3x3 window; any other model is no ``WindowLayout``.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the disagreement.
    """
    spec = _spec(model)
    net = _build(spec)
    if not spec.stacks:
        _expect(
            not isinstance(net, WindowLayout),
            f"{spec.name}: a WindowLayout the registry does not mark stackable: declare stacks=True",
        )
        return
    if not isinstance(net, WindowLayout):  # register() refuses a stackable class without the pattern form
        raise AssertionError(f"{spec.name}: marked stackable but not a WindowLayout")
    params = {n: p.detach()[None] for n, p in net.named_parameters()}
    x = F.one_hot(torch.from_numpy(patterns().astype(np.int64)), 2).permute(0, 3, 1, 2).to(MODEL_DTYPE)
    boards = torch.zeros(len(x), 2, 5, 5, dtype=MODEL_DTYPE)
    boards[:, 0] = 1
    boards[:, :, 1:4, 1:4] = x
    with torch.no_grad():
        expected = net(boards)[:, :, 2, 2]
        got = net.pattern_logits(params, x)[0]
    _expect(
        got.shape == expected.shape,
        f"{spec.name}: pattern_logits of shape {tuple(got.shape)}, not {tuple(expected.shape)}",
    )
    gap = float((got - expected).abs().max())
    _expect(gap <= 1e-9, f"{spec.name}: pattern_logits differ from the network on the 3x3 windows by up to {gap:.3g}")


def model_checks(model):
    """The checks of the model contract for one network.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec` (for a
            network not registered yet, every check but :func:`check_model_registered` applies).

    Yields:
        ``(check, args)``: call ``check(*args)``.

    Raises:
        InputError: For a registered learner that is no network (check it with :func:`learner_checks`).
    """
    spec = _spec(model)
    if not spec.network:
        raise InputError(f"{spec.name} is a learner, not a network: check it with check_learner")
    yield check_model_registered, (model,)
    yield check_model_forward, (model,)
    for group in spec.groups if spec.group_argument else ():
        yield check_model_group, (model, group)
    yield check_model_kernel_sizes, (model,)
    yield check_model_stacking, (model,)


def check_model(model) -> None:
    """Run every check of :func:`model_checks`, stopping at the first that fails.

    Args:
        model: A registered name, alias, class or instance, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming what is broken.

    Example:
        >>> check_model("minimal")  # silent: MinimalCNN meets the model contract
        >>> from lifelab.learning import MinimalCNN, ModelSpec
        >>> check_model(ModelSpec("mine", MinimalCNN, "a network not registered yet"))
        Traceback (most recent call last):
        ...
        AssertionError: mine: not in lifelab.learning.REGISTRY under its name; declare the class with @register(...)
    """
    for check, args in model_checks(model):
        check(*args)


# -- learners --------------------------------------------------------------------------------------------------


def _learner(spec: ModelSpec) -> Learner:
    """The learner the loop would make of a registry entry, on the CPU, fitting for ``_EPOCHS``."""
    try:
        return make_learner(spec.name, LoopSettings(epochs=_EPOCHS), device="cpu")
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{spec.name}: make_learner cannot build it ({err})") from None


def _life_trajectories() -> np.ndarray:
    """Two short trajectories of Life."""
    return simulate("B3/S23", random_boards(2, (12, 12), 0.4, seed=3), 3)


def _life_data() -> TrajectoryDataset:
    """Two short trajectories of Life, two of them visible, one-hot."""
    return TrajectoryDataset(_life_trajectories(), visible=2, one_hot=True)


def check_learner_protocol(learner) -> None:
    """The loop's learner of a registry entry meets :class:`lifelab.loop.Learner`, with a margin of at least one
    cell, a one-line description, and a torch network exactly when the registry says it is one.

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the missing members or the wrong facts.
    """
    spec = _spec(learner)
    built = _learner(spec)
    missing = _missing(built, Learner)
    _expect(not missing, f"{spec.name}: its learner ({type(built).__name__}) lacks {missing} of lifelab.loop.Learner")
    _expect(isinstance(built.margin, int) and built.margin >= 1, f"{spec.name}: margin {built.margin!r}, not >= 1")
    description = built.description
    _expect(
        isinstance(description, str) and len(description.splitlines()) == 1,
        f"{spec.name}: description {description!r} is not one line",
    )
    _expect(
        (built.net is None) == (not spec.network),
        f"{spec.name}: the registry says network={spec.network}, but its learner's net is {type(built.net).__name__}",
    )


def check_learner_fits_and_reads(learner) -> None:
    """The learner prepares, fits a few epochs of Life and reads a rule back: ``fit`` gives ``(epochs, fraction
    of boards reproduced exactly)``, ``read`` an :class:`~lifelab.learning.ExtractionResult`.

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming the step that broke and what it gave.
    """
    spec = _spec(learner)
    built = _learner(spec)
    built.prepare(DataSupplyAgent(_life_trajectories()), 1)
    fitted = built.fit(_life_data(), noisy=False, seed=0)
    _expect(isinstance(fitted, tuple) and len(fitted) == 2, f"{spec.name}: fit gave {fitted!r}, not (epochs, exact)")
    epochs, exact = fitted
    _expect(
        isinstance(epochs, int) and 0 <= epochs <= _EPOCHS,
        f"{spec.name}: fit reports {epochs!r} epochs, asked for {_EPOCHS}",
    )
    _expect(0.0 <= exact <= 1.0, f"{spec.name}: fit reports {exact!r} of the boards reproduced exactly")
    reading = built.read(0)
    _expect(isinstance(reading, ExtractionResult), f"{spec.name}: read gave a {type(reading).__name__}")
    _expect(
        reading.table.ndim == 1 and reading.offsets,
        f"{spec.name}: read gave a table of shape {reading.table.shape} on offsets {reading.offsets}",
    )
    _expect(
        reading.rule is None or isinstance(reading.rule, RULE_TYPES),
        f"{spec.name}: read a {type(reading.rule).__name__}, which is no rule type of lifelab.rules.RULE_TYPES",
    )


def learner_checks(learner):
    """The checks of the learner contract for one registered learner (every registered network is one too).

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Yields:
        ``(check, args)``: call ``check(*args)``.
    """
    yield check_learner_protocol, (learner,)
    yield check_learner_fits_and_reads, (learner,)


def check_learner(learner) -> None:
    """Run every check of :func:`learner_checks`, stopping at the first that fails.

    Args:
        learner: A registered name, alias or class, or a :class:`~lifelab.learning.ModelSpec`.

    Raises:
        AssertionError: Naming what is broken.
    """
    for check, args in learner_checks(learner):
        check(*args)


# -- rules -----------------------------------------------------------------------------------------------------


def _boards(rule, seed: int = 5) -> np.ndarray:
    """Three random boards of every state of a rule, a few cells wider than its neighbourhood."""
    reach = rule_reach(rule)
    states = rule_states(rule)
    boards = np.random.default_rng(seed).integers(0, states, (3, 11 + 2 * reach, 9 + 2 * reach))
    return boards.astype(np.uint8 if states > 2 else bool)


def _differs(got, expected, what: str, rule) -> None:
    """Assert two arrays of next states are equal, else say on how many cells they differ."""
    got, expected = np.asarray(got), np.asarray(expected)
    _expect(got.shape == expected.shape, f"{rule}: {what} of shape {got.shape}, not {expected.shape}")
    wrong = int((got.astype(np.int64) != expected.astype(np.int64)).sum())
    _expect(not wrong, f"{rule}: {what} on {wrong} of {got.size} cells")


def check_rule_notation(rule) -> None:
    """``str(rule)`` is a notation :func:`lifelab.rules.parse_rule` reads back to an equal rule, and it is
    canonical: the rule read back prints the same.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Naming the notation that does not read back.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    text = str(rule)
    try:
        back = parse_rule(text)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{text}: parse_rule cannot read the rule's own notation ({err})") from None
    _expect(back == rule, f"{text}: reads back as {back!r}, which is not equal to the rule")
    _expect(str(back) == text, f"{text}: not canonical: read back, it prints {str(back)!r}")


def check_rule_protocol(rule) -> None:
    """A deterministic rule meets :class:`lifelab.rules.RuleType`: at least two states, and a neighbourhood of
    offsets within :func:`lifelab.rules.rule_reach`.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Naming the missing members or the wrong facts.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    missing = _missing(rule, RuleType)
    _expect(not missing, f"{rule}: a {type(rule).__name__} lacks {missing} of lifelab.rules.RuleType")
    _expect(rule.states == rule_states(rule) >= 2, f"{rule}: {rule.states} states ({rule_states(rule)} by rule_states)")
    reach = rule_reach(rule)
    outside = [(dy, dx) for dy, dx in rule.offsets if max(abs(dy), abs(dx)) > reach]
    _expect(
        rule.offsets and not outside,
        f"{rule}: offsets {list(rule.offsets)[:8]} are empty or reach beyond rule_reach = {reach} ({outside[:4]})",
    )


def check_rule_step(rule) -> None:
    """A deterministic rule's ``step`` is one step of :func:`lifelab.simulate` on a torus, on boards of every
    state; a :class:`~lifelab.rules.StochasticRule`'s step, drawing from a stream, is simulate's step with the same
    stream.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Saying on how many cells the two differ.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    boards = _boards(rule)
    try:
        if isinstance(rule, StochasticRule):
            expected = simulate(rule, boards, 1, seed=np.random.default_rng(7))[:, 1]
            stepped = rule.step(boards, np.random.default_rng(7))
        else:
            expected = simulate(rule, boards, 1)[:, 1]
            stepped = rule.step(boards)
    except (TypeError, ValueError) as err:
        raise AssertionError(f"{rule}: cannot be stepped and simulated on {boards.shape} boards ({err})") from None
    _differs(stepped, expected, "step differs from simulate's step", rule)


def check_rule_kernel_form(rule) -> None:
    """A count rule's ``kernel_form()`` (a kernel summing the neighbourhood, and a lookup from the cell's
    liveness and that sum) computes its step, dying states as in Generations.

    Args:
        rule: A rule object with a ``kernel_form()`` (or a rulestring of one).

    Raises:
        AssertionError: Saying on how many cells the kernel form and the step differ.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    kernel, lookup, states = rule.kernel_form()
    _expect(states == rule.states, f"{rule}: kernel form of {states} states, the rule has {rule.states}")
    boards = _boards(rule)
    r = kernel.shape[0] // 2
    expected = []
    for board in boards.astype(np.int64):
        live = (board == 1).astype(np.int64)
        total = convolve2d(np.pad(live, r, mode="wrap"), kernel[::-1, ::-1], mode="valid")  # a correlation
        born = np.asarray(lookup)[live, total].astype(np.int64)
        dying = np.where(board >= 2, (board + 1) % states, 0)  # a cell that stops living dies through 2, 3, ...
        expected.append(np.where(board == 0, born, np.where(board == 1, np.where(born == 1, 1, 2 % states), dying)))
    _differs(rule.step(boards), np.stack(expected), "step differs from its kernel form", rule)


def rule_checks(rule):
    """The checks of the rule contract for one rule: its notation reads back; a deterministic rule meets
    :class:`lifelab.rules.RuleType` and steps as simulate does, and a rule with a ``kernel_form()`` is computed
    by it; a :class:`~lifelab.rules.StochasticRule` steps as simulate does from the same random stream.

    Args:
        rule: A rule object (or a rulestring :func:`lifelab.rules.parse_rule` reads).

    Yields:
        ``(check, args)``: call ``check(*args)``.
    """
    rule = parse_rule(rule) if isinstance(rule, str) else rule
    yield check_rule_notation, (rule,)
    if not isinstance(rule, StochasticRule):
        yield check_rule_protocol, (rule,)
    yield check_rule_step, (rule,)
    if hasattr(rule, "kernel_form"):
        yield check_rule_kernel_form, (rule,)


def check_rule(rule) -> None:
    """Run every check of :func:`rule_checks`, stopping at the first that fails.

    Args:
        rule: A rule object (or a rulestring).

    Raises:
        AssertionError: Naming what is broken.
    """
    for check, args in rule_checks(rule):
        check(*args)


# -- verdicts --------------------------------------------------------------------------------------------------


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


# -- test suites -----------------------------------------------------------------------------------------------


def _checks(obj):
    """The checks of whatever contract ``obj`` is under: a registry entry (a :class:`ModelSpec`, or a registered
    class or model) those of a learner and, for a network, a model; a verdict (anything with a ``rung``) those of
    a verdict; anything else (a rule object or rulestring) those of a rule."""
    if isinstance(obj, (ModelSpec, type, nn.Module)):
        if _spec(obj).network:
            yield from model_checks(obj)
        yield from learner_checks(obj)
    elif hasattr(obj, "rung"):
        yield from verdict_checks(obj)
    else:
        yield from rule_checks(obj)


def _case_id(check, args) -> str:
    """A test id: the object, the check, and the check's further arguments (``tied-check_model_group(p4)``)."""
    extra = f"({', '.join(map(str, args[1:]))})" if len(args) > 1 else ""
    return f"{_name(args[0])}-{check.__name__}{extra}"


def parametrize_with_checks(objects, expected_failed_checks: dict[str, str] | None = None):
    """A pytest decorator making one test case of each check of each object, as scikit-learn's
    ``parametrize_with_checks`` does.

    The decorated test takes ``check`` and ``args`` and calls ``check(*args)``; its ids read
    ``object-check``, such as ``tied-check_model_forward`` or ``B3/S23-check_rule_step``.

    Args:
        objects: Registry entries (:class:`~lifelab.learning.ModelSpec`, such as
            ``lifelab.learning.REGISTRY.values()``, or registered classes: learner checks, and model checks for a
            network), rules (rule objects or rulestrings) and verdicts, in any mix.
        expected_failed_checks: Test ids of known failures, each with the reason: they are marked as expected to
            fail (strictly: a case that passes fails the run, so the entry goes once it is mended).

    Returns:
        ``pytest.mark.parametrize("check, args", ...)``.

    Raises:
        InputError: For an expected failure that names no case.
    """
    import pytest  # a dev dependency: the checks themselves run without it

    expected = dict(expected_failed_checks or {})
    cases = [(_case_id(*case), case) for obj in objects for case in _checks(obj)]
    unknown = sorted(set(expected) - {name for name, _ in cases})
    if unknown:
        raise InputError(f"expected failures {unknown} name no case (cases are named like 'tied-check_model_forward')")
    xfail = {
        name: pytest.mark.xfail(reason=reason, raises=AssertionError, strict=True) for name, reason in expected.items()
    }
    return pytest.mark.parametrize(
        "check, args", [pytest.param(*case, id=name, marks=xfail.get(name, ())) for name, case in cases]
    )
