"""Verifikasi: the moderation queue for new submissions (arrives with staff sign-in)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.verifikasi"), t("pages.verifikasi_intro"))

st.info(t("common.officials_coming"), icon=":material/lock:")
