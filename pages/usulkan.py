"""Usulkan: a citizen proposes a project, sees similar proposals nearby, supports one or sends."""

import datetime as dt

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import t
from lentera.services import warga
from lentera.web import ui

PAGE = "usulkan"
ERRORS = "usulkan_errors"
RETRY = "usulkan_retry_minutes"
REFUSED = "usulkan_refused_file"
SIMILAR = "usulkan_similar"
TICKET = "usulkan_ticket"
SUPPORTED = "usulkan_supported"


def _data() -> dict:
    return warga.form_data(st.session_state, PAGE, warga.USULAN_FIELDS)


def _check() -> None:
    # Step 1 (a callback, so messages sit beside their fields): validate, then look around.
    state, data = st.session_state, _data()
    errors = forms.validate_usulan(data)
    state[ERRORS], state[RETRY] = errors, 0
    state.pop(SIMILAR, None)
    if errors:
        return
    similar = warga.similar_proposals(data["usulan"], data["kode_desa"],
                                      forms.number_or_none(data.get("lat")),
                                      forms.number_or_none(data.get("lng")))
    state[SIMILAR] = similar.to_dicts()


def _send() -> None:
    state = st.session_state
    result = warga.submit_usulan(_data(), warga.session_id(), warga.client_address())
    state[ERRORS], state[RETRY] = result.errors, result.retry_minutes
    state[REFUSED] = result.refused_file
    if result.ok:
        state[TICKET] = result.ticket


def _support(ticket: str) -> None:
    state = st.session_state
    count, wait = warga.support_usulan(ticket, warga.session_id(), warga.client_address())
    state[RETRY] = wait
    if count is not None:
        state[SUPPORTED] = (ticket, count)


def _start_again() -> None:
    for key in [k for k in st.session_state if str(k).startswith("usulkan_")]:
        del st.session_state[key]


def _field_error(field: str) -> None:
    key = st.session_state.get(ERRORS, {}).get(field)
    if key:
        refused = st.session_state.get(REFUSED) if field == "photos" else None
        st.error(warga.error_text(key, refused), icon=":material/error:")


# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.usulkan"), t("pages.usulkan_intro"))

if st.session_state.get(SUPPORTED):
    ticket, count = st.session_state[SUPPORTED]
    st.success(t("usulkan.supported", ticket=ticket, n=count), icon=":material/thumb_up:")
    st.page_link("pages/lacak.py", label=t("usulkan.track_link"), icon=":material/search:",
                 query_params={"tiket": ticket})
    st.button(t("usulkan.new"), key="usulkan_new", on_click=_start_again, icon=":material/add:")
    st.stop()

ticket = st.session_state.get(TICKET)
if ticket:
    st.success(t("usulkan.sent"), icon=":material/check_circle:")
    st.markdown(t("usulkan.your_ticket"))
    st.header(ticket, anchor=False)
    st.code(ticket, language=None)
    st.page_link("pages/lacak.py", label=t("usulkan.track_link"), icon=":material/search:",
                 query_params={"tiket": ticket})
    st.code(warga.tracking_url(st.context.url, ticket), language=None, wrap_lines=True)
    st.markdown(t("usulkan.next_steps", tahun=dt.date.today().year + 1))
    st.button(t("usulkan.new"), key="usulkan_new", on_click=_start_again, icon=":material/add:")
    st.stop()

st.caption(t("usulkan.steps"))
errors = st.session_state.get(ERRORS, {})

# Outside the form: the desa list below must follow the chosen kecamatan at once.
kecamatan = warga.kecamatan_labels()
st.selectbox(f"{t('forms.label_kecamatan')} *", list(kecamatan), index=None,
             format_func=kecamatan.get, key="usulkan_kode_kecamatan",
             placeholder=t("lapor.placeholder_choose"), help=t("lapor.kecamatan_help"),
             on_change=lambda: st.session_state.pop("usulkan_kode_desa", None))
_field_error("kode_kecamatan")

with st.form("usulkan_form", enter_to_submit=False):
    if errors:
        st.error(t("usulkan.check_fields"), icon=":material/error:")
    st.text_input(f"{t('forms.label_usulan')} *", key="usulkan_usulan", max_chars=forms.USULAN[1])
    st.caption(t("usulkan.usulan_hint", **forms.PARAMS))
    _field_error("usulan")

    st.text_area(t("forms.label_permasalahan"), key="usulkan_permasalahan",
                 max_chars=forms.PERMASALAHAN_MAX, height=100)
    st.caption(t("usulkan.permasalahan_hint", **forms.PARAMS))
    _field_error("permasalahan")

    desa = warga.desa_labels(st.session_state.get("usulkan_kode_kecamatan"))
    st.selectbox(f"{t('forms.label_desa')} *", list(desa), index=None, format_func=desa.get,
                 key="usulkan_kode_desa", placeholder=t("lapor.placeholder_choose"))
    _field_error("kode_desa")

    with st.expander(t("forms.label_lokasi"), expanded=bool(errors.get("lat"))):
        st.caption(t("usulkan.lokasi_hint", radius=fmt.number(warga.RADIUS_DESA_M)))
        left, right = st.columns(2)
        left.text_input(t("lapor.lat"), key="usulkan_lat")
        right.text_input(t("lapor.lng"), key="usulkan_lng")
    _field_error("lat")

    left, right = st.columns(2)
    with left:
        st.text_input(f"{t('forms.label_volume')} *", key="usulkan_volume",
                      placeholder=t("usulkan.volume_hint"))
        _field_error("volume")
    with right:
        satuan = warga.satuan_labels()
        st.selectbox(f"{t('forms.label_satuan')} *", list(satuan), index=None,
                     format_func=satuan.get, key="usulkan_satuan",
                     placeholder=t("lapor.placeholder_choose"))
        _field_error("satuan")

    st.text_input(t("forms.label_perkiraan_biaya"), key="usulkan_perkiraan_biaya",
                  placeholder=t("usulkan.biaya_hint"))
    _field_error("perkiraan_biaya")

    st.selectbox(f"{t('forms.label_bidang_urusan')} *", forms.bidang_options(), index=None,
                 key="usulkan_bidang_urusan", placeholder=t("lapor.placeholder_choose"))
    _field_error("bidang_urusan")

    # Honeypot: people never open this expander; form-filling robots fill every input they find.
    with st.expander(t("lapor.robots")):
        st.caption(t("lapor.robots_note"))
        st.text_input(t("forms.label_honeypot"), key=f"usulkan_{forms.HONEYPOT_FIELD}")
    _field_error(forms.HONEYPOT_FIELD)

    st.form_submit_button(t("usulkan.check"), key="usulkan_check", type="primary",
                          on_click=_check,
                          icon=":material/travel_explore:", width="stretch")

if st.session_state.get(RETRY):
    st.error(t("forms.rate_limited", minutes=st.session_state[RETRY]),
             icon=":material/hourglass_top:")

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
            elif item["status"] in ("ditolak", "dikembalikan"):
                st.caption(t("usulkan.similar_closed", tahun=item["tahun_rkpd"] or "–"))
            else:
                st.caption(t("usulkan.similar_recorded", tahun=item["tahun_rkpd"] or "–"))
    if similar:
        st.caption(t("usulkan.send_anyway_help"))
    st.button(t("usulkan.send_anyway"), key="usulkan_send", on_click=_send, type="primary",
              icon=":material/send:")
