"""Every measure is defined once, in the semantic layer, and documented there in both languages."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lentera.warehouse import measures, semantic

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CODE_DIRS = ("lentera", "etl", "bench", "pages")


def test_the_layer_documents_measures():
    found = measures.all_measures()
    assert found, "semantic.sql documents no measure"
    assert len({m.name for m in found}) == len(found), "a measure name is used twice"


@pytest.mark.parametrize("measure", measures.all_measures(), ids=lambda m: m.name)
def test_measure_has_both_languages(measure):
    assert measure.missing() == []
    assert measure.unit


def test_every_documented_object_exists_once_installed(fixture_warehouse):
    con = semantic.connect(str(fixture_warehouse.db))
    names = {r[0] for r in con.sql(
        "SELECT function_name FROM duckdb_functions() WHERE database_name = 'memory' "
        "UNION SELECT view_name FROM duckdb_views() WHERE database_name = 'memory'").fetchall()}
    missing = [m.sql_object for m in measures.all_measures() if m.sql_object not in names]
    assert missing == []


def test_each_measure_is_defined_in_exactly_one_place():
    texts = {p: p.read_text(encoding="utf-8") for d in CODE_DIRS for p in (ROOT / d).rglob("*")
             if p.suffix in (".sql", ".py") and p.is_file()}
    for m in measures.all_measures():
        pattern = re.compile(rf"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+)?(?:MACRO|VIEW|TABLE)\s+"
                             rf"(?:memory\.main\.)?{m.sql_object}\b", re.I)
        homes = [str(p.relative_to(ROOT)) for p, text in texts.items() if pattern.search(text)]
        assert homes == ["lentera/warehouse/semantic.sql"], (m.name, homes)
        assert len(pattern.findall(texts[ROOT / "lentera/warehouse/semantic.sql"])) == 1


def test_parser_refuses_a_block_without_definition():
    with pytest.raises(measures.MeasureDocError):
        measures.parse("-- measure: x\n-- unit: y\nSELECT 1;\n")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_tentang_shows_every_measure(warehouse_env, lang):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/tentang.py").run()
    assert not at.exception
    labels = {e.label for e in at.expander}
    for m in measures.all_measures():
        assert m.get("name", lang) in labels, m.name
