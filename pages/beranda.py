"""Beranda: one calm screen of headline figures, each with its base, its date and a link to its page."""

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

# Budget: the latest year at the stage in force (the effective view), compared with last year's
# effective view at the same month.
anggaran = ui.cached(beranda.ringkasan_anggaran)
with st.container(border=True):
    if anggaran.is_empty():
        st.subheader(t("pages.anggaran"))
        st.info(t("common.no_data"))
    else:
        a = anggaran.row(0, named=True)
        st.subheader(t("beranda.anggaran_heading", tahun=a["tahun"]))
        delta = None
        if a["serapan_belanja"] is not None and a["serapan_belanja_lalu"] is not None:
            delta = t("beranda.poin_vs", tahap=t(f"beranda.tahap_{a['tahap_lalu']}"),
                      tahun=a["tahun"] - 1,
                      poin=fmt.number((a["serapan_belanja"] - a["serapan_belanja_lalu"]) * 100, 1))
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.pagu_belanja"), fmt.rupiah(a["pagu_belanja"]), width="content")
            st.metric(t("beranda.realisasi_belanja"), fmt.rupiah(a["realisasi_belanja"]),
                      width="content")
            st.metric(t("beranda.serapan_belanja"), fmt.percent(a["serapan_belanja"]),
                      delta=delta, delta_color="off", width="content")
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.target_pendapatan"), fmt.rupiah(a["pagu_pendapatan"]),
                      width="content")
            st.metric(t("beranda.realisasi_pendapatan"), fmt.rupiah(a["realisasi_pendapatan"]),
                      width="content")
            st.metric(t("beranda.capaian_pendapatan"), fmt.percent(a["capaian_pendapatan"]),
                      width="content")
        tahap = t(f"beranda.tahap_{a['tahap']}")
        if a["bulan_terakhir"]:
            when = ui.freshness(year=a["tahun"], month=a["bulan_terakhir"])
            st.caption(t("beranda.anggaran_dasar", tahap=tahap, tahun=a["tahun"],
                         periode=fmt.month_year(a["tahun"], a["bulan_terakhir"]), kapan=when))
            if delta is not None:
                st.caption(t("beranda.anggaran_pembanding",
                             tahap=t(f"beranda.tahap_{a['tahap_lalu']}"), tahun=a["tahun"] - 1,
                             periode=fmt.month_year(a["tahun"] - 1, a["bulan_terakhir"]),
                             persen=fmt.percent(a["serapan_belanja_lalu"])))
        else:
            st.caption(f"{tahap} {a['tahun']} · {t('beranda.no_realisasi')}")
    st.page_link("pages/anggaran.py", label=t("beranda.link_anggaran"),
                 icon=":material/arrow_forward:")

# Complaints: a flow (received in the year, and what became of those same complaints by as_of)
# beside a stock (the backlog open on as_of, whatever year it arrived); each labelled.
pengaduan = ui.cached(beranda.pengaduan_tahun, live=pengaduan_q.live_version())
with st.container(border=True):
    if pengaduan.is_empty() or not pengaduan["diterima"][0] and not pengaduan["tunggakan"][0]:
        st.subheader(t("pages.pengaduan"))
        st.info(t("common.no_data"))
    else:
        p = pengaduan.row(0, named=True)
        per = fmt.date(p["as_of"])
        st.subheader(t("beranda.pengaduan_heading", tahun=p["tahun"]))
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.pengaduan_total"), fmt.number(p["diterima"]), width="content")
            st.metric(t("beranda.pengaduan_selesai"), fmt.number(p["selesai"]), width="content")
            st.metric(t("beranda.pengaduan_berakhir"), fmt.number(p["berakhir"]), width="content")
            st.metric(t("beranda.pengaduan_terbuka"), fmt.number(p["masih_terbuka"]),
                      width="content")
        st.caption(t("beranda.pengaduan_dasar", tahun=p["tahun"], per=per))
        # The live-report rule of the Pengaduan page: counted when received by as_of, stamped.
        live = pengaduan_q.live_version()
        stamp = ui.cached(pengaduan_q.live_stamp, as_of_date=p["as_of"], live=live)
        if stamp["dihitung"] or stamp["sesudah"]:
            st.caption(t("beranda.pengaduan_langsung", n=fmt.number(stamp["dihitung"]), per=per,
                         sesudah=fmt.number(stamp["sesudah"])))
        status = ui.cached(beranda.pengaduan_per_status, live=live)
        with st.expander(t("beranda.pengaduan_status_judul")):
            st.markdown("\n".join(
                "- " + t("beranda.pengaduan_status_line", status=t(f"common.status_{s}"),
                         jumlah=fmt.number(n))
                for s, n in status.select("status", "jumlah").iter_rows()
            ))
        with st.container(horizontal=True, gap="medium"):
            if p["dinilai"]:
                st.metric(t("beranda.pengaduan_tepat_waktu"), fmt.percent(p["persen_tepat_waktu"]),
                          help=t("beranda.pengaduan_tepat_waktu_help", n=fmt.number(p["dinilai"])),
                          width="content")
                st.metric(t("beranda.pengaduan_tepat_waktu_kotor"),
                          fmt.percent(p["persen_tepat_waktu_kotor"]),
                          help=t("beranda.pengaduan_tepat_waktu_kotor_help"), width="content")
            st.metric(t("beranda.tunggakan", per=per), fmt.number(p["tunggakan"]),
                      help=t("beranda.tunggakan_help"), width="content")
        st.caption(t("beranda.tunggakan_dasar", per=per, lama=fmt.number(p["tunggakan_lama"]),
                     tahun=p["tahun"], lewat=fmt.number(p["tunggakan_lewat"])))
        st.caption(ui.freshness(p["terakhir"]))
    st.page_link("pages/pengaduan.py", label=t("beranda.link_pengaduan"),
                 icon=":material/arrow_forward:")

# Permits: applications received in the year and what became of those same applications.
perizinan = ui.cached(beranda.perizinan_tahun)
with st.container(border=True):
    if perizinan.is_empty() or not perizinan["masuk"][0]:
        st.subheader(t("pages.perizinan"))
        st.info(t("common.no_data"))
    else:
        z = perizinan.row(0, named=True)
        st.subheader(t("beranda.perizinan_heading", tahun=z["tahun"]))
        with st.container(horizontal=True, gap="medium"):
            st.metric(t("beranda.perizinan_masuk"), fmt.number(z["masuk"]), width="content")
            st.metric(t("beranda.perizinan_terbit"), fmt.number(z["terbit"]), width="content")
            st.metric(t("beranda.perizinan_ditolak"), fmt.number(z["ditolak"]), width="content")
            st.metric(t("beranda.perizinan_diproses"), fmt.number(z["diproses"]),
                      width="content")
        st.caption(t("beranda.perizinan_dasar", tahun=z["tahun"], per=fmt.date(z["as_of"])))
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
