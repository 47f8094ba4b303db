"""Browser: a verifier disposes a new complaint, the office closes it, Lacak shows every step."""

from __future__ import annotations

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit, wait_idle

from lentera.core import forms
from lentera.core.i18n import t
from lentera.store import auth, submissions

pytestmark = pytest.mark.browser

PW = "kata-sandi-uji-123"


@pytest.fixture
def server(fixture_warehouse, chromium_path, tmp_path, monkeypatch):
    """Our own server, so this test creates its accounts in the store the server uses."""
    env = fixture_environ(fixture_warehouse.db, tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    proc = start_streamlit(env, free_port())
    try:
        yield proc.args[proc.args.index("--server.port") + 1]
    finally:
        stop_streamlit(proc)
        submissions.dispose_all()


def sign_in(page, username: str) -> None:
    page.get_by_role("link", name=t("petugas.masuk")).first.click()
    wait_idle(page)
    page.get_by_label(t("petugas.username")).fill(username)
    page.get_by_label(t("petugas.password"), exact=True).fill(PW)
    # the form posts to /petugas/masuk, which sets the session cookie and sends the browser back
    with page.expect_navigation():
        page.get_by_role("button", name=t("petugas.sign_in")).click()
    wait_idle(page)
    page.get_by_text(username).first.wait_for()


def sign_out(page) -> None:
    page.get_by_role("link", name=t("petugas.masuk")).first.click()
    wait_idle(page)
    with page.expect_navigation():
        page.get_by_role("button", name=t("petugas.sign_out")).click()
    wait_idle(page)


def test_verifier_disposes_office_closes_public_timeline_updates(server, page):
    office = sorted(forms.skpd_codes())[0]  # the dispose list's first entry
    auth.add_user("verif-b", PW, "verifikator")
    auth.add_user("opd-b", PW, "opd", office)
    d = forms.desa_options()[2]
    ticket = submissions.create_pengaduan(
        {"kategori": "Infrastruktur", "judul": "Jembatan kayu rusak di dusun",
         "isi": "Papan jembatan kayu patah, anak sekolah harus memutar jauh setiap hari.",
         "kode_desa": d["kode_desa"]}, [])
    base = f"http://127.0.0.1:{server}"
    page.goto(f"{base}/beranda")
    wait_idle(page)
    # not signed in: no officials' pages in the menu, and their URL does not open them
    assert page.get_by_role("link", name=t("pages.verifikasi")).count() == 0

    sign_in(page, "verif-b")
    page.get_by_role("link", name=t("pages.verifikasi")).first.click()
    wait_idle(page)
    # the ticket's own heading (the queue table is a canvas grid whose cells are hidden text)
    page.get_by_role("heading", name=ticket).first.wait_for()
    page.get_by_text(t("petugas.act_dispose"), exact=True).click()
    wait_idle(page)
    page.get_by_label(t("petugas.note")).fill("Diteruskan ke dinas terkait")
    page.get_by_role("button", name=t("petugas.submit")).click()
    wait_idle(page)
    assert submissions.public_view(ticket)["status"] == "didisposisi"
    sign_out(page)
    assert page.get_by_role("link", name=t("pages.verifikasi")).count() == 0

    sign_in(page, "opd-b")
    assert page.get_by_role("link", name=t("pages.verifikasi")).count() == 0
    page.get_by_role("link", name=t("pages.tindak_lanjut")).first.click()
    wait_idle(page)
    # the ticket's own heading (the queue table is a canvas grid whose cells are hidden text)
    page.get_by_role("heading", name=ticket).first.wait_for()
    page.get_by_text(t("petugas.act_close"), exact=True).click()
    wait_idle(page)
    page.get_by_label(t("petugas.note")).fill("Jembatan sudah diperbaiki dengan papan baru")
    page.get_by_role("button", name=t("petugas.submit")).click()
    wait_idle(page)
    assert submissions.public_view(ticket)["status"] == "selesai"

    page.goto(f"{base}/lacak?tiket={ticket}")
    wait_idle(page)
    page.get_by_text(t("lacak.status_selesai")).first.wait_for()
    assert page.get_by_text("Jembatan sudah diperbaiki dengan papan baru").count() >= 1
    page.screenshot(path="/tmp/petugas/lacak_after.png", full_page=True)
