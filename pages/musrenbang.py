"""Musrenbang: the proposals map and the planning pipeline (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.musrenbang"), t("pages.musrenbang_intro"))
ui.require_warehouse()

st.info(t("pages.musrenbang_coming"), icon=":material/construction:")
