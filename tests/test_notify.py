"""Citizens' status e-mails on SQLite and PostgreSQL, through a real SMTP server (aiosmtpd):
every public status change reaches the mailbox in the citizen's language with the ticket link;
a mail server that is down loses nothing; unsubscribing stops them; the address stays out of
the queue and the logs."""

from __future__ import annotations

import asyncio
import concurrent.futures
import email
import email.policy
import html
import logging

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from conftest import free_port
from starlette.applications import Starlette

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import notify, petugas
from lentera.store import auth, outbox, submissions
from lentera.store import tables as T
from lentera.web import server

ADDRESS = "warga.uji@example.org"
PW = "kata-sandi-uji-123"
PUBLIC = "http://lentera.test"


class Sink:
    """An SMTP handler that keeps what it receives; `refuse` answers RCPT with a 550."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


def start_smtp(port: int) -> tuple[Controller, Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink


@pytest.fixture
def mail_env(store, monkeypatch) -> int:
    """Settings for a local SMTP server on a free port (not started)."""
    port = free_port()
    monkeypatch.setenv("LENTERA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LENTERA_SMTP_PORT", str(port))
    monkeypatch.setenv("LENTERA_SMTP_STARTTLS", "0")
    monkeypatch.setenv("LENTERA_SMTP_FROM", "lentera@example.org")
    monkeypatch.setenv("LENTERA_PUBLIC_URL", PUBLIC)
    return port


@pytest.fixture
def smtp(mail_env):
    controller, sink = start_smtp(mail_env)
    try:
        yield sink
    finally:
        controller.stop()


def complaint() -> dict:
    return {"kategori": "Infrastruktur", "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": forms.desa_options()[5]["kode_desa"]}


def file_complaint(lang: str = "id", value: str = ADDRESS) -> str:
    return submissions.create_pengaduan(complaint(), [], {"value": value, "consent": True,
                                                          "lang": lang})


def session_of(username: str, role: str, skpd: str | None = None) -> dict:
    session: dict = {}
    auth.start_session(session, auth.add_user(username, PW, role, skpd))
    return session


def handle_to_done(ticket: str) -> str:
    """Verify, dispose, follow up and close a complaint as officials do; the office's code."""
    office = forms.skpd_rows()[0]["kode_skpd"]
    verif = session_of("verif", "verifikator")
    opd = session_of("opd1", "opd", office)
    petugas.act(verif, ticket, "verify", "lengkap")
    petugas.act(verif, ticket, "dispose", "kewenangan_opd", "Ke dinas terkait", kode_skpd=office)
    petugas.act(opd, ticket, "follow_up", "survei_lokasi", "Tim meninjau lokasi")
    petugas.act(opd, ticket, "close", "selesai_diperbaiki", "Lubang sudah ditambal")
    return office


