"""Place of a report (lentera.services.lokasi) and the open complaints offered to support
(lentera.store.terbuka), on both store engines: the desa from a point, a disagreeing desa
flagged, only open public complaints of the same category in the desa or near the point, most
alike first, and one support per device and address."""

from __future__ import annotations

import io
import json
import math

import pytest
from PIL import Image

from lentera.core import config, forms
from lentera.core.i18n import t
from lentera.services import lokasi
from lentera.store import submissions, terbuka
from lentera.store.errors import SubmissionNotFoundError
from lentera.web import methods

KATEGORI = "Infrastruktur"
ISI = "Lubang besar di jalan desa membahayakan anak sekolah setiap pagi."


def label_points() -> dict[str, tuple[float, float]]:
    """Each desa's label point as the boundary file gives it (lat, lng)."""
    doc = json.loads(config.region().path("desa_geojson").read_text(encoding="utf-8"))
    return {f["properties"]["kode"]: (f["properties"]["lat"], f["properties"]["lng"])
            for f in doc["features"]}


def inner_desa(n: int = 2) -> list[tuple[str, float, float]]:
    """`n` desa of different kecamatan whose label point the point→desa rule places in them."""
    out, seen = [], set()
    for kode, (lat, lng) in label_points().items():
        info = lokasi.desa_of_point(lat, lng)
        if info and info["kode_desa"] == kode and info["kode_kecamatan"] not in seen:
            out.append((kode, lat, lng))
            seen.add(info["kode_kecamatan"])
        if len(out) == n:
            return out
    raise AssertionError("too few desa with an inner label point")


def metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (the test's own haversine, R = 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def north(lat: float, m: float) -> float:
    """The latitude `m` metres north of `lat` (a degree of latitude is 111,195 m at R = 6371 km)."""
    return lat + m / (2 * math.pi * 6_371_000 / 360)


def complaint(kode_desa: str, **over) -> dict:
    data = {"kategori": KATEGORI, "judul": "Jalan berlubang di depan sekolah", "isi": ISI,
            "kode_desa": kode_desa}
    data.update(over)
    return data


# ---------------------------------------------------------------- the point and the desa


def test_point_of_needs_both_numbers():
    assert lokasi.point_of({"lat": "-0,25", "lng": "109.4"}) == (-0.25, 109.4)
    assert lokasi.point_of({"lat": -0.25, "lng": None}) is None
    assert lokasi.point_of({"lat": "utara", "lng": "109.4"}) is None
    assert lokasi.point_of({}) is None


def test_desa_of_point_is_the_desa_whose_boundary_holds_it():
    (kode, lat, lng), _ = inner_desa(2)
    info = lokasi.desa_of_point(lat, lng)
    assert info == forms.desa_info(kode)
    assert info["kode_kecamatan"] == kode.rsplit(".", 1)[0]
    # the open sea off Africa, and no point at all
    assert lokasi.desa_of_point(0.0, 0.0) is None
    assert lokasi.desa_of_point(None, None) is None


def test_placed_takes_the_desa_from_the_point_and_flags_a_disagreeing_one():
    (kode, lat, lng), (other, _, _) = inner_desa(2)
    data, errors = lokasi.placed({"lat": lat, "lng": lng})
    assert errors == {}
    assert data["kode_desa"] == kode and data["kode_kecamatan"] == forms.desa_info(kode)[
        "kode_kecamatan"]
    assert lokasi.placed({"lat": lat, "lng": lng, "kode_desa": kode})[1] == {}
    assert lokasi.placed({"lat": lat, "lng": lng, "kode_desa": other})[1] == {
        "kode_desa": "forms.err_desa_point"}
    # no point, or a point outside every desa: the chosen desa stands as chosen
    assert lokasi.placed({"kode_desa": other}) == ({"kode_desa": other}, {})
    assert lokasi.placed({"lat": 0.0, "lng": 0.0, "kode_desa": other})[1] == {}


def gps_jpeg(lat: float, lng: float) -> bytes:
    def dms(x: float):
        d = int(abs(x))
        m = int((abs(x) - d) * 60)
        return (d, m, round((abs(x) - d - m / 60) * 3600, 4))

    exif = Image.Exif()
    exif[0x8825] = {1: "S" if lat < 0 else "N", 2: dms(lat), 3: "W" if lng < 0 else "E",
                    4: dms(lng)}
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_photo_point_is_the_first_photo_with_a_location():
    plain = io.BytesIO()
    Image.new("RGB", (64, 48)).save(plain, "JPEG")
    point = lokasi.photo_point([("a.jpg", plain.getvalue()), ("b.jpg", gps_jpeg(-0.123, 109.45)),
                                ("c.jpg", gps_jpeg(1.0, 110.0))])
    assert point is not None
    assert metres(*point, -0.123, 109.45) < 1  # seconds to four decimals: centimetres
    assert lokasi.photo_point([("a.jpg", plain.getvalue())]) is None
    assert lokasi.photo_point([]) is None


@pytest.mark.parametrize(("status", "tahun", "note"), [
    ("masuk_rkpd", 2020, "recorded"), ("diterima_opd", 2026, "recorded"),
    ("ditolak", 2026, "closed"), ("dikembalikan", 2020, "closed"),
    # a proposal of this year or later is still being discussed
    ("diusulkan", 2026, "pending"), ("diverifikasi_kecamatan", 2027, "pending"),
    ("diverifikasi_kecamatan", None, "pending"),
    # one of a past year that never reached the plan stalled: not "no need to propose again"
    ("diverifikasi_kecamatan", 2024, "stalled"), ("diusulkan", 2025, "stalled"),
])
def test_proposal_note_is_honest_about_stalled_proposals(status, tahun, note):
    assert lokasi.proposal_note(status, tahun, 2026) == note


def test_the_place_rules_are_on_the_tentang_page():
    topics = dict(methods.method_topics())
    pairs = topics["lapor.methods_place_heading"]
    assert pairs == list(lokasi.METHODS) and len(pairs) == 3
    for lang in ("id", "en"):
        for key in ("lapor.methods_place_heading", *(k for pair in pairs for k in pair)):
            assert t(key, lang=lang) != key
    # the body states the radius and the limit the code uses
    body = t("lapor.method_similar_body", lang="id")
    assert f"{lokasi.RADIUS_PENGADUAN_M:.0f} m" in body and str(lokasi.SIMILAR_LIMIT) in body


# ---------------------------------------------------------------- the store: open complaints


def test_open_pengaduan_only_open_public_complaints_of_the_category(store):
    (kode, lat, lng), (other, olat, olng) = inner_desa(2)
    same = submissions.create_pengaduan(complaint(kode), [])
    other_kategori = next(k for k in forms.kategori_options() if k != KATEGORI)
    submissions.create_pengaduan(complaint(kode, kategori=other_kategori), [])
    submissions.create_pengaduan(complaint(kode, rahasia=True), [])
    closed = submissions.create_pengaduan(complaint(kode), [])
    submissions.append_event(closed, "ditolak", "petugas.uji", "verifikator",
                             reason_code=None, public_note="Bukan wewenang daerah")
    working = submissions.create_pengaduan(complaint(kode), [])
    submissions.append_event(working, "diverifikasi", "petugas.uji", "verifikator")
    elsewhere = submissions.create_pengaduan(complaint(other, lat=olat, lng=olng), [])
    submissions.create_usulan({"usulan": "Pembangunan jembatan kayu penghubung dusun",
                               "kode_desa": kode, "volume": 20, "satuan": "meter",
                               "perkiraan_biaya": 150_000_000,
                               "bidang_urusan": forms.bidang_options()[0]}, [])

    found = terbuka.open_pengaduan(KATEGORI, kode)
    assert set(found["ticket"]) == {same, working}
    assert set(found["status"]) == {"diterima", "diverifikasi"}
    # inside a box round the other desa's point: that one joins, whatever its desa
    d = 0.001
    boxed = terbuka.open_pengaduan(KATEGORI, kode, (olat - d, olng - d, olat + d, olng + d))
    assert set(boxed["ticket"]) == {same, working, elsewhere}
    assert set(terbuka.open_pengaduan(KATEGORI, None, (olat - d, olng - d, olat + d, olng + d))
               ["ticket"]) == {elsewhere}


def test_support_counts_open_complaints_only(store):
    kode = inner_desa(1)[0][0]
    ticket = submissions.create_pengaduan(complaint(kode), [])
    assert terbuka.support_count(ticket) == 0
    assert terbuka.support_pengaduan(ticket) == 1
    assert terbuka.support_pengaduan(ticket.lower()) == 2  # the ticket as people type it
    assert terbuka.support_count(ticket) == 2
    submissions.append_event(ticket, "ditolak", "petugas.uji", "verifikator",
                             public_note="Bukan wewenang daerah")
    with pytest.raises(SubmissionNotFoundError):
        terbuka.support_pengaduan(ticket)
    assert terbuka.support_count(ticket) == 2
    with pytest.raises(SubmissionNotFoundError):
        terbuka.support_pengaduan("bukan tiket")
    assert terbuka.support_count("LPR-2026-ZZZZZZ") is None


def test_similar_pengaduan_in_the_desa_or_near_the_point_most_alike_first(store):
    (kode, lat, lng), (other, _, _) = inner_desa(2)
    alike = submissions.create_pengaduan(
        complaint(kode, judul="Perbaikan jalan desa yang rusak"), [])
    unlike = submissions.create_pengaduan(complaint(kode, judul="Lampu penerangan padam"), [])
    near_lat, far_lat = north(lat, 150), north(lat, 1_000)
    near = submissions.create_pengaduan(
        complaint(other, judul="Jalan rusak parah di tikungan pasar", lat=near_lat,
                  lng=lng), [])
    submissions.create_pengaduan(complaint(other, judul="Jalan rusak", lat=far_lat, lng=lng), [])
    assert metres(lat, lng, near_lat, lng) < lokasi.RADIUS_PENGADUAN_M < metres(
        lat, lng, far_lat, lng)

    by_desa = lokasi.similar_pengaduan(KATEGORI, "Rehab jln desa yg rusak", kode)
    assert by_desa["ticket"].to_list() == [alike, unlike]
    assert by_desa["jarak_m"].null_count() == by_desa.height
    assert by_desa["nama_desa"].to_list() == [forms.desa_info(kode)["nama_desa"]] * 2
    assert "lat" not in by_desa.columns and "lng" not in by_desa.columns

    by_point = lokasi.similar_pengaduan(KATEGORI, "Rehab jln desa yg rusak", kode, lat, lng)
    assert set(by_point["ticket"]) == {alike, unlike, near}
    assert by_point["ticket"][0] == alike
    row = by_point.filter(by_point["ticket"] == near).row(0, named=True)
    assert row["jarak_m"] == pytest.approx(metres(lat, lng, near_lat, lng), rel=0.01)
    # a point alone (no desa chosen) finds what is near it
    assert set(lokasi.similar_pengaduan(KATEGORI, "jalan", None, lat, lng)["ticket"]) == {near}
    # nothing to compare with: no category, or neither desa nor point
    assert lokasi.similar_pengaduan(None, "jalan", kode).is_empty()
    assert lokasi.similar_pengaduan(KATEGORI, "jalan", None).is_empty()


def test_similar_pengaduan_keeps_the_limit(store):
    kode = inner_desa(1)[0][0]
    for i in range(lokasi.SIMILAR_LIMIT + 2):
        submissions.create_pengaduan(complaint(kode, judul=f"Jalan rusak nomor {i + 1}"), [])
    found = lokasi.similar_pengaduan(KATEGORI, "jalan rusak", kode)
    assert found.height == lokasi.SIMILAR_LIMIT


def test_one_support_per_device_and_address(store):
    kode = inner_desa(1)[0][0]
    ticket = submissions.create_pengaduan(complaint(kode), [])
    assert lokasi.support_pengaduan(ticket, "sesi-a", "198.51.100.1") == (1, 0)
    assert lokasi.support_pengaduan(ticket, "sesi-a", "198.51.100.1") == (1, 0)
    assert lokasi.support_pengaduan(ticket, "sesi-a", "198.51.100.2") == (1, 0)
    assert lokasi.support_pengaduan(ticket, "sesi-b", "198.51.100.1") == (1, 0)
    assert lokasi.support_pengaduan(ticket, "sesi-b", "198.51.100.2") == (2, 0)
    assert terbuka.support_count(ticket) == 2


def test_submit_refuses_a_desa_the_point_is_not_in(store):
    (kode, lat, lng), (other, _, _) = inner_desa(2)
    data = {**complaint(other), "kode_kecamatan": forms.desa_info(other)["kode_kecamatan"],
            "lat": lat, "lng": lng}
    result = lokasi.submit_pengaduan(data, [], None, "sesi-c", "198.51.100.3")
    assert not result.ok and result.errors.get("kode_desa") == "forms.err_desa_point"
    assert submissions.submission_count() == 0
    # the point alone places it
    del data["kode_desa"], data["kode_kecamatan"]
    result = lokasi.submit_pengaduan(data, [], None, "sesi-c", "198.51.100.3")
    assert result.ok, result.errors
    assert submissions.public_view(result.ticket)["kode_desa"] == kode
