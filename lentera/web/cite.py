"""Citable views: a permalink with the data version, a citation line, and old-version notices.

Every page ends with `cite.cite_box(title)`: the link to exactly this view (its URL parameters plus
`v=<data version>`) and a citation to paste, both in copyable code blocks. When a link made with
an earlier version is opened, `version_notice()` says so and offers that version's files if kept.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from lentera.core import config, fmt
from lentera.core.i18n import get_lang, t
from lentera.warehouse import catalog, db

VERSION_PARAM = "v"


def public_base() -> str:
    """`LENTERA_PUBLIC_URL` (behind a proxy), else the app's root as the browser sees it."""
    explicit = config.public_url()
    if explicit:
        return explicit
    url = _context_url()
    if not url:
        return ""
    parts = urlsplit(url)
    # st.context.url is the current page's URL: drop its last path segment (the page)
    path = parts.path.rsplit("/", 1)[0] if parts.path.count("/") >= 1 else ""
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")


def _context_url() -> str:
    try:
        return str(st.context.url or "")
    except Exception:  # outside a Streamlit run (bare mode, tests): no browser URL to read
        return ""


def permalink(page_path: str, params: Mapping[str, str | Sequence[str]], *,
              version: str | None = None, base: str | None = None) -> str:
    """The URL of `page_path` with `params` and `v=<data version>` (replacing any `v` given)."""
    base = public_base() if base is None else base.rstrip("/")
    version = version if version is not None else db.data_version()
    query = [(k, v) for k, v in params.items() if k != VERSION_PARAM and v not in (None, "")]
    query.append((VERSION_PARAM, version))
    path = page_path.strip("/")
    return f"{base}/{path}?{urlencode(query, doseq=True)}" if base else \
        f"/{path}?{urlencode(query, doseq=True)}"


def citation(title: str, url: str, *, version: str, accessed: dt.date, region: str | None = None,
             lang: str | None = None) -> str:
    """`<region>, <title>, Lentera, versi data <v>, diakses <17 Agustus 2025>, <url>`."""
    region = region or config.region().nama
    return t("cite.citation_text", lang=lang, region=region, title=title, version=version,
             date=fmt.date(accessed, lang=lang or get_lang()), url=url)


def current_params() -> dict[str, list[str]]:
    """The URL parameters of this run (every value of repeated ones)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _current_page_path() -> str:
    url = _context_url()
    return urlsplit(url).path.rsplit("/", 1)[-1] if url else ""


def cite_box(title: str, page_path: str | None = None) -> str:
    """The "Salin tautan / kutip" box at the bottom of a page; returns the permalink."""
    version = db.data_version()
    path = page_path if page_path is not None else _current_page_path()
    url = permalink(path, current_params(), version=version)
    with st.container(border=True, key="cite_box"):
        st.markdown(f"**{t('cite.box_title')}**")
        st.caption(t("cite.link_label"))
        st.code(url, language=None, wrap_lines=True)
        st.caption(t("cite.citation_label"))
        st.code(citation(title, url, version=version, accessed=dt.date.today()), language=None,
                wrap_lines=True)
        st.caption(t("cite.version_help", version=version))
    return url


def requested_version() -> str | None:
    """The `v` of the URL when it names another version than the one being served."""
    raw = st.query_params.get(VERSION_PARAM)
    if not raw:
        return None
    current = db.data_version()
    return None if raw == current else str(raw)


def links_html(items: Sequence[tuple[str, str]]) -> str:
    """`<a download>` links (label, url) — labels are ours (i18n, file names), never user text."""
    parts = [f'<a href="{html.escape(url, quote=True)}" download '
             f'style="display:inline-block;margin:0 1rem .4rem 0">{html.escape(label)}</a>'
             for label, url in items]
    return "<div>" + "".join(parts) + "</div>"


def version_notice() -> None:
    """Say which version an old link was made with, and offer that version's files if kept."""
    old = requested_version()
    if old is None:
        return
    kept = old in catalog.retained_versions() and catalog.has_exports(old)
    if not kept:
        # the URL text is shown only as code, never as markdown or HTML
        st.warning(t("cite.old_version_gone"), icon=":material/history:")
        st.code(old, language=None)
        return
    st.warning(t("cite.old_version_kept"), icon=":material/history:")
    st.code(old, language=None)
    pkg = catalog.package_download(old)
    if pkg:
        st.html(links_html([(t("cite.old_package", file=pkg["file"]), pkg["url"])]))
