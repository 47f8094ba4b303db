"""Musrenbang queries on real DuckDB files: funnel vs independent SQL, duplicates, placement, money."""

from __future__ import annotations

import json
import math

import duckdb
import polars as pl
import pytest

from lentera.core import config, kalender
from lentera.core.i18n import has
from lentera.core.schema import ETL_TABLES_SQL, REFERENCE_TABLES_SQL, SOURCES
from lentera.warehouse import geo, musrenbang

S1, S2, S3 = "1.03.10.2.01.0001", "1.03.10.2.01.0002", "1.03.10.2.01.0003"


def _offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    """A point `north_m`/`east_m` metres away (small distances)."""
    return (lat + north_m / 111_195.0,
            lng + east_m / (111_195.0 * math.cos(math.radians(lat))))


def _pick_desa() -> tuple[list[dict], str]:
    """Three desa whose reference centroid lies inside their own polygon, and one without polygon."""
    doc = json.loads(config.region().path("desa_geojson").read_text(encoding="utf-8"))
    wil = pl.read_csv(config.region().path("desa"), infer_schema=False)
    with_poly = {f["properties"]["kode"]: geo.shape("d", "d", f["geometry"])
                 for f in doc["features"]}
    good = []
    for row in wil.filter(pl.col("lat").is_not_null()).iter_rows(named=True):
        g = with_poly.get(row["kode_desa"])
        lat, lng = float(row["lat"]), float(row["lng"])
        near_lat, near_lng = _offset(lat, lng, 0, 100)
        if g and geo.contains(g, [lat, near_lat], [lng, near_lng]).all():
            good.append({**row, "lat": lat, "lng": lng})
    no_poly = next(k for k in wil["kode_desa"] if k not in with_poly)
    # far apart from each other (different kecamatan)
    picked = [good[0]]
    for row in good[1:]:
        if all(row["kode_kecamatan"] != p["kode_kecamatan"] for p in picked):
            picked.append(row)
        if len(picked) == 3:
            break
    return picked, no_poly


def _usulan_rows(desa: list[dict], no_poly: str) -> list[dict]:
    a, b, _ = desa
    near_lat, near_lng = _offset(a["lat"], a["lng"], 0, 100)

    def row(i, tahun, text, d, status, lat=None, lng=None, **kw):
        return {"id_usulan": f"U{i:03d}", "tahun_rkpd": tahun, "usulan": text,
                "kode_desa": d["kode_desa"], "nama_desa": d["nama_desa"],
                "kode_kecamatan": d["kode_kecamatan"], "nama_kecamatan": d["nama_kecamatan"],
                "status": status, "lat": lat, "lng": lng, "sumber": kw.pop("sumber", "musrenbang"),
                "bidang_urusan": kw.pop("bidang_urusan", "1.03 PUPR"),
                "perkiraan_biaya": kw.pop("biaya", 100_000_000), **kw}

    np_row = {"kode_desa": no_poly, "nama_desa": "Tanpa Poligon", "kode_kecamatan": no_poly[:8],
              "nama_kecamatan": "K"}
    return [
        # near and similar, across years: one duplicate group
        row(1, 2026, "Pembangunan jalan rabat beton Dusun Sejahtera", a, "masuk_rkpd",
            a["lat"], a["lng"], kode_sub_kegiatan=S1, tahap="kabupaten"),
        row(2, 2025, "Pembangunan Jalan Rabat Beton dusun sejahtera RT 03", a, "diusulkan",
            near_lat, near_lng, tahap="desa"),
        # near but different
        row(3, 2026, "Pengadaan bibit karet untuk kelompok tani", a, "diverifikasi_kecamatan",
            near_lat, near_lng, tahap="kecamatan", bidang_urusan="3.27 Pertanian"),
        # similar but far
        row(4, 2026, "Pembangunan jalan rabat beton Dusun Sejahtera", b, "diterima_opd",
            b["lat"], b["lng"], tahap="kabupaten"),
        # stated desa a, point in desa b
        row(5, 2026, "Rehabilitasi posyandu", a, "ditolak", b["lat"] + 0.0, b["lng"] + 0.0,
            tahap="kabupaten", alasan="Bukan kewenangan kabupaten", sumber="pokir"),
        # far outside the region
        row(6, 2026, "Sumur bor air bersih", a, "dikembalikan", -3.0, 105.0, tahap="desa",
            alasan="Dokumen belum lengkap", sumber="warga"),
        # desa without polygon
        row(7, 2026, "Perbaikan jembatan kayu", np_row, "masuk_rkpd", a["lat"], a["lng"],
            kode_sub_kegiatan=S2, tahap="kabupaten"),
        # in RKPD with a sub kegiatan that is not in the APBD: not funded
        row(8, 2026, "Pembangunan drainase", b, "masuk_rkpd", None, None,
            kode_sub_kegiatan=S3, tahap="kabupaten", biaya=None),
        # rejected although it carries a funded code: never counts as funded
        row(9, 2026, "Pembangunan gedung serbaguna", b, "ditolak", None, None,
            kode_sub_kegiatan=S1, tahap="kecamatan", alasan="Bukan kewenangan kabupaten"),
    ]


