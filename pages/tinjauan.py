"""Tinjauan mingguan: the officials' weekly review (arrives with staff sign-in)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.tinjauan"), t("pages.tinjauan_intro"))

st.info(t("common.officials_coming"), icon=":material/lock:")
