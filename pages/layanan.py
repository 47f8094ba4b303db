"""Layanan: the public service catalogue (being built, issue 15)."""

from lentera.core.i18n import t
from lentera.web import ui

ui.page_header(t("pages.layanan"), t("pages.layanan_intro"))
