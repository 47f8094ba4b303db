"""Tinjauan mingguan: a chosen ISO week against the week before, the meeting pack and the digest."""

import streamlit as st

from lentera.core import config, fmt, frames
from lentera.core.i18n import get_lang, t
from lentera.figures import digest as digest_fig
from lentera.services import ikm, petugas, tinjauan
from lentera.web import chart, session, tables, ui, url
from lentera.web.text import literal

ui.page_header(t("pages.tinjauan"), t("pages.tinjauan_intro"))
user = session.require("tinjauan")  # before any data: a URL never bypasses the role check
ui.require_warehouse()
lang = get_lang()

latest = tinjauan.latest_week()
weeks = []
year, week = latest
for _ in range(26):
    weeks.append(f"{year}-W{week:02d}")
    year, week = tinjauan.previous_week(year, week)
labels = {w: f"{tinjauan.week_range(*tinjauan.week_bounds(int(w[:4]), int(w[-2:])), lang)} "
             f"({w})" for w in weeks}
label = url.choice("tinjauan", "minggu", weeks, default=weeks[0], label=t("petugas.week"),
                   format_func=labels.get)
year, week = int(label[:4]), int(label[-2:])

data = tinjauan.review(year, week)
now_label = tinjauan.week_range(data["start"], data["end"], lang)
before_label = tinjauan.week_range(data["prev_start"], data["prev_end"], lang)
st.caption(t("petugas.week_label", week=week, year=year, start=fmt.date(data["start"]),
             end=fmt.date(data["end"])))

# An office's own week first: what its head needs at the meeting.
if user.role in ("opd", "admin"):
    names = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}
    office = user.kode_skpd if user.role == "opd" else url.choice(
        "tinjauan", "opd", sorted(names), default=sorted(names)[0],
        label=t("petugas.office_pick"), format_func=lambda k: names.get(k, k))
    view = tinjauan.office_view(office, year, week)
    with st.container(border=True):
        st.subheader(f"{t('petugas.office_title')}: {names.get(office, office)}", anchor=False)
        st.caption(t("petugas.office_changes", minggu_lalu=before_label))
        cols = st.columns(3)
        for i, (key, m, fmt_fn) in enumerate((
                ("office_open", "terbuka", fmt.number), ("office_past", "lewat_target", fmt.number),
                ("office_new", "masuk", fmt.number), ("office_done", "selesai", fmt.number),
                ("office_rate_week", "tepat_waktu_minggu", fmt.percent),
                ("office_rate_year", "tepat_waktu_tahun", fmt.percent))):
            a, b = view["now"][m], view["before"][m]
            delta = None
            if a is not None and b is not None:
                delta = (fmt.number(a - b) if fmt_fn is fmt.number
                         else fmt.number((a - b) * 100, 1) + " pp")
            cols[i % 3].metric(t(f"petugas.{key}"), fmt_fn(a), delta=delta, delta_color="off")
        st.markdown(f"**{t('petugas.office_bands')}**")
        tables.show(view["bands"], hide_index=True, width="stretch",
                     column_config={"umur": t("petugas.col_umur"),
                                    "jumlah": t("petugas.col_jumlah"),
                                    "lewat_target": t("petugas.col_lewat_target"),
                                    "lewat_maks": t("petugas.col_lewat_maks")})
        if not view["cases"].is_empty():
            tables.show(frames.formatted(view["cases"].drop("nama_opd"), {"masuk": fmt.date}),
                hide_index=True, width="stretch",
                column_config={"nomor_tiket": t("petugas.col_tiket"),
                               "kategori": t("petugas.col_kategori"),
                               "masuk": t("petugas.col_masuk"),
                               "hari_kerja": t("petugas.col_hari_kerja"),
                               "hari_lewat": t("petugas.col_lewat")})
        # satisfaction (IKM) at the end of this week beside the end of the last
        ikm_now, ikm_before = (ikm.office_until(office, data["end"]),
                               ikm.office_until(office, data["prev_end"]))
        if ikm_now is None or ikm_now["nilai_ikm"] is None:
            st.caption(t("petugas.office_ikm_none", n=fmt.number(ikm_now["responden"] if ikm_now
                                                                 else 0),
                         min=config.MIN_CASES_FOR_RANKING))
        else:
            before = ikm_before["nilai_ikm"] if ikm_before else None
            st.metric(t("petugas.office_ikm_title"),
                      f"{fmt.number(ikm_now['nilai_ikm'], 2)} ({ikm_now['mutu']})",
                      delta=None if before is None else fmt.number(ikm_now["nilai_ikm"] - before, 2),
                      delta_color="normal",
                      help=t("petugas.office_ikm_help", n=fmt.number(ikm_now["responden"]),
                             indikatif=t("petugas.office_ikm_indikatif") if ikm_now["indikatif"]
                             else ""))

