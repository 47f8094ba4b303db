"""Officials' work on citizen submissions: queues, actions with fixed reasons, OPD scoping, loket.

Every action takes the Streamlit session (or a dict in tests), re-reads the user from the store
(`auth.check`), checks the role, the ticket's current status and, for `opd` users, that the
ticket is disposed to their own kode_skpd — so a replayed request or an edited URL is refused
here, not only hidden in the page. The status change, the public event and the audit entry are
written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

import polars as pl
from sqlalchemy import select

from lentera.core import config, forms
from lentera.core.errors import RefusedError
from lentera.core.tickets import normalize_ticket
from lentera.services import sla
from lentera.store import auth, events, submissions, tables
from lentera.store.errors import SubmissionNotFoundError, TransitionError
from lentera.store.redaction import redact


class PetugasError(RefusedError):
    """An officials' action was refused (wrong role, status, office, reason or ticket).

    `key` names the official's message in lentera/locales/errors.toml; the detail is for logs.
    """


@dataclass(frozen=True)
class Action:
    """One action: the page it belongs to, target status per kind, and its fixed reasons."""

    page: str
    to_status: dict[str, str]  # kind → status
    from_status: dict[str, tuple[str, ...]]
    reasons: tuple[str, ...]


_NEW_P = ("diterima", "diverifikasi", "ditunda")
_NEW_U = ("diusulkan",)
ACTIONS: dict[str, Action] = {
    "verify": Action("verifikasi", {"pengaduan": "diverifikasi", "usulan": "diverifikasi_kecamatan"},
                     {"pengaduan": ("diterima", "ditunda"), "usulan": _NEW_U},
                     ("lengkap", "lengkap_setelah_dilengkapi")),
    "dispose": Action("verifikasi", {"pengaduan": "didisposisi"}, {"pengaduan": _NEW_P},
                      ("kewenangan_opd", "lintas_opd", "prioritas_keselamatan")),
    "ask_more": Action("verifikasi", {"pengaduan": "ditunda", "usulan": "dikembalikan"},
                       {"pengaduan": ("diterima", "diverifikasi"), "usulan": _NEW_U},
                       ("lokasi_kurang_jelas", "bukti_kurang", "uraian_kurang_jelas")),
    "not_ours": Action("verifikasi", {"pengaduan": "bukan_wewenang"}, {"pengaduan": _NEW_P},
                       ("wewenang_provinsi", "wewenang_pusat", "wewenang_desa", "ranah_swasta")),
    "reject": Action("verifikasi", {"pengaduan": "ditolak", "usulan": "ditolak"},
                     {"pengaduan": _NEW_P, "usulan": _NEW_U},
                     ("tidak_jelas", "bukan_pengaduan", "mengandung_sara", "spam")),
    "duplicate": Action("verifikasi", {"pengaduan": "diarsipkan", "usulan": "ditolak"},
                        {"pengaduan": _NEW_P, "usulan": _NEW_U}, ("duplikat",)),
    "follow_up": Action("tindak_lanjut", {"pengaduan": "ditindaklanjuti"},
                        {"pengaduan": ("didisposisi", "ditindaklanjuti")},
                        ("survei_lokasi", "dijadwalkan", "sedang_dikerjakan", "koordinasi")),
    "close": Action("tindak_lanjut", {"pengaduan": "selesai"},
                    {"pengaduan": ("didisposisi", "ditindaklanjuti")},
                    ("selesai_diperbaiki", "selesai_dijelaskan", "selesai_diteruskan")),
}
VERIFIKASI_ACTIONS = ("verify", "dispose", "ask_more", "not_ours", "reject", "duplicate")
TINDAK_LANJUT_ACTIONS = ("follow_up", "close")
CONTACT_REASONS = ("konfirmasi_lokasi", "minta_kelengkapan", "sampaikan_jawaban")
LOKET_KANAL = ("langsung", "surat", "telepon", "whatsapp", "sms")
# Paper letters are delivered in person: the warehouse's channel list has no separate "surat".
_KANAL_STORED = {"surat": "langsung"}
NOTE_REQUIRED = ("dispose", "not_ours", "reject", "duplicate", "follow_up", "close")
MAX_NOTE = 2000

METHODS: list[tuple[str, str]] = [
    ("petugas.method_antrian_title", "petugas.method_antrian_body"),
    ("petugas.method_tindakan_title", "petugas.method_tindakan_body"),
    ("petugas.method_audit_title", "petugas.method_audit_body"),
    ("petugas.method_tinjauan_title", "petugas.method_tinjauan_body"),
]


def _with_clock(frame: pl.DataFrame, as_of: dt.date | None = None) -> pl.DataFrame:
    """Add target, working days used (pauses subtracted), working days left (negative: past
    target) and `jeda_panjang` (paused longer than config.PAUSE_FLAG_DAYS), from the semantic
    layer's clock (`services.sla`); empty without a warehouse."""
    clock = sla.clock_live(as_of).select(
        "nomor_tiket", "target_hari_kerja", "hari_kerja",
        pl.col("hari_ditunda").alias("_ditunda"))
    return (frame.join(clock, on="nomor_tiket", how="left")
            .with_columns(pl.coalesce("_ditunda", "hari_ditunda").alias("hari_ditunda"))
            .drop("_ditunda")
            .with_columns((pl.col("target_hari_kerja") - pl.col("hari_kerja"))
                          .cast(pl.Int32).alias("sisa_hari_kerja"),
                          (pl.col("hari_ditunda").fill_null(0) > config.PAUSE_FLAG_DAYS)
                          .alias("jeda_panjang")))


