"""The citizen submissions store's read side: public view, timeline, counts and the dashboards' frames.

Complaints (pengaduan) and proposals (usulan) never live in the warehouse. The store is split by
job: `tables` (the one schema), `migrate` (the one upgrade path), `engine` (connections and the
writers' queue), `intake` (new submissions), `events` (the only writer of status changes),
`photos`, `audit`, `auth`, `ratelimit`. This module reads; it also re-exports the writers that
callers have always reached through `lentera.store.submissions`.

Times are stored as naive UTC. `public_view`/`timeline` return aware UTC datetimes; the
`*_frame` functions return local time (WIB, like the warehouse's source exports) so dashboards
can UNION them with the warehouse tables.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import case, func, select

from lentera.core import config, forms
from lentera.core.schema import PENGADUAN, USULAN
from lentera.core.tickets import normalize_ticket
from lentera.store.engine import dispose_all as dispose_all
from lentera.store.engine import init as init
from lentera.store.engine import read_connection
from lentera.store.engine import referenced_photo_names as referenced_photo_names
from lentera.store.engine import schema_revision_of as schema_revision_of
from lentera.store.engine import write_transaction as write_transaction
from lentera.store.errors import SubmissionError as SubmissionError
from lentera.store.errors import SubmissionNotFoundError as SubmissionNotFoundError
from lentera.store.errors import SubmissionValidationError as SubmissionValidationError
from lentera.store.events import append_event as append_event
from lentera.store.intake import create_pengaduan as create_pengaduan
from lentera.store.intake import create_usulan as create_usulan
from lentera.store.intake import support as support
from lentera.store.photos import is_safe_file_name, uploads_root
from lentera.store.tables import aware as _aware
from lentera.store.tables import event, photo, submission

LOCAL_TZ = config.LOCAL_TZ
SOURCE_FILE = "lentera:submissions"  # provenance value of live rows in the *_frame outputs
# Event to_status → PENGADUAN stage column (first time the case reached that stage).
STAGE_COLUMNS = {"diverifikasi": "tanggal_verifikasi", "didisposisi": "tanggal_disposisi",
                 "ditindaklanjuti": "tanggal_tindak_lanjut"}


# ---------------------------------------------------------------- public reads

def public_view(ticket: str) -> dict | None:
    """What anyone holding the ticket may see (None if unknown) — nothing about the submitter.

    Confidential complaints show no judul/isi and no photos; a complaint's exact point is never
    shown. The SLA clock is added above the store (lentera.services.sla.public_view).
    """
    canonical = normalize_ticket(ticket)
    if canonical is None:
        return None
    with read_connection() as conn:
        row = conn.execute(select(submission).where(submission.c.ticket == canonical)).first()
        if row is None:
            return None
        events = conn.execute(select(event.c.at).where(event.c.ticket == canonical)
                              .order_by(event.c.at, event.c.id)).all()
        files = conn.execute(select(photo.c.file_name, photo.c.width, photo.c.height)
                             .where(photo.c.ticket == canonical).order_by(photo.c.id)).all()
    desa = forms.desa_info(row.kode_desa) or {}
    view = {
        "ticket": row.ticket, "kind": row.kind, "status": row.status,
        "created_at": _aware(row.created_at), "updated_at": _aware(events[-1].at) if events else None,
        "kanal": row.kanal, "kode_desa": row.kode_desa, "nama_desa": desa.get("nama_desa"),
        "kode_kecamatan": row.kode_kecamatan, "nama_kecamatan": desa.get("nama_kecamatan"),
        "kode_skpd": row.kode_skpd, "rahasia": bool(row.rahasia),
        "photos": [] if row.rahasia else [{"file_name": f.file_name, "width": f.width,
                                           "height": f.height} for f in files],
    }
    if row.kind == "pengaduan":
        view |= {"kategori": row.kategori, "klasifikasi": row.klasifikasi,
                 "judul": None if row.rahasia else row.judul,
                 "isi": None if row.rahasia else row.isi}
    else:
        view |= {"usulan": row.usulan, "permasalahan": row.permasalahan, "volume": row.volume,
                 "satuan": row.satuan, "perkiraan_biaya": row.perkiraan_biaya,
                 "bidang_urusan": row.bidang_urusan, "tahun_rkpd": row.tahun_rkpd,
                 "lat": row.lat, "lng": row.lng, "support_count": row.support_count,
                 "support_of": row.support_of}
    return view


def timeline(ticket: str) -> list[dict]:
    """The public status history, oldest first: at, role, from/to status, reason, public note."""
    canonical = normalize_ticket(ticket)
    if canonical is None:
        return []
    with read_connection() as conn:
        rows = conn.execute(
            select(event.c.at, event.c.role, event.c.from_status, event.c.to_status,
                   event.c.reason_code, event.c.public_note)
            .where(event.c.ticket == canonical).order_by(event.c.at, event.c.id)).all()
    return [{"at": _aware(r.at), "role": r.role, "from_status": r.from_status,
             "to_status": r.to_status, "reason_code": r.reason_code,
             "public_note": r.public_note} for r in rows]


def submission_count(kind: str | None = None) -> int:
    """Number of stored submissions (of one kind, or all)."""
    q = select(func.count()).select_from(submission)
    if kind is not None:
        q = q.where(submission.c.kind == kind)
    with read_connection() as conn:
        return conn.execute(q).scalar_one()


def tickets(kind: str | None = None) -> list[str]:
    """All ticket numbers, oldest first (for officials' queues and tests)."""
    q = select(submission.c.ticket).order_by(submission.c.created_at, submission.c.ticket)
    if kind is not None:
        q = q.where(submission.c.kind == kind)
    with read_connection() as conn:
        return list(conn.execute(q).scalars())


# ---------------------------------------------------------------- photos

def photo_path(file_name: str) -> Path | None:
    """The file of a photo that a committed row references and that is on disk; else None."""
    if not isinstance(file_name, str) or not is_safe_file_name(file_name):
        return None
    with read_connection() as conn:
        known = conn.execute(select(photo.c.id).where(photo.c.file_name == file_name)).first()
    path = uploads_root() / file_name
    return path if known is not None and path.is_file() else None


# ---------------------------------------------------------------- frames for the dashboards

_POLARS_TYPES = {"VARCHAR": pl.String, "TIMESTAMP": pl.Datetime("us"), "DATE": pl.Date,
                 "INTEGER": pl.Int32, "BOOLEAN": pl.Boolean, "DOUBLE": pl.Float64,
                 "DECIMAL(18,2)": pl.Decimal(18, 2)}


def _schema_of(source) -> dict:
    return {c.name: _POLARS_TYPES[c.sql_type] for c in source.columns}


def _local(col: str) -> pl.Expr:
    return (pl.col(col).dt.replace_time_zone("UTC").dt.convert_time_zone(LOCAL_TZ)
            .dt.replace_time_zone(None))


def _desa_frame() -> pl.DataFrame:
    return pl.DataFrame(forms.desa_options(), schema={"kode_desa": pl.String,
                                                      "nama_desa": pl.String,
                                                      "kode_kecamatan": pl.String,
                                                      "nama_kecamatan": pl.String})


def _rows_frame(rows, names: list[str], schema: dict) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in rows], schema={n: schema[n] for n in names},
                        orient="row")


