"""``lifelab learn``: the active-learning loop on an oracle rule or a recording, and the rule-table path for
many-state data and table oracles."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

from lifelab.cli.options import _positive, settings_from, settings_options
from lifelab.cli.read import READING_OPTIONS, reading_options, recording_of
from lifelab.errors import InputError
from lifelab.evidence import FAMILIES_1D, decide_table, reading_clause, reading_sentence
from lifelab.evidence.tables import TABLE_NEIGHBOURHOODS
from lifelab.learning import DEFAULT_MODEL, REGISTRY, model_spec
from lifelab.loop import (
    LOOP,
    LoopSettings,
    fit_table_network,
    help_text,
    learn_1d,
    learn_rule,
    learn_table,
    learner_names,
)
from lifelab.rules import OneDRule, TableRule, parse_rule, save_rule_file
from lifelab.utils import get_device

__all__ = ["add_learn", "cmd_learn"]


def _print_round(r) -> None:
    rule = "(none read)" if r.rule is None else str(r.rule)
    rule = rule if len(rule) <= 20 else rule[:17] + "..."  # MAP strings are 89 characters; the verdict prints it whole
    held = "-" if r.holdout_match is None else f"{r.holdout_match:.2%}"
    print(
        f"round {r.round:>2}  group {r.group:<7s}  visible {r.visible:>2} ({r.collected:<8s}) epochs {r.epochs:>3}  "
        f"rule {rule:<14s} min conf {r.min_confidence:.3f} ({r.low_confidence:>3} low)  "
        f"reproduces visible {r.visible_match:.2%}, held out {held}  unobserved {len(r.verdict.unobserved):>3}  "
        f"{r.verdict.label}  {r.seconds:6.1f} s",
        flush=True,
    )


def cmd_learn(args) -> int:
    """Run the active-learning loop on an oracle rule or on supplied trajectories.

    Returns:
        The verdict's exit status: 0 when the data determine the rule
        (identified, within the stated family, or explained with noise), 3
        when they leave it underdetermined, 1 when they are inconsistent.
    """
    if (args.rule is None) == (args.data is None):
        raise InputError("give either a rule (e.g. B36/S23) or --data FILE.npz, not both or neither")
    if args.export is not None and not args.export.endswith(".rule"):
        raise InputError(f"--export writes a Golly rule file ending in .rule, got {args.export!r}")
    device = get_device(args.device)
    boundary = args.boundary
    if args.data is None and any(getattr(args, name) is not None for name in READING_OPTIONS):
        raise InputError("--dead, --palette, --key, --axes, --repeats and --side say how to read --data")
    if args.data is not None:
        source = recording_of(args)
        data = source.trajectories
        n = data.shape[0]
        print(
            f"data          {args.data}: {n} trajector{'y' if n == 1 else 'ies'} of {data.shape[1] - 1} steps, "
            f"{data.shape[2]}x{data.shape[3]}; the verdict weighs {'it' if n == 1 else 'all of them'}"
        )
        if source.grid is not None or source.reading is not None or source.axes:
            for line in source.summary().splitlines()[1:]:
                print(line)
        if boundary is None and source.metadata.get("boundary") is not None:
            boundary = source.metadata["boundary"]  # a file may say what lies beyond its frames
            print(f"boundary      {boundary}, as the file's metadata say")
        counted = (args.neighbourhood or "")[:1] in ("R", "r")  # a count neighbourhood: dying states, not a table
        if (data.dtype != bool and not counted) or args.unlisted is not None or args.symmetries is not None:
            return _learn_table(args, data, boundary, source.reading)
    else:
        source = parse_rule(args.rule)
        if isinstance(source, OneDRule):
            return _learn_1d(args, source, device)
        print(f"oracle        {source}" + (f"  ({source.name})" if source.name and source.name != str(source) else ""))
        if isinstance(source, TableRule):
            return _learn_table(args, source, boundary)
        if args.unlisted is not None or args.symmetries is not None:
            raise InputError("--unlisted and --symmetries are for rule tables")
    shape = None if args.size is None else (args.size, args.size)
    args.model = args.model or DEFAULT_MODEL
    spec = model_spec(args.model)
    group = (args.group or spec.default_group) if spec.network else "-"
    print(
        f"model         {args.model}, group {group}, {args.mode} collection, seed {args.seed}, device {device}, "
        f"noise {args.noise}"
    )
    settings = settings_from(args, LoopSettings).but(shape=shape, boundary=boundary)
    report = learn_rule(
        source, args.model, settings, device=device, progress=sys.stderr.isatty(), on_round=_print_round
    )
    print(report.summary())
    _export(args.export, report.rule, report.verdict)
    return report.verdict.exit_code


#: The loop settings the 1-D loop reads from the command line; any other changed from its default is refused.
_SETTINGS_1D = ("family", "max_rounds", "seed", "boundary")


def _learn_1d(args, rule: OneDRule, device) -> int:
    """``learn`` on a 1-D oracle (:func:`lifelab.loop.learn_1d`): random rows until the data determine the rule."""
    if args.export is not None:
        raise InputError("--export writes Golly rule files; a 1-D rule R<r>,C<k>,W<code> is its own notation")
    settings = settings_from(args, LoopSettings)
    ignored = [
        f"--{entry.name.replace('_', '-')}"
        for entry in dataclasses.fields(settings)
        if entry.name not in _SETTINGS_1D and getattr(settings, entry.name) != getattr(LOOP, entry.name)
    ]
    if ignored:
        raise InputError(
            f"the 1-D loop does not read {', '.join(ignored)} (it reads --family, --max-rounds, "
            "--seed, --boundary and --model)"
        )
    family = settings.family or "auto"
    if family not in ("auto", *FAMILIES_1D):
        raise InputError(f"a 1-D family is one of auto, {', '.join(FAMILIES_1D)}; got {family!r}")
    boundary = {None: "ring", "torus": "ring", "dead": "dead", "open": "open"}.get(settings.boundary)
    if boundary is None:
        raise InputError(
            f"a 1-D oracle's rows are a ring (torus), dead beyond their ends or open, not {settings.boundary}"
        )
    model = "table" if args.model in (None, "table") else "network"
    print(f"oracle        {rule}  (1-D: {rule.states} states, radius {rule.radius})")
    print(f"model         {model}, seed {settings.seed}, device {device}, family {family}, rows {boundary}")
    report = learn_1d(
        rule,
        model=model,
        family=family,
        boundary=boundary,
        max_rounds=settings.max_rounds,
        seed=settings.seed,
        device=device,
    )
    print(report.summary())
    return report.verdict.exit_code


def _export(path, rule, verdict) -> None:
    """Write the learned rule as a Golly rule file, when asked and there is one."""
    if path is None:
        return
    if rule is None:
        print(f"export        nothing written: the verdict ({verdict.label}) names no rule")
        return
    print(f"export        {save_rule_file(path, rule)}")


def _learn_table(args, source, boundary, reading=None) -> int:
    """``lifelab learn`` on a rule table: many-state ``--data`` (what the observations determine), or a table
    oracle (:func:`lifelab.loop.run.learn_table`: one more random trajectory a round until determined)."""
    if args.family is not None or args.noise not in ("auto", 0):
        raise InputError(
            "rule tables are learned from exact data: no --family or --noise (conflicting "
            "observations make the verdict inconsistent)"
        )
    neighbourhood = args.neighbourhood or "auto"
    if neighbourhood not in ("auto", *TABLE_NEIGHBOURHOODS):
        raise InputError(
            f"a rule table's --neighbourhood is auto or one of {', '.join(TABLE_NEIGHBOURHOODS)}, got {neighbourhood!r}"
        )
    boundary = "auto" if boundary is None else boundary
    name = "learned" if args.export is None else os.path.splitext(os.path.basename(args.export))[0]
    start = time.perf_counter()
    if isinstance(source, TableRule):
        shape = None if args.size is None else (args.size, args.size)
        settings = LOOP.but(
            shape=shape,
            steps=args.steps,
            density=args.density,
            max_rounds=args.max_rounds,
            seed=args.seed,
            mode=args.mode,
        )
        report = learn_table(source, settings, unlisted=args.unlisted, symmetries=args.symmetries or "auto")
        for number, seen in enumerate(report.observed, 1):
            print(f"round {number:3d}    {args.mode if number > 1 else 'random'} board: {seen:,} classes observed")
        verdict = report.verdict
    else:
        verdict = decide_table(
            source, args.states, neighbourhood, args.symmetries or "auto", args.unlisted, boundary, name
        )
    swapped = None
    if reading is not None and reading.swappable:  # two colours read by choice: the other reading judged too
        swapped = decide_table(
            ~source,
            args.states,
            neighbourhood,
            args.symmetries or "auto",
            args.unlisted,
            "open" if boundary == "dead" else boundary,
            name,
        )
    ev = verdict.evidence
    print(f"model         the table learner: each observed configuration's next state, counted ({ev.states} states)")
    print(f"boundary      {ev.boundary}" + (f": {verdict.boundary_note}" if verdict.boundary_note else ""))
    for hood, conflicts in verdict.rejected.items():
        print(f"neighbourhood {hood}: refuted, {conflicts:,} configurations go two ways")
    if verdict.family is not None:
        print(f"neighbourhood {ev.neighbourhood}: the next state is a function of it on every observation")
        print(f"symmetries    {verdict.family.symmetries} (the data allow {', '.join(verdict.allowed)})")
        print(
            "structure     "
            + (
                "a function of the cell and the counts of each state among its neighbours (permute)"
                if verdict.counts_function
                else "not a function of the cell and its neighbours' state counts"
            )
        )
        for line in verdict.structure:
            print(f"                {line}")
    print(f"verdict       {verdict.label}{reading_clause(reading, swapped)}")
    print(f"evidence      {verdict.evidence_line()}")
    if verdict.family is not None:
        print(f"assumption    {verdict.family.assumption}")
        learned = verdict.learned
        assert learned is not None  # a verdict with a family has its table
        print(
            f"learned       {len(learned.transitions):,} transitions under {learned.symmetries} (the observed "
            "classes whose cell changes; every other configuration leaves the cell unchanged)"
        )
    if args.model not in (None, "table") and verdict.family is not None:
        group = args.group if args.group not in (None, "auto") else None
        net = fit_table_network(verdict, args.model, group, seed=args.seed, progress=sys.stderr.isatty())
        print(
            f"network       {args.model}, group {net.group}: {net.epochs} epochs on the {net.windows:,} observed "
            f"configurations; "
            + (
                "gives every one its observed next state"
                if net.exact
                else f"gets {net.wrong:,} of them wrong (it cannot represent this table)"
            )
        )
    if isinstance(source, TableRule):
        print(
            f"equals truth  {'yes' if report.recovered else 'no'}"
            + ("" if verdict.rule is not None else " (no table determined)")
        )
    print(f"wall time     {time.perf_counter() - start:.1f} s")
    print(verdict.sentence() + reading_sentence(reading, swapped))
    if args.export is not None and verdict.learned is not None:
        print(
            f"export        {save_rule_file(args.export, verdict.learned)}"
            + (
                ""
                if verdict.determined
                else " (the observed classes, the rest unchanged: one of the tables the data allow)"
            )
        )
    else:
        _export(args.export, None, verdict)
    return verdict.exit_code


def add_learn(sub: argparse._SubParsersAction) -> None:
    """The ``learn`` subcommand's parser."""
    p = sub.add_parser("learn", help="learn a rule from trajectories by active learning, and verify it")
    p.add_argument("rule", nargs="?", help="oracle rule: rulestring (B36/S23, B2/S013V, MAP...) or name (HighLife)")
    p.add_argument(
        "--data",
        metavar="FILE",
        help="learn from a recording instead (no known rule): an array (.npz, "
        ".npy), a picture (.gif, .png, .webp, .jpg, .tif, animated or not), a video (.mp4, .webm, .avi, "
        ".mov), or a folder of pictures or .rle frames; `lifelab read FILE` shows how it is read",
    )
    p.add_argument(
        "--model",
        default=None,
        choices=learner_names(),
        help=f"learner (default {DEFAULT_MODEL}; many-state --data: the table learner, and this network "
        "too when named): " + "; ".join(f"{name}: {spec.summary}" for name, spec in REGISTRY.items()),
    )
    p.add_argument("--size", type=_positive, default=None, help=help_text(LoopSettings, "shape"))
    p.add_argument("--device", default=None, help="torch device (cuda, cpu); default: GPU if there is one")
    settings_options(
        p, LoopSettings, [entry.name for entry in dataclasses.fields(LoopSettings) if entry.name != "shape"]
    )
    p.add_argument(
        "--export",
        metavar="FILE.rule",
        default=None,
        help="write the learned rule as a Golly rule file (@TABLE) that Golly runs as lifelab does",
    )
    p.add_argument(
        "--unlisted",
        choices=["unchanged"],
        default=None,
        help="many-state --data: state Golly's default, that configurations the data never show leave "
        "the cell unchanged (then one table is identified)",
    )
    p.add_argument(
        "--symmetries",
        default=None,
        metavar="S",
        help="many-state --data: the table's symmetry (Golly's names; default: the weakest under "
        "which every class was observed, else the largest the data allow)",
    )
    reading_options(p)
    p.set_defaults(func=cmd_learn)
