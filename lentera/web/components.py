"""Screen parts shared by several pages: the officials' queue and case, the citizens' form pieces.

Verifikasi and Tindak lanjut draw the same queue table, case detail, action form and timeline
(`queue_table`, `pick_ticket`, `case_detail`, `action_form`, `timeline`); Lapor and Usulkan share
the field error, the start-again reset, the kecamatan/desa pair, the honeypot and the ticket
receipt (`CitizenForm`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
import streamlit as st

from lentera.core import config, fmt, forms
from lentera.core.i18n import t
from lentera.services import petugas, warga
from lentera.store import auth, engine
from lentera.web import ui, url
from lentera.web.text import literal

# ---------------------------------------------------------------- officials' queue

_QUEUE_LABELS = {"nomor_tiket": "col_tiket", "jenis": "col_jenis", "status": "col_status",
                 "kategori": "col_kategori", "kanal": "col_kanal", "nama_desa": "col_desa",
                 "sisa_hari_kerja": "col_sisa", "jeda_panjang": "col_jeda_panjang"}


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
    shown = [c for c in columns if c != "masuk"]
    labels: dict[str, Any] = {c: t(f"petugas.{_QUEUE_LABELS[c]}") for c in shown}
    labels["masuk"] = st.column_config.DateColumn(t("petugas.col_masuk"), format="D MMM YYYY")
    st.dataframe(
        queue.select(*[queue["tanggal_masuk"].dt.date().alias("masuk") if c == "masuk" else c
                       for c in columns]),
        hide_index=True, width="stretch", column_config=labels)
    return queue


def pick_ticket(page: str, queue: pl.DataFrame) -> str:
    """The ticket picker, bound to `?tiket=` (a ticket not in this queue is ignored)."""
    tickets = queue["nomor_tiket"].to_list()
    return url.choice(page, "tiket", tickets, default=tickets[0], label=t("petugas.pick"),
                      omit_default=False)


def case_detail(ticket: str, info: dict, *, place: bool = False) -> None:
    """The case: ticket, confidentiality note, title, citizen's text (as text), optionally place."""
    st.subheader(ticket, anchor=False)
    if info["rahasia"]:
        st.caption(t("petugas.rahasia"))
    if info["judul"]:
        st.markdown(f"**{literal(info['judul'])}**")
    st.text(info["isi"] or "")
    if place:
        st.caption(" · ".join(x for x in (info["kategori"], info["nama_desa"],
                                          info["nama_kecamatan"]) if x))


def action_form(page: str, user, ticket: str, info: dict, allowed: Sequence[str], *,
                horizontal: bool = False,
                extra: Callable[[str], dict] | None = None) -> None:
    """Action radio, reason and note form, the act itself and its outcome (toast or message).

    `extra(action)` draws action-specific fields inside the form and returns their keyword
    arguments for `petugas.act` (the dispose target, the duplicate's ticket).
    """
    actions = [a for a in petugas.allowed_actions(user, info["kind"], info["status"])
               if a in allowed]
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


def timeline(info: dict, *, reasons: bool = False) -> None:
    """The case's events, oldest first, folded."""
    with st.expander(t("petugas.timeline")):
        for ev in info["timeline"]:
            st.markdown(f"- {fmt.date(ev['at'].date())} · {t('lacak.status_' + ev['to_status'])}"
                        + (f" · `{ev['reason_code']}`" if reasons and ev["reason_code"] else "")
                        + (f" — {literal(ev['public_note'])}" if ev["public_note"] else ""))


# ---------------------------------------------------------------- citizens' forms