_QUEUE_COLUMNS = ("nomor_tiket", "tanggal_masuk", "status", "kategori", "kanal", "nama_desa",
                  "nama_kecamatan", "kode_skpd", "rahasia", "hari_ditunda")


def queue_verifikasi(session: MutableMapping) -> pl.DataFrame:
    """New complaints and proposals awaiting verification, oldest first, with their SLA clocks."""
    auth.check(session, "verifikasi")
    p = submissions.pengaduan_frame().filter(pl.col("status").is_in(_NEW_P))
    p = _with_clock(p.select(_QUEUE_COLUMNS)).with_columns(pl.lit("pengaduan").alias("jenis"))
    u = (submissions.usulan_frame(with_support=True).filter(pl.col("status").is_in(_NEW_U))
         .select(pl.col("id_usulan").alias("nomor_tiket"), "tanggal_masuk", "status",
                 pl.col("bidang_urusan").alias("kategori"), pl.lit("web").alias("kanal"),
                 "nama_desa", "nama_kecamatan", pl.col("kode_skpd_tujuan").alias("kode_skpd"),
                 pl.lit(False).alias("rahasia"), pl.lit(0, pl.Int32).alias("hari_ditunda"),
                 pl.lit(None, pl.Int32).alias("target_hari_kerja"),
                 pl.lit(None, pl.Int32).alias("hari_kerja"),
                 pl.lit(None, pl.Int32).alias("sisa_hari_kerja"),
                 pl.lit(False).alias("jeda_panjang"), pl.lit("usulan").alias("jenis")))
    return pl.concat([p, u.select(p.columns)], how="vertical_relaxed").sort("tanggal_masuk",
                                                                           "nomor_tiket")


def queue_opd(session: MutableMapping) -> pl.DataFrame:
    """Complaints disposed to the user's own office (admins: every office), oldest first."""
    user = auth.check(session, "tindak_lanjut")
    p = submissions.pengaduan_frame().filter(pl.col("status").is_in(("didisposisi",
                                                                       "ditindaklanjuti")))
    if user.role == "opd":
        p = p.filter(pl.col("kode_skpd") == user.kode_skpd)
    return _with_clock(p.select(_QUEUE_COLUMNS)).sort("tanggal_masuk", "nomor_tiket")


