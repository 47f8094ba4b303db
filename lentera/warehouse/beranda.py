"""Headline figures for Beranda and the provenance table for Tentang (Polars frames, no Streamlit).

Every function takes an optional year and returns a small frame; a dataset that was not loaded
gives an empty frame with the same columns, never an error. The budget's year defaults to the
latest budget year; complaints and permits are read on their data's date (as_of) and their year
defaults to the year of that date. Complaint and permit figures are named queries over the sla
section's macros (pengaduan_kasus, perizinan_kasus): flows are the year's received cases and what
became of those same cases by as_of; the backlog is a stock on as_of, whatever year it arrived.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from lentera.warehouse import db, pengaduan, perizinan

# How Beranda pairs its figures (the measures themselves are documented in semantic.sql).
METHODS: list[tuple[str, str]] = [("beranda.metode_judul", "beranda.metode")]

_USULAN_TAHUN_RENCANA = """
WITH th AS (
    SELECT coalesce(CAST($tahun AS INTEGER), max(tahun_rkpd)) AS tahun FROM usulan
)
SELECT th.tahun AS tahun_rkpd, count(*) AS jumlah,
       count(*) FILTER (WHERE u.status = 'masuk_rkpd') AS masuk_rkpd,
       sum(u.perkiraan_biaya) AS perkiraan_biaya
FROM usulan u, th
WHERE u.tahun_rkpd = th.tahun
GROUP BY th.tahun
"""

# etl.load carries over the runs of sources it did not rebuild, so etl_runs holds exactly the
# runs behind the served tables.
_SUMBER_DATA = """
SELECT source, source_file, sha256, rows_read, rows_loaded, rows_rejected, status, finished_at
FROM etl_runs
ORDER BY source, source_file
"""

_STATUS_MUAT = """
SELECT (SELECT value FROM meta WHERE key = 'data_version') AS data_version,
       max(finished_at) AS dimuat_pada,
       count(DISTINCT source_file) AS jumlah_berkas,
       CAST(sum(rows_loaded) AS BIGINT) AS baris_dimuat,
       CAST(sum(rows_rejected) AS BIGINT) AS baris_ditolak
FROM etl_runs
"""

_RUPIAH = pl.Decimal(38, 2)
_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "ringkasan_anggaran": {
        "tahun": pl.Int32, "tahap": pl.String, "pagu_belanja": _RUPIAH,
        "realisasi_belanja": _RUPIAH, "serapan_belanja": pl.Float64,
        "pagu_pendapatan": _RUPIAH, "realisasi_pendapatan": _RUPIAH,
        "capaian_pendapatan": pl.Float64, "bulan_terakhir": pl.Int32, "tahap_lalu": pl.String,
        "serapan_belanja_lalu": pl.Float64,
    },
    "pengaduan_tahun": {
        "tahun": pl.Int64, "as_of": pl.Date, "diterima": pl.Int64, "selesai": pl.Int64,
        "berakhir": pl.Int64, "masih_terbuka": pl.Int64, "dinilai": pl.Int64,
        "persen_tepat_waktu": pl.Float64, "persen_tepat_waktu_kotor": pl.Float64,
        "langsung": pl.Int64, "terakhir": pl.Datetime, "tunggakan": pl.Int64,
        "tunggakan_lewat": pl.Int64, "tunggakan_lama": pl.Int64,
    },
    "pengaduan_per_status": {"tahun": pl.Int64, "status": pl.String, "jumlah": pl.Int64},
    "perizinan_tahun": {
        "tahun": pl.Int64, "as_of": pl.Date, "masuk": pl.Int64, "terbit": pl.Int64,
        "ditolak": pl.Int64, "diproses": pl.Int64, "terakhir": pl.Date,
    },
    "usulan_tahun_rencana": {
        "tahun_rkpd": pl.Int32, "jumlah": pl.Int64, "masuk_rkpd": pl.Int64,
        "perkiraan_biaya": _RUPIAH,
    },
    "sumber_data": {
        "source": pl.String, "source_file": pl.String, "sha256": pl.String,
        "rows_read": pl.Int32, "rows_loaded": pl.Int32, "rows_rejected": pl.Int32,
        "status": pl.String, "finished_at": pl.Datetime,
    },
    "status_muat": {
        "data_version": pl.String, "dimuat_pada": pl.Datetime, "jumlah_berkas": pl.Int64,
        "baris_dimuat": pl.Int64, "baris_ditolak": pl.Int64,
    },
}


def _run(name: str, tables: tuple[str, ...], sql: str, params: dict | None = None) -> pl.DataFrame:
    """The query's frame, or an empty frame of the documented columns when a table is missing."""
    if not all(db.table_exists(t) for t in tables):
        return pl.DataFrame(schema=_SCHEMAS[name])
    return db.query(sql, params)


def ringkasan_anggaran(tahun: int | None = None) -> pl.DataFrame:
    """One row: belanja pagu/realisasi/serapan, pendapatan target/realisasi, last month with data,
    and last year's belanja absorption at the same month against its effective pagu."""
    return _run("ringkasan_anggaran", ("anggaran", "realisasi"), db.sql_text("anggaran_beranda"),
                {"tahun": tahun})


def _pengaduan(name: str, sql_name: str, tahun: int | None, as_of: dt.date | None
               ) -> pl.DataFrame:
    if not db.table_exists("pengaduan"):
        return pl.DataFrame(schema=_SCHEMAS[name])
    # the live citizen reports are copied in first, as on the Pengaduan page
    pengaduan.refresh_live()
    return db.named(sql_name, {"tahun": tahun, "as_of": as_of or pengaduan.as_of()})


def pengaduan_tahun(tahun: int | None = None, as_of: dt.date | None = None, live: str = ""
                    ) -> pl.DataFrame:
    """One row: complaints received in the year and, of those, finished / ended / open on as_of,
    the on-time share net and gross of pauses, how many are live reports; and the backlog on
    as_of (any year received), past target and from earlier years. `live` is a cache-key part."""
    return _pengaduan("pengaduan_tahun", "beranda_pengaduan", tahun, as_of)


def pengaduan_per_status(tahun: int | None = None, as_of: dt.date | None = None, live: str = ""
                         ) -> pl.DataFrame:
    """The same year's complaints by their latest recorded status (`live`: a cache-key part)."""
    return _pengaduan("pengaduan_per_status", "beranda_pengaduan_status", tahun, as_of)


def perizinan_tahun(tahun: int | None = None, as_of: dt.date | None = None) -> pl.DataFrame:
    """One row: applications received in the year and, of those same applications, how many were
    issued, rejected/returned/withdrawn, and still in process on as_of."""
    if not db.table_exists("perizinan"):
        return pl.DataFrame(schema=_SCHEMAS["perizinan_tahun"])
    return db.named("beranda_perizinan", {"tahun": tahun, "as_of": as_of or perizinan.as_of()})


def usulan_tahun_rencana(tahun_rkpd: int | None = None) -> pl.DataFrame:
    """One row: proposals for the plan year, how many reached the RKPD, their estimated cost."""
    return _run("usulan_tahun_rencana", ("usulan",), _USULAN_TAHUN_RENCANA,
                {"tahun": tahun_rkpd})


def sumber_data() -> pl.DataFrame:
    """The ETL runs behind the served warehouse: file, sha256, rows read/loaded/rejected, time."""
    return _run("sumber_data", ("etl_runs", "meta"), _SUMBER_DATA)


def status_muat() -> pl.DataFrame:
    """One row: data version, last load time, files and rows loaded and rejected."""
    return _run("status_muat", ("etl_runs", "meta"), _STATUS_MUAT)
