"""Officials' work on citizen submissions: queues, actions with fixed reasons, OPD scoping, loket.

Every action takes the Streamlit session (or a dict in tests), re-reads the user from the store
(`auth.check`), checks the role, the ticket's current status and, for `opd` users, that the
ticket is disposed to their own kode_skpd — so a replayed request or an edited URL is refused
here, not only hidden in the page. The status change, the public event and the audit entry are
written in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl
from sqlalchemy import delete, insert, select

from lentera.core import config, forms
from lentera.core.errors import RefusedError
from lentera.core.tickets import normalize_ticket
from lentera.services import sla, warga
from lentera.store import audit, auth, engine, events, submissions, tables
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
# A proposal moves on through the musrenbang stages (kecamatan → office → RKPD); the verifikator
# records each stage, so a proposal in the plan can ask its citizen "Sudah dibangun?" (Lacak).
_STAGE_U = ("diverifikasi_kecamatan", "diterima_opd")
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
    "accept_opd": Action("verifikasi", {"usulan": "diterima_opd"},
                         {"usulan": ("diverifikasi_kecamatan",)},
                         ("sesuai_renstra_opd", "prioritas_forum_opd")),
    "to_rkpd": Action("verifikasi", {"usulan": "masuk_rkpd"}, {"usulan": ("diterima_opd",)},
                      ("masuk_rancangan_rkpd", "ditetapkan_rkpd")),
    "follow_up": Action("tindak_lanjut", {"pengaduan": "ditindaklanjuti"},
                        {"pengaduan": ("didisposisi", "ditindaklanjuti")},
                        ("survei_lokasi", "dijadwalkan", "sedang_dikerjakan", "koordinasi")),
    "close": Action("tindak_lanjut", {"pengaduan": "selesai"},
                    {"pengaduan": ("didisposisi", "ditindaklanjuti")},
                    ("selesai_diperbaiki", "selesai_dijelaskan", "selesai_diteruskan")),
}
VERIFIKASI_ACTIONS = ("verify", "dispose", "ask_more", "not_ours", "reject", "duplicate",
                      "accept_opd", "to_rkpd")
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
    ("petugas.method_routing_title", "petugas.method_routing_body"),
    ("petugas.method_office_title", "petugas.method_office_body"),
]
FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
MAX_BULK = 50  # tickets one bulk action may touch (a page of the queue)


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
    """New complaints and proposals awaiting verification or their next musrenbang stage, oldest
    first, with their SLA clocks."""
    auth.check(session, "verifikasi")
    p = submissions.pengaduan_frame().filter(pl.col("status").is_in(_NEW_P))
    p = _with_clock(p.select(_QUEUE_COLUMNS)).with_columns(pl.lit("pengaduan").alias("jenis"))
    u = (submissions.usulan_frame(with_support=True)
         .filter(pl.col("status").is_in(_NEW_U + _STAGE_U))
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
        files = conn.execute(select(tables.photo.c.file_name, tables.photo.c.width,
                                    tables.photo.c.height)
                             .where(tables.photo.c.ticket == canonical)
                             .order_by(tables.photo.c.id)).all()
    if row is None or not _may_see(user, row):
        # The same answer for "unknown" and "another office's": no probing by ticket number.
        raise PetugasError("not found", key="errors.not_found")
    desa = forms.desa_info(row.kode_desa) or {}
    point = _desa_point(row.kode_desa)
    info = {"ticket": row.ticket, "kind": row.kind, "status": row.status, "kanal": row.kanal,
            "created_at": tables.aware(row.created_at),
            "kategori": row.kategori or row.bidang_urusan,
            "judul": row.judul, "isi": row.isi or row.usulan, "permasalahan": row.permasalahan,
            "kode_desa": row.kode_desa, "nama_desa": desa.get("nama_desa"),
            "nama_kecamatan": desa.get("nama_kecamatan"),
            # a proposal's own point; a complaint's place is its desa's centre (never its point)
            "lat": row.lat if row.kind == "usulan" and row.lat is not None else point[0],
            "lng": row.lng if row.kind == "usulan" and row.lng is not None else point[1],
            "kode_skpd": row.kode_skpd, "nama_skpd": office_name(row.kode_skpd),
            "penanggung_jawab": office_accounts(row.kode_skpd),
            "kode_skpd_saran": suggested_office(row.kategori) if row.kind == "pengaduan" else None,
            "rahasia": bool(row.rahasia), "has_contact": has_contact is not None,
            "photos": [{"file_name": f.file_name, "width": f.width, "height": f.height}
                       for f in files],
            "timeline": submissions.timeline(canonical)}
    info |= dict.fromkeys(("target_hari_kerja", "target_date", "hari_kerja", "hari_kotor",
                           "hari_ditunda", "sisa_hari_kerja"))
    if row.kind == "pengaduan":
        clock = sla.clock_live().filter(pl.col("nomor_tiket") == canonical)
        if clock.height:
            c = clock.row(0, named=True)
            net, paused = c["hari_kerja"], c["hari_ditunda"] or 0
            info |= {"target_hari_kerja": c["target_hari_kerja"], "target_date": c["target_date"],
                     "hari_kerja": net, "hari_ditunda": paused,
                     "hari_kotor": None if net is None else net + paused,
                     "sisa_hari_kerja": (c["target_hari_kerja"] - net
                                         if c["target_hari_kerja"] is not None and net is not None
                                         else None)}
    return info


def photo_bytes(session: MutableMapping, ticket: str, file_name: str) -> bytes:
    """A photo of a ticket for a signed-in official who may read that ticket (never the public)."""
    info = detail(session, ticket)  # role and office checked there
    if file_name not in {p["file_name"] for p in info["photos"]}:
        raise PetugasError("not this ticket's photo", key="errors.not_found")
    path = submissions.photo_path(file_name)
    if path is None:
        raise PetugasError("photo file missing", key="errors.not_found")
    return path.read_bytes()


@lru_cache(maxsize=4)
def _desa_points(path: str) -> dict[str, tuple[float | None, float | None]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        return {r["kode_desa"]: (float(r["lat"]) if r.get("lat") else None,
                                 float(r["lng"]) if r.get("lng") else None)
                for r in csv.DictReader(fh)}


def _desa_point(kode_desa: str | None) -> tuple[float | None, float | None]:
    """The desa's centroid from the reference file (blank for a desa without a polygon)."""
    return _desa_points(str(config.region().path("desa"))).get(kode_desa or "", (None, None))


