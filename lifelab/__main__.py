"""``python -m lifelab``: the same as the ``lifelab`` command."""
import sys

from lifelab.cli import main

sys.exit(main())
