"""Form validation: every field of Lapor and Usulkan, with messages in both languages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lentera.core import config, forms
from lentera.core.i18n import has, t

FORMS_SRC = Path(forms.__file__).read_text(encoding="utf-8")
PHOTOS_SRC = (Path(forms.__file__).parents[1] / "store" / "photos.py").read_text(encoding="utf-8")
LOCALE = tomllib.loads((Path(forms.__file__).parents[1] / "locales" / "forms.toml")
                       .read_text(encoding="utf-8"))


def desa():
    return forms.desa_options()[0]


def pengaduan(**over) -> dict:
    d = desa()
    base = {"kategori": forms.kategori_options()[0], "judul": "Jalan berlubang di depan sekolah",
            "isi": "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi.",
            "kode_desa": d["kode_desa"], "kode_kecamatan": d["kode_kecamatan"]}
    base.update(over)
    return base


def usulan(**over) -> dict:
    base = {"usulan": "Pembangunan jembatan kayu penghubung dusun",
            "permasalahan": "Warga harus memutar 5 km saat air pasang.",
            "kode_desa": desa()["kode_desa"], "volume": 25, "satuan": "meter",
            "perkiraan_biaya": 350_000_000, "bidang_urusan": forms.bidang_options()[0]}
    base.update(over)
    return base


def test_valid_forms_have_no_errors():
    assert forms.validate_pengaduan(pengaduan()) == {}
    assert forms.validate_usulan(usulan()) == {}


def test_reference_lists_come_from_the_region():
    assert "Infrastruktur" in forms.kategori_options()
    assert len(forms.desa_options()) == 123
    assert len(forms.kecamatan_options()) == 9
    assert {d["kode_kecamatan"] for d in forms.desa_options("61.12.05")} == {"61.12.05"}
    assert forms.kategori_target_hari_kerja("Dana Desa") == 60
    assert forms.kategori_target_hari_kerja("tidak ada") is None
    bidang = forms.bidang_options()
    assert "Pendidikan" in bidang and "Sekretariat Daerah" not in bidang


@pytest.mark.parametrize(("field", "value", "key"), [
    ("kategori", None, "forms.err_required"),
    ("kategori", "Bukan Kategori", "forms.err_kategori"),
    ("judul", "", "forms.err_required"),
    ("judul", "   ", "forms.err_required"),
    ("judul", "x" * 9, "forms.err_judul_length"),
    ("judul", "x" * 151, "forms.err_judul_length"),
    ("isi", None, "forms.err_required"),
    ("isi", "x" * 29, "forms.err_isi_length"),
    ("isi", "x" * 4001, "forms.err_isi_length"),
    ("kode_desa", None, "forms.err_required"),
    ("kode_desa", "61.12.99.2001", "forms.err_desa"),
    ("kode_desa", "61.71.01.1001", "forms.err_desa"),  # a real code of another region
    ("kode_kecamatan", "61.12.09", "forms.err_kecamatan_mismatch"),
    ("kanal", "merpati", "forms.err_kanal"),
    ("klasifikasi", "gosip", "forms.err_klasifikasi"),
    ("kode_skpd", "9.99.0.00.0.00.01.0000", "forms.err_skpd"),
    (forms.HONEYPOT_FIELD, "http://spam.example", "forms.err_honeypot"),
])
def test_pengaduan_field_errors(field, value, key):
    errors = forms.validate_pengaduan(pengaduan(**{field: value}))
    assert errors == {field: key}


@pytest.mark.parametrize(("field", "value"), [
    ("judul", "x" * 10), ("judul", "x" * 150), ("isi", "x" * 30), ("isi", "x" * 4000),
    ("kanal", "whatsapp"), ("klasifikasi", "aspirasi"), ("kode_kecamatan", None),
    (forms.HONEYPOT_FIELD, ""),
])
def test_pengaduan_boundaries_accepted(field, value):
    assert forms.validate_pengaduan(pengaduan(**{field: value})) == {}


def test_length_counts_the_cleaned_text():
    # Outer blanks don't count toward the minimum.
    assert forms.validate_pengaduan(pengaduan(judul="   " + "x" * 9 + "   "))["judul"] \
        == "forms.err_judul_length"


@pytest.mark.parametrize(("lat", "lng", "key"), [
    (-0.35, 109.5, None),
    ("-0,35", "109,5", None),  # typed with a decimal comma
    (None, None, None),
    ("", "", None),
    (-0.35, None, "forms.err_point_incomplete"),
    (None, 109.5, "forms.err_point_incomplete"),
    ("abc", 109.5, "forms.err_point_invalid"),
    (float("nan"), 109.5, "forms.err_point_invalid"),
    (-6.2, 106.8, "forms.err_point_outside"),  # Jakarta
    (109.5, -0.35, "forms.err_point_outside"),  # swapped
])
def test_point_inside_region(lat, lng, key):
    errors = forms.validate_pengaduan(pengaduan(lat=lat, lng=lng))
    assert errors.get("lat") == key


def test_bbox_edges_are_inside():
    min_lng, min_lat, max_lng, max_lat = config.region().bbox
    assert forms.validate_pengaduan(pengaduan(lat=min_lat, lng=max_lng)) == {}


@pytest.mark.parametrize(("count", "ok"), [(0, True), (3, True), (4, False), (-1, False)])
def test_photo_count(count, ok):
    errors = forms.validate_pengaduan(pengaduan(), photo_count=count)
    assert (errors == {}) is ok
    if not ok:
        assert errors == {"photos": "forms.err_photos_too_many"}


@pytest.mark.parametrize(("contact", "key"), [
    (None, None),
    ({}, None),
    ({"value": "", "consent": False}, None),            # empty contact: nothing to consent to
    ({"value": "081234567890", "consent": True}, None),
    ({"value": "+62 812-3456-7890", "consent": True}, None),
    ({"value": "warga@example.id", "consent": True}, None),
    ({"value": "081234567890", "consent": False}, "forms.err_consent_required"),
    ({"value": "081234567890"}, "forms.err_consent_required"),
    ({"value": "12345", "consent": True}, "forms.err_contact_invalid"),
    ({"value": "0812", "consent": True}, "forms.err_contact_invalid"),
    ({"value": "+1 202 555 0100", "consent": True}, "forms.err_contact_invalid"),
    ({"value": "warga@", "consent": True}, "forms.err_contact_invalid"),
    ({"value": "warga@@example.id", "consent": True}, "forms.err_contact_invalid"),
    ({"value": "warga..x@example.id", "consent": True}, "forms.err_contact_invalid"),
    ({"value": "081234567890", "kind": "email", "consent": True}, "forms.err_contact_invalid"),
])
def test_contact_validated_and_only_with_consent(contact, key):
    errors = forms.validate_pengaduan(pengaduan(), contact=contact)
    assert errors.get("contact") == key


@pytest.mark.parametrize(("raw", "expected"), [
    ("081234567890", {"kind": "phone", "value": "+6281234567890"}),
    ("0812 3456 7890", {"kind": "phone", "value": "+6281234567890"}),
    ("+62 (812) 3456-7890", {"kind": "phone", "value": "+6281234567890"}),
    ("6281234567890", {"kind": "phone", "value": "+6281234567890"}),
    ("Warga@Example.ID", {"kind": "email", "value": "Warga@example.id"}),
])
def test_contact_normalised(raw, expected):
    assert forms.normalize_contact({"value": raw, "consent": True}) == expected


@given(st.text(alphabet="0123456789", min_size=8, max_size=11))
def test_every_indonesian_mobile_number_is_accepted(rest):
    out = forms.normalize_contact({"value": "08" + rest})
    assert out == {"kind": "phone", "value": "+628" + rest}


@pytest.mark.parametrize("payload", [
    "<script>alert('x')</script> jalan rusak di depan balai desa",
    "<img src=x onerror=alert(1)> lampu jalan mati sejak sebulan lalu",
    "'; DROP TABLE submission; -- jembatan ambruk di dusun tiga",
])
def test_html_and_sql_payloads_are_plain_text_kept_as_typed(payload):
    assert forms.validate_pengaduan(pengaduan(isi=payload)) == {}
    assert forms.clean_text(payload) == payload


def test_clean_text_removes_controls_only():
    assert forms.clean_text(" a\x00b\r\nc\td \x07") == "ab\nc\td"
    assert forms.clean_text("  ") is None
    assert forms.clean_text(None) is None


@given(st.text())
def test_clean_text_is_idempotent_and_never_has_nul(s):
    once = forms.clean_text(s)
    assert once is None or ("\x00" not in once and forms.clean_text(once) == once)


@pytest.mark.parametrize(("field", "value", "key"), [
    ("usulan", None, "forms.err_required"),
    ("usulan", "x" * 9, "forms.err_usulan_length"),
    ("usulan", "x" * 301, "forms.err_usulan_length"),
    ("permasalahan", "x" * 2001, "forms.err_permasalahan_length"),
    ("volume", None, "forms.err_required"),
    ("volume", 0, "forms.err_volume"),
    ("volume", -3, "forms.err_volume"),
    ("volume", "banyak", "forms.err_volume"),
    ("satuan", None, "forms.err_required"),
    ("satuan", "ember", "forms.err_satuan"),
    ("perkiraan_biaya", 0, "forms.err_biaya"),
    ("perkiraan_biaya", -1, "forms.err_biaya"),
    ("perkiraan_biaya", 100_000_000_001, "forms.err_biaya"),
    ("perkiraan_biaya", "seratus juta", "forms.err_biaya"),
    ("bidang_urusan", None, "forms.err_required"),
    ("bidang_urusan", "Sekretariat Daerah", "forms.err_bidang"),
    ("kode_desa", "bukan-kode", "forms.err_desa"),
    ("tahun_rkpd", 1999, "forms.err_tahun_rkpd"),
    ("support_of", "bukan tiket", "forms.err_support_of"),
    (forms.HONEYPOT_FIELD, "x", "forms.err_honeypot"),
])
def test_usulan_field_errors(field, value, key):
    assert forms.validate_usulan(usulan(**{field: value})) == {field: key}


@pytest.mark.parametrize(("field", "value"), [
    ("usulan", "x" * 10), ("usulan", "x" * 300), ("permasalahan", None),
    ("permasalahan", "x" * 2000), ("perkiraan_biaya", None), ("perkiraan_biaya", 100_000_000_000),
    ("perkiraan_biaya", "1.500.000"), ("volume", "2,5"), ("tahun_rkpd", 2027),
    ("support_of", "usl-0000-1111"),
])
def test_usulan_boundaries_accepted(field, value):
    assert forms.validate_usulan(usulan(**{field: value})) == {}


def test_usulan_checks_common_fields_too():
    errors = forms.validate_usulan(usulan(lat=10.0, lng=100.0), photo_count=5,
                                   contact={"value": "nope", "consent": True})
    assert errors == {"lat": "forms.err_point_outside", "photos": "forms.err_photos_too_many",
                      "contact": "forms.err_contact_invalid"}


@pytest.mark.parametrize(("raw", "value"), [
    (3, 3.0), (2.5, 2.5), ("2,5", 2.5), ("1.500.000", 1_500_000.0), ("1500000.5", 1500000.5),
    ("", None), (None, None), (True, None), ("abc", None), (float("inf"), None),
])
def test_number_or_none(raw, value):
    assert forms.number_or_none(raw) == value


def _used_keys() -> set[str]:
    return set(re.findall(r'"(forms\.[a-z_]+)"', FORMS_SRC + PHOTOS_SRC))


def test_every_message_key_exists_in_both_languages_and_formats():
    keys = _used_keys()
    assert "forms.err_honeypot" in keys and "forms.photo_broken" in keys
    for key in keys:
        assert has(key), key
        entry = LOCALE[key.split(".", 1)[1]]
        assert entry.get("id") and entry.get("en"), key
        for lang in ("id", "en"):
            text = forms.message(key, lang)
            assert "{" not in text and text != key


def test_messages_translate_errors():
    errors = forms.validate_pengaduan(pengaduan(judul="pendek"))
    assert forms.messages(errors, "id") == {"judul": "Judul harus 10–150 karakter."}
    assert forms.messages(errors, "en") == {"judul": "The title must be 10–150 characters."}


def test_satuan_have_labels_and_consent_text_exists():
    for s in forms.SATUAN:
        assert t(f"forms.satuan_{s}", lang="id") != f"forms.satuan_{s}"
        assert t(f"forms.satuan_{s}", lang="en") != f"forms.satuan_{s}"
    assert len(t("forms.consent_text", lang="id")) > 100
    assert forms.CONSENT_TEXT_VERSION


# ---- any amount 1 … Rp100 miliar, written as people write it, parses back exactly

AMOUNT_MAX = 100_000_000_000
_PREFIXES = ("", "Rp", "Rp ", "Rp. ", "rp", "IDR ")


def _dotted(n: int) -> str:
    """Thousands grouped with dots, the Indonesian way (the test's own, not the parser's)."""
    digits = str(n)
    head = len(digits) % 3 or 3
    return ".".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@given(st.integers(1, AMOUNT_MAX), st.sampled_from(_PREFIXES),
       st.sampled_from(("", ",00", ",-", ".-")), st.booleans())
def test_any_grouped_amount_parses_back_exactly(n, prefix, tail, grouped):
    text = prefix + (_dotted(n) if grouped else str(n)) + tail
    assert forms.rupiah_or_none(text) == n, text


@given(st.integers(1, AMOUNT_MAX), st.sampled_from((("ribu", 3), ("rb", 3), ("juta", 6),
                                                     ("jt", 6), ("miliar", 9), ("M", 9))),
       st.sampled_from(_PREFIXES), st.sampled_from(("", " ")))
def test_any_amount_in_words_parses_back_exactly(n, word_exp, prefix, space):
    word, exp = word_exp
    whole, frac = divmod(n, 10 ** exp)
    # "1,5 juta": the whole part grouped with dots, the fraction after a comma, no trailing zeros
    number = _dotted(whole) if whole else "0"
    if frac:
        number += "," + str(frac).rjust(exp, "0").rstrip("0")
    text = f"{prefix}{number}{space}{word}"
    assert forms.rupiah_or_none(text) == n, text


@pytest.mark.parametrize(("text", "value"), [
    ("1,250 miliar", 1_250_000_000), ("1,5 juta", 1_500_000), ("1.500 juta", 1_500_000_000),
    ("Rp 150.000.000", 150_000_000), ("150 juta", 150_000_000),
    ("Rp150.000.000,00", 150_000_000), ("1,5 miliar", 1_500_000_000),
])
def test_everyday_amounts(text, value):
    assert forms.rupiah_or_none(text) == value
