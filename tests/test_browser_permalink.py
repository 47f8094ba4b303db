"""A permalink made in English opens the same Anggaran filters in Indonesian (codes in the URL)."""

from __future__ import annotations

import urllib.parse

import pytest
from conftest import wait_idle
from test_browser_anggaran import _pick

from lentera.core.i18n import t
from lentera.warehouse import anggaran

pytestmark = pytest.mark.browser


def _qp(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


def _shows_dim_org(page, lang: str) -> bool:
    """The breakdown's caption for the office dimension is on the page (only drawn for `org`)."""
    caption = t("anggaran.rincian_caption_org", lang=lang)
    return page.get_by_text(caption[:40]).count() > 0


def test_english_permalink_keeps_filters_in_indonesian(streamlit_server, open_app, browser,
                                                       fixture_warehouse, monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(fixture_warehouse.db))
    years = anggaran.tahun_anggaran()["tahun"].to_list()
    first = years[0]
    page = open_app(f"{streamlit_server}/anggaran?lang=en")
    assert page.locator("[data-testid=stException]").count() == 0
    # choose, in English, the office dimension and the first year
    page.locator("[data-testid=stButtonGroup] button").filter(
        has_text=t("anggaran.dim_org", lang="en")).first.click()
    wait_idle(page)
    _pick(page, t("anggaran.filter_tahun", lang="en"), str(first))
    made = _qp(page)
    assert made.get("dim") == "org" and made.get("lang") == "en"
    assert made.get("tahun") == str(first)

    # the same link, opened fresh with the language switched to Indonesian
    query = {k: v for k, v in made.items() if k != "lang"}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        fresh = context.new_page()
        fresh.goto(f"{streamlit_server}/anggaran?{urllib.parse.urlencode(query)}")
        wait_idle(fresh)
        assert fresh.locator("[data-testid=stException]").count() == 0
        assert fresh.locator("[data-testid=stTitle], h1").first.inner_text().strip().startswith(
            t("pages.anggaran", lang="id"))
        assert _qp(fresh).get("dim") == "org"
        assert _qp(fresh).get("tahun") == str(first)
        year_box = fresh.locator("[data-testid=stSelectbox]").filter(
            has_text=t("anggaran.filter_tahun", lang="id")).first
        # the chosen option is shown in the box's text or, as a combobox, in its input's value
        shown = year_box.inner_text() + " " + year_box.locator("input").first.input_value()
        assert str(first) in shown
        assert _shows_dim_org(fresh, "id")
    finally:
        context.close()

    # and switching the language on the English page keeps them too
    page.locator("[data-testid=stSidebar]").get_by_text("Bahasa Indonesia").click()
    wait_idle(page)
    assert _qp(page).get("dim") == "org" and _qp(page).get("tahun") == str(first)
    assert _shows_dim_org(page, "id")
    assert page.locator("[data-testid=stException]").count() == 0
