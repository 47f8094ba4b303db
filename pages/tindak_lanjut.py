"""Tindak lanjut: an office's complaints (disposed to its kode_skpd), follow-up and closing."""

import streamlit as st

from lentera.core.i18n import t
from lentera.services import petugas
from lentera.web import kasus, session, ui

PAGE = "tindak_lanjut"
ui.page_header(t("pages.tindak_lanjut"), t("pages.tindak_lanjut_intro"))
user = session.require(PAGE)  # before any data: a URL never bypasses the role check

queue = kasus.queue_table(petugas.queue_opd(st.session_state),
                          ["nomor_tiket", "status", "kategori", "kanal", "nama_desa", "masuk",
                           "sisa_hari_kerja", "jeda_panjang"])
if queue is None:
    st.stop()
ticket = kasus.pick_ticket(PAGE, queue)  # another office's ticket in the URL: ignored
info = petugas.detail(st.session_state, ticket)
kasus.case_detail(ticket, info)
kasus.action_form(PAGE, user, ticket, info, petugas.TINDAK_LANJUT_ACTIONS, horizontal=True)
kasus.timeline(info)
