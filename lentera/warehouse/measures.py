"""Every published measure's documentation, read from beside its definition in `semantic.sql`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lentera.core.i18n import DEFAULT_LANG, LANGS, get_lang
from lentera.warehouse import semantic

FIELDS = ("name", "definition", "base", "caveats")
_KEY = re.compile(r"^--\s(?P<key>measure|unit|(?:id|en)\.(?:name|definition|base|caveats)):\s?(?P<value>.*)$")
_MORE = re.compile(r"^--\s{3}(?P<value>\S.*)$")
_CREATE = re.compile(r"^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(?P<kind>MACRO|VIEW|TABLE)\s+"
                     r"(?P<name>[a-z_][a-z0-9_]*)", re.I)


@dataclass(frozen=True)
class Measure:
    """One measure: its name, the SQL object that defines it, unit, and text in id and en."""

    name: str
    sql_object: str
    unit: str
    text: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, what: str, lang: str | None = None) -> str:
        """`name`, `definition`, `base` or `caveats` in `lang` (the current language)."""
        lang = lang or get_lang()
        return self.text.get(lang, {}).get(what) or self.text.get(DEFAULT_LANG, {}).get(what, "")

    def missing(self) -> list[str]:
        """`lang.field` entries this measure lacks (a test requires none)."""
        return [f"{lang}.{f}" for lang in LANGS for f in FIELDS if not self.text.get(lang, {}).get(f)]


class MeasureDocError(ValueError):
    """A documentation block in semantic.sql is not followed by a definition."""


def parse(text: str) -> list[Measure]:
    """The documented measures of a semantic-layer SQL text, in file order."""
    out: list[Measure] = []
    block: dict[str, str] | None = None
    last: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        m = _KEY.match(line)
        if m and (m["key"] == "measure" or block is not None):
            if m["key"] == "measure":
                if block is not None:
                    raise MeasureDocError(f"measure {block['measure']!r} has no definition")
                block = {}
            block[m["key"]] = m["value"].strip()
            last = m["key"]
            continue
        more = _MORE.match(line)
        if block is not None and more and last:
            block[last] = f"{block[last]} {more['value'].strip()}"
            continue
        if block is not None and line.startswith("--"):
            continue
        created = _CREATE.match(line.strip())
        if block is not None and created:
            text_by_lang = {lang: {f: block.get(f"{lang}.{f}", "") for f in FIELDS} for lang in LANGS}
            out.append(Measure(block["measure"], created["name"].lower(), block.get("unit", ""),
                               text_by_lang))
            block, last = None, None
        elif block is not None and line.strip():
            raise MeasureDocError(f"measure {block['measure']!r}: expected CREATE, got {line!r}")
    if block is not None:
        raise MeasureDocError(f"measure {block['measure']!r} has no definition")
    return out


@lru_cache(maxsize=1)
def all_measures() -> tuple[Measure, ...]:
    """Every documented measure of the installed semantic layer."""
    return tuple(parse(semantic.sql()))


def by_name(name: str) -> Measure | None:
    return next((m for m in all_measures() if m.name == name), None)
