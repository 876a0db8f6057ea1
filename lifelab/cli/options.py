"""Options made from settings fields, and the settings they give back: the command line's reading of
:mod:`lifelab.loop.settings`."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from lifelab.errors import InputError
from lifelab.loop import help_text
from lifelab.utils import Flag, OneOf

__all__ = ["_positive", "settings_from", "settings_options"]


def _argument(parse):
    """An argparse type from a constraint's reading of text: an InputError becomes argparse's usage error."""

    def convert(text: str):
        try:
            return parse(text)
        except InputError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def settings_options(parser: argparse.ArgumentParser, settings: type, names=None, flags: dict | None = None) -> None:
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


def settings_from(args: argparse.Namespace, settings: type):
    """The settings the options of :func:`settings_options` gave (the fields the command line does not offer at
    their defaults)."""
    return settings(
        **{entry.name: getattr(args, entry.name) for entry in dataclasses.fields(settings) if hasattr(args, entry.name)}
    )


def _positive(text: str) -> int:
    """A positive whole number: an argparse type (argparse's messages name it, as ``invalid _positive value``)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value
