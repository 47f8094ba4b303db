"""Vectorised Polars parsers for messy Indonesian exports: amounts, dates, months, codes, enums.

Every parser takes a `pl.Expr` of strings and returns a `pl.Expr` of the target dtype, NULL where
the value cannot be parsed; none of them raises on bad data and none loops per row in Python.
Each parser runs its main regular expression once and derives every part from the resulting
struct (`struct.with_fields`), so it stays fast on millions of rows without relying on
common-subexpression elimination.

Enum synonyms: `ENUM_SYNONYMS` is keyed by `(source, column)` as named in `lentera.schema`
(for example `("perizinan", "status")`), because the same column name carries different
vocabularies in different sources. Keys and values of each inner dict are folded the way
`norm_header` folds (lower case, runs of spaces/punctuation -> "_"). Use
`synonyms_for(source, column)`.

Amounts: scientific notation ("1.5E7", "1e+16", as written by a float-to-text conversion of an
Excel cell) is accepted; it is the one path that goes through a float, because such a value
already was a float, and it is rounded to whole sen. A single dot followed by exactly three
digits is a thousands separator only when the part before it is 1-3 digits not starting with 0
("1.234" -> 1234, "0.500" -> 0.50, "1234.567" -> 1234.57).
"""

from __future__ import annotations

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
    r"(?:(?P<ip>\d+)"  # plain digits
    r"|(?P<id>\d{1,3}(?:\.\d{3}){2,}|[1-9]\d{0,2}\.\d{3})"  # dot thousands, no decimals
    r"|(?P<ic>\d{1,3}(?:,\d{3}){2,})"  # comma thousands, no decimals
    r"|(?P<a>\d{1,3}(?:\.\d{3})+|\d+),(?P<af>\d+)"  # decimal comma (last separator)
    r"|(?P<b>\d{1,3}(?:,\d{3})+|\d+)\.(?P<bf>\d+)"  # decimal dot (last separator)
    r"|(?P<sci>\d+(?:\.\d+)?[eE][+-]?\d+))"  # float text from Excel
)
# Whitespace (incl. NBSP: Rust's \s is Unicode-aware) is allowed around the currency, sign and
# parentheses, never between digits: "12 34" is rejected rather than guessed.
_NUMBER_RE = (
    rf"^\s*{_CUR}\s*(?P<open>\()?\s*(?P<minus>-)?\s*{_CUR}\s*{_BODY}\s*(?:[.,]-)?\s*(?P<close>\))?\s*$"
)
_MAX_CENTS = 10**18  # DECIMAL(18, 2) holds at most 16 integer digits


def _number_parts(e: pl.Expr) -> pl.Expr:
    """Struct with neg (bool), int (digits, no leading zeros), frac (digits), sci (text)."""
    g = e.cast(pl.String).str.extract_groups(_NUMBER_RE)
    return g.struct.with_fields(
        neg=pl.field("minus").is_not_null() | pl.field("open").is_not_null(),
        ok=pl.field("open").is_null() == pl.field("close").is_null(),
        int=pl.coalesce(
            pl.field("ip"),
            pl.field("id").str.replace_all(".", "", literal=True),
            pl.field("ic").str.replace_all(",", "", literal=True),
            pl.field("a").str.replace_all(".", "", literal=True),
            pl.field("b").str.replace_all(",", "", literal=True),
        ).str.strip_chars_start("0"),
        frac=pl.coalesce(pl.field("af"), pl.field("bf"), pl.lit("")),
    ).struct.with_fields(
        int=pl.when(pl.field("ok")).then(pl.field("int")),
        sci=pl.when(pl.field("ok")).then(pl.field("sci")),
    )


def _signed(neg: pl.Expr, x: pl.Expr) -> pl.Expr:
    return pl.when(neg).then(-x).otherwise(x)


