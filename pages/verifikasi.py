"""Verifikasi: the queue of new complaints and proposals, oldest first, and the verifier's actions."""

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import petugas
from lentera.store import auth
from lentera.web import ui

ui.page_header(t("pages.verifikasi"), t("pages.verifikasi_intro"))
user = auth.require("verifikasi")  # before any data: a URL never bypasses the role check

queue_raw = petugas.queue_verifikasi(st.session_state)
queue = petugas.labelled(queue_raw, t)
if queue.is_empty():
    st.info(t("petugas.queue_empty"), icon=":material/task_alt:")
    st.stop()
st.caption(t("petugas.queue_count", n=fmt.number(queue.height)))
st.dataframe(
    queue.select(
        "nomor_tiket", "jenis", "status", "kategori", "kanal", "nama_desa",
        queue["tanggal_masuk"].dt.date().alias("masuk"), "sisa_hari_kerja"),
    hide_index=True, width="stretch",
    column_config={"nomor_tiket": t("petugas.col_tiket"), "jenis": t("petugas.col_jenis"),
                   "status": t("petugas.col_status"), "kategori": t("petugas.col_kategori"),
                   "kanal": t("petugas.col_kanal"), "nama_desa": t("petugas.col_desa"),
                   "masuk": st.column_config.DateColumn(t("petugas.col_masuk"), format="D MMM YYYY"), "sisa_hari_kerja": t("petugas.col_sisa")})

tickets = queue["nomor_tiket"].to_list()
chosen = ui.qp_get("tiket", tickets[0], allowed=tickets)
ticket = st.selectbox(t("petugas.pick"), tickets, index=tickets.index(chosen),
                      key="verif_ticket")
ui.qp_set(tiket=ticket)
info = petugas.detail(st.session_state, ticket)

st.subheader(ticket, anchor=False)
if info["rahasia"]:
    st.caption(t("petugas.rahasia"))
if info["judul"]:
    st.markdown(f"**{info['judul']}**")
st.text(info["isi"] or "")
st.caption(" · ".join(x for x in (info["kategori"], info["nama_desa"], info["nama_kecamatan"])
                      if x))

if info["has_contact"]:
    with st.expander(t("petugas.contact_title"), icon=":material/contact_phone:"):
        why = st.selectbox(t("petugas.contact_reason"), petugas.CONTACT_REASONS,
                           format_func=lambda r: t(f"petugas.r_{r}"), key="verif_contact_reason")
        if st.button(t("petugas.contact_show"), key="verif_contact_show"):
            for c in petugas.reveal_contact(st.session_state, ticket, why):
                st.code(c["value"], language=None)

actions = [a for a in petugas.allowed_actions(user, info["kind"], info["status"])
           if a in petugas.VERIFIKASI_ACTIONS]
action = st.radio(t("petugas.action"), actions, format_func=lambda a: t(f"petugas.act_{a}"),
                  key="verif_action")
with st.form("verif_form", border=True):
    reason = st.selectbox(t("petugas.reason"), petugas.ACTIONS[action].reasons,
                          format_func=lambda r: t(f"petugas.r_{r}"), key="verif_reason")
    skpd = other = None
    if action == "dispose":
        options = sorted(forms.skpd_codes())
        names = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}
        skpd = st.selectbox(t("petugas.dispose_to"), options, key="verif_skpd",
                            format_func=lambda k: names.get(k, k))
    if action == "duplicate":
        other = st.text_input(t("petugas.duplicate_of"), max_chars=32, key="verif_other")
    note = st.text_area(t("petugas.note"), max_chars=petugas.MAX_NOTE, key="verif_note")
    go = st.form_submit_button(t("petugas.submit"), type="primary", icon=":material/send:")
if go:
    try:
        done = petugas.act(st.session_state, ticket, action, reason, note, kode_skpd=skpd,
                           duplicate_of=other)
    except (petugas.PetugasError, auth.AuthError) as exc:
        st.error(t("petugas.err_refused", why=str(exc)), icon=":material/block:")
    else:
        st.toast(t("petugas.done", ticket=ticket, status=t(f"lacak.status_{done['to_status']}")))
        ui.qp_set(tiket=None)
        st.rerun()

with st.expander(t("petugas.timeline")):
    for ev in info["timeline"]:
        st.markdown(f"- {fmt.date(ev['at'].date())} · {t('lacak.status_' + ev['to_status'])}"
                    + (f" · `{ev['reason_code']}`" if ev["reason_code"] else "")
                    + (f" — {ev['public_note']}" if ev["public_note"] else ""))
