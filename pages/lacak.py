"""Lacak: a ticket number (typed or from `?tiket=`) shows its public status, target and history."""

from urllib.parse import quote

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import has, t
from lentera.services import notify, umpan_balik, warga
from lentera.store import submissions
from lentera.web import session, ui


def _ask_fixed(ticket: str, loop: umpan_balik.Loop) -> None:
    """"Sudah selesai?": yes closes the case, not yet (with a reason) reopens it."""
    st.subheader(t("lacak.selesai_judul"), anchor=False)
    st.markdown(t("lacak.selesai_tanya", date=fmt.date(loop.answer_until)) if loop.answer_until
                else t("lacak.selesai_tanya_tanpa_tanggal"))
    if st.button(t("lacak.jawab_sudah"), key="lacak_sudah", icon=":material/check_circle:",
                 type="primary"):
        _answered(umpan_balik.answer(ticket, loop.event_id, True, None,
                                     session.session_id(), session.client_address()))
    with st.form("lacak_belum_form", border=True, enter_to_submit=False):
        st.text_area(t("lacak.alasan_label"), key="lacak_alasan", max_chars=1000, height=100)
        if st.form_submit_button(t("lacak.kirim_belum"), icon=":material/replay:"):
            error, wait = umpan_balik.answer(ticket, loop.event_id, False,
                                             st.session_state.get("lacak_alasan"),
                                             session.session_id(), session.client_address())
            if error is None and not wait:
                st.session_state["lacak_pesan"] = "lacak.dibuka_kembali"
            _answered((error, wait))


def _answered(outcome: tuple[str | None, int]) -> None:
    error, wait = outcome
    if wait:
        st.warning(t("lacak.terlalu_sering", minutes=wait), icon=":material/timer:")
    elif error:
        st.warning(t(error), icon=":material/error:")
    else:
        st.rerun()


def _rate(ticket: str) -> None:
    """The one rating of a closed case: the overall question, the nine elements optional."""
    st.subheader(t("lacak.nilai_judul"), anchor=False)
    scale = list(umpan_balik.SKALA)
    with st.form("lacak_nilai_form", border=True, enter_to_submit=False):
        st.radio(t("lacak.nilai_label"), scale, index=None, key="lacak_nilai",
                 format_func=lambda v: t(f"lacak.skala_{v}"))
        with st.expander(t("lacak.unsur_rinci")):
            for u in umpan_balik.UNSUR:
                st.radio(t(f"lacak.{u}"), scale, index=None, key=f"lacak_{u}", horizontal=True)
        st.text_area(t("lacak.komentar"), key="lacak_komentar", max_chars=1000, height=80)
        if st.form_submit_button(t("lacak.kirim_nilai"), icon=":material/star:", type="primary"):
            state = st.session_state
            _answered(umpan_balik.rate(ticket, state.get("lacak_nilai"),
                                       {u: state.get(f"lacak_{u}") for u in umpan_balik.UNSUR},
                                       state.get("lacak_komentar"), session.session_id(),
                                       session.client_address()))


def _ask_built(ticket: str, built: umpan_balik.BuiltLoop) -> None:
    """"Sudah dibangun?" for a proposal in the plan: built, or not yet with a reason; a photo."""
    st.subheader(t("lacak.dibangun_judul"), anchor=False)
    st.markdown(t("lacak.dibangun_tanya"))
    with st.form("lacak_dibangun_form", border=True, enter_to_submit=False):
        st.radio(t("lacak.dibangun_jawaban"), [True, False], index=None, key="lacak_dibangun",
                 format_func=lambda v: t("lacak.dibangun_sudah" if v else "lacak.dibangun_belum"))
        st.text_area(t("lacak.dibangun_alasan"), key="lacak_dibangun_alasan", max_chars=1000,
                     height=100)
        # no type filter: every file is checked by content and refused in words
        st.file_uploader(t("lacak.dibangun_foto"), key="lacak_dibangun_foto",
                         max_upload_size=forms.UPLOAD_MAX_MB)
        st.caption(t("lacak.dibangun_foto_catatan"))
        if st.form_submit_button(t("lacak.dibangun_kirim"), icon=":material/send:",
                                 type="primary"):
            state = st.session_state
            choice = state.get("lacak_dibangun")
            if choice is None:
                st.warning(t("lacak.err_pilih_jawaban"), icon=":material/error:")
                return
            upload = state.get("lacak_dibangun_foto")
            outcome = umpan_balik.answer_built(
                ticket, built.event_id, choice, state.get("lacak_dibangun_alasan"),
                upload.getvalue() if upload is not None else None, session.session_id(),
                session.client_address())
            if outcome == (None, 0):
                state["lacak_pesan_dibangun"] = True
            _answered(outcome)


