"""Kiosk mode for shared touch screens (PIKI, front desks): large type and touch targets, no
sidebar, four pages, no downloads, and a return to the start page after a while without a touch.

On with `?kiosk=1` (kept in the session and the URL across page switches) or the setting
LENTERA_KIOSK; the kiosk's desa comes from `?desa=` or LENTERA_KIOSK_DESA. The idle reset is a
full reload of the start address: a new session, so every half-filled form is gone.
"""

from __future__ import annotations

import json
import re

import streamlit as st

from lentera.core import config

PAGES = ("beranda", "layanan", "lacak", "lapor")
# Pages a kiosk does not offer: links to them from the four pages are hidden.
OTHER_PAGES = ("anggaran", "pengaduan", "perizinan", "musrenbang", "usulkan", "data", "tentang",
               "masuk", "tinjauan", "verifikasi", "tindak-lanjut", "loket", "akun")
_DESA = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")

# Large type and touch targets (at least 56 px), no sidebar, no download buttons or links.
CSS = """
[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl],
[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapseButton] {display: none !important}
[data-testid=stDownloadButton], a[href*="/unduh/"], a[download] {display: none !important}
html {font-size: 20px}
.stApp [data-testid=stMarkdown] p, .stApp [data-testid=stMarkdown] li,
.stApp [data-testid=stWidgetLabel] p, .stApp input, .stApp textarea {font-size: 1.2rem}
.stApp button, .stApp [data-baseweb=select] > div, .stApp input, .stApp textarea,
.stApp [data-testid=stPageLink] a, .stApp [role=radio], .stApp [data-baseweb=checkbox] {
  min-height: 56px}
.stApp [data-testid=stTopNavLink], .stApp header a {min-height: 56px; font-size: 1.1rem;
  padding-inline: 0.8rem}
"""


def _hide_links() -> str:
    """CSS hiding page links to the pages a kiosk does not offer (relative or absolute hrefs)."""
    rules = ", ".join(f'[data-testid=stPageLink]:has(a[href="{n}"], a[href^="{n}?"], '
                      f'a[href$="/{n}"], a[href*="/{n}?"])' for n in OTHER_PAGES)
    return rules + " {display: none !important}"


def active() -> bool:
    """True when this session is a kiosk (setting, or `?kiosk=1` seen once in the session)."""
    if config.kiosk():
        return True
    state = st.session_state
    if "_kiosk" not in state:
        state["_kiosk"] = str(st.query_params.get("kiosk", "")).lower() in ("1", "true", "ya")
    return bool(state["_kiosk"])


def visibility(url_path: str) -> str:
    """"hidden" for a page a kiosk does not offer (in kiosk mode), else "visible"."""
    return "hidden" if active() and url_path not in PAGES else "visible"


def desa() -> str | None:
    """The kiosk's desa code (`?desa=` seen once in the session, else the setting)."""
    state = st.session_state
    if "_kiosk_desa" not in state:
        raw = str(st.query_params.get("desa", "")).strip()
        state["_kiosk_desa"] = raw if _DESA.match(raw) else None
    return state["_kiosk_desa"] or config.kiosk_desa()


def start_url() -> str:
    """The address the idle reset reloads: the start page in kiosk mode, with the kiosk's desa."""
    code = st.session_state.get("_kiosk_desa")
    return "./?kiosk=1" + (f"&desa={code}" if code else "")


def keep_in_url() -> None:
    """Write the kiosk flag (and desa) back into the URL: a page switch clears the URL."""
    if st.query_params.get("kiosk") != "1":
        st.query_params["kiosk"] = "1"
    code = st.session_state.get("_kiosk_desa")
    if code and st.query_params.get("desa") != code:
        st.query_params["desa"] = code


def script(idle_seconds: int, start: str) -> str:
    """The idle timer: any touch, key or scroll restarts it; when it runs out after some use (or
    away from the start page) the start address is loaded afresh."""
    conf = json.dumps({"idle": int(idle_seconds) * 1000, "start": start}).replace("</", "<\\/")
    return f"<script>window.lenteraKiosk = {conf};{_TIMER}</script>"


_TIMER = """
if (!window.lenteraKioskTimer) {
  let used = false;
  const home = () => {
    const here = window.location.pathname.replace(/\\/+$/, '');
    const start = here === '' || here.endsWith('/beranda');
    if (used || !start) window.location.assign(new URL(window.lenteraKiosk.start, document.baseURI));
    else window.lenteraKioskTimer = setTimeout(home, window.lenteraKiosk.idle);
  };
  const touch = (e) => {
    if (e && e.isTrusted) used = true;
    clearTimeout(window.lenteraKioskTimer);
    window.lenteraKioskTimer = setTimeout(home, window.lenteraKiosk.idle);
  };
  ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'].forEach(
    (name) => document.addEventListener(name, touch, {capture: true, passive: true}));
  touch();
}
"""


def setup() -> None:
    """Draw the kiosk's style and timer (call once per run, in kiosk mode only)."""
    keep_in_url()
    st.html(f"<style>{CSS}{_hide_links()}</style>")
    st.html(script(config.kiosk_idle_seconds(), start_url()), unsafe_allow_javascript=True)
