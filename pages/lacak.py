"""Lacak: track a complaint or proposal by its ticket number (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lacak"), t("pages.lacak_intro"))

st.info(t("pages.lacak_coming"), icon=":material/construction:")