def build_warehouse(path, rows: list[dict]) -> None:
    """A small real warehouse: the schema's tables, reference geography, crafted facts."""
    con = duckdb.connect(str(path))
    for src in SOURCES.values():
        cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in src.columns)
        con.execute(f"CREATE TABLE {src.table} ({cols})")
    for name, ddl in {**REFERENCE_TABLES_SQL, **ETL_TABLES_SQL}.items():
        con.execute(f"CREATE TABLE {name} ({ddl})")
    region = config.region()
    for level, key in (("desa", "desa_geojson"), ("kecamatan", "kecamatan_geojson")):
        geoms = {f["properties"]["kode"]: json.dumps(f["geometry"]) for f in
                 json.loads(region.path(key).read_text(encoding="utf-8"))["features"]}
        ref = pl.read_csv(region.path(level), infer_schema=False)
        ref = ref.with_columns(pl.col(f"kode_{level}").replace_strict(geoms, default=None)
                               .alias("geojson"))
        cols = [f"kode_{level}", f"nama_{level}", "geojson"]
        if level == "desa":
            cols += ["kode_kecamatan", "nama_kecamatan"]
        con.register("ref", ref.select(cols).to_arrow())
        con.execute(f"INSERT INTO wilayah_{level} BY NAME SELECT * FROM ref")
        con.unregister("ref")
    con.execute("INSERT INTO skpd VALUES ('1.03.0.00.0.00.01.0000', 'Dinas PUPR', 'PUPR', "
                "'1.03', 'PUPR')")
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.lit("1.03.0.00.0.00.01.0000").alias("kode_skpd_tujuan"))
    con.register("u", frame.to_arrow())
    con.execute("INSERT INTO usulan BY NAME SELECT * FROM u")
    con.execute("""
        INSERT INTO anggaran (tahun, tahap, kode_skpd, nama_skpd, kode_sub_kegiatan,
                              nama_sub_kegiatan, kode_rekening, pagu) VALUES
        (2026, 'murni', 'X', 'Dinas PUPR', $s1, 'Jalan desa', '5.2.04.01.01.0001', 100000000),
        (2026, 'murni', 'X', 'Dinas PUPR', $s1, 'Jalan desa', '5.1.02.01.01.0001', 20000000),
        (2026, 'perubahan', 'X', 'Dinas PUPR', $s1, 'Jalan desa', '5.2.04.01.01.0001', 150000000),
        (2026, 'murni', 'X', 'Dinas PUPR', $s2, 'Jembatan', '5.2.04.01.01.0001', 80000000),
        (2025, 'murni', 'X', 'Dinas PUPR', $s3, 'Drainase', '5.2.04.01.01.0001', 50000000)
    """, {"s1": S1, "s2": S2, "s3": S3})
    con.execute("""
        INSERT INTO realisasi (tahun, bulan, kode_skpd, kode_sub_kegiatan, kode_rekening, realisasi)
        VALUES (2026, 3, 'X', $s1, '5.2.04.01.01.0001', 30000000),
               (2026, 4, 'X', $s1, '5.2.04.01.01.0001', 15000000),
               (2025, 4, 'X', $s3, '5.2.04.01.01.0001', 15000000)
    """, {"s1": S1, "s3": S3})
    con.execute("INSERT INTO meta VALUES ('data_version', $v), ('is_sample', 'true')",
                {"v": f"crafted-{path.name}"})
    # the working-day calendar every warehouse carries (the semantic layer's SLA macros bind to it)
    kalender.Calendar.from_reference(range(2024, 2028)).write_table(con)
    con.close()


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    desa, no_poly = _pick_desa()
    path = tmp_path_factory.mktemp("musrenbang") / "wh.duckdb"
    build_warehouse(path, _usulan_rows(desa, no_poly))
    return {"path": path, "desa": desa, "no_poly": no_poly}


