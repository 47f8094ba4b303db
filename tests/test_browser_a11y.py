"""Accessibility in a real browser: axe-core (vendored, tests/fixtures/axe) on every public page
at 390 px and 1280 px finds no serious or critical violation; `<html lang>` follows the language
control; Streamlit's own English words are said in the page's language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import wait_idle
from playwright.sync_api import expect

from lentera.core import forms
from lentera.core.i18n import t

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "fixtures" / "axe" / "axe.min.js"  # axe-core 4.14.1, MPL-2.0
PUBLIC = ["beranda", "anggaran", "pengaduan", "perizinan", "musrenbang", "lapor", "usulkan",
          "lacak", "data", "tentang", "masuk"]
WIDTHS = [390, 1280]
# WCAG 2.1 A and AA rules, plus axe's best practices (the sidebar's list markup is one of them)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def settle(page) -> None:
    """Idle, and no element still faded as stale (axe would measure the fade's contrast)."""
    wait_idle(page)
    page.wait_for_function("document.querySelectorAll('[data-stale=true]').length === 0",
                           timeout=30_000)
    page.wait_for_timeout(500)


def violations(page) -> list[dict]:
    """Serious and critical axe violations of the page: rule, impact, nodes (first three)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
    }""", TAGS)
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PUBLIC)
def test_no_serious_axe_violation(streamlit_server, browser, name, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(f"{streamlit_server}/{name}")
        settle(page)
        assert page.locator("[data-testid=stException]").count() == 0
        bad = violations(page)
        assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)
    finally:
        ctx.close()


def test_the_sidebar_navigation_has_no_stray_list_items(streamlit_server, page):
    """At 1280 px the sidebar is open: its links sit in no broken list (axe's list rules)."""
    page.goto(f"{streamlit_server}/anggaran")
    settle(page)
    assert page.locator("[data-testid=stSidebarNavLink]").count() >= 5
    bad = [v for v in violations(page) if v["id"] in ("list", "listitem")]
    assert not bad, bad


def test_html_lang_follows_the_language_control(streamlit_server, page):
    page.goto(f"{streamlit_server}/anggaran")
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "id"
    page.get_by_text("English", exact=True).first.click()
    page.wait_for_function("document.documentElement.lang === 'en'", timeout=30_000)
    settle(page)
    # a reload (the URL now says ?lang=en) is English from the server's first byte
    assert "lang=en" in page.url
    html = page.request.get(page.url, headers={"Accept": "text/html"}).text()
    assert '<html lang="en">' in html
    page.reload()
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_text("Bahasa Indonesia", exact=True).first.click()
    page.wait_for_function("document.documentElement.lang === 'id'", timeout=30_000)


def test_the_first_byte_of_a_page_has_its_language(streamlit_server, page):
    for query, lang in (("", "id"), ("?lang=en", "en"), ("?lang=xx", "id")):
        resp = page.request.get(f"{streamlit_server}/data{query}",
                                headers={"Accept": "text/html", "Accept-Encoding": "gzip"})
        assert resp.ok and f'<html lang="{lang}">' in resp.text(), query


@pytest.mark.parametrize("lang", ["id", "en"])
def test_streamlit_words_are_in_the_pages_language(streamlit_server, page, lang):
    page.goto(f"{streamlit_server}/lapor?lang={lang}")
    settle(page)
    zone = page.locator("[data-testid=stFileUploaderDropzone]").first
    # what is seen is what a screen reader reads: the button's name is our word
    button = t("streamlit.upload_button", lang=lang)
    # (waited for: the page's script swaps Streamlit's words after the uploader is drawn)
    expect(zone.get_by_role("button", name=button, exact=True)).to_have_count(1, timeout=10_000)
    expect_text(zone.locator("button [data-testid=stMarkdownContainer] p"), button)
    limit = t("streamlit.upload_limit", lang=lang, mb=forms.UPLOAD_MAX_MB)
    expect_text(zone.locator("[data-testid=stFileUploaderDropzoneInstructions]"), limit)
    assert "Upload" not in zone.inner_text() and "per file" not in zone.inner_text() or \
        lang == "en"
    # Lacak's form: Streamlit's "Press Enter to submit form" hint, said in the page's language
    page.goto(f"{streamlit_server}/lacak?lang={lang}")
    settle(page)
    page.locator("[data-testid=stTextInput] input").first.fill("LTR-AAAA-BBBB")
    hint = page.locator("[data-testid=InputInstructions]").first
    expect(hint).to_contain_text(t("streamlit.enter_to_submit", lang=lang), timeout=10_000)
    assert lang == "en" or "Press Enter" not in hint.inner_text()


def expect_text(locator, text: str) -> None:
    """The locator's visible text becomes `text` (the page's script swaps Streamlit's words)."""
    expect(locator).to_have_text(text, timeout=10_000)


def test_maps_have_a_keyboard_usable_table(streamlit_server, page):
    """Beside the map, its rows: a switch reached by Tab and turned on by Space shows the table."""
    page.goto(f"{streamlit_server}/musrenbang")
    settle(page)
    # the deck draws after the script finishes: wait for it on a busy machine
    page.locator("[data-testid=stDeckGlJsonChart], .stDeckGlJsonChart").first.wait_for(
        timeout=90_000)
    switch = page.locator(".st-key-usulan_map__rows input[role=switch], "
                          ".st-key-usulan_map__rows input[type=checkbox]").first
    before = page.locator("[data-testid=stDataFrame]").count()
    for _ in range(300):  # the switch is in the tab order (reached from the top of the page)
        page.keyboard.press("Tab")
        if switch.evaluate("e => e === document.activeElement"):
            break
    assert switch.evaluate("e => e === document.activeElement"), "the rows switch is not tabbable"
    page.keyboard.press("Space")
    settle(page)
    assert page.locator("[data-testid=stDataFrame]").count() == before + 1
