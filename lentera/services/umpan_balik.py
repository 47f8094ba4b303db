"""The citizen's loop after "done": "Sudah selesai?", closing without an answer, and the rating.

Whoever holds the ticket is asked on Lacak (the ticket is the key, as for every public read);
each answer and rating counts against the same per-device and per-address limit as a new report
(lentera.store.ratelimit). The store side is lentera.store.umpan_balik.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from functools import lru_cache

from lentera.core import config, forms
from lentera.core.i18n import get_lang
from lentera.core.kalender import Calendar, CalendarRangeError
from lentera.store import auth, photos, ratelimit
from lentera.store import umpan_balik as store
from lentera.store.errors import SubmissionError, SubmissionNotFoundError, TransitionError
from lentera.store.tables import aware
from lentera.warehouse import layanan as layanan_ref

log = logging.getLogger(__name__)

UNSUR = store.UNSUR
SKALA = (1, 2, 3, 4)
METHODS: list[tuple[str, str]] = [
    ("lacak.method_selesai_title", "lacak.method_selesai_body"),
    ("lacak.method_surel_title", "lacak.method_surel_body"),
    ("lacak.method_dibangun_title", "lacak.method_dibangun_body"),
]
DESK_JENIS = "perizinan"  # desk ratings count in Perizinan's IKM per service


@lru_cache(maxsize=1)
def _calendar() -> Calendar:
    return Calendar.from_reference()


def local_date(at: dt.datetime) -> dt.date:
    """A stored (naive UTC) time as the region's local date."""
    return aware(at).astimezone(config.local_zone()).date()


def answer_until(done_at: dt.datetime) -> dt.date | None:
    """The last day to answer "Sudah selesai?": the N-th working day after the day it was done."""
    try:
        return _calendar().add_working_days(local_date(done_at), config.close_after_days())
    except CalendarRangeError:
        return None


def today() -> dt.date:
    """Today in the region's local time."""
    return dt.datetime.now(config.local_zone()).date()


def close_overdue(as_of: dt.date | None = None) -> int:
    """Close every done complaint whose answer time has passed (`otomatis`); how many closed."""
    as_of = as_of or today()
    closed = 0
    for c in store.unanswered():
        until = answer_until(c.at)
        if until is not None and as_of > until:
            try:
                store.answer(c.ticket, c.event_id, "otomatis")
                closed += 1
            except TransitionError:  # answered or reopened meanwhile
                continue
    return closed


@dataclass
class Loop:
    """What Lacak shows after the case is done: the question, its deadline, the rating."""

    ask: bool = False
    event_id: int | None = None
    answer_until: dt.date | None = None
    jawaban: str | None = None
    closed: bool = False
    may_rate: bool = False
    rating: dict | None = None
    history: list[dict] = field(default_factory=list)


def loop_of(ticket: str, kind: str) -> Loop:
    """The loop's state for a ticket; a done case past its answer time is closed here too."""
    if kind != "pengaduan":
        return Loop()
    c = store.completion(ticket)
    if c is None:
        return Loop(history=store.answers(ticket))
    until = answer_until(c.at)
    jawaban = c.jawaban
    if c.status == "selesai" and jawaban is None and until is not None and today() > until:
        try:
            store.answer(ticket, c.event_id, "otomatis")
        except TransitionError:
            pass
        c = store.completion(ticket)
        jawaban = c.jawaban if c else None
    closed = c.status == "selesai" and jawaban in ("sudah", "otomatis")
    rating = store.rating_of(ticket)
    return Loop(ask=c.status == "selesai" and jawaban is None, event_id=c.event_id,
                answer_until=until, jawaban=jawaban, closed=closed,
                may_rate=closed and rating is None, rating=rating,
                history=store.answers(ticket))


def _allowed(session: str | None, address: str | None) -> int:
    decision = ratelimit.check_and_record(session, address)
    return 0 if decision.allowed else decision.retry_after_minutes