@pytest.fixture()
def crafted_env(crafted, monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(crafted["path"]))
    return crafted


INDEPENDENT_FUNNEL = """
    -- written apart from musrenbang_usulan.sql: one boolean per stage, then sums; a link
    -- counts when the code is in the plan year's APBD, the sector (U.BB) matches and a
    -- kecamatan named by the sub kegiatan is the proposal's (INPUT_FORMATS.md)
    WITH names AS (
        SELECT tahun, kode_sub_kegiatan, any_value(nama_sub_kegiatan) AS nm
        FROM anggaran WHERE kode_sub_kegiatan IS NOT NULL GROUP BY ALL
    ), money AS (
        SELECT n.tahun, n.kode_sub_kegiatan, u.id_usulan
        FROM names n
        JOIN usulan u ON u.tahun_rkpd = n.tahun AND u.kode_sub_kegiatan = n.kode_sub_kegiatan
        LEFT JOIN skpd o ON o.kode_skpd = u.kode_skpd_tujuan
        WHERE split_part(n.kode_sub_kegiatan, '.', 1) || '.' || split_part(n.kode_sub_kegiatan, '.', 2)
              = coalesce(CASE WHEN regexp_matches(u.bidang_urusan, '^[0-9][.][0-9][0-9]( |$)')
                              THEN left(u.bidang_urusan, 4) END,
                         (SELECT min(kode_bidang) FROM skpd
                          WHERE lower(nama_bidang) = lower(trim(u.bidang_urusan))),
                         o.kode_bidang)
          AND (NOT EXISTS (SELECT 1 FROM wilayah_kecamatan k
                           WHERE n.nm ILIKE '%kecamatan ' || k.nama_kecamatan || '%')
               OR EXISTS (SELECT 1 FROM wilayah_kecamatan k
                          WHERE k.kode_kecamatan = u.kode_kecamatan
                            AND n.nm ILIKE '%kecamatan ' || k.nama_kecamatan || '%'))
    ), spent AS (
        SELECT tahun, kode_sub_kegiatan FROM realisasi GROUP BY ALL HAVING sum(realisasi) > 0
    ), flags AS (
        SELECT u.*,
               u.status NOT IN ('ditolak', 'dikembalikan')
               AND EXISTS (SELECT 1 FROM money m WHERE m.id_usulan = u.id_usulan) AS f,
               u.status NOT IN ('ditolak', 'dikembalikan')
               AND EXISTS (SELECT 1 FROM money m WHERE m.id_usulan = u.id_usulan)
               AND EXISTS (SELECT 1 FROM spent s WHERE s.tahun = u.tahun_rkpd
                           AND s.kode_sub_kegiatan = u.kode_sub_kegiatan) AS r
        FROM usulan u
        WHERE ($tahun IS NULL OR u.tahun_rkpd = $tahun)
    )
    SELECT count(*) AS diusulkan,
           count(*) FILTER (WHERE status IN ('diverifikasi_kecamatan', 'diterima_opd', 'masuk_rkpd')
                            OR (status IN ('ditolak', 'dikembalikan') AND tahap = 'kabupaten') OR f)
               AS diverifikasi_kecamatan,
           count(*) FILTER (WHERE status IN ('diterima_opd', 'masuk_rkpd') OR f) AS diterima_opd,
           count(*) FILTER (WHERE status = 'masuk_rkpd' OR f) AS masuk_rkpd,
           count(*) FILTER (WHERE f) AS didanai,
           count(*) FILTER (WHERE r) AS terealisasi
    FROM flags
"""


