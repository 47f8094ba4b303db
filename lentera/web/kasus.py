"""The officials' case screens: queue, case detail (photos, place, SLA clock), actions, history.

Verifikasi and Tindak lanjut draw the same pieces. Photos are read through
`petugas.photo_bytes`, which checks the signed-in official's role and office first; they are
drawn into the page itself and never get a public address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
import streamlit as st

from lentera.core import config, fmt, frames
from lentera.core.i18n import has, t
from lentera.services import petugas
from lentera.store import auth
from lentera.web import tables, ui, url
from lentera.web.text import literal

_QUEUE_LABELS = {"nomor_tiket": "col_tiket", "jenis": "col_jenis", "status": "col_status",
                 "kategori": "col_kategori", "kanal": "col_kanal", "nama_desa": "col_desa",
                 "masuk": "col_masuk", "sisa_hari_kerja": "col_sisa",
                 "jeda_panjang": "col_jeda_panjang"}
_SMALL = ("jenis", "kanal", "jeda_panjang")


def _short_date(d) -> str:
    """"4 Des 2026": the queue's narrow column keeps the year."""
    return f"{d.day} {fmt.month_name(d.month, short=True)} {d.year}"


def queue_table(queue_raw: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame | None:
    """The labelled queue as a table (oldest first), or an "empty" notice and None."""
    queue = petugas.labelled(queue_raw, t)
    if queue.is_empty():
        st.info(t("petugas.queue_empty"), icon=":material/task_alt:")
        return None
    st.caption(t("petugas.queue_count", n=fmt.number(queue.height)))
    if "jeda_panjang" in columns and queue["jeda_panjang"].any():
        st.warning(t("petugas.jeda_panjang_note", n=fmt.number(int(queue["jeda_panjang"].sum())),
                     batas=config.PAUSE_FLAG_DAYS), icon=":material/pause_circle:")
    if "kanal" in queue.columns:
        kanal = {k: t(f"petugas.k_{k}") if k in petugas.LOKET_KANAL else k
                 for k in queue["kanal"].drop_nulls().unique().to_list()}
        queue = queue.with_columns(pl.col("kanal").replace(kanal))
    # dates in the reader's language ("3 Desember 2026"), not the grid's English month names
    shown = queue.with_columns(frames.values(queue["tanggal_masuk"].dt.date(), _short_date,
                                             name="masuk"))
    labels: dict[str, Any] = {
        c: st.column_config.Column(t(f"petugas.{_QUEUE_LABELS[c]}"),
                                   width="small" if c in _SMALL else "medium"
                                   if c == "sisa_hari_kerja" else None) for c in columns}
    tables.show(shown.select(columns), hide_index=True, width="stretch", column_config=labels)
    return queue


def pick_ticket(page: str, queue: pl.DataFrame) -> str:
    """The ticket picker, bound to `?tiket=` (a ticket not in this queue is ignored)."""
    tickets = queue["nomor_tiket"].to_list()
    return url.choice(page, "tiket", tickets, default=tickets[0], label=t("petugas.pick"),
                      omit_default=False)


@st.dialog(" ", width="large")
def _full_photo(ticket: str, file_name: str) -> None:
    st.image(petugas.photo_bytes(st.session_state, ticket, file_name), width="content")


def photos(ticket: str, info: dict) -> None:
    """The citizen's photos as thumbnails; a button opens each at full size."""
    if not info["photos"]:
        return
    st.markdown(f"**{t('petugas.case_photos', n=len(info['photos']))}**")
    cols = st.columns(min(len(info["photos"]), 4))
    for i, p in enumerate(info["photos"]):
        with cols[i % len(cols)]:
            try:
                data = petugas.photo_bytes(st.session_state, ticket, p["file_name"])
            except (petugas.PetugasError, auth.AuthError):
                st.caption(t("petugas.case_photo_missing"))
                continue
            st.image(data, width=160, caption=f"{p['width']}×{p['height']}")
            if st.button(t("petugas.case_photo_full"), key=f"foto.{p['file_name']}",
                         icon=":material/zoom_in:"):
                _full_photo(ticket, p["file_name"])


def clock(info: dict) -> None:
    """The SLA clock: target date, net and gross working days, paused days, days left."""
    if info["kind"] != "pengaduan":
        return
    if info["target_hari_kerja"] is None or info["hari_kerja"] is None:
        st.caption(t("petugas.clock_unknown"))
        return
    st.markdown(f"**{t('petugas.clock_title')}** · "
                + t("petugas.clock_due", tanggal=fmt.date(info["target_date"]),
                    n=fmt.number(info["target_hari_kerja"])))
    # one compact line: four big metrics took a screen of their own on a phone
    st.markdown(" · ".join(
        f"{t(f'petugas.{key}')}: **{t('petugas.clock_days', n=fmt.number(value))}**"
        for key, value in (("clock_net", info["hari_kerja"]), ("clock_gross", info["hari_kotor"]),
                           ("clock_paused", info["hari_ditunda"]),
                           ("clock_left", info["sisa_hari_kerja"]))))


def case_detail(ticket: str, info: dict) -> None:
    """The case: ticket, title and text, photos, category, place with a small map, channel,
    dates, SLA clock, the office responsible and its accounts."""
    st.subheader(ticket, anchor=False)
    if info["rahasia"]:
        st.caption(t("petugas.rahasia"))
    left, right = st.columns([3, 2])
    with left:
        if info["judul"]:
            st.markdown(f"**{literal(info['judul'])}**")
        st.text(info["isi"] or "")
        photos(ticket, info)
    with right:
        place = ", ".join(x for x in (info["nama_desa"], info["nama_kecamatan"]) if x) or "–"
        kanal = info["kanal"] or "–"
        if kanal in petugas.LOKET_KANAL:
            kanal = t(f"petugas.k_{kanal}")
        office = info["nama_skpd"] or t("petugas.case_opd_none")
        people = ", ".join(info["penanggung_jawab"]) or t("petugas.case_pj_none")
        created = info["created_at"].astimezone(config.local_zone())
        for label, value in (("case_kategori", info["kategori"] or "–"), ("case_tempat", place),
                             ("case_kanal", kanal), ("case_masuk", fmt.date(created.date())),
                             ("case_opd", office)):
            st.markdown(f"**{t('petugas.' + label)}:** {literal(value)}")
        if info["kode_skpd"]:
            st.caption(f"{t('petugas.case_pj')}: {literal(people)}")
        if info["lat"] is not None and info["lng"] is not None:
            st.map(pl.DataFrame({"lat": [info["lat"]], "lon": [info["lng"]]}), zoom=10,
                   height=200, size=300)
            st.caption(t("petugas.case_map"))
    clock(info)


def action_form(page: str, user, ticket: str, info: dict, allowed: Sequence[str], *,
                horizontal: bool = False,
                extra: Callable[[str], dict] | None = None) -> None:
    """Action radio, reason and note form, the act itself and its outcome (toast or message).

    `extra(action)` draws action-specific fields inside the form and returns their keyword
    arguments for `petugas.act` (the dispose target, the duplicate's ticket).
    """
    actions = [a for a in petugas.allowed_actions(user, info["kind"], info["status"])
               if a in allowed]
    if not actions:
        return
    action = st.radio(t("petugas.action"), actions, format_func=lambda a: t(f"petugas.act_{a}"),
                      key=f"{page}.action", horizontal=horizontal)
    with st.form(f"{page}.form", border=True):
        reason = st.selectbox(t("petugas.reason"), petugas.ACTIONS[action].reasons,
                              format_func=lambda r: t(f"petugas.r_{r}"), key=f"{page}.reason")
        more = extra(action) if extra is not None else {}
        note = st.text_area(t("petugas.note"), max_chars=petugas.MAX_NOTE, key=f"{page}.note")
        go = st.form_submit_button(t("petugas.submit"), type="primary", icon=":material/send:")
    if not go:
        return
    try:
        done = petugas.act(st.session_state, ticket, action, reason, note, **more)
    except (petugas.PetugasError, auth.AuthError) as exc:
        ui.show_error(exc, key="petugas.err_refused", icon=":material/block:")
        return
    st.toast(t("petugas.done", ticket=ticket, status=t(f"lacak.status_{done['to_status']}")))
    url.forget(page, "tiket")
    st.rerun()


def timeline(info: dict, *, expanded: bool = False) -> None:
    """The case's events, oldest first: date, status, who (role), reason in words, public note."""
    with st.expander(t("petugas.timeline"), expanded=expanded):
        for ev in info["timeline"]:
            code = ev["reason_code"]
            reason = (t(f"petugas.r_{code}") if has(f"petugas.r_{code}") else code) if code else None
            role = t(f"petugas.role_{ev['role']}") if ev["role"] in auth.ROLES else None
            parts = [fmt.date(ev["at"].astimezone(config.local_zone()).date()),
                     t("lacak.status_" + ev["to_status"])] + [x for x in (role, reason) if x]
            st.markdown("- " + " · ".join(literal(p) for p in parts)
                        + (f" — {literal(ev['public_note'])}" if ev["public_note"] else ""))
