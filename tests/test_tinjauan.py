"""Weekly review figures against independent computations, the PDF and XLSX packs, the digest."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import duckdb
import polars as pl
import pytest
import sla_oracle as sla
from pypdf import PdfReader

from lentera.core import config, forms
from lentera.services import petugas, tinjauan
from lentera.store import auth, submissions

PUPR = "1.03.0.00.0.00.01.0000"
YEAR, WEEK = 2026, 40  # inside the fixture's data (as_of 2026-10-31)


@pytest.fixture
def env(warehouse_env):
    yield warehouse_env
    submissions.dispose_all()


def _warehouse(env) -> pl.DataFrame:
    with duckdb.connect(str(env.db), read_only=True) as con:
        return con.sql("SELECT * FROM pengaduan").pl()


def test_week_bounds_and_previous_week_across_the_year():
    assert tinjauan.week_bounds(2026, 1) == (dt.date(2025, 12, 29), dt.date(2026, 1, 4))
    assert tinjauan.previous_week(2026, 1) == (2025, 52)
    with pytest.raises(ValueError):
        tinjauan.week_bounds(2026, 54)


def test_weekly_figures_match_independent_computation(env):
    data = tinjauan.review(YEAR, WEEK)
    frame = _warehouse(env)
    for key, (y, w) in (("now", (YEAR, WEEK)), ("before", tinjauan.previous_week(YEAR, WEEK))):
        start, end = tinjauan.week_bounds(y, w)
        masuk = frame.filter(pl.col("tanggal_masuk").dt.date().is_between(start, end)).height
        selesai = frame.filter(pl.col("tanggal_selesai").dt.date().is_between(start, end))
        assert data[key]["pengaduan_baru"] == masuk
        assert data[key]["selesai"] == selesai.height
        # the Python twin of the SLA query, at the week's last day
        cases = sla.sla_pengaduan(frame, sla.targets_pengaduan(), as_of=end,
                                  cal=sla.Calendar.from_reference())
        late = cases.filter(pl.col("tanggal_selesai").dt.date().is_between(start, end),
                            ~pl.col("tepat_waktu"))
        assert data[key]["lewat_sla"] == late.height
        open_late = cases.filter(pl.col("terbuka"), pl.col("hari_lewat") > 0,
                                 pl.col("tanggal_masuk").dt.date() <= end)
        assert data[key]["tunggakan"] == open_late.height
    assert data["now"]["pengaduan_baru"] > 0 and data["now"]["tunggakan"] > 0


def test_overdue_by_opd_matches_the_python_twin(env):
    _, end = tinjauan.week_bounds(YEAR, WEEK)
    frame = _warehouse(env)
    cases = sla.sla_pengaduan(frame, sla.targets_pengaduan(), as_of=end,
                              cal=sla.Calendar.from_reference())
    with duckdb.connect(str(env.db), read_only=True) as con:
        skpd = con.sql("SELECT kode_skpd, coalesce(singkatan, nama_skpd) AS nama_opd "
                       "FROM skpd").pl()
    expected = (cases.filter(pl.col("terbuka"), pl.col("hari_lewat") > 0,
                             pl.col("tanggal_masuk").dt.date() <= end)
                .join(skpd, on="kode_skpd", how="left")
                .with_columns(pl.coalesce("nama_opd", "kode_skpd", pl.lit("-")).alias("nama_opd"))
                .group_by("nama_opd").agg(pl.len().alias("jumlah"),
                                          pl.col("hari_lewat").max().alias("lewat_maks"))
                .sort(["jumlah", "nama_opd"], descending=[True, False])
                .head(tinjauan.TOP_OVERDUE))
    got = tinjauan.overdue_by_opd(YEAR, WEEK)
    assert got.rows() == expected.select("nama_opd", "jumlah", "lewat_maks").rows()


def test_live_submissions_count_and_the_digest_shows_public_answers(env):
    today = dt.datetime.now(config.local_zone()).date()
    iso = today.isocalendar()
    before = tinjauan.review(iso.year, iso.week)["now"]
    d = forms.desa_options()[3]
    data = {"kategori": "Infrastruktur", "judul": "Lampu jalan padam di simpang",
            "isi": "Lampu jalan di simpang tiga padam sejak seminggu, rawan kecelakaan malam.",
            "kode_desa": d["kode_desa"]}
    open_ticket = submissions.create_pengaduan(data, [])
    secret = submissions.create_pengaduan(data | {"rahasia": True}, [])
    verif = auth.add_user("verif-t", "kata-sandi-uji-123", "verifikator")
    opd = auth.add_user("pupr-t", "kata-sandi-uji-123", "opd", PUPR)
    sv, so = {}, {}
    auth.start_session(sv, verif)
    auth.start_session(so, opd)
    for ticket in (open_ticket, secret):
        petugas.act(sv, ticket, "dispose", "kewenangan_opd", "PUPR", kode_skpd=PUPR)
        petugas.act(so, ticket, "close", "selesai_diperbaiki", "Lampu sudah diganti baru")
    after = tinjauan.review(iso.year, iso.week)["now"]
    assert after["pengaduan_baru"] - before["pengaduan_baru"] == 2
    assert after["selesai"] - before["selesai"] == 2
    digest = tinjauan.digest(iso.year, iso.week)
    assert digest["total"] >= 2
    shown = [a["ticket"] for a in digest["answers"]]
    assert open_ticket in shown and secret not in shown  # confidential answers stay private


def test_pdf_opens_and_shows_the_overdue_table_and_xlsx_has_its_sheets(env):
    data = tinjauan.review(YEAR, WEEK)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(
        tinjauan.review_pdf(data))).pages)
    assert "Tunggakan lewat target per perangkat daerah" in text
    top = data["overdue"].row(0, named=True)
    assert top["nama_opd"][:20] in text
    with zipfile.ZipFile(io.BytesIO(tinjauan.review_xlsx(data))) as book:
        workbook = book.read("xl/workbook.xml").decode()
    assert all(f'name="{n}"' in workbook for n in ("ringkasan", "overdue", "laggards", "dupes"))
