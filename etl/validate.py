"""Validate: parse every column by its kind, apply the cross-field rules, collect rejects.

Everything is a Polars expression over the whole file; a bad row becomes exactly one reject
row naming its bad column(s), the offending raw value(s) (redacted) and the reason(s).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from etl import parse, transform
from etl.extract import Extracted
from etl.reference import Reference
from etl.transform import RAW, Issue, raw
from lentera.core import privacy as redact_mod
from lentera.core.schema import Column, Source

REJECT_SCHEMA = {"source": pl.String, "source_file": pl.String, "source_row": pl.Int32,
                 "column": pl.String, "value": pl.String, "reason": pl.String}

# Plain-Indonesian reasons for a value of each kind that does not parse.
_REASON = {
    "code_skpd": "kode SKPD tidak dikenali",
    "code_rekening": "kode rekening tidak dikenali",
    "code_sub_kegiatan": "kode sub kegiatan tidak dikenali",
    "code_wilayah": "kode wilayah tidak dikenali",
    "int": "bilangan bulat tidak dikenali",
    "year": "tahun tidak dikenali",
    "month": "bulan tidak dikenali",
    "amount": "nilai rupiah tidak dikenali",
    "number": "angka tidak dikenali",
    "lat": "lintang (lat) tidak dikenali",
    "lng": "bujur (lng) tidak dikenali",
    "date": "tanggal tidak dikenali",
    "datetime": "tanggal tidak dikenali",
    "bool": "nilai ya/tidak tidak dikenali",
}
_PARSERS = {
    "code_skpd": "kode_skpd", "code_rekening": "kode_rekening",
    "code_sub_kegiatan": "kode_sub_kegiatan", "code_wilayah": "kode_wilayah",
    "int": "integer", "year": "year", "month": "month", "amount": "amount", "number": "number",
    "lat": "coordinate", "lng": "coordinate", "date": "date", "datetime": "datetime", "bool": "boolean",
}
# A coordinate is a decimal fraction: two marks mean a grouped number, not a place.
_TWO_MARKS = {
    kind: f"{label} ditulis dengan lebih dari satu tanda titik/koma; koordinat adalah pecahan "
          "desimal dengan satu tanda desimal (mis. 109.665 atau 109,665)"
    for kind, label in (("lat", "lintang (lat)"), ("lng", "bujur (lng)"))
}
REQUIRED = "wajib diisi"
# Dates outside these years are rejected (the same span as trusted Excel serial numbers).
DATE_YEARS = (1990, 2100)
# The most characters an Excel cell holds; a longer text value is rejected.
MAX_TEXT = 32_767
# Statuses that say a case is still running / finished, per source (INPUT_FORMATS.md).
OPEN_STATUS = {
    "pengaduan": ("diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "ditunda"),
    "perizinan": ("diproses",),
}
DONE_STATUS = {"pengaduan": ("selesai",), "perizinan": ("selesai",)}
# A rejected or returned proposal cannot carry the sub kegiatan that funds it.
USULAN_UNFUNDED = ("ditolak", "dikembalikan")
PENGADUAN_STAGES = ("tanggal_verifikasi", "tanggal_disposisi", "tanggal_tindak_lanjut",
                    "tanggal_selesai")


@dataclass
class Validated:
    """The good rows of one file (table columns) and its rejects and warnings."""

    good: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame


def parsed(source: Source, col: Column) -> pl.Expr:
    """The expression that parses the raw string column into `col`'s kind (NULL if unparseable)."""
    value = raw(col.name)
    if col.kind == "text":
        text = value.str.strip_chars()
        return pl.when(text.str.len_bytes() > 0).then(text)
    if col.kind == "enum":
        return parse.enum(value, list(col.values), parse.synonyms_for(source.name, col.name))
    return getattr(parse, _PARSERS[col.kind])(value)


_PLAIN_AMOUNT = r"^-?[0-9]{1,16}(\.[0-9]{1,2})?$"


