"""Vectorised Polars parsers for messy Indonesian exports: amounts, dates, months, codes, enums.

Every parser takes a `pl.Expr` of strings and returns a `pl.Expr` of the target dtype, NULL where
the value cannot be parsed; none of them raises on bad data and none loops per row in Python.
Shared intermediate results live in one struct (`struct.with_fields`), so they are computed
once even in eager `select` (which does no common-subexpression elimination). Amounts avoid regex
captures entirely (one DFA validation, then strips and literal operations); dates and codes use
one capturing regex each. Output columns keep the input column's name.

Enum synonyms: `ENUM_SYNONYMS` is keyed by `(source, column)` as named in `lentera.core.schema`
(for example `("perizinan", "status")`), because the same column name carries different
vocabularies in different sources. Keys and values of each inner dict are folded the way
`norm_header` folds (lower case, runs of spaces/punctuation -> "_"). Use
`synonyms_for(source, column)`.

Amounts: scientific notation ("1.5E7", "1e+16", as written by a float-to-text conversion of an
Excel cell) is accepted; it is the one path that goes through a float, because such a value
already was a float, and it is rounded to whole sen. A single dot followed by exactly three
digits is a thousands separator only when the part before it is 1-3 digits not starting with 0
("1.234" -> 1234, "0.500" -> 0.50, "1234.567" -> 1234.57).

Coordinates are not amounts: `coordinate` reads a dot or a comma as the decimal mark, always
("109.665" is 109.665 degrees, never 109665), and rejects a value with two marks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl

# ---------------------------------------------------------------------------------------------
# Scalar helpers (headers and names)

_FOLD_RE = re.compile(r"[\W_]+", re.UNICODE)


def norm_header(name: str) -> str:
    """Header folded for matching: lower case, BOM gone, punctuation/space runs -> "_"."""
    return _FOLD_RE.sub("_", name.replace("\ufeff", "").strip().lower()).strip("_")


def norm_text(name: str) -> str:
    """Name folded for matching: lower case, punctuation/space runs -> one space, stripped."""
    return _FOLD_RE.sub(" ", name.replace("\ufeff", "").lower()).strip()


def value(fn: Callable[..., pl.Expr], raw: Any, *args: Any) -> Any:
    """Result of applying expression builder `fn` to the single string `raw` (or None)."""
    frame = pl.DataFrame({"v": [raw]}, schema={"v": pl.String})
    return frame.select(fn(pl.col("v"), *args).alias("v")).item()


def _keeps_name(fn: Callable[..., pl.Expr]) -> Callable[..., pl.Expr]:
    """Make a parser's output carry the input column's name (`pl.col("pagu")` -> "pagu")."""

    @functools.wraps(fn)
    def wrapper(e: pl.Expr, *args: Any, **kwargs: Any) -> pl.Expr:
        return fn(e, *args, **kwargs).name.keep()

    return wrapper


def _text(e: pl.Expr) -> pl.Expr:
    """The input as stripped text; empty strings become null."""
    s = e.cast(pl.String).str.strip_chars()
    return pl.when(s.str.len_bytes() > 0).then(s)


def _fold(e: pl.Expr) -> pl.Expr:
    """Expression version of norm_header (lower case, non-alphanumeric runs -> "_")."""
    return (
        e.cast(pl.String)
        .str.replace_all("\ufeff", "", literal=True)
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}]+", "_")
        .str.strip_chars("_")
    )


# ---------------------------------------------------------------------------------------------
# Numbers

_CUR = r"(?i:rp\.?|idr)?"
_BODY = (
    r"(?:(?P<ip>[0-9]+)"  # plain digits
    r"|(?P<id>[0-9]{1,3}(?:\.[0-9]{3}){2,}|[1-9][0-9]{0,2}\.[0-9]{3})"  # dot thousands, no decimals
    r"|(?P<ic>[0-9]{1,3}(?:,[0-9]{3}){2,})"  # comma thousands, no decimals
    r"|(?P<a>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),(?P<af>[0-9]+)"  # decimal comma (last separator)
    r"|(?P<b>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.(?P<bf>[0-9]+)"  # decimal dot (last separator)
    r"|(?P<sci>[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+))"  # float text from Excel
)
_D = "[0-9]"  # ASCII digits only: Unicode [0-9] makes the automaton much slower
_CUR = r"(?i:rp\.?|idr)?"
_BODY = (
    rf"(?:{_D}+"  # plain digits
    rf"|{_D}{{1,3}}(?:\.{_D}{{3}})+(?:,{_D}+)?"  # dot thousands, optional decimal comma
    rf"|{_D}{{1,3}}(?:,{_D}{{3}})+(?:\.{_D}+)?"  # comma thousands, optional decimal dot
    rf"|{_D}+[.,]{_D}+"  # one decimal separator
    rf"|{_D}+(?:\.{_D}+)?[eE][+-]?{_D}+)"  # float text from Excel
)
_TAIL = r"(?:[.,]-)?"
# Whitespace (incl. NBSP: Rust's \s is Unicode-aware) is allowed around the currency, sign and
# parentheses, never between digits: "12 34" is rejected rather than guessed.
_SIGNED = rf"(?:-?\s*{_CUR}|{_CUR}\s*-)\s*{_BODY}\s*{_TAIL}"  # "-Rp 5", "Rp -5", "5,-"
_NUMBER_RE = rf"^\s*(?:{_SIGNED}|{_CUR}\s*\(\s*{_SIGNED}\s*\))\s*$"
_DEC_COMMA_RE = rf"^(?:{_D}{{1,3}}(?:\.{_D}{{3}})+|{_D}+),{_D}+$"
_DEC_DOT_RE = rf"^(?:{_D}{{1,3}}(?:,{_D}{{3}})+|{_D}+)\.{_D}+$"
# "1.234" is a thousands group, but "0.500" and "1234.567" are decimals.
_ONE_GROUP_RE = rf"^[1-9]{_D}{{0,2}}\.{_D}{{3}}$"
_MAX_CENTS = 10**18  # DECIMAL(18, 2) holds at most 16 integer digits


_LEFT = "RrPpIiDd.()- \t\u00a0\u202f"  # currency, sign and parentheses before the digits
_RIGHT = ".,-) \t\u00a0\u202f"  # ",-" and ")" after the digits


def _number_parts(e: pl.Expr) -> pl.Expr:
    """Struct: valid, neg, digits (Int128 of all digits), k (number of decimals), sci (Float64)."""
    # Validation is one DFA match; once a value is known valid, cheap strips and literal
    # operations give its parts (regex captures are several times slower on millions of rows).
    return (
        pl.struct(e.cast(pl.String).alias("s"))
        .struct.with_fields(
            valid=pl.field("s").str.contains(_NUMBER_RE),
            neg=pl.field("s").str.contains(r"^[^0-9]*[-(]"),
            body=pl.field("s").str.strip_chars_start(_LEFT).str.strip_chars_end(_RIGHT),
        )
        .struct.with_fields(
            sci=pl.field("body").cast(pl.Float64, strict=False),
            is_sci=pl.field("body").str.contains("[eE]"),
            dec_comma=pl.field("body").str.contains(_DEC_COMMA_RE),
            dec_dot=pl.field("body").str.contains(_DEC_DOT_RE)
            & ~pl.field("body").str.contains(_ONE_GROUP_RE),
            n=pl.field("body").str.len_bytes().cast(pl.Int32),
            digits=pl.field("body").str.replace_all("[.,]", "").str.to_integer(
                dtype=pl.Int128, strict=False
            ),
        )
        .struct.with_fields(
            k=pl.when(pl.field("dec_comma"))
            .then(pl.field("n") - pl.field("body").str.find(",", literal=True).cast(pl.Int32) - 1)
            .when(pl.field("dec_dot"))
            .then(pl.field("n") - pl.field("body").str.find(".", literal=True).cast(pl.Int32) - 1)
            .otherwise(0),
            digits=pl.when(~pl.field("is_sci")).then(pl.field("digits")),
            sci=pl.when(pl.field("is_sci") & pl.field("sci").is_finite()).then(pl.field("sci")),
        )
    )


def _pow10(k: pl.Expr) -> pl.Expr:
    """10**k as Int128 (k clipped at 0: branches not taken are still evaluated)."""
    return pl.lit(10, dtype=pl.Int128).pow(k.clip(0, 36).cast(pl.Int128))


def _signed(neg: pl.Expr, x: pl.Expr) -> pl.Expr:
    return pl.when(neg).then(x * -1).otherwise(x)


@_keeps_name
def amount(e: pl.Expr) -> pl.Expr:
    """Rupiah amount as Decimal(18, 2), exact, rounded half-up to whole sen; null if unparseable."""
    digits, k, sci = pl.field("digits"), pl.field("k"), pl.field("sci")
    cents = (
        _number_parts(e)
        .struct.with_fields(
            cents=pl.coalesce(
                pl.when(k <= 2)
                .then(digits * _pow10(2 - k))
                .when(k <= 36)
                .then((digits // _pow10(k - 3) + 5) // 10),
                (sci * 100).round(0).cast(pl.Int128, strict=False),
            )
        )
        .struct.with_fields(
            cents=pl.when(pl.field("valid") & (pl.field("cents") < _MAX_CENTS)).then(
                _signed(pl.field("neg"), pl.field("cents"))
            )
        )
        .struct.field("cents")
    )
    # Scale an exact integer number of sen down to rupiah without any float.
    return (cents.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"))).cast(
        pl.Decimal(18, 2), strict=False
    )


@_keeps_name
def number(e: pl.Expr) -> pl.Expr:
    """Float64 with the same separator rules as `amount` ("12,5" -> 12.5, "1.200" -> 1200)."""
    x = pl.coalesce(
        pl.field("digits").cast(pl.Float64) / pl.lit(10.0).pow(pl.field("k")), pl.field("sci")
    )
    return (
        _number_parts(e)
        .struct.with_fields(x=pl.when(pl.field("valid")).then(_signed(pl.field("neg"), x)))
        .struct.field("x")
    )


@_keeps_name
def integer(e: pl.Expr) -> pl.Expr:
    """Int64 ("12", "12.0", "1.200" -> 1200); fractional or out-of-range values -> null."""
    digits, sci = pl.field("digits"), pl.field("sci")
    scale = _pow10(pl.field("k"))
    x = pl.coalesce(
        pl.when(digits % scale == 0).then(digits // scale),
        pl.when((sci == sci.floor()) & (sci < 2.0**53)).then(sci.cast(pl.Int128, strict=False)),
    )
    return (
        _number_parts(e)
        .struct.with_fields(x=pl.when(pl.field("valid")).then(_signed(pl.field("neg"), x)))
        .struct.field("x")
        .cast(pl.Int64, strict=False)
    )


# A coordinate is a decimal fraction: optional sign, digits, at most one decimal mark.
_COORD_RE = rf"^[+-]?{_D}+(?:[.,]{_D}+)?$"
# Two or more marks ("109.665,5", "1.234.567") is the shape of a grouped number, never a degree.
_MARKS_RE = r"[.,].*[.,]"


@_keeps_name
def coordinate(e: pl.Expr) -> pl.Expr:
    """Float64 degrees: a dot or a comma is the decimal mark ("109.665", "109,665", "-0.05").

    Never a thousands separator (unlike `number`); a value with two marks is null.
    """
    s = e.cast(pl.String).str.replace_all(r"\s+", "")
    return (pl.when(s.str.contains(_COORD_RE))
            .then(s.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)))


def two_marks(e: pl.Expr) -> pl.Expr:
    """True where the text has two or more decimal/grouping marks (a rejected coordinate)."""
    return e.cast(pl.String).str.contains(_MARKS_RE)


@_keeps_name
def year(e: pl.Expr) -> pl.Expr:
    """Int32 year in 2000..2100 ("2025", "2025.0"); anything else -> null."""
    y = integer(e)
    return pl.when(y.is_between(2000, 2100)).then(y).cast(pl.Int32)


# ---------------------------------------------------------------------------------------------
# Months, dates and times

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("januari", "jan", "january"),
    2: ("februari", "feb", "peb", "pebruari", "february"),
    3: ("maret", "mar", "march"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "jun", "june"),
    7: ("juli", "jul", "july"),
    8: ("agustus", "agu", "agt", "agust", "aug", "august", "agus"),
    9: ("september", "sep", "sept"),
    10: ("oktober", "okt", "oct", "october"),
    11: ("november", "nov", "nop", "nopember"),
    12: ("desember", "des", "dec", "december"),
}
MONTHS: dict[str, int] = {name: m for m, names in _MONTH_NAMES.items() for name in names}


def _month_name(e: pl.Expr) -> pl.Expr:
    """Int8 month from a (lower-cased) month name or abbreviation, else null."""
    return e.replace_strict(MONTHS, default=None, return_dtype=pl.Int8)


@_keeps_name
def month(e: pl.Expr) -> pl.Expr:
    """Int8 month 1..12 from "8", "08", "8.0" or an Indonesian/English name or abbreviation."""
    s = e.cast(pl.String).str.strip_chars().str.to_lowercase().str.strip_chars_end(".")
    n = integer(s)
    return pl.coalesce(pl.when(n.is_between(1, 12)).then(n).cast(pl.Int8), _month_name(s))


_SEP = r"[/.\-]"
_DATETIME_RE = (
    r"^(?:(?P<d1>[0-9]{1,2})" + _SEP + r"(?P<m1>[0-9]{1,2})" + _SEP + r"(?P<y1>[0-9]{4})"
    r"|(?P<y2>[0-9]{4})" + _SEP + r"(?P<m2>[0-9]{1,2})" + _SEP + r"(?P<d2>[0-9]{1,2})"
    r"|(?P<d3>[0-9]{1,2})[\s/.\-]*(?P<mn>[A-Za-z]{3,9})\.?[\s/.\-]*(?P<y3>[0-9]{4})"
    r"|(?P<serial>[0-9]{5})(?P<frac>\.[0-9]+)?)"
    r"(?:(?:\s+|T|\s*,\s*)(?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})(?:[:.](?P<S>[0-9]{2})(?:[.,](?P<us>[0-9]{1,6})[0-9]*)?)?"
    r"\s*(?i:wib|z|[+-][0-9]{2}:?[0-9]{2})?)?$"
)
# Excel's 1900 date system counts from 1899-12-30 (it wrongly keeps 1900-02-29); serials in
# 32874..73050 are 1990-01-01..2099-12-31, the only range we trust a bare 5-digit number as a date.
_EXCEL_EPOCH = pl.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050


def _datetime_parts(e: pl.Expr) -> pl.Expr:
    """Struct with `date` (Date) and `time` (Duration since midnight, null when absent/invalid)."""
    s = _text(e)
    g = s.str.extract_groups(_DATETIME_RE)
    num = pl.Int32
    return g.struct.with_fields(
        y=pl.coalesce(pl.field("y1"), pl.field("y2"), pl.field("y3")).cast(num),
        m=pl.coalesce(
            pl.field("m1").cast(num),
            pl.field("m2").cast(num),
            _month_name(pl.field("mn").str.to_lowercase()).cast(num),
        ),
        d=pl.coalesce(pl.field("d1"), pl.field("d2"), pl.field("d3")).cast(num),
        serial=pl.field("serial").cast(num),
        sfrac=pl.coalesce(("0" + pl.field("frac")).cast(pl.Float64), pl.lit(0.0)),
        H=pl.field("H").cast(num),
        M=pl.field("M").cast(num),
        S=pl.coalesce(pl.field("S").cast(num), pl.lit(0, num)),
        us=pl.coalesce(pl.field("us").str.pad_end(6, "0").cast(num), pl.lit(0, num)),
    ).struct.with_fields(
        # Building the ISO text and parsing it non-strictly turns 31/02/2025 into null.
        date=pl.coalesce(
            pl.format(
                "{}-{}-{}",
                pl.field("y"),
                pl.field("m").cast(pl.String).str.zfill(2),
                pl.field("d").cast(pl.String).str.zfill(2),
            ).str.to_date("%Y-%m-%d", strict=False),
            pl.when(pl.field("serial").is_between(_SERIAL_MIN, _SERIAL_MAX)).then(
                _EXCEL_EPOCH + pl.duration(days=pl.field("serial"))
            ),
        ),
        time_ok=pl.field("H").is_null()
        | ((pl.field("H") < 24) & (pl.field("M") < 60) & (pl.field("S") < 60)),
        time=pl.coalesce(
            pl.duration(
                hours=pl.field("H"),
                minutes=pl.field("M"),
                seconds=pl.field("S"),
                microseconds=pl.field("us"),
                time_unit="us",
            ),
            # Serial fractions are rounded to the second: Excel stores times as binary fractions.
            pl.duration(seconds=(pl.field("sfrac") * 86400).round(0).cast(pl.Int64), time_unit="us"),
        ),
    )


@_keeps_name
def date(e: pl.Expr) -> pl.Expr:
    """pl.Date from day-first, ISO, month-name or Excel-serial text (time part ignored)."""
    p = _datetime_parts(e)
    return p.struct.with_fields(
        r=pl.when(pl.field("time_ok")).then(pl.field("date")),
    ).struct.field("r")


@_keeps_name
def datetime(e: pl.Expr) -> pl.Expr:
    """pl.Datetime("us"): everything `date` accepts (midnight), plus an optional time of day."""
    p = _datetime_parts(e)
    return p.struct.with_fields(
        r=pl.when(pl.field("time_ok")).then(
            pl.field("date").cast(pl.Datetime("us")) + pl.field("time")
        ),
    ).struct.field("r")


# ---------------------------------------------------------------------------------------------
# Booleans and enums

_TRUE = ("ya", "y", "iya", "true", "t", "1", "yes", "benar", "1.0")
_FALSE = ("tidak", "tdk", "no", "n", "false", "f", "0", "salah", "bukan", "0.0")
_BOOL = {**{k: True for k in _TRUE}, **{k: False for k in _FALSE}}


@_keeps_name
def boolean(e: pl.Expr) -> pl.Expr:
    """Boolean from ya/tidak, yes/no, true/false, 1/0 (any case); anything else -> null."""
    s = e.cast(pl.String).str.strip_chars().str.to_lowercase()
    return s.replace_strict(_BOOL, default=None, return_dtype=pl.Boolean)


ENUM_SYNONYMS: dict[tuple[str, str], dict[str, str]] = {
    ("anggaran", "tahap"): {
        "apbd_murni": "murni", "induk": "murni", "apbd_induk": "murni", "awal": "murni",
        "apbd_perubahan": "perubahan", "p_apbd": "perubahan", "apbdp": "perubahan",
        "apbd_p": "perubahan", "pergeseran": "perubahan",
    },
    ("pengaduan", "status"): {
        "baru": "diterima", "masuk": "diterima", "terima": "diterima", "belum_diverifikasi": "diterima",
        "verifikasi": "diverifikasi", "terverifikasi": "diverifikasi",
        "disposisi": "didisposisi", "didisposisikan": "didisposisi", "terdisposisi": "didisposisi",
        "tindak_lanjut": "ditindaklanjuti", "ditindak_lanjuti": "ditindaklanjuti",
        "proses": "ditindaklanjuti", "diproses": "ditindaklanjuti", "dalam_proses": "ditindaklanjuti",
        "tunda": "ditunda", "bukan_kewenangan": "bukan_wewenang", "tidak_berwenang": "bukan_wewenang",
        "arsip": "diarsipkan", "arsipkan": "diarsipkan", "diarsip": "diarsipkan",
        "tolak": "ditolak", "tuntas": "selesai", "ditutup": "selesai", "tutup": "selesai",
    },
    ("perizinan", "status"): {
        "terbit": "selesai", "sudah_terbit": "selesai", "diterbitkan": "selesai",
        "izin_terbit": "selesai", "tuntas": "selesai",
        "proses": "diproses", "dalam_proses": "diproses", "sedang_diproses": "diproses",
        "verifikasi": "diproses", "menunggu": "diproses", "baru": "diproses",
        "tolak": "ditolak", "kembali": "dikembalikan", "kembalikan": "dikembalikan",
        "cabut": "dicabut",
    },
    ("usulan", "status"): {
        "usulan": "diusulkan", "baru": "diusulkan", "diajukan": "diusulkan", "usul": "diusulkan",
        "verifikasi_kecamatan": "diverifikasi_kecamatan", "diverifikasi": "diverifikasi_kecamatan",
        "lolos_kecamatan": "diverifikasi_kecamatan",
        "diterima": "diterima_opd", "diterima_skpd": "diterima_opd",
        "diterima_perangkat_daerah": "diterima_opd",
        "rkpd": "masuk_rkpd", "diakomodir": "masuk_rkpd", "diakomodasi": "masuk_rkpd",
        "tolak": "ditolak", "tidak_diakomodir": "ditolak",
        "kembali": "dikembalikan", "kembalikan": "dikembalikan",
    },
    ("usulan", "tahap"): {
        "musrenbang_desa": "desa", "musrenbangdes": "desa", "kelurahan": "desa",
        "musrenbang_kecamatan": "kecamatan", "musrenbangcam": "kecamatan",
        "forum_kecamatan": "kecamatan",
        "musrenbang_kabupaten": "kabupaten", "musrenbangkab": "kabupaten", "kab": "kabupaten",
        "forum_perangkat_daerah": "kabupaten", "forum_opd": "kabupaten",
    },
    ("usulan", "sumber"): {
        "musrenbang_desa": "musrenbang", "musrenbang_kecamatan": "musrenbang",
        "pokok_pikiran": "pokir", "pokir_dprd": "pokir", "dprd": "pokir",
        "masyarakat": "warga", "usulan_warga": "warga", "publik": "warga",
    },
    ("pengaduan", "kanal"): {
        "sms_1708": "sms", "1708": "sms",
        "medsos": "media_sosial", "sosial_media": "media_sosial", "twitter": "media_sosial",
        "x": "media_sosial", "facebook": "media_sosial", "instagram": "media_sosial",
        "wa": "whatsapp", "whats_app": "whatsapp",
        "walk_in": "langsung", "tatap_muka": "langsung", "datang_langsung": "langsung",
        "loket": "langsung",
        "aplikasi_mobile": "aplikasi", "mobile": "aplikasi", "android": "aplikasi",
        "ios": "aplikasi", "app": "aplikasi", "aplikasi_lapor": "aplikasi",
        "website": "web", "situs": "web", "lapor_go_id": "web", "online": "web",
        "telp": "telepon", "call_center": "telepon", "telpon": "telepon",
    },
    ("pengaduan", "klasifikasi"): {
        "informasi": "permintaan_informasi", "permohonan_informasi": "permintaan_informasi",
        "aduan": "pengaduan", "keluhan": "pengaduan",
        "saran": "aspirasi", "usul": "aspirasi", "usulan": "aspirasi",
    },
    ("perizinan", "bentuk_pemohon"): {
        "perseorangan": "perorangan", "individu": "perorangan", "pribadi": "perorangan",
        "orang_perseorangan": "perorangan",
        "badan": "badan_usaha", "perusahaan": "badan_usaha", "badan_hukum": "badan_usaha",
        "pt": "badan_usaha", "cv": "badan_usaha", "koperasi": "badan_usaha",
    },
    ("perizinan", "skala_usaha"): {
        "usaha_mikro": "mikro", "micro": "mikro", "usaha_kecil": "kecil", "small": "kecil",
        "usaha_menengah": "menengah", "medium": "menengah", "usaha_besar": "besar",
        "large": "besar",
    },
    ("perizinan", "tingkat_risiko"): {
        "risiko_rendah": "rendah", "low": "rendah", "r": "rendah",
        "mr": "menengah_rendah", "risiko_menengah_rendah": "menengah_rendah",
        "medium_low": "menengah_rendah",
        "mt": "menengah_tinggi", "risiko_menengah_tinggi": "menengah_tinggi",
        "medium_high": "menengah_tinggi",
        "risiko_tinggi": "tinggi", "high": "tinggi", "t": "tinggi",
    },
}


def synonyms_for(source: str, column: str) -> dict[str, str]:
    """Synonym map (folded variant -> canonical value) for one enum column of one source."""
    return dict(ENUM_SYNONYMS.get((source, column), {}))


@_keeps_name
def enum(
    e: pl.Expr, values: Sequence[str], synonyms: Mapping[str, str] | None = None
) -> pl.Expr:
    """Canonical enum value (String) after folding and synonyms; null when not in `values`."""
    folded = _fold(e)
    if synonyms:
        mapping = {norm_header(k): v for k, v in synonyms.items()}
        folded = folded.replace(mapping)
    return pl.when(folded.is_in(list(values))).then(folded)


# ---------------------------------------------------------------------------------------------
# Codes


def _code_text(e: pl.Expr) -> pl.Expr:
    """Code text with all whitespace removed (tolerates "5 . 1 . 01") and outer dots stripped."""
    return e.cast(pl.String).str.replace_all(r"\s+", "").str.strip_chars(".")


def _segments(fields: Sequence[str], widths: Sequence[int]) -> list[pl.Expr]:
    """Each numeric segment with its leading zeros dropped, then zero-padded to its width."""
    return [
        pl.field(f).str.strip_chars_start("0").str.zfill(w) for f, w in zip(fields, widths, strict=True)
    ]


_REK_WIDTHS = (1, 1, 2, 2, 2, 4)
_REK_RE = r"^0*(?P<s0>[456])" + "".join(rf"(?:\.(?P<s{i}>[0-9]{{1,9}})" for i in range(1, 6)) + ")?" * 5 + "$"


@_keeps_name
def kode_rekening(e: pl.Expr) -> pl.Expr:
    """Account code normalised to widths 1.1.2.2.2.4 by numeric segment value; else null."""
    names = [f"s{i}" for i in range(6)]
    g = _code_text(e).str.extract_groups(_REK_RE)
    return g.struct.with_fields(
        r=pl.when(pl.field("s0").is_not_null()).then(
            pl.concat_str(_segments(names, _REK_WIDTHS), separator=".", ignore_nulls=True)
        ),
    ).struct.field("r")


_SUB_WIDTHS = (1, 2, 2, 1, 2, 4)
_SUB_RE = r"^(?P<u>[0-9])\.(?P<bb>[0-9]{1,2})\.(?P<pp>[0-9]{1,2})\.(?P<l>[0-9])\.(?P<kk>[0-9]{1,2})\.(?P<ss>[0-9]{1,4})$"


@_keeps_name
def kode_sub_kegiatan(e: pl.Expr) -> pl.Expr:
    """Sub-activity code U.BB.PP.L.KK.SSSS (older 2-digit last segment padded); else null."""
    names = ["u", "bb", "pp", "l", "kk", "ss"]
    g = _code_text(e).str.extract_groups(_SUB_RE)
    return g.struct.with_fields(
        r=pl.when(pl.field("u").is_not_null()).then(
            pl.concat_str(_segments(names, _SUB_WIDTHS), separator=".")
        ),
    ).struct.field("r")


@_keeps_name
def kode_skpd(e: pl.Expr) -> pl.Expr:
    """SKPD code kept as written (digits and dots, spaces removed); else null."""
    s = e.cast(pl.String).str.replace_all(r"\s+", "")
    return pl.when(s.str.contains(r"^[0-9]+(?:\.[0-9]+)*$")).then(s)


_WIL_RE = (
    r"^(?:(?P<p1>[0-9]{2})\.(?P<k1>[0-9]{2})(?:\.(?P<c1>[0-9]{2})(?:\.(?P<d1>[0-9]{4}))?)?"
    r"|(?P<p2>[0-9]{2})(?P<k2>[0-9]{2})(?:(?P<c2>[0-9]{2})(?P<d2>[0-9]{4})?)?)$"
)


@_keeps_name
def kode_wilayah(e: pl.Expr) -> pl.Expr:
    """Kemendagri region code "61.12", "61.12.05" or "61.12.05.2001" (dotted or not); else null."""
    g = _code_text(e).str.extract_groups(_WIL_RE)
    return g.struct.with_fields(
        r=pl.concat_str(
            [
                pl.coalesce(pl.field("p1"), pl.field("p2")),
                pl.coalesce(pl.field("k1"), pl.field("k2")),
                pl.coalesce(pl.field("c1"), pl.field("c2")),
                pl.coalesce(pl.field("d1"), pl.field("d2")),
            ],
            separator=".",
            ignore_nulls=True,
        ),
    ).struct.with_fields(
        r=pl.when(pl.coalesce(pl.field("p1"), pl.field("p2")).is_not_null()).then(pl.field("r")),
    ).struct.field("r")
