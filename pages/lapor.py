"""Lapor: a citizen files a complaint, with a photo (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lapor"), t("pages.lapor_intro"))

st.info(t("pages.lapor_coming"), icon=":material/construction:")
