"""Free text as the store keeps it: cleaned (lentera.core.forms) and redacted (lentera.core.privacy)."""

from __future__ import annotations

from lentera.core import forms
from lentera.core.privacy import redact_text


def redact_fields(**fields) -> dict[str, str | None]:
    """Cleaned, redacted free text per field (None when empty). The raw text is never stored."""
    cleaned = {k: forms.clean_text(v) for k, v in fields.items()}
    return {k: None if v is None else redact_text(v) for k, v in cleaned.items()}


def redact(value) -> str | None:
    """One cleaned, redacted text (None when empty)."""
    return redact_fields(text=value)["text"]
