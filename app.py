"""Lentera's entry point: it only routes (page config, language and sidebar, navigation)."""

import streamlit as st

from lentera.core import config, privacy
from lentera.core.i18n import t
from lentera.web import kiosk, session, ui

st.set_page_config(
    page_title=t("common.app_title", region=config.region().nama),
    page_icon="🏮",
    layout="wide",
)
ui.setup()
# Every log line of the app (Streamlit's included) is redacted before any handler sees it.
privacy.install_log_redaction()

# Titles are translated on every run, so the switch in the sidebar renames the menu at once.
pages = {
    t("common.section_public"): [
        st.Page("pages/beranda.py", title=t("pages.beranda"), icon=":material/home:",
                url_path="beranda", default=True,
                visibility=kiosk.visibility("beranda")),
        st.Page("pages/anggaran.py", title=t("pages.anggaran"),
                icon=":material/account_balance:", url_path="anggaran",
                visibility=kiosk.visibility("anggaran")),
        st.Page("pages/pengaduan.py", title=t("pages.pengaduan"),
                icon=":material/campaign:", url_path="pengaduan",
                visibility=kiosk.visibility("pengaduan")),
        st.Page("pages/perizinan.py", title=t("pages.perizinan"),
                icon=":material/approval:", url_path="perizinan",
                visibility=kiosk.visibility("perizinan")),
        st.Page("pages/musrenbang.py", title=t("pages.musrenbang"),
                icon=":material/map:", url_path="musrenbang",
                visibility=kiosk.visibility("musrenbang")),
        st.Page("pages/layanan.py", title=t("pages.layanan"),
                icon=":material/menu_book:", url_path="layanan",
                visibility=kiosk.visibility("layanan")),
    ],
    t("common.section_citizen"): [
        st.Page("pages/lapor.py", title=t("pages.lapor"), icon=":material/edit_note:",
                url_path="lapor",
                visibility=kiosk.visibility("lapor")),
        st.Page("pages/usulkan.py", title=t("pages.usulkan"), icon=":material/lightbulb:",
                url_path="usulkan",
                visibility=kiosk.visibility("usulkan")),
        st.Page("pages/lacak.py", title=t("pages.lacak"), icon=":material/search:",
                url_path="lacak",
                visibility=kiosk.visibility("lacak")),
    ],
    t("common.section_open_data"): [
        st.Page("pages/data.py", title=t("pages.data"), icon=":material/download:",
                url_path="data",
                visibility=kiosk.visibility("data")),
        st.Page("pages/tentang.py", title=t("pages.tentang"), icon=":material/info:",
                url_path="tentang",
                visibility=kiosk.visibility("tentang")),
    ],
    # Officials' pages exist in the menu (and by URL) only for a signed-in role that may use
    # them; each page checks the role again at its top (lentera.web.session.require).
    # An officials' URL the visitor may not open yet is a hidden page that leads to Masuk and
    # back (signed out) or says the role does not fit (signed in).
    t("common.section_officials"): [
        *[st.Page(f"pages/{name}.py", title=t(f"pages.{name}"), icon=icon,
                  url_path=name.replace("_", "-"))
          if petugas is not None and petugas.may(name) else
          st.Page(session.sign_in_first(name), title=t(f"pages.{name}"), icon=icon,
                  url_path=name.replace("_", "-"), visibility="hidden")
          for petugas in [session.current_user()]  # one store read per run
          for name, icon in (("tinjauan", ":material/event_note:"),
                             ("verifikasi", ":material/fact_check:"),
                             ("tindak_lanjut", ":material/assignment_turned_in:"),
                             ("loket", ":material/support_agent:"),
                             ("akun", ":material/manage_accounts:"))],
        st.Page("pages/masuk.py", title=t("petugas.masuk"), icon=":material/login:",
                url_path="masuk",
                visibility=kiosk.visibility("masuk")),
    ],
}

# A kiosk (shared touch screen) shows four pages in one flat bar at the top, no sidebar; the others
# stay registered but hidden (links to them from those pages must not fail; kiosk CSS hides them).
if kiosk.active():
    pages = [p for group in pages.values() for p in group]

# A warehouse that fails in the middle of a dashboard becomes its "unavailable" notice.
ui.run_page(st.navigation(pages, expanded=True, position="top" if kiosk.active() else "sidebar"))
