"""`python -m lentera …`: accounts, audit and photo-sweep commands (see lentera.cli)."""

import sys

from lentera.cli import main

sys.exit(main())
