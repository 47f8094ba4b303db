"""One typed error family: every expected failure carries a translation key and its parameters.

The web layer turns any `LenteraError` into a message in one place (`lentera.web.ui.show_error`);
the developer text (`str(exc)`) stays in logs and never reaches a visitor.
"""

from __future__ import annotations

from lentera.core.i18n import has, t


class LenteraError(Exception):
    """Base of Lentera's expected errors: `key` names the message in lentera/locales/."""

    key = "errors.unexpected"

    def __init__(self, detail: str = "", *, key: str | None = None, **params) -> None:
        super().__init__(detail or (key or self.key))
        if key is not None:
            self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        """The visitor's message in `lang` (the current language); a missing key falls back."""
        key = self.key if has(self.key) else LenteraError.key
        return t(key, lang=lang, **self.params)


class WarehouseUnavailableError(LenteraError):
    """The warehouse file is missing or unreadable (run `make run` or `python -m etl load`)."""

    key = "errors.warehouse_unavailable"


class StoreUnavailableError(LenteraError):
    """The submissions store could not be reached in time."""

    key = "errors.store_unavailable"


class NotFoundError(LenteraError):
    """The thing asked for (a ticket, a dataset, a path) does not exist."""

    key = "errors.not_found"


class RefusedError(LenteraError):
    """An action that the rules do not allow (wrong role, wrong status, wrong office)."""

    key = "errors.refused"


class InvalidInputError(LenteraError):
    """Input that fails validation (a form field, a URL parameter)."""

    key = "errors.invalid_input"
