"""The citizen's loop after "done": "Sudah selesai?", closing without an answer, and the rating.

Whoever holds the ticket is asked on Lacak (the ticket is the key, as for every public read);
each answer and rating counts against the same per-device and per-address limit as a new report
(lentera.store.ratelimit). The store side is lentera.store.umpan_balik.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import lru_cache

from lentera.core import config, forms
from lentera.core.kalender import Calendar, CalendarRangeError
from lentera.store import ratelimit
from lentera.store import umpan_balik as store
from lentera.store.errors import SubmissionError, TransitionError
from lentera.store.tables import aware

log = logging.getLogger(__name__)

UNSUR = store.UNSUR
SKALA = (1, 2, 3, 4)
METHODS: list[tuple[str, str]] = [
    ("lacak.method_selesai_title", "lacak.method_selesai_body"),
    ("lacak.method_surel_title", "lacak.method_surel_body"),
]


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
