"""Browser: the Layanan catalogue (search "akta" finds the birth certificate with its requirements
and real figures) and kiosk mode (four pages, no sidebar, no downloads, idle reset that clears a
half-filled form, a complaint filed at a kiosk carries the kiosk channel and desa)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from conftest import (
    fixture_environ,
    free_port,
    send_report,
    start_streamlit,
    stop_streamlit,
    wait_idle,
)
from playwright.sync_api import expect
from test_layanan import _independent as independent_times

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import warga

pytestmark = pytest.mark.browser

IDLE = 12  # seconds: the kiosk's idle time in these tests (90 by default)
SHOTS = Path("/tmp/shots_layanan")


@pytest.fixture
def kiosk_server(fixture_warehouse, chromium_path, tmp_path, monkeypatch):
    """`kiosk_server(idle)`: a server of this test's own (its store in tmp_path, this process
    pointed at it) with the kiosk's idle time set to `idle` seconds."""
    from lentera.store import submissions

    procs = []

    def start(idle: int) -> str:
        env = fixture_environ(fixture_warehouse.db, tmp_path) | {"LENTERA_KIOSK_IDLE": str(idle)}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        port = free_port()
        procs.append(start_streamlit(env, port))
        return f"http://127.0.0.1:{port}"

    try:
        yield start
    finally:
        for proc in procs:
            stop_streamlit(proc)
        submissions.dispose_all()


