"""Headline figures for Beranda and the provenance table for Tentang (Polars frames, no Streamlit).

Every function takes an optional year (None = the latest year in that dataset, so sample data
generated for any date shows its own "this year") and returns a small frame; a dataset that was
not loaded gives an empty frame with the same columns, never an error.
"""

from __future__ import annotations

import polars as pl

from lentera.warehouse import db

_PENGADUAN_PER_STATUS = """
WITH th AS (
    SELECT coalesce(CAST($tahun AS INTEGER), max(year(tanggal_masuk))) AS tahun FROM pengaduan
)
SELECT th.tahun, p.status, count(*) AS jumlah,
       max(max(p.tanggal_masuk)) OVER () AS terakhir
FROM pengaduan p, th
WHERE year(p.tanggal_masuk) = th.tahun
GROUP BY th.tahun, p.status
ORDER BY jumlah DESC, p.status
"""

_PERIZINAN_TAHUN = """
WITH th AS (
    SELECT coalesce(CAST($tahun AS INTEGER), max(year(tanggal_permohonan))) AS tahun
    FROM perizinan
)
SELECT th.tahun,
       count(*) FILTER (WHERE year(p.tanggal_permohonan) = th.tahun) AS masuk,
       count(*) FILTER (WHERE p.status = 'selesai' AND year(p.tanggal_selesai) = th.tahun)
           AS selesai,
       max(p.tanggal_permohonan) FILTER (WHERE year(p.tanggal_permohonan) = th.tahun)
           AS terakhir
FROM perizinan p, th
WHERE th.tahun IS NOT NULL
GROUP BY th.tahun
"""

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
        "capaian_pendapatan": pl.Float64, "bulan_terakhir": pl.Int32,
    },
    "pengaduan_per_status": {
        "tahun": pl.Int64, "status": pl.String, "jumlah": pl.Int64, "terakhir": pl.Datetime,
    },
    "perizinan_tahun": {
        "tahun": pl.Int64, "masuk": pl.Int64, "selesai": pl.Int64, "terakhir": pl.Date,
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
    """One row: belanja pagu/realisasi/serapan, pendapatan target/realisasi, last month with data."""
    return _run("ringkasan_anggaran", ("anggaran", "realisasi"), db.sql_text("anggaran_beranda"),
                {"tahun": tahun})


def pengaduan_per_status(tahun: int | None = None) -> pl.DataFrame:
    """Complaints received in the year, one row per status, with the latest receipt time."""
    return _run("pengaduan_per_status", ("pengaduan",), _PENGADUAN_PER_STATUS, {"tahun": tahun})


def perizinan_tahun(tahun: int | None = None) -> pl.DataFrame:
    """One row: applications received and finished in the year, with the latest application date."""
    return _run("perizinan_tahun", ("perizinan",), _PERIZINAN_TAHUN, {"tahun": tahun})


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
