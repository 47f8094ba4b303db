"""Officials' sign-in that survives a refresh, a second tab and another replica.

The Masuk page renders a plain HTML form that POSTs to `/petugas/masuk` (a Starlette route beside
Streamlit, see serve.py). The route checks the password, opens a server-side session in the store
and sets an HttpOnly, SameSite=Lax cookie holding the session token and its HMAC signature; every
process of every machine reads the same store, so the cookie works on any replica. Each rerun reads
the cookie back (`st.context.cookies`) and asks the store whether the session is still live (8 h,
30 min idle, revoked, account disabled). `/petugas/keluar` revokes the session and clears the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from lentera.core import config
from lentera.store import auth, keys, ratelimit

COOKIE = "lentera_sesi"
_SECRET_NAME = "session_cookie"
CSRF_MAX_AGE = 4 * 3600  # a sign-in form older than this is refused (reload the page)
# Where a signed-in official may be sent back to: the officials' pages and Masuk itself.
NEXT_PAGES = ("tinjauan", "verifikasi", "tindak-lanjut", "loket", "masuk")


def _key() -> bytes:
    return keys.app_secret_value(_SECRET_NAME).encode()


def _sign(text: str) -> str:
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()[:40]


def cookie_value(token: str) -> str:
    return f"{token}.{_sign('sesi:' + token)}"


def token_from_cookie(value: str | None) -> str | None:
    """The session token of a well-signed cookie value, else None (forged or damaged)."""
    if not value or "." not in value:
        return None
    token, _, sig = value.rpartition(".")
    return token if token and hmac.compare_digest(sig, _sign("sesi:" + token)) else None


def csrf_token(now: float | None = None) -> str:
    """A token for the sign-in/sign-out form: issue time and its signature."""
    issued = str(int(now if now is not None else time.time()))
    return f"{issued}.{_sign('csrf:' + issued)}"


def csrf_ok(value: str | None, now: float | None = None) -> bool:
    if not value or "." not in value:
        return False
    issued, _, sig = value.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(sig, _sign("csrf:" + issued)):
        return False
    return 0 <= (now if now is not None else time.time()) - int(issued) <= CSRF_MAX_AGE


def safe_next(value: str | None) -> str | None:
    """An officials' page to return to (url path), or None: never an outside address."""
    value = (value or "").strip().strip("/")
    return value if value in NEXT_PAGES else None


def _lang(form) -> str:
    return "en" if form.get("lang") == "en" else "id"


def _back_to_masuk(form, **extra: str) -> RedirectResponse:
    query = {"lang": _lang(form)} | extra
    nxt = safe_next(form.get("next"))
    if nxt and nxt != "masuk":
        query["next"] = nxt
    return RedirectResponse("/masuk?" + urlencode(query), status_code=303)


def _secure(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto") if config.trust_proxy() else None
    return (proto or request.url.scheme) == "https"


def client_address(request: Request) -> str | None:
    """The client's address: the trusted proxy's header, else the socket peer (loopback too)."""
    return ratelimit.client_address(request.client.host if request.client else None,
                                    request.headers, config.trust_proxy())


async def sign_in(request: Request) -> RedirectResponse:
    """POST /petugas/masuk: check the password, open a session, set the cookie, go back.

    Failures wait per address (+ name), never per account; unknown names answer like known ones.
    """
    form = await request.form()
    if not csrf_ok(form.get("csrf")):
        return _back_to_masuk(form, galat="form")
    try:
        user = auth.authenticate(str(form.get("username") or ""), str(form.get("password") or ""),
                                 client_address(request))
    except auth.LockedOutError as exc:
        local = exc.until.replace(tzinfo=dt.UTC).astimezone(config.local_zone())
        return _back_to_masuk(form, galat="locked", sampai=local.strftime("%H:%M"))
    except auth.AuthError:
        return _back_to_masuk(form, galat="invalid")
    token = auth.open_session(user)
    # Back to the page that asked for the sign-in, else to Masuk, which names who is signed in.
    nxt = safe_next(form.get("next")) or "masuk"
    response = RedirectResponse(f"/{nxt}?" + urlencode({"lang": _lang(form)}), status_code=303)
    response.set_cookie(COOKIE, cookie_value(token), max_age=auth.SESSION_HOURS * 3600,
                        path="/", httponly=True, samesite="lax", secure=_secure(request))
    return response


async def sign_out(request: Request) -> RedirectResponse:
    """POST /petugas/keluar: revoke the session in the store (every replica) and clear the cookie."""
    form = await request.form()
    response = RedirectResponse("/?" + urlencode({"lang": _lang(form)}), status_code=303)
    if csrf_ok(form.get("csrf")):
        token = token_from_cookie(request.cookies.get(COOKIE))
        if token:
            auth.sign_out({auth.SESSION_KEY: token})
        response.delete_cookie(COOKIE, path="/")
    return response


ROUTES = [Route("/petugas/masuk", sign_in, methods=["POST"]),
          Route("/petugas/keluar", sign_out, methods=["POST"])]
