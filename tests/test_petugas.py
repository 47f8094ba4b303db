"""Officials' actions per role, OPD scoping, contact reveals, loket, and page access by URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lentera.core import forms
from lentera.services import petugas
from lentera.store import audit, auth, submissions

APP = Path(__file__).resolve().parent.parent / "app.py"
PW = "kata-sandi-uji-123"
PUPR = "1.03.0.00.0.00.01.0000"
DINKES = "1.02.0.00.0.00.01.0000"


def complaint(**over) -> dict:
    d = forms.desa_options()[5]
    return {"kategori": "Infrastruktur", "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": d["kode_desa"], "lat": -0.2, "lng": 109.4} | over


def session_of(username: str, role: str, skpd: str | None = None) -> dict:
    user = auth.add_user(username, PW, role, skpd)
    session: dict = {}
    auth.start_session(session, user)
    return session


@pytest.fixture
def people(store):
    return {"admin": session_of("admin1", "admin"),
            "verif": session_of("verif1", "verifikator"),
            "pupr": session_of("pupr1", "opd", PUPR),
            "dinkes": session_of("dinkes1", "opd", DINKES),
            "loket": session_of("loket1", "loket")}


def status_of(ticket: str) -> str:
    return submissions.public_view(ticket)["status"]


def test_full_flow_verify_dispose_follow_up_close(people):
    ticket = submissions.create_pengaduan(complaint(), [])
    assert ticket in petugas.queue_verifikasi(people["verif"])["nomor_tiket"].to_list()
    petugas.act(people["verif"], ticket, "verify", "lengkap")
    petugas.act(people["verif"], ticket, "dispose", "kewenangan_opd", "Ke Dinas PUPR",
                kode_skpd=PUPR)
    assert petugas.queue_opd(people["pupr"])["nomor_tiket"].to_list() == [ticket]
    assert petugas.queue_opd(people["dinkes"]).is_empty()
    petugas.act(people["pupr"], ticket, "follow_up", "survei_lokasi", "Tim survei hari Senin")
    petugas.act(people["pupr"], ticket, "close", "selesai_diperbaiki", "Lubang sudah ditambal")
    steps = [(e["to_status"], e["reason_code"]) for e in submissions.timeline(ticket)]
    assert steps == [("diterima", None), ("diverifikasi", "lengkap"),
                     ("didisposisi", "kewenangan_opd"), ("ditindaklanjuti", "survei_lokasi"),
                     ("selesai", "selesai_diperbaiki")]
    logged = audit.entries(ticket).sort("id")
    assert logged["action"].to_list() == ["verify", "dispose", "follow_up", "close"]
    assert logged["actor"].to_list() == ["verif1", "verif1", "pupr1", "pupr1"]
    assert audit.verify() == (True, None)


def test_other_office_cannot_see_or_act_even_by_replay(people):
    ticket = submissions.create_pengaduan(complaint(), [])
    petugas.act(people["verif"], ticket, "dispose", "kewenangan_opd", "PUPR", kode_skpd=PUPR)
    with pytest.raises(petugas.PetugasError):
        petugas.act(people["dinkes"], ticket, "close", "selesai_dijelaskan", "bukan urusan kami")
    with pytest.raises(petugas.PetugasError):
        petugas.detail(people["dinkes"], ticket)
    assert status_of(ticket) == "didisposisi"


@pytest.mark.parametrize(("who", "action", "reason"), [
    ("pupr", "verify", "lengkap"), ("loket", "verify", "lengkap"),
    ("loket", "reject", "spam"), ("verif", "close", "selesai_diperbaiki"),
])
def test_roles_refused_actions_of_other_pages(people, who, action, reason):
    ticket = submissions.create_pengaduan(complaint(), [])
    with pytest.raises(auth.PermissionDeniedError):
        petugas.act(people[who], ticket, action, reason, "catatan")
    assert status_of(ticket) == "diterima"


@pytest.mark.parametrize(("action", "reason", "status"), [
    ("ask_more", "lokasi_kurang_jelas", "ditunda"), ("not_ours", "wewenang_provinsi",
                                                     "bukan_wewenang"),
    ("reject", "spam", "ditolak"),
])
def test_each_verifikasi_action_and_admin_may_too(people, action, reason, status):
    for who in ("verif", "admin"):
        ticket = submissions.create_pengaduan(complaint(), [])
        petugas.act(people[who], ticket, action, reason, "catatan publik")
        assert status_of(ticket) == status
        assert submissions.timeline(ticket)[-1]["reason_code"] == reason


def test_duplicate_archives_with_the_other_ticket_in_the_note(people):
    first = submissions.create_pengaduan(complaint(), [])
    second = submissions.create_pengaduan(complaint(), [])
    with pytest.raises(petugas.PetugasError):
        petugas.act(people["verif"], second, "duplicate", "duplikat", duplicate_of=second)
    petugas.act(people["verif"], second, "duplicate", "duplikat", duplicate_of=first)
    last = submissions.timeline(second)[-1]
    assert (last["to_status"], last["reason_code"]) == ("diarsipkan", "duplikat")
    assert first in last["public_note"]


def test_bad_reason_status_and_office_are_refused(people):
    ticket = submissions.create_pengaduan(complaint(), [])
    with pytest.raises(petugas.PetugasError):
        petugas.act(people["verif"], ticket, "reject", "lengkap", "x")
    with pytest.raises(petugas.PetugasError):
        petugas.act(people["verif"], ticket, "dispose", "kewenangan_opd", "x", kode_skpd="9.9")
    petugas.act(people["verif"], ticket, "reject", "spam", "iklan")
    with pytest.raises(petugas.PetugasError):  # a closed case cannot be verified again
        petugas.act(people["verif"], ticket, "verify", "lengkap")


def test_disabled_user_is_stopped_at_the_next_action(people):
    ticket = submissions.create_pengaduan(complaint(), [])
    auth.disable_user("verif1")
    with pytest.raises(auth.PermissionDeniedError):
        petugas.act(people["verif"], ticket, "verify", "lengkap")


def test_contact_reveal_only_for_verifiers_and_always_audited(people, store_sql):
    ticket = submissions.create_pengaduan(complaint(), [], {"value": "081298765432",
                                                            "consent": True})
    with pytest.raises(auth.PermissionDeniedError):
        petugas.reveal_contact(people["pupr"], ticket, "konfirmasi_lokasi")
    with pytest.raises(petugas.PetugasError):
        petugas.reveal_contact(people["verif"], ticket, "ingin_tahu")
    shown = petugas.reveal_contact(people["verif"], ticket, "konfirmasi_lokasi")
    assert [c["kind"] for c in shown] == ["phone"]
    rows = store_sql("SELECT actor, action, reason_code, note FROM audit_log WHERE ticket = :t",
                     t=ticket)
    assert rows == [("verif1", "contact_reveal", "konfirmasi_lokasi", None)]
    assert "0812" not in str(petugas.detail(people["verif"], ticket))


def test_loket_entry_records_channel_and_gives_a_slip(people):
    import io

    from pypdf import PdfReader

    ticket = petugas.create_loket(people["loket"], complaint(), "whatsapp")
    assert submissions.public_view(ticket)["kanal"] == "whatsapp"
    letter = petugas.create_loket(people["loket"], complaint(), "surat")
    assert submissions.public_view(letter)["kanal"] == "langsung"
    with pytest.raises(petugas.PetugasError):
        petugas.create_loket(people["loket"], complaint(), "web")
    with pytest.raises(auth.PermissionDeniedError):
        petugas.create_loket(people["pupr"], complaint(), "telepon")
    text = PdfReader(io.BytesIO(petugas.slip_pdf(ticket))).pages[0].extract_text()
    assert ticket in text
    assert audit.entries(ticket)["reason_code"].to_list() == ["whatsapp"]


# --- page access by URL (AppTest switch_page) without or with the wrong role -----------------

OFFICIAL_PAGES = ("pages/verifikasi.py", "pages/tindak_lanjut.py", "pages/loket.py",
                  "pages/tinjauan.py")


ROOT = APP.parent


@pytest.mark.parametrize("page", OFFICIAL_PAGES)
def test_official_pages_are_not_routable_without_sign_in(warehouse_env, page):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


@pytest.mark.parametrize("page", OFFICIAL_PAGES)
def test_official_page_file_itself_stops_without_sign_in(warehouse_env, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning][-1] == _denied()
    assert not at.dataframe and not at.text


@pytest.mark.parametrize(("role", "skpd", "page", "allowed"), [
    ("opd", PUPR, "pages/verifikasi.py", False), ("loket", None, "pages/tindak_lanjut.py", False),
    ("loket", None, "pages/loket.py", True), ("verifikator", None, "pages/verifikasi.py", True),
    ("opd", PUPR, "pages/tindak_lanjut.py", True), ("verifikator", None, "pages/tindak_lanjut.py",
                                                    False),
    ("loket", None, "pages/tinjauan.py", False),
])
def test_pages_of_another_role_refuse_by_url(warehouse_env, role, skpd, page, allowed):
    user = auth.add_user(f"x-{role}", PW, role, skpd)
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.start_session(at.session_state, user)
    at.run()
    assert not at.exception
    if not allowed:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
        # and the page file run on its own stops at its role check
        alone = AppTest.from_file(str(ROOT / page), default_timeout=60)
        auth.start_session(alone.session_state, user)
        alone.run()
        assert [w.value for w in alone.warning][-1] == _denied()
    else:
        at.switch_page(page).run()
        assert not at.exception
        assert _denied() not in [w.value for w in at.warning]
    submissions.dispose_all()


def _denied() -> str:
    from lentera.core.i18n import t

    return t("petugas.err_denied", lang="id")


# ---------------------------------------------------------------- issue 14

def jpeg() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 140)).save(buf, "JPEG")
    return buf.getvalue()


def test_photos_only_for_officials_who_may_read_the_ticket(people):
    ticket = submissions.create_pengaduan(complaint(), [jpeg()])
    info = petugas.detail(people["verif"], ticket)
    assert len(info["photos"]) == 1 and info["kategori"] == "Infrastruktur"
    assert info["nama_desa"] and info["lat"] is not None  # the desa's centre, for the map
    name = info["photos"][0]["file_name"]
    assert petugas.photo_bytes(people["verif"], ticket, name)[:2] == b"\xff\xd8"
    for who in ("pupr", "loket"):  # not routed to PUPR yet; loket never reads cases
        with pytest.raises(petugas.PetugasError):
            petugas.photo_bytes(people[who], ticket, name)
    with pytest.raises(petugas.PetugasError):
        petugas.photo_bytes({}, ticket, name)
    petugas.act(people["verif"], ticket, "dispose", "kewenangan_opd", "Ke PUPR", kode_skpd=PUPR)
    assert petugas.photo_bytes(people["pupr"], ticket, name)[:2] == b"\xff\xd8"
    with pytest.raises(petugas.PetugasError):
        petugas.photo_bytes(people["dinkes"], ticket, name)
    other = submissions.create_pengaduan(complaint(), [jpeg()])
    theirs = petugas.detail(people["verif"], other)["photos"][0]["file_name"]
    with pytest.raises(petugas.PetugasError):  # another ticket's photo under this ticket
        petugas.photo_bytes(people["pupr"], ticket, theirs)
    assert petugas.detail(people["pupr"], ticket)["nama_skpd"].endswith("(Dinas PUPR)")
    assert petugas.detail(people["pupr"], ticket)["penanggung_jawab"] == ["pupr1"]


def test_default_office_from_the_file_then_the_admin_audited(people):
    import csv

    from lentera.core import config

    with config.region().path("kategori_pengaduan").open(encoding="utf-8") as fh:
        file = {r["kategori"]: r["kode_skpd_default"] or None for r in csv.DictReader(fh)}
    assert set(file) == set(forms.kategori_options())
    assert all(v is None or v in forms.skpd_codes() for v in file.values())
    assert petugas.suggested_office("Infrastruktur") == file["Infrastruktur"]
    ticket = submissions.create_pengaduan(complaint(), [])
    assert petugas.detail(people["verif"], ticket)["kode_skpd_saran"] == file["Infrastruktur"]
    with pytest.raises(auth.PermissionDeniedError):
        petugas.set_default_office(people["verif"], "Infrastruktur", DINKES)
    with pytest.raises(petugas.PetugasError):
        petugas.set_default_office(people["admin"], "Infrastruktur", "9.99")
    petugas.set_default_office(people["admin"], "Infrastruktur", DINKES)
    assert petugas.suggested_office("Infrastruktur") == DINKES
    row = petugas.default_offices().filter(kategori="Infrastruktur").row(0, named=True)
    assert row["kode_skpd_berkas"] == file["Infrastruktur"] and row["diubah_oleh"] == "admin1"
    petugas.set_default_office(people["admin"], "Infrastruktur", None)
    assert petugas.suggested_office("Infrastruktur") == file["Infrastruktur"]
    notes = audit.entries().filter(action="kategori_skpd")["note"].to_list()
    assert len(notes) == 2 and all("Infrastruktur" in n for n in notes)


def test_bulk_route_with_suggested_offices_and_reject_with_one_reason(people):
    a = submissions.create_pengaduan(complaint(), [])
    b = submissions.create_pengaduan(complaint(kategori="Kesehatan"), [])
    c = submissions.create_pengaduan(complaint(kategori="Lainnya"), [])  # no default office
    done = petugas.act_many(people["verif"], [a, b, c], "dispose", "kewenangan_opd", "Diteruskan")
    assert done == {a: None, b: None, c: "errors.petugas_office"}
    assert submissions.public_view(a)["kode_skpd"] == petugas.suggested_office("Infrastruktur")
    assert submissions.public_view(b)["kode_skpd"] == petugas.suggested_office("Kesehatan")
    d = submissions.create_pengaduan(complaint(), [])
    # a already routed: refused, the others still done
    done = petugas.act_many(people["verif"], [a, c, d], "reject", "spam", "Iklan")
    assert done == {a: "errors.petugas_status", c: None, d: None}
    assert {status_of(c), status_of(d)} == {"ditolak"}
    with pytest.raises(auth.PermissionDeniedError):
        petugas.act_many(people["pupr"], [d], "reject", "spam", "x")
    with pytest.raises(petugas.PetugasError):
        petugas.act_many(people["verif"], [d], "close", "selesai_diperbaiki", "x")


def test_admin_manages_accounts_every_change_audited(people):
    with pytest.raises(auth.PermissionDeniedError):
        petugas.add_account(people["verif"], "baru1", PW, "loket")
    petugas.add_account(people["admin"], "baru1", PW, "loket")
    petugas.change_account(people["admin"], "baru1", "role", role="opd", kode_skpd=DINKES)
    assert auth.lookup("baru1").kode_skpd == DINKES
    petugas.change_account(people["admin"], "baru1", "disable")
    assert auth.lookup("baru1") is None
    petugas.change_account(people["admin"], "baru1", "reset", password=PW + "x")
    assert auth.lookup("baru1") is not None
    with pytest.raises(auth.AuthError):
        petugas.change_account(people["admin"], "admin1", "disable")
    listed = petugas.accounts(people["admin"])
    assert "password_hash" not in listed.columns and "baru1" in listed["username"].to_list()
    log = audit.entries().filter(actor="admin1")
    assert {"user_add", "user_role", "user_disable", "user_reset"} <= set(log["action"])


def test_loket_slip_has_target_date_address_and_qr(people):
    from io import BytesIO

    from pypdf import PdfReader

    ticket = petugas.create_loket(people["loket"], complaint(), "telepon")
    slip = petugas.slip(ticket, base="https://lentera.example.go.id")
    assert slip["url"] == f"https://lentera.example.go.id/lacak?tiket={ticket}"
    page = PdfReader(BytesIO(petugas.slip_pdf(ticket, base="https://lentera.example.go.id"))
                     ).pages[0]
    text = page.extract_text()
    assert ticket in text and "Telepon" in text and "langsung" not in text
    assert "lacak?tiket=" in text and len(page.images) == 1
