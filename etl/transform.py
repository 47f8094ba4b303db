"""Transform: defaults, place and service matching, coordinates, redaction (frame → frame).

Matching works on the distinct values of a column (a few hundred names), then joins back, so
no Python runs per row. Each matcher returns the frame plus its issues: (column label, reason
expression that is NULL when the row is fine, offending raw value expression).
"""

from __future__ import annotations

import polars as pl

from etl.reference import Reference, place_key, service_key
from lentera.core import privacy as redact_mod
from lentera.core.schema import Source

RAW = "__raw_"

Issue = tuple[str, pl.Expr, pl.Expr]


def raw(name: str) -> pl.Expr:
    """The raw (string) value of column `name` as read from the file."""
    return pl.col(RAW + name)


def with_defaults(source: Source, work: pl.DataFrame) -> pl.DataFrame:
    """Fill the documented defaults (anonim, rahasia, sumber, tahap, tanggal_berkas_lengkap)."""
    if source.name == "pengaduan":
        return work.with_columns(pl.col("anonim").fill_null(True),
                                 pl.col("rahasia").fill_null(False))
    if source.name == "usulan":
        return work.with_columns(pl.col("sumber").fill_null("musrenbang"))
    if source.name == "anggaran":
        return work.with_columns(pl.col("tahap").fill_null("murni"))
    if source.name == "perizinan":
        return work.with_columns(
            pl.col("tanggal_berkas_lengkap").fill_null(pl.col("tanggal_permohonan")))
    return work


def _resolve_place(ref_maps, kode: str | None, desa: str | None, kec: str | None):
    """(kode_desa, nama_desa, kode_kec, nama_kec, err_column, err_reason) for one distinct triple."""
    by_code, kec_by_key, kec_by_code, desa_by_key = ref_maps
    if kode:
        hit = by_code.get(kode)
        if hit is None:
            return None, None, None, None, "kode_desa", f"kode desa tidak dikenal: '{kode}'"
        return kode, hit[0], hit[1], kec_by_code.get(hit[1]), None, None
    kk = None
    if kec:
        kk = kec_by_key.get(place_key(kec))
        if kk is None:
            return None, None, None, None, "nama_kecamatan", f"kecamatan tidak dikenal: '{kec}'"
    if desa:
        found = desa_by_key.get(place_key(desa), [])
        if kk is not None:
            found = [f for f in found if f[2] == kk]
        if len(found) == 1:
            code, nama, kcode = found[0]
            return code, nama, kcode, kec_by_code.get(kcode), None, None
        if not found:
            where = f" di kecamatan {kec_by_code.get(kk)}" if kk else ""
            return None, None, None, None, "nama_desa", f"desa tidak dikenal: '{desa}'{where}"
        return (None, None, None, None, "nama_desa",
                f"nama desa '{desa}' ada di beberapa kecamatan: isi nama_kecamatan")
    if kk is not None:
        return None, None, kk, kec_by_code.get(kk), None, None
    return None, None, None, None, None, None


def match_wilayah(work: pl.DataFrame, ref: Reference) -> tuple[pl.DataFrame, list[Issue]]:
    """Codes and canonical names for kode_desa / nama_desa / nama_kecamatan; unknown names reject."""
    by_code = {r[0]: (r[1], r[2]) for r in ref.desa.select(
        "kode_desa", "nama_desa", "kode_kecamatan").iter_rows()}
    kec_by_code = dict(ref.kecamatan.iter_rows())
    kec_by_key = {place_key(n): k for k, n in kec_by_code.items()}
    kec_by_key.update({k: k for k in kec_by_code})  # a code written in the name column
    desa_by_key: dict[str, list[tuple[str, str, str]]] = {}
    for code, (nama, kcode) in by_code.items():
        desa_by_key.setdefault(place_key(nama), []).append((code, nama, kcode))
    maps = (by_code, kec_by_key, kec_by_code, desa_by_key)

    keys = ["kode_desa", "nama_desa", "nama_kecamatan"]
    combos = work.select(keys).unique()
    resolved = [(*row, *_resolve_place(maps, *row)) for row in combos.iter_rows()]
    lookup = pl.DataFrame(
        resolved, orient="row",
        schema={"kode_desa": pl.String, "nama_desa": pl.String, "nama_kecamatan": pl.String,
                "__kd": pl.String, "__nd": pl.String, "__kk": pl.String, "__nk": pl.String,
                "__wcol": pl.String, "__wreason": pl.String},
    )
    out = work.join(lookup, on=keys, how="left", nulls_equal=True, maintain_order="left")
    out = out.with_columns(
        kode_desa=pl.col("__kd"), nama_desa=pl.col("__nd"),
        kode_kecamatan=pl.col("__kk"), nama_kecamatan=pl.col("__nk"),
    ).drop("__kd", "__nd", "__kk", "__nk")
    issues: list[Issue] = [
        (col, pl.when(pl.col("__wcol") == col).then(pl.col("__wreason")), raw(col))
        for col in keys
    ]
    return out, issues


