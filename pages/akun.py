"""Akun petugas: admins manage officials' accounts (being built, issue 14)."""

from lentera.core.i18n import t
from lentera.web import session, ui

user = session.require("akun")
ui.page_header(t("pages.akun"), t("pages.akun_intro"))
