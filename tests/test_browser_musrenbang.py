"""Browser: filter the Musrenbang map, switch to the list, download GeoJSON matching the list."""

from __future__ import annotations

import json
import re

import pytest
from conftest import wait_idle

pytestmark = pytest.mark.browser


def test_filter_map_list_and_geojson(streamlit_server, open_app):
    page = open_app(f"{streamlit_server}/musrenbang?lang=id")
    assert page.locator("[data-testid=stException]").count() == 0
    page.wait_for_selector("[data-testid=stDeckGlJsonChart]", timeout=30_000)
    total = page.get_by_test_id("stMetricValue").first.inner_text()

    # filter by status through the real select box; the URL keeps the filter
    page.get_by_test_id("stExpander").filter(has_text="Saring usulan").get_by_text(
        "Saring usulan").click()
    wait_idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Status").click()
    page.get_by_role("option", name="Masuk RKPD").click()
    wait_idle(page)
    assert "status=masuk_rkpd" in page.url
    page.wait_for_selector("[data-testid=stDeckGlJsonChart]", timeout=30_000)
    filtered = page.get_by_test_id("stMetricValue").first.inner_text()
    assert filtered != total

    # the list view with the same filters
    page.get_by_test_id("stButtonGroup").get_by_text("Daftar", exact=True).click()
    wait_idle(page)
    assert "view=list" in page.url
    assert page.locator("[data-testid=stException]").count() == 0
    caption = page.get_by_text(re.compile(r"Daftar usulan dengan saringan")).inner_text()
    listed = int(re.search(r"\(([\d.]+) usulan\)", caption).group(1).replace(".", ""))
    assert listed == int(filtered.replace(".", ""))

    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh GeoJSON").click()
    doc = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == listed
    assert {f["properties"]["status"] for f in doc["features"]} == {"masuk_rkpd"}
