"""Bounded allocation: the most cells a reader takes, and arrays refused before they outgrow the free memory."""

from __future__ import annotations

import os

from lifelab.errors import InputError

__all__ = ["MAX_CELLS", "available_memory", "check_allocation"]


#: The most cell states a pattern, or all the boards a recording is read into, may hold (a gigabyte as bytes):
#: readers refuse more before they allocate anything.
MAX_CELLS = 2**30


def available_memory() -> int:
    """Bytes of memory this process can still allocate without swapping: Linux's MemAvailable, else physical memory."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows): no limit known
        return 2**63


#: Below this many bytes an allocation is not checked against the free memory (reading it costs more).
_SMALL = 1 << 24


def check_allocation(nbytes: int, what: str) -> None:
    """Refuse, before allocating, an array that does not fit in the memory the machine has free.

    Args:
        nbytes: The size the array would take.
        what: What asks for it, for the message (a file name, ``"the history of 64 boards of 4096x4096"``).

    Raises:
        InputError: Naming ``what``, the size asked for and the memory available.
    """
    if nbytes < _SMALL:
        return
    free = available_memory()
    if nbytes > free:
        raise InputError(f"{what} needs {_bytes(nbytes)} of memory; this machine has {_bytes(free)} available")


def _bytes(n: float) -> str:
    units = ("bytes", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    power = 0
    while n >= 1000 and power < len(units) - 1:
        n, power = n / 1000, power + 1
    return f"{n:.0f} bytes" if power == 0 else f"{n:.3g} {units[power]}"
