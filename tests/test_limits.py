"""Limits that hold (issue 13, item 5): the client address and the device a reload cannot change,
limits kept in the store, one support per proposal per device and per address, Lacak lookups
throttled per address and device, and no ticket number in the public citizen-report download."""

from __future__ import annotations

import asyncio
import binascii
import concurrent.futures
import os
import urllib.request

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit
from test_submissions import complaint, proposal

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import warga
from lentera.store import ratelimit, submissions
from lentera.warehouse import catalog


@pytest.fixture
def store(store, monkeypatch):
    """conftest's fresh store (SQLite, then PostgreSQL), created, with a salt of its own."""
    monkeypatch.delenv("LENTERA_RATELIMIT_SALT", raising=False)
    submissions.init()
    return store


def _xsrf(token: bytes, mask: bytes | None = None) -> str:
    """A `_streamlit_xsrf` value as Streamlit writes it: 2|mask|token XOR mask|time."""
    mask = mask or os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    return f"2|{binascii.hexlify(mask).decode()}|{binascii.hexlify(masked).decode()}|1700000000"


# ---------------------------------------------------------------- who is asking

def test_the_address_is_the_socket_unless_a_trusted_proxy_says_otherwise():
    forged = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9"}
    # loopback is an address like any other: a same-host visitor is still counted
    assert ratelimit.client_address("127.0.0.1", forged, trust_proxy=False) == "127.0.0.1"
    assert ratelimit.client_address("::1", {}, trust_proxy=False) == "::1"
    # behind the proxy: the last hop (what nginx appended), never the client's own entries
    assert ratelimit.client_address("127.0.0.1", forged, trust_proxy=True) == "203.0.113.9"
    assert ratelimit.client_address("127.0.0.1", {"x-real-ip": "198.51.100.4"},
                                    trust_proxy=True) == "198.51.100.4"
    assert ratelimit.client_address("127.0.0.1", {}, trust_proxy=True) == "127.0.0.1"


def test_the_device_is_the_xsrf_token_whatever_its_mask():
    token = os.urandom(16)
    first, after_reload = _xsrf(token), _xsrf(token)
    assert first != after_reload  # Streamlit re-masks the cookie on every response
    assert ratelimit.device_from_xsrf(first) == ratelimit.device_from_xsrf(after_reload) \
        == token.hex()
    assert ratelimit.device_from_xsrf(_xsrf(os.urandom(16))) != token.hex()
    for bad in (None, "", "2|zz|yy|1", "2|00", "short"):
        assert ratelimit.device_from_xsrf(bad) is None


# ---------------------------------------------------------------- kept in the store

def test_a_reload_does_not_reset_the_submission_limit(store):
    device = os.urandom(16).hex()
    for _ in range(ratelimit.LIMIT):
        assert ratelimit.check_and_record(device, "198.51.100.20").allowed
    # a reload: a new Streamlit session, the same browser (device) and the same address
    assert not ratelimit.check_and_record(device, "198.51.100.20").allowed
    # the same browser on another network is still the same device
    assert not ratelimit.check_and_record(device, "192.0.2.77").allowed
    # another browser behind the same address is the same address
    assert not ratelimit.check_and_record(os.urandom(16).hex(), "198.51.100.20").allowed
    assert ratelimit.check_and_record(os.urandom(16).hex(), "192.0.2.78").allowed


def test_one_support_per_proposal_per_device_and_per_address(store):
    ticket = submissions.create_usulan(proposal(), [], None)
    dev_a, dev_b, dev_c = (os.urandom(16).hex() for _ in range(3))
    assert warga.support_usulan(ticket, dev_a, "203.0.113.30") == (1, 0)
    # six tries from one browser (the pentest's count) still make one supporter
    for address in ("203.0.113.30", "203.0.113.31", "203.0.113.32"):
        assert warga.support_usulan(ticket, dev_a, address)[0] == 1
    assert warga.support_usulan(ticket, dev_b, "203.0.113.30")[0] == 1  # same address
    assert warga.support_usulan(ticket, dev_c, "203.0.113.33") == (2, 0)
    assert submissions.public_view(ticket)["support_count"] == 2
    # another proposal may be supported by the same visitor
    other = submissions.create_usulan(proposal(usulan="Pembangunan jembatan gantung desa"), [], None)
    assert warga.support_usulan(other, dev_a, "203.0.113.30") == (1, 0)
    with pytest.raises(submissions.SubmissionNotFoundError):
        warga.support_usulan("USL-0000-0000", dev_c, "203.0.113.34")


