"""Musrenbang queries: filtered proposals, the funnel to money, possible duplicates, placement checks."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import polars as pl

from lentera.core import config, serupa
from lentera.warehouse import db, geo

# Funnel stages in order; `tahap_tercapai` (1..6) indexes this tuple.
STAGES = ("diusulkan", "diverifikasi_kecamatan", "diterima_opd", "masuk_rkpd", "didanai",
          "terealisasi")
STATUSES = ("diusulkan", "diverifikasi_kecamatan", "diterima_opd", "masuk_rkpd", "ditolak",
            "dikembalikan")
SUMBER = ("musrenbang", "pokir", "warga")
FILTERS = ("tahun", "status", "sumber", "bidang", "opd", "kecamatan")
# Above this many matching points the map shows a desa choropleth instead (payload < 5 MB).
MAP_POINT_LIMIT = 3000
DEFAULT_RADIUS_M = 250.0
DEFAULT_MIN_SIMILARITY = serupa.DEFAULT_MIN_SIMILARITY

# Columns published in the list and the downloads (no personal data: proposals are public works).
PUBLIC_COLUMNS = (
    "id_usulan", "tahun_rkpd", "usulan", "permasalahan", "sumber", "tahap", "kode_desa",
    "nama_desa", "kode_kecamatan", "nama_kecamatan", "lat", "lng", "volume", "satuan",
    "perkiraan_biaya", "kode_skpd_tujuan", "nama_skpd_tujuan", "bidang_urusan", "status",
    "alasan", "kode_sub_kegiatan", "nama_sub_kegiatan", "pagu_sub_kegiatan",
    "realisasi_sub_kegiatan", "serapan_sub_kegiatan", "tautan_tidak_cocok", "tahap_tercapai",
    "grup_duplikat",
)

# The similarity rule (content words, abbreviations written out, Sastrawi stems) is
# lentera.core.serupa's; these names stay for callers of this module.
STOPWORDS = serupa.STOPWORDS
tokens = serupa.tokens
similarity = serupa.similarity

# How the funnel stage, a proposal's link and the money are computed is documented beside their
# definitions (tahap_usulan, tautan_usulan, uang_sub_kegiatan, uang_usulan in semantic.sql);
# these are the other methods.
METHODS: list[tuple[str, str]] = [
    ("musrenbang.method_duplicates_title", "musrenbang.method_duplicates_body"),
    ("musrenbang.method_placement_title", "musrenbang.method_placement_body"),
    ("musrenbang.method_map_title", "musrenbang.method_map_body"),
]


def _params(tahun: int | None = None, status: str | None = None, sumber: str | None = None,
            bidang: str | None = None, opd: str | None = None, kecamatan: str | None = None,
            kode_sub_kegiatan: str | None = None) -> dict:
    return {"tahun": tahun, "status": status, "sumber": sumber, "bidang": bidang, "opd": opd,
            "kecamatan": kecamatan, "kode_sub_kegiatan": kode_sub_kegiatan}


def filter_options() -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, as (value, label) pairs per filter name."""
    frame = db.named("musrenbang_options")
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in ("tahun", "sumber", "bidang",
                                                                     "opd", "kecamatan")}
    for name, value, label in frame.iter_rows():
        out[name].append((value, label or value))
    out["tahun"].sort(reverse=True)
    return out


def usulan_staged(**filters) -> pl.DataFrame:
    """Filtered proposals with their furthest stage, sub kegiatan money, without duplicate groups."""
    return db.named("musrenbang_usulan", _params(**filters))


def usulan_filtered(radius_m: float = DEFAULT_RADIUS_M,
                    min_similarity: float = DEFAULT_MIN_SIMILARITY, **filters) -> pl.DataFrame:
    """The public list: filtered proposals with stage, money and possible-duplicate group id."""
    frame = usulan_staged(**filters)
    groups = _all_groups(db.data_version(), str(config.warehouse_path()), float(radius_m),
                         float(min_similarity))
    frame = frame.join(groups, on="id_usulan", how="left")
    return frame.select(PUBLIC_COLUMNS)


