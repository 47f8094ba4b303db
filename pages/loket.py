"""Input loket: staff and village volunteers enter paper, phone, WhatsApp and walk-in complaints."""

import streamlit as st

from lentera.core import fmt, forms
from lentera.core.i18n import get_lang, t
from lentera.services import petugas
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

# Nothing is pre-selected: a rushed clerk must choose channel, place and category.
choose = t("petugas.loket_choose")
kanal = st.radio(t("petugas.loket_kanal"), petugas.LOKET_KANAL, horizontal=True, index=None,
                 format_func=lambda k: t(f"petugas.k_{k}"), key="loket_kanal")
kec = forms.kecamatan_options()
kode_kec = st.selectbox(t("petugas.loket_kecamatan"), [k["kode_kecamatan"] for k in kec],
                        index=None, placeholder=choose,
                        format_func={k["kode_kecamatan"]: k["nama_kecamatan"] for k in kec}.get,
                        key="loket_kec")
desa = forms.desa_options(kode_kec) if kode_kec else []
with st.form("loket_form", border=True, clear_on_submit=False):
    kode_desa = st.selectbox(t("petugas.loket_desa"), [d["kode_desa"] for d in desa], index=None,
                             placeholder=choose, disabled=not kode_kec, key="loket_desa",
                             format_func={d["kode_desa"]: d["nama_desa"] for d in desa}.get)
    kategori = st.selectbox(t("petugas.col_kategori"), forms.kategori_options(), index=None,
                            placeholder=choose, key="loket_kategori")
    judul = st.text_input(t("petugas.loket_judul"), max_chars=forms.JUDUL[1], key="loket_judul")
    isi = st.text_area(t("petugas.loket_isi"), max_chars=forms.ISI[1], key="loket_isi")
    rahasia = st.checkbox(t("petugas.loket_rahasia"), key="loket_rahasia")
    kontak = st.text_input(t("petugas.loket_kontak"), max_chars=forms.EMAIL_MAX,
                           key="loket_kontak")
    consent = st.checkbox(t("petugas.loket_consent"), key="loket_consent")
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
            for key in ("loket_kanal", "loket_kec", "loket_desa", "loket_kategori", "loket_judul",
                        "loket_isi", "loket_rahasia", "loket_kontak", "loket_consent"):
                st.session_state.pop(key, None)  # the next reporter starts from an empty form
            st.rerun()
