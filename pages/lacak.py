"""Lacak: a ticket number (typed or from `?tiket=`) shows its public status, target and history."""

import streamlit as st

from lentera.core import fmt
from lentera.core.i18n import has, t
from lentera.services import warga
from lentera.store import submissions
from lentera.web import session, ui

# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lacak"), t("pages.lacak_intro"))

# The URL seeds the box once per visit (a shared link); typing then drives the URL.
if "lacak_tiket" not in st.session_state:
    st.session_state["lacak_tiket"] = str(st.query_params.get("tiket", ""))[:64]
with st.form("lacak_form", enter_to_submit=True, border=False):
    st.text_input(t("lacak.input"), key="lacak_tiket", max_chars=64,
                  placeholder=t("lacak.input_placeholder"), help=t("lacak.input_help"))
    st.form_submit_button(t("lacak.submit"), icon=":material/search:")

# Lookups that find nothing are counted per device and address (guessing tickets waits).
state, view, events = warga.lookup(st.session_state["lacak_tiket"], session.session_id(),
                                   session.client_address())
if state == "throttled":
    st.warning(t("lacak.throttled", minutes=view["retry_minutes"]), icon=":material/timer:")
    st.stop()
ui.qp_set(tiket=view["ticket"] if view else None)

if state == "empty":
    st.info(t("lacak.empty"), icon=":material/confirmation_number:")
    st.stop()
if state == "malformed":
    st.warning(t("forms.err_ticket_invalid"), icon=":material/error:")
    st.stop()
if state == "unknown":
    st.warning(t("forms.err_not_found"), icon=":material/search_off:")
    st.stop()

st.subheader(f"{t('lacak.kind_' + view['kind'])} {view['ticket']}", anchor=False)

status_col, masuk_col = st.columns(2)
status_col.metric(t("lacak.status"), t(f"lacak.status_{view['status']}"))
masuk_col.metric(t("lacak.masuk"), fmt.date(warga.local_time(view["created_at"])))

if view["kind"] == "pengaduan" and view.get("target_hari_kerja"):
    target_col, sisa_col = st.columns(2)
    # The working days go in the label: on a phone a long metric value is cut off.
    target_col.metric(t("lacak.target_label", days=view["target_hari_kerja"]),
                      fmt.date(view.get("target_date")))
    if view.get("terbuka"):
        if view.get("hari_lewat"):
            sisa_col.metric(t("lacak.sisa"), t("lacak.lewat_value", n=view["hari_lewat"]))
        elif view.get("sisa_hari_kerja") is not None:
            sisa_col.metric(t("lacak.sisa"), t("lacak.sisa_value", n=view["sisa_hari_kerja"]))
    elif view["status"] == "selesai" and view.get("hari_kerja") is not None:
        sisa_col.metric(t("lacak.sisa"), t("lacak.selesai_value", n=view["hari_kerja"]))
    else:
        sisa_col.metric(t("lacak.sisa"), t("lacak.closed_value"))
elif view["kind"] == "pengaduan":
    # no target for the category, or no working-day calendar to count on: say so, not nothing
    st.caption(t("lacak.no_clock"))

lokasi = ", ".join(x for x in (view.get("nama_desa"), view.get("nama_kecamatan")) if x)
if lokasi:
    st.caption(t("lacak.lokasi"))
    st.text(lokasi)

# Citizens' words are shown as plain text: markup or script in them appears literally.
if view["kind"] == "pengaduan":
    st.caption(t("lacak.kategori"))
    st.text(view.get("kategori") or "–")
    if view.get("rahasia"):
        st.info(t("lacak.rahasia"), icon=":material/lock:")
    else:
        st.caption(t("lacak.judul"))
        st.text(view.get("judul") or "–")
        st.caption(t("lacak.isi"))
        st.text(view.get("isi") or "–")
else:
    st.caption(t("lacak.usulan"))
    st.text(view.get("usulan") or "–")
    if view.get("permasalahan"):
        st.caption(t("lacak.permasalahan"))
        st.text(view["permasalahan"])
    st.caption(t("lacak.volume"))
    satuan = warga.satuan_labels().get(view.get("satuan"), view.get("satuan") or "")
    st.text(f"{fmt.number(view.get('volume'), decimals=2 if (view.get('volume') or 0) % 1 else 0)}"
            f" {satuan}")
    if view.get("perkiraan_biaya"):
        st.caption(t("lacak.biaya"))
        st.text(fmt.rupiah_full(view["perkiraan_biaya"], sen=False))
    st.caption(t("lacak.bidang"))
    st.text(view.get("bidang_urusan") or "–")
    tahun_col, dukung_col = st.columns(2)
    tahun_col.metric(t("lacak.tahun_rkpd"), str(view.get("tahun_rkpd") or "–"))
    dukung_col.metric(t("lacak.pendukung"), fmt.number(view.get("support_count") or 0))

for photo in view.get("photos") or []:
    path = submissions.photo_path(photo["file_name"])
    if path is not None:
        st.image(str(path), width=320)

st.subheader(t("lacak.timeline"), anchor=False)
for ev in events:
    with st.container(border=True):
        st.markdown(t("lacak.timeline_item", at=fmt.datetime(warga.local_time(ev["at"])),
                      status=t(f"lacak.status_{ev['to_status']}")))
        role = ev.get("role") or ""
        st.caption(t("lacak.by_role", role=t(f"lacak.role_{role}") if role == "warga"
                     else t("lacak.role_petugas")))
        # the reason an official gave (hides, rejections, pauses, follow-ups) is public
        if ev.get("reason_code") and has(f"petugas.r_{ev['reason_code']}"):
            st.caption(t("lacak.reason", reason=t(f"petugas.r_{ev['reason_code']}")))
        if ev.get("public_note"):
            st.text(ev["public_note"])
st.caption(t("lacak.times_note"))