def _independent(path, tahun=None) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(INDEPENDENT_FUNNEL, params={"tahun": tahun}).pl().row(0, named=True)
    finally:
        con.close()


@pytest.mark.parametrize("tahun", [None, 2026, 2025])
def test_funnel_equals_independent_sql(crafted_env, tahun):
    got = musrenbang.funnel(musrenbang.usulan_staged(tahun=tahun))
    expected = _independent(crafted_env["path"], tahun)
    assert dict(zip(got["tahap"], got["jumlah"], strict=True)) == expected


def test_funnel_crafted_counts_and_cost(crafted_env):
    got = musrenbang.funnel(musrenbang.usulan_staged())
    # U1 realised (S1 spent in 2026); U7 funded (S2 in 2026 APBD, nothing spent); U8's S3 is
    # budgeted in 2025 only; U9 carries S1 but was rejected
    assert got["jumlah"].to_list() == [9, 6, 4, 3, 2, 1]
    assert got["perkiraan_biaya"][0] == pytest.approx(8 * 100_000_000)
    staged = musrenbang.usulan_staged().sort("id_usulan")
    u1 = staged.row(0, named=True)
    # the revised pagu replaces the original one when a perubahan exists
    assert u1["pagu_sub_kegiatan"] == 150_000_000 and u1["realisasi_sub_kegiatan"] == 45_000_000
    assert staged.filter(pl.col("id_usulan") == "U007")["realisasi_sub_kegiatan"][0] == 0


def test_filters_narrow_and_unknown_values_match_nothing(crafted_env):
    assert musrenbang.usulan_staged(sumber="pokir")["id_usulan"].to_list() == ["U005"]
    assert musrenbang.usulan_staged(status="ditolak").height == 2
    assert musrenbang.usulan_staged(bidang="3.27 Pertanian")["id_usulan"].to_list() == ["U003"]
    kec = crafted_env["desa"][1]["kode_kecamatan"]
    assert set(musrenbang.usulan_staged(kecamatan=kec)["kode_kecamatan"]) == {kec}
    assert musrenbang.usulan_staged(opd="nope").height == 0


def test_funnel_by_group_sums_to_total(crafted_env):
    staged = musrenbang.usulan_staged()
    per_kec = musrenbang.funnel_by(staged, "nama_kecamatan")
    total = musrenbang.funnel(staged)
    for stage, n in zip(total["tahap"], total["jumlah"], strict=True):
        assert per_kec[stage].sum() == n
    with pytest.raises(ValueError):
        musrenbang.funnel_by(staged, "status; DROP TABLE usulan")


def test_stage_mix_sums_to_total(crafted_env):
    staged = musrenbang.usulan_staged()
    mix = musrenbang.stage_mix_by(staged, "bidang_urusan")
    assert mix["jumlah"].sum() == staged.height
    assert set(mix["tahap"]) <= set(musrenbang.STAGES)


def test_rejection_reasons(crafted_env):
    got = musrenbang.rejection_reasons(musrenbang.usulan_staged())
    assert got.filter(pl.col("alasan") == "Bukan kewenangan kabupaten")["jumlah"][0] == 2
    assert got["jumlah"].sum() == 3


