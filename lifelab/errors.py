"""The exceptions lifelab raises when the caller's input is at fault.

:class:`InputError` is a ``ValueError`` and :class:`InputTypeError` also a
``TypeError``, so code that catches those keeps working.  The command line
answers these (and only these) with one line and exit status 2; any other
exception out of lifelab is a bug, reported with its traceback.
"""

from __future__ import annotations

__all__ = ["InputError", "InputFileNotFoundError", "InputTypeError"]


class InputError(ValueError):
    """Bad input: a value, a file or a combination of arguments lifelab cannot accept; the message names it."""


class InputTypeError(InputError, TypeError):
    """Bad input of the wrong type (a ``TypeError`` too)."""


class InputFileNotFoundError(InputError, FileNotFoundError):
    """A file the caller named does not exist (a ``FileNotFoundError`` too)."""