def events_frame(kind: str = "pengaduan") -> pl.DataFrame:
    """Public event history in local time: ticket, at, from_status, to_status, reason_code."""
    q = (select(event.c.ticket, event.c.at, event.c.from_status, event.c.to_status,
                event.c.reason_code)
         .join(submission, submission.c.ticket == event.c.ticket)
         .where(submission.c.kind == kind).order_by(event.c.ticket, event.c.at, event.c.id))
    with read_connection() as conn:
        rows = conn.execute(q).all()
    schema = {"ticket": pl.String, "at": pl.Datetime("us"), "from_status": pl.String,
              "to_status": pl.String, "reason_code": pl.String}
    return _rows_frame(rows, list(schema), schema).with_columns(_local("at"))


def pengaduan_frame() -> pl.DataFrame:
    """Live complaints shaped exactly like the warehouse `pengaduan` table (local time).

    Stage dates come from the events (first time each stage was reached; `tanggal_selesai` the
    last move to `selesai` while the status is `selesai`); judul/isi are null when rahasia.
    """
    stages = [func.min(case((event.c.to_status == status, event.c.at))).label(column)
              for status, column in STAGE_COLUMNS.items()]
    stage_q = (select(event.c.ticket, *stages,
                      func.max(case((event.c.to_status == "selesai", event.c.at)))
                      .label("tanggal_selesai"))
               .group_by(event.c.ticket).subquery())
    s = submission
    q = (select(s.c.ticket, s.c.created_at, s.c.kategori, s.c.status, s.c.kanal, s.c.klasifikasi,
                case((s.c.rahasia, None), else_=s.c.judul).label("judul"),
                case((s.c.rahasia, None), else_=s.c.isi).label("isi"),
                s.c.kode_desa, s.c.kode_skpd, *[stage_q.c[c] for c in STAGE_COLUMNS.values()],
                case((s.c.status == "selesai", stage_q.c.tanggal_selesai))
                .label("tanggal_selesai"), s.c.anonim, s.c.rahasia)
         .select_from(s.outerjoin(stage_q, stage_q.c.ticket == s.c.ticket))
         .where(s.c.kind == "pengaduan").order_by(s.c.created_at, s.c.ticket))
    with read_connection() as conn:
        rows = conn.execute(q).all()
    schema = _schema_of(PENGADUAN) | {"nomor_tiket": pl.String}
    names = ["nomor_tiket", "tanggal_masuk", "kategori", "status", "kanal", "klasifikasi", "judul",
             "isi", "kode_desa", "kode_skpd", *STAGE_COLUMNS.values(), "tanggal_selesai",
             "anonim", "rahasia"]
    frame = _rows_frame(rows, names, schema)
    times = ["tanggal_masuk", *STAGE_COLUMNS.values(), "tanggal_selesai"]
    frame = (frame.with_columns([_local(c) for c in times])
             .join(_desa_frame(), on="kode_desa", how="left")
             # paused days are the clock's job (semantic layer, from events_frame)
             .with_columns(pl.lit(None, dtype=pl.Int32).alias("hari_ditunda"),
                           pl.lit(SOURCE_FILE).alias("source_file"),
                           pl.lit(None, dtype=pl.Int32).alias("source_row")))
    return frame.select([pl.col(n).cast(t) for n, t in _schema_of(PENGADUAN).items()])


