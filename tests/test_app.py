"""AppTest: every page renders in both languages with and without a warehouse (Beranda's figures
and the cache after a rebuild are in test_beranda.py)."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from lentera.core import fmt
from lentera.core.i18n import t

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
DEFAULT_PAGE = "pages/beranda.py"
# Dashboards read the warehouse; citizen forms, Tentang and officials' pages do not need it.
NEEDS_WAREHOUSE = {"beranda", "anggaran", "pengaduan", "perizinan", "musrenbang", "data"}
# Officials' pages are routed only for a signed-in official with the right role.
OFFICIALS = {"tinjauan", "verifikasi", "tindak_lanjut", "loket", "akun"}
# Pages whose title is not `pages.<file name>`.
TITLE_KEYS = {"masuk": "petugas.masuk"}


def run_app(page: str = DEFAULT_PAGE, lang: str | None = None, **query: str) -> AppTest:
    """A fresh session opened on `page` (URL `?lang=` and other parameters as given)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang is not None:
        at.query_params["lang"] = lang
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    if page != DEFAULT_PAGE:
        at.switch_page(page).run()
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def stem(page: str) -> str:
    return Path(page).stem


def test_every_page_file_is_routed():
    """app.py lists every file in pages/ (an unrouted page would be unreachable)."""
    source = APP.read_text(encoding="utf-8")
    assert PAGE_FILES, "no pages found"
    for page in PAGE_FILES:
        assert f'"{page}"' in source or f'"{stem(page)}"' in source, f"{page} is not routed"


@pytest.mark.parametrize("data", ["warehouse", "empty"])
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_renders(page, lang, data, request):
    """No exception anywhere; the header is translated; no warehouse gives the helpful screen."""
    request.getfixturevalue("warehouse_env" if data == "warehouse" else "empty_env")
    if stem(page) in OFFICIALS:
        # Anonymous: the page is not even routed (switch_page knows only registered pages).
        with pytest.raises(ValueError, match="navigation page"):
            run_app(page, lang)
        return
    at = run_app(page, lang)
    assert not at.exception, at.exception
    if page != DEFAULT_PAGE:
        key = TITLE_KEYS.get(stem(page), f"pages.{stem(page)}")
        assert texts(at.title)[0] == t(key, lang=lang)
    helpful = t("common.no_warehouse_title", lang=lang) in texts(at.info)
    if data == "empty":
        assert helpful == (stem(page) in NEEDS_WAREHOUSE)
        if helpful:
            assert "make run" in texts(at.code)
            assert any(os.environ["LENTERA_WAREHOUSE"] in c for c in texts(at.caption))
        assert t("common.sample_banner", lang=lang) not in texts(at.warning)
    else:
        assert not helpful
        with duckdb.connect(os.environ["LENTERA_WAREHOUSE"], read_only=True) as con:
            is_sample = con.sql("SELECT value FROM meta WHERE key = 'is_sample'").fetchall()
        expect_banner = is_sample == [("true",)]
        assert (t("common.sample_banner", lang=lang) in texts(at.warning)) == expect_banner


def test_bad_and_unknown_url_parameters_are_ignored(warehouse_env):
    at = run_app(DEFAULT_PAGE, "xx", foo="bar", tahun="not-a-year")
    assert not at.exception
    assert at.sidebar.radio[0].value == "id"
    assert texts(at.metric) and at.metric[0].label == t("beranda.pagu_belanja", lang="id")
    assert "lang" not in at.query_params


def test_language_switch_follows_url_and_sidebar(warehouse_env):
    at = run_app("pages/anggaran.py", "en")
    assert texts(at.title)[0] == t("pages.anggaran", lang="en")
    assert at.query_params.get("lang") == "en"
    at.sidebar.radio[0].set_value("id").run()
    assert not at.exception
    assert texts(at.title)[0] == t("pages.anggaran", lang="id")


# Beranda's figures against an independent computation, and the cache after a rebuild: test_beranda.py.


# --- URL helpers -----------------------------------------------------------------------------


def _qp_app():
    import streamlit as st

    from lentera.web import ui
    st.text(repr(ui.qp_get("tahun", 2026, allowed=[2024, 2025, 2026])))
    st.text(repr(ui.qp_get("aktif", False)))
    ui.qp_set(tahun=2025, kosong=None)


