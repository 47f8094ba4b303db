"""Tindak lanjut: an office's follow-up of the complaints routed to it (arrives with staff sign-in)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.tindak_lanjut"), t("pages.tindak_lanjut_intro"))

st.info(t("common.officials_coming"), icon=":material/lock:")
