"""The Data page in a real browser: download a prepared file and the rejected rows, reopen a permalink."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest
from conftest import free_port, start_streamlit, stop_streamlit, wait_idle

from etl import export
from lentera.warehouse import catalog

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data_server(fixture_warehouse, chromium_path, tmp_path_factory):
    """A server with the fixture warehouse's exports prepared (served at /unduh/)."""
    data_dir = tmp_path_factory.mktemp("data_page")
    con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
    version = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    con.close()
    export.write_exports(fixture_warehouse.db, data_dir / "exports" / version)
    env = {"LENTERA_DATA_DIR": str(data_dir), "LENTERA_WAREHOUSE": str(fixture_warehouse.db),
           "LENTERA_SUBMISSIONS_URL": f"sqlite:///{data_dir / 'submissions.sqlite'}",
           "LENTERA_UPLOADS": str(data_dir / "uploads")}
    port = free_port()
    proc = start_streamlit(env, port)
    try:
        yield f"http://127.0.0.1:{port}", version
    finally:
        stop_streamlit(proc)


def _rows_loaded(page) -> str:
    item = page.locator("li").filter(has_text="Baris dimuat").first
    return item.inner_text()


def test_download_link_serves_the_whole_dataset(data_server, browser, fixture_warehouse):
    base, version = data_server
    ctx = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(f"{base}/data?dataset=usulan")
        wait_idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        # on a busy machine the links of the chosen dataset can come with a second run
        page.wait_for_selector("a[download][href*='usulan']", timeout=60_000)
        hrefs = page.locator("a[download]").evaluate_all("els => els.map(e => e.href)")
        csv_href = next(h for h in hrefs if h.endswith(".csv") and "_excel" not in h
                        and "usulan" in h)
        resp = page.request.get(csv_href)
        assert resp.ok and resp.headers["content-type"].startswith("text/csv")
        records = list(csv.DictReader(io.StringIO(resp.text())))
        con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
        rows = con.execute("SELECT count(*) FROM usulan").fetchall()[0][0]
        con.close()
        assert len(records) == rows
        assert any(h.endswith(".geojson") for h in hrefs)
        assert any("paket-data" in h for h in hrefs)
    finally:
        ctx.close()


def test_permalink_from_a_filtered_view_reopens_it(data_server, browser):
    base, version = data_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 1400})
    try:
        page = ctx.new_page()
        page.goto(f"{base}/data")
        wait_idle(page)
        box = page.locator("[data-testid=stSelectbox]").first
        box.locator("input").first.click()
        page.get_by_role("option", name=catalog.DATASETS["perizinan"].title_id, exact=True) \
            .first.click()
        wait_idle(page)
        figures = _rows_loaded(page)
        link = page.locator(".st-key-cite_box [data-testid=stCode] code").first.inner_text()
        link = "".join(link.split())
        assert "dataset=perizinan" in link and f"v={version}" in link
    finally:
        ctx.close()
    fresh = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        again = fresh.new_page()
        again.goto(link)
        wait_idle(again)
        assert again.locator("[data-testid=stException]").count() == 0
        assert catalog.DATASETS["perizinan"].title_id in again.locator("h3").all_inner_texts()
        assert _rows_loaded(again) == figures
        # the current version: no old-version notice
        assert again.locator("[data-testid=stAlert]").filter(has_text="versi data lain").count() \
            == 0
    finally:
        fresh.close()


def test_rejected_rows_download_from_a_source_dataset(data_server, browser, fixture_warehouse):
    base, version = data_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 1400})
    try:
        page = ctx.new_page()
        page.goto(f"{base}/data?dataset=perizinan")
        wait_idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        # the stable address names the dataset (baris_ditolak), the file its slug (baris-ditolak)
        page.wait_for_selector("a[download][href*='baris_ditolak'], a[download][href*='baris-ditolak']",
                               timeout=60_000)
        hrefs = page.locator("a[download]").evaluate_all("els => els.map(e => e.href)")
        href = next(h for h in hrefs if ("baris-ditolak" in h or "baris_ditolak" in h)
                    and h.endswith(".csv"))
        resp = page.request.get(href)
        assert resp.ok
        records = list(csv.DictReader(io.StringIO(resp.text())))
        con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
        rows = con.execute("SELECT count(*) FROM etl_rejects").fetchall()[0][0]
        con.close()
        assert len(records) == rows > 0
        assert {r["source"] for r in records} >= {"perizinan"}
    finally:
        ctx.close()
