"""Prepared downloads over real HTTP: /unduh/latest/… and /unduh/<version>/…, streamed with
Content-Length, ETag and Range (resumed byte-exactly), gzip for CSV when asked, and a 1 GB file
served without the server's memory growing by more than 100 MB."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import random
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit

from lentera.warehouse import catalog
from lentera.web import downloads

BIG_VERSION = "20000101T000000Z-besar"
BIG_FILE = f"lentera_usulan_{BIG_VERSION.lower()}.csv"
BIG_BYTES = 1024 ** 3  # 1 GB, sparse: a few random blocks at known places, zeros between
MARK = 64 * 1024


def _version(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
    finally:
        con.close()


def _big_file(folder: Path) -> str:
    """Write the 1 GB sparse file and its manifest; returns the file's sha256."""
    folder.mkdir(parents=True)
    rng = random.Random(42)
    path = folder / BIG_FILE
    with open(path, "wb") as out:
        out.truncate(BIG_BYTES)
        for offset in range(0, BIG_BYTES, 64 * 1024 * 1024):
            out.seek(offset + rng.randrange(0, 1024 * 1024))
            out.write(rng.randbytes(MARK))
    (folder / catalog.MANIFEST).write_text(json.dumps({
        "data_version": BIG_VERSION, "datasets": {"usulan": {"rows": 1, "files": {
            "csv": {"file": BIG_FILE, "bytes": BIG_BYTES, "rows": 1}}, "notes": {}}}}))
    return _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while chunk := src.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def server(fixture_warehouse, tmp_path_factory):
    """A real server over a data dir holding the fixture's exports and a 1 GB fake version."""
    data = tmp_path_factory.mktemp("unduh")
    db = data / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse.db, db)
    version = _version(db)
    shutil.copytree(fixture_warehouse.db.parent / "exports" / version, data / "exports" / version)
    big_sha = _big_file(data / "exports" / BIG_VERSION)
    env = fixture_environ(db, data)
    port = free_port()
    proc = start_streamlit(env, port)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "port": port, "pid": proc.pid,
               "version": version, "exports": data / "exports", "big_sha": big_sha}
    finally:
        stop_streamlit(proc)


