"""Input loket: staff enter walk-in, phone and WhatsApp complaints (arrives with staff sign-in)."""

import streamlit as st

from lentera import ui
from lentera.i18n import t

ui.page_header(t("pages.loket"), t("pages.loket_intro"))

st.info(t("common.officials_coming"), icon=":material/lock:")