def office_name(kode_skpd: str | None) -> str | None:
    """An office's full name with its short name, e.g. "Dinas Pekerjaan ... (Dinas PUPR)"."""
    for r in forms.skpd_rows():
        if r["kode_skpd"] == kode_skpd:
            short = r.get("singkatan")
            return f"{r['nama_skpd']} ({short})" if short else r["nama_skpd"]
    return kode_skpd


def office_accounts(kode_skpd: str | None) -> list[str]:
    """Enabled `opd` accounts of an office: who answers for its cases in this app."""
    if not kode_skpd:
        return []
    return [u.username for u in auth.users() if u.role == "opd" and u.kode_skpd == kode_skpd]


# ---------------------------------------------------------------- default office per category

@lru_cache(maxsize=4)
def _file_defaults(path: str) -> dict[str, str]:
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        return {r["kategori"]: (r.get("kode_skpd_default") or "").strip()
                for r in csv.DictReader(fh)}


def default_offices() -> pl.DataFrame:
    """Per category: the reference file's office, the admin's override, the one in force."""
    file = _file_defaults(str(config.region().path("kategori_pengaduan")))
    k = tables.kategori_skpd
    with submissions.read_connection() as conn:
        override = {r.kategori: (r.kode_skpd, r.updated_by, r.updated_at)
                    for r in conn.execute(select(k)).all()}
    rows = []
    for kategori in forms.kategori_options():
        o = override.get(kategori)
        rows.append({"kategori": kategori, "kode_skpd_berkas": file.get(kategori) or None,
                     "kode_skpd_admin": o[0] if o else None,
                     "kode_skpd": (o[0] if o else file.get(kategori)) or None,
                     "diubah_oleh": o[1] if o else None, "diubah_pada": o[2] if o else None})
    return pl.DataFrame(rows, schema={"kategori": pl.String, "kode_skpd_berkas": pl.String,
                                      "kode_skpd_admin": pl.String, "kode_skpd": pl.String,
                                      "diubah_oleh": pl.String, "diubah_pada": pl.Datetime("us")})


