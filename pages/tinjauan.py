"""Tinjauan mingguan: a chosen ISO week against the week before, the meeting pack and the digest."""

import streamlit as st

from lentera.core import fmt
from lentera.core.i18n import get_lang, t
from lentera.figures import digest as digest_fig
from lentera.services import tinjauan
from lentera.web import chart, session, ui, url
from lentera.web.text import literal

ui.page_header(t("pages.tinjauan"), t("pages.tinjauan_intro"))
session.require("tinjauan")  # before any data: a URL never bypasses the role check
ui.require_warehouse()

latest = tinjauan.latest_week()
weeks = []
year, week = latest
for _ in range(26):
    weeks.append(f"{year}-W{week:02d}")
    year, week = tinjauan.previous_week(year, week)
label = url.choice("tinjauan", "minggu", weeks, default=weeks[0], label=t("petugas.week"))
year, week = int(label[:4]), int(label[-2:])

data = tinjauan.review(year, week)
st.caption(t("petugas.week_label", week=week, year=year, start=fmt.date(data["start"]),
             end=fmt.date(data["end"])))
cols = st.columns(3)
for i, m in enumerate(("pengaduan_baru", "usulan_baru", "selesai", "lewat_sla", "tunggakan",
                       "izin_terbuka")):
    now, before = data["now"][m], data["before"][m]
    cols[i % 3].metric(t(f"petugas.m_{m}"), fmt.number(now), delta=fmt.number(now - before),
                       delta_color="off")

lang = get_lang()
left, right = st.columns(2)
left.download_button(t("petugas.download_pdf"), lambda: tinjauan.review_pdf(data, lang=lang),
                     file_name=f"tinjauan-{label}.pdf", mime="application/pdf",
                     icon=":material/picture_as_pdf:")
right.download_button(t("petugas.download_xlsx"), lambda: tinjauan.review_xlsx(data, lang=lang),
                      file_name=f"tinjauan-{label}.xlsx", icon=":material/table:",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("petugas.overdue_title"), anchor=False)
st.dataframe(data["overdue"], hide_index=True, width="stretch",
             column_config={"nama_opd": t("petugas.col_opd"), "jumlah": t("petugas.col_jumlah"),
                            "lewat_maks": t("petugas.col_lewat_maks")})
if not data["laggards"].is_empty():
    st.subheader(t("petugas.laggards_title"), anchor=False)
    st.dataframe(data["laggards"], hide_index=True, width="stretch")
if not data["dupes"].is_empty():
    st.subheader(t("petugas.dupes_title"), anchor=False)
    st.dataframe(data["dupes"], hide_index=True, width="stretch")

st.subheader(t("petugas.digest_title"), anchor=False)
digest = tinjauan.digest(year, week)
st.markdown(t("petugas.digest_body", n=fmt.number(digest["total"])))
if not digest["per_kategori"].is_empty():
    chart.chart(digest_fig.per_kategori(digest["per_kategori"]), digest["per_kategori"],
                name="digest", key="tinjauan_digest",
                base=chart.Base(t("pengaduan.base_minggu", mulai=fmt.date(data["start"]),
                                  akhir=fmt.date(data["end"])),
                                f"selesai-{data['start'].isoformat()}-{data['end'].isoformat()}"))
for a in digest["answers"]:
    st.markdown(f"**{literal(a['ticket'])}** · {literal(a['kategori'])} — {literal(a['jawaban'])}")
