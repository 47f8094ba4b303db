"""Tests for etl.redact: personal data goes, amounts, dates and codes stay."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lentera.core.privacy import redact, redact_text


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("NIK saya 6112051708900001 tolong", "NIK saya [NIK] tolong"),
        ("NIK: 6112 0517 0890 0001.", "NIK: [NIK]."),
        ("KK 61.12.05.170890.0001", "KK [NIK]"),
        ("NIK6112051708900001", "NIK[NIK]"),
        ("6112051708900001,6112051708900002", "[NIK],[NIK]"),
        ("hp 0812-3456-7890", "hp [TELEPON]"),
        ("wa +62 812 3456 7890!", "wa [TELEPON]!"),
        ("6281234567890", "[TELEPON]"),
        ("Telp.081234567890", "Telp.[TELEPON]"),
        ("telp (0561) 736541 kantor", "telp [TELEPON] kantor"),
        ("0812.3456.7890 dan 0813 1111 2222", "[TELEPON] dan [TELEPON]"),
        ("email budi.s@mail.co.id ya", "email [EMAIL] ya"),
        ("Hubungi A_B+x@desa.kuburaya.go.id.", "Hubungi [EMAIL]."),
    ],
)
def test_redacts_personal_data(raw, want):
    assert redact_text(raw) == want


@pytest.mark.parametrize(
    "raw",
    [
        "Anggaran Rp 1.500.000 dan Rp62.812.345.678 serta 628.123.456.789 rupiah",
        "RT 03/RW 05, tanggal 17/08/2025, 2025-08-17, kode 61.12.05.2001",
        "Rp 62812345678", "Tahun 2025 realisasi 95,20% dari Rp1,74 T",
        "rekening 5.1.01.01.01.0001 jam 07.30-08.00", "kode SKPD 1.02.0.00.0.00.01.0000",
        "sub kegiatan 1.01.02.2.01.0021, desa 6112052001", "", "Jalan rusak 300 meter",
    ],
)
def test_leaves_public_text_alone(raw):
    assert redact_text(raw) == raw


def test_none_and_frame():
    assert redact_text(None) is None
    df = pl.DataFrame({"isi": ["hp 081234567890", None]}).select(redact(pl.col("isi")))
    assert df["isi"].to_list() == ["hp [TELEPON]", None]


nik = st.from_regex(r"\A[1-9][0-9]{15}\Z")
sep = st.sampled_from(["", " ", ".", "-"])


@st.composite
def formatted_nik(draw):
    digits = draw(nik)
    s = draw(sep)
    shape = draw(st.sampled_from([(16,), (4, 4, 4, 4), (2, 2, 2, 6, 4), (6, 6, 4)]))
    out, i = [], 0
    for w in shape:
        out.append(digits[i : i + w])
        i += w
    return s.join(out)


@st.composite
def phone(draw):
    rest = draw(st.from_regex(r"\A[1-9][0-9]{8,10}\Z"))  # 8 + 9-11 digits: 10-12 after 0/62
    prefix = draw(st.sampled_from(["0", "+62 ", "62", "+62"]))
    s = draw(sep)
    body = "8" + rest
    grouped = s.join([body[:3], body[3:7], body[7:]])
    return prefix + grouped


@st.composite
def email(draw):
    user = draw(st.from_regex(r"\A[a-z][a-z0-9._]{0,10}[a-z0-9]\Z"))
    host = draw(st.from_regex(r"\A[a-z][a-z0-9]{1,10}\Z"))
    tld = draw(st.sampled_from(["com", "co.id", "go.id", "id", "org"]))
    return f"{user}@{host}.{tld}"


@st.composite
def public_fragment(draw):
    n = draw(st.integers(0, 10**13))
    y, m, d = draw(st.integers(2000, 2099)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    return draw(st.sampled_from([
        f"Rp {n:,}".replace(",", "."), f"Rp{n:,},00".replace(",", "X").replace("X", "."),
        f"{n:,}".replace(",", ".") + " rupiah", f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}",
        f"RT {d:02d}/RW {m:02d}", f"61.12.{m:02d}.2{d:03d}", f"5.1.{m:02d}.01.01.{n % 10000:04d}",
        f"tahun {y}",
    ]))


words = st.sampled_from(["jalan", "rusak", "di", "desa", "mohon", "segera", "dibantu", ",", "."])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(formatted_nik(), phone(), email()), min_size=1, max_size=3),
       st.lists(public_fragment(), min_size=1, max_size=3), st.lists(words, max_size=4),
       st.randoms(use_true_random=False))
def test_removes_every_secret_and_keeps_every_public_fragment(secrets, public, filler, rnd):
    parts = [*secrets, *public, *filler]
    rnd.shuffle(parts)
    # Parts are kept apart by a word: "2000 1000 0000 0000 0000" is ambiguous by nature.
    text = " dan ".join(parts)
    out = redact_text(text)
    for s in secrets:
        assert s not in out, (s, text, out)
    for p in public:
        assert p in out, (p, text, out)
    assert out.count("[NIK]") + out.count("[TELEPON]") + out.count("[EMAIL]") == len(secrets)


REDACT_TEXT = st.text(alphabet="0123456789 .-+()@abcRrpPe\n\u00e9", max_size=60)


@settings(max_examples=500, deadline=None)
@given(REDACT_TEXT)
def test_redact_text_agrees_with_the_polars_redact(text):
    """The one-string version (forms) and the frame version (ETL) give the same answer."""
    frame = pl.select(redact(pl.lit(text, dtype=pl.String))).item()
    assert redact_text(text) == frame
