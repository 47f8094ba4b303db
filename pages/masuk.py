"""Masuk petugas: officials sign in (local account or single sign-on) and sign out.

The password form is plain HTML posted to /petugas/masuk (lentera.web.signin): the route sets the
session cookie, so a refresh, a second tab or another replica keeps the official signed in.
"""

import streamlit as st

from lentera.core.i18n import get_lang, t
from lentera.store import auth
from lentera.web import components, session, signin, ui, url

ui.page_header(t("petugas.masuk"), t("petugas.masuk_intro"))

user = session.current_user()
lang = get_lang()
nxt = signin.safe_next(url.raw_param("next"))
if user is not None:
    if nxt and nxt != "masuk" and user.may(nxt.replace("-", "_")):
        st.switch_page(f"pages/{nxt.replace('-', '_')}.py")  # signed in elsewhere: go on
    st.success(t("petugas.signed_in_as", user=user.username,
                 role=t(f"petugas.role_{user.role}")), icon=":material/verified_user:")
    if session.signed_in_by_cookie():
        st.html(components.post_form("/petugas/keluar", submit=t("petugas.sign_out"), lang=lang,
                                     csrf=signin.csrf_token()))
    elif st.button(t("petugas.sign_out"), icon=":material/logout:", key="petugas_sign_out"):
        auth.sign_out(st.session_state)
        if session.oidc_configured():
            st.logout()
        st.rerun()
    st.stop()

galat = url.raw_param("galat")
if galat == "locked":
    st.error(t("petugas.err_locked", time=url.raw_param("sampai") or "?"), icon=":material/lock:")
elif galat == "invalid":
    st.error(t("petugas.err_invalid"), icon=":material/error:")
elif galat == "form":
    st.warning(t("petugas.err_form_expired"), icon=":material/schedule:")
if nxt and nxt != "masuk":
    st.info(t("petugas.masuk_then", page=t(f"pages.{nxt.replace('-', '_')}")),
            icon=":material/login:")
st.html(components.post_form(
    "/petugas/masuk", submit=t("petugas.sign_in"), lang=lang, csrf=signin.csrf_token(),
    hidden={"next": nxt or ""},
    fields=[("username", t("petugas.username"), "text", "username"),
            ("password", t("petugas.password"), "password", "current-password")]))
st.caption(t("petugas.cookie_note"))

if session.oidc_configured():
    st.divider()
    st.button(t("petugas.sso"), on_click=st.login, icon=":material/badge:")
