"""Redaction of personal data (NIK/No. KK, phone numbers, e-mail) in free text (UU PDP)."""

from __future__ import annotations

import re

import polars as pl

# Rust's regex has no look-around, so a match carries the character before and after it
# (group 1 and 3) and puts them back; the pass runs twice so that back-to-back numbers that
# share one separator character are both caught.
_B = "\ue000\ue001"  # private-use markers that protect amounts while the patterns run
_BEFORE = rf"(^|[^0-9{_B}])"
_AFTER = r"([^0-9]|$)"
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# 16 digits, optionally one space, dot or dash between any two of them (6112 0517 0890 0001).
_NIK = r"[0-9](?:[ .\-]?[0-9]){15}"
# Mobile: 08…, +62 8…, 62 8…; 8-13 digits after the 0/62, optional spaces/dashes/dots.
_MOBILE = r"(?:\+62|62|0)[ .\-]?8[0-9](?:[ .\-]?[0-9]){6,11}"
# Landline with area code: (0561) 736541, 0561-736541, 021 5551234.
_LANDLINE = r"\(?0[2-9][0-9]{1,2}\)?[ .\-]?[0-9]{5,8}"
_PHONE = rf"(?:\+62[ .\-]?\(?0?\)?[ .\-]?8[0-9](?:[ .\-]?[0-9]){{6,11}}|{_MOBILE}|{_LANDLINE})"
# Amounts in thousands notation ("Rp 62.812.345.678", "1.500.000") must survive: their dots are
# swapped for a marker, one group per pass, and "Rp" puts a marker before its digits.
_RP = r"(?i)(^|[^a-z])(rp\.?\s*)([0-9])"
_THOUSANDS = r"(^|[^0-9\ue000.,])([1-9][0-9]{0,2}(?:\ue000[0-9]{3})*)\.([0-9]{3})([^0-9]|$)"
_THOUSAND_PASSES = 6


def _protect(e: pl.Expr) -> pl.Expr:
    """Text with amount dots and the start of "Rp" amounts hidden behind private-use markers."""
    e = e.str.replace_all(_RP, "${1}${2}\ue001${3}")
    for _ in range(_THOUSAND_PASSES):
        e = e.str.replace_all(_THOUSANDS, "${1}${2}\ue000${3}${4}")
    return e


def redact(e: pl.Expr) -> pl.Expr:
    """Free text with NIK/No. KK -> "[NIK]", phone numbers -> "[TELEPON]", e-mail -> "[EMAIL]"."""
    s = e.cast(pl.String).str.replace_all(_EMAIL, "[EMAIL]")
    s = _protect(s)
    for _ in range(2):
        s = s.str.replace_all(_BEFORE + "(" + _NIK + ")" + _AFTER, "${1}[NIK]${3}")
    for _ in range(2):
        s = s.str.replace_all(_BEFORE + "(" + _PHONE + ")" + _AFTER, "${1}[TELEPON]${3}")
    return s.str.replace_all("\ue000", ".", literal=True).str.replace_all("\ue001", "", literal=True)


def _re(pattern: str) -> re.Pattern:
    # Rust's `$` is the very end; Python's also matches before a final newline.
    return re.compile(pattern.replace("|$)", r"|\Z)"))


_RE_EMAIL, _RE_RP, _RE_THOUSANDS = _re(_EMAIL), _re(_RP), _re(_THOUSANDS)
_RE_NIK = _re(_BEFORE + "(" + _NIK + ")" + _AFTER)
_RE_PHONE = _re(_BEFORE + "(" + _PHONE + ")" + _AFTER)


def redact_text(s: str | None) -> str | None:
    """`redact` for one Python string (None stays None), on the same patterns with `re`.

    Forms redact one string at a time; a Polars query per call costs tens of milliseconds under
    load. tests/test_redact.py checks both give the same answer.
    """
    if s is None:
        return None
    text = _RE_EMAIL.sub("[EMAIL]", s)
    text = _RE_RP.sub("\\g<1>\\g<2>\ue001\\g<3>", text)
    for _ in range(_THOUSAND_PASSES):
        text = _RE_THOUSANDS.sub("\\g<1>\\g<2>\ue000\\g<3>\\g<4>", text)
    for _ in range(2):
        text = _RE_NIK.sub("\\g<1>[NIK]\\g<3>", text)
    for _ in range(2):
        text = _RE_PHONE.sub("\\g<1>[TELEPON]\\g<3>", text)
    return text.replace("\ue000", ".").replace("\ue001", "")