def test_duplicate_groups_crafted_pairs(crafted_env):
    listed = musrenbang.usulan_filtered().sort("id_usulan")
    group = dict(zip(listed["id_usulan"], listed["grup_duplikat"], strict=True))
    assert group["U001"] is not None and group["U001"] == group["U002"]  # near and similar
    assert group["U003"] is None  # near but different
    assert group["U004"] is None  # similar but far
    # a filter does not hide the partner in another year: the group is computed over all years
    only_2026 = musrenbang.usulan_filtered(tahun=2026)
    assert only_2026.filter(pl.col("id_usulan") == "U001")["grup_duplikat"][0] == group["U001"]


def test_duplicate_groups_union_find_and_radius():
    base_lat, base_lng = -0.2, 109.4
    pts = [(0, 0), (0, 200), (0, 400), (0, 2000)]  # a chain of 200 m steps, then far
    rows = []
    for k, (n, e) in enumerate(pts):
        lat, lng = _offset(base_lat, base_lng, n, e)
        rows.append({"id_usulan": f"C{k}", "usulan": "Normalisasi saluran irigasi tersier",
                     "lat": lat, "lng": lng})
    rows.append({"id_usulan": "N", "usulan": "Normalisasi saluran irigasi tersier",
                 "lat": None, "lng": None})
    frame = pl.DataFrame(rows)
    got = musrenbang.duplicate_groups(frame, radius_m=250)["grup_duplikat"].to_list()
    assert got == [1, 1, 1, None, None]  # transitive chain joins; far and pointless stay alone
    tight = musrenbang.duplicate_groups(frame, radius_m=150)["grup_duplikat"].to_list()
    assert tight == [None] * 5


def test_similarity_rule():
    assert musrenbang.similarity("Pembangunan Jalan, Dusun 2", "pembangunan jalan RT 5") == 1.0
    assert musrenbang.similarity("Pembangunan jalan", "Pengadaan bibit karet") == 0.0
    assert musrenbang.similarity("", "jalan") == 0.0
    assert musrenbang.tokens("Rehabilitasi Posyandu di Desa Kuala") == ["kuala", "posyandu",
                                                                        "rehabilitasi"]


def test_similar_nearby(crafted_env):
    a = crafted_env["desa"][0]
    got = musrenbang.similar_nearby(a["lat"], a["lng"], "jalan rabat beton dusun sejahtera")
    assert set(got["id_usulan"]) == {"U001", "U002"}
    assert got["jarak_m"][0] <= got["jarak_m"][-1] <= 250
    excl = musrenbang.similar_nearby(a["lat"], a["lng"], "jalan rabat beton dusun sejahtera",
                                     exclude_id="U001")
    assert excl["id_usulan"].to_list() == ["U002"]
    # "bibit karet" shares 2 of 5 words with U003 (0.4): below the default 0.5, above 0.3
    assert musrenbang.similar_nearby(a["lat"], a["lng"], "bibit karet").height == 0
    assert musrenbang.similar_nearby(a["lat"], a["lng"], "bibit karet",
                                     min_similarity=0.3)["id_usulan"].to_list() == ["U003"]
    # 10 m keeps only the proposal exactly at the point (U002 and U003 are 100 m away)
    assert musrenbang.similar_nearby(a["lat"], a["lng"], "jalan rabat beton dusun sejahtera",
                                     radius_m=10)["id_usulan"].to_list() == ["U001"]


def test_placement_mismatches(crafted_env):
    got = musrenbang.placement_mismatches()
    reason = dict(zip(got["id_usulan"], got["masalah_lokasi"], strict=True))
    b = crafted_env["desa"][1]
    assert reason == {"U005": "desa_lain", "U006": "luar_wilayah", "U007": "desa_tanpa_poligon"}
    assert got.filter(pl.col("id_usulan") == "U005")["kode_desa_titik"][0] == b["kode_desa"]


