"""Browser: an admin creates an official's account on the Akun page; the new account signs in;
the change is in the audit log under the admin's name; the office sees its own week."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import wait_idle
from playwright.sync_api import expect
from test_browser_petugas import PW, server, sign_in, sign_out  # noqa: F401 (fixture)

from lentera.core.i18n import t
from lentera.services import petugas
from lentera.store import audit, auth

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots_issue14")
WAIT = 60_000
PUPR = "1.03.0.00.0.00.01.0000"


def test_admin_creates_an_account_in_the_app(server, page):  # noqa: F811
    auth.add_user("admin-b", PW, "admin")
    base = f"http://127.0.0.1:{server}"
    page.goto(f"{base}/beranda")
    wait_idle(page)
    sign_in(page, "admin-b")
    page.get_by_role("link", name=t("pages.akun")).first.click()
    wait_idle(page)
    form = page.locator("[data-testid=stForm]").filter(has_text=t("petugas.akun_add"))
    form.get_by_label(t("petugas.username"), exact=True).fill("pupr-baru")
    form.get_by_label(t("petugas.akun_role"), exact=True).click()
    page.get_by_role("option", name=t("petugas.role_opd"), exact=True).click()
    form.get_by_label(t("petugas.akun_office"), exact=True).click()
    name = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}[PUPR]
    page.get_by_role("option", name=name, exact=True).click()
    form.get_by_label(t("petugas.akun_password", n=auth.MIN_PASSWORD), exact=True).fill(PW)
    form.get_by_role("button", name=t("petugas.akun_create")).click()
    wait_idle(page)
    expect(page.get_by_text(t("petugas.akun_created", name="pupr-baru"))).to_be_visible(
        timeout=WAIT)
    made = auth.lookup("pupr-baru")
    assert made is not None and made.role == "opd" and made.kode_skpd == PUPR
    added = audit.entries().filter(pl.col("action") == "user_add",
                                   pl.col("note").str.contains("pupr-baru"))
    assert added["actor"].to_list() == ["admin-b"]
    page.screenshot(path=str(SHOTS / "akun_1280_id.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(SHOTS / "akun_390_id.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)

    # the new account signs in and sees its own office's week on Tinjauan
    sign_in(page, "pupr-baru")
    page.get_by_role("link", name=t("pages.tinjauan")).first.click()
    wait_idle(page)
    expect(page.get_by_text(t("petugas.office_title"), exact=False).first).to_be_visible(
        timeout=WAIT)
    expect(page.get_by_role("link", name=t("pages.akun"))).to_have_count(0)
    page.screenshot(path=str(SHOTS / "tinjauan_opd_1280_id.png"), full_page=True)
