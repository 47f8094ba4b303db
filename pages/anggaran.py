"""Anggaran: where the budget goes, plan against realisation (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.anggaran"), t("pages.anggaran_intro"))
ui.require_warehouse()

st.info(t("pages.anggaran_coming"), icon=":material/construction:")
