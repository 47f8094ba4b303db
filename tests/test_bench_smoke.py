"""Smoke: the bench code runs at a tiny scale (figures are never asserted, only that they exist)."""

from __future__ import annotations

import asyncio
import importlib
import re
from pathlib import Path

import pytest

from bench import bench_pages, registry
from bench.common import PUBLIC_PAGES, Context, single, verdict

ROOT = Path(__file__).resolve().parent.parent


def app_public_pages() -> set[str]:
    """The url paths of app.py's pages before the officials' section."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    return set(re.findall(r'url_path="([a-z_-]+)"', text.split("section_officials")[0]))


def test_registry_finds_every_module_that_offers_queries(warehouse_env):
    found = {name for name, _ in registry.registered_queries()}
    for module in ("lentera.warehouse.anggaran", "lentera.warehouse.pengaduan",
                   "lentera.services.warga"):
        mod = importlib.import_module(module)
        short = module.rsplit(".", 1)[1]
        own = {n if n.startswith(f"{short}.") else f"{short}.{n}" for n, _ in mod.bench_queries()}
        assert own and own <= found, module


def test_verdict_says_met_or_by_how_much():
    assert verdict(0.5, 0.7, " s") == "met"
    assert verdict(1.4, 0.7, " s").startswith("missed by 0.70 s (2.0×")
    assert verdict(3.0, 1.5, "×") == "missed: 2.0× the target"
    assert verdict(None, 1.0) == "not measured"


def test_extra_benchmarks_cover_what_issue_19_asks():
    keys = [key for key, _, _ in registry.extra_benchmarks()]
    assert {"pages", "browser", "crowd"} <= set(keys)
    # every page a visitor can open without signing in (app.py, before the officials' section)
    public = app_public_pages()
    assert ("beranda", "") in PUBLIC_PAGES
    assert {name for name, _ in PUBLIC_PAGES} == public


def _in_thread(coro):
    """asyncio.run in a thread of its own (Playwright's loop may run in this one)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.mark.slow
def test_floor_page_measured_on_its_own_process(tmp_path):
    ctx = Context(work=tmp_path, warehouse=tmp_path / "none.duckdb", scale=0.0, quick=True)
    with single(ctx, floor=True, name="floor") as (port, pid):
        r = _in_thread(bench_pages._measure(port, pid, "", sessions=1, views=2, warmup=1))
    assert r["views"] == 2 and r["exceptions"] == 0
    assert r["cpu_ms"] > 0 and r["bytes_first"] > 0
