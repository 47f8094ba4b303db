"""The visitor's Streamlit session: who is signed in (local or single sign-on), the device id
and client address the limits count by. The rules themselves live in lentera.store.auth and
lentera.store.ratelimit (which documents why the device is the `_streamlit_xsrf` token)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lentera.core import config
from lentera.core.i18n import get_lang, t
from lentera.store import auth, ratelimit
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


XSRF_COOKIE = "_streamlit_xsrf"  # set by Streamlit on the browser's first request


def device_id() -> str | None:
    """This browser's device id: the stable token of Streamlit's XSRF cookie (survives a reload)."""
    return ratelimit.device_from_xsrf(_cookie(XSRF_COOKIE))


def session_id() -> str | None:
    """The id the limits count this visitor by: the device id, else Streamlit's session id (no
    cookie: AppTest, scripts), else None outside a script run."""
    device = device_id()
    if device:
        return device
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _socket_address() -> str | None:
    # st.context.ip_address hides loopback (None on localhost and behind a same-host proxy);
    # the limits need the peer as it is, so read the connection's own record first.
    try:
        from streamlit import runtime

        ctx = get_script_run_ctx()
        client = runtime.get_instance().get_client(ctx.session_id) if ctx is not None else None
        remote = getattr(getattr(client, "client_context", None), "remote_ip", None)
        if remote:
            return str(remote)
    except Exception:  # another Streamlit server or no runtime: the public property below
        pass
    try:
        return st.context.ip_address
    except (AttributeError, RuntimeError):
        return None


def client_address() -> str | None:
    """The visitor's address for the limits: the trusted proxy's header, else the socket peer."""
    try:
        headers: Mapping[str, str] = (dict(st.context.headers)
                                      if st.context.headers is not None else {})
    except (AttributeError, RuntimeError):
        headers = {}
    return ratelimit.client_address(_socket_address(), headers, config.trust_proxy())
