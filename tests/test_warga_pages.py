"""AppTest of Lapor, Usulkan and Lacak against the real submissions store (SQLite in tmp_path)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import warga
from lentera.store import ratelimit, submissions
from lentera.warehouse import pengaduan

APP = Path(__file__).resolve().parent.parent / "app.py"
ISI = "Lubang besar di jalan desa sejak bulan lalu, berbahaya bagi anak sekolah."
XSS = "<script>alert('x')</script> Jalan rusak"


@pytest.fixture(autouse=True)
def _store(warehouse_env):
    """Each test gets its own store (warehouse_env points it at tmp_path); no pooled leftovers."""
    submissions.dispose_all()
    yield
    submissions.dispose_all()


def open_page(page: str, lang: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def jpeg(width: int = 64, height: int = 48) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


def a_desa() -> tuple[str, str]:
    kec = next(iter(warga.kecamatan_labels()))
    return kec, next(iter(warga.desa_labels(kec)))


def fill_lapor(at: AppTest, **over) -> AppTest:
    """Fill a valid complaint (fields overridable), kecamatan first as a citizen would."""
    kec, desa = a_desa()
    values = {"kategori": forms.kategori_options()[0], "judul": "Jalan berlubang di depan SD",
              "isi": ISI, "kode_desa": desa} | over
    at.selectbox(key="lapor_kode_kecamatan").set_value(kec).run()
    at.selectbox(key="lapor_kategori").set_value(values["kategori"])
    at.text_input(key="lapor_judul").set_value(values["judul"])
    at.text_area(key="lapor_isi").set_value(values["isi"])
    at.selectbox(key="lapor_kode_desa").set_value(values["kode_desa"])
    for key in ("lat", "lng", "kontak", forms.HONEYPOT_FIELD):
        if key in over:
            at.text_input(key=f"lapor_{key}").set_value(over[key])
    if "setuju" in over:
        at.checkbox(key="lapor_setuju").set_value(over["setuju"])
    if "rahasia" in over:
        at.checkbox(key="lapor_rahasia").set_value(over["rahasia"])
    if "foto" in over:
        at.file_uploader(key="lapor_foto").set_value(over["foto"])
    return at


def submit(at: AppTest) -> AppTest:
    """Send the form; when open complaints like it are offered first, send it all the same."""
    at.button(key="lapor_submit").click().run()
    assert not at.exception, at.exception
    if any(b.key == "lapor_send" for b in at.button):
        at.button(key="lapor_send").click().run()
        assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


WIDGETS = {"text_input", "text_area", "selectbox", "file_uploader", "checkbox", "button"}


def flat(node) -> list:
    """Every element under `node` in page order."""
    out = []
    for child in getattr(node, "children", {}).values():
        out.append(child)
        out.extend(flat(child))
    return out


def error_after(at: AppTest, widget_key: str) -> str | None:
    """The st.error shown right after the widget, before the next widget (None if there is none)."""
    nodes = flat(at.main)
    index = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == widget_key)
    for node in nodes[index + 1:]:
        if node.type == "error":
            return node.value
        if node.type in WIDGETS:
            return None
    return None


# --- Lapor -------------------------------------------------------------------------------------

CASES = [
    ("judul", {"judul": "pendek"}, "forms.err_judul_length", "lapor_judul"),
    ("isi", {"isi": "terlalu singkat"}, "forms.err_isi_length", "lapor_isi"),
    ("lat", {"lat": "-0,1"}, "forms.err_point_incomplete", "lapor_lng"),
    ("lat", {"lat": "10", "lng": "100"}, "forms.err_point_outside", "lapor_lng"),
    ("contact", {"kontak": "bukan kontak"}, "forms.err_contact_invalid", "lapor_setuju"),
    ("contact", {"kontak": "0812 3456 7890"}, "forms.err_consent_required", "lapor_setuju"),
    ("photos", {"foto": ("foto.jpg", b"%PDF-1.4 not an image", "image/jpeg")},
     "forms.photo_not_image", "lapor_foto"),
]


@pytest.mark.parametrize(("field", "over", "key", "widget"), CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_lapor_field_error_beside_field_and_content_kept(field, over, key, widget):
    at = submit(fill_lapor(open_page("pages/lapor.py"), **over))
    expected = forms.message(key)
    assert any(expected in e for e in errors(at)), errors(at)
    assert t("lapor.check_fields") in errors(at)
    # the message sits right under its field (the last widget of the field's group)
    shown = error_after(at, widget)
    assert shown is not None and expected in shown
    # what the citizen typed is still there, and nothing was stored
    assert at.text_area(key="lapor_isi").value == over.get("isi", ISI)
    assert at.selectbox(key="lapor_kategori").value == forms.kategori_options()[0]
    assert submissions.submission_count() == 0


def test_lapor_required_fields_each_get_a_message():
    at = submit(open_page("pages/lapor.py"))
    required = forms.message("forms.err_required")
    for widget in ("lapor_kategori", "lapor_judul", "lapor_isi", "lapor_kode_desa"):
        assert error_after(at, widget) == required, widget
    assert submissions.submission_count() == 0


def test_lapor_valid_submission_stores_one_row_and_shows_ticket():
    pengaduan.live_frame(max_age=0)
    before = pengaduan.ringkasan()["jumlah"]
    later_before = pengaduan.live_stamp()["sesudah"]
    at = submit(fill_lapor(open_page("pages/lapor.py"), judul=XSS,
                           foto=("jalan.jpg", jpeg(), "image/jpeg")))
    assert not errors(at)
    stored = submissions.tickets("pengaduan")
    assert len(stored) == 1
    ticket = stored[0]
    assert at.header[0].value == ticket
    assert ticket in [c.value for c in at.code]
    assert any(f"tiket={ticket}" in c.value for c in at.code)
    view = submissions.public_view(ticket)
    assert view["judul"] == XSS  # stored as typed text
    assert len(view["photos"]) == 1
    target = forms.kategori_target_hari_kerja(forms.kategori_options()[0])
    assert any(f"{target} hari kerja" in m.value for m in at.markdown)
    # one rule for live reports (Tentang): a "per <data date>" figure counts reports filed up to
    # that date; this one, filed after the fixture's date, is counted as "filed later" without any
    # ETL run (the page re-reads live rows <= 30 s) and changes no per-date figure
    pengaduan.live_frame(max_age=0)
    assert pengaduan.ringkasan()["jumlah"] == before
    assert pengaduan.live_stamp()["sesudah"] == later_before + 1
    # "start again" clears the form
    at.button(key="lapor_new").click().run()
    assert at.text_area(key="lapor_isi").value == ""


def test_lapor_honeypot_filled_stores_nothing():
    at = submit(fill_lapor(open_page("pages/lapor.py"), **{forms.HONEYPOT_FIELD: "http://x"}))
    assert forms.message("forms.err_honeypot") in errors(at)
    assert submissions.submission_count() == 0


def test_lapor_rate_limit_message_after_the_limit(monkeypatch):
    monkeypatch.setattr(ratelimit, "LIMIT", 2)
    at = open_page("pages/lapor.py")
    for _ in range(2):
        submit(fill_lapor(at))
        assert at.session_state["lapor_ticket"]
        at.button(key="lapor_new").click().run()
    submit(fill_lapor(at))
    assert submissions.submission_count() == 2
    message = [e for e in errors(at) if e.startswith(t("forms.rate_limited", minutes=0)[:20])]
    assert message, errors(at)
    assert t("forms.rate_limited", minutes=ratelimit.WINDOW_SECONDS // 60) in message


def test_lapor_in_english():
    at = submit(open_page("pages/lapor.py", "en"))
    assert forms.message("forms.err_required", "en") in errors(at)
    assert t("lapor.check_fields", lang="en") in errors(at)


# --- Lacak -------------------------------------------------------------------------------------

def stored_pengaduan(**over) -> str:
    kec, desa = a_desa()
    data = {"kategori": forms.kategori_options()[0], "judul": XSS, "isi": ISI,
            "kode_desa": desa, "kode_kecamatan": kec} | over
    return submissions.create_pengaduan(data, [])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_lacak_from_link_shows_status_target_and_timeline(lang):
    ticket = stored_pengaduan()
    submissions.append_event(ticket, "diverifikasi", "petugas1", "verifikator",
                             public_note="Sudah dicek <b>lapangan</b>")
    at = open_page("pages/lacak.py", lang, tiket=ticket.lower().replace("-", " "))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("lacak.status", lang=lang)] == t("lacak.status_diverifikasi", lang=lang)
    assert t("lacak.target_label", lang=lang, days=forms.kategori_target_hari_kerja(
        forms.kategori_options()[0])) in metrics
    texts = [x.value for x in at.text]
    assert XSS in texts and "Sudah dicek <b>lapangan</b>" in texts
    # two events, oldest first
    items = [m.value for m in at.markdown if " — " in m.value]
    assert items[0].endswith(t("lacak.status_diterima", lang=lang))
    assert items[1].endswith(t("lacak.status_diverifikasi", lang=lang))
    assert at.query_params["tiket"] == ticket


def test_lacak_confidential_hides_text():
    ticket = stored_pengaduan(rahasia=True)
    at = open_page("pages/lacak.py", tiket=ticket)
    assert t("lacak.rahasia") in [i.value for i in at.info]
    assert XSS not in [x.value for x in at.text]


@pytest.mark.parametrize(("typed", "key"), [("LTR-0000-0000", "forms.err_not_found"),
                                            ("USL-ZZZZ-ZZZZ", "forms.err_not_found"),
                                            ("hello", "forms.err_ticket_invalid"),
                                            ("<script>", "forms.err_ticket_invalid")])
def test_lacak_unknown_or_malformed_gets_plain_message(typed, key):
    stored_pengaduan()
    at = open_page("pages/lacak.py")
    at.text_input(key="lacak_tiket").set_value(typed)
    at.button[0].click().run()
    assert not at.exception
    assert [w.value for w in at.warning if w.value == forms.message(key)]
    assert not at.metric


@given(st.text(max_size=80))
def test_lookup_never_fails_on_any_text(text):
    state, view, events = warga.lookup(text)
    assert state in ("empty", "malformed", "unknown", "found")
    assert (view is None) == (state != "found")


# --- Usulkan -----------------------------------------------------------------------------------

def fill_usulan(at: AppTest, text: str, **over) -> AppTest:
    kec, desa = a_desa()
    at.selectbox(key="usulkan_kode_kecamatan").set_value(kec).run()
    at.text_input(key="usulkan_usulan").set_value(text)
    at.selectbox(key="usulkan_kode_desa").set_value(over.get("kode_desa", desa))
    at.text_input(key="usulkan_volume").set_value(over.get("volume", "500"))
    at.selectbox(key="usulkan_satuan").set_value("meter")
    at.selectbox(key="usulkan_bidang_urusan").set_value(forms.bidang_options()[0])
    if "biaya" in over:
        at.text_input(key="usulkan_perkiraan_biaya").set_value(over["biaya"])
    return at


def check(at: AppTest) -> AppTest:
    at.button(key="usulkan_check").click().run()
    assert not at.exception, at.exception
    return at


def test_usulkan_errors_beside_fields_and_nothing_stored():
    at = check(fill_usulan(open_page("pages/usulkan.py"), "jalan", volume="nol", biaya="-5"))
    assert error_after(at, "usulkan_usulan") == forms.message("forms.err_usulan_length")
    assert error_after(at, "usulkan_volume") == forms.message("forms.err_volume")
    assert error_after(at, "usulkan_perkiraan_biaya") == forms.message("forms.err_biaya")
    assert at.text_input(key="usulkan_volume").value == "nol"
    assert submissions.submission_count() == 0


def test_usulkan_offers_similar_citizen_proposal_and_support_counts():
    kec, desa = a_desa()
    text = "Pembangunan jalan rabat beton dusun melati"
    lat, lng = warga.desa_centre(desa)
    first = submissions.create_usulan({"usulan": text, "kode_desa": desa, "volume": 300,
                                       "satuan": "meter", "bidang_urusan":
                                       forms.bidang_options()[0], "lat": lat, "lng": lng}, [])
    at = check(fill_usulan(open_page("pages/usulkan.py"), text))
    similar = at.session_state["usulkan_similar"]
    assert [s["id_usulan"] for s in similar if s["warga"]] == [first]
    at.button(key="usulkan_support_" + str(
        next(i for i, s in enumerate(similar) if s["id_usulan"] == first))).click().run()
    assert not at.exception
    assert submissions.public_view(first)["support_count"] == 1
    assert submissions.submission_count("usulan") == 1  # supported, not duplicated
    assert any(first in s.value for s in at.success)


def test_usulkan_send_stores_one_proposal():
    at = check(fill_usulan(open_page("pages/usulkan.py"), "Pengadaan lampu jalan tenaga surya",
                           biaya="150.000.000"))
    assert at.session_state["usulkan_similar"] is not None
    at.button(key="usulkan_send").click().run()
    assert not at.exception
    stored = submissions.tickets("usulan")
    assert len(stored) == 1
    assert at.header[0].value == stored[0]
    assert submissions.public_view(stored[0])["perkiraan_biaya"] == 150_000_000


def test_similar_proposals_without_point_uses_desa_centre():
    _, desa = a_desa()
    frame = warga.similar_proposals("jalan", desa)
    assert frame.columns == list(warga.SIMILAR_SCHEMA)
    assert warga.similar_proposals("jalan", None).is_empty()


# --- helpers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("http://host:8501/lapor?lang=en", "http://host:8501/lacak?tiket=LTR-AAAA-BBBB"),
    ("https://x.go.id/lentera/lapor", "https://x.go.id/lentera/lacak?tiket=LTR-AAAA-BBBB"),
    (None, "/lacak?tiket=LTR-AAAA-BBBB"),
])
def test_tracking_url(url, expected):
    assert warga.tracking_url(url, "LTR-AAAA-BBBB") == expected


def test_address_trusts_forwarded_only_behind_a_proxy():
    headers = {"X-Forwarded-For": "6.6.6.6, 10.0.0.9"}
    assert warga.address_from("10.0.0.1", headers, trust_proxy=False) == "10.0.0.1"
    assert warga.address_from("10.0.0.1", headers, trust_proxy=True) == "10.0.0.9"
    assert warga.address_from(None, {}, trust_proxy=True) is None


def error_before(at: AppTest, widget_key: str) -> str | None:
    """The st.error shown right before the widget, after the previous widget (None if none)."""
    nodes = flat(at.main)
    index = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) == widget_key)
    for node in reversed(nodes[:index]):
        if node.type == "error":
            return node.value
        if node.type in WIDGETS:
            return None
    return None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_send_button_names_what_still_stops_it(lang):
    at = submit(fill_lapor(open_page("pages/lapor.py", lang), judul="", isi=""))
    names = ", ".join(t(k, lang=lang) for k in ("forms.label_judul", "forms.label_isi"))
    assert error_before(at, "lapor_submit") == t("forms.fields_to_fix", lang=lang, fields=names)
    # one fixed and sent again: the reminder names only the other
    at.text_input(key="lapor_judul").set_value("Jalan berlubang di depan SD")
    at = submit(at)
    assert error_before(at, "lapor_submit") == t(
        "forms.fields_to_fix", lang=lang, fields=t("forms.label_isi", lang=lang))
    at = check(fill_usulan(open_page("pages/usulkan.py", lang), "", volume="0"))
    reminder = error_before(at, "usulkan_check")
    assert reminder is not None
    assert t("forms.label_usulan", lang=lang) in reminder
    assert t("forms.label_volume", lang=lang) in reminder
