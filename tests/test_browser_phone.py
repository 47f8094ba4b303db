"""Every public dashboard page at 390 px, in Indonesian and English: no chart title under Plotly's
toolbar, and in Indonesian no "87.79%" nor an English month, in the page's text or the charts' SVG.
Screenshots go to $LENTERA_SHOTS (default /tmp/shots_16c) to be looked at."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import wait_idle

from lentera.core import fmt

pytestmark = pytest.mark.browser

PAGES = ["beranda", "anggaran", "pengaduan", "perizinan", "musrenbang", "data", "tentang"]
SHOTS = Path(os.environ.get("LENTERA_SHOTS", "/tmp/shots_16c"))
ENGLISH_DATE = re.compile(r"\b(May|Oct|Aug|Dec)\s+\d{4}\b|\b\d{1,2}\s+(May|Oct|Aug|Dec)\b|"
                          r"\b(January|February|March|June|July|August|October|December)\b")
DOT_PERCENT = re.compile(r"\b\d{1,3}\.\d+\s?%")

OVERLAPS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(p => {
  const bar = p.querySelector('.modebar');
  if (!bar) return [];
  const m = bar.getBoundingClientRect();
  return [...p.querySelectorAll('.gtitle')].map(t => t.getBoundingClientRect())
    .filter(r => r.width && !(r.right < m.left || r.left > m.right || r.bottom < m.top ||
                              r.top > m.bottom))
    .map(r => t.textContent);
})"""
SVG_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
  .map(t => t.textContent).join(' | ')"""


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_charts_readable_on_a_phone(streamlit_server, browser, name, lang):
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        page.goto(f"{streamlit_server}/{name}?lang={lang}")
        wait_idle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        charts = page.locator(".js-plotly-plot:visible")  # not those in a closed expander
        if page.locator(".js-plotly-plot").count():
            charts.first.wait_for(timeout=60_000)
            # the toolbar shows on hover (a tap on a phone): show it, then compare boxes
            for i in range(charts.count()):
                charts.nth(i).scroll_into_view_if_needed()
                charts.nth(i).hover()
            assert page.evaluate(OVERLAPS) == []
        # Tentang shows the English notation on purpose, beside the Indonesian one
        text = page.locator("[data-testid=stMain]").inner_text().replace(
            fmt.percent(0.853, lang="en"), "").replace(fmt.date("2025-08-17", lang="en"), "")
        svg = page.evaluate(SVG_TEXT)
        if lang == "id":
            for where, found in (("page", text), ("svg", svg)):
                assert not DOT_PERCENT.search(found), (where, DOT_PERCENT.search(found)[0])
                assert not ENGLISH_DATE.search(found), (where, ENGLISH_DATE.search(found)[0])
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": 390, "height": min(height + 40, 16_000)})
        wait_idle(page)
        page.screenshot(path=str(SHOTS / f"{name}_{lang}_390.png"), full_page=True)
    finally:
        ctx.close()