st.subheader(t("petugas.pack_summary"), anchor=False)
if data["sample"]:
    st.caption(t("petugas.pack_sample"))
cols = st.columns(3)
for i, m in enumerate(("pengaduan_baru", "usulan_baru", "selesai", "lewat_sla", "tunggakan",
                       "izin_terbuka")):
    now, before = data["now"][m], data["before"][m]
    cols[i % 3].metric(t(f"petugas.m_{m}"), fmt.number(now), delta=fmt.number(now - before),
                       delta_color="off", help=f"{before_label}: {fmt.number(before)}")

left, right = st.columns(2)
left.download_button(t("petugas.download_pdf"), lambda: tinjauan.review_pdf(data, lang=lang),
                     file_name=f"tinjauan-{label}.pdf", mime="application/pdf",
                     icon=":material/picture_as_pdf:", key="tinjauan_pdf")
right.download_button(t("petugas.download_xlsx"), lambda: tinjauan.review_xlsx(data, lang=lang),
                      file_name=f"tinjauan-{label}.xlsx", icon=":material/table:",
                      key="tinjauan_xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("petugas.overdue_title"), anchor=False)
tables.show(data["overdue"], hide_index=True, width="stretch",
             column_config={"nama_opd": t("petugas.col_opd"), "jumlah": t("petugas.col_jumlah"),
                            "lewat_maks": t("petugas.col_lewat_maks")})
lag = tinjauan.laggards_table(data["laggards"])
if not lag.is_empty():
    st.subheader(t("petugas.laggards_title"), anchor=False)
    st.caption(t("petugas.laggards_note", bulan=fmt.month_year(data["end"].year,
                                                                data["end"].month)))
    shown = frames.formatted(lag, {"pagu": fmt.rupiah, "realisasi": fmt.rupiah,
                                   "tertinggal": fmt.rupiah, "serapan": fmt.percent,
                                   "harapan": fmt.percent})
    tables.show(shown, hide_index=True, width="stretch",
                 column_config={c: t(f"petugas.lag_{c}") for c in tinjauan.LAGGARD_COLUMNS})
if not data["dupes"].is_empty():
    st.subheader(t("petugas.dupes_title"), anchor=False)
    tables.show(data["dupes"], hide_index=True, width="stretch",
                 column_config={"grup_duplikat": t("petugas.col_grup"),
                                "jumlah": t("petugas.col_jumlah"),
                                "contoh": t("petugas.col_contoh")})

st.subheader(t("petugas.digest_title"), anchor=False)
digest = tinjauan.digest(year, week)
st.markdown(t("petugas.digest_body", n=fmt.number(digest["total"])))
if not digest["per_kategori"].is_empty():
    chart.chart(digest_fig.per_kategori(digest["per_kategori"],
                                        x_title=t("petugas.digest_axis_x"),
                                        y_title=t("petugas.digest_axis_y")),
                digest["per_kategori"], name="digest", key="tinjauan_digest",
                base=chart.Base(t("pengaduan.base_minggu", mulai=fmt.date(data["start"]),
                                  akhir=fmt.date(data["end"])),
                                f"selesai-{data['start'].isoformat()}-{data['end'].isoformat()}"))
for a in digest["answers"]:
    st.markdown(f"**{literal(a['ticket'])}** · {literal(a['kategori'])} — {literal(a['jawaban'])}")
