"""Officials' sign-in cookie: signed, HttpOnly, survives refresh and a second tab, revocable,
and an officials' URL opened while signed out goes to Masuk and back."""

from __future__ import annotations

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import wait_idle

from lentera.core.i18n import t
from lentera.store import auth
from lentera.web import signin

PW = "kata-sandi-uji-123"


# ---------------------------------------------------------------- signing rules (store-backed key)

def test_cookie_value_is_signed_and_a_forgery_is_refused(store):
    value = signin.cookie_value("token-abc")
    assert signin.token_from_cookie(value) == "token-abc"
    token, _, sig = value.rpartition(".")
    assert signin.token_from_cookie(f"token-abd.{sig}") is None
    assert signin.token_from_cookie(f"{token}.{'0' * len(sig)}") is None
    for bad in (None, "", "no-dot", ".", "x."):
        assert signin.token_from_cookie(bad) is None


def test_csrf_token_expires_and_cannot_be_made_up(store):
    now = time.time()
    good = signin.csrf_token(now)
    assert signin.csrf_ok(good, now + 60)
    assert not signin.csrf_ok(good, now + signin.CSRF_MAX_AGE + 1)
    issued, _, sig = good.partition(".")
    assert not signin.csrf_ok(f"{int(issued) + 1}.{sig}", now)
    assert not signin.csrf_ok("123.abc", now) and not signin.csrf_ok(None, now)


@pytest.mark.parametrize("value", ["https://evil.example/", "//evil.example", "beranda",
                                   "../masuk", "tinjauan?x=1", "", None])
def test_only_officials_pages_are_return_targets(value):
    assert signin.safe_next(value) is None


# ---------------------------------------------------------------- over HTTP, against a real server

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(own_server):
    return own_server


def _post(base: str, path: str, fields: dict, cookie: str | None = None):
    request = urllib.request.Request(f"{base}{path}", urllib.parse.urlencode(fields).encode(),
                                     method="POST")
    if cookie:
        request.add_header("Cookie", cookie)
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(
        http.cookiejar.CookieJar()))
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # 303 comes back as an "error" without redirects
        return answer


def test_sign_in_route_sets_a_safe_cookie_and_refuses_bad_input(server):
    auth.add_user("verif-h", PW, "verifikator")
    form = {"username": "verif-h", "password": PW, "csrf": signin.csrf_token(),
            "next": "verifikasi", "lang": "en"}
    wrong = _post(server, "/petugas/masuk", form | {"password": "salah-sekali"})
    assert wrong.status == 303 and "galat=invalid" in wrong.headers["Location"]
    assert "Set-Cookie" not in wrong.headers
    stale = _post(server, "/petugas/masuk", form | {"csrf": signin.csrf_token(time.time() - 9e4)})
    assert "galat=form" in stale.headers["Location"]
    outside = _post(server, "/petugas/masuk", form | {"next": "https://evil.example/"})
    assert outside.headers["Location"].startswith("/masuk?")
    ok = _post(server, "/petugas/masuk", form)
    assert ok.status == 303 and ok.headers["Location"].startswith("/verifikasi?")
    cookie = ok.headers["Set-Cookie"]
    assert cookie.startswith(f"{signin.COOKIE}=")
    for flag in ("HttpOnly", "SameSite=lax", "Path=/", f"Max-Age={auth.SESSION_HOURS * 3600}"):
        assert flag.lower() in cookie.lower(), flag
    token = signin.token_from_cookie(cookie.split(";")[0].split("=", 1)[1])
    assert auth.session_from_token(token).username == "verif-h"
    # signing out revokes the session in the store and clears the cookie
    out = _post(server, "/petugas/keluar", {"csrf": signin.csrf_token()},
                cookie=cookie.split(";")[0])
    assert out.status == 303 and f"{signin.COOKIE}=" in out.headers["Set-Cookie"]
    assert auth.session_from_token(token) is None


# ---------------------------------------------------------------- in Chromium

@pytest.mark.browser
def test_officials_url_signs_in_and_comes_back_survives_refresh_and_second_tab(server, browser):
    auth.add_user("verif-c", PW, "verifikator")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{server}/tinjauan")
        wait_idle(page)
        page.wait_for_url("**/masuk?*next=tinjauan*")
        page.get_by_text(t("petugas.masuk_then", page=t("pages.tinjauan"))).wait_for()
        page.get_by_label(t("petugas.username")).fill("verif-c")
        page.get_by_label(t("petugas.password"), exact=True).fill(PW)
        with page.expect_navigation():
            page.get_by_role("button", name=t("petugas.sign_in")).click()
        wait_idle(page)
        page.wait_for_url("**/tinjauan*")
        heading = page.locator("h1").first
        assert heading.inner_text().strip() == t("pages.tinjauan")
        cookie = next(c for c in context.cookies() if c["name"] == signin.COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.reload()
        wait_idle(page)
        assert page.locator("h1").first.inner_text().strip() == t("pages.tinjauan")
        second = context.new_page()
        second.goto(f"{server}/verifikasi")
        wait_idle(second)
        assert second.locator("h1").first.inner_text().strip() == t("pages.verifikasi")
        # sign out in one tab: the other tab's next view is signed out too
        page.goto(f"{server}/masuk")
        wait_idle(page)
        with page.expect_navigation():
            page.get_by_role("button", name=t("petugas.sign_out")).click()
        wait_idle(page)
        assert page.get_by_role("dialog").count() == 0  # no "Page not found" box
        assert not [c for c in context.cookies() if c["name"] == signin.COOKIE]
        second.reload()
        wait_idle(second)
        second.wait_for_url("**/masuk?*next=verifikasi*")
    finally:
        context.close()
