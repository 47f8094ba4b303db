"""Verifikasi: the queue of new complaints and proposals, oldest first, and the verifier's actions."""

import streamlit as st

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import petugas
from lentera.web import components, session, ui

PAGE = "verifikasi"
ui.page_header(t("pages.verifikasi"), t("pages.verifikasi_intro"))
user = session.require(PAGE)  # before any data: a URL never bypasses the role check

queue = components.queue_table(petugas.queue_verifikasi(st.session_state),
                               ["nomor_tiket", "jenis", "status", "kategori", "kanal",
                                "nama_desa", "masuk", "sisa_hari_kerja", "jeda_panjang"])
if queue is None:
    st.stop()
ticket = components.pick_ticket(PAGE, queue)
info = petugas.detail(st.session_state, ticket)
components.case_detail(ticket, info, place=True)

if info["has_contact"]:
    with st.expander(t("petugas.contact_title"), icon=":material/contact_phone:"):
        why = st.selectbox(t("petugas.contact_reason"), petugas.CONTACT_REASONS,
                           format_func=lambda r: t(f"petugas.r_{r}"), key=f"{PAGE}.contact_reason")
        if st.button(t("petugas.contact_show"), key=f"{PAGE}.contact_show"):
            for c in petugas.reveal_contact(st.session_state, ticket, why):
                st.code(c["value"], language=None)


def _target_fields(action: str) -> dict:
    """The dispose target or the duplicate's ticket, when the action needs one."""
    if action == "dispose":
        names = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}
        return {"kode_skpd": st.selectbox(t("petugas.dispose_to"), sorted(forms.skpd_codes()),
                                          key=f"{PAGE}.skpd", format_func=lambda k: names.get(k, k))}
    if action == "duplicate":
        return {"duplicate_of": st.text_input(t("petugas.duplicate_of"), max_chars=32,
                                              key=f"{PAGE}.other")}
    return {}


components.action_form(PAGE, user, ticket, info, petugas.VERIFIKASI_ACTIONS, extra=_target_fields)
components.timeline(info, reasons=True)
