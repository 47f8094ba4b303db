"""Open complaints near a place (so a citizen can support one instead of filing it again), and
the support itself: one per complaint per device and address (`ratelimit.claim_support`)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import and_, or_, select, update

from lentera.core.tickets import normalize_ticket
from lentera.store import engine
from lentera.store.errors import SubmissionNotFoundError
from lentera.store.tables import submission

# A complaint still being handled; a closed, refused or archived one is not offered again.
OPEN_STATUSES = ("diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "ditunda")
SCHEMA = {"ticket": pl.String, "judul": pl.String, "kode_desa": pl.String, "lat": pl.Float64,
          "lng": pl.Float64, "status": pl.String, "support_count": pl.Int32}


def open_pengaduan(kategori: str, kode_desa: str | None,
                   box: tuple[float, float, float, float] | None = None) -> pl.DataFrame:
    """Open, non-confidential complaints of `kategori` in the desa or inside `box`
    (min_lat, min_lng, max_lat, max_lng); the point stays for distances, never for display."""
    s = submission
    where = [s.c.kode_desa == (kode_desa or "")]
    if box is not None:
        where.append(and_(s.c.lat.between(box[0], box[2]), s.c.lng.between(box[1], box[3])))
    q = (select(s.c.ticket, s.c.judul, s.c.kode_desa, s.c.lat, s.c.lng, s.c.status,
                s.c.support_count)
         .where(s.c.kind == "pengaduan", s.c.kategori == kategori, ~s.c.rahasia,
                s.c.status.in_(OPEN_STATUSES), or_(*where))
         .order_by(s.c.created_at.desc()).limit(200))
    with engine.read_connection() as conn:
        rows = [tuple(r) for r in conn.execute(q).all()]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def support_pengaduan(ticket: str) -> int:
    """Add one supporter to an open complaint; its new support count."""
    canonical = normalize_ticket(ticket)
    if canonical is None:
        raise SubmissionNotFoundError(str(ticket))
    s = submission
    with engine.write_transaction() as conn:
        done = conn.execute(update(s).where(s.c.ticket == canonical, s.c.kind == "pengaduan",
                                            s.c.status.in_(OPEN_STATUSES))
                            .values(support_count=s.c.support_count + 1))
        if done.rowcount != 1:
            raise SubmissionNotFoundError(canonical)
        return conn.execute(select(s.c.support_count).where(s.c.ticket == canonical)).scalar_one()


def support_count(ticket: str) -> int | None:
    """How many citizens support a complaint (None for an unknown ticket)."""
    s = submission
    with engine.read_connection() as conn:
        return conn.execute(select(s.c.support_count).where(s.c.ticket == ticket)).scalar()