def _plain_amounts(values: pl.Series) -> pl.Series | None:
    """Amounts when the whole column is plain `1234567.89` (big machine exports), else None.

    Such a column is cast straight to DECIMAL(18,2): exact, and several times faster than the
    general Rupiah parser that every other shape goes through.
    """
    text = values.str.strip_chars()
    text = pl.select(pl.when(text.str.len_bytes() > 0).then(text)).to_series()
    present = text.drop_nulls()
    if present.is_empty() or not present.str.contains(_PLAIN_AMOUNT).all():
        return None
    return text.cast(pl.Decimal(18, 2))


def _parsed_columns(source: Source, work: pl.DataFrame, cols: list[Column]) -> list[pl.Series]:
    """Every column parsed; a column with few distinct values is parsed once per value."""
    out: list[pl.Series] = []
    direct: list[Column] = []
    for col in cols:
        values = work.get_column(RAW + col.name)
        if col.kind == "amount":
            fast = _plain_amounts(values)
            if fast is not None:
                out.append(fast.alias(col.name))
                continue
        if col.kind == "text" or values.n_unique() * 4 > max(work.height, 1):
            direct.append(col)
            continue
        # Codes, years, months, statuses repeat millions of times in a big file.
        distinct = values.unique().drop_nulls().to_frame()
        table = distinct.with_columns(parsed(source, col).alias(col.name))
        joined = values.to_frame().join(table, on=RAW + col.name, how="left",
                                        maintain_order="left")
        out.append(joined.get_column(col.name))
    if direct:
        frame = work.select([parsed(source, c).alias(c.name) for c in direct])
        out += frame.get_columns()
    return out


def _column_issues(source: Source, col: Column) -> Issue:
    p = pl.col(col.name)
    if col.kind == "enum":
        bad = pl.concat_str(pl.lit(f"{col.name} tidak dikenal: '"), raw(col.name), pl.lit("'"))
    else:
        bad = pl.lit(_REASON.get(col.kind, "nilai tidak dikenali"))
    unparsed = raw(col.name).is_not_null() & p.is_null()
    if col.kind in _TWO_MARKS:
        bad = pl.when(parse.two_marks(raw(col.name))).then(pl.lit(_TWO_MARKS[col.kind])
                                                            ).otherwise(bad)
    reason = pl.when(unparsed).then(bad)
    value = raw(col.name)
    if col.kind == "text":
        # Longer than an Excel cell can hold: a broken export, not a value (and kept short).
        long = value.str.len_chars() > MAX_TEXT
        reason = reason.when(long).then(pl.lit(f"teks lebih dari {MAX_TEXT:,} karakter"))
        value = pl.when(long).then(value.str.slice(0, 80) + pl.lit("…")).otherwise(value)
    if col.kind == "year":
        reason = reason.when(~p.is_between(2000, 2100)).then(pl.lit("tahun di luar 2000–2100"))
    if col.kind in ("date", "datetime"):
        # Year 1 or 9999 parses, but would stretch the working-day calendar over millennia.
        reason = reason.when(~p.dt.year().is_between(*DATE_YEARS)).then(
            pl.lit(f"tanggal di luar tahun {DATE_YEARS[0]}-{DATE_YEARS[1]}"))
    if col.required:
        reason = reason.when(raw(col.name).is_null()).then(pl.lit(REQUIRED))
    return col.name, reason, value


def _not_before(later: str, earlier: str, dated: bool) -> pl.Expr:
    a, b = pl.col(later), pl.col(earlier)
    before = a < b
    if dated:
        # A stage given as a bare date on the same day as a timed tanggal_masuk is fine.
        before = before & ~((a.dt.time() == pl.time(0)) & (a.dt.date() == b.dt.date()))
    return pl.when(before).then(pl.lit(f"{later} sebelum {earlier}"))


