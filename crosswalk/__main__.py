"""``python -m crosswalk`` runs the command line."""

import sys

from crosswalk.cli import main

sys.exit(main())
