"""``python -m lifelab.cli``: the same as the ``lifelab`` command, as when the command line was one module."""

import sys

from lifelab.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
