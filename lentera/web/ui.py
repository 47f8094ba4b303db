"""Streamlit-aware helpers every page shares: language, sidebar, header, warehouse guard, cache, URL.

Query modules never import Streamlit; pages call them through `cached(fn, **kwargs)` so that one
cache, keyed by the warehouse's data version, serves every page. A typical page::

    from lentera.web import ui
    from lentera.core.i18n import t

    ui.page_header(t("pages.anggaran"), t("pages.anggaran_intro"))
    ui.require_warehouse()
    tahun = ui.qp_get("tahun", 2026, allowed=tahun_list)
    frame = ui.cached(anggaran.pagu_per_skpd, tahun=tahun)
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from lentera.core import config, fmt, forms
from lentera.core.errors import LenteraError, WarehouseUnavailableError
from lentera.core.i18n import DEFAULT_LANG, LANGS, set_lang, t
from lentera.store import engine
from lentera.warehouse import db, prepared
from lentera.web import cite, kiosk, pagelang, url

log = logging.getLogger(__name__)

LANG_LABELS = {"id": "Bahasa Indonesia", "en": "English"}
CACHE_TTL_SECONDS = 600
CACHE_MAX_ENTRIES = 512
# results handed out as they are: nothing can change them in place
_IMMUTABLE = (pl.DataFrame, str, int, float, bool, type(None), tuple, frozenset, dt.date)


def _keep_lang() -> None:
    st.session_state["_lang"] = st.session_state["lang"]


def setup() -> str:
    """Set the language for this run (sidebar switch mirrored in `?lang=`), draw the sidebar."""
    # The chosen language lives in a plain session key: Streamlit resets widget values on a page
    # switch, and a page switch also clears the URL. The URL seeds it once per session (a shared
    # link keeps its language); a bad or unknown value falls back to Indonesian.
    if "_lang" not in st.session_state:
        st.session_state["_lang"] = qp_get("lang", DEFAULT_LANG, allowed=LANGS)
    st.session_state["lang"] = st.session_state["_lang"]
    # a kiosk has no sidebar: its language switch sits at the top of the page
    with st.container() if kiosk.active() else st.sidebar:
        lang = st.radio("Bahasa · Language", LANGS, format_func=LANG_LABELS.get, key="lang",
                        horizontal=True, on_change=_keep_lang)
    lang = set_lang(lang)
    # The default language keeps the URL clean; page switches clear it, so set it on every run.
    qp_set(lang=None if lang == DEFAULT_LANG else lang)
    # <html lang> and Streamlit's own English words follow the control (serve.py's
    # pagelang.HtmlLang sets lang on the first load); the CSS makes captions readable (WCAG AA)
    with st.sidebar:
        st.html(pagelang.script(lang, forms.UPLOAD_MAX_MB), unsafe_allow_javascript=True)
    st.html(f"<style>{pagelang.CSS}</style>")
    if kiosk.active():
        kiosk.setup()
    with st.sidebar:
        st.caption(t("common.sidebar_about", region=config.region().nama))
    sweep_leftovers()
    return lang


_swept: set[str] = set()
_swept_lock = threading.Lock()


def sweep_leftovers() -> None:
    """On the process's first run and the first after each load: sweep what killed writers left.

    Export `.part` folders and files (lentera.warehouse.prepared) and orphan photo `.part` files
    older than an hour (lentera.store.engine). A failed sweep is logged, never shown.
    """
    key = f"{config.warehouse_path()}|{db.data_version() if warehouse_ready() else ''}"
    with _swept_lock:
        if key in _swept:
            return
        _swept.add(key)
    try:
        prepared.sweep()
        engine.sweep_orphan_photos()
    except Exception:  # noqa: BLE001 - housekeeping must never break a visitor's page
        log.warning("sweeping leftovers failed", exc_info=True)


def warehouse_ready() -> bool:
    """True when a warehouse file exists, is whole and opens."""
    try:
        db.data_version()
    except (WarehouseUnavailableError, duckdb.Error, OSError):
        return False
    return True


def citizen_links() -> None:
    """Links to Lapor, Usulkan and Lacak: they work on the store alone, whatever the warehouse."""
    st.caption(t("common.citizen_pages_work"))
    for page, key, icon in (("pages/lapor.py", "pages.lapor", ":material/edit_note:"),
                            ("pages/usulkan.py", "pages.usulkan", ":material/lightbulb:"),
                            ("pages/lacak.py", "pages.lacak", ":material/search:")):
        st.page_link(page, label=t(key), icon=icon)


def data_unavailable() -> None:
    """The dashboards' notice when the warehouse is missing, damaged or being replaced."""
    path = config.warehouse_path()
    if not path.exists():
        st.info(t("common.no_warehouse_title"), icon=":material/database:")
        st.markdown(t("common.no_warehouse_body"))
        st.code("make run", language="bash")
        st.markdown(t("common.no_warehouse_or"))
        st.code("python -m etl sample && python -m etl load", language="bash")
        st.caption(t("common.no_warehouse_where", path=str(path)))
    else:
        st.warning(t("common.data_unavailable_title"), icon=":material/cloud_off:")
        st.markdown(t("common.data_unavailable_body"))
    citizen_links()


