"""Data: the open-data catalogue, data dictionary and downloads (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.data"), t("pages.data_intro"))
ui.require_warehouse()

st.info(t("pages.data_coming"), icon=":material/construction:")
