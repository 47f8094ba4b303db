"""Pengaduan: complaints received, their status and their SLA (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.pengaduan"), t("pages.pengaduan_intro"))
ui.require_warehouse()

st.info(t("pages.pengaduan_coming"), icon=":material/construction:")
