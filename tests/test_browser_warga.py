"""Browser: a citizen files a complaint with a photo, copies the ticket, and tracks it on Lacak."""

from __future__ import annotations

import io
import re

import pytest
from conftest import send_report, wait_idle
from PIL import Image

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import warga

pytestmark = pytest.mark.browser

TICKET = re.compile(r"^LTR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label` (type to filter, then click)."""
    box = page.locator("[data-testid=stSelectbox]", has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.locator("[role=option]", has_text=option).first.click()
    wait_idle(page)


def photo_file(tmp_path) -> str:
    path = tmp_path / "jalan.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 90, 30)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_file_complaint_with_photo_then_track(streamlit_server, open_app, tmp_path, lang):
    query = "?lang=en" if lang == "en" else ""
    page = open_app(f"{streamlit_server}/lapor{query}")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=streamlit_server)
    kec_code = next(iter(warga.kecamatan_labels()))
    kecamatan = warga.kecamatan_labels()[kec_code]
    desa = next(iter(warga.desa_labels(kec_code).values()))
    kategori = forms.kategori_options()[0]

    choose(page, t("forms.label_kecamatan", lang=lang), kecamatan)
    choose(page, t("forms.label_kategori", lang=lang), kategori)
    page.get_by_label(f"{t('forms.label_judul', lang=lang)} *").fill("Jalan berlubang <b>besar</b>")
    page.get_by_label(f"{t('forms.label_isi', lang=lang)} *").fill(
        "Lubang besar di jalan desa sejak bulan lalu, berbahaya bagi anak sekolah.")
    choose(page, t("forms.label_desa", lang=lang), desa)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(photo_file(tmp_path))
    page.get_by_text("jalan.jpg").first.wait_for()
    wait_idle(page)
    send_report(page, lang)
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0

    # Copy the number with the code block's copy button, as a citizen would.
    code = page.locator("[data-testid=stCode]").first
    shown = code.locator("code").inner_text().strip()
    assert TICKET.match(shown), shown
    code.hover()
    code.locator("button").first.click()
    copied = page.evaluate("navigator.clipboard.readText()").strip()
    assert copied == shown

    page.get_by_role("link", name=t("lapor.track_link", lang=lang)).click()
    page.wait_for_function(
        "t => document.querySelector('h1') && document.querySelector('h1').innerText.trim() === t",
        arg=t("pages.lacak", lang=lang))
    wait_idle(page)
    assert f"tiket={copied}" in page.url
    body = page.locator("[data-testid=stMain]").inner_text()
    assert copied in body
    assert t("lacak.timeline", lang=lang) in body
    assert t("lacak.status_diterima", lang=lang) in body
    assert t("lacak.target_label", lang=lang,
             days=forms.kategori_target_hari_kerja(kategori)) in body
    # the citizen's markup shows literally, and the photo is there
    assert "Jalan berlubang <b>besar</b>" in body
    assert page.locator("[data-testid=stImage] img").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0


def test_lacak_link_with_unknown_ticket_says_not_found(streamlit_server, open_app):
    page = open_app(f"{streamlit_server}/lacak?tiket=LTR-0000-0000&lang=en")
    assert forms.message("forms.err_not_found", "en") in page.inner_text("[data-testid=stMain]")
