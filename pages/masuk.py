"""Masuk petugas: officials sign in (local account or single sign-on) and sign out."""

import datetime as dt

import streamlit as st

from lentera.core import config
from lentera.core.i18n import t
from lentera.store import auth
from lentera.web import session, ui

ui.page_header(t("petugas.masuk"), t("petugas.masuk_intro"))

user = session.current_user()
if user is not None:
    st.success(t("petugas.signed_in_as", user=user.username,
                 role=t(f"petugas.role_{user.role}")), icon=":material/verified_user:")
    if st.button(t("petugas.sign_out"), icon=":material/logout:", key="petugas_sign_out"):
        auth.sign_out(st.session_state)
        if session.oidc_configured():
            st.logout()
        st.rerun()
    st.stop()

with st.form("petugas_login", border=True):
    username = st.text_input(t("petugas.username"), max_chars=64, key="petugas_username",
                             autocomplete="username")
    password = st.text_input(t("petugas.password"), type="password", max_chars=256,
                             key="petugas_password", autocomplete="current-password")
    submitted = st.form_submit_button(t("petugas.sign_in"), icon=":material/login:",
                                      type="primary")
if submitted:
    try:
        signed_in = auth.authenticate(username, password)
    except auth.LockedOutError as exc:
        local = exc.until.replace(tzinfo=dt.UTC).astimezone(config.local_zone())
        st.error(t("petugas.err_locked", time=local.strftime("%H:%M")), icon=":material/lock:")
    except auth.AuthError:
        st.error(t("petugas.err_invalid"), icon=":material/error:")
    else:
        auth.start_session(st.session_state, signed_in)
        st.rerun()

if session.oidc_configured():
    st.divider()
    st.button(t("petugas.sso"), on_click=st.login, icon=":material/badge:")
