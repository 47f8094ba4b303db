"""The small IKM section of Pengaduan (per office) and Perizinan (per service), with its download."""

from __future__ import annotations

import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import t
from lentera.services import ikm
from lentera.store import umpan_balik


@st.cache_resource(ttl=600, max_entries=32, show_spinner=False)
def _table(per: str, version: str):
    """The IKM rows, computed again only when a rating was added (`version`): reading every
    rating on every view of Pengaduan and Perizinan grew with the ratings."""
    return ikm.per_office() if per == "office" else ikm.per_service()


def section(per: str) -> None:
    """Draw the IKM lines per office (`per="office"`) or per service (`per="service"`)."""
    st.subheader(t("ikm.title"), anchor=False)
    st.caption(t("ikm.intro_pengaduan" if per == "office" else "ikm.intro_perizinan"))
    try:
        table = _table(per, umpan_balik.ratings_version())
    except Exception:  # noqa: BLE001 - a store that does not answer hides the section's rows only
        st.info(t("ikm.kosong"))
        return
    if table.is_empty():
        st.info(t("ikm.kosong"))
        return
    name_col = "nama_skpd" if per == "office" else "layanan"
    lines = []
    for r in table.iter_rows(named=True):
        nama = r.get(name_col) or r.get("kode_skpd") or "–"
        if r["nilai_ikm"] is None:
            lines.append(t("ikm.line_sedikit", nama=nama, n=fmt.number(r["responden"]),
                           min=config.MIN_CASES_FOR_RANKING))
        else:
            lines.append(t("ikm.line", nama=nama, nilai=fmt.number(r["nilai_ikm"], decimals=2),
                           mutu=r["mutu"], n=fmt.number(r["responden"]),
                           indikatif=t("ikm.indikatif") if r["indikatif"] else ""))
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.caption(t("ikm.catatan"))
    st.download_button(t("ikm.unduh"), data=lambda: table.write_csv().encode("utf-8"),
                       file_name=f"ikm-{'perangkat-daerah' if per == 'office' else 'layanan'}.csv",
                       mime="text/csv", key=f"ikm_unduh_{per}", icon=":material/download:")
