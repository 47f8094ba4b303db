"""Ticket numbers: format, randomness source, forgiving normalisation, uniqueness on collision."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lentera.core import forms
from lentera.core.tickets import (
    ALPHABET,
    PREFIXES,
    is_canonical_ticket,
    is_valid_ticket,
    new_ticket,
    normalize_ticket,
)
from lentera.store import intake, submissions

CANONICAL = re.compile(r"^(LTR|USL)-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_new_ticket_has_the_documented_shape():
    for prefix in PREFIXES:
        t = new_ticket(prefix)
        assert CANONICAL.match(t), t
        assert t.startswith(prefix + "-")
        assert is_canonical_ticket(t) and is_valid_ticket(t)


def test_alphabet_is_crockford():
    assert len(ALPHABET) == 32 and len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_tickets_do_not_repeat_and_use_the_whole_alphabet():
    many = [new_ticket() for _ in range(20_000)]
    assert len(set(many)) == len(many)
    used = {c for t in many for c in t[4:].replace("-", "")}
    assert used == set(ALPHABET)


def test_unknown_prefix_refused():
    with pytest.raises(ValueError):
        new_ticket("ABC")


@pytest.mark.parametrize(("typed", "expected"), [
    ("LTR-7K3Q-X9PM", "LTR-7K3Q-X9PM"),
    ("ltr-7k3q-x9pm", "LTR-7K3Q-X9PM"),
    ("LTR7K3QX9PM", "LTR-7K3Q-X9PM"),
    ("  ltr 7k3q x9pm ", "LTR-7K3Q-X9PM"),
    ("LTR-7K3Q-X9PO", "LTR-7K3Q-X9P0"),     # O typed for zero
    ("LTR-7K3Q-XIPL", "LTR-7K3Q-X1P1"),     # I and L typed for one
    ("usl_0000.1111", "USL-0000-1111"),
    ("LTR–7K3Q–X9PM", "LTR-7K3Q-X9PM"),     # en dashes from a phone keyboard
])
def test_normalize_forgives_typing(typed, expected):
    assert normalize_ticket(typed) == expected
    assert is_valid_ticket(typed)


@pytest.mark.parametrize("typed", [
    None, 12345, "", "LTR", "LTR-7K3Q", "LTR-7K3Q-X9PMM", "ABC-7K3Q-X9PM",
    "LTR-7K3Q-X9PU",  # U is not a Crockford symbol
    "LTR-7K3Q-X9P!", "7K3Q-X9PM",
])
def test_normalize_refuses_non_tickets(typed):
    assert normalize_ticket(typed) is None
    assert not is_valid_ticket(typed)


def test_canonical_check_is_strict():
    assert not is_canonical_ticket("ltr-7k3q-x9pm")
    assert not is_canonical_ticket("LTR7K3QX9PM")


def _mangle(ticket: str, lower: list[bool], dashes: bool, confuse: bool) -> str:
    body = ticket[4:].replace("-", "")
    if confuse:
        body = body.replace("0", "O").replace("1", "l")
    chars = [c.lower() if lo else c for c, lo in zip(body, lower, strict=False)]
    body = "".join(chars) + body[len(chars):]
    sep = "-" if dashes else ""
    return f"{ticket[:3].lower()}{sep}{body[:4]}{sep}{body[4:]}"


@given(st.sampled_from(PREFIXES), st.lists(st.booleans(), min_size=8, max_size=8),
       st.booleans(), st.booleans())
def test_any_mangled_ticket_normalises_back(prefix, lower, dashes, confuse):
    t = new_ticket(prefix)
    assert normalize_ticket(_mangle(t, lower, dashes, confuse)) == t


@given(st.text(max_size=30))
def test_normalize_is_canonical_or_none_and_idempotent(s):
    out = normalize_ticket(s)
    assert out is None or (is_canonical_ticket(out) and normalize_ticket(out) == out)


@pytest.fixture
def store(store):
    """conftest's fresh store, created."""
    submissions.init()
    return store


def _complaint() -> dict:
    return {"kategori": "Infrastruktur", "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": forms.desa_options()[0]["kode_desa"]}


def test_collision_on_the_primary_key_draws_a_new_number(store, monkeypatch):
    first = submissions.create_pengaduan(_complaint(), [])
    drawn = iter([first, first, "LTR-AAAA-BBBB"])
    monkeypatch.setattr(intake, "new_ticket", lambda prefix: next(drawn))
    second = submissions.create_pengaduan(_complaint(), [])
    assert second == "LTR-AAAA-BBBB"
    assert submissions.submission_count() == 2
    # the first submission is untouched by the failed attempts
    assert [e["to_status"] for e in submissions.timeline(first)] == ["diterima"]
