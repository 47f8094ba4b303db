"""Usulkan: a citizen proposes a project, sees similar proposals nearby, supports one or sends."""

import datetime as dt

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import lokasi, warga
from lentera.web import components, session, ui

SIMILAR = "usulkan_similar"
SUPPORTED = "usulkan_supported"


def _data() -> dict:
    return warga.form_data(st.session_state, "usulkan", warga.USULAN_FIELDS)


def _now_errors() -> dict:
    data, place_errors = lokasi.placed(_data())
    return {**forms.validate_usulan(data, len(form.files("usulkan_foto"))), **place_errors}


form = components.CitizenForm("usulkan", _now_errors)


def _check() -> None:
    # Step 1 (a callback, so messages sit beside their fields): validate, then look around.
    state = st.session_state
    errors = _now_errors()
    state[form.errors_key], state[form.retry_key] = errors, 0
    state.pop(SIMILAR, None)
    if errors:
        return
    data, _ = lokasi.placed(_data())
    similar = warga.similar_proposals(data["usulan"], data["kode_desa"],
                                      forms.number_or_none(data.get("lat")),
                                      forms.number_or_none(data.get("lng")))
    state[SIMILAR] = similar.to_dicts()


def _send() -> None:
    form.send(lokasi.submit_usulan, _data(), session.session_id(), session.client_address(),
              form.files("usulkan_foto"))


def _support(ticket: str) -> None:
    state = st.session_state
    done = form.stored(warga.support_usulan, ticket, session.session_id(),
                       session.client_address())
    if done is None:
        return
    count, wait = done
    state[form.retry_key] = wait
    if count is not None:
        state[SUPPORTED] = (ticket, count)


# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.usulkan"), t("pages.usulkan_intro"))

if st.session_state.get(SUPPORTED):
    ticket, count = st.session_state[SUPPORTED]
    st.success(t("usulkan.supported", ticket=ticket, n=count), icon=":material/thumb_up:")
    st.page_link("pages/lacak.py", label=t("usulkan.track_link"), icon=":material/search:",
                 query_params={"tiket": ticket})
    form.start_again_button(t("usulkan.new"))
    st.stop()

ticket = st.session_state.get(form.ticket_key)
if ticket:
    form.receipt(ticket, sent=t("usulkan.sent"), your_ticket=t("usulkan.your_ticket"),
                 track_link=t("usulkan.track_link"))
    st.markdown(t("usulkan.next_steps", tahun=dt.date.today().year + 1))
    form.start_again_button(t("usulkan.new"))
    st.stop()

form.begin(t("usulkan.steps"))
form.location_fields(t("usulkan.lokasi_hint", radius=fmt.number(warga.RADIUS_DESA_M)))
st.subheader(t("lapor.photo_heading"), anchor=False)
form.photo_uploader(t("forms.label_foto"), key="usulkan_foto")

with st.form("usulkan_form", enter_to_submit=False):
    form.errors_notice(t("usulkan.check_fields"))
    st.text_input(f"{t('forms.label_usulan')} *", key="usulkan_usulan", max_chars=forms.USULAN[1])
    st.caption(t("usulkan.usulan_hint", **forms.PARAMS))
    form.field_error("usulan")

    st.text_area(t("forms.label_permasalahan"), key="usulkan_permasalahan",
                 max_chars=forms.PERMASALAHAN_MAX, height=100)
    st.caption(t("usulkan.permasalahan_hint", **forms.PARAMS))
    form.field_error("permasalahan")

    left, right = st.columns(2)
    with left:
        st.text_input(f"{t('forms.label_volume')} *", key="usulkan_volume",
                      placeholder=t("usulkan.volume_hint"))
        form.field_error("volume")
    with right:
        satuan = warga.satuan_labels()
        st.selectbox(f"{t('forms.label_satuan')} *", list(satuan), index=None,
                     format_func=satuan.get, key="usulkan_satuan",
                     placeholder=t("lapor.placeholder_choose"))
        form.field_error("satuan")

    st.text_input(t("forms.label_perkiraan_biaya"), key="usulkan_perkiraan_biaya",
                  placeholder=t("usulkan.biaya_hint"))
    form.field_error("perkiraan_biaya")

    st.selectbox(f"{t('forms.label_bidang_urusan')} *", forms.bidang_options(), index=None,
                 key="usulkan_bidang_urusan", placeholder=t("lapor.placeholder_choose"))
    form.field_error("bidang_urusan")

    form.honeypot()

    form.errors_reminder()
    st.form_submit_button(t("usulkan.check"), key="usulkan_check", type="primary",
                          on_click=_check,
                          icon=":material/travel_explore:", width="stretch")

form.rate_limited()

similar = st.session_state.get(SIMILAR)
if similar is not None:
    st.subheader(t("usulkan.similar_heading"), anchor=False)
    if not similar:
        st.info(t("usulkan.similar_none"), icon=":material/check:")
    else:
        st.caption(t("usulkan.similar_intro"))
    for i, item in enumerate(similar):
        with st.container(border=True):
            # Proposals are citizens' words: plain text, never markup.
            st.text(item["usulan"] or "–")
            st.caption(t("usulkan.similar_item", desa=item["nama_desa"] or "–",
                         kecamatan=item["nama_kecamatan"] or "–",
                         jarak=fmt.number(item["jarak_m"]),
                         status=t(f"usulkan.status_{item['status']}")))
            if item["warga"]:
                st.caption(t("usulkan.similar_supporters", n=item["support_count"] or 0))
                st.button(t("usulkan.support"), key=f"usulkan_support_{i}", on_click=_support,
                          args=(item["id_usulan"],), icon=":material/thumb_up:")
            else:
                note = lokasi.proposal_note(item["status"], item["tahun_rkpd"],
                                            dt.date.today().year)
                st.caption(t(f"usulkan.similar_{note}", tahun=item["tahun_rkpd"] or "–",
                             status=t(f"usulkan.status_{item['status']}")))
    if similar:
        st.caption(t("usulkan.send_anyway_help"))
    form.field_error("store")
    st.button(t("usulkan.send_anyway"), key="usulkan_send", on_click=_send, type="primary",
              icon=":material/send:")
