"""Screen parts shared by the citizens' pages: the form pieces and the receipt.

Lapor and Usulkan share the field error, the start-again reset, the kecamatan/desa pair with its
map, the honeypot and the ticket receipt (`CitizenForm`); Masuk's plain HTML forms are
`post_form`. The officials' queue and case are drawn by `lentera.web.kasus`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from lentera.core import forms
from lentera.core.i18n import t
from lentera.figures import maps
from lentera.services import lokasi, warga
from lentera.store import engine, photos
from lentera.warehouse import geo

# ---------------------------------------------------------------- citizens' forms


# The field a message key belongs to, named in its message (the form's own label keys).
FIELD_LABELS = {
    "kategori": "forms.label_kategori", "judul": "forms.label_judul", "isi": "forms.label_isi",
    "kode_kecamatan": "forms.label_kecamatan", "kode_desa": "forms.label_desa",
    "lat": "forms.label_lokasi", "photos": "forms.label_foto", "contact": "forms.label_kontak",
    "usulan": "forms.label_usulan", "permasalahan": "forms.label_permasalahan",
    "volume": "forms.label_volume", "satuan": "forms.label_satuan",
    "perkiraan_biaya": "forms.label_perkiraan_biaya", "bidang_urusan": "forms.label_bidang_urusan",
}
# Off-screen, unfocusable and hidden from screen readers; robots that fill every input still find it.
_HONEYPOT_CSS = ("<style>.st-key-{key}{{position:absolute!important;left:-10000px!important;"
                 "top:auto!important;width:1px!important;height:1px!important;"
                 "overflow:hidden!important}}</style>")
_HONEYPOT_JS = """<script>
(() => {
  const hide = () => document.querySelectorAll('.st-key-%s').forEach(box => {
    if (box.getAttribute('aria-hidden') !== 'true') box.setAttribute('aria-hidden', 'true');
    box.querySelectorAll('input').forEach(i => {
      if (i.getAttribute('tabindex') !== '-1') i.setAttribute('tabindex', '-1');
      if (i.getAttribute('autocomplete') !== 'off') i.setAttribute('autocomplete', 'off');
    });
  });
  hide();
  new MutationObserver(hide).observe(document.body, {childList: true, subtree: true});
})();
</script>"""


class CitizenForm:
    """The state keys and shared pieces of one citizen form (`lapor` or `usulkan`).

    `current_errors()` gives the errors of what the fields hold now (the page's validator), so a
    message from the last attempt disappears as soon as its field is fixed.
    """

    def __init__(self, page: str, current_errors: Callable[[], dict] | None = None) -> None:
        self.page = page
        self.errors_key = f"{page}_errors"
        self.retry_key = f"{page}_retry_minutes"
        self.refused_key = f"{page}_refused_file"
        self.ticket_key = f"{page}_ticket"
        self.map_key = f"{page}_peta"
        self.gps_key = f"{page}_gps_answer"
        self._current = current_errors

    @property
    def errors(self) -> dict:
        """The field errors of the last attempt still true of the fields (`{field: key}`)."""
        last = st.session_state.get(self.errors_key, {})
        if not last or self._current is None or "store" in last:
            return last
        now = self._current()
        kept = {f: now[f] for f in last if f in now}
        # a photo is refused by content when sent: that holds while the same photos are there
        if "photos" in last and "photos" not in kept and self._same_photos():
            kept["photos"] = last["photos"]
        return kept

    def _same_photos(self) -> bool:
        names = [f.name for f in (st.session_state.get(f"{self.page}_foto") or [])]
        refused = st.session_state.get(self.refused_key)
        return bool(names) and (refused is None or refused in names)

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
        """The message under a field while the last attempt's refusal still holds."""
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
        """The form's opening: the steps (a real list when numbered) and the place."""
        numbered = [p.strip() for p in steps.split("\n") if p.strip()]
        if len(numbered) > 1:
            st.markdown("\n".join(numbered))
        else:
            st.caption(steps)
        self.place()

    def errors_notice(self, text: str) -> None:
        """One line at the top of the form naming the refused fields (or the store's message)."""
        if self.errors.get("store"):
            st.error(forms.message(self.errors["store"]), icon=":material/cloud_off:")
        elif self.errors:
            st.error(text, icon=":material/error:")
            named = [t(FIELD_LABELS[f]) for f in self.errors if f in FIELD_LABELS]
            if named:
                st.caption(t("forms.fields_to_fix", fields=", ".join(named)))

    def errors_reminder(self) -> None:
        """Beside the send button: which fields still stop it (the notice above is out of sight)."""
        named = [t(FIELD_LABELS[f]) for f in self.errors if f in FIELD_LABELS]
        if named and not self.errors.get("store"):
            st.error(t("forms.fields_to_fix", fields=", ".join(named)), icon=":material/error:")

    def photo_uploader(self, label: str, key: str) -> None:
        """Up to three photos of any type, so a refused one is explained beside it, not dropped.

        No `type` filter: the uploader's own refusal is in English and the file would never
        reach us; every file is checked by content (lentera.store.photos) and refused in words.
        A photo's recorded location is offered as the place (`gps_offer`).
        """
        st.file_uploader(label, accept_multiple_files=True, key=key,
                         max_upload_size=forms.UPLOAD_MAX_MB)
        st.caption(f"{forms.message('forms.photo_note')} {forms.message('forms.upload_limit_note')}")
        self.field_error("photos")
        self.gps_offer(key)

    def files(self, key: str) -> list[tuple[str, bytes]]:
        """The uploaded photos as (name, bytes)."""
        return [(f.name, f.getvalue()) for f in (st.session_state.get(key) or [])]

    # ---- the place: kecamatan, desa, map, point, photo's location

    def _set_desa(self, kode_desa: str) -> None:
        info = forms.desa_info(kode_desa)
        if info:
            st.session_state[f"{self.page}_kode_kecamatan"] = info["kode_kecamatan"]
            st.session_state[f"{self.page}_kode_desa"] = info["kode_desa"]

    def _point(self) -> tuple[float, float] | None:
        return lokasi.point_of({"lat": st.session_state.get(f"{self.page}_lat"),
                                "lng": st.session_state.get(f"{self.page}_lng")})

    def _tapped(self) -> None:
        # Callback: the desa tapped on the map becomes the chosen one (and its kecamatan).
        event = st.session_state.get(self.map_key) or {}
        objects = (event.get("selection") or {}).get("objects") or {}
        picked = objects.get("pilih-desa") or []
        if not picked:
            return
        obj = picked[0]
        kode = (obj.get("properties") or obj).get("kode")
        if not kode:
            return
        self._set_desa(kode)
        point = self._point()
        at = lokasi.desa_of_point(*point) if point is not None else None
        if at is not None and at["kode_desa"] != kode:  # a point elsewhere: the tap wins
            st.session_state[f"{self.page}_lat"] = st.session_state[f"{self.page}_lng"] = ""

    def place(self) -> None:
        """Kecamatan, desa, the tap-able map and the optional point, with their messages."""
        st.subheader(t("lapor.place_heading"), anchor=False)
        self.kecamatan_select()
        kec = st.session_state.get(f"{self.page}_kode_kecamatan")
        desa = warga.desa_labels(kec)
        st.selectbox(f"{t('forms.label_desa')} *", list(desa), index=None, format_func=desa.get,
                     key=f"{self.page}_kode_desa", placeholder=t("lapor.placeholder_choose"))
        self.field_error("kode_desa")
        self.point_note()
        st.caption(t("lapor.map_hint"))
        chosen = st.session_state.get(f"{self.page}_kode_desa")
        deck = maps.pilih_desa_deck(geo.shapes("desa"), t("lapor.map_tooltip", nama="{nama}"),
                                    chosen=chosen, kode_prefix=kec)
        st.pydeck_chart(deck, on_select=self._tapped, selection_mode="single-object",
                        key=self.map_key, height=320, alt=t("lapor.map_alt"))

    def point_note(self) -> None:
        """Which desa the point lies in, beside the desa field; flagged when it is not the chosen."""
        point = self._point()
        if point is None:
            return
        desa = lokasi.desa_of_point(*point)
        if desa is None:
            st.caption(t("forms.point_outside_desa"))
            return
        note = t("forms.point_in_desa", desa=desa["nama_desa"], kecamatan=desa["nama_kecamatan"])
        chosen = st.session_state.get(f"{self.page}_kode_desa")
        if chosen and chosen != desa["kode_desa"]:
            st.warning(f"{note} {t('forms.err_desa_point')}", icon=":material/wrong_location:")
        else:
            st.caption(note)

    def location_fields(self, lokasi_hint: str) -> None:
        """The optional point, typed (also filled by the photo's location)."""
        with st.expander(t("forms.label_lokasi"), expanded=bool(self.errors.get("lat"))
                         or self._point() is not None):
            st.caption(lokasi_hint)
            left, right = st.columns(2)
            left.text_input(t("lapor.lat"), key=f"{self.page}_lat")
            right.text_input(t("lapor.lng"), key=f"{self.page}_lng")
        self.field_error("lat")

    def _use_gps(self, lat: float, lng: float, kode_desa: str, sig: str) -> None:
        st.session_state[f"{self.page}_lat"] = f"{lat:.6f}"
        st.session_state[f"{self.page}_lng"] = f"{lng:.6f}"
        self._set_desa(kode_desa)
        st.session_state[self.gps_key] = (sig, "used")

    def _skip_gps(self, sig: str) -> None:
        st.session_state[self.gps_key] = (sig, "skipped")

    def gps_offer(self, key: str) -> None:
        """"Use the photo's location?" when an uploaded photo records one (asked once per photo)."""
        uploads = st.session_state.get(key) or []
        for f in uploads:
            sig = f"{f.name}:{f.size}"
            answer = st.session_state.get(self.gps_key)
            point = photos.gps_of(f.getvalue())
            if point is None:
                continue
            desa = lokasi.desa_of_point(*point)
            if answer and answer[0] == sig:
                if answer[1] == "used" and desa:
                    st.success(t("lapor.photo_gps_used", desa=desa["nama_desa"]),
                               icon=":material/my_location:")
                return
            if desa is None:
                st.info(t("lapor.photo_gps_outside", file=f.name), icon=":material/location_off:")
                return
            with st.container(border=True, key=f"{self.page}_gps_box"):
                st.markdown(t("lapor.photo_gps_offer", file=f.name, desa=desa["nama_desa"],
                              kecamatan=desa["nama_kecamatan"]))
                left, right = st.columns(2)
                left.button(t("lapor.photo_gps_use"), key=f"{self.page}_gps_use", type="primary",
                            on_click=self._use_gps, args=(*point, desa["kode_desa"], sig),
                            icon=":material/my_location:")
                right.button(t("lapor.photo_gps_skip"), key=f"{self.page}_gps_skip",
                             on_click=self._skip_gps, args=(sig,))
            return

    def kecamatan_select(self) -> None:
        """The kecamatan choice, outside the form so the desa list follows it at once."""
        kecamatan = warga.kecamatan_labels()
        st.selectbox(f"{t('forms.label_kecamatan')} *", list(kecamatan), index=None,
                     format_func=kecamatan.get, key=f"{self.page}_kode_kecamatan",
                     placeholder=t("lapor.placeholder_choose"), help=t("lapor.kecamatan_help"),
                     on_change=lambda: st.session_state.pop(f"{self.page}_kode_desa", None))
        self.field_error("kode_kecamatan")

    def honeypot(self) -> None:
        """A field people and screen readers never meet (off-screen, aria-hidden, no tab stop,
        no visible label) and form-filling robots fill."""
        key = f"{self.page}_hp"
        st.html(_HONEYPOT_CSS.format(key=key))
        st.html(_HONEYPOT_JS % key, unsafe_allow_javascript=True)
        with st.container(key=key):
            st.text_input(t("forms.label_honeypot"), key=f"{self.page}_{forms.HONEYPOT_FIELD}",
                          label_visibility="collapsed", autocomplete="off")
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
