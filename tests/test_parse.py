"""Tests for etl.parse: explicit good/bad tables and hypothesis round-trips."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import parse as P
from etl.parse import value

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------ headers and names


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Kode Rekening", "kode_rekening"),
        (" No. HP ", "no_hp"),
        ("Tahun-Anggaran", "tahun_anggaran"),
        ("\ufeffTahun", "tahun"),
        ("__Nama  (SKPD)__", "nama_skpd"),
    ],
)
def test_norm_header(raw, want):
    assert P.norm_header(raw) == want


def test_norm_text():
    assert P.norm_text("Sungai  Raya,  Dalam ") == "sungai raya dalam"
    assert P.norm_text("Desa Kuala-Dua") == "desa kuala dua"


# ------------------------------------------------------------------ amounts

AMOUNT_GOOD = [
    ("Rp 1.234.567,89", "1234567.89"),
    ("Rp.1.234.567,-", "1234567.00"),
    ("Rp500.000,00", "500000.00"),
    ("1.234.567,00", "1234567.00"),
    ("1234567", "1234567.00"),
    ("1.234.567", "1234567.00"),
    ("1234567.5", "1234567.50"),
    ("1234567.50", "1234567.50"),
    ("212,33", "212.33"),
    ("1,234,567", "1234567.00"),
    ("1,234,567.89", "1234567.89"),
    ("1.234", "1234.00"),
    ("0.500", "0.50"),
    ("(1.234)", "-1234.00"),
    ("-Rp 5.000", "-5000.00"),
    ("Rp -5.000", "-5000.00"),
    ("IDR 1,234,567.89", "1234567.89"),
    ("Rp\u00a01.000.000", "1000000.00"),
    (" 1.000 ", "1000.00"),
    ("1234.565", "1234.57"),  # half-up, where Polars' own to_decimal rounds half-even
    ("1234.555", "1234.56"),
    ("-0,005", "-0.01"),
    ("12.345,678", "12345.68"),
    ("1234567.0", "1234567.00"),
    ("1.5E7", "15000000.00"),
    ("9999999999999999.99", "9999999999999999.99"),
    ("0", "0.00"),
]


@pytest.mark.parametrize(("raw", "want"), AMOUNT_GOOD)
def test_amount_good(raw, want):
    assert value(P.amount, raw) == Decimal(want)


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "abc", "Rp", "1.2.3", "12,34,5", "1.234,5,6", "(1.234", "1.234)", "12 34",
     "1,2.3", "1.2.", "99999999999999999", "9999999999999999.995", "1e400", "5.1.01", "--5",
     "Rp 1.000 juta"],
)
def test_amount_bad_is_null(raw):
    assert value(P.amount, raw) is None


def test_amount_dtype_and_frame():
    df = pl.DataFrame({"v": ["1.000", "x", None]}).select(P.amount(pl.col("v")))
    assert df.schema["v"] == pl.Decimal(18, 2)
    assert df["v"].to_list() == [Decimal("1000.00"), None, None]


def _thousands(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


def _amount_styles(d: Decimal) -> list[str]:
    """The same amount written in every accepted style."""
    neg = d < 0
    a = abs(d)
    whole, cents = divmod(int(a * 100), 100)
    frac = f"{cents:02d}"
    dot = _thousands(whole, ".")
    plain = [
        f"Rp{dot},{frac}", f"Rp {dot},{frac}", f"Rp. {dot},{frac}", f"{dot},{frac}",
        f"{whole},{frac}", f"{whole}.{frac}", f"{_thousands(whole, ',')}.{frac}",
        f"IDR {_thousands(whole, ',')}.{frac}",
    ]
    if cents == 0:
        plain += [str(whole), f"Rp {dot},-", f"Rp.{dot}.-"]
        if whole >= 1000 or whole < 1000 and "." in dot:
            plain.append(dot)
    if neg:
        return [f"-{p}" for p in plain] + [f"({p})" for p in plain]
    return plain


amounts = st.decimals(
    min_value=Decimal("-9999999999999999.99"), max_value=Decimal("9999999999999999.99"),
    places=2, allow_nan=False, allow_infinity=False,
)


@settings(max_examples=200, deadline=None)
@given(amounts)
def test_amount_round_trips_every_style(d):
    styles = _amount_styles(d)
    got = pl.DataFrame({"v": styles}).select(P.amount(pl.col("v")))["v"].to_list()
    assert got == [d] * len(styles), dict(zip(styles, got, strict=True))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99999))
def test_amount_rounds_half_up_like_python(whole, frac):
    raw = f"{whole}.{frac:05d}"
    want = Decimal(raw).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert value(P.amount, raw) == want
    assert value(P.amount, raw.replace(".", ",")) == want


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integer_and_number_agree_with_amount(n):
    raw = _thousands(abs(n), ".")
    raw = f"-{raw}" if n < 0 else raw
    if abs(n) >= 1000 or "." not in raw:
        assert value(P.integer, raw) == n
        assert value(P.number, raw) == float(n)


@pytest.mark.parametrize(
    ("raw", "want"),
    [("12,5", 12.5), ("1.200", 1200.0), ("0,25", 0.25), ("3", 3.0), ("x", None), ("", None)],
)
def test_number(raw, want):
    assert value(P.number, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("12", 12), ("12.0", 12), ("1.200", 1200), ("12,5", None), ("0.5", None), ("x", None),
     (None, None), ("-3", -3)],
)
def test_integer(raw, want):
    assert value(P.integer, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("2025", 2025), ("2025.0", 2025), (" 2000 ", 2000), ("2100", 2100), ("1999", None),
     ("2101", None), ("25", None), ("tahun", None), ("", None)],
)
def test_year(raw, want):
    assert value(P.year, raw) == want


# ------------------------------------------------------------------ months and dates

ID_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]
ID_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
EXTRA = {2: ["Peb"], 8: ["Agt", "Aug"], 9: ["Sept"], 10: ["Oct"], 11: ["Nop"], 12: ["Dec"]}


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.sampled_from([str.lower, str.upper, str.title]))
def test_month_names_and_numbers(m, case):
    names = [ID_MONTHS[m - 1], ID_SHORT[m - 1], EN_MONTHS[m - 1], EN_MONTHS[m - 1][:3],
             *EXTRA.get(m, [])]
    raws = [case(n) for n in names] + [str(m), f"{m:02d}", f"{m}.0", f" {m} "]
    got = pl.DataFrame({"v": raws}).select(P.month(pl.col("v")))["v"].to_list()
    assert got == [m] * len(raws), dict(zip(raws, got, strict=True))


@pytest.mark.parametrize("raw", ["0", "13", "8.5", "Agustusan", "x", "", None])
def test_month_bad(raw):
    assert value(P.month, raw) is None


def _date_styles(d: dt.date) -> list[str]:
    m_id = ID_MONTHS[d.month - 1]
    return [
        f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}-{d.month:02d}-{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year}",
        d.isoformat(), f"{d.year}/{d.month:02d}/{d.day:02d}",
        f"{d.day} {m_id} {d.year}", f"{d.day} {ID_SHORT[d.month - 1]} {d.year}",
        f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}", f"{d.day:02d}-{ID_SHORT[d.month - 1]}-{d.year}",
        f"{d.day} {m_id.upper()} {d.year}",
    ]


dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@settings(max_examples=150, deadline=None)
@given(dates)
def test_date_round_trips_every_style(d):
    styles = _date_styles(d)
    serial = (d - dt.date(1899, 12, 30)).days
    styles += [str(serial), f"{serial}.0", f"{d.isoformat()} 14:05", f"{d.isoformat()}T14:05:00"]
    got = pl.DataFrame({"v": styles}).select(P.date(pl.col("v")))["v"].to_list()
    assert got == [d] * len(styles), dict(zip(styles, got, strict=True))


@settings(max_examples=150, deadline=None)
@given(dates, st.integers(0, 23), st.integers(0, 59), st.integers(0, 59))
def test_datetime_round_trips(d, h, mi, s):
    want = dt.datetime(d.year, d.month, d.day, h, mi, s)
    dmy = f"{d.day:02d}/{d.month:02d}/{d.year}"
    raws = [f"{dmy} {h:02d}:{mi:02d}:{s:02d}", f"{d.isoformat()}T{h:02d}:{mi:02d}:{s:02d}",
            f"{d.isoformat()} {h:02d}:{mi:02d}:{s:02d}"]
    got = pl.DataFrame({"v": raws}).select(P.datetime(pl.col("v")))["v"].to_list()
    assert got == [want] * len(raws)
    no_sec = want.replace(second=0)
    assert value(P.datetime, f"{dmy} {h:02d}.{mi:02d}") == no_sec
    assert value(P.datetime, f"{dmy} {h}:{mi:02d}") == no_sec
    assert value(P.datetime, dmy) == dt.datetime(d.year, d.month, d.day)


@pytest.mark.parametrize(
    ("raw", "want"),
    [("45886", dt.datetime(2025, 8, 17)), ("45886.5", dt.datetime(2025, 8, 17, 12)),
     ("45886.25", dt.datetime(2025, 8, 17, 6)), ("2025-08-17 14:05 WIB", dt.datetime(2025, 8, 17, 14, 5)),
     ("2025-08-17T14:05:00+07:00", dt.datetime(2025, 8, 17, 14, 5)),
     ("2025-08-17 14:05:00.250", dt.datetime(2025, 8, 17, 14, 5, 0, 250000))],
)
def test_datetime_specials(raw, want):
    assert value(P.datetime, raw) == want


@pytest.mark.parametrize(
    "raw",
    ["31/02/2025", "29/02/2025", "32/01/2025", "17/13/2025", "2025-02-30", "17 Foo 2025",
     "12345", "99999", "17/08/25", "17/08/2025 25:00", "17/08/2025 14:60", "", "  ", None,
     "tanggal", "2025"],
)
def test_date_bad_is_null(raw):
    assert value(P.date, raw) is None
    assert value(P.datetime, raw) is None


def test_date_leap_day_and_dtype():
    df = pl.DataFrame({"v": ["29/02/2024", "x"]}).select(P.date(pl.col("v")))
    assert df.schema["v"] == pl.Date
    assert df["v"].to_list() == [dt.date(2024, 2, 29), None]
    assert pl.DataFrame({"v": ["1/1/2025"]}).select(P.datetime(pl.col("v"))).schema["v"] == pl.Datetime("us")


# ------------------------------------------------------------------ booleans and enums


@pytest.mark.parametrize(
    ("raw", "want"),
    [("ya", True), ("Y", True), ("iya", True), ("TRUE", True), ("t", True), ("1", True),
     ("yes", True), ("tidak", False), ("tdk", False), ("No", False), ("n", False),
     ("false", False), ("f", False), ("0", False), (" Ya ", True), ("mungkin", None),
     ("", None), (None, None)],
)
def test_boolean(raw, want):
    assert value(P.boolean, raw) == want


def test_enum_folds_and_uses_synonyms():
    from lentera.core.schema import SOURCES

    col = SOURCES["perizinan"].column("status")
    syn = P.synonyms_for("perizinan", "status")
    assert value(P.enum, "Terbit", col.values, syn) == "selesai"
    assert value(P.enum, " Dalam Proses ", col.values, syn) == "diproses"
    assert value(P.enum, "DITOLAK", col.values, syn) == "ditolak"
    assert value(P.enum, "entah", col.values, syn) is None
    assert value(P.enum, None, col.values, syn) is None
    kanal = SOURCES["pengaduan"].column("kanal")
    ksyn = P.synonyms_for("pengaduan", "kanal")
    assert value(P.enum, "SMS 1708", kanal.values, ksyn) == "sms"
    assert value(P.enum, "Media-Sosial", kanal.values) == "media_sosial"
    assert value(P.enum, "WA", kanal.values, ksyn) == "whatsapp"
    status = SOURCES["pengaduan"].column("status")
    assert value(P.enum, "Tindak Lanjut", status.values, P.synonyms_for("pengaduan", "status")) == (
        "ditindaklanjuti"
    )
    assert P.synonyms_for("nope", "nope") == {}


def test_every_synonym_targets_a_value_of_its_column():
    from lentera.core.schema import SOURCES

    for (source, column), mapping in P.ENUM_SYNONYMS.items():
        allowed = set(SOURCES[source].column(column).values)
        assert allowed, (source, column)
        assert set(mapping.values()) <= allowed, (source, column)
        assert all(P.norm_header(k) == k for k in mapping), (source, column)


# ------------------------------------------------------------------ codes


@pytest.mark.parametrize(
    ("raw", "want"),
    [("5.1.01.01.01.0001", "5.1.01.01.01.0001"), ("5.4.1.01.01", "5.4.01.01.01"),
     ("4.1.2.01.08.0004", "4.1.02.01.08.0004"), ("5.1.01.01.001.00001", "5.1.01.01.01.0001"),
     ("5.1.01", "5.1.01"), ("5", "5"), ("5.1.01.01.123", "5.1.01.01.123"),
     ("5 . 1 . 01", "5.1.01"), (" 6.2.02 ", "6.2.02")],
)
def test_kode_rekening_good(raw, want):
    assert value(P.kode_rekening, raw) == want


@pytest.mark.parametrize(
    "raw", ["3.1.01", "5.1.x", "5.1.01.01.01.0001.1", "5..1", "", None, "abc", "7.1", "5,1,01"],
)
def test_kode_rekening_bad(raw):
    assert value(P.kode_rekening, raw) is None


segment = st.integers(min_value=0, max_value=99)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([4, 5, 6]), st.integers(0, 9), st.integers(0, 99), segment, segment,
       st.integers(0, 9999), st.integers(1, 6))
def test_kode_rekening_shapes_normalise_alike(a, k, j, o, r, s, depth):
    """Standard, older short and wide shapes of the same code give one normal form."""
    parts = [a, k, j, o, r, s][:depth]
    standard = ".".join(f"{v:0{w}d}" for v, w in zip(parts, (1, 1, 2, 2, 2, 4), strict=False))
    short = ".".join(str(v) if i == 2 else f"{v:0{w}d}"
                     for i, (v, w) in enumerate(zip(parts, (1, 1, 2, 2, 2, 4), strict=False)))
    wide = ".".join(f"{v:0{w}d}" for v, w in zip(parts, (1, 1, 2, 2, 3, 5), strict=False))
    raws = [standard, short, wide, standard.replace(".", " . ")]
    got = pl.DataFrame({"v": raws}).select(P.kode_rekening(pl.col("v")))["v"].to_list()
    assert got == [standard] * len(raws)


@pytest.mark.parametrize(
    ("raw", "want"),
    [("1.01.01.2.02.01", "1.01.01.2.02.0001"), ("1.01.02.2.01.0021", "1.01.02.2.01.0021"),
     ("1.1.2.2.1.21", "1.01.02.2.01.0021"), (" 2.18.01.2.01.0001 ", "2.18.01.2.01.0001"),
     ("1.01.02.2.01", None), ("10.01.01.2.02.01", None), ("1.01.01.2.02.00001", None),
     ("x", None), ("", None), (None, None)],
)
def test_kode_sub_kegiatan(raw, want):
    assert value(P.kode_sub_kegiatan, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("1.02.0.00.0.00.01.0000", "1.02.0.00.0.00.01.0000"), (" 1.02 .0 ", "1.02.0"),
     ("4", "4"), ("1.a", None), ("1..2", None), ("", None), (None, None)],
)
def test_kode_skpd(raw, want):
    assert value(P.kode_skpd, raw) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("61.12", "61.12"), ("61.12.05", "61.12.05"), ("61.12.05.2001", "61.12.05.2001"),
     ("6112052001", "61.12.05.2001"), ("611205", "61.12.05"), ("6112", "61.12"),
     (" 61.12.05.2001 ", "61.12.05.2001"), ("61", None), ("61.12.5", None),
     ("61120520011", None), ("6112010", None), ("x", None), ("", None), (None, None)],
)
def test_kode_wilayah(raw, want):
    assert value(P.kode_wilayah, raw) == want


@settings(max_examples=100, deadline=None)
@given(st.integers(10, 99), st.integers(1, 99), st.integers(1, 99), st.integers(1, 9999))
def test_kode_wilayah_dotted_and_undotted_agree(p, k, c, d):
    dotted = f"{p}.{k:02d}.{c:02d}.{d:04d}"
    assert value(P.kode_wilayah, dotted.replace(".", "")) == dotted
    assert value(P.kode_wilayah, dotted) == dotted


def test_parsers_never_raise_on_junk():
    junk = ["", " ", "\ufeff", "()", "-", "Rp", "??", "１２３", "𝟙𝟚", "\x00", None]
    df = pl.DataFrame({"v": junk}, schema={"v": pl.String})
    for fn in (P.amount, P.number, P.integer, P.year, P.month, P.date, P.datetime, P.boolean,
               P.coordinate, P.kode_rekening, P.kode_sub_kegiatan, P.kode_skpd, P.kode_wilayah):
        out = df.select(fn(pl.col("v")))
        assert out.height == len(junk)
        assert out["v"].null_count() >= len(junk) - 1, fn.__name__
    assert value(P.amount, "1" * 60) is None


# ------------------------------------------------------------------ coordinates


@pytest.mark.parametrize(
    ("raw", "want"),
    [("109.665", 109.665), ("109,665", 109.665), ("-0.05", -0.05), ("-0,05", -0.05),
     (" 109.42 ", 109.42), ("109", 109.0), ("+0.1", 0.1), ("109.6650", 109.665),
     # two marks is a grouped number, never a degree; other shapes are not coordinates
     ("109.665,5", None), ("1.234.567", None), ("109,665.5", None), ("1e2", None),
     (".5", None), ("109°", None), ("", None), (None, None)],
)
def test_coordinate_marks_are_decimal(raw, want):
    assert value(P.coordinate, raw) == want


@settings(max_examples=200, deadline=None)
@given(st.integers(-180_000_000, 180_000_000), st.integers(0, 6), st.sampled_from([".", ","]))
def test_coordinate_round_trip_any_number_of_decimals(micro, places, mark):
    # the same degrees written with any number of decimals and either mark read back exactly
    x = round(micro / 1_000_000, places)
    text = f"{x:.{places}f}".replace(".", mark)
    assert value(P.coordinate, text) == pytest.approx(x, abs=1e-12)
    # unlike an amount, where "109.665" is a thousands group
    assert value(P.number, "109.665") == 109665


def test_coordinate_reason_names_two_marks():
    from etl.validate import _TWO_MARKS
    assert value(P.two_marks, "109.665,5") and not value(P.two_marks, "109.665")
    assert "satu tanda desimal" in _TWO_MARKS["lng"]


# ------------------------------------------------------------------ vocabularies are documented


def _documented_words() -> set[str]:
    text = (ROOT / "docs" / "INPUT_FORMATS.md").read_text(encoding="utf-8")
    return set(re.findall(r"`([^`]+)`", text))


@pytest.mark.parametrize(("source", "column"), sorted(P.ENUM_SYNONYMS))
def test_every_accepted_synonym_is_documented(source, column):
    words = _documented_words()
    missing = [w for w in P.ENUM_SYNONYMS[(source, column)] if w not in words]
    assert not missing, f"{source}.{column}: synonyms not in docs/INPUT_FORMATS.md: {missing}"
