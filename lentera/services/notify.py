"""Citizens' status e-mails: render a queued message in the citizen's language and send it by SMTP.

The queue is the store's (lentera.store.outbox): a message is queued in the same transaction as
its status change, claimed here for a few minutes, and marked sent only after the mail server
accepted it. A server that is down or answers 4xx puts the message back with a growing delay
(1 min, 2, 4 … at most 6 h) and nothing is lost; only a permanent refusal (5xx for the recipient
or the message) gives it up. Logs name the message id and the error class, never the address.
`run` is the background sender of every app process (lentera.web.server) and of
`python -m lentera mail send --loop`; claims keep two senders from sending the same message.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlencode

from lentera.core import config, fmt, forms
from lentera.core.i18n import has, t
from lentera.services import umpan_balik
from lentera.store import outbox, submissions
from lentera.store.tables import utc_now

log = logging.getLogger(__name__)

BASE_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)
TIMEOUT_S = 20
INTERVAL_S = 10.0
FALLBACK_URL = "http://localhost:8501"


def base_url() -> str:
    """Where links in e-mails point: LENTERA_PUBLIC_URL (set it in production)."""
    return config.public_url() or FALLBACK_URL


def ticket_url(ticket: str, lang: str) -> str:
    """The Lacak link of a ticket, in the citizen's language."""
    return f"{base_url()}/lacak?{urlencode({'tiket': ticket, 'lang': lang})}"


def unsubscribe_url(ticket: str, lang: str) -> str:
    """The unsubscribe link: a token only (no ticket, no address in the URL)."""
    query = urlencode({"t": outbox.unsubscribe_token(ticket), "lang": lang})
    return f"{base_url()}/berhenti?{query}"


def office_name(kode_skpd: str | None) -> str | None:
    """The office's name from the region's SKPD list."""
    for r in forms.skpd_rows():
        if r["kode_skpd"] == kode_skpd:
            return r["nama_skpd"]
    return None


def _latest_note(ticket: str, to_status: str) -> str | None:
    for ev in reversed(submissions.timeline(ticket)):
        if ev["to_status"] == to_status:
            return ev.get("public_note")
    return None


def render(pending: outbox.Pending) -> EmailMessage:
    """The message about one status change, in the citizen's language."""
    lang, ticket = pending.lang, pending.ticket
    view = submissions.public_view(ticket) or {}
    status = t(f"lacak.status_{pending.to_status}", lang=lang)
    kind = t(f"lacak.kind_{view.get('kind', 'pengaduan')}", lang=lang)
    lines = [t("notifikasi.salam", lang=lang), "",
             t("notifikasi.status", lang=lang, kind=kind, ticket=ticket, status=status)]
    office = office_name(view.get("kode_skpd"))
    if office:
        lines.append(t("notifikasi.kantor", lang=lang, office=office))
    note = _latest_note(ticket, pending.to_status)
    if note:
        lines += ["", t("notifikasi.catatan", lang=lang), note]
    lines += ["", t("notifikasi.lihat", lang=lang), ticket_url(ticket, lang)]
    if pending.to_status == "selesai" and view.get("kind") == "pengaduan":
        until = None
        c = umpan_balik.store.completion(ticket)
        if c is not None:
            until = umpan_balik.answer_until(c.at)
        key = "notifikasi.tanya_selesai" if until else "notifikasi.tanya_selesai_tanpa_tanggal"
        lines += ["", t(key, lang=lang, date=fmt.date(until, lang=lang) if until else "")]
    elif has(f"notifikasi.arti_{pending.to_status}"):
        lines += ["", t(f"notifikasi.arti_{pending.to_status}", lang=lang)]
    unsub = unsubscribe_url(ticket, lang)
    lines += ["", "-- ", t("notifikasi.kenapa", lang=lang), t("notifikasi.berhenti", lang=lang),
              unsub]
    msg = EmailMessage()
    msg["Subject"] = t("notifikasi.subjek", lang=lang, ticket=ticket, status=status)
    msg["From"] = config.smtp().sender
    msg["To"] = pending.address
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="lentera")
    msg["List-Unsubscribe"] = f"<{unsub}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n".join(lines))
    msg["Content-Language"] = lang  # after set_content, which replaces Content-* headers
    return msg


def delay(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    return min(BASE_DELAY * (2 ** max(0, attempts - 1)), MAX_DELAY)


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False  # a configuration problem: fixed by the operator, then sent
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500 and not isinstance(
        exc, smtplib.SMTPServerDisconnected)


def _connect(settings: config.Smtp) -> smtplib.SMTP:
    server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
    try:
        server.ehlo()
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        if settings.user:
            server.login(settings.user, settings.password or "")
    except BaseException:
        server.close()
        raise
    return server


def send_due(now: dt.datetime | None = None, limit: int = 50) -> dict[str, int]:
    """Send the messages that are due; counts of sent, retried and given-up ones.

    Without LENTERA_SMTP_HOST nothing is claimed: messages wait in the queue.
    """
    done = {"terkirim": 0, "diulang": 0, "gagal": 0}
    settings = config.smtp()
    if not settings.host:
        return done
    now = now or utc_now()
    batch = outbox.claim(now, limit)
    if not batch:
        return done
    server = None
    try:
        server = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        for p in batch:
            _failed(p, exc, now, done)
        return done
    try:
        for p in batch:
            try:
                server.send_message(render(p))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(p, exc, now, done)
                if isinstance(exc, (OSError, smtplib.SMTPServerDisconnected)):
                    # the connection is gone: the rest of the batch waits for the next round
                    for rest in batch[batch.index(p) + 1:]:
                        _failed(rest, exc, now, done)
                    break
                continue
            outbox.finish(p.id, "terkirim")
            done["terkirim"] += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return done


def _failed(p: outbox.Pending, exc: Exception, now: dt.datetime, done: dict) -> None:
    name = type(exc).__name__
    if _permanent(exc):
        outbox.finish(p.id, "gagal", error=name)
        done["gagal"] += 1
        log.warning("mail %s refused for good (%s)", p.id, name)
        return
    attempts = p.attempts + 1
    outbox.retry(p.id, attempts, now + delay(attempts), name)
    done["diulang"] += 1
    log.warning("mail %s not sent (%s), attempt %d; retried later", p.id, name, attempts)


def run_once() -> dict[str, int]:
    """One round of the background sender: close unanswered done cases, send what is due."""
    closed = umpan_balik.close_overdue()
    return send_due() | {"ditutup": closed}


def run(stop: threading.Event, interval: float = INTERVAL_S) -> None:
    """Rounds until `stop` is set; a failing round is logged (class only) and the next one runs."""
    while not stop.is_set():
        try:
            run_once()
        except Exception as exc:  # noqa: BLE001 - the sender outlives a bad round
            log.warning("mail round failed: %s", type(exc).__name__)
        stop.wait(interval)


def start_background(interval: float = INTERVAL_S) -> tuple[threading.Thread, threading.Event]:
    """Start the sender in a daemon thread; set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(stop, interval), name="lentera-mail",
                              daemon=True)
    thread.start()
    return thread, stop
