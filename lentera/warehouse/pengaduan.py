"""Pengaduan (LACE) queries: volume, status funnel, SLA per stage, backlog, map and weekly change.

Every figure is computed by DuckDB over the SLA of each complaint (`sql/sla_pengaduan.sql`),
read from the warehouse `pengaduan` table plus the live citizen submissions (registered on the
cursor as `pengaduan_live`, UNION ALL BY NAME). Confidential complaints count everywhere, but no
query here returns judul or isi.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from lentera.core import config, schema
from lentera.warehouse import db

FILTERS = ("tahun", "kategori", "kanal", "kecamatan", "opd")
PER_VOLUME = ("kategori", "kanal", "kecamatan")
PER_TAHAP = ("kategori", "opd")
STAGES = ("diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "selesai")
# Live submissions are re-read at most this often (seconds): new complaints show within a minute.
LIVE_TTL_SECONDS = 30

METHODS: list[tuple[str, str]] = [
    ("pengaduan.method_hari_kerja_title", "pengaduan.method_hari_kerja_body"),
    ("pengaduan.method_mulai_title", "pengaduan.method_mulai_body"),
    ("pengaduan.method_tunda_title", "pengaduan.method_tunda_body"),
    ("pengaduan.method_target_title", "pengaduan.method_target_body"),
    ("pengaduan.method_tepat_title", "pengaduan.method_tepat_body"),
    ("pengaduan.method_tahap_title", "pengaduan.method_tahap_body"),
    ("pengaduan.method_tunggakan_title", "pengaduan.method_tunggakan_body"),
    ("pengaduan.method_peringkat_title", "pengaduan.method_peringkat_body"),
    ("pengaduan.method_penduduk_title", "pengaduan.method_penduduk_body"),
    ("pengaduan.method_kanal_title", "pengaduan.method_kanal_body"),
    ("pengaduan.method_mingguan_title", "pengaduan.method_mingguan_body"),
    ("pengaduan.method_live_title", "pengaduan.method_live_body"),
]

_SQL_TYPES = {"VARCHAR": pl.String, "TIMESTAMP": pl.Datetime("us"), "INTEGER": pl.Int32,
              "BOOLEAN": pl.Boolean, "DATE": pl.Date}
_PARAM = re.compile(r"\$([a-z_]+)")
_live_lock = threading.Lock()
_live: dict[str, tuple[float, pl.DataFrame]] = {}


class PengaduanQueryError(RuntimeError):
    """The SLA query does not have the shape this module composes on."""


# -- live submissions --------------------------------------------------------------------------


def _empty_live() -> pl.DataFrame:
    return pl.DataFrame(schema={c.name: _SQL_TYPES[c.sql_type] for c in schema.PENGADUAN.columns})


def _store_absent() -> bool:
    url = config.submissions_url()
    return url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists()


def _read_live() -> pl.DataFrame:
    # The store is optional (issue 6): absent module, function or file means "no live rows".
    try:
        from lentera.store import submissions
    except ImportError:
        return _empty_live()
    frame_fn = getattr(submissions, "pengaduan_frame", None)
    if frame_fn is None or _store_absent():
        return _empty_live()
    frame = frame_fn()
    if frame.is_empty():
        return _empty_live()
    # never carry the text of live complaints into the dashboards' queries
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias("judul"),
                              pl.lit(None, dtype=pl.String).alias("isi"))


def live_frame(max_age: float = LIVE_TTL_SECONDS) -> pl.DataFrame:
    """Live citizen complaints shaped like the warehouse table, re-read at most every `max_age` s."""
    key = config.submissions_url()
    now = time.monotonic()
    with _live_lock:
        hit = _live.get(key)
        if hit is not None and now - hit[0] < max_age:
            return hit[1]
    frame = _read_live()
    with _live_lock:
        _live[key] = (now, frame)
    return frame


def live_version(max_age: float = LIVE_TTL_SECONDS) -> str:
    """A token that changes when the live complaints change (a cache-key part for the pages)."""
    frame = live_frame(max_age)
    if frame.is_empty():
        return "0"
    return f"{frame.height}-{int(frame.hash_rows().sum())}"


# -- SQL composition ---------------------------------------------------------------------------


def pengaduan_all_sql() -> str:
    """The per-complaint SLA query over warehouse plus live complaints (table `pengaduan_live`)."""
    sla = db.sql_text("sla_pengaduan")
    needle = "FROM pengaduan AS p"
    if sla.count(needle) != 1:
        raise PengaduanQueryError(f"sla_pengaduan.sql must read {needle!r} exactly once")
    union = "FROM (SELECT * FROM pengaduan UNION ALL BY NAME SELECT * FROM pengaduan_live) AS p"
    return sla.replace(needle, union)


def _prefix() -> str:
    """CTEs: `k` all cases with names, `f_semua_tahun` filtered but any year, `f` fully filtered."""
    return f"""WITH kasus AS (
{pengaduan_all_sql()}
),
k AS (
    SELECT kasus.*, w.nama_kecamatan, coalesce(s.singkatan, s.nama_skpd) AS nama_opd
    FROM kasus
    LEFT JOIN wilayah_kecamatan AS w USING (kode_kecamatan)
    LEFT JOIN skpd AS s USING (kode_skpd)
),
f_semua_tahun AS (
    SELECT * FROM k
    WHERE ($kategori IS NULL OR kategori = $kategori)
      AND ($kanal IS NULL OR kanal = $kanal)
      AND ($kecamatan IS NULL OR kode_kecamatan = $kecamatan)
      AND ($opd IS NULL OR kode_skpd = $opd)
),
f AS (
    SELECT * FROM f_semua_tahun
    WHERE (CAST($tahun AS INTEGER) IS NULL OR year(tanggal_masuk) = CAST($tahun AS INTEGER))
)
"""


def _run(sql: str, params: dict) -> pl.DataFrame:
    """Run `sql` with `pengaduan_live` registered on this cursor and only the params it names."""
    used = set(_PARAM.findall(sql))
    cur = db.cursor()
    try:
        cur.register("pengaduan_live", live_frame())
        return cur.sql(sql, params={k: v for k, v in params.items() if k in used}).pl()
    finally:
        cur.close()


def as_of() -> dt.date:
    """The reporting date: the data's `as_of` (meta), else the latest complaint date."""
    return db.as_of("SELECT max(CAST(tanggal_masuk AS DATE)) FROM pengaduan")


