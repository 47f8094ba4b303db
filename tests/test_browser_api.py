"""Browser: a figure on a page and the same figure from /api/v1/measures, for the same filters."""

from __future__ import annotations

import json
import urllib.request

import pytest
from conftest import wait_idle

from lentera.core import fmt
from lentera.core.i18n import t
from lentera.warehouse import pengaduan

pytestmark = pytest.mark.browser


@pytest.fixture
def server(own_server):
    return own_server


def _metric(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]", has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text().strip()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_on_time_rate_on_the_page_is_the_api_figure(server, page, lang):
    year = pengaduan.as_of().year - 1
    page.goto(f"{server}/pengaduan?tahun={year}&lang={lang}")
    wait_idle(page)
    shown = _metric(page, t("pengaduan.m_tepat", lang=lang))
    with urllib.request.urlopen(f"{server}/api/v1/measures/tepat_waktu_pengaduan?tahun={year}",
                                timeout=60) as answer:
        got = json.load(answer)
    assert got["filters"]["tahun"] == year
    assert shown == fmt.percent(float(got["value"]), lang=lang)
    assert _metric(page, t("pengaduan.m_jumlah", lang=lang)) == \
        fmt.number(got["summary"]["jumlah"], lang=lang)
