"""Layanan: the catalogue's facts and marks, search, actual times against independent SQL, the
plain words, the printable sheet, the API figure, and a kiosk complaint's channel and desa."""

from __future__ import annotations

import re
import shutil
import subprocess

import duckdb
import polars as pl
import pytest
from conftest import FIXTURE_AS_OF, fixture_environ

from lentera.core import config
from lentera.core.i18n import set_lang
from lentera.figures import layanan as lembar
from lentera.warehouse import layanan, perizinan

SUMBER = set(layanan.SUMBER)


@pytest.fixture
def env(fixture_warehouse, tmp_path, monkeypatch):
    for key, value in fixture_environ(fixture_warehouse.db, tmp_path).items():
        monkeypatch.setenv(key, value)
    set_lang("id")
    yield fixture_warehouse.db
    set_lang("id")


def _csv(name: str) -> pl.DataFrame:
    return pl.read_csv(config.region().root / name, infer_schema=False)


# ---------------------------------------------------------------- the reference facts


def test_every_fact_has_a_known_mark_and_both_languages():
    lay = _csv("layanan.csv")
    for col in ("persyaratan_sumber", "biaya_sumber", "jam_sumber"):
        assert set(lay[col]) <= SUMBER, col
        assert lay[col].null_count() == 0, col
    assert set(lay["daring_sumber"].drop_nulls()) <= SUMBER
    # an online route has its mark; a regulation mark names the regulation
    assert (lay["daring_url"].is_null() == lay["daring_sumber"].is_null()).all()
    for part in ("persyaratan", "biaya"):
        cited = lay.filter(pl.col(f"{part}_sumber") == "regulasi")
        assert cited[f"{part}_dasar"].null_count() == 0, part
        assert all(re.search(r"\d+/\d{4}", d) for d in cited[f"{part}_dasar"]), part
    for field in layanan.BAHASA:
        if f"{field}_id" in lay.columns:
            both = lay.filter(pl.col(f"{field}_id").is_not_null())
            assert both[f"{field}_en"].null_count() == 0, field
    # the same number of requirements in both languages
    assert (lay["persyaratan_id"].str.count_matches(r"\|")
            == lay["persyaratan_en"].str.count_matches(r"\|")).all()
    assert set(lay["peristiwa"].str.split("|").explode()) <= set(layanan.PERISTIWA)


def test_standards_are_marked_and_not_passed_off_as_this_regions():
    std = _csv("standar_layanan.csv")
    assert set(std["kepastian"]) <= SUMBER
    assert std["dasar_en"].null_count() == 0
    # another region's published standard is an example here, never this region's or a law
    other = std.filter(pl.col("dasar").str.contains("Indragiri"))
    assert other.height > 0 and set(other["kepastian"]) == {"asumsi_contoh"}
    assert other["dasar_en"].str.contains("not this region").all()
    # nothing is marked as this region's standard unless one was found (none so far)
    assert "standar_daerah" not in set(std["kepastian"])
    # the English basis is English (no Indonesian connective left)
    assert not std["dasar_en"].str.contains(r"\b(dan|paling lama|setelah)\b").any()
    # every catalogue service linked to the permit data has a standard row
    lay = _csv("layanan.csv")
    assert set(lay["jenis_layanan"].drop_nulls()) <= set(std["jenis_layanan"])


def test_offices_are_the_regions_offices():
    kantor = set(_csv("skpd.csv")["singkatan"])
    assert set(_csv("layanan.csv")["kantor"]) <= kantor


# ---------------------------------------------------------------- search and browse


@pytest.mark.parametrize(("q", "kode"), [
    ("akta", "akta-kelahiran"), ("AKTE kelahiran", "akta-kelahiran"),
    ("birth certificate", "akta-kelahiran"), ("imb", "pbg"), ("e-ktp", "ktp-el"),
    ("usaha", "nib"), ("Disdukcapil kia", "kia"),
])
def test_search_finds(q, kode):
    assert kode in layanan.cari(q)["kode"].to_list()


