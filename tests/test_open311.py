"""Open311 GeoReport v2 (read-only) over real HTTP: the standard's field names, its filters, and no
confidential report, ticket or point ever in the output."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit
from test_api import get, get_json

from lentera.warehouse import catalog, db, open311

# GeoReport v2 (wiki.open311.org/GeoReport_v2): the fields of a service and of a request.
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                  "lat", "long", "media_url"}
EVERYTHING = {"start_date": "2000-01-01T00:00:00+07:00"}


@pytest.fixture(scope="module")
def o311(fixture_warehouse, tmp_path_factory):
    """A real server with one public and one confidential live complaint."""
    from lentera.core import forms
    from lentera.store import submissions

    scratch = tmp_path_factory.mktemp("open311")
    env = fixture_environ(fixture_warehouse.db, scratch)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        desa = forms.desa_options()[0]
        kode = desa["kode_desa"] if isinstance(desa, dict) else desa[0]
        public = submissions.create_pengaduan(
            {"kategori": "Infrastruktur", "judul": "Lampu jalan padam sebulan",
             "isi": "Lampu penerangan jalan di depan sekolah padam sejak sebulan lalu.",
             "kode_desa": kode}, [])
        secret = submissions.create_pengaduan(
            {"kategori": "Pungutan Liar", "judul": "Pungutan liar di pasar",
             "isi": "Petugas meminta uang tambahan dari pedagang setiap pagi di pasar.",
             "kode_desa": kode, "rahasia": True}, [])
        port = free_port()
        proc = start_streamlit(env, port)
        try:
            yield {"base": f"http://127.0.0.1:{port}", "public": public, "secret": secret,
                   "public_id": catalog.public_id(public, catalog.public_id_key()),
                   "secret_id": catalog.public_id(secret, catalog.public_id_key())}
        finally:
            stop_streamlit(proc)
            submissions.dispose_all()


def test_services_are_the_categories_with_georeport_fields(o311):
    services = get_json(o311["base"], "/open311/v2/services.json")
    assert services and all(set(s) == SERVICE_FIELDS for s in services)
    assert all(s["type"] in ("realtime", "batch", "blackbox") and s["metadata"] is False
               for s in services)
    categories = {k for (k,) in db.query("SELECT DISTINCT trim(kategori) FROM pengaduan "
                                         "WHERE NOT coalesce(rahasia, false)").iter_rows()}
    assert {s["service_name"] for s in services} >= categories
    assert len({s["service_code"] for s in services}) == len(services)


def test_requests_have_georeport_fields_and_never_a_confidential_report(o311):
    got = get_json(o311["base"], "/open311/v2/requests.json", EVERYTHING)
    assert got and all(set(r) == REQUEST_FIELDS for r in got)
    assert all(r["status"] in ("open", "closed") for r in got)
    assert all(r["lat"] is None and r["long"] is None for r in got)  # never a complaint's point
    ids = {r["service_request_id"] for r in got}
    public_count = db.scalar("SELECT count(*) FROM pengaduan WHERE NOT coalesce(rahasia, false)")
    assert len(got) == min(open311.MAX_REQUESTS, public_count + 1)
    confidential = {t for (t,) in db.query("SELECT nomor_tiket FROM pengaduan "
                                           "WHERE rahasia").iter_rows()}
    assert confidential and not ids & confidential
    # live reports by their public id, never the ticket that opens Lacak
    assert o311["public_id"] in ids and o311["public"] not in ids
    assert o311["secret_id"] not in ids and o311["secret"] not in ids
    live = next(r for r in got if r["service_request_id"] == o311["public_id"])
    assert live["description"] is None and live["status"] == "open"
    for r in got:
        dt.datetime.fromisoformat(r["requested_datetime"])  # W3C date-time with an offset
        assert dt.datetime.fromisoformat(r["requested_datetime"]).utcoffset() is not None


def test_standard_filters(o311):
    base = o311["base"]
    closed = get_json(base, "/open311/v2/requests.json", EVERYTHING | {"status": "closed"})
    assert closed and {r["status"] for r in closed} == {"closed"}
    service = get_json(base, "/open311/v2/services.json")[0]["service_code"]
    one = get_json(base, "/open311/v2/requests.json", EVERYTHING | {"service_code": service})
    assert one and {r["service_code"] for r in one} == {service}
    window = {"start_date": "2025-03-01T00:00:00+07:00", "end_date": "2025-03-31"}
    march = get_json(base, "/open311/v2/requests.json", window)
    want = db.scalar("SELECT count(*) FROM pengaduan WHERE NOT coalesce(rahasia, false) AND "
                     "CAST(tanggal_masuk AS DATE) BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'")
    assert len(march) == want
    assert all("2025-03" in r["requested_datetime"][:7] for r in march)
    picked = [march[0]["service_request_id"], o311["public_id"], o311["secret"]]
    by_id = get_json(base, "/open311/v2/requests.json", {"service_request_id": ",".join(picked)})
    assert {r["service_request_id"] for r in by_id} == set(picked[:2])
    single = get_json(base, f"/open311/v2/requests/{o311['public_id']}.json")
    assert [r["service_request_id"] for r in single] == [o311["public_id"]]
    # a live ticket number is not an id: it must not reveal that the ticket exists
    assert get(base, f"/open311/v2/requests/{o311['public']}.json")[0] == 404


def test_without_dates_the_last_ninety_days(o311):
    got = get_json(o311["base"], "/open311/v2/requests.json")
    oldest = min(dt.datetime.fromisoformat(r["requested_datetime"]) for r in got)
    assert (open311.as_of() - oldest.date()).days <= open311.DEFAULT_DAYS


@pytest.mark.parametrize("params,param", [
    ({"status": "pending"}, "status"), ({"start_date": "kemarin"}, "start_date"),
    ({"warna": "biru"}, "warna"), ({"jurisdiction_id": "99.99"}, "jurisdiction_id"),
])
def test_bad_filters_are_400_json(o311, params, param):
    doc = get_json(o311["base"], "/open311/v2/requests.json", params, status=400)
    assert doc["error"]["param"] == param