def _ticket(ticket: str) -> str:
    canonical = normalize_ticket(ticket)
    if canonical is None:
        raise PetugasError("bad ticket", key="errors.petugas_ticket")
    return canonical


def _may_see(user: auth.User, row) -> bool:
    if user.role in ("admin", "verifikator"):
        return True
    return user.role == "opd" and row.kode_skpd == user.kode_skpd and row.kind == "pengaduan"


def detail(session: MutableMapping, ticket: str) -> dict:
    """What an official may read about one ticket (its text even if confidential; no contact)."""
    user = auth.session_user(session)
    if user is None or user.role == "loket":
        raise PetugasError("not allowed", key="errors.petugas_role")
    canonical = _ticket(ticket)
    s, c = tables.submission, tables.contact
    with submissions.read_connection() as conn:
        row = conn.execute(select(s).where(s.c.ticket == canonical)).first()
        has_contact = conn.execute(select(c.c.id).where(c.c.ticket == canonical)).first()
    if row is None or not _may_see(user, row):
        # The same answer for "unknown" and "another office's": no probing by ticket number.
        raise PetugasError("not found", key="errors.not_found")
    desa = forms.desa_info(row.kode_desa) or {}
    return {"ticket": row.ticket, "kind": row.kind, "status": row.status, "kanal": row.kanal,
            "created_at": row.created_at, "kategori": row.kategori,
            "judul": row.judul, "isi": row.isi or row.usulan, "permasalahan": row.permasalahan,
            "nama_desa": desa.get("nama_desa"), "nama_kecamatan": desa.get("nama_kecamatan"),
            "kode_skpd": row.kode_skpd, "rahasia": bool(row.rahasia),
            "has_contact": has_contact is not None,
            "timeline": submissions.timeline(canonical)}


def allowed_actions(user: auth.User | None, kind: str, status: str) -> list[str]:
    """The actions this user may take on a ticket of this kind and status."""
    if user is None:
        return []
    return [name for name, a in ACTIONS.items()
            if user.may(a.page) and status in a.from_status.get(kind, ())]


def act(session: MutableMapping, ticket: str, action: str, reason_code: str,
        note: str | None = None, *, kode_skpd: str | None = None,
        duplicate_of: str | None = None) -> dict:
    """Take `action` on `ticket` as the session's user; returns the public event written.

    Refuses (PetugasError / PermissionDeniedError) a wrong role, a reason outside the action's
    list, a status the action does not start from, another office's ticket, an unknown office.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise PetugasError(f"unknown action {action!r}", key="errors.petugas_action")
    user = auth.check(session, spec.page)  # re-reads the account: disabled users stop here
    if reason_code not in spec.reasons:
        raise PetugasError(f"reason {reason_code!r} is not allowed for {action}",
                           key="errors.petugas_reason")
    canonical = _ticket(ticket)
    note = (note or "")[:MAX_NOTE]
    if action in NOTE_REQUIRED and not redact(note) and action != "duplicate":
        raise PetugasError("a note is required", key="errors.petugas_note")
    if action == "dispose":
        if kode_skpd not in forms.skpd_codes():
            raise PetugasError(f"unknown kode_skpd {kode_skpd!r}", key="errors.petugas_office")
    elif kode_skpd is not None:
        raise PetugasError("only dispose sets an office", key="errors.petugas_office")
    other = None
    if action == "duplicate":
        other = normalize_ticket(duplicate_of)
        if other is None or other == canonical:
            raise PetugasError("duplicate_of must be another ticket",
                               key="errors.petugas_duplicate")
    try:
        return events.official_action(
            canonical, actor=user.username, role=user.role, action=action,
            to_status=spec.to_status, from_status=spec.from_status, reason_code=reason_code,
            note=note, kode_skpd=kode_skpd, duplicate_of=other,
            office=user.kode_skpd if user.role == "opd" else None)
    except SubmissionNotFoundError as exc:  # unknown or another office's: the same answer
        raise PetugasError(str(exc), key="errors.not_found") from exc
    except TransitionError as exc:
        raise PetugasError(str(exc), key="errors.petugas_status") from exc


def reveal_contact(session: MutableMapping, ticket: str, reason_code: str) -> list[dict]:
    """The citizen's contact of a ticket, for verifikator/admin only, each reveal audited."""
    user = auth.check(session, "verifikasi")
    if user.role not in ("verifikator", "admin"):
        raise auth.PermissionDeniedError("contact")
    if reason_code not in CONTACT_REASONS:
        raise PetugasError(f"reason {reason_code!r} is not allowed", key="errors.petugas_reason")
    canonical = _ticket(ticket)
    return events.reveal_contact(canonical, actor=user.username, role=user.role,
                                 reason_code=reason_code)


