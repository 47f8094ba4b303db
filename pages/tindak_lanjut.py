"""Tindak lanjut: an office's complaints (disposed to its kode_skpd), follow-up and closing."""

import streamlit as st

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.services import petugas
from lentera.store import auth
from lentera.web import ui

ui.page_header(t("pages.tindak_lanjut"), t("pages.tindak_lanjut_intro"))
user = auth.require("tindak_lanjut")  # before any data: a URL never bypasses the role check

queue_raw = petugas.queue_opd(st.session_state)
queue = petugas.labelled(queue_raw, t)
if queue.is_empty():
    st.info(t("petugas.queue_empty"), icon=":material/task_alt:")
    st.stop()
st.caption(t("petugas.queue_count", n=fmt.number(queue.height)))
st.dataframe(
    queue.select("nomor_tiket", "status", "kategori", "nama_desa",
                 queue["tanggal_masuk"].dt.date().alias("masuk"), "sisa_hari_kerja"),
    hide_index=True, width="stretch",
    column_config={"nomor_tiket": t("petugas.col_tiket"), "status": t("petugas.col_status"),
                   "kategori": t("petugas.col_kategori"), "nama_desa": t("petugas.col_desa"),
                   "masuk": st.column_config.DateColumn(t("petugas.col_masuk"), format="D MMM YYYY"), "sisa_hari_kerja": t("petugas.col_sisa")})

tickets = queue["nomor_tiket"].to_list()
chosen = ui.qp_get("tiket", tickets[0], allowed=tickets)  # another office's ticket: ignored
ticket = st.selectbox(t("petugas.pick"), tickets, index=tickets.index(chosen), key="tl_ticket")
ui.qp_set(tiket=ticket)
info = petugas.detail(st.session_state, ticket)

st.subheader(ticket, anchor=False)
if info["rahasia"]:
    st.caption(t("petugas.rahasia"))
if info["judul"]:
    st.markdown(f"**{info['judul']}**")
st.text(info["isi"] or "")

actions = [a for a in petugas.allowed_actions(user, info["kind"], info["status"])
           if a in petugas.TINDAK_LANJUT_ACTIONS]
action = st.radio(t("petugas.action"), actions, format_func=lambda a: t(f"petugas.act_{a}"),
                  key="tl_action", horizontal=True)
with st.form("tl_form", border=True):
    reason = st.selectbox(t("petugas.reason"), petugas.ACTIONS[action].reasons,
                          format_func=lambda r: t(f"petugas.r_{r}"), key="tl_reason")
    note = st.text_area(t("petugas.note"), max_chars=petugas.MAX_NOTE, key="tl_note")
    go = st.form_submit_button(t("petugas.submit"), type="primary", icon=":material/send:")
if go:
    try:
        done = petugas.act(st.session_state, ticket, action, reason, note)
    except (petugas.PetugasError, auth.AuthError) as exc:
        st.error(t("petugas.err_refused", why=str(exc)), icon=":material/block:")
    else:
        st.toast(t("petugas.done", ticket=ticket, status=t(f"lacak.status_{done['to_status']}")))
        ui.qp_set(tiket=None)
        st.rerun()

with st.expander(t("petugas.timeline")):
    for ev in info["timeline"]:
        st.markdown(f"- {fmt.date(ev['at'].date())} · {t('lacak.status_' + ev['to_status'])}"
                    + (f" — {ev['public_note']}" if ev["public_note"] else ""))
