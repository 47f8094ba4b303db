"""Formatting in both languages, and the translation files: complete, and every used key exists."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from lentera.core import fmt, i18n, schema
from lentera.core.i18n import LANGS, t

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (1.96e12, "id", "Rp1,96 T"),
    (212.3e9, "id", "Rp212,3 M"),
    (45.2e6, "id", "Rp45,2 jt"),
    (1.96e12, "en", "IDR 1.96 tn"),
    (212.3e9, "en", "IDR 212.3 bn"),
    (Decimal("1960000000000.00"), "id", "Rp1,96 T"),
    (None, "id", "–"),
])
def test_rupiah_compact(value, lang, expected):
    assert fmt.rupiah(value, lang=lang) == expected


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (500000, "id", "Rp500.000,00"),
    (500000, "en", "IDR 500,000.00"),
    (1234567.89, "id", "Rp1.234.567,89"),
])
def test_rupiah_full(value, lang, expected):
    assert fmt.rupiah_full(value, lang=lang) == expected


@pytest.mark.parametrize(("value", "decimals", "lang", "expected"), [
    (1234567, 0, "id", "1.234.567"),
    (1234567, 0, "en", "1,234,567"),
    (0.853, None, "id", "85,3%"),
    (0.853, None, "en", "85.3%"),
])
def test_number_and_percent(value, decimals, lang, expected):
    if decimals is None:
        assert fmt.percent(value, lang=lang) == expected
    else:
        assert fmt.number(value, decimals, lang=lang) == expected


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (dt.date(2025, 8, 17), "id", "17 Agustus 2025"),
    (dt.date(2025, 8, 17), "en", "17 August 2025"),
    ("2025-08-17", "id", "17 Agustus 2025"),
    (dt.datetime(2025, 8, 17, 14, 5), "id", "17 Agustus 2025 14.05"),
])
def test_dates(value, lang, expected):
    show = fmt.datetime if isinstance(value, dt.datetime) else fmt.date
    assert show(value, lang=lang) == expected


@given(st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False))
def test_indonesian_number_reads_back_with_babel(value):
    """What we write, a standard Indonesian parser reads as the same amount."""
    text = fmt.number(value, 2, lang="id")
    assert parse_decimal(text, locale="id_ID") == value


# --- locale files ----------------------------------------------------------------------------


def locale_files() -> dict[str, dict]:
    folder = resources.files("lentera").joinpath("locales")
    return {p.name[:-5]: tomllib.loads(p.read_text("utf-8"))
            for p in folder.iterdir() if p.name.endswith(".toml")}


def test_every_key_has_every_language():
    files = locale_files()
    assert {"common", "pages", "beranda", "tentang"} <= set(files)
    missing = [f"{ns}.{key} [{lang}]"
               for ns, entries in files.items() for key, entry in entries.items()
               for lang in LANGS
               if not isinstance(entry, dict) or not str(entry.get(lang, "")).strip()]
    assert not missing, f"untranslated: {missing}"


def test_placeholders_match_across_languages():
    """`{name}` fields are the same in both languages (a missing one would raise at run time)."""
    field = re.compile(r"(?<!\{)\{([a-z_]+)\}")
    wrong = [f"{ns}.{key}" for ns, entries in locale_files().items()
             for key, entry in entries.items() if isinstance(entry, dict)
             and len({frozenset(field.findall(entry.get(lang, ""))) for lang in LANGS}) > 1]
    assert not wrong


# t("ns.key") and t('ns.key') literals; f-strings are checked by the vocabulary test below.
T_LITERAL = re.compile(r"""\bt\(\s*(["'])([a-z_]+\.[a-z0-9_]+)\1\s*[,)]""")


def source_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
            *sorted(p for p in (ROOT / "lentera").rglob("*.py") if p.name != "i18n.py")]


def test_every_t_literal_exists():
    used = {(path.relative_to(ROOT).as_posix(), m.group(2))
            for path in source_files() for m in T_LITERAL.finditer(path.read_text("utf-8"))}
    assert len(used) > 50
    missing = sorted(f"{where}: {key}" for where, key in used if not i18n.has(key))
    assert not missing, f"keys used but not defined: {missing}"


def test_status_vocabulary_is_translated():
    """Pages build `common.status_<status>` from the data: every status has a label."""
    for status in schema.STATUS_PENGADUAN:
        assert i18n.has(f"common.status_{status}"), status
        assert t(f"common.status_{status}", lang="id") != t(f"common.status_{status}", lang="en")


def test_set_lang_falls_back_to_indonesian():
    try:
        assert i18n.set_lang("en") == "en"
        assert i18n.set_lang("xx") == "id"
        assert i18n.set_lang(None) == "id"
    finally:
        i18n.set_lang("id")
