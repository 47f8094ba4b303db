"""Browser: filter the Pengaduan and Perizinan pages in Chromium and download a chart's rows."""

from __future__ import annotations

import shutil
import urllib.parse

import duckdb
import pytest
from conftest import APP_IDLE, fixture_environ, free_port, start_streamlit, stop_streamlit

from lentera.core.kalender import Calendar


@pytest.fixture(scope="module")
def layanan_server(fixture_warehouse, chromium_path, tmp_path_factory):
    """A server on a copy of the fixture warehouse that surely has `kalender_kerja`."""
    root = tmp_path_factory.mktemp("layanan_browser")
    path = root / "warehouse.duckdb"
    shutil.copy(fixture_warehouse.db, path)
    con = duckdb.connect(str(path))
    try:
        if "kalender_kerja" not in {r[0] for r in con.sql("SHOW TABLES").fetchall()}:
            Calendar.from_reference().write_table(con)
    finally:
        con.close()
    proc = start_streamlit(fixture_environ(path, root), free_port())
    try:
        yield f"http://127.0.0.1:{proc.args[proc.args.index('--server.port') + 1]}"
    finally:
        stop_streamlit(proc)


def _idle(pg) -> None:
    pg.wait_for_selector(APP_IDLE, timeout=60_000)
    pg.wait_for_timeout(300)  # a first run can be followed at once by a rerun
    pg.wait_for_selector(APP_IDLE, timeout=60_000)


def open_app_page(pg, url: str) -> None:
    pg.goto(url)
    _idle(pg)


def _choose(pg, label: str, option: str) -> None:
    pg.get_by_label(label).first.click()
    pg.get_by_role("option", name=option, exact=True).click()
    _idle(pg)


def test_pengaduan_filter_and_download(layanan_server, page):
    open_app_page(page, f"{layanan_server}/pengaduan?tahun=2026")
    assert page.locator("[data-testid=stException]").count() == 0
    before = page.locator("[data-testid=stMetricValue]").first.inner_text()
    _choose(page, "Kategori", "Infrastruktur")
    assert "kategori=Infrastruktur" in urllib.parse.unquote(page.url)
    after = page.locator("[data-testid=stMetricValue]").first.inner_text()
    assert after != before
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").first.click()
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0].startswith("bulan,kelompok,jumlah")
    assert all(",Infrastruktur," in line for line in text.splitlines()[1:])
    assert page.locator("[data-testid=stException]").count() == 0


def test_perizinan_filter_from_url(layanan_server, page):
    open_app_page(page, f"{layanan_server}/perizinan?layanan=KTP%20Elektronik")
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_text("KTP Elektronik").first.is_visible()
    before = page.locator("[data-testid=stMetricValue]").first.inner_text()
    _choose(page, "Kantor", "Disdukcapil")
    assert "kantor=Disdukcapil" in urllib.parse.unquote(page.url)
    assert page.locator("[data-testid=stMetricValue]").first.inner_text() == before
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").first.click()
    assert "KTP Elektronik" in open(info.value.path(), encoding="utf-8").read()