def test_lacak_lookups_that_find_nothing_are_throttled(store, monkeypatch):
    monkeypatch.setattr(ratelimit, "LACAK_LIMIT", 3)
    ticket = submissions.create_pengaduan(complaint(), [])
    device, address = os.urandom(16).hex(), "198.51.100.40"
    assert warga.lookup(ticket, device, address)[0] == "found"  # finding is never counted
    for guess in ("LTR-0000-0001", "LTR-0000-0002", "bukan tiket"):
        assert warga.lookup(guess, device, address)[0] in ("unknown", "malformed")
    state, view, events = warga.lookup(ticket, device, address)  # even the right ticket waits
    assert state == "throttled" and view["retry_minutes"] >= 1 and events == []
    # a reload, another browser on the same address, the same browser elsewhere: all wait
    assert warga.lookup(ticket, os.urandom(16).hex(), address)[0] == "throttled"
    assert warga.lookup(ticket, device, "192.0.2.41")[0] == "throttled"
    assert warga.lookup(ticket, os.urandom(16).hex(), "192.0.2.42")[0] == "found"


def test_the_public_citizen_download_carries_no_ticket(store):
    tickets = [submissions.create_pengaduan(complaint(), []) for _ in range(3)]
    live = catalog.laporan_warga()
    assert catalog.LIVE_ID in live.columns and "nomor_tiket" not in live.columns
    text = live.write_csv()
    assert not [x for x in tickets if x in text or x.replace("-", "") in text]
    ids = live[catalog.LIVE_ID].to_list()
    assert len(set(ids)) == 3 and all(i.startswith("W-") for i in ids)
    assert catalog.laporan_warga()[catalog.LIVE_ID].to_list() == ids  # stable across downloads
    columns = catalog.laporan_warga_dictionary("en")["kolom"].to_list()
    assert catalog.LIVE_ID in columns and "nomor_tiket" not in columns


# ---------------------------------------------------------------- over a real server

def _cookie_from_server(base: str, cookie: str | None = None) -> str:
    request = urllib.request.Request(f"{base}/_stcore/health")
    if cookie:
        request.add_header("Cookie", f"_streamlit_xsrf={cookie}")
    with urllib.request.urlopen(request, timeout=10) as resp:
        header = resp.headers.get("Set-Cookie") or ""
    assert header.startswith("_streamlit_xsrf="), header
    return header.split(";")[0].split("=", 1)[1].strip('"')


async def _lacak_view(port: int, ticket: str, cookie: str, forwarded: str) -> list[str]:
    """One page load of Lacak (a new websocket = a reload); the text of its last alert."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    headers = {"Cookie": f"_streamlit_xsrf={cookie}", "X-Forwarded-For": forwarded}
    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", max_size=None,
                                  additional_headers=headers, open_timeout=60) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = "lacak"
        msg.rerun_script.query_string = f"tiket={ticket}"
        await ws.send(msg.SerializeToString())
        texts = []
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") == "alert":
                    texts.append(element.alert.body)
            if kind == "script_finished" and \
                    fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return texts[-1:]  # the page's own answer (a sample-data notice comes first)


@pytest.fixture
def limited_server(fixture_warehouse, tmp_path, monkeypatch):
    env = fixture_environ(fixture_warehouse.db, tmp_path) | {
        "LENTERA_LACAK_LIMIT": "3", "LENTERA_TRUST_PROXY": "1",
        "LENTERA_RATELIMIT_SALT": "garam-uji-server"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    port = free_port()
    proc = start_streamlit(env, port)
    try:
        yield port
    finally:
        stop_streamlit(proc)
        submissions.dispose_all()


def test_reloading_lacak_does_not_reset_its_limit_over_http(limited_server):
    port, base = limited_server, f"http://127.0.0.1:{limited_server}"
    not_found, waiting = forms.message("forms.err_not_found"), t("lacak.throttled", minutes=0)[:40]

    def load(ticket: str, cookie: str, forwarded: str) -> list[str]:
        # A thread of its own: after the browser tests, Playwright's loop runs in this one.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, _lacak_view(port, ticket, cookie, forwarded)).result()

    cookie = _cookie_from_server(base)
    for n in range(3):  # three reloads of a guessed ticket, each a new Streamlit session
        # the browser sends back what the server set; the server re-masks it every time
        cookie = _cookie_from_server(base, cookie)
        assert load(f"LTR-0000-000{n + 1}", cookie, "203.0.113.70") == [not_found]
    assert [x[:40] for x in load("LTR-0000-0009", cookie, "203.0.113.70")] == [waiting]
    # the same browser from another address: the device waits
    assert [x[:40] for x in load("LTR-0000-0009", cookie, "198.51.100.71")] == [waiting]
    # another browser from the same address: the address waits
    fresh = _cookie_from_server(base)
    assert [x[:40] for x in load("LTR-0000-0009", fresh, "203.0.113.70")] == [waiting]
    # someone else entirely is not affected
    assert load("LTR-0000-0009", _cookie_from_server(base), "192.0.2.72") == [not_found]
