"""Small helpers shared by every module: argument checks, devices, seeding, threads, atomic writes, bounded memory.

One concept a module; they import only :mod:`lifelab.errors` and each other:

- :mod:`~lifelab.utils.checks`: argument checks (:func:`check_int`,
  :func:`check_number`), and the constraints a setting declares once
  (:class:`Whole`, :class:`Real`, :class:`OneOf`, :class:`Flag`,
  :class:`PairOf`, :class:`Text`, :class:`Checked`) that :func:`validate`
  checks a value against;
- :mod:`~lifelab.utils.devices`: where and in what precision models compute
  (:func:`get_device`, :data:`MODEL_DTYPE`), one-hot boards, eval mode;
- :mod:`~lifelab.utils.seeds`: seeding a notebook, and seeded or
  deterministic blocks that leave the global state as they found it;
- :mod:`~lifelab.utils.threads`: torch's threads for the models
  (:data:`~lifelab.utils.threads.MODEL_THREADS`), the CPU engines, numba's
  threads for the compiled one;
- :mod:`~lifelab.utils.files`: the package's version, its data folder,
  atomic writes;
- :mod:`~lifelab.utils.memory`: the most cells a reader takes, and
  allocations refused before they outgrow the free memory;
- :mod:`~lifelab.utils.console`: tables, short labels, progress bars.
"""

from lifelab.utils.checks import (
    Checked,
    Flag,
    OneOf,
    PairOf,
    Real,
    Text,
    Whole,
    ascii_digits,
    check_int,
    check_number,
    validate,
)
from lifelab.utils.console import format_table, progress_bar, shorten
from lifelab.utils.devices import MODEL_DTYPE, device_of, dtype_of, eval_mode, get_device, model_states, one_hot
from lifelab.utils.files import atomic_path, data_dir, lifelab_version
from lifelab.utils.memory import MAX_CELLS, available_memory, check_allocation
from lifelab.utils.seeds import deterministic, seed_everything, seeded
from lifelab.utils.threads import ENGINES, at_most_threads, compiled_threads, model_threads

__all__ = [
    "ENGINES",
    "MAX_CELLS",
    "MODEL_DTYPE",
    "Checked",
    "Flag",
    "OneOf",
    "PairOf",
    "Real",
    "Text",
    "Whole",
    "ascii_digits",
    "at_most_threads",
    "compiled_threads",
    "atomic_path",
    "available_memory",
    "check_allocation",
    "check_int",
    "check_number",
    "data_dir",
    "deterministic",
    "device_of",
    "dtype_of",
    "eval_mode",
    "format_table",
    "get_device",
    "lifelab_version",
    "model_states",
    "model_threads",
    "one_hot",
    "progress_bar",
    "seed_everything",
    "seeded",
    "shorten",
    "validate",
]
