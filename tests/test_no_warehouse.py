"""Lapor, Usulkan and Lacak work with the warehouse missing, truncated, random or swapped (issue 13.3).

The warehouse path points at nothing, at a copy of the fixture warehouse cut in half or to a few
bytes, or at random bytes; the citizen pages still take a complaint and a proposal and find the
ticket again, with the SLA clock counted over the reference calendar by the same macro; every
dashboard says, translated and without a traceback, that the data is unavailable.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lentera.core import forms
from lentera.core.i18n import t
from lentera.services import sla, warga
from lentera.store import submissions
from lentera.warehouse import db
from tests.conftest import fixture_environ

APP = Path(__file__).resolve().parent.parent / "app.py"
BROKEN = ("missing", "half", "few_bytes", "random")
DASHBOARDS = ("beranda", "anggaran", "pengaduan", "perizinan", "musrenbang", "data")
ISI = "Lampu jalan di depan balai desa mati sejak dua minggu, gelap dan rawan di malam hari."


def broken_copy(kind: str, good: Path, where: Path) -> Path:
    """A warehouse path that is not a usable warehouse, made from the real fixture file."""
    where.mkdir(parents=True, exist_ok=True)
    path = where / "warehouse.duckdb"
    data = good.read_bytes()
    if kind == "half":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "few_bytes":
        path.write_bytes(data[:7])
    elif kind == "random":
        path.write_bytes(random.Random(13).randbytes(300_000))
    return path


@pytest.fixture(params=BROKEN)
def broken_env(request, fixture_warehouse, tmp_path, monkeypatch) -> Path:
    """Point the app at a broken warehouse; the store and uploads in this test's tmp dir."""
    path = broken_copy(request.param, fixture_warehouse.db, tmp_path / "data")
    for key, value in fixture_environ(path, tmp_path).items():
        monkeypatch.setenv(key, value)
    submissions.dispose_all()
    yield path
    submissions.dispose_all()


def open_page(page: str, lang: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def a_desa() -> tuple[str, str]:
    kec = next(iter(warga.kecamatan_labels()))
    return kec, next(iter(warga.desa_labels(kec)))


def with_target() -> str:
    """A complaint category that has a working-day target in the reference file."""
    return next(k for k in forms.kategori_options() if forms.kategori_target_hari_kerja(k))


def test_the_broken_warehouse_is_refused(broken_env):
    with pytest.raises(db.WarehouseUnavailableError):
        db.data_version()


def test_lapor_usulkan_lacak_work_without_the_warehouse(broken_env):
    kec, desa = a_desa()
    kategori = with_target()
    target = forms.kategori_target_hari_kerja(kategori)

    at = open_page("pages/lapor.py")
    at.selectbox(key="lapor_kode_kecamatan").set_value(kec).run()
    at.selectbox(key="lapor_kategori").set_value(kategori)
    at.text_input(key="lapor_judul").set_value("Lampu jalan mati di depan balai desa")
    at.text_area(key="lapor_isi").set_value(ISI)
    at.selectbox(key="lapor_kode_desa").set_value(desa)
    at.button(key="lapor_submit").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    [ticket] = submissions.tickets("pengaduan")
    assert at.header[0].value == ticket
    # the next steps name the target, counted over the reference calendar
    assert any(f"{target} hari kerja" in m.value for m in at.markdown)

    at = open_page("pages/usulkan.py")
    at.selectbox(key="usulkan_kode_kecamatan").set_value(kec).run()
    at.text_input(key="usulkan_usulan").set_value("Pembangunan drainase di dusun tengah")
    at.selectbox(key="usulkan_kode_desa").set_value(desa)
    at.text_input(key="usulkan_volume").set_value("200")
    at.selectbox(key="usulkan_satuan").set_value("meter")
    at.selectbox(key="usulkan_bidang_urusan").set_value(forms.bidang_options()[0])
    at.button(key="usulkan_check").click().run()
    assert not at.exception, at.exception
    at.button(key="usulkan_send").click().run()
    assert not at.exception, at.exception
    [usulan] = submissions.tickets("usulan")
    assert at.header[0].value == usulan

    at = open_page("pages/lacak.py", tiket=ticket)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("lacak.status")] == t("lacak.status_diterima")
    view = sla.public_view(ticket)
    assert view["target_hari_kerja"] == target and view["target_date"] is not None
    assert metrics[t("lacak.target_label", days=target)]
    assert t("lacak.no_clock") not in [c.value for c in at.caption]
    at = open_page("pages/lacak.py", "en", tiket=usulan)
    assert {m.label for m in at.metric} >= {t("lacak.status", lang="en")}


def test_reference_clock_equals_the_warehouse_clock(warehouse_env, monkeypatch):
    """The clock without a warehouse is the same macro over the same calendar: same answer."""
    kec, desa = a_desa()
    ticket = submissions.create_pengaduan({"kategori": with_target(), "judul": "Lampu jalan mati",
                                           "isi": ISI, "kode_desa": desa,
                                           "kode_kecamatan": kec}, [])
    with_warehouse = sla.public_view(ticket)
    cur = db.reference_cursor()
    try:
        cur.execute("DELETE FROM pengaduan_live")
    finally:
        cur.close()
    monkeypatch.setenv("LENTERA_WAREHOUSE", str(warehouse_env.db.parent / "nothing.duckdb"))
    without = sla.public_view(ticket)
    keys = ("target_hari_kerja", "target_date", "hari_kerja", "terbuka", "sisa_hari_kerja")
    assert {k: without[k] for k in keys} == {k: with_warehouse[k] for k in keys}
    assert without["target_date"] is not None


