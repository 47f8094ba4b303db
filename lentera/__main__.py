"""`python -m lentera …`: accounts and audit commands (see lentera.cli)."""

import sys

from lentera.cli import main

sys.exit(main())
