"""The citizen's loop in a real browser at 390 px: e-mails from the server's own sender reach a
local SMTP server at each status change; "not fixed" on Lacak reopens the case and the office's
queue has it; a rating shows up in the office's IKM on Pengaduan."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import free_port, wait_idle
from playwright.sync_api import expect
from test_notify import ADDRESS, complaint, handle_to_done, session_of, start_smtp

from lentera.core.i18n import t
from lentera.services import notify, petugas
from lentera.store import submissions

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots_lacak_loop")


@pytest.fixture
def mail_server(monkeypatch):
    """A local SMTP server; the app server started after this fixture sends to it."""
    port = free_port()
    for key, value in {"LENTERA_SMTP_HOST": "127.0.0.1", "LENTERA_SMTP_PORT": str(port),
                       "LENTERA_SMTP_STARTTLS": "0", "LENTERA_MIN_CASES": "1",
                       "LENTERA_PUBLIC_URL": "http://lentera.test"}.items():
        monkeypatch.setenv(key, value)
    controller, sink = start_smtp(port)
    try:
        yield sink
    finally:
        controller.stop()


def wait_for_mail(sink, n: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while len(sink.messages) < n and time.monotonic() < deadline:
        time.sleep(0.5)  # polling the mailbox, not a guard: the assertion follows
    assert len(sink.messages) >= n, [m["Subject"] for m in sink.messages]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_loop_on_a_phone(mail_server, own_server, browser, lang):
    SHOTS.mkdir(exist_ok=True)
    ticket = submissions.create_pengaduan(complaint(), [], {"value": ADDRESS, "consent": True,
                                                            "lang": lang})
    office = handle_to_done(ticket)
    # the server's background sender delivers every change (received → done)
    wait_for_mail(mail_server, 5)
    assert all(m["To"] == ADDRESS for m in mail_server.messages)
    assert t("lacak.status_selesai", lang=lang) in mail_server.messages[-1]["Subject"]

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{own_server}/lacak?tiket={ticket}&lang={lang}")
        wait_idle(page)
        expect(page.get_by_text(t("lacak.selesai_judul", lang=lang), exact=True)).to_be_visible(
            timeout=60_000)
        expect(page.get_by_text(notify.office_name(office))).to_be_visible()
        share = page.get_by_role("link", name=t("lacak.bagikan_wa", lang=lang))
        assert share.get_attribute("href").startswith("https://wa.me/?text=")
        page.screenshot(path=str(SHOTS / f"lacak_ask_{lang}.png"), full_page=True)
        page.get_by_label(t("lacak.alasan_label", lang=lang)).fill("Lubang masih ada di sisi kiri")
        page.get_by_role("button", name=t("lacak.kirim_belum", lang=lang)).click()
        expect(page.get_by_text(t("lacak.dibuka_kembali", lang=lang))).to_be_visible(
            timeout=60_000)
        expect(page.get_by_text("Lubang masih ada di sisi kiri")).to_be_visible()
        assert submissions.public_view(ticket)["status"] == "ditindaklanjuti"
        opd = session_of("opd9", "opd", office)
        assert ticket in petugas.queue_opd(opd)["nomor_tiket"].to_list()
        wait_for_mail(mail_server, 6)  # the reopening is a status change too

        petugas.act(opd, ticket, "close", "selesai_diperbaiki", "Sisi kiri ditambal")
        page.reload()
        wait_idle(page)
        page.get_by_role("button", name=t("lacak.jawab_sudah", lang=lang)).click()
        expect(page.get_by_text(t("lacak.nilai_label", lang=lang))).to_be_visible(timeout=60_000)
        page.get_by_text(t("lacak.skala_4", lang=lang)).click()
        page.get_by_role("button", name=t("lacak.kirim_nilai", lang=lang)).click()
        expect(page.get_by_text(t("lacak.terima_kasih_nilai", lang=lang, nilai=4))).to_be_visible(
            timeout=60_000)
        page.screenshot(path=str(SHOTS / f"lacak_rated_{lang}.png"), full_page=True)

        page.goto(f"{own_server}/pengaduan?lang={lang}")
        wait_idle(page)
        title = page.get_by_role("heading", name=t("ikm.title", lang=lang))
        title.scroll_into_view_if_needed(timeout=60_000)
        name = notify.office_name(office)
        expect(page.get_by_text(f"{name}: 100")).to_be_visible(timeout=60_000)
        page.screenshot(path=str(SHOTS / f"pengaduan_ikm_{lang}.png"), full_page=False)
    finally:
        context.close()
    assert os.path.exists(SHOTS / f"lacak_ask_{lang}.png")
