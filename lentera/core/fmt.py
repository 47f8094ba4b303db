"""Number, Rupiah and date formatting in Indonesian conventions (English as the alternative).

Indonesian: `Rp1,96 T`, `Rp212,3 M`, `Rp500.000,00`, `17 Agustus 2025`, `85,3%`.
English:    `IDR 1.96 tn`, `IDR 212.3 bn`, `IDR 500,000.00`, `17 August 2025`, `85.3%`.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from lentera.core.i18n import get_lang

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")
BULAN_PENDEK = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_UNITS_ID = ((1e12, "T"), (1e9, "M"), (1e6, "jt"), (1e3, "rb"))
_UNITS_EN = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


# Thousands and decimal separators per language (CLDR's, as Babel gives them: id "." and ",").
_SEPARATORS = {"id": (".", ","), "en": (",", ".")}


def _group(value: float, decimals: int, lang: str) -> str:
    """Digits with thousands and decimal separators for the language.

    Babel's own formatting was a tenth of a dashboard view's CPU; this does what it did — the
    float read as its shortest decimal text, rounded half-to-even — with the standard library."""
    seps = _SEPARATORS.get(lang)
    if seps is None:  # a language without a table here: Babel's CLDR data
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text = format_decimal(abs(value), format=pattern, locale=lang, decimal_quantization=True)
    else:
        exact = Decimal(repr(abs(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN)
        text = format(exact, f",.{decimals}f")
        if seps != (",", "."):
            text = text.translate(str.maketrans({",": seps[0], ".": seps[1]}))
    # a negative value that rounds to zero prints without its sign
    return ("-" if value < 0 and any(c in "123456789" for c in text) else "") + text


def number(x, decimals: int = 0, lang: str | None = None) -> str:
    """`1.234.567` (id) or `1,234,567` (en); `–` for missing."""
    if _missing(x):
        return "–"
    return _group(float(x), decimals, lang or get_lang())


def percent(x, decimals: int = 1, lang: str | None = None) -> str:
    """A ratio (0.853) as `85,3%`."""
    if _missing(x):
        return "–"
    return number(float(x) * 100, decimals, lang) + "%"


def rupiah(x, lang: str | None = None) -> str:
    """Compact Rupiah: `Rp1,96 T`, `Rp212,3 M`, `Rp45,2 jt` / `IDR 1.96 tn`."""
    if _missing(x):
        return "–"
    lang = lang or get_lang()
    value = float(x)
    units = _UNITS_ID if lang == "id" else _UNITS_EN
    prefix = "Rp" if lang == "id" else "IDR "
    sign = "-" if value < 0 else ""
    for size, name in units[:3]:
        if abs(value) >= size:
            scaled = abs(value) / size
            decimals = 2 if scaled < 10 else 1
            return f"{sign}{prefix}{_group(scaled, decimals, lang)} {name}"
    return f"{sign}{prefix}{_group(abs(value), 0, lang)}"


def rupiah_full(x, sen: bool = True, lang: str | None = None) -> str:
    """The spelling-guide form `Rp500.000,00` (id) or `IDR 500,000.00` (en)."""
    if _missing(x):
        return "–"
    lang = lang or get_lang()
    value = float(Decimal(str(x)))
    prefix = "Rp" if lang == "id" else "IDR "
    sign = "-" if value < 0 else ""
    return f"{sign}{prefix}{_group(abs(value), 2 if sen else 0, lang)}"


def month_name(month: int, short: bool = False, lang: str | None = None) -> str:
    lang = lang or get_lang()
    names = (BULAN_PENDEK if short else BULAN) if lang == "id" else (MONTHS_SHORT if short else MONTHS)
    return names[int(month) - 1]


def date(d, lang: str | None = None) -> str:
    """`17 Agustus 2025` / `17 August 2025`; accepts date, datetime or ISO string."""
    if _missing(d) or d == "":
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return format_date(d, format="d MMMM y", locale=lang or get_lang())


def datetime(d, lang: str | None = None) -> str:
    """`17 Agustus 2025 14.05` (id uses a dot in times) / `17 August 2025 14:05`."""
    if _missing(d):
        return "–"
    if isinstance(d, str):
        d = dt.datetime.fromisoformat(d)
    lang = lang or get_lang()
    sep = "." if lang == "id" else ":"
    return f"{date(d, lang)} {d.hour:02d}{sep}{d.minute:02d}"


def month_year(year: int, month: int, lang: str | None = None) -> str:
    """`Agustus 2025`."""
    return f"{month_name(month, lang=lang)} {year}"


# ---- Plotly-facing helpers: Plotly has no locale offline, so its texts are made here ----------


def separators(lang: str | None = None) -> str:
    """Plotly's `layout.separators`: decimal then thousands (`,.` id: 72,2 and 4.950)."""
    return ",." if (lang or get_lang()) == "id" else ".,"


def month_label(d, lang: str | None = None) -> str:
    """A month on a chart axis: `Mei 2026` / `May 2026` (short month names)."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return f"{month_name(d.month, short=True, lang=lang)} {d.year}"


def month_ticks(dates, most: int = 6, lang: str | None = None) -> tuple[list, list[str]]:
    """(tickvals, ticktext) for a monthly date axis: at most `most` ticks, labels in the language."""
    months = sorted({(d if not isinstance(d, str) else dt.date.fromisoformat(d[:10]))
                     for d in dates if not _missing(d)})
    step = max(1, math.ceil(len(months) / most))
    vals = months[::step]
    return vals, [month_label(d, lang) for d in vals]


def short_label(text, width: int = 22, lines: int = 2) -> str:
    """A category label for a phone: wrapped at word ends into at most `lines` lines of about
    `width` characters (`<br>` between them), cut with "…" when longer; the full text goes in
    the hover and the table."""
    if text is None:
        return ""
    words = str(text).split()
    rows: list[str] = []
    current = ""
    for word in words:
        if len(word) > width:  # one very long word: cut it so a line stays a line
            word = word[:width - 1] + "…"
        if current and len(current) + 1 + len(word) > width:
            rows.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        rows.append(current)
    if len(rows) > lines:
        last = rows[lines - 1]
        rows = rows[:lines - 1] + [(last[:width - 1].rstrip() + "…")]
    return "<br>".join(rows)
