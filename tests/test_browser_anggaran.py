"""Anggaran in a real browser: drill two levels, download the CSV, reopen the drilled URL."""

from __future__ import annotations

import csv
import io
import os
import urllib.parse

import pytest
from conftest import APP_IDLE, wait_idle

from lentera.core.i18n import t
from lentera.warehouse import anggaran

pytestmark = pytest.mark.browser


def _pick(page, label_start: str, option: str) -> None:
    """Choose `option` in the selectbox whose label starts with `label_start`."""
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label_start).first
    wanted = page.get_by_role("option", name=option, exact=True).first
    # On a busy machine a late rerun can close the list just opened: open it again, a few times.
    for attempt in range(4):
        wait_idle(page)
        box.locator("input").first.click()
        try:
            wanted.wait_for(state="visible", timeout=10_000)
            wanted.click(timeout=10_000)
            break
        except Exception:
            if attempt == 3:
                raise
            page.keyboard.press("Escape")
    wait_idle(page)


def _qp(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


def test_drill_two_levels_download_and_reopen(streamlit_server, open_app, fixture_warehouse,
                                              monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(fixture_warehouse.db))
    page = open_app(f"{streamlit_server}/anggaran")
    assert page.locator("[data-testid=stException]").count() == 0
    years = anggaran.tahun_anggaran().row(-1, named=True)
    tahun, tahap = years["tahun"], years["tahap_efektif"]

    # level 1: akun → 5 (belanja); level 2: the largest kelompok
    akun = anggaran.rincian(tahun, tahap, "akun", "")
    label = akun.filter(akun["kode"] == "5")["nama"][0]
    _pick(page, "Buka rincian akun", label)
    assert _qp(page).get("path") == "5"
    kelompok = anggaran.rincian(tahun, tahap, "akun", "5")
    first = kelompok.row(0, named=True)
    _pick(page, "Buka rincian kelompok", first["nama"])
    assert _qp(page).get("path") == first["path"]
    assert page.locator("[data-testid=stException]").count() == 0

    expected = anggaran.rincian(tahun, tahap, "akun", first["path"])
    # the treemap draws exactly these nodes
    page.wait_for_selector(".js-plotly-plot g.slicetext", timeout=30_000)

    # the CSV under the treemap holds the same rows, with exact rupiah
    button = page.locator("[data-testid=stDownloadButton]").filter(has_text="Unduh CSV")
    target = None
    for i in range(button.count()):
        if not button.nth(i).is_visible():  # inside a closed expander
            continue
        with page.expect_download() as dl:
            button.nth(i).click()
        name = dl.value.suggested_filename
        if "rincian" in name:
            target = dl.value
            break
    assert target is not None, "a CSV download for the breakdown"
    rows = list(csv.DictReader(io.StringIO(open(target.path(), encoding="utf-8").read())))
    assert [r["kode"] for r in rows] == expected["kode"].to_list()
    assert [r["pagu"] for r in rows] == [f"{v:.2f}" for v in expected["pagu"].to_list()]

    # the drilled URL opened fresh (a new context, nothing in session) shows the same view
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    try:
        fresh = context.new_page()
        fresh.goto(page.url)
        wait_idle(fresh)
        fresh.wait_for_selector(APP_IDLE)
        assert fresh.locator("[data-testid=stException]").count() == 0
        assert _qp(fresh).get("path") == first["path"]
        box = fresh.locator("[data-testid=stSelectbox]").filter(has_text="Buka rincian")
        expected_level = anggaran.tingkat_anak("akun", first["path"])
        assert box.first.inner_text().lower().count(
            t(f"anggaran.tingkat_{expected_level}").lower()) >= 1
        if os.environ.get("LENTERA_SHOTS"):
            fresh.screenshot(path=os.path.join(os.environ["LENTERA_SHOTS"], "anggaran_fresh_390.png"),
                             full_page=True)
    finally:
        context.close()