def request(base: str, path: str, headers: dict | None = None, method: str = "GET"):
    """(status, headers, body) of one request; urllib sends no Accept-Encoding by itself."""
    req = urllib.request.Request(base + path, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _manifest(server) -> dict:
    return json.loads((server["exports"] / server["version"] / catalog.MANIFEST).read_text())


@pytest.mark.parametrize("fmt_name", ["csv", "csv_excel", "parquet", "xlsx", "geojson"])
def test_latest_serves_the_current_versions_file(server, fmt_name):
    entry = _manifest(server)["datasets"]["usulan"]["files"][fmt_name]
    path = server["exports"] / server["version"] / entry["file"]
    status, headers, body = request(server["base"], "/" + catalog.latest_url("usulan", fmt_name))
    assert status == 200
    assert body == path.read_bytes()
    assert int(headers["Content-Length"]) == path.stat().st_size
    assert headers["ETag"] and headers["Accept-Ranges"] == "bytes"
    assert entry["file"] in headers["Content-Disposition"]
    assert catalog.download_url(server["version"], entry["file"]) in headers["Link"]
    # the versioned address serves the same bytes and may be cached for ever
    status, vheaders, vbody = request(server["base"], "/" + catalog.download_url(
        server["version"], entry["file"]))
    assert status == 200 and vbody == body and "immutable" in vheaders["Cache-Control"]


def test_package_and_manifest_have_latest_addresses(server):
    doc = _manifest(server)
    status, _, body = request(server["base"], "/unduh/latest/manifest.json")
    assert status == 200 and json.loads(body)["data_version"] == server["version"]
    status, headers, body = request(server["base"], "/unduh/latest/paket-data.zip")
    assert status == 200 and len(body) == doc["package"]["bytes"]
    assert headers["Content-Type"] == "application/zip"


@pytest.mark.parametrize("path", [
    "/unduh/latest/tidak_ada.csv", "/unduh/latest/usulan.exe", "/unduh/latest/..%2Fwarehouse.duckdb",
    "/unduh/..%2F..%2Fetc/passwd", "/unduh/20990101T000000Z-x/lentera_usulan.csv",
])
def test_unknown_names_are_404_and_never_reach_the_file_system(server, path):
    status, headers, body = request(server["base"], path)
    # Streamlit's path-security middleware answers 400 to an encoded `..` before any route
    assert status in (400, 404) and server["big_sha"].encode() not in body, (path, body[:200])
    assert status == 404 or "%2F" in path


def test_only_files_the_manifest_lists_are_served(server):
    stray = server["exports"] / server["version"] / "catatan.txt"
    stray.write_text("not a published file")
    status, _, _ = request(server["base"], f"/unduh/{server['version']}/catatan.txt")
    assert status == 404


def test_csv_is_gzipped_when_asked_and_other_formats_are_not(server):
    files = _manifest(server)["datasets"]["usulan"]["files"]
    raw = (server["exports"] / server["version"] / files["csv"]["file"]).read_bytes()
    status, headers, body = request(server["base"], "/unduh/latest/usulan.csv",
                                    {"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == raw and len(body) < len(raw)
    plain_etag = request(server["base"], "/unduh/latest/usulan.csv")[1]["ETag"]
    assert headers["ETag"] != plain_etag and "Accept-Encoding" in headers["Vary"]
    # a range asks for bytes of the file itself: never gzipped
    status, headers, body = request(server["base"], "/unduh/latest/usulan.csv",
                                    {"Accept-Encoding": "gzip", "Range": "bytes=10-99"})
    assert status == 206 and "Content-Encoding" not in headers and body == raw[10:100]
    # Parquet is compressed already: sent as is, with its length
    parquet = (server["exports"] / server["version"] / files["parquet"]["file"]).read_bytes()
    status, headers, body = request(server["base"], "/unduh/latest/usulan.parquet",
                                    {"Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers
    assert int(headers["Content-Length"]) == len(parquet) and body == parquet
    # gzip refused with q=0
    status, headers, _ = request(server["base"], "/unduh/latest/usulan.csv",
                                 {"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in headers


def test_etag_revalidates_with_304(server):
    status, headers, _ = request(server["base"], "/unduh/latest/usulan.parquet")
    status, again, body = request(server["base"], "/unduh/latest/usulan.parquet",
                                  {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]


def test_head_gives_the_length_without_the_body(server):
    status, headers, body = request(server["base"], f"/unduh/{BIG_VERSION}/{BIG_FILE}",
                                    method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == BIG_BYTES


def test_an_interrupted_download_resumes_byte_exactly(server):
    """Read part of the 1 GB file, drop the connection, resume with Range + If-Range."""
    path = f"/unduh/{BIG_VERSION}/{BIG_FILE}"
    cut = 300 * 1024 * 1024 + 12345  # inside nothing special: any byte must do
    digest = hashlib.sha256()
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=120)
    conn.request("GET", path)
    resp = conn.getresponse()
    etag = resp.getheader("ETag")
    got = 0
    while got < cut:
        chunk = resp.read(min(1024 * 1024, cut - got))
        digest.update(chunk)
        got += len(chunk)
    conn.close()  # the weak connection drops
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=120)
    conn.request("GET", path, headers={"Range": f"bytes={cut}-", "If-Range": etag})
    resp = conn.getresponse()
    assert resp.status == 206
    assert resp.getheader("Content-Range") == f"bytes {cut}-{BIG_BYTES - 1}/{BIG_BYTES}"
    assert int(resp.getheader("Content-Length")) == BIG_BYTES - cut
    while chunk := resp.read(4 * 1024 * 1024):
        digest.update(chunk)
        got += len(chunk)
    conn.close()
    assert got == BIG_BYTES and digest.hexdigest() == server["big_sha"]
    # an If-Range that no longer matches gets the whole file, never mixed bytes
    status, headers, _ = request(server["base"], path, {"Range": "bytes=0-9",
                                                        "If-Range": '"stale"'}, method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) == BIG_BYTES


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_1gb_download_does_not_grow_the_servers_memory(server):
    """Sample the server's VmRSS every 20 ms while a client reads the whole 1 GB file."""
    request(server["base"], "/unduh/latest/usulan.csv")  # routes and threads warmed up
    before = _rss_kb(server["pid"])
    peak, done = [before], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak.append(_rss_kb(server["pid"]))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    got = 0
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=300)
        conn.request("GET", f"/unduh/{BIG_VERSION}/{BIG_FILE}")
        resp = conn.getresponse()
        assert resp.status == 200 and int(resp.getheader("Content-Length")) == BIG_BYTES
        while chunk := resp.read(1024 * 1024):
            got += len(chunk)
        conn.close()
    finally:
        done.set()
        sampler.join()
    assert got == BIG_BYTES
    assert len(peak) > 10, "the sampler saw too little of the download"
    growth_mb = (max(peak) - before) / 1024
    print(f"RSS before {before // 1024} MB, peak {max(peak) // 1024} MB, {len(peak)} samples")
    assert growth_mb < 100, f"server RSS grew {growth_mb:.0f} MB during a 1 GB download"


def test_accepts_gzip():
    assert downloads.accepts_gzip("gzip, deflate, br")
    assert downloads.accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert downloads.accepts_gzip("*")
    assert not downloads.accepts_gzip("gzip;q=0")
    assert not downloads.accepts_gzip("identity")
    assert not downloads.accepts_gzip("")


def test_catalog_resolves_only_listed_files(server, monkeypatch):
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(server["exports"].parent / "warehouse.duckdb"))
    assert catalog.export_file(BIG_VERSION, BIG_FILE) == server["exports"] / BIG_VERSION / BIG_FILE
    assert catalog.export_file(BIG_VERSION, "../warehouse.duckdb") is None
    assert catalog.export_file("../..", "passwd") is None
    assert catalog.prepared_folder("20990101T000000Z-x") is None
    assert os.path.basename(catalog.latest_url("usulan", "csv_excel")) == "usulan_excel.csv"
