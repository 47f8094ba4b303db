"""Issue 16's last two loop pieces on SQLite and PostgreSQL: a rating given at the desk (audited,
counted in Perizinan's IKM per service) and "Sudah dibangun?" for a proposal in the plan (one
answer per ticket, a reason for "not yet", a photo re-encoded without EXIF)."""

from __future__ import annotations

import io

import polars as pl
import pytest
from PIL import ExifTags, Image
from test_notify import session_of
from test_submissions import gps_jpeg, proposal

from lentera.core import config
from lentera.services import ikm, petugas, umpan_balik
from lentera.store import audit, auth, ratelimit, submissions
from lentera.store import umpan_balik as store_loop


def to_plan(ticket: str) -> None:
    """An official verifies the proposal and moves it into the RKPD (audited like any action)."""
    verif = session_of("verif_u", "verifikator")
    petugas.act(verif, ticket, "verify", "lengkap")
    petugas.act(verif, ticket, "accept_opd", "sesuai_renstra_opd")
    petugas.act(verif, ticket, "to_rkpd", "ditetapkan_rkpd")


def audit_rows() -> list[tuple]:
    with submissions.read_connection() as conn:
        return conn.exec_driver_sql("SELECT actor, role, action, note FROM audit_log").all()


# ---- rating at the desk


def test_a_desk_rating_is_audited_and_counts_in_the_service_ikm(store):
    clerk = session_of("loket_a", "loket")
    service, label = next((j, lab) for j, lab in umpan_balik.desk_services("id")
                          if j == "KTP Elektronik")
    assert label == "KTP Elektronik (KTP-el)"
    scores = [4, 3, 4, 4, 2, 3]
    for i, n in enumerate(scores):
        detail = {u: n for u in umpan_balik.UNSUR} if i % 2 == 0 else {}
        assert umpan_balik.rate_at_desk(clerk, service, None, n, detail) is None
    table = ikm.ikm(ikm.ratings_frame("perizinan"), "layanan", min_cases=len(scores))
    row = table.filter(pl.col("layanan") == service).row(0, named=True)
    # not every element has min_cases answers: indicative, the overall mean × 25
    assert row["responden"] == len(scores) and row["indikatif"] is True
    assert row["nilai_ikm"] == pytest.approx(sum(scores) / len(scores) * 25)
    assert row["mutu"] == ikm.mutu(sum(scores) / len(scores) * 25)
    assert ikm.per_service().filter(pl.col("layanan") == service).height == 1
    logged = [r for r in audit_rows() if r.action == store_loop.DESK_AUDIT_ACTION]
    assert len(logged) == len(scores)
    assert {(r.actor, r.role) for r in logged} == {("loket_a", "loket")}
    assert logged[0].note.startswith(service)
    assert audit.verify() == (True, None)


def test_the_desk_refuses_what_it_cannot_count(store):
    clerk = session_of("loket_b", "loket")
    assert umpan_balik.rate_at_desk(clerk, None, None, 3, {}) == "petugas.nilai_err_layanan"
    assert umpan_balik.rate_at_desk(clerk, "Izin Terbang", None, 3, {}) == \
        "petugas.nilai_err_layanan"
    assert umpan_balik.rate_at_desk(clerk, "Akta Kelahiran", "9.99.99", 3, {}) == \
        "petugas.nilai_err_kantor"
    assert umpan_balik.rate_at_desk(clerk, "Akta Kelahiran", None, None, {}) == \
        "petugas.nilai_err_nilai"
    assert umpan_balik.rate_at_desk(clerk, "Akta Kelahiran", None, 5, {}) == \
        "petugas.nilai_err_nilai"
    assert store_loop.ratings() == []
    # an official without the loket page, or nobody, is refused before anything is stored
    with pytest.raises(auth.AuthError):
        umpan_balik.rate_at_desk(session_of("opd_b", "opd", "1.03.01"), "Akta Kelahiran",
                                 None, 3, {})
    with pytest.raises(auth.AuthError):
        umpan_balik.rate_at_desk({}, "Akta Kelahiran", None, 3, {})
    assert store_loop.ratings() == []


# ---- "Sudah dibangun?"


