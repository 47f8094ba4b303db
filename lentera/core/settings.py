"""The one settings table: every environment variable Lentera reads, its default and meaning.

`lentera.core.config` is the only reader of the environment and reads through `value()`; the
README's Configuration table is checked against this table by tests/test_settings.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One environment variable: name, default as documented, and what it does."""

    name: str
    default: str
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting("LENTERA_DATA_DIR", "./data",
            "where raw files, the warehouse and the submissions live"),
    Setting("LENTERA_WAREHOUSE", "$LENTERA_DATA_DIR/warehouse.duckdb",
            "the DuckDB warehouse (read-only for the app)"),
    Setting("LENTERA_SUBMISSIONS_URL", "sqlite:///$LENTERA_DATA_DIR/submissions.sqlite",
            "citizen submissions (SQLAlchemy URL; PostgreSQL for several replicas)"),
    Setting("LENTERA_UPLOADS", "$LENTERA_DATA_DIR/uploads", "re-encoded photos"),
    Setting("LENTERA_REFERENCE", "$LENTERA_DATA_DIR/reference, else the repository's",
            "the region's reference data (region.toml, boundaries, codes, standards)"),
    Setting("LENTERA_PUBLIC_URL", "the address the browser used",
            "base of permalinks and citations behind a proxy"),
    Setting("LENTERA_MIN_CASES", "20",
            "minimum cases before an office, kecamatan or service is ranked"),
    Setting("LENTERA_PAUSE_FLAG_DAYS", "20",
            "a complaint or permit paused longer than this many working days is flagged"),
    Setting("LENTERA_RATE_LIMIT", "5", "citizen submissions per session and per address per window"),
    Setting("LENTERA_RATE_WINDOW", "600", "the rate-limit window, in seconds"),
    Setting("LENTERA_LACAK_LIMIT", "30",
            "Lacak lookups finding no ticket, per address and per device per window"),
    Setting("LENTERA_RATELIMIT_SALT", "random, kept in the store",
            "salt of the hashed addresses; set it in production"),
    Setting("LENTERA_PROCESSES", "one per core", "app processes behind nginx under `make serve`"),
    Setting("LENTERA_PORT", "8080", "the port nginx listens on under `make serve`"),
    Setting("LENTERA_TRUST_PROXY", "0",
            "`1` behind a reverse proxy: limits use the last `X-Forwarded-For` hop"),
    Setting("LENTERA_KIOSK", "0",
            "`1`: every visitor gets kiosk mode (as `?kiosk=1`): large type, four pages, idle reset"),
    Setting("LENTERA_KIOSK_IDLE", "90",
            "kiosk mode: seconds without a touch before the screen returns to the start page"),
    Setting("LENTERA_KIOSK_DESA", "none",
            "kiosk mode: the kiosk's desa code (`?desa=` overrides), recorded on its complaints"),
    Setting("LENTERA_SMTP_HOST", "none",
            "mail server for citizens' status e-mails; empty: mails wait in the store's queue"),
    Setting("LENTERA_SMTP_PORT", "587",
            "the mail server's port"),
    Setting("LENTERA_SMTP_USER", "none",
            "mail server login (none when empty)"),
    Setting("LENTERA_SMTP_PASSWORD", "none",
            "mail server password"),
    Setting("LENTERA_SMTP_FROM", "lentera@localhost",
            "sender address of citizens' e-mails"),
    Setting("LENTERA_SMTP_STARTTLS", "1",
            "`1`: STARTTLS before login and sending (`0` only for a local relay)"),
    Setting("LENTERA_CLOSE_AFTER_DAYS", "10",
            "a done complaint nobody answered \"Sudah selesai?\" for closes after this many working days"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class UnknownSettingError(KeyError):
    """A name that is not in the settings table (a typo in the code, caught by the tests)."""


def value(name: str, default: str | None = None) -> str | None:
    """The environment's value of a documented setting, else `default` (computed defaults such
    as paths are the caller's)."""
    if name not in _BY_NAME:
        raise UnknownSettingError(name)
    raw = os.environ.get(name, "").strip()
    return raw if raw else default


def child_environment(**overrides: str) -> dict[str, str]:
    """The environment to hand to a child process (the app processes of `make serve`)."""
    return {**os.environ, **overrides}


def flag(name: str) -> bool:
    """A yes/no setting: 1, true, yes or ya."""
    return (value(name) or "").lower() in ("1", "true", "yes", "ya")
