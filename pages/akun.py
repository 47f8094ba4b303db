"""Akun petugas: admins add, change and disable officials' accounts and set default offices."""

import streamlit as st

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import petugas
from lentera.store import auth
from lentera.web import session, tables, ui

user = session.require("akun")  # before any data: a URL never bypasses the role check
ui.page_header(t("pages.akun"), t("pages.akun_intro"))
st.caption(t("petugas.akun_audit_note"))

names = {r["kode_skpd"]: r["nama"] for r in petugas.skpd_options()}
offices = sorted(names)
roles = list(auth.ROLES)

st.subheader(t("petugas.akun_list"), anchor=False)
accounts = petugas.accounts(st.session_state)
tables.show(
    accounts.select(
        "username", accounts["role"].replace_strict({r: t(f"petugas.role_{r}") for r in roles},
                                                    default=accounts["role"]).alias("peran"),
        accounts["kode_skpd"].replace_strict(names, default=accounts["kode_skpd"])
        .fill_null("–").alias("opd"),
        accounts["disabled"].replace_strict({True: t("petugas.akun_disabled"),
                                             False: t("petugas.akun_active")},
                                            return_dtype=accounts["role"].dtype).alias("status"),
        accounts["created_at"].dt.date().alias("dibuat")),
    hide_index=True, width="stretch",
    column_config={"username": t("petugas.username"), "peran": t("petugas.akun_role"),
                   "opd": t("petugas.case_opd"), "status": t("petugas.akun_status"),
                   "dibuat": st.column_config.DateColumn(t("petugas.akun_created_at"))})


def _role_and_office(prefix: str) -> tuple[str, str | None]:
    role = st.selectbox(t("petugas.akun_role"), roles, key=f"akun.{prefix}.role",
                        format_func=lambda r: t(f"petugas.role_{r}"))
    office = st.selectbox(t("petugas.akun_office"), offices, index=None,
                          placeholder=t("petugas.loket_choose"), key=f"akun.{prefix}.opd",
                          format_func=lambda k: names.get(k, k))
    return role, office


add, change = st.columns(2)
with add, st.form("akun.add", border=True):
    st.markdown(f"**{t('petugas.akun_add')}**")
    name = st.text_input(t("petugas.username"), max_chars=64, key="akun.add.name")
    role, office = _role_and_office("add")
    password = st.text_input(t("petugas.akun_password", n=auth.MIN_PASSWORD), type="password",
                             key="akun.add.password")
    if st.form_submit_button(t("petugas.akun_create"), type="primary", icon=":material/person_add:"):
        try:
            made = petugas.add_account(st.session_state, name, password, role,
                                       office if role == "opd" else None)
        except (auth.AuthError, petugas.PetugasError) as exc:
            ui.show_error(exc)
        else:
            st.toast(t("petugas.akun_created", name=made.username))
            st.rerun()

with change, st.form("akun.change", border=True):
    st.markdown(f"**{t('petugas.akun_edit')}**")
    who = st.selectbox(t("petugas.akun_pick"), accounts["username"].to_list(), index=None,
                       placeholder=t("petugas.loket_choose"), key="akun.change.name")
    what = st.radio(t("petugas.akun_do"), ("role", "reset", "disable"), key="akun.change.what",
                    format_func=lambda c: t(f"petugas.akun_do_{c}"))
    new_role, new_office = _role_and_office("change")
    new_password = st.text_input(t("petugas.akun_new_password", n=auth.MIN_PASSWORD),
                                 type="password", key="akun.change.password")
    if st.form_submit_button(t("petugas.akun_apply"), icon=":material/manage_accounts:"):
        try:
            petugas.change_account(st.session_state, who or "", what, role=new_role,
                                   kode_skpd=new_office if new_role == "opd" else None,
                                   password=new_password)
        except (auth.AuthError, petugas.PetugasError) as exc:
            ui.show_error(exc)
        else:
            st.toast(t("petugas.akun_applied", name=who))
            st.rerun()

st.subheader(t("petugas.routing_title"), anchor=False)
st.caption(t("petugas.routing_note"))
routing = petugas.default_offices()
tables.show(
    routing.select("kategori",
                   *[routing[c].replace_strict(names, default=routing[c]).fill_null("–").alias(c)
                     for c in ("kode_skpd_berkas", "kode_skpd_admin", "kode_skpd")]),
    hide_index=True, width="stretch",
    column_config={"kategori": t("petugas.routing_pick"),
                   "kode_skpd_berkas": t("petugas.routing_file"),
                   "kode_skpd_admin": t("petugas.routing_admin"),
                   "kode_skpd": t("petugas.routing_office")})
with st.form("akun.routing", border=True):
    kategori = st.selectbox(t("petugas.routing_pick"), forms.kategori_options(), index=None,
                            placeholder=t("petugas.loket_choose"), key="akun.routing.kategori")
    target = st.selectbox(t("petugas.routing_office"), [""] + offices, key="akun.routing.opd",
                          format_func=lambda k: names.get(k, k) if k else t("petugas.routing_reset"))
    if st.form_submit_button(t("petugas.routing_save"), icon=":material/alt_route:"):
        try:
            petugas.set_default_office(st.session_state, kategori or "", target or None)
        except (auth.AuthError, petugas.PetugasError) as exc:
            ui.show_error(exc)
        else:
            st.toast(t("petugas.routing_saved", kategori=kategori))
            st.rerun()
