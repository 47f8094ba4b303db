"""Browser: a verifier sees the citizen's photo and routes with the suggested office, the
office sees the photo and closes the case, Lacak shows every step; a loket slip carries the QR
code, the Lacak address and the target date."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit, wait_idle
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import petugas, sla
from lentera.store import auth, submissions

pytestmark = pytest.mark.browser

PW = "kata-sandi-uji-123"
SHOTS = Path("/tmp/shots_issue14")
WAIT = 60_000


def photo() -> bytes:
    """A small drawn JPEG (no people, no place): a grey road with a dark hole."""
    im = Image.new("RGB", (480, 320), (150, 150, 150))
    ImageDraw.Draw(im).ellipse((180, 120, 300, 200), fill=(40, 30, 20))
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def server(fixture_warehouse, chromium_path, tmp_path, monkeypatch):
    """Our own server, so this test creates its accounts in the store the server uses."""
    env = fixture_environ(fixture_warehouse.db, tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    proc = start_streamlit(env, free_port())
    try:
        yield proc.args[proc.args.index("--server.port") + 1]
    finally:
        stop_streamlit(proc)
        submissions.dispose_all()


def sign_in(page, username: str) -> None:
    page.get_by_role("link", name=t("petugas.masuk")).first.click()
    wait_idle(page)
    page.get_by_label(t("petugas.username")).fill(username)
    page.get_by_label(t("petugas.password"), exact=True).fill(PW)
    # the form posts to /petugas/masuk, which sets the session cookie and sends the browser back
    with page.expect_navigation():
        page.get_by_role("button", name=t("petugas.sign_in")).click()
    wait_idle(page)
    page.get_by_text(username).first.wait_for()


def sign_out(page) -> None:
    page.get_by_role("link", name=t("petugas.masuk")).first.click()
    wait_idle(page)
    with page.expect_navigation():
        page.get_by_role("button", name=t("petugas.sign_out")).click()
    wait_idle(page)


def test_verifier_disposes_office_closes_public_timeline_updates(server, page):
    office = petugas.suggested_office("Infrastruktur")  # the dispose list's pre-selected entry
    assert office is not None
    auth.add_user("verif-b", PW, "verifikator")
    auth.add_user("opd-b", PW, "opd", office)
    d = forms.desa_options()[2]
    ticket = submissions.create_pengaduan(
        {"kategori": "Infrastruktur", "judul": "Jembatan kayu rusak di dusun",
         "isi": "Papan jembatan kayu patah, anak sekolah harus memutar jauh setiap hari.",
         "kode_desa": d["kode_desa"]}, [photo()])
    base = f"http://127.0.0.1:{server}"
    page.goto(f"{base}/beranda")
    wait_idle(page)
    # not signed in: no officials' pages in the menu, and their URL does not open them (waited
    # for: before app.py's navigation arrives, Streamlit's first paint lists the pages/ folder)
    expect(page.get_by_role("link", name=t("pages.verifikasi"))).to_have_count(0, timeout=WAIT)

    sign_in(page, "verif-b")
    page.get_by_role("link", name=t("pages.verifikasi")).first.click()
    wait_idle(page)
    # the ticket's own heading (the queue table is a canvas grid whose cells are hidden text)
    page.get_by_role("heading", name=ticket).first.wait_for()
    # the citizen's photo, its category and place, shown to the verifier
    expect(page.locator("[data-testid=stImage] img").first).to_be_visible(timeout=WAIT)
    # the case detail's place (the queue grid above holds the same name in hidden cells)
    expect(page.get_by_text(d["nama_desa"]).filter(visible=True).first).to_be_visible(timeout=WAIT)
    page.get_by_text(t("petugas.act_dispose"), exact=True).click()
    wait_idle(page)
    names = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}
    expect(page.get_by_text(t("petugas.suggested", opd=names[office]))).to_be_visible(timeout=WAIT)
    page.screenshot(path=str(SHOTS / "verifikasi_1280_id.png"), full_page=True)
    page.get_by_label(t("petugas.note")).fill("Diteruskan ke dinas terkait")
    page.get_by_role("button", name=t("petugas.submit")).click()
    wait_idle(page)
    assert submissions.public_view(ticket)["status"] == "didisposisi"
    assert submissions.public_view(ticket)["kode_skpd"] == office  # the suggested office
    sign_out(page)
    expect(page.get_by_role("link", name=t("pages.verifikasi"))).to_have_count(0, timeout=WAIT)

    sign_in(page, "opd-b")
    expect(page.get_by_role("link", name=t("pages.verifikasi"))).to_have_count(0, timeout=WAIT)
    page.get_by_role("link", name=t("pages.tindak_lanjut")).first.click()
    wait_idle(page)
    # the ticket's own heading (the queue table is a canvas grid whose cells are hidden text)
    page.get_by_role("heading", name=ticket).first.wait_for()
    expect(page.locator("[data-testid=stImage] img").first).to_be_visible(timeout=WAIT)
    # full size on click, in a dialog
    page.get_by_role("button", name=t("petugas.case_photo_full")).first.click()
    expect(page.locator("[role=dialog] [data-testid=stImage] img")).to_be_visible(timeout=WAIT)
    page.screenshot(path=str(SHOTS / "tindak_lanjut_photo_1280_id.png"))
    page.keyboard.press("Escape")
    expect(page.locator("[role=dialog]")).to_have_count(0, timeout=WAIT)
    page.get_by_text(t("petugas.act_close"), exact=True).click()
    wait_idle(page)
    page.get_by_label(t("petugas.note")).fill("Jembatan sudah diperbaiki dengan papan baru")
    page.get_by_role("button", name=t("petugas.submit")).click()
    wait_idle(page)
    assert submissions.public_view(ticket)["status"] == "selesai"

    page.goto(f"{base}/lacak?tiket={ticket}")
    wait_idle(page)
    page.get_by_text(t("lacak.status_selesai")).first.wait_for()
    assert page.get_by_text("Jembatan sudah diperbaiki dengan papan baru").count() >= 1
    page.screenshot(path="/tmp/petugas/lacak_after.png", full_page=True)


def test_loket_slip_has_qr_address_and_target_date(server, page):
    auth.add_user("loket-b", PW, "loket")
    base = f"http://127.0.0.1:{server}"
    page.goto(f"{base}/beranda")
    wait_idle(page)
    sign_in(page, "loket-b")
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet at the desk
    page.goto(f"{base}/loket")
    wait_idle(page)
    # nothing pre-selected: an empty submit names every missing field
    page.get_by_role("button", name=t("petugas.loket_submit")).click()
    wait_idle(page)
    box = page.locator("[data-testid=stAlert]").filter(has_text=t("petugas.loket_errors"))
    expect(box).to_be_visible(timeout=WAIT)
    for label in ("petugas.loket_kanal", "petugas.loket_kecamatan", "petugas.col_kategori",
                  "petugas.loket_judul", "petugas.loket_isi"):
        expect(box).to_contain_text(t(label))
    assert submissions.submission_count("pengaduan") == 0
    page.screenshot(path=str(SHOTS / "loket_errors_768_id.png"), full_page=True)

    kec = forms.kecamatan_options()[1]
    desa = forms.desa_options(kec["kode_kecamatan"])[0]
    page.get_by_text(t("petugas.k_telepon"), exact=True).click()
    wait_idle(page)
    page.get_by_label(t("petugas.loket_kecamatan")).click()
    page.get_by_role("option", name=kec["nama_kecamatan"], exact=True).click()
    wait_idle(page)
    page.get_by_label(t("petugas.loket_desa")).click()
    page.get_by_role("option", name=desa["nama_desa"], exact=True).click()
    page.get_by_label(t("petugas.col_kategori")).click()
    page.get_by_role("option", name="Infrastruktur", exact=True).click()
    page.get_by_label(t("petugas.loket_judul")).fill("Lampu jalan padam di simpang")
    page.get_by_label(t("petugas.loket_isi")).fill(
        "Lampu jalan di simpang tiga padam sejak seminggu, rawan kecelakaan malam hari.")
    page.get_by_role("button", name=t("petugas.loket_submit")).click()
    wait_idle(page)
    ticket = submissions.tickets("pengaduan")[-1]
    expect(page.get_by_text(ticket).first).to_be_visible(timeout=WAIT)
    view = sla.public_view(ticket)
    assert view["kanal"] == "telepon" and view["kode_desa"] == desa["kode_desa"]
    target = t("petugas.slip_target_value", tanggal=fmt.date(view["target_date"]),
               n=fmt.number(view["target_hari_kerja"]))
    expect(page.get_by_text(target)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(f"/lacak?tiket={ticket}").first).to_be_visible(timeout=WAIT)
    qr = page.locator("[data-testid=stImage] img").first
    expect(qr).to_be_visible(timeout=WAIT)
    assert qr.evaluate("i => i.naturalWidth") > 100
    page.screenshot(path=str(SHOTS / "loket_slip_768_id.png"), full_page=True)
    # the next reporter starts from an empty form
    expect(page.get_by_label(t("petugas.loket_judul"))).to_have_value("", timeout=WAIT)
    with page.expect_download() as dl:
        page.get_by_role("button", name=t("petugas.slip_download")).click()
    pdf = Path(dl.value.path()).read_bytes()
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert ticket in text and fmt.date(view["target_date"]) in text
    assert t("petugas.k_telepon") in text and "langsung" not in text
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the QR code