def _independent(db, jenis: str) -> tuple[float, float, int]:
    """Median and p90 working days (complete file → issued) of issued applications of the year
    of the data's date, straight from the warehouse's tables and calendar (test_layanan's SQL)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        year = con.sql("SELECT coalesce((SELECT year(CAST(value AS DATE)) FROM meta "
                       "WHERE key = 'as_of'), (SELECT year(max(tanggal_permohonan)) "
                       "FROM perizinan))").fetchall()[0][0]
    finally:
        con.close()
    return independent_times(db, jenis, year)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_search_akta_finds_the_birth_certificate(streamlit_server, fixture_warehouse, open_app,
                                                 lang):
    query = "?lang=en" if lang == "en" else ""
    page = open_app(f"{streamlit_server}/layanan{query}")
    page.get_by_label(t("layanan.cari", lang=lang)).fill("akta")
    page.get_by_label(t("layanan.cari", lang=lang)).press("Enter")
    wait_idle(page)
    assert "cari=akta" in page.url
    nama = "Akta Kelahiran" if lang == "id" else "Birth certificate (akta kelahiran)"
    card = page.locator("[data-testid=stExpander]", has_text=nama).first
    card.wait_for(timeout=60_000)
    body = card.inner_text()
    # requirements as a checklist
    first = "Surat keterangan kelahiran" if lang == "id" else "Birth statement"
    checklist = card.locator("[data-testid=stMarkdownContainer] li")
    assert checklist.count() == 4
    assert checklist.first.inner_text().startswith(f"☐ {first}")
    assert ("Gratis" if lang == "id" else "Free") in body
    assert "UU 24/2013 Pasal 79A" in body and "Perpres 96/2018" in body
    # the real figures, as independent SQL computes them on the same warehouse
    median, p90, n = _independent(fixture_warehouse.db, "Akta Kelahiran")
    assert n > 0
    flat = " ".join(body.split())
    assert fmt.number(median, 1, lang=lang) in flat and fmt.number(p90, 1, lang=lang) in flat
    assert f"({fmt.number(n, lang=lang)} " in flat
    assert re.search(r"Median\s+" + re.escape(fmt.number(median, 1, lang=lang)), flat)
    # the other "akta" is there, an unrelated service is not
    assert page.locator("[data-testid=stExpander]", has_text="Akta Kematian" if lang == "id"
                        else "Death certificate").count() == 1
    assert page.locator("[data-testid=stExpander]", has_text="PBG").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_role("button", name=t("layanan.unduh_pdf", lang=lang)).count() == 2
    # the sheet is built when its button is pressed (not on every view): a real PDF of this service
    with page.expect_download(timeout=60_000) as sheet:
        card.get_by_role("button", name=t("layanan.unduh_pdf", lang=lang)).click()
    pdf = Path(sheet.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert sheet.value.suggested_filename.startswith("layanan-") and \
        sheet.value.suggested_filename.endswith(".pdf")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        wait_idle(page)
        _shot(page, f"layanan_akta_{lang}_{width}")


def test_kiosk_resets_after_idle_and_clears_a_form(kiosk_server, page):
    base = kiosk_server(IDLE)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/lapor?kiosk=1")
    wait_idle(page)
    # typed first: the idle clock runs from the page's load (a busy machine took longer than the
    # idle time over the checks below, and the kiosk reset before the form was touched)
    judul = page.get_by_label(f"{t('forms.label_judul')} *")
    judul.fill("Setengah diisi")
    judul.press("Tab")
    wait_idle(page)
    # four pages in a bar, no sidebar
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    nav = page.get_by_test_id("stTopNav")
    for name in ("beranda", "layanan", "lacak", "lapor"):
        expect(nav.get_by_role("link", name=t(f"pages.{name}"))).to_be_visible(timeout=60_000)
    assert nav.get_by_role("link").count() == 4
    _shot(page, "kiosk_lapor_1280x800")
    # after IDLE seconds without a touch the kiosk reloads its start page (Beranda, kiosk=1)
    page.wait_for_url(re.compile(r"/(beranda)?\?kiosk=1"), timeout=60_000)
    wait_idle(page)
    expect(page.locator("h1").first).to_have_text(t("beranda.title"), timeout=60_000)
    # Beranda's links to pages a kiosk does not offer neither fail nor show
    assert page.locator("[data-testid=stException]").count() == 0
    expect(page.get_by_role("link", name=t("beranda.link_lacak"))).to_be_visible()
    assert page.get_by_role("link", name=t("beranda.link_anggaran")).is_hidden()
    _shot(page, "kiosk_beranda_1280x800")
    # the kiosk flag survived: still no sidebar; the half-filled form is gone
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    page.get_by_test_id("stTopNav").get_by_role("link", name=t("pages.lapor")).click()
    wait_idle(page)
    assert "kiosk=1" in page.url
    assert page.get_by_label(f"{t('forms.label_judul')} *").input_value() == ""


def test_kiosk_complaint_carries_the_kiosk_channel(kiosk_server, page):
    from lentera.store import submissions

    kec = next(iter(warga.kecamatan_labels()))
    desa = next(iter(warga.desa_labels(kec)))
    # a long idle time here: filling the form on a busy machine must not meet the reset
    base = kiosk_server(600)
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(f"{base}/lapor?kiosk=1&desa={desa}")
    wait_idle(page)
    box = page.locator("[data-testid=stSelectbox]", has_text=t("forms.label_kategori")).first
    box.locator("input").click()
    kategori = forms.kategori_options()[0]
    box.locator("input").fill(kategori)
    page.locator("[role=option]", has_text=kategori).first.click()
    wait_idle(page)
    page.get_by_label(f"{t('forms.label_judul')} *").fill("Antrean loket terlalu panjang")
    page.get_by_label(f"{t('forms.label_isi')} *").fill(
        "Antrean di loket pelayanan sangat panjang setiap pagi, tidak ada nomor antrean.")
    wait_idle(page)
    _shot(page, "kiosk_lapor_1080x1920")
    send_report(page)
    wait_idle(page)
    ticket = page.locator("[data-testid=stCode] code").first.inner_text().strip()
    view = submissions.public_view(ticket)
    assert view["kanal"] == "kiosk"
    assert view["kode_desa"] == desa
    # no downloads at a kiosk: the catalogue has no PDF, CSV or download button
    page.get_by_test_id("stTopNav").get_by_role("link", name=t("pages.layanan")).click()
    wait_idle(page)
    cards = page.locator("[data-testid=stExpander]")
    assert cards.count() > 0
    # an opened card (its content is built when it opens) has no download either
    cards.first.locator("summary").click()
    wait_idle(page)
    cards.first.get_by_text(t("layanan.persyaratan")).first.wait_for(timeout=30_000)
    assert page.locator("[data-testid=stDownloadButton]").count() == 0
    _shot(page, "kiosk_layanan_1080x1920")
