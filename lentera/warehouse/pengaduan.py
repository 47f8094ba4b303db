"""Pengaduan (LACE) queries: volume, status funnel, SLA per stage, backlog, map and weekly change.

Every figure is a named query over the semantic layer's complaint SLA (`sla_pengaduan`,
`pengaduan_kasus` in semantic.sql), which reads the warehouse `pengaduan` table plus the live
citizen submissions: this module copies those into the layer's in-memory table `pengaduan_live`
(and their raw events into `pengaduan_live_event`, from which SQL counts the paused days) at most
every LIVE_TTL_SECONDS. One rule for live reports: every view counts those received on or before
its as-of date and none received after it (`live_stamp` says how many of each). Flows follow the
year filter; the backlog is the stock open on the as-of date, whatever year it arrived.
Confidential complaints count everywhere, but no query here returns judul or isi.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from lentera.core import config, schema
from lentera.core.errors import WarehouseUnavailableError
from lentera.warehouse import db

FILTERS = ("tahun", "kategori", "kanal", "kecamatan", "opd")
PER_VOLUME = ("kategori", "kanal", "kecamatan")
PER_TAHAP = ("kategori", "opd")
STAGES = ("diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "selesai")
# Live submissions are re-read at most this often (seconds): new complaints show within a minute.
LIVE_TTL_SECONDS = 30

# Methods that are not measures (the measures' own text stands beside them in semantic.sql).
METHODS: list[tuple[str, str]] = [
    ("pengaduan.method_tahap_title", "pengaduan.method_tahap_body"),
    ("pengaduan.method_peringkat_title", "pengaduan.method_peringkat_body"),
    ("pengaduan.method_penduduk_title", "pengaduan.method_penduduk_body"),
    ("pengaduan.method_kanal_title", "pengaduan.method_kanal_body"),
    ("pengaduan.method_mingguan_title", "pengaduan.method_mingguan_body"),
    ("pengaduan.method_live_title", "pengaduan.method_live_body"),
    ("pengaduan.method_dasar_title", "pengaduan.method_dasar_body"),
]

_SQL_TYPES = {"VARCHAR": pl.String, "TIMESTAMP": pl.Datetime("us"), "INTEGER": pl.Int32,
              "BOOLEAN": pl.Boolean, "DATE": pl.Date}
_EVENT_SCHEMA = {"nomor_tiket": pl.String, "waktu": pl.Datetime("us"), "status": pl.String,
                 "urutan": pl.Int64}
_live_lock = threading.Lock()
# (store url, warehouse path, data version) → (read at, complaints, events)
_live: dict[tuple, tuple[float, pl.DataFrame, pl.DataFrame]] = {}


# -- live submissions --------------------------------------------------------------------------


def _empty_live() -> tuple[pl.DataFrame, pl.DataFrame]:
    return (pl.DataFrame(schema={c.name: _SQL_TYPES[c.sql_type] for c in schema.PENGADUAN.columns}),
            pl.DataFrame(schema=_EVENT_SCHEMA))


def _store_absent() -> bool:
    url = config.submissions_url()
    return url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists()


def _read_live() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The store's live complaints (text blanked) and their raw status events."""
    if _store_absent():
        return _empty_live()
    from lentera.store import submissions

    frame = submissions.pengaduan_frame()
    if frame.is_empty():
        return _empty_live()
    events = submissions.events_frame("pengaduan").select(
        pl.col("ticket").alias("nomor_tiket"), pl.col("at").alias("waktu"),
        pl.col("to_status").alias("status"), pl.int_range(pl.len(), dtype=pl.Int64).alias("urutan"))
    # never carry the text of live complaints into the dashboards' queries
    return (frame.with_columns(pl.lit(None, dtype=pl.String).alias("judul"),
                               pl.lit(None, dtype=pl.String).alias("isi")),
            events.cast(_EVENT_SCHEMA))


def _key() -> tuple:
    return (config.submissions_url(), str(config.warehouse_path()), db.data_version())


