"""The JSON/CSV API over real HTTP: rows equal the warehouse, figures equal the pages', the OpenAPI
description validates and every route in it answers, errors are JSON, headers on every answer."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit

from lentera.warehouse import anggaran, catalog, db, musrenbang, pengaduan, perizinan
from lentera.web import server

LACAK_LIMIT = 3


@pytest.fixture(scope="module")
def api_server(fixture_warehouse, tmp_path_factory):
    """A real server on the fixture warehouse, with two live complaints (one confidential)."""
    from lentera.core import forms
    from lentera.store import submissions

    scratch = tmp_path_factory.mktemp("api")
    env = fixture_environ(fixture_warehouse.db, scratch) | {
        "LENTERA_LACAK_LIMIT": str(LACAK_LIMIT)}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        desa = forms.desa_options()[0]
        kode = desa["kode_desa"] if isinstance(desa, dict) else desa[0]
        open_ticket = submissions.create_pengaduan(
            {"kategori": "Infrastruktur", "judul": "Jalan desa berlubang besar",
             "isi": "Lubang besar di tengah jalan desa membahayakan pengendara motor.",
             "kode_desa": kode}, [])
        secret_ticket = submissions.create_pengaduan(
            {"kategori": "Pungutan Liar", "judul": "Pungutan di kantor desa",
             "isi": "Diminta uang tambahan saat mengurus surat keterangan di kantor desa.",
             "kode_desa": kode, "rahasia": True}, [])
        port = free_port()
        proc = start_streamlit(env, port)
        try:
            yield {"base": f"http://127.0.0.1:{port}", "open": open_ticket,
                   "secret": secret_ticket}
        finally:
            stop_streamlit(proc)
            submissions.dispose_all()
            pengaduan._live.clear()


def get(base: str, path: str, params: dict | list | None = None):
    """(status, headers, body bytes) of a GET; error statuses are answers, not exceptions."""
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    try:
        with urllib.request.urlopen(f"{base}{path}{query}", timeout=60) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def get_json(base: str, path: str, params=None, status: int = 200):
    code, headers, body = get(base, path, params)
    assert code == status, (path, params, body[:500])
    assert headers["Content-Type"].startswith(("application/json", "application/ld+json"))
    return json.loads(body, parse_float=Decimal)


def _amount(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _expected(name: str, where: str = "true", params: dict | None = None) -> tuple[int, Decimal]:
    """Count and amount sum of a dataset, straight from the warehouse tables (not the API code)."""
    ds = catalog.dataset(name)
    amount = f"sum({catalog.quote_ident(ds.amount)})" if ds.amount else "0"
    frame = db.query(f"SELECT count(*) AS n, {amount} AS s FROM {ds.table} WHERE {where}",
                     params or {})
    n, s = frame.row(0)
    return int(n), _amount(s)


# ---------------------------------------------------------------- rows


@pytest.mark.parametrize("name", list(catalog.DATASETS))
def test_rows_json_pages_and_csv_hold_every_row_and_the_same_sums(api_server, name):
    base, ds = api_server["base"], catalog.dataset(name)
    want_n, want_sum = _expected(name)
    first = get_json(base, f"/api/v1/datasets/{name}/rows", {"_limit": 1000})
    assert first["count"] == want_n
    seen, total, keys, page = 0, Decimal(0), set(), first
    key_cols = list(ds.key or ds.order_by)
    while True:
        for row in page["rows"]:
            seen += 1
            keys.add(tuple(row[c] for c in key_cols))
            if ds.amount:
                total += _amount(row[ds.amount])
        if not page["next"]:
            break
        page = get_json(base, urllib.parse.urlsplit(page["next"]).path,
                        urllib.parse.parse_qsl(urllib.parse.urlsplit(page["next"]).query))
    assert seen == want_n and len(keys) == want_n  # no row skipped, none repeated
    assert total == want_sum
    code, headers, body = get(base, f"/api/v1/datasets/{name}/rows.csv")
    assert code == 200 and headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(table) == want_n
    assert list(table[0] if table else first["columns"]) == [c.name for c in ds.columns]
    if ds.amount:
        assert sum((_amount(r[ds.amount]) for r in table), Decimal(0)) == want_sum


def test_filtered_rows_equal_the_warehouse(api_server):
    base = api_server["base"]
    tahun = int(db.scalar("SELECT max(tahun) FROM anggaran"))
    floor = int(db.scalar("SELECT median(pagu) FROM anggaran"))
    want_n, want_sum = _expected(
        "anggaran", "tahun = $t AND pagu >= $p AND lower(nama_skpd) LIKE '%dinas%'",
        {"t": tahun, "p": floor})
    assert want_n > 0
    params = {"tahun": tahun, "pagu__gte": floor, "nama_skpd__contains": "DINAS"}
    page = get_json(base, "/api/v1/datasets/anggaran/rows", params | {"_limit": 1000})
    assert page["count"] == want_n
    code, _, body = get(base, "/api/v1/datasets/anggaran/rows.csv", params)
    table = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(table) == want_n
    assert sum(_amount(r["pagu"]) for r in table) == want_sum
    low = get_json(base, "/api/v1/datasets/anggaran/rows", {"pagu__lte": floor, "_limit": 1})
    assert low["count"] == _expected("anggaran", "pagu <= $p", {"p": floor})[0]


def test_sorted_keyset_pages_are_in_order_and_complete(api_server):
    base = api_server["base"]
    got, page = [], get_json(base, "/api/v1/datasets/usulan/rows",
                             {"_sort_desc": "perkiraan_biaya", "_limit": 37})
    while True:
        got += [(r["perkiraan_biaya"], r["id_usulan"]) for r in page["rows"]]
        if not page["next_token"]:
            break
        page = get_json(base, "/api/v1/datasets/usulan/rows",
                        {"_sort_desc": "perkiraan_biaya", "_limit": 37,
                         "_next": page["next_token"]})
    assert len(got) == len({i for _, i in got}) == _expected("usulan")[0]
    values = [v for v, _ in got if v is not None]
    assert values == sorted(values, reverse=True)
    # NULLs come first when sorting descending (the exact reverse of ascending, NULLs last)
    assert all(v is None for v, _ in got[: len(got) - len(values)])


@pytest.mark.parametrize("path,params,param", [
    ("/api/v1/datasets/anggaran/rows", {"tidak_ada": "1"}, "tidak_ada"),
    ("/api/v1/datasets/anggaran/rows", {"tahun": "dua ribu"}, "tahun"),
    ("/api/v1/datasets/anggaran/rows", {"pagu__gte": "banyak"}, "pagu__gte"),
    ("/api/v1/datasets/anggaran/rows", {"_limit": "1001"}, "_limit"),
    ("/api/v1/datasets/anggaran/rows", {"_limit": "-1"}, "_limit"),
    ("/api/v1/datasets/anggaran/rows", {"_sort": "tidak_ada"}, "_sort"),
    ("/api/v1/datasets/anggaran/rows", {"_next": "bukan-token"}, "_next"),
    ("/api/v1/datasets/anggaran/rows", {"_apa": "1"}, "_apa"),
    ("/api/v1/datasets/anggaran/rows", {"tahun": "2025'; DROP TABLE anggaran; --"}, "tahun"),
    ("/api/v1/datasets/anggaran/rows.csv", {"_limit": "5"}, "_limit"),
    ("/api/v1/measures/tepat_waktu_pengaduan", {"tahun": "kemarin"}, "tahun"),
    ("/api/v1/measures/tepat_waktu_pengaduan", {"warna": "merah"}, "warna"),
    ("/api/v1/measures/serapan_anggaran", {"tahap": "rancangan"}, "tahap"),
    ("/api/v1/measures/serapan_anggaran", {"bulan": "13"}, "bulan"),
])
def test_bad_requests_are_400_json_never_a_traceback(api_server, path, params, param):
    code, headers, body = get(api_server["base"], path, params)
    assert code == 400, body[:300]
    assert headers["Content-Type"].startswith("application/json")
    doc = json.loads(body)
    assert doc["error"]["param"] == param and doc["error"]["message"]
    assert b"Traceback" not in body and b"duckdb" not in body.lower()


def test_unknown_names_are_404(api_server):
    base = api_server["base"]
    for path in ("/api/v1/datasets/tidak_ada", "/api/v1/datasets/tidak_ada/rows",
                 "/api/v1/measures/tidak_ada"):
        assert get_json(base, path, status=404)["error"]["param"] == "name"


def test_a_token_from_another_sort_is_refused(api_server):
    base = api_server["base"]
    page = get_json(base, "/api/v1/datasets/usulan/rows", {"_limit": 2})
    doc = get_json(base, "/api/v1/datasets/usulan/rows",
                   {"_sort": "perkiraan_biaya", "_next": page["next_token"]}, status=400)
    assert doc["error"]["param"] == "_next"


def test_datasets_carry_satu_data_metadata(api_server):
    base = api_server["base"]
    listed = get_json(base, "/api/v1/datasets")["datasets"]
    assert [d["name"] for d in listed] == list(catalog.DATASETS)
    for d in listed:
        for field in ("producer", "period", "frequency", "licence", "version", "rows", "links"):
            assert d[field] not in (None, ""), (d["name"], field)
        assert d["rows"] == _expected(d["name"])[0]
        assert d["version"] == db.data_version()
    one = get_json(base, "/api/v1/datasets/pengaduan")
    assert [c["name"] for c in one["dictionary"]] == [c.name for c in
                                                       catalog.dataset("pengaduan").columns]
    assert all(c["description"]["id"] and c["description"]["en"] for c in one["dictionary"])


# ---------------------------------------------------------------- figures


def _num(value):
    return None if value is None else float(value)


def test_measures_equal_the_pages_figures(api_server):
    base = api_server["base"]
    listing = get_json(base, "/api/v1/measures")
    assert {f["name"] for f in listing["figures"]} >= {
        "serapan_anggaran", "tepat_waktu_pengaduan", "tunggakan_pengaduan", "alur_pengaduan",
        "tepat_waktu_perizinan", "alur_usulan", "uang_usulan"}
    for f in listing["figures"]:
        for m in f["measures"]:
            assert m["definition"]["id"] and m["base"]["en"], (f["name"], m["name"])

    # the Anggaran page's headline: the latest year at its stage in force, to its last month
    years = anggaran.tahun_anggaran()
    info = years.row(years.height - 1, named=True)
    head = anggaran.ringkasan(tahun=info["tahun"], tahap=info["tahap_efektif"],
                              bulan=info["bulan_terakhir"])
    belanja = head.filter(head["pos"] == "belanja").row(0, named=True)
    got = get_json(base, "/api/v1/measures/serapan_anggaran")
    assert got["filters"] == {"tahun": info["tahun"], "tahap": info["tahap_efektif"],
                              "bulan": info["bulan_terakhir"]}
    assert _num(got["value"]) == pytest.approx(belanja["persen"])
    assert got["as_of"] and got["period"]["end"].startswith(str(info["tahun"]))

    # Pengaduan with the page's filters: a year and a channel
    as_of = pengaduan.as_of()
    kanal = pengaduan.filter_options()["kanal"][0][0]
    r = pengaduan.ringkasan(tahun=as_of.year - 1, kanal=kanal)
    got = get_json(base, "/api/v1/measures/tepat_waktu_pengaduan",
                   {"tahun": as_of.year - 1, "kanal": kanal})
    assert _num(got["value"]) == pytest.approx(r["persen_tepat_waktu"])
    assert got["summary"]["jumlah"] == r["jumlah"] and got["as_of"] == as_of.isoformat()
    assert got["period"] == {"start": f"{as_of.year - 1}-01-01",
                             "end": f"{as_of.year - 1}-12-31"}

    alur = pengaduan.alur(tahun=as_of.year)
    got = get_json(base, "/api/v1/measures/alur_pengaduan")
    assert [(x["tahap"], x["jumlah"]) for x in got["rows"]] == \
        [(x["tahap"], x["jumlah"]) for x in alur.iter_rows(named=True)]

    stock = pengaduan.tunggakan()
    got = get_json(base, "/api/v1/measures/tunggakan_pengaduan")
    assert got["value"] == int(stock.filter(stock["sumbu"] == "umur")["jumlah"].sum())

    p = perizinan.ringkasan(tahun=perizinan.as_of().year)
    got = get_json(base, "/api/v1/measures/tepat_waktu_perizinan")
    assert _num(got["value"]) == pytest.approx(p["persen_tepat_waktu"])

    tahun = musrenbang.filter_options()["tahun"][0][0]
    fun = musrenbang.funnel(musrenbang.usulan_filtered(tahun=int(tahun)))
    got = get_json(base, "/api/v1/measures/alur_usulan", {"tahun": tahun})
    assert [x["jumlah"] for x in got["rows"]] == fun["jumlah"].to_list()
    money = musrenbang.money_total(musrenbang.money_per_sub_kegiatan(tahun=int(tahun)))
    got = get_json(base, "/api/v1/measures/uang_usulan", {"tahun": tahun})
    assert _num(got["summary"]["realisasi"]) == pytest.approx(money["realisasi"])


# ---------------------------------------------------------------- OpenAPI, index, headers


def test_openapi_validates_and_every_route_in_it_answers(api_server):
    from openapi_spec_validator import validate

    base = api_server["base"]
    doc = get_json(base, "/api/v1/openapi.json")
    validate(json.loads(json.dumps(doc, default=str)))
    some_request = get_json(base, "/open311/v2/requests.json",
                            {"start_date": "2000-01-01"})[0]["service_request_id"]
    values = {"ticket": api_server["open"], "id": some_request}
    for path, item in doc["paths"].items():
        concrete = path
        for p in item["get"]["parameters"]:
            if p["in"] == "path":
                value = values.get(p["name"], p.get("example"))
                concrete = concrete.replace("{" + p["name"] + "}", urllib.parse.quote(value))
        code, _, body = get(base, concrete)
        assert code == 200, (concrete, body[:300])
    assert set(doc["paths"]) >= {"/api/v1/datasets/{name}/rows.csv", "/catalog.jsonld",
                                 "/open311/v2/requests.json", "/healthz"}


def test_index_links_every_address(api_server):
    links = get_json(api_server["base"], "/api/v1")["links"]
    for key in ("openapi", "datasets", "measures", "catalog", "open311_requests", "health"):
        assert get(api_server["base"], urllib.parse.urlsplit(links[key]).path)[0] == 200


def test_security_headers_everywhere_and_cors_for_the_open_addresses(api_server):
    base = api_server["base"]
    for path, cors in (("/", False), ("/api/v1/datasets", True), ("/catalog.jsonld", True),
                       ("/open311/v2/services.json", True), ("/healthz", False)):
        code, headers, _ = get(base, path)
        assert code == 200, path
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert (headers.get("Access-Control-Allow-Origin") == "*") is cors, path
    request = urllib.request.Request(f"{base}/api/v1/datasets", method="OPTIONS",
                                     headers={"Origin": "https://example.org",
                                              "Access-Control-Request-Method": "GET"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 204
        assert "GET" in answer.headers["Access-Control-Allow-Methods"]


def test_healthz_names_the_data_version(api_server):
    doc = get_json(api_server["base"], "/healthz")
    assert doc["status"] == "ok" and doc["data_version"] == db.data_version()


def test_health_is_false_without_a_warehouse(tmp_path, monkeypatch):
    for key, value in fixture_environ(None, tmp_path).items():
        monkeypatch.setenv(key, value)
    ok, body = server.health()
    assert not ok and body["status"] == "unavailable" and body["warehouse"]


# ---------------------------------------------------------------- a ticket (last: it throttles)


def test_tiket_shows_what_lacak_shows_and_nothing_more(api_server):
    base = api_server["base"]
    view = get_json(base, f"/api/v1/tiket/{api_server['open']}")
    assert view["ticket"] == api_server["open"] and view["kind"] == "pengaduan"
    assert view["judul"] == "Jalan desa berlubang besar" and view["timeline"]
    for private in ("kanal", "kode_skpd", "klasifikasi", "lat", "lng", "kode_desa", "contact"):
        assert private not in view
    assert {e["by"] for e in view["timeline"]} <= {"warga", "petugas"}
    secret = get_json(base, f"/api/v1/tiket/{api_server['secret']}")
    assert secret["rahasia"] is True and secret["judul"] is None and secret["isi"] is None


def test_tiket_lookups_that_miss_are_throttled_like_lacak(api_server):
    base = api_server["base"]
    statuses = [get(base, f"/api/v1/tiket/LTR-0000-00{i:02d}")[0] for i in range(LACAK_LIMIT + 2)]
    assert statuses[0] == 404 and statuses[-1] == 429
    code, headers, body = get(base, f"/api/v1/tiket/{api_server['open']}")
    assert code == 429 and int(headers["Retry-After"]) > 0 and json.loads(body)["error"]
