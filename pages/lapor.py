"""Lapor: a citizen files a complaint, with photos, anonymously by default, and gets a ticket."""

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import warga
from lentera.store import photos, submissions
from lentera.web import ui

PAGE = "lapor"
ERRORS = "lapor_errors"
RETRY = "lapor_retry_minutes"
REFUSED = "lapor_refused_file"
TICKET = "lapor_ticket"


def _send() -> None:
    # A callback runs before the page is drawn, so the messages appear beside their fields.
    state = st.session_state
    files = [(f.name, f.getvalue()) for f in (state.get("lapor_foto") or [])]
    contact = warga.contact_of(state.get("lapor_kontak"), state.get("lapor_setuju", False))
    result = warga.submit_pengaduan(warga.form_data(state, PAGE, warga.PENGADUAN_FIELDS), files,
                                    contact, warga.session_id(), warga.client_address())
    state[ERRORS], state[RETRY] = result.errors, result.retry_minutes
    state[REFUSED] = result.refused_file
    if result.ok:
        state[TICKET] = result.ticket


def _start_again() -> None:
    for key in [k for k in st.session_state if str(k).startswith("lapor_")]:
        del st.session_state[key]


def _field_error(field: str) -> None:
    key = st.session_state.get(ERRORS, {}).get(field)
    if key:
        refused = st.session_state.get(REFUSED) if field == "photos" else None
        st.error(warga.error_text(key, refused), icon=":material/error:")


# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lapor"), t("pages.lapor_intro"))

ticket = st.session_state.get(TICKET)
if ticket:
    st.success(t("lapor.sent"), icon=":material/check_circle:")
    st.markdown(t("lapor.your_ticket"))
    st.header(ticket, anchor=False)
    st.code(ticket, language=None)
    st.caption(t("lapor.copy_hint"))
    st.page_link("pages/lacak.py", label=t("lapor.track_link"), icon=":material/search:",
                 query_params={"tiket": ticket})
    st.caption(t("lapor.track_url"))
    st.code(warga.tracking_url(st.context.url, ticket), language=None, wrap_lines=True)
    st.subheader(t("lapor.next_heading"), anchor=False)
    view = submissions.public_view(ticket) or {}
    if view.get("target_hari_kerja") and view.get("target_date"):
        st.markdown(t("lapor.next_steps", days=view["target_hari_kerja"],
                      date=fmt.date(view["target_date"])))
    else:
        st.markdown(t("lapor.next_steps_nodate"))
    st.button(t("lapor.new"), key="lapor_new", on_click=_start_again,
              icon=":material/add:")
    st.stop()

st.caption(t("lapor.steps"))
errors = st.session_state.get(ERRORS, {})

# Outside the form: the desa list below must follow the chosen kecamatan at once.
kecamatan = warga.kecamatan_labels()
st.selectbox(f"{t('forms.label_kecamatan')} *", list(kecamatan), index=None,
             format_func=kecamatan.get, key="lapor_kode_kecamatan",
             placeholder=t("lapor.placeholder_choose"), help=t("lapor.kecamatan_help"),
             on_change=lambda: st.session_state.pop("lapor_kode_desa", None))
_field_error("kode_kecamatan")

with st.form("lapor_form", enter_to_submit=False):
    if errors:
        st.error(t("lapor.check_fields"), icon=":material/error:")
    kategori = forms.kategori_options()
    st.selectbox(f"{t('forms.label_kategori')} *", kategori, index=None, key="lapor_kategori",
                 placeholder=t("lapor.placeholder_choose"))
    _field_error("kategori")

    st.text_input(f"{t('forms.label_judul')} *", key="lapor_judul", max_chars=forms.JUDUL[1])
    st.caption(t("lapor.judul_hint", **forms.PARAMS))
    _field_error("judul")

    st.text_area(f"{t('forms.label_isi')} *", key="lapor_isi", max_chars=forms.ISI[1], height=160)
    st.caption(t("lapor.isi_hint", **forms.PARAMS))
    _field_error("isi")

    desa = warga.desa_labels(st.session_state.get("lapor_kode_kecamatan"))
    st.selectbox(f"{t('forms.label_desa')} *", list(desa), index=None, format_func=desa.get,
                 key="lapor_kode_desa", placeholder=t("lapor.placeholder_choose"))
    _field_error("kode_desa")

    with st.expander(t("forms.label_lokasi"), expanded=bool(errors.get("lat"))):
        st.caption(t("lapor.lokasi_hint"))
        left, right = st.columns(2)
        left.text_input(t("lapor.lat"), key="lapor_lat")
        right.text_input(t("lapor.lng"), key="lapor_lng")
    _field_error("lat")

    st.file_uploader(t("forms.label_foto"), type=list(warga.PHOTO_TYPES),
                     accept_multiple_files=True, key="lapor_foto",
                     max_upload_size=photos.MAX_BYTES // (1024 * 1024))
    st.caption(forms.message("forms.photo_note"))
    _field_error("photos")

    st.subheader(t("lapor.privacy_heading"), anchor=False)
    st.checkbox(t("forms.label_anonim"), value=True, key="lapor_anonim",
                help=t("lapor.anonim_help"))
    st.checkbox(t("forms.label_rahasia"), key="lapor_rahasia", help=t("lapor.rahasia_help"))
    st.text_input(t("forms.label_kontak"), key="lapor_kontak", max_chars=forms.EMAIL_MAX)
    st.caption(t("forms.consent_text"))
    st.checkbox(t("forms.consent_label"), key="lapor_setuju")
    _field_error("contact")

    # Honeypot: people never open this expander; form-filling robots fill every input they find.
    with st.expander(t("lapor.robots")):
        st.caption(t("lapor.robots_note"))
        st.text_input(t("forms.label_honeypot"), key=f"lapor_{forms.HONEYPOT_FIELD}")
    _field_error(forms.HONEYPOT_FIELD)

    if st.session_state.get(RETRY):
        st.error(t("forms.rate_limited", minutes=st.session_state[RETRY]),
                 icon=":material/hourglass_top:")
    st.form_submit_button(t("lapor.submit"), key="lapor_submit", type="primary", on_click=_send,
                          icon=":material/send:", width="stretch")
