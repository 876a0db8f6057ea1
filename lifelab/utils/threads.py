"""CPU threads: torch's while lifelab's models train and run; the CPU engines, and numba's threads for the
compiled one."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

import torch

__all__ = ["ENGINES", "at_most_threads", "compiled_threads", "model_threads"]


MODEL_THREADS = 1
"""torch's intra-op threads while lifelab trains or runs its models on the CPU.

Measured by ``bench/threads.py`` on a 2-core CPU: models of about a
thousand parameters on 32x32 boards are no faster on two threads than on
one when the machine is quiet, and several times slower when another
process keeps a core busy; and reductions split over a machine-dependent
number of threads change the last bits of the results.  Every lifelab call
that trains or runs a model (:func:`lifelab.learning.training.train`,
:func:`lifelab.learning.models.predict`, :func:`lifelab.learning.training.evaluate`, the
extraction, the loop, the sweep) runs inside :func:`model_threads`; the
caller's own torch setting is left as it was.
"""


@contextlib.contextmanager
def model_threads() -> Iterator:
    """Run torch on :data:`MODEL_THREADS` CPU threads (the caller's setting is restored after).

    Also a decorator.  With one thread the same seed gives the same numbers
    whatever the machine's thread count.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(MODEL_THREADS)
    try:
        yield
    finally:
        torch.set_num_threads(before)


#: The CPU engines (:func:`lifelab.engines.simulation`, a rule table's ``next_states``): numba-compiled loops (the
#: default), and the numpy reference.
ENGINES = ("compiled", "numpy")

_cap: list[int] = []  # the innermost at_most_threads() limit, if any


@contextlib.contextmanager
def compiled_threads() -> Iterator:
    """numba's threads for the calling thread set to the CPUs this process may use (restored after)."""
    import numba as nb  # here: numba loads with the first compiled kernel, not with every lifelab import

    before = nb.get_num_threads()
    # numba.config sets its options through globals(), which its type information does not show
    limit = min(len(os.sched_getaffinity(0)), nb.config.NUMBA_NUM_THREADS, *_cap[-1:])  # type: ignore[attr-defined]
    nb.set_num_threads(max(1, limit))
    try:
        yield
    finally:
        nb.set_num_threads(before)


@contextlib.contextmanager
def at_most_threads(n: int) -> Iterator:
    """Within the block, the compiled kernels use at most ``n`` threads (processes sharing the cores)."""
    _cap.append(max(1, int(n)))
    try:
        yield
    finally:
        _cap.pop()