def test_placement_gap_inside_region():
    # a point in the kabupaten but in no desa polygon is reported as a gap, not "outside"
    desa = geo.shapes("desa")
    region = geo.shapes("kabupaten")[0]
    lat0, lng0, lat1, lng1 = region.bbox[1], region.bbox[0], region.bbox[3], region.bbox[2]
    import numpy as np
    rng = np.random.default_rng(3)
    lat = rng.uniform(lat0, lat1, 20000)
    lng = rng.uniform(lng0, lng1, 20000)
    gap = (geo.locate(desa, lat, lng) < 0) & geo.contains(region, lat, lng)
    if not gap.any():
        pytest.skip("no gap between desa polygons in this region's geometry")
    k = int(np.flatnonzero(gap)[0])
    pts = pl.DataFrame({"id_usulan": ["G"], "kode_desa": [desa[0].kode],
                        "lat": [lat[k]], "lng": [lng[k]]})
    assert musrenbang.placement_check(pts)["masalah_lokasi"].to_list() == ["celah_batas"]


def test_money_and_link_back(crafted_env):
    money = musrenbang.sub_kegiatan_money(S1, 2026)
    assert money["pagu"] == 150_000_000 and money["realisasi"] == 45_000_000
    assert musrenbang.sub_kegiatan_money(S1, 2024) is None
    linked = musrenbang.proposals_for_sub_kegiatan(S1, 2026)
    assert set(linked["id_usulan"]) == {"U001", "U009"}
    assert musrenbang.funded(musrenbang.usulan_staged())["id_usulan"].sort().to_list() == [
        "U001", "U007"]


def test_geojson_matches_list(crafted_env):
    listed = musrenbang.usulan_filtered(tahun=2026)
    doc = json.loads(musrenbang.geojson_bytes(listed))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == listed.height
    located = [f for f in doc["features"] if f["geometry"] is not None]
    assert len(located) == listed.filter(pl.col("lat").is_not_null()).height < listed.height
    f = located[0]
    row = listed.filter(pl.col("id_usulan") == f["properties"]["id_usulan"]).row(0, named=True)
    assert f["geometry"] == {"type": "Point", "coordinates": [row["lng"], row["lat"]]}
    assert "lat" not in f["properties"] and f["properties"]["usulan"] == row["usulan"]


def test_per_desa_and_options(crafted_env):
    staged = musrenbang.usulan_staged()
    agg = musrenbang.per_desa(staged)
    assert agg["jumlah"].sum() == staged.filter(pl.col("kode_desa").is_not_null()).height
    opts = musrenbang.filter_options()
    assert [v for v, _ in opts["tahun"]] == ["2026", "2025"]
    assert ("1.03.0.00.0.00.01.0000", "Dinas PUPR") in opts["opd"]


def test_bench_queries_run(crafted_env):
    for name, fn in musrenbang.bench_queries():
        assert fn() is not None, name


def test_methods_are_translated():
    for title, body in musrenbang.METHODS:
        assert has(title) and has(body)


@pytest.mark.parametrize("tahun", [None, 2026])
def test_funnel_equals_independent_sql_on_fixture_sample(warehouse_env, tahun):
    got = musrenbang.funnel(musrenbang.usulan_staged(tahun=tahun))
    expected = _independent(warehouse_env.db, tahun)
    assert expected["diusulkan"] > 0
    assert dict(zip(got["tahap"], got["jumlah"], strict=True)) == expected


def test_map_payload_small_on_fixture_sample(warehouse_env):
    from lentera.figures import maps
    from lentera.warehouse import geo
    shapes = {"desa": geo.shapes("desa"), "kecamatan": geo.shapes("kecamatan")}
    rows = musrenbang.usulan_filtered()
    agg = musrenbang.per_desa(rows).with_columns(pl.lit("x").alias("biaya_teks"))
    assert maps.payload_bytes(maps.choropleth_deck(agg, "{nama_desa}", **shapes)) < 5_000_000
    pts = rows.head(musrenbang.MAP_POINT_LIMIT).with_columns(
        pl.col("grup_duplikat").is_not_null().alias("duplikat"))
    assert maps.payload_bytes(maps.points_deck(pts, "{usulan}", **shapes)) < 5_000_000


