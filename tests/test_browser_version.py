"""A dashboard opened from a link with an older data version says so, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lentera.core.i18n import t
from lentera.warehouse import db

pytestmark = pytest.mark.browser

OLD = "19990101T000000Z-0123456789"


def _notice(page):
    return page.locator("[data-testid=stAlert]").filter(
        has_text=t("cite.old_version_gone")[:40])


@pytest.mark.parametrize("path", ["pengaduan?tahun=2025", "anggaran", "beranda"])
def test_an_old_version_link_shows_the_notice(streamlit_server, open_app, path):
    sep = "&" if "?" in path else "?"
    page = open_app(f"{streamlit_server}/{path}{sep}v={OLD}")
    assert page.locator("[data-testid=stException]").count() == 0
    assert _notice(page).count() == 1
    # the version in the link is shown as text, so a reader can quote it
    # (looked for among all code blocks, waiting for it: the page's citation block is a code
    # block too, and on a busy machine it can be drawn before the notice's own)
    expect(page.locator("[data-testid=stCode]").filter(has_text=OLD)).to_have_count(1)


def test_the_current_version_shows_no_notice(streamlit_server, open_app, fixture_warehouse,
                                             monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(fixture_warehouse.db))
    monkeypatch.setenv("LENTERA_DATA_DIR", str(fixture_warehouse.db.parent))
    version = db.data_version()
    page = open_app(f"{streamlit_server}/pengaduan?v={version}")
    assert page.locator("[data-testid=stException]").count() == 0
    assert _notice(page).count() == 0