def http(method: str, path: str, form: str = "") -> tuple[int, str]:
    """One request to the app's routes through ASGI (in a thread of its own: Playwright's loop)."""
    app = Starlette(routes=server.ROUTES)
    path_only, _, query = path.partition("?")
    scope = {"type": "http", "http_version": "1.1", "method": method, "path": path_only,
             "raw_path": path_only.encode(), "query_string": query.encode(), "scheme": "http",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded"),
                         (b"host", b"lentera.test")], "client": ("127.0.0.1", 1),
             "server": ("lentera.test", 80), "root_path": ""}
    out: dict = {"status": 0, "body": b""}

    async def receive():
        return {"type": "http.request", "body": form.encode(), "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return out["status"], out["body"].decode()


def body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_status_change_reaches_the_mailbox_in_the_citizens_language(smtp, lang):
    ticket = file_complaint(lang)
    office = handle_to_done(ticket)
    sent = notify.send_due()
    assert sent["terkirim"] == 5 and sent["diulang"] == 0
    statuses = ["diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "selesai"]
    assert [m["Subject"] for m in smtp.messages] == [
        t("notifikasi.subjek", lang=lang, ticket=ticket, status=t(f"lacak.status_{s}", lang=lang))
        for s in statuses]
    assert all(m["To"] == ADDRESS for m in smtp.messages)
    link = notify.ticket_url(ticket, lang)
    assert link.startswith(f"{PUBLIC}/lacak?tiket={ticket}")
    name = notify.office_name(office)
    for m in smtp.messages:
        text = body(m)
        assert link in text
        assert m["Content-Language"] == lang
        assert m["List-Unsubscribe"].strip() == f"<{notify.unsubscribe_url(ticket, lang)}>"
        assert ticket not in m["List-Unsubscribe"] and ADDRESS not in m["List-Unsubscribe"]
    assert t("notifikasi.kantor", lang=lang, office=name) in body(smtp.messages[2])
    assert "Lubang sudah ditambal" in body(smtp.messages[4])
    assert t("lacak.status_selesai", lang=lang) in smtp.messages[4]["Subject"]
    # the "is it fixed?" question comes with the done message
    assert t("notifikasi.tanya_selesai", lang=lang, date="").split("{")[0][:30] in body(
        smtp.messages[4])
    assert notify.send_due()["terkirim"] == 0  # each message once


def test_a_down_mail_server_loses_nothing(mail_env, caplog):
    ticket = file_complaint()
    caplog.set_level(logging.INFO)
    first = notify.send_due()
    assert first == {"terkirim": 0, "diulang": 1, "gagal": 0}
    [queued] = outbox.messages(ticket)
    assert queued["state"] == "antri" and queued["attempts"] == 1
    # backoff: not retried at once, retried when due
    assert notify.send_due()["diulang"] == 0
    submissions.append_event(ticket, "diverifikasi", "uji", "verifikator")
    controller, sink = start_smtp(mail_env)
    try:
        later = queued["due_at"]
        assert notify.send_due(now=later)["terkirim"] == 2
        assert [m["Subject"].split(": ", 1)[1] for m in sink.messages] == [
            t("lacak.status_diterima"), t("lacak.status_diverifikasi")]
    finally:
        controller.stop()
    assert {m["state"] for m in outbox.messages(ticket)} == {"terkirim"}
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("lentera"))
    assert "not sent (ConnectionRefusedError)" in ours  # the test SMTP server logs its own
    assert ADDRESS not in ours and "warga.uji" not in ours


def test_the_backoff_grows_and_is_capped():
    delays = [notify.delay(n).total_seconds() for n in range(1, 14)]
    assert delays[:4] == [60, 120, 240, 480]
    assert delays == sorted(delays) and max(delays) == notify.MAX_DELAY.total_seconds()


def test_a_refused_recipient_is_given_up_not_retried(smtp):
    ticket = file_complaint()
    smtp.refuse = True
    assert notify.send_due() == {"terkirim": 0, "diulang": 0, "gagal": 1}
    assert [m["state"] for m in outbox.messages(ticket)] == ["gagal"]


def test_unsubscribe_link_stops_the_messages(smtp):
    ticket = file_complaint("en")
    notify.send_due()
    url = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = url.removeprefix(PUBLIC)
    status, text = http("GET", path)
    assert status == 200 and html.escape(t("notifikasi.halaman_tanya", lang="en")) in text
    assert outbox.is_subscribed(ticket)  # a GET (a link scanner) changes nothing
    status, text = http("POST", path, "List-Unsubscribe=One-Click")
    assert status == 200 and html.escape(t("notifikasi.halaman_selesai", lang="en")) in text
    assert not outbox.is_subscribed(ticket)
    submissions.append_event(ticket, "diverifikasi", "uji", "verifikator")
    assert notify.send_due()["terkirim"] == 0
    assert http("POST", "/berhenti?t=" + "0" * 32)[0] == 404


def test_phone_contacts_and_anonymous_reports_get_no_mail(smtp):
    submissions.create_pengaduan(complaint(), [], {"value": "081234567890", "consent": True})
    submissions.create_pengaduan(complaint(), [])
    assert outbox.counts()["antri"] == 0
    assert notify.send_due()["terkirim"] == 0


def test_the_address_lives_only_in_the_contact_table(smtp, store_sql):
    ticket = file_complaint()
    handle_to_done(ticket)
    notify.send_due()
    for table in ("outbox", "langganan", "event", "audit_log", "submission"):
        rows = store_sql(sa.select(T.metadata.tables[table]))
        assert ADDRESS not in repr(rows), table
    assert ADDRESS in repr(store_sql(sa.select(T.contact)))


def test_without_a_mail_server_configured_messages_wait(store, monkeypatch):
    monkeypatch.delenv("LENTERA_SMTP_HOST", raising=False)
    ticket = file_complaint()
    assert notify.send_due() == {"terkirim": 0, "diulang": 0, "gagal": 0}
    assert [m["state"] for m in outbox.messages(ticket)] == ["antri"]
