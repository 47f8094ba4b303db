"""Browser at 390 px, id and en: a complaint placed by tapping the map, or from a photo's GPS,
lands in the right desa; a similar open complaint is offered before sending; Usulkan reads
"Rp 150.000.000" and "150 juta"."""

from __future__ import annotations

import io
import json
import math

import pytest
from conftest import wait_idle
from PIL import Image
from playwright.sync_api import expect

from lentera.core import config, forms
from lentera.core.i18n import t
from lentera.figures import maps
from lentera.services import warga
from lentera.store import submissions
from lentera.warehouse import geo

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
ISI = "Lubang besar di jalan desa sejak bulan lalu, berbahaya bagi anak sekolah."


def choose(page, label: str, option: str) -> None:
    box = page.locator("[data-testid=stSelectbox]", has_text=label).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.locator("[role=option]", has_text=option).first.click()
    wait_idle(page)


def inner_desa(kode_kecamatan: str) -> tuple[str, float, float]:
    """The largest desa of the kecamatan and a point inside it (its label point, checked), so a
    tap a pixel or two off still lands in it."""
    doc = json.loads(config.region().path("desa_geojson").read_text(encoding="utf-8"))
    label = {f["properties"]["kode"]: (f["properties"]["lat"], f["properties"]["lng"])
             for f in doc["features"]}
    inside = [s for s in geo.shapes("desa") if s.kode.startswith(kode_kecamatan)
              and geo.desa_at(*label[s.kode]) == s.kode]
    assert inside, "no desa with an inner point"
    big = max(inside, key=lambda s: (s.bbox[2] - s.bbox[0]) * (s.bbox[3] - s.bbox[1]))
    return big.kode, *label[big.kode]


def gps_jpeg(lat: float, lng: float) -> bytes:
    def dms(x: float):
        x = abs(x)
        d = int(x)
        m = int((x - d) * 60)
        return (d, m, round((x - d - m / 60) * 3600, 4))

    exif = Image.Exif()
    exif[0x8825] = {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "W" if lng < 0 else "E",
                    4: dms(lng)}
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 60)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def fill_text(page, lang: str, judul: str = "Jalan berlubang di depan SD") -> None:
    choose(page, t("forms.label_kategori", lang=lang), forms.kategori_options()[0])
    page.get_by_label(f"{t('forms.label_judul', lang=lang)} *").fill(judul)
    page.get_by_label(f"{t('forms.label_isi', lang=lang)} *").fill(ISI)


def send(page, lang: str) -> str:
    page.get_by_role("button", name=t("lapor.submit", lang=lang)).click()
    wait_idle(page)
    again = page.get_by_role("button", name=t("lapor.send_anyway", lang=lang))
    if again.count():
        again.click()
    expect(page.get_by_text(t("lapor.sent", lang=lang))).to_be_visible(timeout=60_000)
    code = page.locator("[data-testid=stCode] code").first.inner_text().strip()
    assert page.locator("[data-testid=stException]").count() == 0
    return code


def tap(page, lat: float, lng: float, kode_kecamatan: str, nama: str) -> None:
    """Click the map where (lat, lng) is drawn (Web Mercator from the deck's own view; deck.gl
    draws the world 512 px wide at zoom 0)."""
    deck = maps.pilih_desa_deck(geo.shapes("desa"), "x", kode_prefix=kode_kecamatan)
    view = deck.initial_view_state
    canvas = page.locator("[data-testid=stDeckGlJsonChart] canvas").first
    canvas.scroll_into_view_if_needed()
    expect(canvas).to_be_visible(timeout=60_000)
    wait_idle(page)
    box = canvas.bounding_box()
    scale = 512 * 2 ** view.zoom

    def merc_y(a: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(a) / 2))

    dx = (lng - view.longitude) / 360 * scale
    dy = -(merc_y(lat) - merc_y(view.latitude)) / (2 * math.pi) * scale
    x, y = box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy
    assert box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]
    # hovering first: the tooltip names the desa once the layer is drawn and picks it there
    page.mouse.move(x, y)
    expect(page.locator(".deck-tooltip")).to_contain_text(nama, timeout=60_000)
    page.mouse.click(x, y)
    wait_idle(page)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_complaint_placed_by_tapping_the_map(own_server, open_app, lang):
    page = open_app(f"{own_server}/lapor" + ("?lang=en" if lang == "en" else ""))
    page.set_viewport_size(PHONE)
    kec = list(warga.kecamatan_labels())[1]
    choose(page, t("forms.label_kecamatan", lang=lang), warga.kecamatan_labels()[kec])
    kode, lat, lng = inner_desa(kec)
    nama = warga.desa_labels(kec)[kode]
    tap(page, lat, lng, kec, nama)
    desa_box = page.locator("[data-testid=stSelectbox]",
                            has_text=t("forms.label_desa", lang=lang)).first
    expect(desa_box.get_by_role("combobox")).to_have_value(nama, timeout=60_000)
    fill_text(page, lang)
    ticket = send(page, lang)
    view = submissions.public_view(ticket)
    assert view["kode_desa"] == kode