def test_only_a_proposal_in_the_plan_is_asked(store):
    ticket = submissions.create_usulan(proposal(), [], None)
    assert not umpan_balik.built_of(ticket, "usulan").ask
    verif = session_of("verif_v", "verifikator")
    petugas.act(verif, ticket, "verify", "lengkap")
    assert not umpan_balik.built_of(ticket, "usulan").ask
    error, _ = umpan_balik.answer_built(ticket, 1, True, None, None, None, None)
    assert error == "lacak.err_tidak_menunggu_dibangun"
    # the verifikator's own stage actions (Verifikasi's queue keeps proposals until the RKPD)
    assert ticket in petugas.queue_verifikasi(verif)["nomor_tiket"].to_list()
    petugas.act(verif, ticket, "accept_opd", "prioritas_forum_opd")
    assert not umpan_balik.built_of(ticket, "usulan").ask
    petugas.act(verif, ticket, "to_rkpd", "masuk_rancangan_rkpd")
    assert ticket not in petugas.queue_verifikasi(verif)["nomor_tiket"].to_list()
    loop = umpan_balik.built_of(ticket, "usulan")
    assert loop.ask and loop.answer is None
    last = submissions.timeline(ticket)[-1]
    assert last["to_status"] == "masuk_rkpd"
    # a complaint is never asked this question
    assert umpan_balik.built_of(ticket, "pengaduan") == umpan_balik.BuiltLoop()


def test_not_built_needs_a_reason_and_one_answer_per_ticket(store):
    ticket = submissions.create_usulan(proposal(), [], None)
    to_plan(ticket)
    loop = umpan_balik.built_of(ticket, "usulan")
    assert umpan_balik.answer_built(ticket, loop.event_id, False, "  ", None, None, None) == (
        "lacak.err_alasan_dibangun", 0)
    note = "Baru tiang pancang; hubungi 081234567890"
    assert umpan_balik.answer_built(ticket, loop.event_id, False, note, None, None, None) == (
        None, 0)
    after = umpan_balik.built_of(ticket, "usulan")
    assert not after.ask and after.answer.jawaban == "belum"
    assert "081234567890" not in after.answer.alasan and "tiang pancang" in after.answer.alasan
    assert after.answer.answered_at.tzinfo is not None
    # the answer changes no status and a second answer is refused
    assert submissions.public_view(ticket)["status"] == "masuk_rkpd"
    assert umpan_balik.answer_built(ticket, loop.event_id, True, None, None, None, None)[0] == \
        "lacak.err_sudah_dijawab"


def test_built_with_a_photo_keeps_no_exif(store):
    ticket = submissions.create_usulan(proposal(), [], None)
    to_plan(ticket)
    loop = umpan_balik.built_of(ticket, "usulan")
    error, _ = umpan_balik.answer_built(ticket, loop.event_id, True, None, b"not a photo",
                                        None, None)
    assert error is not None and error.startswith("forms.photo_")
    assert umpan_balik.built_of(ticket, "usulan").ask  # a refused photo stores nothing
    assert umpan_balik.answer_built(ticket, loop.event_id, True, None, gps_jpeg(), None,
                                    None) == (None, 0)
    answer = umpan_balik.built_of(ticket, "usulan").answer
    assert answer.jawaban == "sudah" and answer.foto
    path = submissions.photo_path(answer.foto)
    assert path is not None and path.parent == config.uploads_dir()
    with Image.open(io.BytesIO(path.read_bytes())) as img:
        assert img.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    # the photo belongs to the ticket like a proposal's own photos
    assert [p["file_name"] for p in submissions.public_view(ticket)["photos"]] == [answer.foto]


def test_answers_count_against_the_submission_limit(store, monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMIT", 1)
    ticket = submissions.create_usulan(proposal(), [], None)
    to_plan(ticket)
    loop = umpan_balik.built_of(ticket, "usulan")
    assert ratelimit.check_and_record("sesi-x", "10.0.0.9").allowed
    error, wait = umpan_balik.answer_built(ticket, loop.event_id, True, None, None, "sesi-x",
                                           "10.0.0.9")
    assert error is None and wait > 0
    assert umpan_balik.built_of(ticket, "usulan").ask
