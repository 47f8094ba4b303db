"""One translation layer: `t("namespace.key", **fmt)` in Bahasa Indonesia (default) or English.

Strings live in `lentera/locales/<namespace>.toml`, each key with both languages side by side:

    [title]
    id = "Anggaran"
    en = "Budget"
"""

from __future__ import annotations

import contextvars
import tomllib
from functools import lru_cache
from importlib import resources

LANGS = ("id", "en")
DEFAULT_LANG = "id"
_lang: contextvars.ContextVar[str] = contextvars.ContextVar("lentera_lang", default=DEFAULT_LANG)


def set_lang(lang: str | None) -> str:
    """Set the language for this script run; unknown values fall back to Indonesian."""
    value = lang if lang in LANGS else DEFAULT_LANG
    _lang.set(value)
    return value


def get_lang() -> str:
    return _lang.get()


@lru_cache(maxsize=64)
def _namespace(ns: str) -> dict[str, dict[str, str]]:
    try:
        text = resources.files("lentera").joinpath("locales", f"{ns}.toml").read_text("utf-8")
    except FileNotFoundError:
        return {}
    return tomllib.loads(text)


def namespaces() -> list[str]:
    folder = resources.files("lentera").joinpath("locales")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def t(key: str, lang: str | None = None, **fmt) -> str:
    """Translate `namespace.key`; a missing key shows itself (visible, never a crash)."""
    ns, _, name = key.partition(".")
    entry = _namespace(ns).get(name)
    if not isinstance(entry, dict):
        return key
    text = entry.get(lang or get_lang()) or entry.get(DEFAULT_LANG) or key
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    ns, _, name = key.partition(".")
    return isinstance(_namespace(ns).get(name), dict)
