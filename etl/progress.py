"""Progress for long ETL steps: a rich spinner on a terminal, plain lines in CI or a pipe."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager


def interactive() -> bool:
    """True on a terminal outside CI (rich output); False in CI=true or when piped."""
    return sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("true", "1")


class Progress:
    """Announces steps; `enabled=False` keeps quiet (tests, in-process callers)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._console = None
        if enabled and interactive():
            from rich.console import Console

            self._console = Console(stderr=True)

    @contextmanager
    def step(self, text: str):
        """Show `text` while the block runs, then how long it took."""
        if not self.enabled:
            yield
            return
        start = time.perf_counter()
        if self._console is not None:
            with self._console.status(text):
                yield
            self._console.log(f"{text} ({time.perf_counter() - start:.1f} s)")
        else:
            print(f"… {text}", file=sys.stderr, flush=True)
            yield
            print(f"✓ {text} ({time.perf_counter() - start:.1f} s)", file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        """One line of information."""
        if not self.enabled:
            return
        if self._console is not None:
            self._console.log(text)
        else:
            print(text, file=sys.stderr, flush=True)
