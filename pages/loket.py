"""Input loket: staff and village volunteers enter paper, phone, WhatsApp and walk-in complaints."""

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import get_lang, t
from lentera.services import petugas, umpan_balik
from lentera.store import auth, submissions
from lentera.web import cite, session, ui

ui.page_header(t("pages.loket"), t("pages.loket_intro"))
session.require("loket")  # before any form: a URL never bypasses the role check

issued = st.session_state.get("loket_issued")
if issued:
    slip = petugas.slip(issued, base=cite.public_base())
    st.success(t("petugas.loket_done", ticket=issued), icon=":material/confirmation_number:")
    qr, facts = st.columns([1, 3])
    qr.image(petugas.qr_png(slip["url"]), width=140)
    with facts:
        target = (t("petugas.slip_target_value", tanggal=fmt.date(slip["target_date"]),
                    n=fmt.number(slip["target_hari_kerja"]))
                  if slip["target_date"] else t("petugas.slip_target_unknown"))
        st.markdown(f"**{t('petugas.slip_target')}:** {target}")
        st.markdown(f"**{t('petugas.slip_address')}:**")
        st.code(slip["url"], language=None, wrap_lines=True)
        st.download_button(t("petugas.slip_download"),
                           petugas.slip_pdf(issued, lang=get_lang(), base=cite.public_base()),
                           file_name=f"slip-{issued}.pdf", mime="application/pdf",
                           icon=":material/print:", key="loket_slip")
    st.divider()

# Nothing is pre-selected: a rushed clerk must choose channel, place and category. Each issued
# ticket gives the widgets new keys, so the next reporter starts from an empty form.
choose = t("petugas.loket_choose")
n = st.session_state.get("loket_n", 0)
kanal = st.radio(t("petugas.loket_kanal"), petugas.LOKET_KANAL, horizontal=True, index=None,
                 format_func=lambda k: t(f"petugas.k_{k}"), key=f"loket_kanal.{n}")
kec = forms.kecamatan_options()
kode_kec = st.selectbox(t("petugas.loket_kecamatan"), [k["kode_kecamatan"] for k in kec],
                        index=None, placeholder=choose,
                        format_func={k["kode_kecamatan"]: k["nama_kecamatan"] for k in kec}.get,
                        key=f"loket_kec.{n}")
desa = forms.desa_options(kode_kec) if kode_kec else []
with st.form(f"loket_form.{n}", border=True, clear_on_submit=False):
    kode_desa = st.selectbox(t("petugas.loket_desa"), [d["kode_desa"] for d in desa], index=None,
                             placeholder=choose, disabled=not kode_kec, key=f"loket_desa.{n}",
                             format_func={d["kode_desa"]: d["nama_desa"] for d in desa}.get)
    kategori = st.selectbox(t("petugas.col_kategori"), forms.kategori_options(), index=None,
                            placeholder=choose, key=f"loket_kategori.{n}")
    judul = st.text_input(t("petugas.loket_judul"), max_chars=forms.JUDUL[1], key=f"loket_judul.{n}")
    isi = st.text_area(t("petugas.loket_isi"), max_chars=forms.ISI[1], key=f"loket_isi.{n}")
    rahasia = st.checkbox(t("petugas.loket_rahasia"), key=f"loket_rahasia.{n}")
    kontak = st.text_input(t("petugas.loket_kontak"), max_chars=forms.EMAIL_MAX,
                           key=f"loket_kontak.{n}")
    consent = st.checkbox(t("petugas.loket_consent"), key=f"loket_consent.{n}")
    go = st.form_submit_button(t("petugas.loket_submit"), type="primary", icon=":material/save:")
if go:
    contact = {"value": kontak, "consent": consent} if kontak.strip() else None
    data = {"kategori": kategori, "judul": judul, "isi": isi, "kode_desa": kode_desa,
            "rahasia": rahasia}
    labels = {"kanal": "petugas.loket_kanal", "kode_kecamatan": "petugas.loket_kecamatan",
              "kode_desa": "petugas.loket_desa", "kategori": "petugas.col_kategori",
              "judul": "petugas.loket_judul", "isi": "petugas.loket_isi",
              "contact": "petugas.loket_kontak", "consent": "petugas.loket_consent"}
    errors = forms.messages(forms.validate_pengaduan(data, 0, contact))
    if kanal is None:
        errors = {"kanal": forms.message("forms.err_required")} | errors
    if not kode_kec and "kode_desa" in errors:
        errors = {"kode_kecamatan": errors.pop("kode_desa")} | errors
    if errors:
        st.error(t("petugas.loket_errors") + "\n\n" + "\n".join(
            f"- **{t(labels[f]) if f in labels else f}**: {m}" for f, m in errors.items()),
            icon=":material/error:")
    else:
        try:
            st.session_state["loket_issued"] = petugas.create_loket(st.session_state, data,
                                                                    kanal, contact)
        except submissions.SubmissionValidationError as exc:
            for field, message in forms.messages(exc.errors).items():
                st.error(f"**{t(labels[field]) if field in labels else field}**: {message}",
                         icon=":material/error:")
        except (petugas.PetugasError, auth.AuthError) as exc:
            ui.show_error(exc, key="petugas.err_refused", icon=":material/block:")
        else:
            st.session_state["loket_n"] = n + 1
            st.rerun()


# ---- an applicant rates a permit or civil-registry service at the desk (Perizinan's IKM)
st.divider()
st.subheader(t("petugas.nilai_judul"), anchor=False)
st.caption(t("petugas.nilai_intro"))
if st.session_state.get("loket_nilai_ok"):
    st.success(st.session_state.pop("loket_nilai_ok"), icon=":material/star:")
services = dict(umpan_balik.desk_services())
offices = {r["kode_skpd"]: r["nama_skpd"] for r in forms.skpd_rows()}
scale = list(umpan_balik.SKALA)
m = st.session_state.get("loket_nilai_n", 0)  # new keys after each rating: the next starts empty
with st.form(f"loket_nilai_form.{m}", border=True, enter_to_submit=False):
    layanan = st.selectbox(t("petugas.nilai_layanan"), list(services), index=None,
                           placeholder=choose, format_func=services.get, key=f"loket_nl.{m}")
    kantor = st.selectbox(t("petugas.nilai_kantor"), list(offices), index=None,
                          placeholder=choose, format_func=offices.get, key=f"loket_nk.{m}")
    nilai = st.radio(t("petugas.nilai_nilai"), scale, index=None, key=f"loket_nv.{m}",
                     format_func=lambda v: t(f"lacak.skala_{v}"))
    with st.expander(t("lacak.unsur_rinci")):
        unsur = {u: st.radio(t(f"lacak.{u}"), scale, index=None, horizontal=True,
                             key=f"loket_nu_{u}.{m}") for u in umpan_balik.UNSUR}
    rated = st.form_submit_button(t("petugas.nilai_simpan"), icon=":material/star:")
if rated:
    try:
        error = umpan_balik.rate_at_desk(st.session_state, layanan, kantor, nilai, unsur)
    except auth.AuthError as exc:
        ui.show_error(exc, key="petugas.err_refused", icon=":material/block:")
    else:
        if error:
            st.error(t(error), icon=":material/error:")
        else:
            st.session_state["loket_nilai_ok"] = t("petugas.nilai_tersimpan",
                                                   layanan=services[layanan], nilai=nilai)
            st.session_state["loket_nilai_n"] = m + 1
            st.rerun()