def amount(e: pl.Expr) -> pl.Expr:
    """Rupiah amount as Decimal(18, 2), exact, rounded half-up to whole sen; null if unparseable."""
    p = _number_parts(e).struct.with_fields(
        frac3=(pl.field("frac") + "000").str.slice(0, 3),
    ).struct.with_fields(
        cents_abs=pl.when(pl.field("int").str.len_bytes() <= 16).then(
            (pl.field("int") + pl.field("frac3").str.slice(0, 2)).str.to_integer(strict=False)
            + (pl.field("frac3").str.slice(2, 1) >= "5").cast(pl.Int64)
        ),
        sci_cents=(pl.field("sci").cast(pl.Float64, strict=False).abs() * 100).round(0),
    ).struct.with_fields(
        cents_abs=pl.coalesce(
            pl.field("cents_abs"),
            pl.when(pl.field("sci_cents") < _MAX_CENTS).then(pl.field("sci_cents").cast(pl.Int64)),
        ),
    ).struct.with_fields(
        cents=pl.when(pl.field("cents_abs") < _MAX_CENTS).then(
            _signed(pl.field("neg"), pl.field("cents_abs"))
        ),
    ).struct.field("cents")
    # Scale an exact integer number of sen down to rupiah without any float.
    return (p.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"))).cast(pl.Decimal(18, 2), strict=False)


def number(e: pl.Expr) -> pl.Expr:
    """Float64 with the same separator rules as `amount` ("12,5" -> 12.5, "1.200" -> 1200)."""
    return _number_parts(e).struct.with_fields(
        x=pl.coalesce(
            (pl.field("int") + "." + pl.field("frac") + "0").cast(pl.Float64, strict=False),
            pl.field("sci").cast(pl.Float64, strict=False),
        ),
    ).struct.with_fields(x=_signed(pl.field("neg"), pl.field("x"))).struct.field("x")


def integer(e: pl.Expr) -> pl.Expr:
    """Int64 ("12", "12.0", "1.200" -> 1200); fractional or out-of-range values -> null."""
    return _number_parts(e).struct.with_fields(
        x=pl.when(
            pl.field("frac").str.contains(r"^0*$") & (pl.field("int").str.len_bytes() <= 18)
        ).then((pl.field("int") + "0").str.to_integer(strict=False) // 10),
        f=pl.field("sci").cast(pl.Float64, strict=False),
    ).struct.with_fields(
        x=pl.coalesce(
            pl.field("x"),
            pl.when((pl.field("f") == pl.field("f").floor()) & (pl.field("f") < 2.0**53)).then(
                pl.field("f").cast(pl.Int64, strict=False)
            ),
        ),
    ).struct.with_fields(x=_signed(pl.field("neg"), pl.field("x"))).struct.field("x")


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


def month(e: pl.Expr) -> pl.Expr:
    """Int8 month 1..12 from "8", "08", "8.0" or an Indonesian/English name or abbreviation."""
    s = e.cast(pl.String).str.strip_chars().str.to_lowercase().str.strip_chars_end(".")
    n = integer(s)
    return pl.coalesce(pl.when(n.is_between(1, 12)).then(n).cast(pl.Int8), _month_name(s))


_SEP = r"[/.\-]"
_DATETIME_RE = (
    r"^(?:(?P<d1>\d{1,2})" + _SEP + r"(?P<m1>\d{1,2})" + _SEP + r"(?P<y1>\d{4})"
    r"|(?P<y2>\d{4})" + _SEP + r"(?P<m2>\d{1,2})" + _SEP + r"(?P<d2>\d{1,2})"
    r"|(?P<d3>\d{1,2})[\s/.\-]*(?P<mn>[A-Za-z]{3,9})\.?[\s/.\-]*(?P<y3>\d{4})"
    r"|(?P<serial>\d{5})(?P<frac>\.\d+)?)"
    r"(?:(?:\s+|T|\s*,\s*)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<us>\d{1,6})\d*)?)?"
    r"\s*(?i:wib|z|[+-]\d{2}:?\d{2})?)?$"
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


def date(e: pl.Expr) -> pl.Expr:
    """pl.Date from day-first, ISO, month-name or Excel-serial text (time part ignored)."""
    p = _datetime_parts(e)
    return p.struct.with_fields(
        r=pl.when(pl.field("time_ok")).then(pl.field("date")),
    ).struct.field("r")


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
_REK_RE = r"^0*(?P<s0>[456])" + "".join(rf"(?:\.(?P<s{i}>\d{{1,9}})" for i in range(1, 6)) + ")?" * 5 + "$"


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
_SUB_RE = r"^(?P<u>\d)\.(?P<bb>\d{1,2})\.(?P<pp>\d{1,2})\.(?P<l>\d)\.(?P<kk>\d{1,2})\.(?P<ss>\d{1,4})$"


def kode_sub_kegiatan(e: pl.Expr) -> pl.Expr:
    """Sub-activity code U.BB.PP.L.KK.SSSS (older 2-digit last segment padded); else null."""
    names = ["u", "bb", "pp", "l", "kk", "ss"]
    g = _code_text(e).str.extract_groups(_SUB_RE)
    return g.struct.with_fields(
        r=pl.when(pl.field("u").is_not_null()).then(
            pl.concat_str(_segments(names, _SUB_WIDTHS), separator=".")
        ),
    ).struct.field("r")


def kode_skpd(e: pl.Expr) -> pl.Expr:
    """SKPD code kept as written (digits and dots, spaces removed); else null."""
    s = e.cast(pl.String).str.replace_all(r"\s+", "")
    return pl.when(s.str.contains(r"^\d+(?:\.\d+)*$")).then(s)


_WIL_RE = (
    r"^(?:(?P<p1>\d{2})\.(?P<k1>\d{2})(?:\.(?P<c1>\d{2})(?:\.(?P<d1>\d{4}))?)?"
    r"|(?P<p2>\d{2})(?P<k2>\d{2})(?:(?P<c2>\d{2})(?P<d2>\d{4})?)?)$"
)


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
