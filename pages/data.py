"""Data: the open-data catalogue — metadata, data dictionary, full downloads, changes, citation."""

import polars as pl
import streamlit as st

from lentera.core import config, fmt, frames
from lentera.core.i18n import get_lang, t
from lentera.store import audit
from lentera.warehouse import catalog, db, prepared
from lentera.web import api, cite, ui, url
from lentera.web.chart import rows_controls

# the old-version notice comes with the common page header
ui.page_header(t("pages.data"), t("pages.data_intro"))
ui.require_warehouse()

lang = get_lang()
region = config.region()
pub = region.publisher
facts = ui.build_facts()
version = db.data_version()
licence = pub.get("lisensi", "CC BY 4.0")
licence_url = pub.get("lisensi_url", "https://creativecommons.org/licenses/by/4.0/")
st.markdown(t("data.version_line", version=version, loaded=fmt.datetime(facts.get("built_at",
              "").rstrip("Z") or None), licence=licence, licence_url=licence_url,
              publisher=pub.get("nama", region.nama)))
# Machines read the same data by address: the DCAT catalogue for portals, the API for scripts.
st.markdown(t("data.machine_links", **api.catalog_links()))

# The files were written at load time; /unduh/ serves them where they lie (lentera.web.downloads).
published = catalog.prepared_folder(version)
files_version = version
if published is None:
    # say why there are no files (being prepared, failed, never made), and offer the last ones
    status = prepared.export_status()
    when = fmt.datetime(status.get("at", "").rstrip("Z") or None)
    if status.get("state") == "preparing" and status.get("data_version") == version:
        st.info(t("data.exports_preparing", since=when), icon=":material/hourglass_top:")
    elif status.get("state") == "failed" and status.get("data_version") == version:
        st.warning(t("data.exports_failed", at=when), icon=":material/error:")
    else:
        st.info(t("data.no_exports"), icon=":material/hourglass_empty:")
    previous = prepared.previous_exports(version)
    if previous:
        published = catalog.prepared_folder(previous)
        files_version = previous
        st.caption(t("data.exports_previous", version=previous))


# ---- the whole package -------------------------------------------------------------------
# the current version's files at their stable /unduh/latest/ address (what a script can fetch
# every month); an earlier version's files (offered meanwhile) at their own version's address
latest = published is not None and files_version == version
pkg = catalog.package_download(files_version) if published else None
if pkg:
    with st.container(border=True):
        st.markdown(f"**{t('data.package_title')}**")
        st.caption(t("data.package_help"))
        st.html(cite.links_html([(t("data.package_link", size=catalog.size_text(pkg["bytes"])),
                                  pkg["latest"] if latest else pkg["url"])]))

# ---- the officials' audit log: its head published, so a cut or recomputed tail shows later
with st.expander(t("data.audit_title"), icon=":material/link:"):
    st.caption(t("data.audit_help"))
    try:
        head = audit.head()
    except Exception:  # no submissions store on this server
        head = None
    if head is None:
        st.caption(t("data.audit_unavailable"))
    elif head.count == 0:
        st.caption(t("data.audit_empty"))
    else:
        st.markdown(t("data.audit_now", count=fmt.number(head.count), at=fmt.datetime(head.at)))
        st.code(head.anchor, language=None, wrap_lines=True)
    anchored = catalog.manifest(files_version).get("audit_head") if published else None
    if anchored:
        st.markdown(t("data.audit_in_package", count=fmt.number(anchored["count"]),
                      at=fmt.datetime(anchored["read_at"].rstrip("Z"))))
        st.code(anchored["anchor"], language=None, wrap_lines=True)
    anchor = (anchored or {}).get("anchor") or (head.anchor if head and head.count else None)
    if anchor:
        st.caption(t("data.audit_verify"))
        st.code(f"python -m lentera audit verify --against {anchor}", language="bash",
                wrap_lines=True)

# ---- one dataset -------------------------------------------------------------------------
LIVE = "laporan_warga"
options = [*catalog.DATASETS, LIVE]
# The URL carries the dataset's name, not its translated title.
name = url.choice("data", "dataset", options, default=options[0], label=t("data.pick_dataset"),
                  omit_default=False,
                  format_func=lambda n: t("data.ds_laporan_warga") if n == LIVE
                  else catalog.DATASETS[n].title(lang))

if name == LIVE:
    st.subheader(t("data.ds_laporan_warga"))
    st.markdown(t("data.laporan_warga_desc"))
    try:
        live = catalog.laporan_warga()  # a public id, never the ticket (which opens Lacak)
    except Exception:  # no submissions store yet on this server: nothing to share
        live = None
    if live is None or live.is_empty():
        st.info(t("data.laporan_warga_none"))
    else:
        st.metric(t("data.meta_rows"), fmt.number(live.height))
        rows_controls(live, "laporan-warga", key="laporan_warga")
    st.markdown(f"#### {t('data.dictionary_title')}")
    dictionary = catalog.laporan_warga_dictionary(lang)