@pytest.mark.parametrize("lang", ["id", "en"])
def test_complaint_placed_from_the_photos_gps(own_server, open_app, tmp_path, lang):
    page = open_app(f"{own_server}/lapor" + ("?lang=en" if lang == "en" else ""))
    page.set_viewport_size(PHONE)
    kec = list(warga.kecamatan_labels())[2]
    kode, lat, lng = inner_desa(kec)
    photo = tmp_path / "lubang.jpg"
    photo.write_bytes(gps_jpeg(lat, lng))
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(photo))
    use = page.get_by_role("button", name=t("lapor.photo_gps_use", lang=lang))
    expect(use).to_be_visible(timeout=60_000)
    use.click()
    wait_idle(page)
    fill_text(page, lang)
    ticket = send(page, lang)
    view = submissions.public_view(ticket)
    assert view["kode_desa"] == kode
    # the stored photo carries no location
    names = submissions.referenced_photo_names()
    assert names
    from lentera.store import photos
    for name in names:
        assert photos.gps_of(submissions.photo_path(name).read_bytes()) is None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_similar_open_complaint_offered_before_sending(own_server, open_app, lang):
    kec = next(iter(warga.kecamatan_labels()))
    desa = next(iter(warga.desa_labels(kec)))
    first = submissions.create_pengaduan(
        {"kategori": forms.kategori_options()[0], "judul": "Perbaikan jalan desa yang rusak",
         "isi": ISI, "kode_desa": desa, "kode_kecamatan": kec}, [])
    page = open_app(f"{own_server}/lapor" + ("?lang=en" if lang == "en" else ""))
    page.set_viewport_size(PHONE)
    choose(page, t("forms.label_kecamatan", lang=lang), warga.kecamatan_labels()[kec])
    choose(page, t("forms.label_desa", lang=lang), warga.desa_labels(kec)[desa])
    fill_text(page, lang, judul="Rehab jln desa yg rusak")
    page.get_by_role("button", name=t("lapor.submit", lang=lang)).click()
    expect(page.get_by_text(t("lapor.similar_heading", lang=lang))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(first, exact=False).first).to_be_visible()
    page.get_by_role("button", name=t("lapor.support", lang=lang)).first.click()
    wait_idle(page)
    expect(page.get_by_text(t("lapor.supported", lang=lang, ticket=first, n=1))).to_be_visible(
        timeout=60_000)
    assert submissions.submission_count() == 1


@pytest.mark.parametrize(("lang", "amount"), [("id", "Rp 150.000.000"), ("en", "150 juta")])
def test_usulkan_accepts_everyday_amounts(own_server, open_app, lang, amount):
    page = open_app(f"{own_server}/usulkan" + ("?lang=en" if lang == "en" else ""))
    page.set_viewport_size(PHONE)
    kec = next(iter(warga.kecamatan_labels()))
    choose(page, t("forms.label_kecamatan", lang=lang), warga.kecamatan_labels()[kec])
    choose(page, t("forms.label_desa", lang=lang), next(iter(warga.desa_labels(kec).values())))
    page.get_by_label(f"{t('forms.label_usulan', lang=lang)} *").fill(
        "Pembangunan jembatan kayu penghubung dusun")
    page.get_by_label(f"{t('forms.label_volume', lang=lang)} *").fill("20")
    choose(page, t("forms.label_satuan", lang=lang), t("forms.satuan_meter", lang=lang))
    page.get_by_label(t("forms.label_perkiraan_biaya", lang=lang)).fill(amount)
    choose(page, t("forms.label_bidang_urusan", lang=lang), forms.bidang_options()[0])
    page.get_by_role("button", name=t("usulkan.check", lang=lang)).click()
    wait_idle(page)
    send_btn = page.get_by_role("button", name=t("usulkan.send_anyway", lang=lang))
    expect(send_btn).to_be_visible(timeout=60_000)
    assert forms.message("forms.err_biaya", lang) not in page.inner_text("[data-testid=stMain]")
    send_btn.click()
    expect(page.get_by_text(t("usulkan.sent", lang=lang))).to_be_visible(timeout=60_000)
    ticket = page.locator("[data-testid=stCode] code").first.inner_text().strip()
    assert submissions.public_view(ticket)["perkiraan_biaya"] == 150_000_000