S4, S5 = "1.02.02.2.01.0001", "1.03.02.2.04.0005"


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """Several proposals on one sub kegiatan, a wrong-sector link and a wrong-place link."""
    desa, _no_poly = _pick_desa()
    a, b, _ = desa

    def row(i, d, kode, **kw):
        return {"id_usulan": f"V{i}", "tahun_rkpd": 2026, "usulan": f"Usulan {i}",
                "kode_desa": d["kode_desa"], "nama_desa": d["nama_desa"],
                "kode_kecamatan": d["kode_kecamatan"], "nama_kecamatan": d["nama_kecamatan"],
                "status": "masuk_rkpd", "tahap": "kabupaten", "sumber": "musrenbang",
                "bidang_urusan": kw.pop("bidang_urusan", "1.03 PUPR"),
                "perkiraan_biaya": 100_000_000, "kode_sub_kegiatan": kode, **kw}

    rows = [
        row(1, a, S1), row(2, b, S1),
        row(3, a, S1, bidang_urusan="PUPR"),  # the sector by its name in the SKPD table
        row(4, a, S4),  # a health sub kegiatan for a public-works proposal
        row(5, a, S5),  # a sub kegiatan named for kecamatan b, proposal in a
        row(6, b, S5),
    ]
    path = tmp_path_factory.mktemp("linked") / "wh.duckdb"
    build_warehouse(path, rows)
    con = duckdb.connect(str(path))
    con.execute("""
        INSERT INTO anggaran (tahun, tahap, kode_skpd, nama_skpd, kode_sub_kegiatan,
                              nama_sub_kegiatan, kode_rekening, pagu) VALUES
        (2026, 'murni', 'Y', 'Dinkes', $s4, 'Puskesmas', '5.2.04.01.01.0001', 70000000),
        (2026, 'murni', 'X', 'Dinas PUPR', $s5, $nama5, '5.2.04.01.01.0001', 60000000)
    """, {"s4": S4, "s5": S5, "nama5": f"Pembangunan Jembatan Kecamatan {b['nama_kecamatan']}"})
    con.execute("INSERT INTO realisasi (tahun, bulan, kode_skpd, kode_sub_kegiatan, "
                "kode_rekening, realisasi) VALUES (2026, 5, 'X', $s5, '5.2.04.01.01.0001', "
                "6000000)", {"s5": S5})
    con.close()
    return path


def test_link_checks_sector_and_place(linked, monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(linked))
    staged = musrenbang.usulan_staged().sort("id_usulan")
    reached = dict(zip(staged["id_usulan"], staged["tahap_tercapai"], strict=True))
    mismatch = dict(zip(staged["id_usulan"], staged["tautan_tidak_cocok"], strict=True))
    assert {k for k, v in mismatch.items() if v} == {"V4", "V5"}
    # a mismatched link stays at masuk RKPD (4); the others are funded (5) or spent (6)
    assert reached == {"V1": 6, "V2": 6, "V3": 6, "V4": 4, "V5": 4, "V6": 6}


def test_money_counted_once_per_sub_kegiatan(linked, monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(linked))
    per_sub = musrenbang.money_per_sub_kegiatan(tahun=2026)
    assert sorted(per_sub["kode_sub_kegiatan"]) == sorted([S1, S5])
    assert dict(zip(per_sub["kode_sub_kegiatan"], per_sub["jumlah_usulan"], strict=True)) == {
        S1: 3, S5: 1}
    # expected: each funded proposal's sub kegiatan, its money taken once
    funded = musrenbang.funded(musrenbang.usulan_staged(tahun=2026))
    subs = set(funded["kode_sub_kegiatan"])
    money = [musrenbang.sub_kegiatan_money(k, 2026) for k in subs]
    total = musrenbang.money_total(per_sub)
    assert total["pagu"] == pytest.approx(sum(m["pagu"] for m in money))
    assert total["realisasi"] == pytest.approx(sum(m["realisasi"] for m in money))
    assert total["usulan"] == funded.height and total["sub_kegiatan"] == len(subs)
    # summing the per-proposal column would count S1's pagu three times
    assert funded["pagu_sub_kegiatan"].sum() > total["pagu"]