def create_loket(session: MutableMapping, data: dict, kanal: str,
                 contact: dict | None = None) -> str:
    """Store a complaint received at the desk, by phone, WhatsApp or letter; returns the ticket."""
    user = auth.check(session, "loket")
    if kanal not in LOKET_KANAL:
        raise PetugasError(f"kanal {kanal!r} is not a desk channel", key="errors.petugas_kanal")
    # The complaint, its first event and its audit entry commit in one transaction.
    return submissions.create_pengaduan({**data, "kanal": _KANAL_STORED.get(kanal, kanal)},
                                        [], contact, actor=user.username, role=user.role,
                                        audit_action="loket_create", audit_reason=kanal)


def slip_pdf(ticket: str, *, lang: str = "id") -> bytes:
    """A one-page receipt for the citizen: ticket number, date, category, how to track it."""
    from fpdf import FPDF

    from lentera.core import fmt
    from lentera.core.i18n import t

    view = submissions.public_view(ticket)
    if view is None:
        raise PetugasError("not found", key="errors.not_found")
    pdf = FPDF(format="A5")
    pdf.set_title(t("petugas.slip_title", lang=lang))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 10, t("petugas.slip_title", lang=lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("courier", "B", 20)
    pdf.cell(0, 14, view["ticket"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    created = view["created_at"].astimezone(config.local_zone())
    for label, value in ((t("petugas.col_masuk", lang=lang), fmt.date(created.date())),
                         (t("petugas.col_kategori", lang=lang), view.get("kategori") or "-"),
                         (t("petugas.col_kanal", lang=lang), view.get("kanal") or "-")):
        pdf.cell(0, 7, _latin(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 6, _latin(t("petugas.slip_track", lang=lang, ticket=view["ticket"])))
    return bytes(pdf.output())


def _latin(text: str) -> str:
    """Text the core PDF fonts can draw (they are Latin-1 only)."""
    return text.replace("—", "-").replace("–", "-").encode("latin-1", "replace").decode("latin-1")


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The officials' queue reads (they read the submissions store, not the warehouse)."""
    return [("petugas.pengaduan_frame", submissions.pengaduan_frame),
            ("petugas.usulan_frame", lambda: submissions.usulan_frame(with_support=True))]


def skpd_options() -> list[dict[str, str]]:
    """Offices a complaint can be disposed to: code and display name (short name first)."""
    return [{"kode_skpd": r["kode_skpd"], "nama": r.get("singkatan") or r["nama_skpd"]}
            for r in forms.skpd_rows()]


def labelled(queue: pl.DataFrame, t: Callable[[str], str]) -> pl.DataFrame:
    """The queue with status and kind as words of the reader's language (`t` = i18n.t)."""
    status = {s: t(f"lacak.status_{s}") for s in queue["status"].unique().to_list()}
    out = queue.with_columns(pl.col("status").replace_strict(status, return_dtype=pl.String))
    if "jenis" in queue.columns:
        kinds = {k: t(f"lacak.kind_{k}") for k in queue["jenis"].unique().to_list()}
        out = out.with_columns(pl.col("jenis").replace_strict(kinds, return_dtype=pl.String))
    return out
