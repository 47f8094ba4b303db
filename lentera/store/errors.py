"""The store's typed errors (one module, so every store module can raise them without a circle)."""

from __future__ import annotations


class SubmissionError(Exception):
    """A submission could not be stored or changed (or the store is busy)."""


class SubmissionValidationError(SubmissionError):
    """The form data is invalid; `errors` is `{field: message_key}` (see lentera.core.forms)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}={v}" for k, v in errors.items()))
        self.errors = errors


class SubmissionNotFoundError(SubmissionError):
    """No submission has this ticket number (or the caller may not see it)."""


class TransitionError(SubmissionError):
    """The submission's current status does not allow this change."""
