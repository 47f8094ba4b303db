"""The page's language in its HTML: Streamlit's index.html says `<html lang="en">` whatever the
page's language, so screen readers read Indonesian with English rules (WCAG 2.1 SC 3.1.1).

`HtmlLang` rewrites the served document's `lang` from the `?lang=` parameter (Indonesian when
absent), before any script runs; `lentera.web.ui.setup` then keeps `document.documentElement.lang`
in step with the language control (`script`).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lentera.core.i18n import DEFAULT_LANG, LANGS, _namespace, t

_STREAMLIT_TAG = b'<html lang="en">'


def lang_of(query_string: bytes) -> str:
    """The page language a URL's query asks for (`lang=en`), Indonesian otherwise."""
    values = parse_qs(query_string.decode("latin-1")).get("lang", [])
    return values[0] if values and values[0] in LANGS else DEFAULT_LANG


def words(lang: str, upload_mb: int) -> dict[str, str]:
    """Our words for Streamlit's own English ones: the uploader's button and limit, a form's hint."""
    return {"upload": t("streamlit.upload_button", lang=lang),
            "limit": t("streamlit.upload_limit", lang=lang, mb=upload_mb),
            "enter": t("streamlit.enter_to_submit", lang=lang),
            "map": streamlit_words(lang)}


def streamlit_words(lang: str) -> dict[str, str]:
    """Streamlit's English labels, tooltips and placeholders (`st` in streamlit.toml) -> ours."""
    return {entry["st"]: t(f"streamlit.{key}", lang=lang)
            for key, entry in _namespace("streamlit").items()
            if isinstance(entry, dict) and "st" in entry}


def script(lang: str, upload_mb: int) -> str:
    """A script (run by st.html on every language switch) setting the document's language and
    the words below; installed once per page, an observer keeps them as Streamlit redraws."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    # our own words; `</` escaped all the same, so no text can close the script
    value = json.dumps({"lang": lang, **words(lang, upload_mb)}, ensure_ascii=False)
    value = value.replace("</", "<\\/")
    return (f"<script>window.lenteraPage = {value};"
            f"document.documentElement.lang = window.lenteraPage.lang;{_OBSERVER}</script>")


# Streamlit 1.67's sectioned sidebar navigation puts each section in a <div> inside the <ul>, its
# <li> outside any list (axe: `list`, `listitem`, serious): without list roles the nav stays a
# landmark of links under section headings. Streamlit's English words are swapped in their own
# text node (nodeValue), so what is seen and what a screen reader reads are the same words.
_OBSERVER = """
if (!window.lenteraObserver) {
  const say = (el, text) => {
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const node = walk.nextNode();
    if (node && text && node.nodeValue !== text) node.nodeValue = text;
  };
  const fix = () => {
    const w = window.lenteraPage;
    if (document.documentElement.lang !== w.lang) document.documentElement.lang = w.lang;
    document.querySelectorAll('[data-testid=stSidebarNavItems]').forEach(ul => {
      if (ul.getAttribute('role') !== 'none') ul.setAttribute('role', 'none');
      ul.querySelectorAll('li:not([role])').forEach(li => li.setAttribute('role', 'none'));
    });
    document.querySelectorAll('[data-testid=stFileUploaderDropzone] button ' +
                              '[data-testid=stMarkdownContainer] p').forEach(p => say(p, w.upload));
    document.querySelectorAll('[data-testid=stFileUploaderDropzoneInstructions] span')
      .forEach(el => say(el, w.limit));
    // a form's hint is ours; any other Streamlit word (labels, tooltips, placeholders) by the map
    document.querySelectorAll('[data-testid=InputInstructions]')
      .forEach(el => say(el, w.map[el.innerText.trim()] || w.enter));
    const help = 'Help for ';
    document.querySelectorAll('[aria-label],[title],[placeholder]').forEach(el => {
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(a);
        if (!v) continue;
        const ours = w.map[v] || (v.startsWith(help) ? w.map[help] + v.slice(help.length) : null);
        if (ours && ours !== v) el.setAttribute(a, ours);
      }
    });
    document.querySelectorAll('[data-testid=stTooltipContent], [role=tooltip], ' +
                              '[data-baseweb=tooltip], [data-testid=stSidebarNavViewButton]')
      .forEach(el => { const v = el.innerText.trim(); if (w.map[v]) say(el, w.map[v]); });
  };
  window.lenteraFix = fix;
  window.lenteraObserver = new MutationObserver(fix);
  window.lenteraObserver.observe(document.body, {childList: true, subtree: true,
                                                 characterData: true, attributes: true,
                                                 attributeFilter: ['aria-label', 'title',
                                                                   'placeholder']});
}
window.lenteraFix();
"""


class HtmlLang:
    """ASGI middleware: the HTML document Streamlit serves gets `lang` of the requested page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or \
                b"text/html" not in dict(scope.get("headers", [])).get(b"accept", b""):
            await self.app(scope, receive, send)
            return
        # the document is small (8 kB): ask the gzip layer inside for it plain, rewrite it whole
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"]
                                      if k != b"accept-encoding"]}
        tag = f'<html lang="{lang_of(scope.get("query_string", b""))}">'.encode()
        start: Message | None = None
        body = b""

        async def rewrite(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                if headers.get("content-type", "").startswith("text/html") and \
                        "content-encoding" not in headers:
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                body = body.replace(_STREAMLIT_TAG, tag, 1)
                headers = MutableHeaders(raw=start["headers"])
                if "content-length" in headers:
                    headers["content-length"] = str(len(body)) if scope["method"] == "GET" \
                        else headers["content-length"]
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, rewrite)


# Streamlit's captions (grey at 60 % opacity: 2.8-3.9:1 on white) fail WCAG AA's 4.5:1; this
# grey, opaque, reads 7:1 on white and 6.2:1 on the sidebar's #f0f2f6.
CAPTION_COLOUR = "#595959"


# one CSS rule, the same in both languages
CSS = (f'[data-testid="stApp"] [data-testid="stCaptionContainer"], '
       f'[data-testid="stApp"] [data-testid="stCaptionContainer"] * '
       f'{{ color: {CAPTION_COLOUR}; opacity: 1; }}')