def test_search_needs_every_word_and_events_filter():
    assert layanan.cari("akta reklame").is_empty()
    assert layanan.cari("zzz").is_empty()
    assert layanan.cari("").height == _csv("layanan.csv").height
    bayi = set(layanan.cari(None, "punya_bayi")["kode"])
    assert {"akta-kelahiran", "kia", "kartu-keluarga"} <= bayi and "pbg" not in bayi
    assert set(layanan.cari("akta", "punya_bayi")["kode"]) == {"akta-kelahiran"}


# ---------------------------------------------------------------- actual times


def _independent(db, jenis: str, tahun: int) -> tuple[float, float, int]:
    """Median and p90 working days, from the complete file to issue, of issued applications."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(
            """WITH k AS (
                   SELECT greatest(0, ks.idx - km.idx) AS hari
                   FROM perizinan AS p
                   JOIN kalender_kerja AS km
                     ON km.tanggal = CAST(coalesce(p.tanggal_berkas_lengkap,
                                                   p.tanggal_permohonan) AS DATE)
                   JOIN kalender_kerja AS ks ON ks.tanggal = CAST(p.tanggal_selesai AS DATE)
                   WHERE p.jenis_layanan = $j AND year(p.tanggal_permohonan) = $y
                     AND p.tanggal_selesai IS NOT NULL
                     AND p.status NOT IN ('ditolak', 'dikembalikan', 'dicabut'))
               SELECT median(hari), quantile_cont(hari, 0.9), count(*) FROM k""",
            params={"j": jenis, "y": tahun}).fetchall()[0]
    finally:
        con.close()


def test_actual_times_agree_with_independent_sql(env):
    tahun = layanan.tahun_data()
    assert tahun == FIXTURE_AS_OF.year
    rows = layanan.dengan_waktu(layanan.katalog(), tahun)
    checked = 0
    for r in rows.filter(pl.col("terbit") > 0).iter_rows(named=True):
        median, p90, n = _independent(env, r["jenis_layanan"], tahun)
        assert r["terbit"] == n, r["kode"]
        assert r["median_hari_kerja"] == pytest.approx(median), r["kode"]
        assert r["p90_hari_kerja"] == pytest.approx(p90), r["kode"]
        checked += 1
    assert checked >= 5
    # KIA is not in the permit data: no figures, and the page says so
    kia = rows.filter(pl.col("kode") == "kia").row(0, named=True)
    assert kia["jumlah"] is None
    assert lembar.waktu_teks(kia) == lembar.t("layanan.waktu_tanpa_data")


def test_default_question_is_the_most_requested_service(env):
    frame = perizinan.per_kelompok("layanan", tahun=FIXTURE_AS_OF.year)
    top = perizinan.paling_diminta(frame)
    assert frame.filter(pl.col("kelompok") == top)["jumlah"][0] == frame["jumlah"].max()
    assert top != "Izin Reklame" or frame["jumlah"].max() == frame.filter(
        pl.col("kelompok") == "Izin Reklame")["jumlah"][0]


# ---------------------------------------------------------------- plain words


@pytest.mark.parametrize(("median", "p90", "lang", "want"), [
    (0, 0, "id", "biasanya selesai pada hari yang sama; 9 dari 10 selesai pada hari yang sama"),
    (0, 1.2, "id", "biasanya selesai pada hari yang sama; 9 dari 10 selesai dalam 2 hari kerja"),
    (3, 5, "id", "biasanya sekitar 3 hari kerja; 9 dari 10 selesai dalam 5 hari kerja"),
    (2.5, 4.1, "id", "biasanya sekitar 3 hari kerja; 9 dari 10 selesai dalam 5 hari kerja"),
    (1, 1, "en", "usually about 1 working day; 9 in 10 are done within 1 working day"),
    (0.4, None, "en", "usually done on the same day"),
])
def test_time_in_words(median, p90, lang, want):
    set_lang(lang)
    try:
        assert lembar.waktu_kata(median, p90) == want
    finally:
        set_lang("id")


def test_standard_in_words_never_says_zero_days():
    assert lembar.target_kata(0) == "selesai pada hari yang sama"
    assert lembar.target_kata(28) == "28 hari kerja"
    assert "0 hari" not in lembar.waktu_kata(0, 0)


# ---------------------------------------------------------------- the printable sheet


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sheet_is_one_page_with_the_facts(env, tmp_path, lang):
    tahun = layanan.tahun_data()
    row = layanan.dengan_waktu(layanan.katalog().filter(pl.col("kode") == "akta-kelahiran"),
                               tahun).row(0, named=True)
    url = "https://lentera.example/layanan?layanan=akta-kelahiran"
    pdf = lembar.lembar_pdf(row, url, lang, layanan.as_of())
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "lembar.pdf"
    path.write_bytes(pdf)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True).stdout.split())
    assert row[f"nama_{lang}"] in text
    for item in row[f"persyaratan_{lang}"].split("|")[:2]:
        assert " ".join(item.split())[:30] in text
    assert url in text
    assert ("peraturan" if lang == "id" else "regulation") in text
    assert "Perpres 96/2018" in text and "UU 24/2013 Pasal 79A" in text
    set_lang(lang)
    try:
        assert lembar.waktu_kata(row["median_hari_kerja"], row["p90_hari_kerja"]) in text
    finally:
        set_lang("id")


def test_qr_code_is_an_image():
    png = lembar.qr_png("https://lentera.example/layanan?layanan=pbg")
    assert png.startswith(b"\x89PNG")


# ---------------------------------------------------------------- API and CSV


def test_api_figure_is_the_catalogue_with_its_times(env):
    from lentera.services import api

    body = api.figure("layanan", {"q": "akta", "lang": "en"})
    kode = [r["kode"] for r in body["rows"]]
    assert kode == layanan.cari("akta")["kode"].to_list()
    row = next(r for r in body["rows"] if r["kode"] == "akta-kelahiran")
    median, p90, n = _independent(env, "Akta Kelahiran", FIXTURE_AS_OF.year)
    assert (row["terbit"], row["median_hari_kerja"]) == (n, pytest.approx(median))
    assert row["nama"].startswith("Birth certificate") and row["biaya"] == "Free"
    assert row["biaya_sumber"] == "regulasi" and row["waktu_sumber"] == "asumsi_contoh"
    assert body["value"] == len(kode)
    with pytest.raises(api.ApiError):
        api.figure("layanan", {"peristiwa": "menikah"})
    csv = layanan.unduhan(tahun=FIXTURE_AS_OF.year, lang="id").write_csv()
    assert csv.splitlines()[0].startswith("kode,jenis_layanan,nama,")


# ---------------------------------------------------------------- kiosk complaints


def test_kiosk_complaint_records_channel_and_desa(store, monkeypatch):
    from lentera.core import forms
    from lentera.services import warga
    from lentera.store import submissions

    desa = forms.desa_options()[5]
    data = {"kategori": forms.kategori_options()[0], "judul": "Lampu jalan mati di simpang",
            "isi": "Lampu jalan di simpang tiga mati sejak minggu lalu, gelap sekali malam hari.",
            "kode_kecamatan": None, "kode_desa": None, "anonim": True, "rahasia": False}
    ticket = submissions.create_pengaduan(warga.kiosk_data(data, desa["kode_desa"]), [])
    view = submissions.public_view(ticket)
    assert view["kanal"] == "kiosk" and view["kode_desa"] == desa["kode_desa"]
    # a desa the citizen chose wins over the kiosk's own
    other = forms.desa_options()[9]
    chosen = {**data, "kode_desa": other["kode_desa"], "kode_kecamatan": other["kode_kecamatan"]}
    view = submissions.public_view(submissions.create_pengaduan(
        warga.kiosk_data(chosen, desa["kode_desa"]), []))
    assert (view["kanal"], view["kode_desa"]) == ("kiosk", other["kode_desa"])


def test_catalogue_builds_a_card_only_while_it_is_open(env):
    """The full list is names alone (a closed card computes nothing); a card asked for by its
    link (`?layanan=`) opens and shows its checklist."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    at = AppTest.from_file(app, default_timeout=120)
    at.run()
    at.switch_page("pages/layanan.py").run()
    assert not at.exception
    services = layanan.katalog().height
    assert len(at.expander) == services > 3
    checklist = [m for m in at.markdown if "☐" in m.value]
    assert checklist == []
    kode = layanan.katalog()["kode"][0]
    at = AppTest.from_file(app, default_timeout=120)
    at.query_params["layanan"] = kode
    at.run()
    at.switch_page("pages/layanan.py").run()
    assert not at.exception
    assert [m for m in at.markdown if "☐" in m.value]