def require_warehouse() -> None:
    """Stop the page with a plain notice when there is no usable warehouse to read."""
    if warehouse_ready():
        return
    data_unavailable()
    st.stop()


def run_page(page: Any) -> None:
    """Run the chosen page; a warehouse that fails in the middle of it ends in the same notice."""
    try:
        page.run()
    except (WarehouseUnavailableError, duckdb.Error):
        # e.g. a file damaged past its header, or replaced while the page was reading it
        data_unavailable()


def build_facts() -> dict[str, str]:
    """The warehouse's `meta` facts (empty without a usable warehouse), cached per data version."""
    if not warehouse_ready():
        return {}
    try:
        return cached(db.meta)
    except (WarehouseUnavailableError, duckdb.Error, OSError):
        return {}


def sample_banner() -> None:
    """A visible "Data contoh" notice when the warehouse holds generated sample data."""
    if build_facts().get("is_sample") == "true":
        st.warning(t("common.sample_banner"), icon=":material/science:")


def _route_through_app() -> None:
    """Rerun through app.py when Streamlit ran a page file on its own (its `pages/` v1 mode).

    Streamlit decides "v1 multipage app" from the mere existence of a `pages/` folder until the
    first run that calls `st.navigation`. So the first visitor after a restart who opens, say,
    /tentang gets pages/tentang.py alone: no language, no sidebar, file names as the menu. The
    flag is process-wide; clearing it and rerunning sends this and every later run through
    app.py. (Alternative: a folder not named `pages/`.)
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the flag has no v1 mode to escape
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(title: str, intro: str | None = None) -> None:
    """The same top on every page: title, one calm sentence, the sample-data and old-link notices."""
    _route_through_app()
    st.title(title)
    if intro:
        st.caption(intro)
    # The header reads the warehouse only for notices: without one (missing, damaged, being
    # swapped) the citizen pages below it still work, so no failure here may stop the page.
    sample_banner()
    # a link made with an older data version must not pass today's figures off as its own
    if warehouse_ready():
        try:
            cite.version_notice()
        except (WarehouseUnavailableError, duckdb.Error, OSError):
            pass


def freshness(
    as_of: dt.date | dt.datetime | str | None = None,
    *,
    year: int | None = None,
    month: int | None = None,
) -> str:
    """"per akhir Oktober 2026" (year and month) or "per 17 Agustus 2025" (a date); "" if unknown."""
    if year is not None and month is not None:
        return t("common.as_of_month_end", period=fmt.month_year(int(year), int(month)))
    if year is not None:
        return t("common.as_of_year", year=int(year))
    if as_of is None or as_of == "":
        return ""
    return t("common.as_of_date", date=fmt.date(as_of))


# cache_resource, not cache_data: cache_data pickles every result in and unpickles a copy on every
# read, which for the frames of a page at scale was a fifth of a view's CPU. Polars frames never
# change in place, so one shared object is safe; anything else is copied on the way out (cached).
@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _cached_call(module: str, name: str, warehouse: str, version: str, kwargs: tuple) -> Any:
    # warehouse and version are only cache-key parts: a rebuilt or different warehouse is a miss.
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target(**dict(kwargs))


def cached(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """`fn(**kwargs)` through the one shared cache, keyed by function, data version and kwargs."""
    value = _cached_call(
        fn.__module__,
        fn.__qualname__,
        str(config.warehouse_path()),
        db.data_version(),
        tuple(sorted(kwargs.items())),
    )
    # a page may change a dict or list it got (the cache's own stays as it was computed)
    return value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value)


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _derived_call(module: str, name: str, src_module: str, src_name: str, warehouse: str,
                  version: str, kwargs: tuple, extra: tuple) -> Any:
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    source = cached(getattr(importlib.import_module(src_module), src_name), **dict(kwargs))
    return target(source, *extra)


def derived(fn: Callable[..., Any], source: Callable[..., Any], *extra: Any, **kwargs: Any) -> Any:
    """`fn(cached(source, **kwargs), *extra)` through the shared cache: a frame computed from a
    cached frame (a page's funnel of its filtered rows) is computed once per filters, not per view.
    `extra` must be hashable (e.g. a column name)."""
    value = _derived_call(fn.__module__, fn.__qualname__, source.__module__, source.__qualname__,
                          str(config.warehouse_path()), db.data_version(),
                          tuple(sorted(kwargs.items())), extra)
    return value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value)


def _coerce(raw: str, default: Any) -> Any:
    """The URL text as the type of `default` (bool, int, float, date or str); ValueError if not."""
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "ya", "yes"):
            return True
        if raw.lower() in ("0", "false", "tidak", "no"):
            return False
        raise ValueError(raw)
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, dt.date):
        return dt.date.fromisoformat(raw)
    return raw


def qp_get(name: str, default: Any, allowed: Iterable[Any] | None = None) -> Any:
    """A URL parameter typed like `default`; missing, malformed or not `allowed` gives `default`.

    For a widget, `bind="query-params"` (Streamlit 1.67) does this by itself; use these helpers
    for state that is not a single widget (a clicked map feature, a list of codes).
    """
    raw = st.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = _coerce(str(raw), default) if default is not None else str(raw)
    except ValueError:
        return default
    if allowed is not None and value not in set(allowed):
        return default
    return value


def qp_set(**values: Any) -> None:
    """Mirror state into the URL; `None` removes a parameter. Writes only what changed."""
    for name, value in values.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
            continue
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if st.query_params.get(name) != text:
            st.query_params[name] = text


def filter_select(ns: str, name: str, options: Iterable[tuple[Any, str]], default=None, cast=str):
    """A filter selectbox bound to the URL through `lentera.web.url` (codes, not labels); "" = all.

    Label `t("<ns>.f_<name>")`, the "all" choice `t("<ns>.semua")`, widget key `<ns>.<name>`.
    """
    options = list(options)
    values = [cast(v) for v, _ in options]
    labels = {cast(v): label for v, label in options}
    choice = url.choice(ns, name, ["", *values], default=default if default in values else "",
                        label=t(f"{ns}.f_{name}"), omit_default=False,
                        format_func=lambda v: t(f"{ns}.semua") if v == "" else labels[v])
    return None if choice == "" else choice


def folded(label: str, key: str, *, expanded: bool = False, icon: str | None = None) -> Any:
    """An expander whose content is built only while it is open: the container, or None.

    Opening or closing it reruns the page (Streamlit tracks the state under `key`), so a folded
    table or query costs nothing on a view that never opens it. Use for what a reader opens on
    purpose — never for text that must be on the page for search and print (Tentang's methods).

        if (box := ui.folded(t("…"), "anggaran_perubahan")) is not None:
            with box: …
    """
    box = st.expander(label, expanded=expanded, icon=icon, key=key, on_change="rerun")
    return box if box.open else None


def show_error(exc: BaseException, *, key: str | None = None, icon: str = ":material/error:") -> None:
    """The one place an error becomes a visitor's message: translated, never `str(exc)`.

    A `LenteraError` says its own message; with `key`, that message is put inside the page's
    sentence `t(key, why=...)`; any other exception shows the generic "unexpected" message.
    """
    message = exc.message() if isinstance(exc, LenteraError) else LenteraError().message()
    st.error(t(key, why=message) if key else message, icon=icon)
