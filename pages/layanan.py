"""Layanan: what to bring, what it costs, where to go and how long it really takes, per service."""

import polars as pl
import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import get_lang, t
from lentera.figures import layanan as lembar
from lentera.warehouse import layanan
from lentera.web import cite, kiosk, ui, url

ui.page_header(t("pages.layanan"), t("pages.layanan_intro"))

lang = get_lang()
at_kiosk = kiosk.active()
# The catalogue is reference data: without a warehouse it still answers, without actual times.
ready = ui.warehouse_ready()
tahun = ui.cached(layanan.tahun_data) if ready else None
as_of = ui.cached(layanan.as_of) if ready else None

# -- search and life events ------------------------------------------------------------------------
q = url.text("layanan", "cari", label=t("layanan.cari"), placeholder=t("layanan.cari_help"),
             max_chars=80)
peristiwa = url.choice("layanan", "peristiwa", ["", *layanan.PERISTIWA], default="",
                       label=t("layanan.peristiwa"), kind="pills",
                       format_func=lambda p: t(f"layanan.peristiwa_{p or 'semua'}"))
pilih = ui.qp_get("layanan", "", allowed=layanan.katalog()["kode"].to_list())
found = layanan.cari(q, peristiwa or None)
if pilih and not q and not peristiwa:
    found = found.filter(pl.col("kode") == pilih)
# the actual times come from the shared cache (a query over every application of the year)
found = (layanan.dengan_waktu(found, tahun, times=ui.cached(layanan.waktu, tahun=tahun))
         if ready else layanan.tanpa_waktu(found))

if found.is_empty():
    st.info(t("layanan.tidak_ketemu", q=q))
    st.stop()
st.caption(t("layanan.hasil", n=found.height) + " " + t("layanan.sumber_legend"))


def tanda(sumber: str | None, dasar: str | None = None) -> str:
    """The source mark of one fact, with its regulation when there is one."""
    if not sumber:
        return ""
    return t("layanan.sumber_baris", tanda=t(f"layanan.sumber_{sumber}"),
             dasar=f" — {dasar}" if dasar else "")


# -- one card per service ----------------------------------------------------------------------------
# A card's content is built only while it is open (opening it reruns the page): a closed card is
# its name alone, so the whole catalogue costs a fraction of a view with every card filled in.
# The key carries whether the card opens by itself, so a search that narrows the list to three
# cards or fewer opens them even after the visitor closed them on the full list.
for r in found.iter_rows(named=True):
    opens = found.height <= 3 or r["kode"] == pilih
    card = ui.folded(r[f"nama_{lang}"], f"layanan_kartu_{r['kode']}_{int(opens)}", expanded=opens)
    if card is None:
        continue
    with card:
        st.markdown(t("layanan.kantor", kantor=r["nama_kantor"]))
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{t('layanan.persyaratan')}**")
            # a checklist that wraps (a checkbox label would be cut at one line)
            st.markdown("\n".join(f"- ☐ {item}" for item in str(r[f"persyaratan_{lang}"])
                                   .split("|")))
            st.caption(tanda(r["persyaratan_sumber"], r["persyaratan_dasar"]))
            st.markdown(f"**{t('layanan.biaya')}:** {r[f'biaya_{lang}']}")
            st.caption(tanda(r["biaya_sumber"], r["biaya_dasar"]))
        with right:
            st.markdown(f"**{t('layanan.tempat')}**")
            st.markdown(f"{r['nama_kantor']}. {r[f'jam_{lang}']}")
            st.caption(t("layanan.alamat_belum") + " " + tanda(r["jam_sumber"]))
            if r["daring_url"]:
                st.markdown(f"**{t('layanan.daring')}:** [{r[f'daring_{lang}']}]({r['daring_url']})")
                st.caption(tanda(r["daring_sumber"]))
            else:
                st.caption(t("layanan.daring_tidak"))
            st.markdown(f"**{t('layanan.waktu')}**")
            st.markdown(t("layanan.waktu_standar",
                          target=lembar.target_kata(r["target_hari_kerja"]))
                        if r["jenis_layanan"] else t("layanan.waktu_standar_tidak_ada"))
            st.caption(tanda(r["waktu_sumber"], r[f"waktu_dasar_{lang}"]))
            st.markdown(lembar.waktu_teks(r) if ready else t("layanan.waktu_tidak_tersedia"))
            if r.get("cukup"):
                st.caption(t("layanan.waktu_angka", median=fmt.number(r["median_hari_kerja"], 1),
                             p90=fmt.number(r["p90_hari_kerja"], 1), tahun=tahun,
                             date=fmt.date(as_of)))
        links = st.columns(3)
        links[0].page_link("pages/lapor.py", label=t("layanan.link_lapor"),
                           icon=":material/edit_note:")
        if r["jenis_layanan"] and not at_kiosk:
            links[1].page_link("pages/perizinan.py", label=t("layanan.link_perizinan"),
                               icon=":material/approval:",
                               query_params={"tanya": r["jenis_layanan"]})
        if not at_kiosk and ready:
            page_url = f"{cite.public_base()}/layanan?layanan={r['kode']}" + \
                ("&lang=en" if lang == "en" else "")
            links[2].download_button(
                t("layanan.unduh_pdf"), icon=":material/print:", mime="application/pdf",
                # built when clicked, not on every view (a PDF per service was most of a view's CPU)
                data=lambda r=r, page_url=page_url: lembar.lembar_pdf(
                    row=r, url=page_url, lang=lang, as_of=as_of),
                file_name=f"layanan-{r['kode']}.pdf", key=f"layanan_pdf_{r['kode']}")

# -- the whole catalogue as data (never at a kiosk: nothing is saved to its disk) ---------------------
if not at_kiosk and ready:
    rows = ui.cached(layanan.unduhan, tahun=tahun, lang=lang)
    st.download_button(t("layanan.unduh_csv"), lambda: rows.write_csv(), file_name="layanan.csv",
                       mime="text/csv", icon=":material/download:", key="layanan_csv")
    st.caption(t("layanan.api", url=f"{cite.public_base()}/api/v1/measures/layanan"))
    cite.cite_box(t("pages.layanan"))
if at_kiosk:
    st.caption(t("kiosk.reset_note", detik=config.kiosk_idle_seconds()))