def refresh_live(max_age: float = LIVE_TTL_SECONDS) -> pl.DataFrame:
    """Copy the live complaints into the layer's tables if older than `max_age` s; returns them."""
    key = _key()
    with _live_lock:
        hit = _live.get(key)
        if hit is not None and time.monotonic() - hit[0] < max_age:
            return hit[1]
        frame, events = _read_live()
        cur = db.cursor()
        try:
            _replace_live(cur, frame, events)
        finally:
            cur.close()
        _live[key] = (time.monotonic(), frame, events)
        return frame


def _replace_live(cur, frame: pl.DataFrame, events: pl.DataFrame) -> None:
    cur.register("_live_rows", frame)
    cur.register("_live_events", events)
    # one transaction: readers see the old rows or the new ones, never none
    cur.execute("BEGIN TRANSACTION")
    cur.execute("DELETE FROM pengaduan_live")
    cur.execute("INSERT INTO pengaduan_live BY NAME SELECT * FROM _live_rows")
    cur.execute("DELETE FROM pengaduan_live_event")
    cur.execute("INSERT INTO pengaduan_live_event BY NAME SELECT * FROM _live_events")
    cur.execute("COMMIT")


def live_frame(max_age: float = LIVE_TTL_SECONDS) -> pl.DataFrame:
    """Live citizen complaints shaped like the warehouse table, re-read at most every `max_age` s."""
    return refresh_live(max_age)


def live_version(max_age: float = LIVE_TTL_SECONDS) -> str:
    """A token that changes when the live complaints change (a cache-key part for the pages)."""
    frame = live_frame(max_age)
    if frame.is_empty():
        return "0"
    return f"{frame.height}-{int(frame.hash_rows().sum())}"


def as_of() -> dt.date:
    """The reporting date: the data's `as_of` (meta), else the latest complaint date."""
    return db.as_of("SELECT max(CAST(tanggal_masuk AS DATE)) FROM pengaduan")


def _filters(tahun: int | None = None, kategori: str | None = None, kanal: str | None = None,
             kecamatan: str | None = None, opd: str | None = None,
             as_of_date: dt.date | None = None) -> dict:
    return {"as_of": as_of_date or as_of(), "tahun": tahun, "kategori": kategori,
            "kanal": kanal, "kecamatan": kecamatan, "opd": opd}


def _stock(**filters) -> dict:
    """The filters of a stock (open on the as-of date): the year filter never applies."""
    params = _filters(**filters)
    params.pop("tahun")
    return params


def _named(name: str, params: dict) -> pl.DataFrame:
    """The named query over warehouse and live complaints (the live copy refreshed first)."""
    refresh_live()
    return db.named(name, params)


SLA_LIVE_SQL = "SELECT * FROM sla_pengaduan($as_of, dengan_gudang := false)"


def sla_live(as_of_date: dt.date) -> pl.DataFrame:
    """The SLA of every live complaint at `as_of_date`, read fresh (for officials and Lacak).

    Live complaints need only the working-day calendar and the category targets: when the
    warehouse is missing or damaged the same macro runs over the reference files alone.
    """
    try:
        refresh_live(max_age=0)
        return db.query(SLA_LIVE_SQL, {"as_of": as_of_date})
    except (WarehouseUnavailableError, duckdb.Error):
        pass
    with _live_lock:
        frame, events = _read_live()
        cur = db.reference_cursor()
        try:
            _replace_live(cur, frame, events)
            return cur.sql(SLA_LIVE_SQL, params={"as_of": as_of_date}).pl()
        finally:
            cur.close()


# -- the page's datasets -----------------------------------------------------------------------