def suggested_office(kategori: str | None) -> str | None:
    """The office a new complaint of this category is suggested to (admin's choice, else the file)."""
    if not kategori:
        return None
    hit = default_offices().filter(pl.col("kategori") == kategori)
    return hit["kode_skpd"][0] if hit.height else None


def set_default_office(session: MutableMapping, kategori: str, kode_skpd: str | None) -> None:
    """Admin: set (or, with None, drop back to the file's) a category's default office; audited."""
    user = auth.check(session, "akun")
    if kategori not in forms.kategori_options():
        raise PetugasError(f"unknown kategori {kategori!r}", key="errors.petugas_office")
    if kode_skpd is not None and kode_skpd not in forms.skpd_codes():
        raise PetugasError(f"unknown kode_skpd {kode_skpd!r}", key="errors.petugas_office")
    k = tables.kategori_skpd
    with engine.write_transaction() as conn:
        conn.execute(delete(k).where(k.c.kategori == kategori))
        if kode_skpd is not None:
            conn.execute(insert(k).values(kategori=kategori, kode_skpd=kode_skpd,
                                          updated_at=tables.utc_now(), updated_by=user.username))
        audit.record(conn, actor=user.username, role=user.role, action="kategori_skpd",
                     note=f"{kategori} -> {kode_skpd or '(berkas)'}")


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


BULK_ACTIONS = ("dispose", "reject", "ask_more", "not_ours")


def act_many(session: MutableMapping, tickets: list[str], action: str, reason_code: str,
             note: str | None = None, **target) -> dict[str, str | None]:
    """The same action, reason and note on several tickets, each in its own transaction.

    `dispose` without a `kode_skpd` routes each ticket to its category's suggested office.
    Returns {ticket: None (done) or the refusal's message key}; one refused ticket (changed
    status meanwhile, another office's, no suggested office) never stops the others.
    """
    auth.check(session, "verifikasi")
    if action not in BULK_ACTIONS:
        raise PetugasError(f"{action!r} is not a bulk action", key="errors.petugas_action")
    if len(tickets) > MAX_BULK:
        raise PetugasError(f"at most {MAX_BULK} tickets", key="errors.petugas_action")
    outcome: dict[str, str | None] = {}
    for ticket in dict.fromkeys(tickets):
        try:
            more = dict(target)
            if action == "dispose" and not more.get("kode_skpd"):
                more["kode_skpd"] = suggested_office(detail(session, ticket)["kategori"])
                if more["kode_skpd"] is None:
                    raise PetugasError("no suggested office", key="errors.petugas_office")
            act(session, ticket, action, reason_code, note, **more)
        except (PetugasError, auth.AuthError) as exc:
            outcome[ticket] = exc.key
        else:
            outcome[ticket] = None
    return outcome


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


def lacak_url(base: str, ticket: str) -> str:
    """The public Lacak address of a ticket under the app's public root `base`."""
    return warga.tracking_url(f"{base.rstrip('/')}/loket" if base else None, ticket)


def slip(ticket: str, *, base: str = "") -> dict:
    """What the loket slip shows: ticket, date, category, channel, target date, Lacak address."""
    view = sla.public_view(ticket)
    if view is None:
        raise PetugasError("not found", key="errors.not_found")
    created = view["created_at"].astimezone(config.local_zone())
    return {"ticket": view["ticket"], "tanggal": created.date(), "kategori": view.get("kategori"),
            "kanal": view.get("kanal"), "target_date": view.get("target_date"),
            "target_hari_kerja": view.get("target_hari_kerja"),
            "url": lacak_url(base or config.public_url(), view["ticket"])}