def answer(ticket: str, event_id: int, fixed: bool, alasan: str | None,
           session: str | None, address: str | None) -> tuple[str | None, int]:
    """The citizen's answer: (error key or None, minutes to wait). Not fixed needs a reason."""
    if not fixed and not forms.clean_text(alasan):
        return "lacak.err_alasan", 0
    wait = _allowed(session, address)
    if wait:
        return None, wait
    try:
        store.answer(ticket, event_id, "sudah" if fixed else "belum", alasan)
    except store.AlreadyAnsweredError:
        return "lacak.err_sudah_dijawab", 0
    except TransitionError:
        return "lacak.err_tidak_menunggu", 0
    except SubmissionError:
        return "lacak.err_alasan", 0
    return None, 0


def rate(ticket: str, nilai: int | None, unsur: dict[str, int | None], komentar: str | None,
         session: str | None, address: str | None) -> tuple[str | None, int]:
    """The citizen's rating: (error key or None, minutes to wait)."""
    if nilai not in SKALA:
        return "lacak.err_nilai", 0
    wait = _allowed(session, address)
    if wait:
        return None, wait
    try:
        store.rate(ticket, nilai, {u: v for u, v in unsur.items() if v in SKALA}, komentar)
    except store.AlreadyAnsweredError:
        return "lacak.err_sudah_dinilai", 0
    except TransitionError:
        return "lacak.err_belum_ditutup", 0
    return None, 0


# ---- rating at the desk (loket): permit and civil-registry services


def desk_services(lang: str | None = None) -> list[tuple[str, str]]:
    """(service name as the permit data writes it, its label in `lang`) for the desk's list."""
    lang = lang or get_lang()
    names = dict(zip(*layanan_ref.katalog().select("jenis_layanan", f"nama_{lang}")
                     .drop_nulls("jenis_layanan").get_columns(), strict=True))
    return [(j, names.get(j) or j) for j in layanan_ref.standar()["jenis_layanan"].to_list()]


def rate_at_desk(session: MutableMapping, layanan: str | None, kode_skpd: str | None,
                 nilai: int | None, unsur: dict[str, int | None]) -> str | None:
    """A desk clerk records an applicant's rating of a service (audited); an error key or None.

    Refuses (auth.AuthError) anyone without the loket page.
    """
    user = auth.check(session, "loket")
    if layanan not in {j for j, _ in desk_services("id")}:
        return "petugas.nilai_err_layanan"
    if kode_skpd is not None and kode_skpd not in forms.skpd_codes():
        return "petugas.nilai_err_kantor"
    if nilai not in SKALA:
        return "petugas.nilai_err_nilai"
    store.rate_service(DESK_JENIS, layanan, kode_skpd, nilai,
                       {u: v for u, v in unsur.items() if v in SKALA},
                       actor=user.username, role=user.role)
    return None


# ---- "Sudah dibangun?" for proposals in the plan


@dataclass
class BuiltLoop:
    """What Lacak shows a proposal in the plan: the question, or the one answer given."""

    ask: bool = False
    event_id: int | None = None
    answer: store.Built | None = None


def built_of(ticket: str, kind: str) -> BuiltLoop:
    """The question's state: asked while the proposal is in the plan and not yet answered."""
    if kind != "usulan":
        return BuiltLoop()
    q = store.built_question(ticket)
    if q is None:
        return BuiltLoop()
    answered = q.jawaban is not None
    return BuiltLoop(ask=not answered and q.status == store.BUILT_STATUS, event_id=q.event_id,
                     answer=q if answered else None)


def answer_built(ticket: str, event_id: int, built: bool, alasan: str | None,
                 photo: bytes | None, session: str | None,
                 address: str | None) -> tuple[str | None, int]:
    """The citizen's answer to "Sudah dibangun?": (error key or None, minutes to wait)."""
    if not built and not forms.clean_text(alasan):
        return "lacak.err_alasan_dibangun", 0
    try:
        processed = photos.process_photo(photo) if photo else None
    except photos.PhotoError as e:
        return e.reason, 0
    wait = _allowed(session, address)
    if wait:
        return None, wait
    try:
        store.answer_built(ticket, event_id, built, alasan, processed)
    except store.AlreadyAnsweredError:
        return "lacak.err_sudah_dijawab", 0
    except (TransitionError, SubmissionNotFoundError):
        return "lacak.err_tidak_menunggu_dibangun", 0
    except SubmissionError:
        return "lacak.err_alasan_dibangun", 0
    return None, 0
