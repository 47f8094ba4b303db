"""The budget measures are defined once: Musrenbang shows Anggaran's effective pagu (per-year rule)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from test_musrenbang import S1, S2, S3, _pick_desa, _usulan_rows, build_warehouse

from lentera.warehouse import anggaran, measures, musrenbang, semantic

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "lentera" / "warehouse" / "sql"
BUDGET_MEASURES = ("tahap_efektif", "pagu_baris", "pagu_efektif", "pagu_tahun_lalu", "perubahan_pagu",
                   "realisasi_kumulatif", "serapan", "uang_sub_kegiatan", "tahap_usulan")


@pytest.fixture(scope="module")
def crafted_path(tmp_path_factory):
    """2026 has a perubahan for S1 only (S2 murni only); 2025 has no perubahan at all."""
    desa, no_poly = _pick_desa()
    path = tmp_path_factory.mktemp("semantic_anggaran") / "wh.duckdb"
    build_warehouse(path, _usulan_rows(desa, no_poly))
    return path


@pytest.fixture()
def crafted_env(crafted_path, monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(crafted_path))
    return crafted_path


def _anggaran_pagu(kode: str, tahun: int) -> float:
    """The sub kegiatan's pagu as the Anggaran page shows it at the year's stage in force."""
    years = anggaran.tahun_anggaran()
    tahap = years.filter(pl.col("tahun") == tahun)["tahap_efektif"][0]
    hits = anggaran.cari(tahun, tahap, kode, batas=500)
    hits = hits.filter((pl.col("jenis") == "sub_kegiatan") & (pl.col("kode") == kode))
    return float(hits["pagu"].cast(pl.Float64).sum())


def test_stage_in_force_is_chosen_per_year(crafted_env):
    years = {r["tahun"]: r["tahap_efektif"] for r in anggaran.tahun_anggaran().iter_rows(named=True)}
    assert years == {2025: "murni", 2026: "perubahan"}


@pytest.mark.parametrize("kode,tahun,expected", [
    (S1, 2026, 150_000_000),  # has perubahan lines: the revision
    (S2, 2026, 0),            # no perubahan line in a perubahan year: not its murni 80,000,000
    (S3, 2025, 50_000_000),   # a year without perubahan: murni
])
def test_musrenbang_pagu_equals_anggaran_effective_pagu(crafted_env, kode, tahun, expected):
    assert _anggaran_pagu(kode, tahun) == expected
    money = musrenbang.sub_kegiatan_money(kode, tahun)
    assert money is not None and money["pagu"] == expected
    staged = musrenbang.usulan_staged(tahun=tahun, kode_sub_kegiatan=kode)
    assert set(staged["pagu_sub_kegiatan"].to_list()) <= {float(expected)}


def test_musrenbang_pagu_equals_anggaran_on_fixture_sample(warehouse_env):
    funded = musrenbang.funded(musrenbang.usulan_staged())
    pairs = funded.select("kode_sub_kegiatan", "tahun_rkpd").unique().sort("tahun_rkpd",
                                                                            "kode_sub_kegiatan")
    assert pairs.height > 0
    for kode, tahun in pairs.head(5).iter_rows():
        row = funded.filter((pl.col("kode_sub_kegiatan") == kode)
                            & (pl.col("tahun_rkpd") == tahun)).row(0, named=True)
        assert row["pagu_sub_kegiatan"] == pytest.approx(_anggaran_pagu(kode, tahun), abs=0.005)
        assert row["serapan"] == pytest.approx(row["realisasi_sub_kegiatan"]
                                               / row["pagu_sub_kegiatan"])


def test_funnel_stage_measure(crafted_path):
    con = semantic.connect(str(crafted_path))
    cases = [
        (("diusulkan", "desa", False, False), 1),
        (("masuk_rkpd", "kabupaten", False, False), 4),
        (("masuk_rkpd", "kabupaten", True, False), 5),
        (("diterima_opd", "kabupaten", True, True), 6),
        (("ditolak", "kabupaten", True, True), 2),  # rejected never counts as funded
        (("dikembalikan", "desa", True, False), 1),
    ]
    for args, stage in cases:
        got = con.sql("SELECT tahap_usulan($s, $t, $d, $r)",
                      params=dict(zip("stdr", args, strict=True))).fetchall()[0][0]
        assert got == stage, args


def test_budget_measures_are_documented():
    names = {m.name for m in measures.all_measures()}
    assert set(BUDGET_MEASURES) <= names


@pytest.mark.parametrize("path", sorted(SQL_DIR.glob("*.sql")), ids=lambda p: p.name)
def test_no_named_query_chooses_the_stage_itself(path):
    text = path.read_text(encoding="utf-8").lower()
    for formula in ("'perubahan'", "'murni'", "coalesce(tahap", "coalesce(a.tahap"):
        assert formula not in text, (path.name, formula)


@pytest.mark.parametrize("path", sorted([*SQL_DIR.glob("anggaran_*.sql"),
                                         *SQL_DIR.glob("musrenbang_*.sql")]),
                         ids=lambda p: p.name)
def test_no_budget_query_divides_by_itself(path):
    # realisasi ÷ pagu is the `serapan` macro; shares use `rasio`
    assert not re.search(r"nullif\s*\(", path.read_text(encoding="utf-8"), re.I), path.name


@pytest.mark.parametrize("module", ["anggaran", "musrenbang", "beranda"])
def test_no_stage_choice_in_python(module):
    text = (ROOT / "lentera" / "warehouse" / f"{module}.py").read_text(encoding="utf-8")
    assert "'perubahan'" not in text and "bool_or" not in text


def _own_absorption(con, tahun: int, tahap: str, bulan: int) -> float | None:
    """Belanja absorption with the test's own SQL: realisasi to `bulan` ÷ the stage's pagu."""
    pagu = con.sql("SELECT sum(pagu) FROM anggaran WHERE tahun = $t AND coalesce(tahap, 'murni') "
                   "= $s AND kode_rekening LIKE '5.%'", params={"t": tahun, "s": tahap}
                   ).fetchall()[0][0]
    real = con.sql("SELECT sum(realisasi) FROM realisasi WHERE tahun = $t AND bulan <= $b "
                   "AND kode_rekening LIKE '5.%'", params={"t": tahun, "b": bulan}).fetchall()[0][0]
    return float(real or 0) / float(pagu) if pagu else None


@pytest.mark.parametrize("tahap,tahap_lalu", [
    ("murni", "murni"),          # murni compares with last year's murni
    ("perubahan", "perubahan"),  # 2025 has no perubahan: no comparison at all
    ("efektif", "murni"),        # 2026 in force = perubahan; 2025 in force = murni
])
def test_last_year_is_read_at_the_same_stage(crafted_env, crafted_path, tahap, tahap_lalu):
    import duckdb

    head = anggaran.ringkasan(2026, tahap, 12).filter(pl.col("pos") == "belanja").row(0, named=True)
    assert head["tahap"] == ("perubahan" if tahap == "efektif" else tahap)
    assert head["tahap_lalu"] == tahap_lalu
    with duckdb.connect(str(crafted_path), read_only=True) as con:
        now = _own_absorption(con, 2026, head["tahap"], 12)
        before = _own_absorption(con, 2025, tahap_lalu, 12)
    assert head["persen"] == pytest.approx(now)
    if before is None:
        assert head["pagu_lalu"] is None and head["persen_lalu"] is None
    else:
        assert head["persen_lalu"] == pytest.approx(before)
        assert (head["persen"] - head["persen_lalu"]) * 100 == pytest.approx((now - before) * 100)


def test_comparable_budget_measure_is_documented():
    m = {m.name: m for m in measures.all_measures()}["pagu_tahun_lalu"]
    for lang in ("id", "en"):
        text = m.get("definition", lang)
        assert "murni" in text and "perubahan" in text, lang