def usulan_frame(with_support: bool = False) -> pl.DataFrame:
    """Live citizen proposals shaped exactly like the warehouse `usulan` table.

    `with_support` appends tanggal_masuk, support_count and support_of after the contract columns.
    """
    latest = (select(func.max(event.c.id).label("id")).group_by(event.c.ticket)).subquery()
    note_q = (select(event.c.ticket, event.c.public_note)
              .join(latest, latest.c.id == event.c.id).subquery())
    s = submission
    q = (select(s.c.ticket, s.c.tahun_rkpd, s.c.usulan, s.c.permasalahan, s.c.kode_desa,
                s.c.lat, s.c.lng, s.c.volume, s.c.satuan, s.c.perkiraan_biaya, s.c.kode_skpd,
                s.c.bidang_urusan, s.c.status,
                case((s.c.status.in_(("ditolak", "dikembalikan")), note_q.c.public_note))
                .label("alasan"), s.c.created_at, s.c.support_count, s.c.support_of)
         .select_from(s.outerjoin(note_q, note_q.c.ticket == s.c.ticket))
         .where(s.c.kind == "usulan").order_by(s.c.created_at, s.c.ticket))
    with read_connection() as conn:
        rows = conn.execute(q).all()
    extra = {"tanggal_masuk": pl.Datetime("us"), "support_count": pl.Int32,
             "support_of": pl.String, "perkiraan_biaya": pl.Float64}
    schema = _schema_of(USULAN) | {"kode_skpd": pl.String} | extra
    names = ["id_usulan", "tahun_rkpd", "usulan", "permasalahan", "kode_desa", "lat", "lng",
             "volume", "satuan", "perkiraan_biaya", "kode_skpd", "bidang_urusan", "status",
             "alasan", "tanggal_masuk", "support_count", "support_of"]
    frame = (_rows_frame(rows, names, schema)
             .with_columns(_local("tanggal_masuk"),
                           pl.col("kode_skpd").alias("kode_skpd_tujuan"),
                           pl.lit("warga").alias("sumber"), pl.lit("desa").alias("tahap"),
                           pl.lit(None, dtype=pl.String).alias("alamat"),
                           pl.lit(None, dtype=pl.String).alias("kode_sub_kegiatan"),
                           pl.lit(SOURCE_FILE).alias("source_file"),
                           pl.lit(None, dtype=pl.Int32).alias("source_row"))
             .drop("kode_skpd")
             .join(_desa_frame().drop("kode_kecamatan"), on="kode_desa", how="left")
             .join(_desa_frame().select("kode_desa", "kode_kecamatan"), on="kode_desa",
                   how="left"))
    cols = [pl.col(n).cast(t) for n, t in _schema_of(USULAN).items()]
    if with_support:
        cols += [pl.col("tanggal_masuk"), pl.col("support_count"), pl.col("support_of")]
    return frame.select(cols)

