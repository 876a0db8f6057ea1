"""``python -m lifelab``: the same as the ``lifelab`` command."""

import sys

from lifelab.cli import main

if __name__ == "__main__":
    sys.exit(main())
