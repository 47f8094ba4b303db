"""Tentang writes down every counting rule the figures follow, in Indonesian and in English.

Each rule is found by a phrase of its text in each language; a rule removed from the measure docs
or the METHODS entries (or left untranslated) fails here.
"""

from __future__ import annotations

import pytest
from conftest import APP
from streamlit.testing.v1 import AppTest

# rule -> (an Indonesian phrase, an English phrase) that Tentang must show
RULES = {
    "weekend or holiday start, with the example": ("Sabtu 15 Agustus 2026",
                                                   "Saturday 15 August 2026"),
    "backlog is a stock on the as-of date": ("dari tahun mana pun", "whatever year it arrived"),
    "net and gross side by side": ("berdampingan", "side by side"),
    "pause flag and its setting": ("LENTERA_PAUSE_FLAG_DAYS", "LENTERA_PAUSE_FLAG_DAYS"),
    "live citizen reports: one rule": ("Laporan warga lewat Lentera dihitung bila diterima paling "
                                       "lambat tanggal data", "filed on or before the view's"),
    "permits issued apart from not issued": ("tidak_terbit", "tidak_terbit"),
    "services without a standard": ("tanpa standar", "without a standard"),
    "budget compared at the same stage": ("tahap yang sama", "same stage"),
    "proposal money counted once": ("sekali per sub kegiatan", "counted once"),
    "coordinates are decimals": ("desimal", "decimal"),
    "status contradicting its dates": ("bertentangan", "contradict"),
    "rejected rows published": ("ditolak", "Rejected rows"),
    "recomputing from the open data": ("menghitung ulang", "recompute"),
}


@pytest.fixture(scope="module")
def tentang_text(fixture_warehouse):
    import os

    old = os.environ.get("LENTERA_WAREHOUSE")
    os.environ["LENTERA_WAREHOUSE"] = str(fixture_warehouse.db)
    texts = {}
    try:
        for lang in ("id", "en"):
            at = AppTest.from_file(str(APP), default_timeout=120)
            at.query_params["lang"] = lang
            at.run()
            at.switch_page("pages/tentang.py").run()
            assert not at.exception
            texts[lang] = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                                    + [e.label for e in at.expander]).lower()
    finally:
        if old is None:
            os.environ.pop("LENTERA_WAREHOUSE", None)
        else:
            os.environ["LENTERA_WAREHOUSE"] = old
    return texts


@pytest.mark.parametrize("rule", sorted(RULES))
def test_tentang_states_the_rule_in_both_languages(tentang_text, rule):
    phrase_id, phrase_en = RULES[rule]
    assert phrase_id.lower() in tentang_text["id"], (rule, "id")
    assert phrase_en.lower() in tentang_text["en"], (rule, "en")
