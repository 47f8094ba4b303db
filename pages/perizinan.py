"""Perizinan: permits and civil-registry services and their SLA (placeholder until its engineer fills it)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.perizinan"), t("pages.perizinan_intro"))
ui.require_warehouse()

st.info(t("pages.perizinan_coming"), icon=":material/construction:")
