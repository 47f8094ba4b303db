"""Tentang: what Lentera is, its sources (from etl_runs), privacy, conventions, licences, methods."""

import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.warehouse import beranda, measures
from lentera.web import tables, ui
from lentera.web.methods import method_topics

region = config.region()
ui.page_header(t("pages.tentang"), t("tentang.intro"))

st.header(t("tentang.what_heading"))
st.markdown(t("tentang.what_body", region=region.nama))

# Tentang still helps without a warehouse: only the sources table needs one.
has_warehouse = ui.warehouse_ready()
facts = ui.build_facts()

st.header(t("tentang.sample_heading"))
st.markdown(t("tentang.sample_body") if facts.get("is_sample") == "true"
            else t("tentang.sample_not"))

st.header(t("tentang.sources_heading"))
st.markdown(t("tentang.sources_body"))
runs = ui.cached(beranda.sumber_data) if has_warehouse else None
if runs is None or runs.is_empty():
    st.info(t("tentang.sources_none"))
else:
    st.caption(t("tentang.sources_version", versi=facts.get("data_version", "–"),
                 waktu=fmt.datetime(facts["built_at"]) if facts.get("built_at") else "–"))
    # The file table is for journalists; folded so the page stays short on a phone.
    with st.expander(t("tentang.sources_files", n=fmt.number(runs.height))):
        tables.show(
            runs,
            hide_index=True,
            column_config={
                "source": t("tentang.col_source"),
                "source_file": t("tentang.col_file"),
                "sha256": st.column_config.TextColumn(t("tentang.col_sha256"), width="small"),
                "rows_read": st.column_config.NumberColumn(t("tentang.col_rows_read"),
                                                           format="localized"),
                "rows_loaded": st.column_config.NumberColumn(t("tentang.col_rows_loaded"),
                                                             format="localized"),
                "rows_rejected": st.column_config.NumberColumn(t("tentang.col_rows_rejected"),
                                                               format="localized"),
                "status": t("tentang.col_status"),
                "finished_at": st.column_config.DatetimeColumn(t("tentang.col_finished"),
                                                               format="YYYY-MM-DD HH:mm"),
            },
        )

st.header(t("tentang.privacy_heading"))
st.markdown(t("tentang.privacy_body"))

st.header(t("tentang.conventions_heading"))
st.markdown(t(
    "tentang.conventions_body",
    rupiah_full=fmt.rupiah_full(500000, lang="id"), rupiah_t=fmt.rupiah(1.96e12, lang="id"),
    rupiah_m=fmt.rupiah(212.3e9, lang="id"), rupiah_jt=fmt.rupiah(45.2e6, lang="id"),
    persen=fmt.percent(0.853, lang="id"), tanggal=fmt.date("2025-08-17", lang="id"),
    rupiah_en=fmt.rupiah(1.96e12, lang="en"), persen_en=fmt.percent(0.853, lang="en"),
    tanggal_en=fmt.date("2025-08-17", lang="en"),
))

st.header(t("tentang.boundaries_heading"))
st.markdown(t("tentang.boundaries_body", region=region.nama,
              penduduk=fmt.number(region.population_total), sumber=region.population_source))

st.header(t("tentang.licence_heading"))
st.markdown(t("tentang.licence_body", publisher=region.publisher.get("nama", region.nama),
              licence_url=region.publisher.get("lisensi_url",
                                                "https://creativecommons.org/licenses/by/4.0/")))

st.header(t("tentang.methods_heading"))
st.caption(t("tentang.methods_intro"))
# One subheader per measure; later engineers add theirs here (key tentang.method_<name>_*).
for name, fmt_kwargs in (
    ("absorption", {}),
    ("sla", {}),
    ("ranking", {"minimum": config.MIN_CASES_FOR_RANKING}),
    ("duplicates", {}),
):
    st.subheader(t(f"tentang.method_{name}_heading"))
    st.markdown(t(f"tentang.method_{name}_body", **fmt_kwargs))

# Every published measure, documented beside its one definition in the semantic layer.
st.subheader(t("tentang.measures_heading"))
st.caption(t("tentang.measures_intro"))
for measure in measures.all_measures():
    with st.expander(measure.get("name")):
        st.markdown(t("tentang.measure_body", definition=measure.get("definition"),
                      base=measure.get("base"), caveats=measure.get("caveats"),
                      unit=measure.unit, name=measure.name))

# Each dashboard's own methods, written once beside its queries (METHODS in lentera/<module>.py).
for heading, pairs in method_topics():
    st.subheader(t(heading))
    for title_key, body_key in pairs:
        with st.expander(t(title_key)):
            st.markdown(t(body_key))
