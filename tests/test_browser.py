"""Browser: the real server and Debian's Chromium open every page URL in both languages."""

from __future__ import annotations

import pytest

from lentera.core.i18n import t

pytestmark = pytest.mark.browser

# url_path → the page's title key (app.py's st.Page url_paths; "" is the default page).
URL_PATHS = {
    "": "beranda.title", "anggaran": "pages.anggaran", "pengaduan": "pages.pengaduan",
    "perizinan": "pages.perizinan", "musrenbang": "pages.musrenbang", "lapor": "pages.lapor",
    "usulkan": "pages.usulkan", "lacak": "pages.lacak", "data": "pages.data",
    "tentang": "pages.tentang", "masuk": "petugas.masuk",
}
# Officials' pages exist only after sign-in: anonymously their URLs fall back to the main page.
OFFICIALS_URLS = ("tinjauan", "verifikasi", "tindak-lanjut", "loket")
H1_IS = "t => document.querySelector('h1') && document.querySelector('h1').innerText.trim() === t"


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("url_path", list(URL_PATHS))
def test_page_opens_without_exception(streamlit_server, open_app, url_path, lang):
    query = "?lang=en" if lang == "en" else ""
    page = open_app(f"{streamlit_server}/{url_path}{query}")
    assert page.locator("[data-testid=stException]").count() == 0
    title = page.locator("h1").first.inner_text().strip()
    if url_path:
        assert title == t(URL_PATHS[url_path], lang=lang)
    else:
        assert title.startswith("Lentera")
    # The language survives the run: the URL still carries it and the menu is translated.
    assert ("lang=en" in page.url) == (lang == "en")
    nav = page.locator("[data-testid=stSidebarNav]")
    assert t("pages.tentang", lang=lang) in nav.inner_text()


def test_sidebar_link_keeps_english(streamlit_server, open_app):
    """Following the menu to another page keeps the chosen language."""
    page = open_app(f"{streamlit_server}/?lang=en")
    page.locator("[data-testid=stSidebarNav] a", has_text=t("pages.tentang", lang="en")).click()
    page.wait_for_function(H1_IS, arg=t("pages.tentang", lang="en"))
    page.wait_for_url("**/tentang?lang=en")
    assert page.locator("[data-testid=stException]").count() == 0


def test_language_switch_in_sidebar(streamlit_server, open_app):
    page = open_app(f"{streamlit_server}/anggaran")
    assert page.locator("h1").first.inner_text().strip() == t("pages.anggaran", lang="id")
    page.locator("[data-testid=stSidebar] label", has_text="English").click()
    page.wait_for_function(H1_IS, arg=t("pages.anggaran", lang="en"))
    page.wait_for_url("**/anggaran?lang=en")
    assert page.locator("[data-testid=stException]").count() == 0


@pytest.mark.parametrize("url_path", OFFICIALS_URLS)
def test_officials_pages_need_sign_in(streamlit_server, open_app, url_path):
    page = open_app(f"{streamlit_server}/{url_path}")
    assert page.locator("[data-testid=stException]").count() == 0
    nav = page.locator("[data-testid=stSidebarNav]").inner_text()
    assert t(f"pages.{url_path.replace('-', '_')}", lang="id") not in nav
    assert t("petugas.masuk", lang="id") in nav