def filter_options(live: str = "") -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, as (value, label) pairs per filter name."""
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in FILTERS}
    for name, value, label in _named("pengaduan_pilihan", {}).iter_rows():
        out[name].append((value, label or value))
    out["tahun"].sort(reverse=True)
    return out


def live_stamp(as_of_date: dt.date | None = None, live: str = "") -> dict:
    """Live citizen reports: `dihitung` (received by the as-of date), `sesudah`, `terakhir`.

    `live` (`live_version()`) is only a cache-key part for the pages."""
    return _named("pengaduan_langsung", {"as_of": as_of_date or as_of()}).row(0, named=True)


def ringkasan(live: str = "", **filters) -> dict:
    """Headline figures: flows of the year (net and gross of pauses) and the stock open on as_of."""
    return _named("pengaduan_ringkasan", _filters(**filters)
                  | {"batas_jeda": config.PAUSE_FLAG_DAYS}).row(0, named=True)


def per_bulan(per: str = "kategori", live: str = "", **filters) -> pl.DataFrame:
    """Complaints received per month, grouped by category, channel or kecamatan (`per`)."""
    return _named("pengaduan_per_bulan",
                  _filters(**filters) | {"per": per if per in PER_VOLUME else "kategori"})


def alur(live: str = "", **filters) -> pl.DataFrame:
    """The status funnel: how many complaints reached each stage (tahap, urutan, jumlah)."""
    return _named("pengaduan_alur", _filters(**filters))


def waktu_tahap(per: str = "kategori", live: str = "", **filters) -> pl.DataFrame:
    """Per category or OPD: on-time rate, median and p90 working days to each stage, `cukup`."""
    return _named("pengaduan_tahap", _filters(**filters) | {
        "per": per if per in PER_TAHAP else "kategori", "min_kasus": config.MIN_CASES_FOR_RANKING,
        "batas_jeda": config.PAUSE_FLAG_DAYS})


def tunggakan(live: str = "", **filters) -> pl.DataFrame:
    """The stock open on as_of (any year; `tahun` ignored) by age (`sumbu` = umur) and by working
    days past target net (`lewat`) and gross (`lewat_kotor`)."""
    return _named("pengaduan_tunggakan", _stock(**filters))


def per_kecamatan(live: str = "", **filters) -> pl.DataFrame:
    """Complaints per kecamatan and per 1,000 residents, with the polygon (geojson text; from the
    region's own kecamatan file when the warehouse has no geometry)."""
    frame = _named("pengaduan_kecamatan",
                   _filters(**filters) | {"min_kasus": config.MIN_CASES_FOR_RANKING})
    if frame.is_empty() or frame["geojson"].is_not_null().any():
        return frame
    doc = json.loads(config.region().path("kecamatan_geojson").read_text(encoding="utf-8"))
    by_code = {f["properties"].get("kode"): json.dumps(f["geometry"]) for f in doc["features"]}
    return frame.with_columns(pl.col("kode_kecamatan").replace_strict(
        by_code, default=None, return_dtype=pl.String).alias("geojson"))


def tepat_per_kecamatan(live: str = "", **filters) -> pl.DataFrame:
    """Every kecamatan's on-time rate (net and gross), `dinilai` and `cukup` (the ranking rule);
    the kecamatan filter is not applied: the comparison always shows them all."""
    params = _filters(**filters) | {"min_kasus": config.MIN_CASES_FOR_RANKING}
    params.pop("kecamatan")
    return _named("pengaduan_tepat_kecamatan", params)


def per_kanal(live: str = "", **filters) -> pl.DataFrame:
    """Complaints per channel with their share."""
    return _named("pengaduan_kanal", _filters(**filters))


def mingguan(live: str = "", **filters) -> dict:
    """Complaints in the last full week before as_of and the week before (year filter ignored)."""
    return _named("pengaduan_mingguan", _stock(**filters)).row(0, named=True)


# -- benchmarks --------------------------------------------------------------------------------


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """Each page query with typical parameters, for `make bench`."""
    tahun = as_of().year
    return [
        ("pengaduan.filter_options", filter_options),
        ("pengaduan.ringkasan", lambda: ringkasan(tahun=tahun)),
        ("pengaduan.per_bulan", lambda: per_bulan("kategori", tahun=tahun)),
        ("pengaduan.alur", lambda: alur(tahun=tahun)),
        ("pengaduan.waktu_tahap", lambda: waktu_tahap("kategori", tahun=tahun)),
        ("pengaduan.waktu_tahap_opd", lambda: waktu_tahap("opd", tahun=tahun)),
        ("pengaduan.tunggakan", lambda: tunggakan(tahun=tahun)),
        ("pengaduan.per_kecamatan", lambda: per_kecamatan(tahun=tahun)),
        ("pengaduan.per_kanal", lambda: per_kanal(tahun=tahun)),
        ("pengaduan.mingguan", lambda: mingguan()),
    ]
