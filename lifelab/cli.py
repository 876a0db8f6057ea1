"""The ``lifelab`` command line: the headless main job.

    lifelab learn B36/S23 --model tied --group p4m --seed 0
    lifelab learn --data trajectories.npz
    lifelab learn --data life.gif --dead black
    lifelab read talk.mp4 --show grid.png --save talk.npz
    lifelab learn --data loops.npz --unlisted unchanged --export learned.rule
    lifelab simulate HighLife --boards 256 --size 64 --steps 100
    lifelab rules
    lifelab show B2/S013V

Bad input (:class:`lifelab.errors.InputError`) ends with a one-line error on
stderr and exit status 2.  ``learn`` exits with 0 only when the data determine
the rule (identified, identified within the stated family, or explained with
noise), with 3 when they leave it underdetermined and with 1 when they are
inconsistent.  Any other exception is a bug in lifelab: its traceback and a
request to report it go to stderr, with exit status 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
import traceback
from typing import Any

import numpy as np

from lifelab.engines import random_boards, simulate
from lifelab.errors import InputError
from lifelab.evidence import decide_table, reading_clause, reading_sentence
from lifelab.evidence.tables import TABLE_NEIGHBOURHOODS
from lifelab.geometry import HROT_NEIGHBOURHOODS, LTL_NEIGHBOURHOODS
from lifelab.io import PALETTES, REPEATS, read_recording, save_trajectories
from lifelab.io.rle import load_rle, place
from lifelab.learning import DEFAULT_MODEL, REGISTRY, model_spec
from lifelab.loop import (
    DEFAULT_SIZE,
    LOOP,
    LoopSettings,
    SweepSettings,
    fit_table_network,
    help_text,
    learn_rule,
    learn_table,
    learner_names,
)
from lifelab.rules import (
    GenerationsRule,
    HROTRule,
    LtLRule,
    NotTotalisticError,
    StochasticRule,
    TableRule,
    count_runs,
    named_rules,
    parse_rule,
    rule_states,
    save_rule_file,
)
from lifelab.sweep import (
    COLUMNS,
    MAP_COLUMNS,
    SAMPLED_FAMILIES,
    all_rules,
    compact,
    family_of,
    plan,
    random_rules,
    read_store,
    sweep,
)
from lifelab.utils import Flag, OneOf, ascii_digits, atomic_path, get_device, lifelab_version


def _describe(rule) -> list[str]:
    lines = [f"rule          {rule}" + (f"  ({rule.name})" if rule.name and rule.name != str(rule) else "")]
    if isinstance(rule, TableRule):
        form = (
            f"a table of {len(rule.transitions)} transitions, symmetries {rule.symmetries}"
            if rule.tree is None
            else f"a tree of {len(rule.tree)} nodes"
        )
        lines += [
            f"family        Golly rule table, {rule.states} states: {form}",
            f"neighbourhood {rule.neighbourhood}: {len(rule.offsets) - 1} neighbours, "
            f"{rule.configurations:,} configurations (unlisted ones leave the cell unchanged)",
        ]
    elif isinstance(rule, LtLRule):
        lines += [
            f"family        Larger than Life, range {rule.range}, {rule.states} states",
            f"neighbourhood {LTL_NEIGHBOURHOODS[rule.neighbourhood]}: {rule.size} cells"
            + (" and the cell itself" if rule.middle else ""),
            f"birth         live count {rule.birth[0]}..{rule.birth[1]}",
            f"survival      live count {rule.survival[0]}..{rule.survival[1]}",
        ]
    elif isinstance(rule, HROTRule):
        weighted = rule.neighbourhood == "W"
        lines += [
            "family        HROT"
            + (" (written as Larger than Life)" if rule.ltl else "")
            + f", range {rule.range}, {rule.states} states",
            f"neighbourhood {HROT_NEIGHBOURHOODS[rule.neighbourhood]}: {len(rule.offsets)} cells"
            + (f", counts up to {rule.size}" if weighted else " with the cell itself"),
            f"birth         count {count_runs(rule.birth) or '(none)'}",
            f"survival      count {count_runs(rule.survival) or '(none)'}"
            + ("" if weighted or rule.middle else " (the cell itself not counted)"),
        ]
    elif isinstance(rule, StochasticRule):
        lines += [
            "family        stochastic: each class alive next with a probability",
            f"nearest       {rule.base} (alive where the chance is above one half)",
        ]
        lines += [f"class         {name}: alive next with probability {p:g}" for name, p in rule.exceptions.items()]
    else:
        two_state = rule.rule if isinstance(rule, GenerationsRule) else rule
        if isinstance(rule, GenerationsRule):
            lines.append(f"family        Generations, {rule.states} states (2..{rule.states - 1} dying)")
        try:
            lines.append(f"neighbourhood {two_state.neighbourhood}")
            lines.append(f"birth         {list(two_state.birth)}")
            lines.append(f"survival      {list(two_state.survival)}")
        except NotTotalisticError:
            lines.append("neighbourhood none (not outer-totalistic)")
            try:
                lines.append(f"isotropic     {two_state.to_hensel()}")
            except NotTotalisticError:
                pass
        lines.append(f"MAP           {two_state.to_map()}")
    if rule.grid is not None:
        what = "torus" if rule.grid.kind == "T" else "plane"
        lines.append(
            f"{what:<13s} {rule.grid.width} wide, {rule.grid.height} high"
            + ("" if rule.grid.kind == "T" else " (bounded: the outside is dead)")
        )
    return lines


def _period(trajectory: np.ndarray, max_period: int) -> int | None:
    """Smallest p <= max_period with the last board equal to the one p steps earlier."""
    last = trajectory[-1]
    for p in range(1, min(max_period, len(trajectory) - 1) + 1):
        if np.array_equal(trajectory[-1 - p], last):
            return p
    return None


def cmd_simulate(args) -> int:
    """Simulate a rule on random boards, or a pattern file centred on one board, and print a summary."""
    rule = parse_rule(args.rule)
    if args.size is not None and len(args.size) > 2:
        raise InputError(f"--size is N (N x N) or W H, got {len(args.size)} numbers")
    width, height = (
        (rule.grid.width, rule.grid.height)
        if rule.grid is not None and args.size is None
        else (args.size[0], args.size[-1])
        if args.size is not None
        else (64, 64)
    )
    states = rule_states(rule)
    if args.pattern is not None:
        pattern, _ = load_rle(args.pattern)
        if pattern.max(initial=0) >= states:
            raise InputError(f"{args.pattern} has state {pattern.max()}; {rule} has states 0..{states - 1}")
        at = ((height - pattern.shape[0]) // 2, (width - pattern.shape[1]) // 2)
        board = place(pattern.astype(bool if states == 2 else np.uint8), (height, width), at)
        boards, what = board[None], f"{args.pattern} centred on one {width}x{height} board"
    else:
        rng = np.random.default_rng(args.seed)
        alive = random_boards(args.boards, (height, width), density=args.density, seed=rng)
        if states == 2:
            boards = alive
        elif isinstance(rule, TableRule):  # a table's states are all its own: draw any non-zero one
            boards = np.where(alive, rng.integers(1, states, alive.shape), 0).astype(np.uint8)
        else:  # Generations and Larger than Life start from live cells; the dying states follow
            boards = alive.astype(np.uint8)
        what = f"{args.boards} x {width}x{height}, density {args.density}, seed {args.seed}"
    start = time.perf_counter()
    traj = simulate(rule, boards, args.steps, device=args.device)
    elapsed = time.perf_counter() - start
    population = (traj == 1).sum(axis=(2, 3))
    periods = [_period(t, 8) for t in traj]
    for line in _describe(rule):
        print(line)
    print(f"boards        {what}")
    print(f"steps         {args.steps}")
    print(f"population    start {population[:, 0].mean():.1f}, end {population[:, -1].mean():.1f} (mean per board)")
    print(f"died out      {np.mean(population[:, -1] == 0):.0%} of boards")
    print(f"settled       {np.mean([p is not None for p in periods]):.0%} of boards in a cycle of period <= 8")
    cells = len(boards) * width * height * args.steps
    print(f"speed         {cells / max(elapsed, 1e-9):.3g} cell updates/s ({elapsed:.3f} s)")
    if args.save is not None:
        path = save_trajectories(args.save, traj, {"rule": str(rule), "steps": args.steps}, overwrite=True)
        print(f"saved         {path} (states 0..{states - 1})")
    return 0


def cmd_rules(args) -> int:
    """List the registry of named rules."""
    kind = None
    for entry in named_rules(studied_only=args.studied, kind=None):
        if entry.kind != kind:
            kind = entry.kind
            print(f"{kind}:")
        mark = "*" if entry.studied else " "
        print(f"{mark} {entry.name:<20} {entry.rulestring:<34} {entry.description}")
    print("* = studied in the research programme")
    return 0


def cmd_show(args) -> int:
    """Print every notation of one rule."""
    for line in _describe(parse_rule(args.rule)):
        print(line)
    return 0


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
        raise InputError("--dead, --palette, --key, --axes and --repeats say how to read --data")
    if args.data is not None:
        source = _read(args)
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
    settings = _settings(args, LoopSettings).but(shape=shape, boundary=boundary)
    report = learn_rule(
        source, args.model, settings, device=device, progress=sys.stderr.isatty(), on_round=_print_round
    )
    print(report.summary())
    _export(args.export, report.rule, report.verdict)
    return report.verdict.exit_code


#: The options of ``learn --data`` and ``read`` that say how to read a recording.
READING_OPTIONS = ("dead", "palette", "key", "axes", "repeats")


def _read(args):
    """The recording ``--data`` (or ``read``'s file) names, read as its options say."""
    return read_recording(
        getattr(args, "data", None) or args.file,
        dead=args.dead,
        palette=args.palette,
        key=args.key,
        axes=args.axes,
        repeats=args.repeats or "auto",
        progress=sys.stderr.isatty(),
    )


def cmd_read(args) -> int:
    """``lifelab read``: read a recording and say how; draw the grid found, save the trajectories."""
    recording = _read(args)
    print(recording.summary())
    if args.show is not None:
        if not args.show.lower().endswith(".png"):
            raise InputError(f"--show writes a PNG picture, got {args.show!r}")
        import matplotlib.pyplot as plt

        fig = recording.plot()
        with atomic_path(args.show) as tmp:
            fig.savefig(tmp, format="png", dpi=150, bbox_inches="tight")
        plt.close(fig)
        print(f"shown         {args.show}: the grid found over the first frame read")
    if args.save is not None:
        meta = {"source": recording.source}
        if recording.reading is not None:
            meta["reading"] = recording.reading.describe()
        path = save_trajectories(args.save, recording.trajectories, meta, overwrite=True)
        print(f"saved         {path}")
    return 0


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


def cmd_sweep(args: argparse.Namespace) -> int:
    """``lifelab sweep``: run rules x seeds x models into a Parquet store and print what it found."""
    rules = list(args.rules or []) + ([entry.rulestring for entry in named_rules(kind=None)] if args.registry else [])
    families = [family_of(rule) for rule in rules]
    if args.random:
        family, count = args.random
        if not ascii_digits(count):
            raise InputError(f"--random {family} N: N must be a whole number, got {count!r}")
        drawn = random_rules(family, int(count), seed=args.rule_seed)
        rules, families = rules + drawn, families + [family] * len(drawn)
    if args.all:
        listed = all_rules(args.all)
        rules, families = rules + listed, families + [args.all] * len(listed)
    if not rules:
        raise InputError("no rules: give rulestrings, --registry, --random FAMILY N or --all FAMILY")
    trials = plan(
        rules,
        range(args.seeds),
        args.models,
        families=families,
        size=args.size,
        steps=args.steps,
        density=args.density,
        max_rounds=args.max_rounds,
    )
    print(
        f"{len(trials)} trials: {len(rules)} rules x {args.seeds} seeds x {len(args.models)} models; "
        f"store {args.store}; backend {args.backend}, {args.workers} workers, batches of {args.batch_size}"
    )
    result = sweep(
        trials,
        args.store,
        backend=args.backend,
        workers=args.workers,
        batch_size=args.batch_size,
        address=args.address,
        device=args.device,
    )
    print(result.summary())
    if result.interrupted:
        print("stopped early: every finished batch is stored; run the same command again to resume")
        return 130
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    """``lifelab compact``: a store rewritten as one compressed part holding the columns a map needs."""
    part = compact(args.store, args.out, args.columns)
    print(f"{len(read_store(args.out))} trials, {len(args.columns)} columns: {part} ({part.stat().st_size:,} bytes)")
    return 0


def _argument(parse):
    """An argparse type from a constraint's reading of text: an InputError becomes argparse's usage error."""

    def convert(text: str):
        try:
            return parse(text)
        except InputError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def _options(parser: argparse.ArgumentParser, settings: type, names=None, flags: dict | None = None) -> None:
    """Options made from settings fields (:mod:`lifelab.loop.settings`): each one's default, help, type and choices
    are its declaration's.

    Args:
        parser: The subcommand's parser.
        settings: :class:`~lifelab.loop.LoopSettings` or :class:`~lifelab.loop.SweepSettings`.
        names: The fields to offer (default all of them), in the settings' order.
        flags: Flags other than ``--field-name`` (``{"batch_size": "--batch"}``).
    """
    defaults, flags = settings(), flags or {}
    for entry in dataclasses.fields(settings):
        if names is not None and entry.name not in names:
            continue
        rule = next(c for c in entry.metadata["constraints"] if c is not None)
        flag = flags.get(entry.name, "--" + entry.name.replace("_", "-"))
        default = getattr(defaults, entry.name)
        if isinstance(rule, Flag):
            parser.add_argument(
                f"--no-{flag[2:]}",
                dest=entry.name,
                action="store_false",
                default=default,
                help=f"do not {entry.metadata['help']}",
            )
            continue
        options: dict[str, Any] = {}
        choices = rule.values if isinstance(rule, OneOf) else getattr(rule, "choices", None)
        if choices is not None:
            options["choices"] = list(choices)
        if getattr(rule, "parse", None) is not None:
            options["type"] = _argument(rule.parse)
        parser.add_argument(flag, dest=entry.name, default=default, help=help_text(settings, entry.name), **options)


def _settings(args: argparse.Namespace, settings: type):
    """The settings the options of :func:`_options` gave (the fields the command line does not offer at their
    defaults)."""
    return settings(
        **{entry.name: getattr(args, entry.name) for entry in dataclasses.fields(settings) if hasattr(args, entry.name)}
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """The options that say how to read a recording (:func:`lifelab.io.read_recording`)."""
    parser.add_argument(
        "--dead",
        metavar="COLOUR",
        default=None,
        help="the colour (#000000, black) or value that is dead, state 0 (default: chosen, and "
        "stated: a picture does not say which colour is alive)",
    )
    parser.add_argument(
        "--palette",
        metavar="P",
        default=None,
        help="the colours of states 0, 1, ... ('#303030,#ffffff') or a palette: " + ", ".join(PALETTES),
    )
    parser.add_argument("--key", metavar="NAME", default=None, help="the array to read from an .npz holding several")
    parser.add_argument(
        "--axes",
        metavar="ORDER",
        default=None,
        help="the order of an array's axes, letters of NTHWC (e.g. HWT); default (N)THW, or HWT "
        "when only that order is local in time",
    )
    parser.add_argument(
        "--repeats",
        choices=list(REPEATS),
        default=None,
        help="runs of equal boards: auto (collapse repeated frames of pictures and videos, keep "
        "arrays' boards), collapse, keep (every frame a generation)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lifelab`` command."""
    parser = argparse.ArgumentParser(prog="lifelab", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

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
    _options(p, LoopSettings, [entry.name for entry in dataclasses.fields(LoopSettings) if entry.name != "shape"])
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
    _reading_options(p)
    p.set_defaults(func=cmd_learn)

    p = sub.add_parser("read", help="read a recording (pictures, video, arrays) and say how: grid, colours, frames")
    p.add_argument("file", help="a picture, a video, a folder of frames, or an array (.npz, .npy)")
    _reading_options(p)
    p.add_argument("--show", metavar="FILE.png", default=None, help="draw the grid found over the first frame read")
    p.add_argument("--save", metavar="FILE.npz", default=None, help="save the trajectories read (lifelab's .npz)")
    p.set_defaults(func=cmd_read)

    p = sub.add_parser("simulate", help="simulate a rule on random boards (or a pattern) and print a summary")
    p.add_argument("rule", help="rulestring (B3/S23, B2/S013V, MAP...), name (HighLife) or Golly .rule file")
    p.add_argument("--boards", type=_positive, default=256, help="number of random boards (default 256)")
    p.add_argument(
        "--pattern",
        metavar="FILE.rle",
        default=None,
        help="start from this pattern, centred on one board, instead of random boards",
    )
    p.add_argument(
        "--size",
        type=_positive,
        nargs="+",
        metavar="N",
        default=None,
        help="board side N, or width and height W H (default: the rule's :Tw,h torus, else 64)",
    )
    p.add_argument(
        "--save", metavar="FILE.npz", default=None, help="save the trajectories (what `lifelab learn --data` reads)"
    )
    p.add_argument("--steps", type=int, default=100, help="steps (default 100)")
    p.add_argument("--density", type=float, default=0.5, help="initial live-cell density (default 0.5)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--device", default=None, help="torch device (cuda, cpu); default: bit-packed numpy")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("sweep", help="learn many rules (rules x seeds x models) into a Parquet store; resumable")
    p.add_argument("rules", nargs="*", help="rulestrings or names")
    p.add_argument("--registry", action="store_true", help="every rule of the registry")
    p.add_argument(
        "--random",
        nargs=2,
        metavar=("FAMILY", "N"),
        help="N seeded random rules of a family: " + ", ".join(SAMPLED_FAMILIES),
    )
    p.add_argument("--all", metavar="FAMILY", help="every B/S rule of a family: vonneumann (1,024) or moore (262,144)")
    p.add_argument("--rule-seed", type=int, default=0, help="seed of --random (default 0)")
    p.add_argument("--seeds", type=_positive, default=1, help="loop seeds 0..N-1 per rule (default 1)")
    p.add_argument("--models", nargs="+", default=["tied"], choices=learner_names(), help="learners (default tied)")
    p.add_argument("--store", required=True, help="directory of the Parquet store (created; resumed if it exists)")
    _options(p, SweepSettings, flags={"batch_size": "--batch"})
    _options(p, LoopSettings, ["max_rounds", "steps", "density"])
    p.add_argument("--size", type=_positive, default=DEFAULT_SIZE, help=f"board side (default {DEFAULT_SIZE})")
    p.add_argument("--device", default=None, help="torch device (cuda, cpu); default: GPU if there is one")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("compact", help="rewrite a sweep store as one compressed Parquet part (to commit a map)")
    p.add_argument("store", help="the sweep store to read")
    p.add_argument("out", help="a new directory for the compact store")
    p.add_argument(
        "--columns",
        nargs="+",
        default=list(MAP_COLUMNS),
        choices=list(COLUMNS),
        metavar="COLUMN",
        help="columns to keep (default: " + " ".join(MAP_COLUMNS) + ")",
    )
    p.set_defaults(func=cmd_compact)

    p = sub.add_parser("rules", help="list the named rules")
    p.add_argument("--studied", action="store_true", help="only the nine studied rules")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("show", help="print every notation of a rule")
    p.add_argument("rule")
    p.set_defaults(func=cmd_show)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: Arguments (without the program name); default ``sys.argv[1:]``.

    Returns:
        0 on success (for ``learn``: the data determine the rule), 3 when ``learn``'s data leave the rule
        underdetermined, 1 when they are inconsistent, 2 on bad input, 130 when interrupted, 141 when the
        output pipe closed early; 1 with a traceback on stderr for a bug in lifelab.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"lifelab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("lifelab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `lifelab learn ... | head`: stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:  # anything else is lifelab's fault, not the user's: keep the traceback
        traceback.print_exc()
        print(
            f"lifelab: internal error (a bug in lifelab {lifelab_version()}); please report it with the command "
            "you ran and the traceback above",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