else:
    ds = catalog.dataset(name)
    st.subheader(ds.title(lang))
    st.markdown(ds.description(lang))
    info = ui.cached(catalog.summary, name=name)
    runs = ui.cached(catalog.provenance, name=name)

    # ---- metadata (Satu Data style)
    meta_rows = [(t("data.meta_producer"), ds.producer)]
    if info["start"]:
        start, end = info["start"], info["end"]
        if len(start) == 10:
            start, end = fmt.date(start), fmt.date(end)
        meta_rows.append((t("data.meta_time"), f"{start} – {end}"))
    meta_rows.append((t("data.meta_place"), t("data.meta_place_value", region=region.nama,
                                               kecamatan=info["kecamatan"])
                      if info["kecamatan"] else region.nama))
    meta_rows += [
        (t("data.meta_frequency"), ds.frequency(lang)),
        (t("data.meta_licence"), licence),
        (t("data.meta_contact"), pub.get("kontak", "")),
    ]
    if runs.height:
        meta_rows.append((t("data.meta_loaded"), fmt.datetime(runs["finished_at"].max())))
    meta_rows.append((t("data.meta_rows"), fmt.number(info["rows"])))
    if runs.height:
        meta_rows.append((t("data.meta_rejected"), fmt.number(runs["rows_rejected"].sum())))
    if ds.amount:
        # one sum over years, stages and groups means nothing: the totals table breaks it down
        meta_rows.append((t("data.meta_amount", column=ds.amount), t("data.meta_amount_see")))
    if facts.get("is_sample") == "true":
        meta_rows.append((t("data.meta_sample"), t("data.meta_sample_value")))
    st.markdown(f"#### {t('data.meta_title')}")
    # a plain list reads better on a phone than a two-column grid
    st.markdown("\n".join(f"- **{label}:** {value}" for label, value in meta_rows))

    # ---- downloads: prepared files, streamed by /unduh/ (never through Streamlit messages)
    st.markdown(f"#### {t('data.downloads_title')}")
    st.caption(t("data.downloads_help"))
    files = catalog.downloads(name, files_version) if published else pl.DataFrame()
    links = []
    for row in files.iter_rows(named=True):
        if row["url"]:
            label = t(f"data.fmt_{row['format']}")
            links.append((t("data.link_label", format=label, size=catalog.size_text(row["bytes"])),
                          row["latest"] if latest else row["url"]))
        elif row["note"] == "too_many_rows":
            st.caption(t("data.xlsx_too_many_rows"))
    if links:
        st.html(cite.links_html(links))

    # ---- what the amount adds up to: per year, stage and group, never one blended total
    if ds.totals:
        st.markdown(f"#### {t('data.totals_title', column=ds.amount)}")
        st.caption(t(f"data.totals_help_{name}", column=ds.amount))
        sums = ui.cached(catalog.totals, name=name)
        shown = frames.formatted(sums, {"jumlah": fmt.rupiah_full, "baris": fmt.number})
        shown = shown.with_columns(
            *([pl.when(pl.col("berlaku")).then(pl.lit(t("data.berlaku_ya")))
               .otherwise(pl.lit("")).alias("berlaku")] if "berlaku" in sums.columns else []),
        )
        st.dataframe(shown.rename({c: t(f"data.col_{c}") for c in shown.columns}),
                     hide_index=True, width="stretch", key="totals")

    st.markdown(f"#### {t('data.dictionary_title')}")
    dictionary = catalog.dictionary(name, lang)

st.dataframe(dictionary.rename({c: t(f"data.col_{c}") for c in dictionary.columns}),
             hide_index=True, width="stretch", key="dictionary")

if name != LIVE:
    st.markdown(f"#### {t('data.sources_title')}")
    if catalog.dataset(name).source and runs.height:
        shown = runs.select("source_file", "sha256", "rows_read", "rows_loaded", "rows_rejected",
                            "status")
        st.dataframe(shown.rename({c: t(f"data.col_{c}") for c in shown.columns}),
                     hide_index=True, width="stretch", key="sources")
    else:
        st.caption(t("data.sources_none"))
    # the rejected rows themselves are a dataset of their own (values redacted or withheld)
    reasons = ui.cached(catalog.reject_reasons, name=name) if catalog.dataset(name).source \
        else pl.DataFrame()
    if reasons.height:
        st.markdown(f"#### {t('data.rejects_title')}")
        st.caption(t("data.rejects_help",
                     dataset=catalog.DATASETS["baris_ditolak"].title(lang)))
        st.dataframe(frames.formatted(reasons, {"rows": fmt.number})
            .rename({c: t(f"data.col_{c}") for c in reasons.columns}),
            hide_index=True, width="stretch", key="reject_reasons")
        reject_files = catalog.downloads("baris_ditolak", files_version) if published \
            else pl.DataFrame()
        reject_links = [(t("data.rejects_link", format=t(f"data.fmt_{r['format']}"),
                           size=catalog.size_text(r["bytes"])), r["latest"] if latest else r["url"])
                        for r in reject_files.iter_rows(named=True)
                        if r["url"] and r["format"] in ("csv", "xlsx")]
        if reject_links:
            st.html(cite.links_html(reject_links))

# ---- what changed since the previous load -----------------------------------------------
st.markdown(f"#### {t('data.changes_title')}")
changed = ui.cached(catalog.changes)
if changed.is_empty():
    st.caption(t("data.changes_none"))
else:
    shown = changed.select("dataset", "added", "removed", "changed")
    st.dataframe(shown.rename({c: t(f"data.col_{c}") for c in shown.columns}),
                 hide_index=True, width="stretch", key="changes")

cite.cite_box(t("pages.data"))
