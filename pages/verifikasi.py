"""Verifikasi: the queue of new complaints and proposals, oldest first, and the verifier's actions."""

import streamlit as st

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import petugas
from lentera.web import kasus, session, ui

PAGE = "verifikasi"
ui.page_header(t("pages.verifikasi"), t("pages.verifikasi_intro"))
user = session.require(PAGE)  # before any data: a URL never bypasses the role check

queue = kasus.queue_table(petugas.queue_verifikasi(st.session_state),
                          ["nomor_tiket", "jenis", "status", "kategori", "kanal",
                           "nama_desa", "masuk", "sisa_hari_kerja", "jeda_panjang"])
if queue is None:
    st.stop()
ticket = kasus.pick_ticket(PAGE, queue)
info = petugas.detail(st.session_state, ticket)
kasus.case_detail(ticket, info)

if info["has_contact"]:
    with st.expander(t("petugas.contact_title"), icon=":material/contact_phone:"):
        why = st.selectbox(t("petugas.contact_reason"), petugas.CONTACT_REASONS,
                           format_func=lambda r: t(f"petugas.r_{r}"), key=f"{PAGE}.contact_reason")
        if st.button(t("petugas.contact_show"), key=f"{PAGE}.contact_show"):
            for c in petugas.reveal_contact(st.session_state, ticket, why):
                st.code(c["value"], language=None)

names = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}
offices = sorted(forms.skpd_codes())


def _target_fields(action: str) -> dict:
    """The dispose target (the category's suggested office first) or the duplicate's ticket."""
    if action == "dispose":
        suggested = info["kode_skpd_saran"]
        if suggested:
            st.caption(t("petugas.suggested", opd=names.get(suggested, suggested)))
        return {"kode_skpd": st.selectbox(
            t("petugas.dispose_to"), offices, key=f"{PAGE}.skpd.{ticket}",
            index=offices.index(suggested) if suggested in offices else 0,
            format_func=lambda k: names.get(k, k))}
    if action == "duplicate":
        return {"duplicate_of": st.text_input(t("petugas.duplicate_of"), max_chars=32,
                                              key=f"{PAGE}.other")}
    return {}


kasus.action_form(PAGE, user, ticket, info, petugas.VERIFIKASI_ACTIONS, extra=_target_fields)
kasus.timeline(info)

# Several tickets at once: route each to its suggested office, or reject/ask with one reason.
complaints = queue.filter(queue["jenis"] == t("lacak.kind_pengaduan"))["nomor_tiket"].to_list()
if len(complaints) > 1:
    with st.expander(t("petugas.bulk_title"), icon=":material/checklist:"):
        bulk = st.radio(t("petugas.bulk_action"), petugas.BULK_ACTIONS, horizontal=True,
                        format_func=lambda a: t(f"petugas.act_{a}"), key=f"{PAGE}.bulk_action")
        if bulk == "dispose":
            st.caption(t("petugas.bulk_use_suggested"))
        with st.form(f"{PAGE}.bulk", border=False):
            chosen = st.multiselect(t("petugas.bulk_pick"), complaints,
                                    max_selections=petugas.MAX_BULK, key=f"{PAGE}.bulk_tickets")
            code = st.selectbox(t("petugas.reason"), petugas.ACTIONS[bulk].reasons,
                                format_func=lambda r: t(f"petugas.r_{r}"),
                                key=f"{PAGE}.bulk_reason")
            note = st.text_area(t("petugas.note"), max_chars=petugas.MAX_NOTE,
                                key=f"{PAGE}.bulk_note")
            go = st.form_submit_button(t("petugas.bulk_submit"), icon=":material/done_all:")
        if go:
            outcome = petugas.act_many(st.session_state, chosen, bulk, code, note)
            for k, v in outcome.items():
                if v is not None:
                    st.error(t("petugas.bulk_failed", ticket=k, message=t(v)))
            done = [k for k, v in outcome.items() if v is None]
            if done:
                st.toast(t("petugas.bulk_done", n=len(done)))
                if len(done) == len(outcome):
                    st.rerun()
