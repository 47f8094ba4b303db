"""Input loket: staff and village volunteers enter paper, phone, WhatsApp and walk-in complaints."""

import streamlit as st

from lentera.core import forms
from lentera.core.i18n import get_lang, t
from lentera.services import petugas
from lentera.store import auth, submissions
from lentera.web import session, ui

ui.page_header(t("pages.loket"), t("pages.loket_intro"))
session.require("loket")  # before any form: a URL never bypasses the role check

issued = st.session_state.get("loket_issued")
if issued:
    st.success(t("petugas.loket_done", ticket=issued), icon=":material/confirmation_number:")
    st.download_button(t("petugas.slip_download"), petugas.slip_pdf(issued, lang=get_lang()),
                       file_name=f"slip-{issued}.pdf", mime="application/pdf",
                       icon=":material/print:", key="loket_slip")

kanal = st.radio(t("petugas.loket_kanal"), petugas.LOKET_KANAL, horizontal=True,
                 format_func=lambda k: t(f"petugas.k_{k}"), key="loket_kanal")
kec = forms.kecamatan_options()
kode_kec = st.selectbox(t("petugas.loket_kecamatan"), [k["kode_kecamatan"] for k in kec],
                        format_func={k["kode_kecamatan"]: k["nama_kecamatan"] for k in kec}.get,
                        key="loket_kec")
desa = forms.desa_options(kode_kec)
with st.form("loket_form", border=True, clear_on_submit=True):
    kode_desa = st.selectbox(t("petugas.loket_desa"), [d["kode_desa"] for d in desa],
                             format_func={d["kode_desa"]: d["nama_desa"] for d in desa}.get)
    kategori = st.selectbox(t("petugas.col_kategori"), forms.kategori_options())
    judul = st.text_input(t("petugas.loket_judul"), max_chars=forms.JUDUL[1])
    isi = st.text_area(t("petugas.loket_isi"), max_chars=forms.ISI[1])
    rahasia = st.checkbox(t("petugas.loket_rahasia"))
    kontak = st.text_input(t("petugas.loket_kontak"), max_chars=forms.EMAIL_MAX)
    consent = st.checkbox(t("petugas.loket_consent"))
    go = st.form_submit_button(t("petugas.loket_submit"), type="primary", icon=":material/save:")
if go:
    contact = {"value": kontak, "consent": consent} if kontak.strip() else None
    data = {"kategori": kategori, "judul": judul, "isi": isi, "kode_desa": kode_desa,
            "rahasia": rahasia}
    try:
        st.session_state["loket_issued"] = petugas.create_loket(st.session_state, data, kanal,
                                                                contact)
    except submissions.SubmissionValidationError as exc:
        for message in forms.messages(exc.errors).values():
            st.error(message, icon=":material/error:")
    except (petugas.PetugasError, auth.AuthError) as exc:
        ui.show_error(exc, key="petugas.err_refused", icon=":material/block:")
    else:
        st.rerun()
