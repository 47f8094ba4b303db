"""The visitor's Streamlit session: who is signed in (local or single sign-on), the session id
and client address used by the rate limit. The rules themselves live in lentera.store.auth."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lentera.core import config
from lentera.core.i18n import get_lang, t
from lentera.services import warga
from lentera.store import auth
from lentera.web import signin


def state() -> MutableMapping:
    """This visitor's session state (the mapping lentera.store.auth reads and writes)."""
    return st.session_state


def oidc_configured() -> bool:
    """True when Streamlit's secrets carry an `[auth]` section (then `st.login` is offered)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all is the common case
        return False


def _oidc_user() -> auth.User | None:
    if not oidc_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
    except (AttributeError, KeyError):
        return None
    return auth.lookup(email) if email else None


def _cookie(name: str) -> str | None:
    try:
        return st.context.cookies.get(name)
    except (AttributeError, RuntimeError):  # outside a browser request (AppTest, scripts)
        return None


def signed_in_by_cookie() -> bool:
    """True when this visitor's sign-in comes from the officials' session cookie."""
    token = signin.token_from_cookie(_cookie(signin.COOKIE))
    return token is not None and token == auth.session_token(state())


def current_user() -> auth.User | None:
    """The signed-in official (the sign-in cookie, this session, or single sign-on), re-checked now."""
    session = state()
    token = signin.token_from_cookie(_cookie(signin.COOKIE))
    if token is not None:
        user = auth.session_from_token(token)
        if user is not None:
            session[auth.SESSION_KEY] = token  # services check the role through this mapping
            return user
    user = auth.session_user(session)
    if user is None:
        sso = _oidc_user()
        if sso is not None:
            auth.start_session(session, sso)
            return sso
    return user


def sign_in_first(page: str):
    """The stand-in for an officials' page this visitor may not open: signed out, it goes to
    Masuk (which comes back here after sign-in); signed in with another role, it says so."""
    def stand_in() -> None:
        if current_user() is None:
            st.switch_page("pages/masuk.py", query_params={"next": page.replace("_", "-"),
                                                          "lang": get_lang()})
        st.warning(t("petugas.err_denied"), icon=":material/lock:")
    stand_in.__name__ = f"sign_in_first_{page}"  # Streamlit names a function page by it
    return stand_in


def require(page: str) -> auth.User:
    """The signed-in user if their role may use `page`; else a notice and `st.stop()`."""
    user = current_user()
    if user is None or not user.may(page):
        st.warning(t("petugas.err_denied"), icon=":material/lock:")
        try:
            st.page_link("pages/masuk.py", label=t("petugas.masuk"), icon=":material/login:")
        except st.errors.StreamlitAPIException:  # run outside app.py's navigation
            pass
        st.stop()
    return user


def session_id() -> str | None:
    """This browser session's id (Streamlit's), or None outside a script run."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def client_address() -> str | None:
    """The visitor's address for the rate limit (None on localhost or outside a request)."""
    try:
        ip = st.context.ip_address
        headers: Mapping[str, str] = (dict(st.context.headers)
                                      if st.context.headers is not None else {})
    except (AttributeError, RuntimeError):
        return None
    return warga.address_from(ip, headers, config.trust_proxy())