def match_layanan(work: pl.DataFrame, ref: Reference) -> tuple[pl.DataFrame, list[Issue]]:
    """Canonical jenis_layanan and target_hari_kerja; unknown services load and are noted."""
    known: dict[str, tuple[str, int | None]] = {}
    for name, aliases, target in ref.layanan.iter_rows():
        for alias in (aliases or "").split("|"):
            if alias.strip():
                known.setdefault(service_key(alias), (name, target))
    for name, _aliases, target in ref.layanan.iter_rows():
        known[service_key(name)] = (name, target)
    values = work.get_column("jenis_layanan").unique().drop_nulls().to_list()
    rows = [(v, *known.get(service_key(v), (None, None))) for v in values]
    lookup = pl.DataFrame(rows, orient="row", schema={
        "jenis_layanan": pl.String, "__jl": pl.String, "target_hari_kerja": pl.Int32})
    out = work.join(lookup, on="jenis_layanan", how="left", maintain_order="left")
    out = out.with_columns(
        jenis_layanan_asli=pl.col("jenis_layanan"),
        jenis_layanan=pl.coalesce("__jl", "jenis_layanan"),
        __layanan_unknown=pl.col("__jl").is_null() & pl.col("jenis_layanan").is_not_null(),
    ).drop("__jl")
    note = pl.when(pl.col("__layanan_unknown")).then(
        pl.concat_str(pl.lit("jenis layanan tidak ada di standar layanan: '"),
                      pl.col("jenis_layanan_asli"), pl.lit("' (target kosong)")))
    return out, [("jenis_layanan", note, raw("jenis_layanan"))]


def fix_coordinates(work: pl.DataFrame, ref: Reference) -> tuple[pl.DataFrame, list[Issue],
                                                                 list[Issue]]:
    """Swap lat/lng back when swapped; points outside the region bbox are issues."""
    min_lng, min_lat, max_lng, max_lat = ref.bbox
    lat, lng = pl.col("lat"), pl.col("lng")
    both = lat.is_not_null() & lng.is_not_null()
    inside = lat.is_between(min_lat, max_lat) & lng.is_between(min_lng, max_lng)
    swapped = both & ~inside & lng.is_between(min_lat, max_lat) & lat.is_between(min_lng, max_lng)
    out = work.with_columns(__swapped=swapped.fill_null(False)).with_columns(
        lat=pl.when("__swapped").then(lng).otherwise(lat),
        lng=pl.when("__swapped").then(lat).otherwise(lng),
    )
    pair = pl.concat_str(raw("lat").fill_null(""), pl.lit(", "), raw("lng").fill_null(""))
    outside = (both & ~(pl.col("lat").is_between(min_lat, max_lat)
                        & pl.col("lng").is_between(min_lng, max_lng)))
    half = raw("lat").is_null() ^ raw("lng").is_null()
    reason = (pl.when(outside).then(pl.lit(f"titik di luar wilayah {ref.region_name}"))
              .when(half).then(pl.lit("lat dan lng harus diisi keduanya")))
    note = pl.when(pl.col("__swapped")).then(pl.lit("lat dan lng tertukar; sudah dibalik"))
    return out, [("lat,lng", reason, pair)], [("lat,lng", note, pair)]


def finish(source: Source, good: pl.DataFrame, rel: str) -> pl.DataFrame:
    """The table's columns in schema order and types, every text redacted, provenance added."""
    exprs, texts = [], []
    for c in source.columns:
        if c.name == "source_file":
            e = pl.lit(redact_mod.redact_text(rel), dtype=pl.String)
        elif c.name == "source_row":
            e = pl.col("source_row")
        elif source.name == "perizinan" and c.name == "nama_pemohon":
            # A private person's name never leaves the extractor; a company's may be shown.
            e = pl.when(pl.col("bentuk_pemohon") == "badan_usaha").then(pl.col(c.name))
            texts.append(c.name)
        elif c.kind == "text":
            # Every text column, not only free text: a NIK typed into kategori or nomor_tiket
            # is as public as one in isi. Codes, enums, numbers and dates are parsed, not free.
            e = pl.col(c.name)
            texts.append(c.name)
        else:
            e = pl.col(c.name)
        exprs.append(e.cast(polars_type(c.sql_type)).alias(c.name))
    return redact_mod.redact_columns(good.select(exprs), texts)


def polars_type(sql_type: str) -> pl.DataType:
    """The Polars dtype that DuckDB stores as `sql_type`."""
    t = sql_type.upper()
    if t.startswith("DECIMAL"):
        p, s = t[t.index("(") + 1: t.index(")")].split(",")
        return pl.Decimal(int(p), int(s))
    return {
        "VARCHAR": pl.String, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
        "BOOLEAN": pl.Boolean, "DATE": pl.Date, "TIMESTAMP": pl.Datetime("us"),
    }[t]
