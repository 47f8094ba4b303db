"""Lapor: a citizen places a complaint (map, point or photo's location), sees open complaints like
it nearby and supports one, or sends theirs with photos, anonymously by default, for a ticket."""

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import lokasi, sla, warga
from lentera.web import components, kiosk, session, ui

SIMILAR = "lapor_similar"
SUPPORTED = "lapor_supported"


def _data() -> dict:
    data = warga.form_data(st.session_state, "lapor", warga.PENGADUAN_FIELDS)
    if kiosk.active():  # filed at a shared screen: channel kiosk, its desa unless one was chosen
        data = warga.kiosk_data(data, kiosk.desa())
    return data


def _contact() -> dict | None:
    state = st.session_state
    return warga.contact_of(state.get("lapor_kontak"), state.get("lapor_setuju", False))


def _now_errors() -> dict:
    data, place_errors = lokasi.placed(_data())
    files = form.files("lapor_foto")
    return {**forms.validate_pengaduan(data, len(files), _contact()), **place_errors}


form = components.CitizenForm("lapor", _now_errors)


def _send() -> None:
    # A callback runs before the page is drawn, so the messages appear beside their fields.
    form.send(lokasi.submit_pengaduan, _data(), form.files("lapor_foto"), _contact(),
              session.session_id(), session.client_address())
    st.session_state.pop(SIMILAR, None)


def _check() -> None:
    # Before sending: open complaints of the same category here are offered to support first.
    state = st.session_state
    errors = _now_errors()
    state[form.errors_key], state[form.retry_key] = errors, 0
    if errors:
        state.pop(SIMILAR, None)
        return
    data, _ = lokasi.placed(_data())
    point = lokasi.point_of(data)
    similar = lokasi.similar_pengaduan(data["kategori"], data["judul"], data["kode_desa"],
                                       *(point or (None, None)))
    if similar.is_empty():
        _send()
    else:
        state[SIMILAR] = similar.to_dicts()


def _support(ticket: str) -> None:
    done = form.stored(lokasi.support_pengaduan, ticket, session.session_id(),
                       session.client_address())
    if done is None:
        return
    count, wait = done
    st.session_state[form.retry_key] = wait
    if count is not None:
        st.session_state[SUPPORTED] = (ticket, count)


# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lapor"), t("pages.lapor_intro"))

if st.session_state.get(SUPPORTED):
    supported, count = st.session_state[SUPPORTED]
    st.success(t("lapor.supported", ticket=supported, n=count), icon=":material/thumb_up:")
    st.page_link("pages/lacak.py", label=t("lapor.track_link"), icon=":material/search:",
                 query_params={"tiket": supported})
    form.start_again_button(t("lapor.new"))
    st.stop()

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
form.location_fields(t("lapor.lokasi_hint"))
st.subheader(t("lapor.photo_heading"), anchor=False)
form.photo_uploader(t("forms.label_foto"), key="lapor_foto")

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
    form.errors_reminder()
    st.form_submit_button(t("lapor.submit"), key="lapor_submit", type="primary", on_click=_check,
                          icon=":material/send:", width="stretch")

similar = st.session_state.get(SIMILAR)
if similar:
    st.subheader(t("lapor.similar_heading"), anchor=False)
    st.caption(t("lapor.similar_intro"))
    for i, item in enumerate(similar):
        with st.container(border=True):
            # Complaints are citizens' words: plain text, never markup.
            st.text(item["judul"] or "–")
            st.caption(t("lapor.similar_item", ticket=item["ticket"],
                         desa=item["nama_desa"] or "–", n=item["support_count"] or 0,
                         status=t(f"lacak.status_{item['status']}")))
            if item["jarak_m"] is not None:
                # rounded to 50 m: another report's exact point is never shown
                st.caption(t("lapor.similar_near", jarak=fmt.number(
                    max(50, round(item["jarak_m"] / 50) * 50))))
            st.button(t("lapor.support"), key=f"lapor_support_{i}", on_click=_support,
                      args=(item["ticket"],), icon=":material/thumb_up:")
    st.button(t("lapor.send_anyway"), key="lapor_send", on_click=_send, type="primary",
              icon=":material/send:")
