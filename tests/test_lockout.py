"""Lock-out without enumeration or denial (issue 13, item 10): unknown, wrong-password and
disabled accounts answer alike; failures wait per address (+ name), never lock the account for
everyone; the audit log still records every failure and the throttle."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import fixture_environ, free_port, start_streamlit, stop_streamlit
from sqlalchemy import select
from test_signin import _NoRedirect

from lentera.store import auth, engine, submissions
from lentera.store.tables import audit_log
from lentera.web import signin

PW = "kata-sandi-uji-123"


def _outcomes(name: str, address: str | None, tries: int) -> list[str]:
    out = []
    for _ in range(tries):
        try:
            auth.authenticate(name, "salah-sekali-ini", address)
            out.append("ok")
        except auth.AuthError as exc:
            out.append(type(exc).__name__)
    return out


def _actions(actor: str) -> list[str]:
    with engine.read_connection() as conn:
        return [r.action for r in conn.execute(select(audit_log.c.action)
                                               .where(audit_log.c.actor == actor)
                                               .order_by(audit_log.c.id))]


def test_unknown_wrong_and_disabled_accounts_answer_alike(store):
    auth.add_user("verif-ada", PW, "verifikator")
    auth.add_user("verif-mati", PW, "verifikator")
    auth.disable_user("verif-mati")
    tries = auth.MAX_FAILED + 2
    expected = ["InvalidCredentialsError"] * (auth.MAX_FAILED - 1) + ["LockedOutError"] * 3
    for i, name in enumerate(("verif-ada", "verif-tidak-ada", "verif-mati")):
        assert _outcomes(name, f"203.0.113.{10 + i}", tries) == expected, name
    # the audit log keeps every failure of a real account, and the moment it began to wait
    assert _actions("verif-ada") == (["login_failed"] * (auth.MAX_FAILED - 1)
                                     + ["login_locked"])


def test_a_throttled_address_does_not_lock_the_official_out(store):
    auth.add_user("opd-kerja", PW, "verifikator")
    assert _outcomes("opd-kerja", "198.51.100.66", auth.MAX_FAILED)[-1] == "LockedOutError"
    with pytest.raises(auth.LockedOutError):  # the attacker's address: the right password waits
        auth.authenticate("opd-kerja", PW, "198.51.100.66")
    # the official at the office signs in as usual
    assert auth.authenticate("opd-kerja", PW, "192.0.2.5").username == "opd-kerja"
    # and an administrator's reset lifts the wait everywhere
    auth.reset_password("opd-kerja", PW + "x")
    assert auth.authenticate("opd-kerja", PW + "x", "198.51.100.66").username == "opd-kerja"


def test_one_address_trying_many_names_waits(store):
    auth.add_user("admin-satu", PW, "admin")
    names = [f"tebak-{i:02d}" for i in range(auth.MAX_FAILED_ADDRESS)]
    for name in names:  # spraying: fewer than MAX_FAILED per name, many names
        try:
            auth.authenticate(name, "salah-sekali-ini", "203.0.113.99")
        except auth.AuthError:
            pass
    with pytest.raises(auth.LockedOutError):
        auth.authenticate("admin-satu", PW, "203.0.113.99")
    assert auth.authenticate("admin-satu", PW, "203.0.113.100").role == "admin"


def test_a_success_clears_the_typos_of_that_name(store):
    auth.add_user("loket-a", PW, "loket")
    for _ in range(2):
        assert _outcomes("loket-a", "192.0.2.9", auth.MAX_FAILED - 1)[-1] == \
            "InvalidCredentialsError"
        assert auth.authenticate("loket-a", PW, "192.0.2.9").username == "loket-a"


# ---------------------------------------------------------------- over HTTP

@pytest.fixture
def proxied_server(fixture_warehouse, tmp_path, monkeypatch):
    env = fixture_environ(fixture_warehouse.db, tmp_path) | {"LENTERA_TRUST_PROXY": "1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    port = free_port()
    proc = start_streamlit(env, port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_streamlit(proc)
        submissions.dispose_all()


def _sign_in(base: str, name: str, password: str, address: str):
    """POST the sign-in form through a trusted proxy: (where it sends back to, cookie set?)."""
    form = {"username": name, "password": password, "csrf": signin.csrf_token(), "lang": "id"}
    request = urllib.request.Request(f"{base}/petugas/masuk",
                                     urllib.parse.urlencode(form).encode(), method="POST")
    request.add_header("X-Forwarded-For", f"6.6.6.6, {address}")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        answer = opener.open(request, timeout=30)
    except urllib.error.HTTPError as redirect:
        answer = redirect
    location = answer.headers["Location"]
    # the time of day differs from one run to the next: compare the kind of answer
    return location.split("&sampai=")[0], "Set-Cookie" in answer.headers


def test_sign_in_route_answers_alike_and_throttles_by_address(proxied_server):
    auth.add_user("verif-http", PW, "verifikator")
    seen = {}
    for name, address in (("verif-http", "203.0.113.120"), ("verif-nihil", "203.0.113.121")):
        seen[name] = [_sign_in(proxied_server, name, "salah-sekali", address)
                      for _ in range(auth.MAX_FAILED + 1)]
    assert seen["verif-http"] == seen["verif-nihil"]
    kinds = [location for location, _ in seen["verif-http"]]
    assert kinds[0] == "/masuk?lang=id&galat=invalid" and kinds[-1] == "/masuk?lang=id&galat=locked"
    # the forged first hop of X-Forwarded-For is not the address: the last hop is
    assert _sign_in(proxied_server, "verif-http", PW, "203.0.113.120")[0].endswith("galat=locked")
    location, cookie = _sign_in(proxied_server, "verif-http", PW, "192.0.2.120")
    assert location.startswith("/masuk?") and "galat" not in location and cookie
