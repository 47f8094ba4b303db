"""Text from citizens and from input files is shown as text: never as Markdown or HTML.

Streamlit renders Markdown in st.markdown, captions, button labels and more; `literal(text)`
escapes every character Markdown gives a meaning to, so a title like `![x](http://…)` or
`**AKUN DIBLOKIR**` appears exactly as typed (no remote image, no fake link, no red text).
"""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def literal(text: object) -> str:
    """`text` escaped for any Streamlit element that renders Markdown; newlines kept as spaces."""
    value = "" if text is None else str(text)
    value = value.replace("\r", " ").replace("\n", " ")
    return _MARKDOWN.sub(r"\\\1", value)
