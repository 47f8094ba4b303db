"""Browser, id and en: a loket clerk rates KTP-el at the desk as many times as the minimum-cases
rule asks and Perizinan shows the service's IKM; at 390 px a proposal in the plan asks "Sudah
dibangun?" on Lacak, "not yet" with a reason and a photo lands on its timeline in words."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import wait_idle
from PIL import ExifTags, Image
from playwright.sync_api import expect
from test_submissions import gps_jpeg, proposal

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.services import ikm, umpan_balik, warga
from lentera.store import auth, events, submissions
from lentera.store import umpan_balik as store_loop

pytestmark = pytest.mark.browser
PW = "kata-sandi-uji-123"
SHOTS = Path("/tmp/shots_desk_built")
WAIT = 60_000
MIN_CASES = 3


@pytest.fixture
def few_cases(monkeypatch):
    """The minimum-cases rule set low in the environment the app server starts with."""
    monkeypatch.setenv("LENTERA_MIN_CASES", str(MIN_CASES))
    return MIN_CASES


def sign_in(page, base: str, username: str, lang: str) -> None:
    page.goto(f"{base}/beranda?lang={lang}")
    wait_idle(page)
    page.get_by_role("link", name=t("petugas.masuk", lang=lang)).first.click()
    wait_idle(page)
    page.get_by_label(t("petugas.username", lang=lang)).fill(username)
    page.get_by_label(t("petugas.password", lang=lang), exact=True).fill(PW)
    with page.expect_navigation():
        page.get_by_role("button", name=t("petugas.sign_in", lang=lang)).click()
    wait_idle(page)
    page.get_by_text(username).first.wait_for(timeout=WAIT)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_desk_ratings_show_in_perizinan_ikm(few_cases, own_server, browser, lang):
    SHOTS.mkdir(exist_ok=True)
    auth.add_user("loket-n", PW, "loket")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    service = "KTP Elektronik"
    label = dict(umpan_balik.desk_services(lang))[service]
    scores = [4, 3, 4][:few_cases] + [4] * max(0, few_cases - 3)
    try:
        sign_in(page, own_server, "loket-n", lang)
        page.set_viewport_size({"width": 768, "height": 1024})  # a tablet at the desk
        page.goto(f"{own_server}/loket?lang={lang}")
        wait_idle(page)
        heading = page.get_by_role("heading", name=t("petugas.nilai_judul", lang=lang))
        heading.scroll_into_view_if_needed(timeout=WAIT)
        # nothing pre-selected: saving at once names the missing service
        page.get_by_role("button", name=t("petugas.nilai_simpan", lang=lang)).click()
        expect(page.get_by_text(t("petugas.nilai_err_layanan", lang=lang))).to_be_visible(
            timeout=WAIT)
        assert store_loop.ratings() == []
        for i, n in enumerate(scores):
            page.get_by_role("combobox", name=t("petugas.nilai_layanan", lang=lang), exact=True).click()
            page.get_by_role("option", name=label, exact=True).click()
            page.get_by_text(t(f"lacak.skala_{n}", lang=lang), exact=True).click()
            if i == 0:
                heading.scroll_into_view_if_needed()
                page.screenshot(path=str(SHOTS / f"loket_nilai_{lang}.png"))
            page.get_by_role("button", name=t("petugas.nilai_simpan", lang=lang)).click()
            expect(page.get_by_text(t("petugas.nilai_tersimpan", lang=lang, layanan=label,
                                      nilai=n))).to_be_visible(timeout=WAIT)
            assert len(store_loop.ratings()) == i + 1
            # the next applicant starts from an empty form
            expect(page.get_by_role("combobox", name=t("petugas.nilai_layanan", lang=lang), exact=True)).to_have_value(
                "", timeout=WAIT)
        stored = store_loop.ratings()
        assert [(r["jenis"], r["layanan"], r["nilai"]) for r in stored] == [
            ("perizinan", service, n) for n in scores]

        page.goto(f"{own_server}/perizinan?lang={lang}")
        wait_idle(page)
        page.get_by_role("heading", name=t("ikm.title", lang=lang)).scroll_into_view_if_needed(
            timeout=WAIT)
        value = sum(scores) / len(scores) * 25  # overall question only: indicative, × 25
        line = t("ikm.line", lang=lang, nama=service,
                 nilai=fmt.number(value, decimals=2, lang=lang), mutu=ikm.mutu(value),
                 n=fmt.number(len(scores), lang=lang), indikatif=t("ikm.indikatif", lang=lang))
        expect(page.get_by_text(line)).to_be_visible(timeout=WAIT)
        page.screenshot(path=str(SHOTS / f"perizinan_ikm_{lang}.png"), full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sudah_dibangun_on_a_phone(own_server, browser, tmp_path, lang):
    SHOTS.mkdir(exist_ok=True)
    # the store's proposals never meet the APBD: the question follows the official's masuk_rkpd
    result = warga.submit_usulan(proposal(), "sesi-uji", "127.0.0.9")
    assert result.ok
    ticket = result.ticket
    auth.add_user("verif-n", PW, "verifikator")
    events.official_action(ticket, actor="verif-n", role="verifikator", action="verify",
                           to_status={"usulan": "diverifikasi_kecamatan"},
                           from_status={"usulan": ("diusulkan",)}, reason_code="lengkap")
    events.official_action(ticket, actor="admin-n", role="admin", action="usulan_rkpd",
                           to_status={"usulan": "masuk_rkpd"},
                           from_status={"usulan": ("diverifikasi_kecamatan",)},
                           reason_code="masuk_rkpd")
    photo = tmp_path / "jembatan.jpg"
    photo.write_bytes(gps_jpeg((320, 240)))
    reason = "Baru tiang pancang, papan belum dipasang"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{own_server}/lacak?tiket={ticket}&lang={lang}")
        wait_idle(page)
        question = page.get_by_role("heading", name=t("lacak.dibangun_judul", lang=lang))
        expect(question).to_be_visible(timeout=WAIT)
        question.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"lacak_dibangun_tanya_{lang}.png"))
        # "not yet" without a reason is refused in words
        page.get_by_text(t("lacak.dibangun_belum", lang=lang), exact=True).click()
        page.get_by_role("button", name=t("lacak.dibangun_kirim", lang=lang)).click()
        expect(page.get_by_text(t("lacak.err_alasan_dibangun", lang=lang))).to_be_visible(
            timeout=WAIT)
        page.get_by_label(t("lacak.dibangun_alasan", lang=lang)).fill(reason)
        page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(photo))
        expect(page.get_by_text("jembatan.jpg")).to_be_visible(timeout=WAIT)
        page.get_by_role("button", name=t("lacak.dibangun_kirim", lang=lang)).click()
        expect(page.get_by_text(t("lacak.dibangun_terima_kasih", lang=lang))).to_be_visible(
            timeout=WAIT)
        answer = store_loop.built_question(ticket)
        assert answer.jawaban == "belum" and answer.alasan == reason and answer.foto
        heading = t("lacak.dibangun_riwayat_belum", lang=lang,
                    date=fmt.datetime(warga.local_time(answer.answered_at), lang=lang))
        expect(page.get_by_text(heading)).to_be_visible(timeout=WAIT)
        expect(page.get_by_text(reason)).to_be_visible(timeout=WAIT)
        # the question is gone: one answer per ticket
        expect(page.get_by_role("button", name=t("lacak.dibangun_kirim", lang=lang))).to_have_count(0)
        img = page.locator("[data-testid=stImage] img").first
        expect(img).to_be_visible(timeout=WAIT)
        assert img.evaluate("i => i.naturalWidth") > 0
        path = submissions.photo_path(answer.foto)
        with Image.open(io.BytesIO(path.read_bytes())) as stored:
            assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert submissions.public_view(ticket)["status"] == "masuk_rkpd"
        page.get_by_text(heading).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"lacak_dibangun_jawab_{lang}.png"))
        context.close()
        wide = browser.new_context(viewport={"width": 1280, "height": 900})
        page = wide.new_page()
        page.goto(f"{own_server}/lacak?tiket={ticket}&lang={lang}")
        wait_idle(page)
        expect(page.get_by_text(reason)).to_be_visible(timeout=WAIT)
        page.get_by_text(reason).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"lacak_dibangun_1280_{lang}.png"))
        wide.close()
    finally:
        context.close()
