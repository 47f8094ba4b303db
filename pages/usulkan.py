"""Usulkan: a citizen proposes a development project (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.usulkan"), t("pages.usulkan_intro"))

st.info(t("pages.usulkan_coming"), icon=":material/construction:")