def _params(tahun: int | None = None, kategori: str | None = None, kanal: str | None = None,
            kecamatan: str | None = None, opd: str | None = None, **extra) -> dict:
    return {"tahun": tahun, "kategori": kategori, "kanal": kanal, "kecamatan": kecamatan,
            "opd": opd, "as_of": extra.pop("as_of", None) or as_of(),
            "min_kasus": config.MIN_CASES_FOR_RANKING, **extra}


def _named(name: str, live: str = "", **kw) -> pl.DataFrame:
    # `live` is only a cache-key part for ui.cached: the live rows are read by _run.
    return _run(_prefix() + db.sql_text(name), _params(**kw))


# -- the page's datasets -----------------------------------------------------------------------


def filter_options(live: str = "") -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, as (value, label) pairs per filter name."""
    sql = ("WITH semua AS (SELECT * FROM pengaduan UNION ALL BY NAME "
           "SELECT * FROM pengaduan_live)\n" + db.sql_text("pengaduan_pilihan"))
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in FILTERS}
    for name, value, label in _run(sql, {}).iter_rows():
        out[name].append((value, label or value))
    out["tahun"].sort(reverse=True)
    return out


def ringkasan(live: str = "", **filters) -> dict:
    """Headline figures: count, closed, on-time rate, median/p90 working days, open and late."""
    return _named("pengaduan_ringkasan", live, **filters).row(0, named=True)


def per_bulan(per: str = "kategori", live: str = "", **filters) -> pl.DataFrame:
    """Complaints received per month, grouped by category, channel or kecamatan (`per`)."""
    return _named("pengaduan_per_bulan", live, per=per if per in PER_VOLUME else "kategori",
                  **filters)


def alur(live: str = "", **filters) -> pl.DataFrame:
    """The status funnel: how many complaints reached each stage (tahap, urutan, jumlah)."""
    return _named("pengaduan_alur", live, **filters)


def waktu_tahap(per: str = "kategori", live: str = "", **filters) -> pl.DataFrame:
    """Per category or OPD: on-time rate, median and p90 working days to each stage, `cukup`."""
    return _named("pengaduan_tahap", live, per=per if per in PER_TAHAP else "kategori", **filters)


def tunggakan(live: str = "", **filters) -> pl.DataFrame:
    """The open backlog by age (`sumbu` = umur) and by working days past target (`lewat`)."""
    return _named("pengaduan_tunggakan", live, **filters)


def per_kecamatan(live: str = "", **filters) -> pl.DataFrame:
    """Complaints per kecamatan and per 1,000 residents, with the polygon (geojson text)."""
    return _named("pengaduan_kecamatan", live, **filters)


def per_kanal(live: str = "", **filters) -> pl.DataFrame:
    """Complaints per channel with their share."""
    return _named("pengaduan_kanal", live, **filters)


def mingguan(live: str = "", **filters) -> dict:
    """Complaints in the last full week before as_of and the week before (year filter ignored)."""
    filters.pop("tahun", None)
    return _named("pengaduan_mingguan", live, **filters).row(0, named=True)


# -- the map -----------------------------------------------------------------------------------


def _colour(values: list[float | None]) -> list[list[int]]:
    """Sequential colour (light to dark blue, colour-blind safe) by share of the maximum."""
    top = max([v for v in values if v is not None] or [0]) or 1.0
    light, dark = (222, 235, 247), (8, 69, 148)
    out = []
    for v in values:
        if v is None:
            out.append([200, 200, 200, 120])
            continue
        s = v / top
        out.append([round(a + (b - a) * s) for a, b in zip(light, dark, strict=True)] + [190])
    return out


def peta_kecamatan(frame: pl.DataFrame, tooltip: str):
    """A pydeck map of the kecamatan polygons coloured by complaints per 1,000 residents."""
    import pydeck as pdk

    geometries = frame["geojson"].to_list()
    if not any(geometries):
        # warehouse without geometry: the region's own kecamatan file
        doc = json.loads(config.region().path("kecamatan_geojson").read_text(encoding="utf-8"))
        by_code = {f["properties"].get("kode"): f["geometry"] for f in doc["features"]}
        geometries = [by_code.get(k) for k in frame["kode_kecamatan"]]
    else:
        geometries = [json.loads(g) if g else None for g in geometries]
    colours = _colour(frame["per_1000"].to_list())
    features = [
        {"type": "Feature", "geometry": g,
         "properties": {"nama": r["nama_kecamatan"], "jumlah": r["jumlah"],
                        "per_1000": None if r["per_1000"] is None else round(r["per_1000"], 2),
                        "warna": c}}
        for g, r, c in zip(geometries, frame.iter_rows(named=True), colours, strict=True)
        if g is not None
    ]
    region = config.region()
    layer = pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features},
                      pickable=True, stroked=True, filled=True, get_fill_color="properties.warna",
                      get_line_color=[60, 60, 60, 200], line_width_min_pixels=1)
    view = pdk.ViewState(latitude=region.map_lat, longitude=region.map_lng,
                         zoom=region.map_zoom - 0.6)
    return pdk.Deck(layers=[layer], initial_view_state=view, map_style=None,
                    tooltip={"text": tooltip})


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