def funnel(frame: pl.DataFrame) -> pl.DataFrame:
    """Cumulative funnel of a staged frame: stage, jumlah (count) and perkiraan_biaya per stage."""
    rows = []
    reached = frame["tahap_tercapai"] if frame.height else pl.Series([], dtype=pl.Int32)
    cost = frame["perkiraan_biaya"].fill_null(0) if frame.height else pl.Series([], dtype=pl.Float64)
    for i, stage in enumerate(STAGES, start=1):
        mask = reached >= i
        rows.append({"urutan": i, "tahap": stage, "jumlah": int(mask.sum()),
                     "perkiraan_biaya": float(cost.filter(mask).sum()) if frame.height else 0.0})
    return pl.DataFrame(rows)


def funnel_by(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Cumulative funnel per group (`nama_kecamatan` or `bidang_urusan`): one row per group."""
    if by not in ("nama_kecamatan", "bidang_urusan"):
        raise ValueError(by)
    exprs = [(pl.col("tahap_tercapai") >= i).sum().alias(stage)
             for i, stage in enumerate(STAGES, start=1)]
    exprs.append(pl.col("perkiraan_biaya").sum().alias("perkiraan_biaya"))
    return (frame.with_columns(pl.col(by).fill_null("–"))
            .group_by(by).agg(exprs).sort(STAGES[0], descending=True))


def stage_mix_by(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """Per group and furthest stage reached: count and estimated cost (what the stacked bars draw)."""
    if by not in ("nama_kecamatan", "bidang_urusan"):
        raise ValueError(by)
    stage_names = pl.DataFrame({"tahap_tercapai": list(range(1, len(STAGES) + 1)),
                                "tahap": list(STAGES)},
                               schema={"tahap_tercapai": frame.schema.get("tahap_tercapai",
                                                                          pl.Int32),
                                       "tahap": pl.String})
    return (frame.with_columns(pl.col(by).fill_null("–"))
            .group_by(by, "tahap_tercapai")
            .agg(pl.len().alias("jumlah"), pl.col("perkiraan_biaya").sum())
            .join(stage_names, on="tahap_tercapai", how="left")
            .sort([by, "tahap_tercapai"])
            .select(by, "tahap_tercapai", "tahap", "jumlah", "perkiraan_biaya"))


def rejection_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """Rejected and returned proposals counted by status and reason."""
    return (frame.filter(pl.col("status").is_in(["ditolak", "dikembalikan"]))
            .with_columns(pl.col("alasan").fill_null("–"))
            .group_by("status", "alasan")
            .agg(pl.len().alias("jumlah"), pl.col("perkiraan_biaya").sum())
            .sort(["jumlah", "status", "alasan"], descending=[True, False, False]))


def funded(frame: pl.DataFrame) -> pl.DataFrame:
    """Funded proposals with their sub kegiatan's pagu, realisasi and absorption (serapan)."""
    return (frame.filter(pl.col("tahap_tercapai") >= 5)
            .select("id_usulan", "tahun_rkpd", "usulan", "nama_desa", "kode_sub_kegiatan",
                    "nama_sub_kegiatan", "perkiraan_biaya", "pagu_sub_kegiatan",
                    "realisasi_sub_kegiatan", pl.col("serapan_sub_kegiatan").alias("serapan")))


def money_per_sub_kegiatan(**filters) -> pl.DataFrame:
    """Funded proposals' money, one row per sub kegiatan and year (pagu counted once)."""
    return db.named("musrenbang_uang", _params(**filters))


def money_total(per_sub: pl.DataFrame) -> dict:
    """Totals of `money_per_sub_kegiatan`: sub kegiatan, proposals, pagu and realisasi."""
    return {"sub_kegiatan": per_sub.height,
            "usulan": int(per_sub["jumlah_usulan"].sum()) if per_sub.height else 0,
            "pagu": float(per_sub["pagu"].sum()) if per_sub.height else 0.0,
            "realisasi": float(per_sub["realisasi"].sum()) if per_sub.height else 0.0}


def sub_kegiatan_money(kode: str, tahun: int) -> dict | None:
    """Effective pagu, realisasi and serapan of one sub kegiatan in a year, or None when it is
    not in that year's budget."""
    frame = db.named("musrenbang_money", {"kode": kode, "tahun": int(tahun)})
    return frame.row(0, named=True) if frame.height else None


def proposals_for_sub_kegiatan(kode: str, tahun: int | None = None) -> pl.DataFrame:
    """Proposals funded through one sub kegiatan (the Anggaran page links here)."""
    return usulan_filtered(kode_sub_kegiatan=kode, tahun=tahun)


# --- duplicates -------------------------------------------------------------------------------

def _token_list(texts: pl.Series) -> pl.Series:
    return serupa.token_lists(texts)


def _near_pairs(frame: pl.DataFrame, radius_m: float) -> pl.DataFrame:
    """Pairs (i < j, row indices) within `radius_m`, found by grid bucketing then haversine."""
    pts = frame.select(pl.int_range(pl.len()).alias("i"), "lat", "lng").drop_nulls()
    if pts.height < 2:
        return pl.DataFrame({"i": [], "j": [], "jarak_m": []},
                            schema={"i": pl.Int64, "j": pl.Int64, "jarak_m": pl.Float64})
    max_lat = float(pts["lat"].abs().max())
    # cell edges of at least radius_m in both directions, so neighbours are in adjacent cells
    dlat = radius_m / 111_320.0
    dlng = radius_m / (111_320.0 * max(math.cos(math.radians(min(max_lat, 89.0))), 1e-6))
    cells = pts.with_columns((pl.col("lat") / dlat).floor().cast(pl.Int64).alias("cy"),
                             (pl.col("lng") / dlng).floor().cast(pl.Int64).alias("cx"))
    offsets = pl.DataFrame({"ox": [-1, -1, -1, 0, 0, 0, 1, 1, 1],
                            "oy": [-1, 0, 1, -1, 0, 1, -1, 0, 1]})
    probe = (cells.join(offsets, how="cross")
             .select(pl.col("i"), pl.col("lat"), pl.col("lng"),
                     (pl.col("cx") + pl.col("ox")).alias("cx"),
                     (pl.col("cy") + pl.col("oy")).alias("cy")))
    pairs = (probe.join(cells.rename({"i": "j", "lat": "lat_j", "lng": "lng_j"}),
                        on=["cx", "cy"])
             .filter(pl.col("i") < pl.col("j")))
    dist = geo.haversine_m(pairs["lat"].to_numpy(), pairs["lng"].to_numpy(),
                           pairs["lat_j"].to_numpy(), pairs["lng_j"].to_numpy())
    return (pairs.select("i", "j").with_columns(pl.Series("jarak_m", dist))
            .filter(pl.col("jarak_m") <= radius_m))


def duplicate_pairs(frame: pl.DataFrame, radius_m: float = DEFAULT_RADIUS_M,
                    min_similarity: float = DEFAULT_MIN_SIMILARITY) -> pl.DataFrame:
    """Pairs of proposals that are near (≤ radius_m) and similar (Jaccard ≥ min_similarity)."""
    near = _near_pairs(frame, radius_m)
    toks = _token_list(frame["usulan"])
    ids = frame["id_usulan"]
    pairs = near.with_columns(
        pl.Series("id_a", ids.gather(near["i"]).to_list(), dtype=pl.String),
        pl.Series("id_b", ids.gather(near["j"]).to_list(), dtype=pl.String),
        pl.Series("ta", toks.gather(near["i"]).to_list(), dtype=pl.List(pl.String)),
        pl.Series("tb", toks.gather(near["j"]).to_list(), dtype=pl.List(pl.String)),
    )
    union = pl.col("ta").list.set_union(pl.col("tb")).list.len()
    inter = pl.col("ta").list.set_intersection(pl.col("tb")).list.len()
    return (pairs.with_columns(pl.when(union > 0).then(inter / union).otherwise(0.0)
                               .alias("kemiripan"))
            .filter(pl.col("kemiripan") >= min_similarity)
            .select("i", "j", "id_a", "id_b", "jarak_m", "kemiripan"))


def duplicate_groups(frame: pl.DataFrame, radius_m: float = DEFAULT_RADIUS_M,
                     min_similarity: float = DEFAULT_MIN_SIMILARITY) -> pl.DataFrame:
    """`frame` plus `grup_duplikat`: proposals linked by near-and-similar pairs share a group id.

    Groups are connected components (union-find); ids are 1.. in order of the first member;
    proposals without a near-and-similar partner get null.
    """
    pairs = duplicate_pairs(frame, radius_m, min_similarity)
    parent = np.arange(frame.height)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # one Python step per near-and-similar pair (few), never per proposal
    for i, j in zip(pairs["i"].to_list(), pairs["j"].to_list(), strict=True):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([find(x) for x in range(frame.height)]) if pairs.height else parent
    members = np.bincount(roots, minlength=frame.height) if frame.height else np.array([], int)
    in_group = members[roots] > 1 if frame.height else np.array([], bool)
    group_of_root: dict[int, int] = {}
    gid = np.zeros(frame.height, dtype=np.int64)
    for idx in np.flatnonzero(in_group):
        gid[idx] = group_of_root.setdefault(int(roots[idx]), len(group_of_root) + 1)
    series = pl.Series("grup_duplikat", gid, dtype=pl.Int64)
    return frame.with_columns(pl.when(series > 0).then(series).otherwise(None)
                              .alias("grup_duplikat"))


@lru_cache(maxsize=8)
def _all_groups(version: str, warehouse: str, radius_m: float,
                min_similarity: float) -> pl.DataFrame:
    # Across every desa and year, once per data version (version/warehouse are cache keys only).
    points = db.query("SELECT id_usulan, usulan, lat, lng FROM usulan ORDER BY id_usulan")
    grouped = duplicate_groups(points, radius_m, min_similarity)
    return grouped.select("id_usulan", "grup_duplikat")


def similar_nearby(lat: float, lng: float, text: str, *, radius_m: float = DEFAULT_RADIUS_M,
                   exclude_id: str | None = None,
                   min_similarity: float = DEFAULT_MIN_SIMILARITY) -> pl.DataFrame:
    """Existing proposals within `radius_m` of (lat, lng) whose text is similar, nearest first."""
    dlat = radius_m / 111_320.0
    dlng = radius_m / (111_320.0 * max(math.cos(math.radians(abs(lat))), 1e-6))
    near = db.named("musrenbang_near", {"min_lat": lat - dlat, "max_lat": lat + dlat,
                                        "min_lng": lng - dlng, "max_lng": lng + dlng,
                                        "exclude_id": exclude_id})
    empty = near.head(0).with_columns(pl.lit(0.0).alias("jarak_m"),
                                      pl.lit(0.0).alias("kemiripan"))
    if near.is_empty():
        return empty
    dist = geo.haversine_m(lat, lng, near["lat"].to_numpy(), near["lng"].to_numpy())
    if not tokens(text):
        return empty
    sim = serupa.similarities(near["usulan"], text)
    return (near.with_columns(pl.Series("jarak_m", dist), sim.alias("kemiripan"))
            .filter((pl.col("jarak_m") <= radius_m) & (pl.col("kemiripan") >= min_similarity))
            .sort(["jarak_m", "kemiripan"], descending=[False, True]))


# --- placement --------------------------------------------------------------------------------

def placement_check(points: pl.DataFrame) -> pl.DataFrame:
    """Each point's desa by polygon and a reason when it differs from the stated desa (or null)."""
    desa = geo.shapes("desa")
    region = geo.shapes("kabupaten")
    lat, lng = points["lat"].to_numpy(), points["lng"].to_numpy()
    idx = geo.locate(desa, lat, lng)
    in_region = np.zeros(len(lat), dtype=bool)
    for s in region:
        in_region |= geo.contains(s, lat, lng)
    kode_at = np.array([desa[i].kode if i >= 0 else None for i in range(len(desa))] + [None],
                       dtype=object)
    nama_at = np.array([s.nama for s in desa] + [None], dtype=object)
    with_poly = {s.kode for s in desa}
    frame = points.with_columns(
        pl.Series("kode_desa_titik", kode_at[idx], dtype=pl.String),
        pl.Series("nama_desa_titik", nama_at[idx], dtype=pl.String),
        pl.Series("di_wilayah", in_region),
    )
    stated_has_poly = pl.col("kode_desa").is_in(list(with_poly))
    reason = (
        pl.when(pl.col("kode_desa").is_null()).then(None)
        .when(~stated_has_poly).then(pl.lit("desa_tanpa_poligon"))
        .when(pl.col("kode_desa_titik") == pl.col("kode_desa")).then(None)
        .when(pl.col("kode_desa_titik").is_not_null()).then(pl.lit("desa_lain"))
        .when(pl.col("di_wilayah")).then(pl.lit("celah_batas"))
        .otherwise(pl.lit("luar_wilayah"))
    )
    return frame.with_columns(reason.alias("masalah_lokasi"))


def placement_mismatches() -> pl.DataFrame:
    """Proposals whose point is not inside their desa polygon, with the reason (for officials)."""
    checked = placement_check(db.named("musrenbang_points"))
    return (checked.filter(pl.col("masalah_lokasi").is_not_null())
            .select("id_usulan", "tahun_rkpd", "usulan", "kode_desa", "nama_desa",
                    "nama_kecamatan", "lat", "lng", "masalah_lokasi", "kode_desa_titik",
                    "nama_desa_titik"))


# --- map and downloads ------------------------------------------------------------------------

def per_desa(frame: pl.DataFrame) -> pl.DataFrame:
    """Count and estimated cost of the proposals per desa (the choropleth of a broad filter)."""
    return (frame.filter(pl.col("kode_desa").is_not_null())
            .group_by("kode_desa")
            .agg(pl.col("nama_desa").first(), pl.col("nama_kecamatan").first(),
                 pl.len().alias("jumlah"), pl.col("perkiraan_biaya").sum())
            .sort("kode_desa"))


def geojson_bytes(frame: pl.DataFrame) -> bytes:
    """The proposals as a GeoJSON FeatureCollection of Points (public columns).

    A proposal without coordinates is a Feature with `"geometry": null` (RFC 7946 §3.2), so the
    file holds exactly the rows of the list.
    """
    props = frame.drop("lat", "lng")
    features = [
        {"type": "Feature",
         "geometry": ({"type": "Point", "coordinates": [lng, lat]}
                      if lat is not None and lng is not None else None),
         "properties": p}
        for lng, lat, p in zip(frame["lng"].to_list(), frame["lat"].to_list(),
                               props.to_dicts(), strict=True)
    ]
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8")


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The page's queries with typical parameters, for `make bench`."""
    def latest_year() -> int | None:
        years = filter_options()["tahun"]
        return int(years[0][0]) if years else None

    year = latest_year()
    return [
        ("musrenbang.filter_options", filter_options),
        ("musrenbang.usulan_staged(all)", lambda: usulan_staged()),
        ("musrenbang.usulan_staged(tahun)", lambda: usulan_staged(tahun=year)),
        ("musrenbang.funnel(tahun)", lambda: funnel(usulan_staged(tahun=year))),
        ("musrenbang.usulan_filtered(tahun, status)",
         lambda: usulan_filtered(tahun=year, status="masuk_rkpd")),
        ("musrenbang.similar_nearby", lambda: similar_nearby(-0.1, 109.4, "pembangunan jalan")),
    ]