class CitizenForm:
    """The state keys and shared pieces of one citizen form (`lapor` or `usulkan`)."""

    def __init__(self, page: str) -> None:
        self.page = page
        self.errors_key = f"{page}_errors"
        self.retry_key = f"{page}_retry_minutes"
        self.refused_key = f"{page}_refused_file"
        self.ticket_key = f"{page}_ticket"

    @property
    def errors(self) -> dict:
        """The field errors of the last attempt (`{field: message key}`)."""
        return st.session_state.get(self.errors_key, {})

    def record(self, result: warga.SubmitResult) -> None:
        """Keep a submit's outcome for the next run: errors, wait, refused file, ticket."""
        state = st.session_state
        state[self.errors_key], state[self.retry_key] = result.errors, result.retry_minutes
        state[self.refused_key] = result.refused_file
        if result.ok:
            state[self.ticket_key] = result.ticket

    def stored(self, write: Callable[..., Any], *args) -> Any:
        """Run a store write; None, with the store's message kept, when it is busy or full.

        Nothing was written then, and the widgets keep their values: the citizen sends again.
        """
        try:
            return write(*args)
        except engine.StoreBusyError:
            key = "forms.store_busy"
        except engine.StoreFullError:
            key = "forms.store_full"
        state = st.session_state
        state[self.errors_key], state[self.retry_key] = {"store": key}, 0
        state[self.refused_key] = None
        return None

    def send(self, submit: Callable[..., warga.SubmitResult], *args) -> None:
        """Run a submit and record its outcome (see `stored` for a busy or full store)."""
        result = self.stored(submit, *args)
        if result is not None:
            self.record(result)

    def start_again(self) -> None:
        """Callback: forget every field and outcome of this form."""
        prefix = f"{self.page}_"
        for key in [k for k in st.session_state if str(k).startswith(prefix)]:
            del st.session_state[key]

    def field_error(self, field: str) -> None:
        """The message under a field, when the last attempt refused it."""
        key = self.errors.get(field)
        if key:
            refused = st.session_state.get(self.refused_key) if field == "photos" else None
            st.error(warga.error_text(key, refused), icon=":material/error:")

    def rate_limited(self) -> None:
        """The "too many submissions, wait N minutes" message, when the last attempt hit it."""
        if st.session_state.get(self.retry_key):
            st.error(t("forms.rate_limited", minutes=st.session_state[self.retry_key]),
                     icon=":material/hourglass_top:")

    def begin(self, steps: str) -> None:
        """The form's opening: the steps and the kecamatan choice."""
        st.caption(steps)
        self.kecamatan_select()

    def errors_notice(self, text: str) -> None:
        """One line at the top of the form when some fields were refused or the store was not."""
        if self.errors.get("store"):
            st.error(forms.message(self.errors["store"]), icon=":material/cloud_off:")
        elif self.errors:
            st.error(text, icon=":material/error:")

    def photo_uploader(self, label: str, key: str) -> None:
        """Up to three photos of any type, so a refused one is explained beside it, not dropped.

        No `type` filter: the uploader's own refusal is in English and the file would never
        reach us; every file is checked by content (lentera.store.photos) and refused in words.
        """
        st.file_uploader(label, accept_multiple_files=True, key=key,
                         max_upload_size=forms.UPLOAD_MAX_MB)
        st.caption(f"{forms.message('forms.photo_note')} {forms.message('forms.upload_limit_note')}")
        self.field_error("photos")

    def kecamatan_select(self) -> None:
        """The kecamatan choice, outside the form so the desa list follows it at once."""
        kecamatan = warga.kecamatan_labels()
        st.selectbox(f"{t('forms.label_kecamatan')} *", list(kecamatan), index=None,
                     format_func=kecamatan.get, key=f"{self.page}_kode_kecamatan",
                     placeholder=t("lapor.placeholder_choose"), help=t("lapor.kecamatan_help"),
                     on_change=lambda: st.session_state.pop(f"{self.page}_kode_desa", None))
        self.field_error("kode_kecamatan")

    def desa_and_location(self, lokasi_hint: str) -> None:
        """The desa choice (of the chosen kecamatan) and the optional point, with their errors."""
        desa = warga.desa_labels(st.session_state.get(f"{self.page}_kode_kecamatan"))
        st.selectbox(f"{t('forms.label_desa')} *", list(desa), index=None, format_func=desa.get,
                     key=f"{self.page}_kode_desa", placeholder=t("lapor.placeholder_choose"))
        self.field_error("kode_desa")
        with st.expander(t("forms.label_lokasi"), expanded=bool(self.errors.get("lat"))):
            st.caption(lokasi_hint)
            left, right = st.columns(2)
            left.text_input(t("lapor.lat"), key=f"{self.page}_lat")
            right.text_input(t("lapor.lng"), key=f"{self.page}_lng")
        self.field_error("lat")

    def honeypot(self) -> None:
        """A field people never open and form-filling robots fill."""
        with st.expander(t("lapor.robots")):
            st.caption(t("lapor.robots_note"))
            st.text_input(t("forms.label_honeypot"), key=f"{self.page}_{forms.HONEYPOT_FIELD}")
        self.field_error(forms.HONEYPOT_FIELD)

    def receipt(self, ticket: str, *, sent: str, your_ticket: str, track_link: str,
                copy_hint: str | None = None, track_url_caption: str | None = None) -> None:
        """The ticket receipt: the number large and copyable, the tracking link and URL."""
        st.success(sent, icon=":material/check_circle:")
        st.markdown(your_ticket)
        st.header(ticket, anchor=False)
        st.code(ticket, language=None)
        if copy_hint:
            st.caption(copy_hint)
        st.page_link("pages/lacak.py", label=track_link, icon=":material/search:",
                     query_params={"tiket": ticket})
        if track_url_caption:
            st.caption(track_url_caption)
        st.code(warga.tracking_url(st.context.url, ticket), language=None, wrap_lines=True)

    def start_again_button(self, label: str) -> None:
        """The "new report" button that clears this form."""
        st.button(label, key=f"{self.page}_new", on_click=self.start_again, icon=":material/add:")


# ---------------------------------------------------------------- plain HTML forms (sign-in)

_FORM_CSS = """<style>
.lentera-form{display:flex;flex-direction:column;gap:.75rem;max-width:26rem;padding:1rem;
 border:1px solid rgba(49,51,63,.2);border-radius:.5rem}
.lentera-form label{display:flex;flex-direction:column;gap:.25rem;font-size:.875rem}
.lentera-form input{font:inherit;padding:.5rem .75rem;border:1px solid rgba(49,51,63,.3);
 border-radius:.5rem;background:#f0f2f6}
.lentera-form button{font:inherit;align-self:flex-start;padding:.4rem 1rem;border-radius:.5rem;
 border:1px solid #0b6e99;background:#0b6e99;color:#fff;cursor:pointer}
</style>"""


def post_form(action: str, *, submit: str, lang: str, csrf: str,
              fields: Sequence[tuple[str, str, str, str]] = (),
              hidden: Mapping[str, str] | None = None) -> str:
    """A plain HTML form POSTed to one of the app's routes (`fields`: name, label, type,
    autocomplete); every text is escaped. Used where the answer must set a cookie."""
    esc = html.escape
    rows = [f'<label>{esc(label)}<input name="{esc(name)}" type="{esc(kind)}" required '
            f'autocomplete="{esc(auto)}" maxlength="256"></label>'
            for name, label, kind, auto in fields]
    extra = {"csrf": csrf, "lang": lang, **(hidden or {})}
    rows += [f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in extra.items()]
    return (f'{_FORM_CSS}<form class="lentera-form" method="post" action="{esc(action)}">'
            + "".join(rows) + f'<button type="submit">{esc(submit)}</button></form>')