def unicode_pdf(**kwargs):
    """An FPDF document with the shipped DejaVu Sans as "dejavu" (regular and bold)."""
    from fpdf import FPDF

    pdf = FPDF(**kwargs)
    pdf.add_font("dejavu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    return pdf


def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG bytes (segno, error correction M)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def slip_pdf(ticket: str, *, lang: str = "id", base: str = "") -> bytes:
    """A one-page A5 receipt: ticket, date, category, channel, target date, Lacak address + QR."""
    from lentera.core import fmt
    from lentera.core.i18n import t

    info = slip(ticket, base=base)
    pdf = unicode_pdf(format="A5")
    pdf.set_title(t("petugas.slip_title", lang=lang))
    pdf.add_page()
    pdf.set_font("dejavu", "B", 14)
    pdf.cell(0, 10, t("petugas.slip_title", lang=lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("courier", "B", 20)
    pdf.cell(0, 14, info["ticket"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 11)
    kanal = t(f"petugas.k_{info['kanal']}", lang=lang) if info["kanal"] else "–"
    target = (t("petugas.slip_target_value", lang=lang,
                tanggal=fmt.date(info["target_date"], lang=lang),
                n=fmt.number(info["target_hari_kerja"], lang=lang))
              if info["target_date"] else t("petugas.slip_target_unknown", lang=lang))
    with pdf.table(col_widths=(40, 88), first_row_as_headings=False, borders_layout="NONE",
                   line_height=7) as table:
        for label, value in ((t("petugas.col_masuk", lang=lang), fmt.date(info["tanggal"], lang=lang)),
                             (t("petugas.col_kategori", lang=lang), info["kategori"] or "–"),
                             (t("petugas.col_kanal", lang=lang), kanal),
                             (t("petugas.slip_target", lang=lang), target)):
            row = table.row()
            row.cell(label)
            row.cell(value)
    pdf.ln(3)
    pdf.multi_cell(0, 6, t("petugas.slip_track", lang=lang, ticket=info["ticket"]))
    pdf.ln(2)
    y = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(info["url"])), x=pdf.l_margin, y=y, w=36, h=36)
    pdf.set_xy(pdf.l_margin + 40, y + 4)
    pdf.set_font("dejavu", "", 9)
    pdf.multi_cell(0, 5, t("petugas.slip_scan", lang=lang) + "\n" + info["url"])
    return bytes(pdf.output())


# ---------------------------------------------------------------- accounts (admin page)

def accounts(session: MutableMapping) -> pl.DataFrame:
    """Every officials' account (disabled ones too), for an admin; never a password hash."""
    auth.check(session, "akun")
    rows = [{"username": a.username, "role": a.role, "kode_skpd": a.kode_skpd,
             "disabled": a.disabled, "created_at": a.created_at,
             "password_changed_at": a.password_changed_at} for a in auth.accounts()]
    return pl.DataFrame(rows, schema={"username": pl.String, "role": pl.String,
                                      "kode_skpd": pl.String, "disabled": pl.Boolean,
                                      "created_at": pl.Datetime("us"),
                                      "password_changed_at": pl.Datetime("us")})


def add_account(session: MutableMapping, username: str, password: str, role: str,
                kode_skpd: str | None = None) -> auth.User:
    """Admin: create an account (audited with the admin's name)."""
    admin = auth.check(session, "akun")
    return auth.add_user(username, password, role, kode_skpd or None, actor=admin.username)


def change_account(session: MutableMapping, username: str, change: str, *,
                   role: str | None = None, kode_skpd: str | None = None,
                   password: str | None = None) -> None:
    """Admin: `change` = "role" (role/office), "reset" (password, re-enables) or "disable"."""
    admin = auth.check(session, "akun")
    if (username or "").strip().lower() == admin.username and change in ("role", "disable") \
            and not (change == "role" and role == "admin"):
        # an admin never locks themselves out of this page
        raise auth.AuthError("your own account cannot be disabled or demoted")
    if change == "role":
        auth.set_role(username, role or "", kode_skpd or None, actor=admin.username)
    elif change == "reset":
        auth.reset_password(username, password or "", actor=admin.username)
    elif change == "disable":
        auth.disable_user(username, actor=admin.username)
    else:
        raise PetugasError(f"unknown change {change!r}", key="errors.petugas_action")


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