@pytest.mark.parametrize(("query", "tahun", "aktif"), [
    ({}, 2026, False),
    ({"tahun": "2025", "aktif": "ya"}, 2025, True),
    ({"tahun": "1999"}, 2026, False),
    ({"tahun": "2025; DROP TABLE x", "aktif": "mungkin"}, 2026, False),
    ({"tahun": "", "kosong": "1"}, 2026, False),
])
def test_qp_get_ignores_invalid_values_and_qp_set_mirrors(query, tahun, aktif):
    at = AppTest.from_function(_qp_app, default_timeout=30)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    assert texts(at.text) == [repr(tahun), repr(aktif)]
    assert at.query_params.get("tahun") == "2025"
    assert "kosong" not in at.query_params


def test_pengaduan_shows_the_public_weekly_digest(warehouse_env):
    """"Anda melapor, kami bertindak" on the public Pengaduan page = the officials' digest figure."""
    from lentera.services import tinjauan
    year, week = tinjauan.latest_week()
    digest = tinjauan.digest(year, week)
    at = run_app("pages/pengaduan.py", "id")
    assert t("petugas.digest_title", lang="id") in texts(at.subheader)
    assert t("petugas.digest_body", lang="id", n=fmt.number(digest["total"], lang="id")) in texts(
        at.markdown)


def switch(at: AppTest, page: str) -> None:
    """Switch page as the browser's menu does: the menu link drops the URL's parameters."""
    at.query_params.clear()
    at.switch_page(page).run()


def test_filters_are_kept_per_page_across_page_switches(warehouse_env):
    """Anggaran → Musrenbang → Anggaran in one session: no exception, each page keeps its values.

    `tahun` is an int on Anggaran and a string on Musrenbang; they live under namespaced keys.
    """
    from lentera.warehouse import anggaran
    from lentera.warehouse import musrenbang as musrenbang_q

    years = anggaran.tahun_anggaran()["tahun"].to_list()
    at = run_app("pages/anggaran.py", "id")
    at.selectbox(key="anggaran.tahun").set_value(years[0]).run()
    at.segmented_control(key="anggaran.dim").set_value("org").run()
    assert not at.exception, at.exception
    assert at.query_params["dim"] in ("org", ["org"])

    m_years = [v for v, _ in musrenbang_q.filter_options()["tahun"]]
    switch(at, "pages/musrenbang.py")
    assert not at.exception, at.exception
    at.selectbox(key="musrenbang.tahun").set_value(m_years[0]).run()
    assert not at.exception, at.exception

    switch(at, "pages/anggaran.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="anggaran.tahun").value == years[0]
    assert at.segmented_control(key="anggaran.dim").value == "org"

    switch(at, "pages/musrenbang.py")
    assert not at.exception, at.exception
    assert at.selectbox(key="musrenbang.tahun").value == m_years[0]


@pytest.mark.parametrize("query", [{"dim": "Office and programme"}, {"dim": "xx", "tahun": "abc"},
                                   {"tahap": "nope", "path": "9.9.9.9"}])
def test_anggaran_ignores_bad_or_label_valued_url(warehouse_env, query):
    """An old label-valued link or a bad value falls back to the default, never a traceback."""
    at = run_app("pages/anggaran.py", "en", **query)
    assert not at.exception, at.exception
    assert at.segmented_control(key="anggaran.dim").value == "akun"


def test_anggaran_url_values_are_codes_in_any_language(warehouse_env):
    """A link made in English carries codes (`dim=org`) and opens the same view in Indonesian."""
    from lentera.warehouse import anggaran

    first = anggaran.tahun_anggaran()["tahun"].to_list()[0]
    at = run_app("pages/anggaran.py", "en", dim="org", tahun=str(first))
    assert at.segmented_control(key="anggaran.dim").value == "org"
    assert at.query_params["dim"] in ("org", ["org"])
    at = run_app("pages/anggaran.py", "id", dim="org", tahun=str(first))
    assert at.segmented_control(key="anggaran.dim").value == "org"
    assert at.selectbox(key="anggaran.tahun").value == first