def _status_vs_dates(source: str) -> Issue:
    """An open status with a completion date, or a finished status without one, is rejected."""
    status, done = pl.col("status"), pl.col("tanggal_selesai")
    as_written = pl.concat_str(pl.lit("'"), raw("status"), pl.lit("'"))
    reason = (
        pl.when(status.is_in(OPEN_STATUS[source]) & done.is_not_null())
        .then(pl.concat_str(pl.lit("status bertentangan dengan tanggal: "), as_written,
                            pl.lit(" berarti belum selesai, tetapi tanggal_selesai terisi")))
        .when(status.is_in(DONE_STATUS[source]) & done.is_null())
        .then(pl.concat_str(pl.lit("status bertentangan dengan tanggal: "), as_written,
                            pl.lit(" berarti selesai, tetapi tanggal_selesai kosong")))
    )
    return ("status,tanggal_selesai", reason,
            pl.concat_str(raw("status"), pl.lit(" | "), raw("tanggal_selesai").fill_null("")))


def _rule_issues(source: Source) -> list[Issue]:
    """Cross-field rules of INPUT_FORMATS.md, as issues on the parsed columns."""
    if source.name == "pengaduan":
        return [(s, _not_before(s, "tanggal_masuk", True), raw(s)) for s in PENGADUAN_STAGES
                ] + [_status_vs_dates(source.name)]
    if source.name == "perizinan":
        return [(s, _not_before(s, "tanggal_permohonan", False), raw(s))
                for s in ("tanggal_berkas_lengkap", "tanggal_selesai")
                ] + [_status_vs_dates(source.name)]
    if source.name == "anggaran":
        rek = pl.col("kode_rekening")
        belanja = rek.str.starts_with("5") & pl.col("kode_sub_kegiatan").is_null()
        negatif = (pl.col("pagu") < 0) & ~rek.str.starts_with("6")
        return [
            ("kode_sub_kegiatan",
             pl.when(belanja).then(pl.lit("wajib diisi untuk belanja (kode rekening 5.*)")),
             raw("kode_sub_kegiatan")),
            ("pagu", pl.when(negatif).then(pl.lit("pagu negatif hanya untuk pembiayaan (6.*)")),
             raw("pagu")),
        ]
    if source.name == "usulan":
        none = (raw("kode_desa").is_null() & raw("nama_desa").is_null()
                & raw("nama_kecamatan").is_null())
        funded_refused = (pl.col("status").is_in(USULAN_UNFUNDED)
                          & pl.col("kode_sub_kegiatan").is_not_null())
        return [("kode_desa,nama_desa,nama_kecamatan",
                 pl.when(none).then(pl.lit("salah satu wajib diisi: kode_desa, nama_desa atau "
                                           "nama_kecamatan")), pl.lit("")),
                ("status,kode_sub_kegiatan",
                 pl.when(funded_refused).then(pl.concat_str(
                     pl.lit("status bertentangan dengan data: '"), raw("status"),
                     pl.lit("' (ditolak/dikembalikan) tetapi kode_sub_kegiatan (pendanaan) "
                            "terisi"))),
                 pl.concat_str(raw("status"), pl.lit(" | "), raw("kode_sub_kegiatan")))]
    return []


def _apply_issues(work: pl.DataFrame, issues: list[Issue], source: str, rel: str,
                  ) -> tuple[pl.Series, pl.DataFrame]:
    """(mask of rows with any issue, one reject-shaped row per such row)."""
    if not issues:
        return pl.Series([False] * work.height), pl.DataFrame(schema=REJECT_SCHEMA)
    # Several issues on one column: the first (parse, then required, then rules) wins.
    by_label: dict[str, list[int]] = {}
    for i, (label, _r, _v) in enumerate(issues):
        by_label.setdefault(label, []).append(i)
    labels = list(by_label)
    reasons = work.select(
        [pl.coalesce([issues[i][1] for i in idx]).cast(pl.String).alias(f"__r{n}")
         for n, idx in enumerate(by_label.values())]
    )
    mask = reasons.select(pl.any_horizontal(pl.all().is_not_null()).fill_null(False)).to_series()
    if not mask.any():
        return mask, pl.DataFrame(schema=REJECT_SCHEMA)
    bad = pl.concat([work.filter(mask), reasons.filter(mask)], how="horizontal")
    values = [issues[idx[0]][2] for idx in by_label.values()]
    out = bad.select(
        source=pl.lit(source),
        source_file=pl.lit(rel),
        source_row=pl.col("source_row").cast(pl.Int32),
        column=pl.concat_str(
            [pl.when(pl.col(f"__r{n}").is_not_null()).then(pl.lit(lab))
             for n, lab in enumerate(labels)], separator=",", ignore_nulls=True),
        value=pl.concat_str(
            [pl.when(pl.col(f"__r{n}").is_not_null()).then(v.cast(pl.String).fill_null(""))
             for n, v in enumerate(values)], separator=" | ", ignore_nulls=True),
        reason=pl.concat_str([pl.col(f"__r{n}") for n in range(len(labels))],
                             separator="; ", ignore_nulls=True),
    )
    # Rejects are stored and printed: never let a NIK or phone in a bad cell through.
    out = redact_mod.redact_columns(out, ["value", "reason"])
    return mask, out