def test_lacak_without_any_clock_says_why(broken_env, monkeypatch):
    kec, desa = a_desa()
    ticket = submissions.create_pengaduan({"kategori": with_target(), "judul": "Lampu jalan mati",
                                           "isi": ISI, "kode_desa": desa,
                                           "kode_kecamatan": kec}, [])
    # no holiday calendar either: the status and timeline stand, the missing clock is explained
    monkeypatch.setattr(db, "reference_cursor", lambda: (_ for _ in ()).throw(OSError("gone")))
    at = open_page("pages/lacak.py", tiket=ticket)
    assert t("lacak.no_clock") in [c.value for c in at.caption]
    assert {m.label: m.value for m in at.metric}[t("lacak.status")] == t("lacak.status_diterima")


@pytest.mark.parametrize("page", DASHBOARDS)
def test_dashboards_say_the_data_is_unavailable(broken_env, page):
    lang = ("id", "en")[DASHBOARDS.index(page) % 2]  # both languages, half the runs
    at = open_page(f"pages/{page}.py", lang)
    said = [w.value for w in at.warning] + [i.value for i in at.info]
    expected = (t("common.no_warehouse_title", lang=lang) if not broken_env.exists()
                else t("common.data_unavailable_title", lang=lang))
    assert expected in said
    assert t("common.citizen_pages_work", lang=lang) in [c.value for c in at.caption]


def test_a_warehouse_swapped_under_the_pages(fixture_warehouse, tmp_path, monkeypatch):
    """Good → half-written → good again, at the same path: Lacak never fails, dashboards recover."""
    path = tmp_path / "data" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copyfile(fixture_warehouse.db, path)
    for key, value in fixture_environ(path, tmp_path).items():
        monkeypatch.setenv(key, value)
    submissions.dispose_all()
    kec, desa = a_desa()
    ticket = submissions.create_pengaduan({"kategori": with_target(), "judul": "Lampu jalan mati",
                                           "isi": ISI, "kode_desa": desa,
                                           "kode_kecamatan": kec}, [])
    target_before = sla.public_view(ticket)["target_date"]
    half = broken_copy("half", fixture_warehouse.db, tmp_path / "other")
    os.replace(half, path)
    at = open_page("pages/lacak.py", tiket=ticket)
    assert sla.public_view(ticket)["target_date"] == target_before
    at = open_page("pages/pengaduan.py")
    assert t("common.data_unavailable_title") in [w.value for w in at.warning]
    shutil.copyfile(fixture_warehouse.db, tmp_path / "other" / "good.duckdb")
    os.replace(tmp_path / "other" / "good.duckdb", path)
    at = open_page("pages/pengaduan.py")
    assert t("common.data_unavailable_title") not in [w.value for w in at.warning]
    submissions.dispose_all()


@pytest.mark.browser
def test_browser_complaint_filed_and_tracked_with_a_truncated_warehouse(fixture_warehouse,
                                                                        chromium_path, page,
                                                                        tmp_path):
    """A real server over a half-written warehouse: Lapor issues a ticket, Lacak finds it."""
    from tests.conftest import free_port, send_report, start_streamlit, stop_streamlit, wait_idle

    path = broken_copy("half", fixture_warehouse.db, tmp_path / "data")
    port = free_port()
    proc = start_streamlit(fixture_environ(path, tmp_path), port)
    base = f"http://127.0.0.1:{port}"
    try:
        kec = next(iter(warga.kecamatan_labels()))
        desa = next(iter(warga.desa_labels(kec).values()))

        def choose(label: str, option: str) -> None:
            box = page.locator("[data-testid=stSelectbox]", has_text=label).first
            box.locator("input").click()
            box.locator("input").fill(option)
            page.locator("[role=option]", has_text=option).first.click()
            wait_idle(page)

        page.goto(f"{base}/lapor")
        wait_idle(page)
        choose(t("forms.label_kecamatan"), warga.kecamatan_labels()[kec])
        choose(t("forms.label_kategori"), with_target())
        page.get_by_label(f"{t('forms.label_judul')} *").fill("Lampu jalan mati di balai desa")
        page.get_by_label(f"{t('forms.label_isi')} *").fill(ISI)
        choose(t("forms.label_desa"), desa)
        send_report(page)
        wait_idle(page)
        ticket = page.locator("h2").filter(has_text="LTR-").first.inner_text().strip()
        assert page.locator("[data-testid=stException]").count() == 0

        page.goto(f"{base}/lacak?tiket={ticket}")
        wait_idle(page)
        page.get_by_text(t("lacak.status_diterima")).first.wait_for()
        assert page.locator("[data-testid=stException]").count() == 0

        page.goto(f"{base}/anggaran")
        wait_idle(page)
        page.get_by_text(t("common.data_unavailable_title")).wait_for()
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        stop_streamlit(proc)
