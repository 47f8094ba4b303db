"""Beranda: one calm screen of headline figures, each with its freshness and a link to its page."""

import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.warehouse import beranda
from lentera.warehouse import pengaduan as pengaduan_q
from lentera.web import ui

ui.page_header(t("beranda.title"), t("beranda.intro", region=config.region().nama))
ui.require_warehouse()

with st.container(horizontal=True):
    st.page_link("pages/lapor.py", label=t("beranda.link_lapor"), icon=":material/edit_note:")
    st.page_link("pages/lacak.py", label=t("beranda.link_lacak"), icon=":material/search:")

# Budget: the latest year, against the revised pagu when an APBD perubahan exists.
anggaran = ui.cached(beranda.ringkasan_anggaran)
with st.container(border=True):
    if anggaran.is_empty():
        st.subheader(t("pages.anggaran"))
        st.info(t("common.no_data"))
    else:
        a = anggaran.row(0, named=True)
        st.subheader(t("beranda.anggaran_heading", tahun=a["tahun"]))
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.pagu_belanja"), fmt.rupiah(a["pagu_belanja"]), width="content")
            st.metric(t("beranda.realisasi_belanja"), fmt.rupiah(a["realisasi_belanja"]),
                      width="content")
            st.metric(t("beranda.serapan_belanja"), fmt.percent(a["serapan_belanja"]),
                      width="content")
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.target_pendapatan"), fmt.rupiah(a["pagu_pendapatan"]),
                      width="content")
            st.metric(t("beranda.realisasi_pendapatan"), fmt.rupiah(a["realisasi_pendapatan"]),
                      width="content")
            st.metric(t("beranda.capaian_pendapatan"), fmt.percent(a["capaian_pendapatan"]),
                      width="content")
        when = (ui.freshness(year=a["tahun"], month=a["bulan_terakhir"])
                if a["bulan_terakhir"] else t("beranda.no_realisasi"))
        tahap = t(f"beranda.tahap_{a['tahap']}")
        st.caption(f"{tahap} · {when}")
    st.page_link("pages/anggaran.py", label=t("beranda.link_anggaran"),
                 icon=":material/arrow_forward:")

# Complaints: counts by status and the on-time share of closed cases.
pengaduan = ui.cached(beranda.pengaduan_per_status)
with st.container(border=True):
    if pengaduan.is_empty():
        st.subheader(t("pages.pengaduan"))
        st.info(t("common.no_data"))
    else:
        st.subheader(t("beranda.pengaduan_heading", tahun=pengaduan["tahun"][0]))
        st.metric(t("beranda.pengaduan_total"), fmt.number(pengaduan["jumlah"].sum()))
        st.markdown("\n".join(
            "- " + t("beranda.pengaduan_status_line", status=t(f"common.status_{s}"),
                     jumlah=fmt.number(n))
            for s, n in pengaduan.select("status", "jumlah").iter_rows()
        ))
        # the on-time share of closed complaints, from the SLA engine (same as the Pengaduan page)
        sla = ui.cached(pengaduan_q.ringkasan, tahun=int(pengaduan["tahun"][0]),
                        live=pengaduan_q.live_version())
        if sla.get("dinilai"):
            st.metric(t("beranda.pengaduan_tepat_waktu"), fmt.percent(sla["persen_tepat_waktu"]),
                      help=t("beranda.pengaduan_tepat_waktu_help", n=fmt.number(sla["dinilai"])))
        st.caption(ui.freshness(pengaduan["terakhir"][0]))
    st.page_link("pages/pengaduan.py", label=t("beranda.link_pengaduan"),
                 icon=":material/arrow_forward:")

perizinan = ui.cached(beranda.perizinan_tahun)
with st.container(border=True):
    if perizinan.is_empty():
        st.subheader(t("pages.perizinan"))
        st.info(t("common.no_data"))
    else:
        z = perizinan.row(0, named=True)
        st.subheader(t("beranda.perizinan_heading", tahun=z["tahun"]))
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.perizinan_masuk"), fmt.number(z["masuk"]), width="content")
            st.metric(t("beranda.perizinan_selesai"), fmt.number(z["selesai"]), width="content")
        st.caption(ui.freshness(z["terakhir"]))
    st.page_link("pages/perizinan.py", label=t("beranda.link_perizinan"),
                 icon=":material/arrow_forward:")

usulan = ui.cached(beranda.usulan_tahun_rencana)
with st.container(border=True):
    if usulan.is_empty():
        st.subheader(t("pages.musrenbang"))
        st.info(t("common.no_data"))
    else:
        u = usulan.row(0, named=True)
        st.subheader(t("beranda.usulan_heading", tahun=u["tahun_rkpd"]))
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.usulan_jumlah"), fmt.number(u["jumlah"]), width="content")
            st.metric(t("beranda.usulan_masuk_rkpd"), fmt.number(u["masuk_rkpd"]),
                      width="content")
            st.metric(t("beranda.usulan_biaya"), fmt.rupiah(u["perkiraan_biaya"]),
                      width="content")
    st.page_link("pages/musrenbang.py", label=t("beranda.link_musrenbang"),
                 icon=":material/arrow_forward:")

muat = ui.cached(beranda.status_muat)
with st.container(border=True):
    st.subheader(t("beranda.muat_heading"))
    if not muat.is_empty() and muat["dimuat_pada"][0] is not None:
        m = muat.row(0, named=True)
        st.caption(t("beranda.muat_line", waktu=fmt.datetime(m["dimuat_pada"]),
                     versi=m["data_version"] or "–", berkas=fmt.number(m["jumlah_berkas"]),
                     baris=fmt.number(m["baris_dimuat"])))
        if m["baris_ditolak"]:
            st.caption(t("beranda.muat_rejected", ditolak=fmt.number(m["baris_ditolak"])))
    else:
        st.caption(t("common.no_data"))
    with st.container(horizontal=True):
        st.page_link("pages/data.py", label=t("beranda.link_data"), icon=":material/download:")
        st.page_link("pages/tentang.py", label=t("beranda.link_tentang"),
                     icon=":material/info:")