def _built_answer(answer) -> None:
    """The proposer's answer on the proposal's timeline, in words, with its photo."""
    with st.container(border=True):
        key = f"lacak.dibangun_riwayat_{'sudah' if answer.jawaban == 'sudah' else 'belum'}"
        st.markdown(t(key, date=fmt.datetime(warga.local_time(answer.answered_at))))
        st.caption(t("lacak.by_role", role=t("lacak.role_warga")))
        if answer.alasan:
            st.text(answer.alasan)
        path = submissions.photo_path(answer.foto) if answer.foto else None
        if path is not None:
            st.image(str(path), width=320)


# Citizen forms write to the submissions store, not the warehouse: no require_warehouse() here.
ui.page_header(t("pages.lacak"), t("pages.lacak_intro"))
if st.session_state.pop("lacak_pesan", None):
    st.success(t("lacak.dibuka_kembali"), icon=":material/replay:")
if st.session_state.pop("lacak_pesan_dibangun", None):
    st.success(t("lacak.dibangun_terima_kasih"), icon=":material/construction:")

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
        # "done in 0 working days" reads wrong: the same working day is said in words
        sisa_col.metric(t("lacak.lama"), t("lacak.lama_sama") if view["hari_kerja"] == 0
                        else t("lacak.lama_value", n=view["hari_kerja"]))
    else:
        sisa_col.metric(t("lacak.sisa"), t("lacak.closed_value"))
elif view["kind"] == "pengaduan":
    # no target for the category, or no working-day calendar to count on: say so, not nothing
    st.caption(t("lacak.no_clock"))

if view["kind"] == "pengaduan":
    st.caption(t("lacak.kantor"))
    st.text(notify.office_name(view.get("kode_skpd")) or t("lacak.kantor_belum"))

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

ticket_link = warga.tracking_url(st.context.url, view["ticket"])
st.link_button(t("lacak.bagikan_wa"), icon=":material/share:",
               url="https://wa.me/?text=" + quote(f"{t('lacak.bagikan_teks', ticket=view['ticket'])} "
                                                 f"{ticket_link}"))

loop = umpan_balik.loop_of(view["ticket"], view["kind"])
if loop.ask:
    _ask_fixed(view["ticket"], loop)
elif loop.may_rate:
    _rate(view["ticket"])
elif loop.rating:
    st.success(t("lacak.terima_kasih_nilai", nilai=loop.rating["nilai"]), icon=":material/star:")
built = umpan_balik.built_of(view["ticket"], view["kind"])
if built.ask:
    _ask_built(view["ticket"], built)

# the photo of a "Sudah dibangun?" answer is shown with that answer on the timeline
answer_photo = built.answer.foto if built.answer else None
for photo in view.get("photos") or []:
    if photo["file_name"] == answer_photo:
        continue
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
        elif ev.get("reason_code") and has(f"lacak.r_{ev['reason_code']}"):
            st.caption(t("lacak.reason", reason=t(f"lacak.r_{ev['reason_code']}")))
        if ev.get("public_note"):
            st.text(ev["public_note"])
for answered in loop.history:
    if answered["jawaban"] in ("sudah", "otomatis"):
        with st.container(border=True):
            st.markdown(t(f"lacak.ditutup_{'warga' if answered['jawaban'] == 'sudah' else 'otomatis'}",
                          date=fmt.datetime(warga.local_time(answered["at"]))))
if built.answer:
    _built_answer(built.answer)
st.caption(t("lacak.times_note"))
