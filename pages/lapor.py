"""Lapor: a citizen files a complaint, with photos, anonymously by default, and gets a ticket."""

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import sla, warga
from lentera.web import components, session, ui

form = components.CitizenForm("lapor")


def _send() -> None:
    # A callback runs before the page is drawn, so the messages appear beside their fields.
    state = st.session_state
    files = [(f.name, f.getvalue()) for f in (state.get("lapor_foto") or [])]
    contact = warga.contact_of(state.get("lapor_kontak"), state.get("lapor_setuju", False))
    form.send(warga.submit_pengaduan, warga.form_data(state, form.page, warga.PENGADUAN_FIELDS),
              files, contact, session.session_id(), session.client_address())


# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lapor"), t("pages.lapor_intro"))

ticket = st.session_state.get(form.ticket_key)
if ticket:
    form.receipt(ticket, sent=t("lapor.sent"), your_ticket=t("lapor.your_ticket"),
                 track_link=t("lapor.track_link"), copy_hint=t("lapor.copy_hint"),
                 track_url_caption=t("lapor.track_url"))
    st.subheader(t("lapor.next_heading"), anchor=False)
    view = sla.public_view(ticket) or {}
    if view.get("target_hari_kerja") and view.get("target_date"):
        st.markdown(t("lapor.next_steps", days=view["target_hari_kerja"],
                      date=fmt.date(view["target_date"])))
    else:
        st.markdown(t("lapor.next_steps_nodate"))
    form.start_again_button(t("lapor.new"))
    st.stop()

form.begin(t("lapor.steps"))

with st.form("lapor_form", enter_to_submit=False):
    form.errors_notice(t("lapor.check_fields"))
    kategori = forms.kategori_options()
    st.selectbox(f"{t('forms.label_kategori')} *", kategori, index=None, key="lapor_kategori",
                 placeholder=t("lapor.placeholder_choose"))
    form.field_error("kategori")

    st.text_input(f"{t('forms.label_judul')} *", key="lapor_judul", max_chars=forms.JUDUL[1])
    st.caption(t("lapor.judul_hint", **forms.PARAMS))
    form.field_error("judul")

    st.text_area(f"{t('forms.label_isi')} *", key="lapor_isi", max_chars=forms.ISI[1], height=160)
    st.caption(t("lapor.isi_hint", **forms.PARAMS))
    form.field_error("isi")

    form.desa_and_location(t("lapor.lokasi_hint"))

    form.photo_uploader(t("forms.label_foto"), key="lapor_foto")

    st.subheader(t("lapor.privacy_heading"), anchor=False)
    st.checkbox(t("forms.label_anonim"), value=True, key="lapor_anonim",
                help=t("lapor.anonim_help"))
    st.checkbox(t("forms.label_rahasia"), key="lapor_rahasia", help=t("lapor.rahasia_help"))
    st.text_input(t("forms.label_kontak"), key="lapor_kontak", max_chars=forms.EMAIL_MAX)
    st.caption(t("forms.consent_text"))
    st.checkbox(t("forms.consent_label"), key="lapor_setuju")
    form.field_error("contact")

    form.honeypot()
    form.rate_limited()
    form.field_error("store")
    st.form_submit_button(t("lapor.submit"), key="lapor_submit", type="primary", on_click=_send,
                          icon=":material/send:", width="stretch")