def validate(source: Source, ext: Extracted, ref: Reference) -> Validated:
    """Parse, match and check one extracted file; split it into good rows and rejects."""
    cols = [c for c in source.columns if not c.derived]
    work = ext.frame.rename({c.name: RAW + c.name for c in cols})
    work = work.with_columns(_parsed_columns(source, work, cols))
    # Parse problems are fixed now: the matchers below replace some columns (names → codes).
    column_issues = [_column_issues(source, c) for c in cols]
    work = work.with_columns([r.alias(f"__cr_{label}") for label, r, _v in column_issues])
    issues: list[Issue] = [(label, pl.col(f"__cr_{label}"), v) for label, _r, v in column_issues]
    notes: list[Issue] = []
    work = transform.with_defaults(source, work)
    names = {c.name for c in source.columns}
    if {"kode_desa", "nama_desa", "nama_kecamatan"} <= names:
        work, more = transform.match_wilayah(work, ref)
        issues += more
    if source.name == "perizinan":
        work, more = transform.match_layanan(work, ref)
        notes += more
    if source.name == "usulan":
        work, more, fixed = transform.fix_coordinates(work, ref)
        issues += more
        notes += fixed
    issues += _rule_issues(source)
    mask, rejects = _apply_issues(work, issues, source.name, ext.file)
    good = work.filter(~mask)
    _, warnings = _apply_issues(good, notes, source.name, ext.file)
    return Validated(good=transform.finish(source, good, ext.file), rejects=rejects,
                     warnings=warnings)


def split_duplicates(source: Source, good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(first occurrence of each key, one reject per later duplicate naming the first's place)."""
    keys = list(source.key)
    # A 64-bit hash finds candidate duplicates fast; the exact key check runs on those only.
    hashed = good.select(pl.struct(keys).hash()).to_series()
    if hashed.is_unique().all():
        return good, pl.DataFrame(schema=REJECT_SCHEMA)
    candidate = hashed.is_duplicated()
    exact = good.filter(candidate).select(pl.struct(keys).is_first_distinct()).to_series()
    first = pl.Series([True] * good.height).scatter(candidate.arg_true(), exact)
    if first.all():
        return good, pl.DataFrame(schema=REJECT_SCHEMA)
    dups = good.filter(~first)
    originals = good.filter(first).join(
        dups.select(keys).unique(), on=keys, how="semi", nulls_equal=True
    ).select(*keys, __file=pl.col("source_file"), __row=pl.col("source_row"))
    dups = dups.join(originals, on=keys, how="left", nulls_equal=True, maintain_order="left")
    key_value = pl.concat_str([pl.col(k).cast(pl.String).fill_null("") for k in keys],
                              separator=" | ")
    rejects = dups.select(
        source=pl.lit(source.name),
        source_file=pl.col("source_file"),
        source_row=pl.col("source_row").cast(pl.Int32),
        column=pl.lit(",".join(keys)),
        value=key_value,
        reason=pl.concat_str(pl.lit("duplikat: " + ", ".join(keys) + " yang sama sudah ada di "),
                             pl.col("__file"), pl.lit(" baris "),
                             pl.col("__row").cast(pl.String)),
    )
    return good.filter(first), rejects
