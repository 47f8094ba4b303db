"""The catalogue (dictionary, metadata queries, static publishing), citations, and the Data page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lentera.core.i18n import has, t
from lentera.core.schema import SOURCES
from lentera.warehouse import catalog, db, prepared
from lentera.web import cite

APP = Path(__file__).resolve().parent.parent / "app.py"


@pytest.mark.parametrize("name", list(catalog.DATASETS))
def test_dictionary_documents_every_column_in_both_languages(name):
    ds = catalog.DATASETS[name]
    frame = catalog.dictionary(name, "id")
    assert frame["kolom"].to_list() == [c.name for c in ds.columns]
    assert frame.columns == list(catalog.DICTIONARY_COLUMNS)
    for c in ds.columns:
        assert c.description_id.strip() and c.description_en.strip(), f"{name}.{c.name}"
    if name in SOURCES:
        assert [c.name for c in SOURCES[name].columns] == [c.name for c in ds.columns][
            :len(SOURCES[name].columns)]


def test_export_columns_exist_in_the_warehouse(warehouse_env):
    # a dataset's rows come from its table or, for computed columns, its export query
    as_of = dt.date.fromisoformat(db.meta()["as_of"])
    for ds in catalog.DATASETS.values():
        have = set(db.query(f"SELECT * FROM {ds.from_sql()} LIMIT 0",
                            ds.query_params(as_of)).columns)
        missing = {c.name for c in ds.columns} - have - set(ds.exprs)
        assert not missing, (ds.name, missing)


def test_reference_tables_and_rejects_are_published():
    for name in ("kategori_pengaduan", "standar_layanan", "kalender_kerja", "skpd",
                 "wilayah_kecamatan", "wilayah_desa", "baris_ditolak"):
        assert name in catalog.DATASETS, name
    assert "penduduk" in {c.name for c in catalog.DATASETS["wilayah_desa"].columns}
    for name in ("pengaduan", "perizinan"):
        cols = {c.name for c in catalog.DATASETS[name].columns}
        assert {"target_hari_kerja", "tanggal_target", "hari_kerja", "hari_kotor",
                "hari_ditunda", "tepat_waktu", "terbuka"} <= cols, name


@pytest.mark.parametrize("name", [n for n, d in catalog.DATASETS.items() if d.totals])
def test_totals_break_the_amount_down_without_losing_a_rupiah(warehouse_env, name):
    ds = catalog.DATASETS[name]
    con = duckdb.connect(str(warehouse_env.db), read_only=True)
    rows, total = con.execute(f'SELECT count(*), sum("{ds.amount}") FROM {ds.table}').fetchall()[0]
    con.close()
    sums = catalog.totals(name)
    assert sums["baris"].sum() == rows
    assert sum(sums["jumlah"].drop_nulls().to_list()) == total
    # never one row per dataset: at least a year and a second dimension
    assert sums.height > 1 and len(sums.columns) >= 4
    if name == "anggaran":
        # exactly one stage is in force per year and group
        per_year = sums.group_by("tahun", "akun").agg(pl.col("berlaku").sum())
        assert set(per_year["berlaku"]) == {1}


def test_reject_reasons_count_the_rejected_rows(warehouse_env):
    con = duckdb.connect(str(warehouse_env.db), read_only=True)
    n = con.execute("SELECT count(*) FROM etl_rejects WHERE source = 'perizinan'").fetchall()[0][0]
    con.close()
    reasons = catalog.reject_reasons("perizinan", top=1000)
    assert reasons["rows"].sum() == n


def test_summary_and_provenance_match_the_warehouse(warehouse_env):
    con = duckdb.connect(str(warehouse_env.db), read_only=True)
    rows, total, files = con.execute("""
        SELECT (SELECT count(*) FROM realisasi), (SELECT sum(realisasi)::DOUBLE FROM realisasi),
               (SELECT count(*) FROM etl_runs WHERE source = 'realisasi')""").fetchall()[0]
    con.close()
    info = catalog.summary("realisasi")
    assert info["rows"] == rows and info["amount"] == pytest.approx(total)
    assert info["start"] <= info["end"]
    runs = catalog.provenance("realisasi")
    assert runs.height == files and runs["sha256"].str.len_chars().min() == 64
    assert catalog.changes().is_empty() or set(catalog.changes()["dataset"]) <= set(SOURCES)


def test_methods_are_translated():
    for title, body in catalog.METHODS:
        assert has(title) and has(body)
        assert t(title, lang="id") != t(title, lang="en")


def test_prepared_files_are_served_from_the_exports_folder(warehouse_env):
    version = db.data_version()
    # a version with nothing prepared offers nothing
    assert catalog.prepared_folder("20990101T000000Z-0123456789") is None
    # the loader prepared this version's exports at load time: served where they lie (no copies)
    src = catalog.exports_root() / version
    assert (src / "manifest.json").exists()
    assert catalog.prepared_folder(version) == src
    assert prepared.latest_version() == version
    files = catalog.downloads("usulan", version)
    assert set(files["format"]) == {"csv", "csv_excel", "xlsx", "parquet", "geojson"}
    for row in files.iter_rows(named=True):
        assert row["url"] == f"unduh/{version}/{row['file']}"
        assert catalog.export_file(version, row["file"]) == src / row["file"]
        assert catalog.latest_file(row["latest"].removeprefix("unduh/latest/"), version) == (
            version, row["file"])
    assert catalog.prepared_folder("../../etc") is None
    assert catalog.export_file(version, "../warehouse.duckdb") is None


def test_permalink_keeps_params_and_sets_the_version():
    url = cite.permalink("pengaduan", {"tahun": "2025", "kecamatan": ["61.12.01", "61.12.05"],
                                       "v": "old"}, version="2026X", base="https://x.id/app/")
    parts = urlsplit(url)
    assert parts.path == "/app/pengaduan"
    assert parse_qs(parts.query) == {"tahun": ["2025"], "kecamatan": ["61.12.01", "61.12.05"],
                                     "v": ["2026X"]}


@given(st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k != "v"),
                       st.text(min_size=1, max_size=12), max_size=4))
def test_permalink_round_trips_any_params(params):
    url = cite.permalink("data", params, version="v1", base="http://h")
    back = {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}
    assert back == {**params, "v": "v1"}


def test_citation_names_region_title_version_date_and_url():
    text = cite.citation("Data", "http://h/data?v=1", version="1", accessed=dt.date(2025, 8, 17),
                         region="Kabupaten Kubu Raya", lang="id")
    assert text == ("Kabupaten Kubu Raya, Data, Lentera, versi data 1, diakses 17 Agustus 2025, "
                    "http://h/data?v=1")
    assert "accessed 17 August 2025" in cite.citation("Data", "u", version="1",
                                                      accessed=dt.date(2025, 8, 17), lang="en")


def test_public_url_setting_wins(monkeypatch):
    monkeypatch.setenv("LENTERA_PUBLIC_URL", "https://lentera.kuburayakab.go.id/")
    assert cite.permalink("data", {}, version="7") == \
        "https://lentera.kuburayakab.go.id/data?v=7"


# --- the page, through AppTest ---------------------------------------------------------------


def _open(**query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def test_page_follows_the_dataset_in_the_url(warehouse_env):
    at = _open(dataset="realisasi")
    assert catalog.DATASETS["realisasi"].title_id in [s.value for s in at.subheader]
    codes = [c.value for c in at.code]
    assert any("dataset=realisasi" in c and f"v={db.data_version()}" in c for c in codes)


def test_page_ignores_an_unknown_dataset(warehouse_env):
    at = _open(dataset="<script>")
    assert catalog.DATASETS["anggaran"].title_id in [s.value for s in at.subheader]


def test_old_version_link_says_so(warehouse_env):
    at = _open(dataset="pengaduan", v="19990101T000000Z-gone")
    assert any(t("cite.old_version_gone") in w.value for w in at.warning)
    # once, from the common header
    assert sum(t("cite.old_version_gone") in w.value for w in at.warning) == 1


@pytest.mark.parametrize("page", ["beranda", "anggaran", "pengaduan", "perizinan", "musrenbang"])
def test_every_dashboard_says_an_old_link_is_old(warehouse_env, page):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params.update(v="19990101T000000Z-gone")
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    assert any(t("cite.old_version_gone") in w.value for w in at.warning)
    # the version being served: no notice
    fresh = AppTest.from_file(str(APP), default_timeout=90)
    fresh.query_params.update(v=db.data_version())
    fresh.run()
    fresh.switch_page(f"pages/{page}.py").run()
    assert not any(t("cite.old_version_gone") in w.value or t("cite.old_version_kept") in w.value
                   for w in fresh.warning)


def test_page_breaks_the_budget_total_down(warehouse_env):
    at = _open(dataset="anggaran")
    assert t("data.totals_title", column="pagu") in [m.value.lstrip("# ") for m in at.markdown]
    frames = [d.value for d in at.dataframe]
    years = set(catalog.totals("anggaran")["tahun"].cast(str))
    assert any(t("data.col_berlaku") in f.columns and
               set(f[t("data.col_tahun")].astype(str)) == years for f in frames)


@pytest.mark.parametrize("name", ["pengaduan", "kalender_kerja", "standar_layanan",
                                  "baris_ditolak", "usulan"])
def test_page_opens_every_kind_of_dataset(warehouse_env, name):
    at = _open(dataset=name)
    assert catalog.DATASETS[name].title_id in [s.value for s in at.subheader]
    dictionary = next(d.value for d in at.dataframe if t("data.col_kolom") in d.value.columns)
    assert list(dictionary[t("data.col_kolom")]) == [c.name for c in catalog.DATASETS[name].columns]
