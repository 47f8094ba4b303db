"""Page state in the URL, one way for every page: namespaced session keys, language-neutral values.

A filter is bound with `url.choice(page, name, options, default=..., label=..., ...)`:

- its widget key is `<page>.<name>` (`anggaran.tahun`), so two pages never share a value;
- its URL parameter is `<name>` (`?tahun=2026`) and its value is the option's code (`dim=org`),
  never the translated label, so a link made in English opens the same view in Indonesian;
- a URL value that is not one of the options (a typo, an old label-valued link) gives the default;
- the last value is kept in the session (`_keep.<page>.<name>`), so leaving the page and coming
  back (which clears the URL and Streamlit's widget state) restores it.

State that is not one widget (a drill path, a picked ticket) uses `url.get` and `url.put`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

# How far a filter's value reaches: URL first (an explicit link), then the session, then default.
_KEEP = "_keep."


def key_of(page: str, name: str) -> str:
    """The session key of `name` on `page` (`anggaran.tahun`)."""
    return f"{page}.{name}"


def text_of(value: Any) -> str:
    """A value as it stands in the URL: ISO dates, plain str() otherwise."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def raw_param(name: str, max_chars: int = 64) -> str | None:
    """A URL parameter as text (cut to `max_chars`), for values checked by the caller."""
    value = st.query_params.get(name)
    return value[:max_chars] if isinstance(value, str) and value else None


def _url_value(name: str, options: list[Any]) -> tuple[bool, Any]:
    raw = st.query_params.get(name)
    if raw is None:
        return False, None
    by_text = {text_of(v): v for v in options}
    return (True, by_text[raw]) if raw in by_text else (False, None)


def get(page: str, name: str, default: Any, options: Iterable[Any] | None = None,
        cast: Callable[[str], Any] | None = None) -> Any:
    """A non-widget value: the URL's (if valid), else the one kept this session, else `default`.

    With `options`, a value must be one of them (compared as URL text); with `cast`, the URL text
    is converted and a ValueError gives `default`. Never raises for a bad URL.
    """
    keep = _KEEP + key_of(page, name)
    raw = st.query_params.get(name)
    if options is not None:
        options = list(options)
        found, value = _url_value(name, options)
        if found:
            return value
        kept = st.session_state.get(keep, default)
        return kept if kept in options else default
    if raw is not None and raw != "":
        try:
            return cast(raw) if cast is not None else raw
        except (TypeError, ValueError):
            return default
    return st.session_state.get(keep, default)


def put(page: str, name: str, value: Any, default: Any = None) -> None:
    """Remember a non-widget value this session and mirror it into the URL (omitted if default)."""
    st.session_state[_KEEP + key_of(page, name)] = value
    mirror(name, value, default)


def mirror(name: str, value: Any, default: Any = None) -> None:
    """Write `value` to the URL parameter `name`; the default (or None, or "") removes it."""
    if value is None or value == "" or value == default:
        if name in st.query_params:
            del st.query_params[name]
        return
    text = text_of(value)
    if st.query_params.get(name) != text:
        st.query_params[name] = text


def forget(page: str, name: str) -> None:
    """Drop a filter's value (widget, kept and URL) so its next run starts from the default."""
    key = key_of(page, name)
    st.session_state.pop(key, None)
    st.session_state.pop(_KEEP + key, None)
    if name in st.query_params:
        del st.query_params[name]


def seed(page: str, name: str, options: Iterable[Any], default: Any) -> str:
    """Make sure the widget `<page>.<name>` holds a valid value before it is drawn; its key."""
    key = key_of(page, name)
    options = list(options)
    current = st.session_state.get(key, _MISSING)
    if current is _MISSING or current not in options:
        st.session_state[key] = get(page, name, default, options=options)
    return key


_MISSING = object()

# Streamlit widgets that take (label, options, format_func=, key=, on_change=).
_WIDGETS = ("selectbox", "segmented_control", "radio", "select_slider", "pills")


def choice(page: str, name: str, options: Iterable[Any], *, default: Any, label: str,
           format_func: Callable[[Any], str] = str, kind: str = "selectbox", where: Any = None,
           omit_default: bool = True, on_change: Callable[[], None] | None = None,
           **kwargs: Any) -> Any:
    """A choice widget bound to `?<name>=<code>`; returns the chosen option (never None).

    `kind` is the Streamlit widget (selectbox, segmented_control, radio, select_slider, pills),
    drawn in `where` (a column or container; the page by default). The URL omits the default
    unless `omit_default=False`.
    """
    if kind not in _WIDGETS:
        raise ValueError(f"unknown widget kind {kind!r}")
    options = list(options)
    key = seed(page, name, options, default)
    if kind in ("segmented_control", "pills"):
        kwargs.setdefault("required", True)
    widget = getattr(where if where is not None else st, kind)
    value = widget(label, options, format_func=format_func, key=key, on_change=on_change,
                   **kwargs)
    if value is None or value not in options:
        value = default
    st.session_state[_KEEP + key] = value
    mirror(name, value, default if omit_default else None)
    return value


def text(page: str, name: str, *, label: str, where: Any = None, max_chars: int = 200,
         **kwargs: Any) -> str:
    """A free-text input bound to `?<name>=` (the typed text is language-neutral already)."""
    key = key_of(page, name)
    if key not in st.session_state:
        st.session_state[key] = str(get(page, name, "", cast=str))[:max_chars]
    widget = (where if where is not None else st).text_input
    value = widget(label, key=key, max_chars=max_chars, **kwargs) or ""
    st.session_state[_KEEP + key] = value
    mirror(name, value)
    return value
