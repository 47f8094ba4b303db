"""Reproducible from the open data: figures recomputed from the downloaded package alone.

The oracle below reads only the files a journalist downloads (the zipped data package of the
Data page: complaints, the category targets, the working-day calendar, datapackage.json) with
plain Polars and the rule written in the method text, never the warehouse nor the semantic
layer, and must agree with what the Pengaduan page shows for the same filters. The rejected rows
published beside them must carry no personal value.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import export
from etl.load import load
from lentera.core.privacy import redact_text
from lentera.warehouse import catalog, pengaduan


def _version(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()[0][0]
    finally:
        con.close()


def _unzip_package(exports: Path, into: Path) -> Path:
    doc = json.loads((exports / catalog.MANIFEST).read_text(encoding="utf-8"))
    with zipfile.ZipFile(exports / doc["package"]["file"]) as zf:
        zf.extractall(into)
    return into / export.PACKAGE_DIR


@pytest.fixture(scope="module")
def package(fixture_warehouse, tmp_path_factory) -> Path:
    """The data package the loader prepared for the Data page, unzipped."""
    exports = fixture_warehouse.db.parent / "exports" / _version(fixture_warehouse.db)
    return _unzip_package(exports, tmp_path_factory.mktemp("paket"))


# --- the oracle: plain Polars over the downloaded files ------------------------------------


def _date(col: str) -> pl.Expr:
    # CSV timestamps read "2026-08-15 09:12:00"; the clock counts dates, never times
    return pl.col(col).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=True)


def complaints_from_package(folder: Path) -> tuple[pl.DataFrame, dt.date]:
    """Every complaint with its target and gross/net working days, recomputed from the files."""
    doc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in doc["resources"] if r["name"] == "pengaduan")
    as_of = dt.date.fromisoformat(resource["x-computed-as-of"])
    kalender = pl.read_csv(folder / "kalender_kerja.csv", infer_schema_length=0).select(
        tanggal=_date("tanggal"), idx=pl.col("idx").cast(pl.Int64))
    targets = pl.read_csv(folder / "kategori_pengaduan.csv", infer_schema_length=0).select(
        kunci=pl.col("kategori").str.strip_chars().str.to_lowercase(),
        target=pl.col("target_hari_kerja").cast(pl.Int64))
    rows = pl.read_csv(folder / "pengaduan.csv", infer_schema_length=0)
    frame = rows.select(
        "nomor_tiket", "kategori",
        masuk=_date("tanggal_masuk"), selesai=_date("tanggal_selesai"),
        ditunda=pl.col("hari_ditunda").cast(pl.Int64).fill_null(0).clip(lower_bound=0),
        kunci=pl.col("kategori").str.strip_chars().str.to_lowercase(),
        # the columns the package publishes, to compare row by row
        pub_target=pl.col("target_hari_kerja").cast(pl.Int64),
        pub_hari_kerja=pl.col("hari_kerja").cast(pl.Int64),
        pub_hari_kotor=pl.col("hari_kotor").cast(pl.Int64),
        pub_tepat_waktu=pl.col("tepat_waktu").replace_strict({"true": True, "false": False},
                                                             default=None, return_dtype=pl.Boolean),
    ).filter(pl.col("masuk") <= as_of)
    frame = (
        frame.join(targets, on="kunci", how="left")
        .join(kalender.rename({"tanggal": "masuk", "idx": "i_masuk"}), on="masuk", how="left")
        .join(kalender.rename({"tanggal": "selesai", "idx": "i_selesai"}), on="selesai",
              how="left")
        # finished on the data's date: an end date after it is not known yet
        .with_columns(selesai_pada=pl.col("selesai").is_not_null() & (pl.col("selesai") <= as_of))
        .with_columns(kotor=(pl.col("i_selesai") - pl.col("i_masuk")).clip(lower_bound=0))
        .with_columns(bersih=(pl.col("kotor") - pl.col("ditunda")).clip(lower_bound=0))
    )
    return frame, as_of


def on_time_rate(frame: pl.DataFrame, tahun: int, kategori: str | None = None) -> dict:
    """On-time rate: on time ÷ finished complaints with a target, received in `tahun`."""
    cohort = frame.filter(pl.col("masuk").dt.year() == tahun)
    if kategori is not None:
        cohort = cohort.filter(pl.col("kategori") == kategori)
    judged = cohort.filter(pl.col("selesai_pada") & pl.col("target").is_not_null())
    net = judged["bersih"] <= judged["target"]
    gross = judged["kotor"] <= judged["target"]
    return {"dinilai": judged.height, "tepat_waktu": int(net.sum()),
            "persen": net.mean() if judged.height else None,
            "persen_kotor": gross.mean() if judged.height else None}


def _cases(package: Path) -> list[tuple[int, str | None]]:
    frame, _ = complaints_from_package(package)
    years = sorted(frame["masuk"].dt.year().unique().to_list())
    busiest = frame["kategori"].value_counts(sort=True)["kategori"][0]
    return [(y, None) for y in years] + [(years[-1], busiest)]


def test_on_time_rate_recomputed_from_the_package_matches_the_page(package, warehouse_env):
    frame, as_of = complaints_from_package(package)
    assert frame.height > 0
    for tahun, kategori in _cases(package):
        mine = on_time_rate(frame, tahun, kategori)
        page = pengaduan.ringkasan(tahun=tahun, kategori=kategori)
        assert mine["dinilai"] > 0, (tahun, kategori)
        assert page["dinilai"] == mine["dinilai"], (tahun, kategori)
        assert page["tepat_waktu"] == mine["tepat_waktu"], (tahun, kategori)
        assert page["persen_tepat_waktu"] == pytest.approx(mine["persen"]), (tahun, kategori)
        assert page["persen_tepat_waktu_kotor"] == pytest.approx(mine["persen_kotor"])
    assert as_of == pengaduan.as_of()


def test_published_sla_columns_agree_with_the_recomputation(package):
    frame, _ = complaints_from_package(package)
    assert frame["pub_target"].to_list() == frame["target"].to_list()
    measured = frame.filter(pl.col("selesai_pada") & pl.col("target").is_not_null())
    assert measured.height > 0
    assert measured["pub_hari_kerja"].to_list() == measured["bersih"].to_list()
    assert measured["pub_hari_kotor"].to_list() == measured["kotor"].to_list()
    assert measured["pub_tepat_waktu"].to_list() == \
        (measured["bersih"] <= measured["target"]).to_list()
    # pauses make a difference somewhere, or the net/gross pair would test nothing
    assert (measured["kotor"] != measured["bersih"]).any()


def test_package_carries_every_reference_table(package):
    doc = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in doc["resources"]}
    assert {"kategori_pengaduan", "standar_layanan", "kalender_kerja", "skpd",
            "wilayah_kecamatan", "wilayah_desa", "baris_ditolak"} <= names
    kalender = pl.read_csv(package / "kalender_kerja.csv", infer_schema_length=0)
    kinds = set(kalender["jenis_hari"])
    assert {"kerja", "akhir_pekan", "libur_nasional", "cuti_bersama"} <= kinds
    # a day off never advances the working-day index
    idx = kalender["idx"].cast(pl.Int64)
    steps = (idx - idx.shift(1)).fill_null(kalender["hari_kerja"].eq("true").cast(pl.Int64)[0])
    assert (steps == kalender["hari_kerja"].eq("true").cast(pl.Int64)).all()
    standar = pl.read_csv(package / "standar_layanan.csv", infer_schema_length=0)
    perizinan = pl.read_csv(package / "perizinan.csv", infer_schema_length=0)
    # each permit's target is its service's standard; a service without one has no target
    joined = perizinan.join(standar.select("jenis_layanan", standar="target_hari_kerja"),
                            on="jenis_layanan", how="left")
    assert joined["target_hari_kerja"].to_list() == joined["standar"].to_list()


# --- rejected rows: published, redacted, personal columns withheld --------------------------


def test_rejected_rows_are_published_redacted(package, fixture_warehouse):
    rejects = pl.read_csv(package / "baris_ditolak.csv", infer_schema_length=0)
    con = duckdb.connect(str(fixture_warehouse.db), read_only=True)
    stored = con.execute("SELECT count(*) FROM etl_rejects").fetchall()[0][0]
    con.close()
    assert rejects.height == stored > 0
    for col in ("value", "reason"):
        for v in rejects[col].drop_nulls():
            assert redact_text(v) == v, (col, v)
    withheld = rejects.filter(pl.col("nilai_ditahan") == "true")
    assert withheld["value"].null_count() == withheld.height


def test_personal_values_in_bad_cells_never_reach_the_downloads(fixture_warehouse, tmp_path):
    raw = tmp_path / "raw"
    (raw / "perizinan").mkdir(parents=True)
    source = sorted((fixture_warehouse.raw / "perizinan").glob("*.csv"))[-1]
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    header, good = lines[0], lines[1].split(",")
    cols = header.split(",")
    secrets = {"nik": "6112051708900001", "hp": "081234567890", "email": "budi.s@contoh.id"}

    def bad(number: str, column: str, value: str) -> str:
        row = [*good]
        row[0] = row[0][:-6] + number
        row[cols.index(column)] = value
        return ",".join(row)

    body = [lines[1],
            bad("900001", "tanggal_permohonan", secrets["nik"]),
            bad("900002", "status", f"hubungi {secrets['hp']}"),
            bad("900003", "status", secrets["email"])]
    (raw / "perizinan" / "perizinan.csv").write_text("\n".join([header, *body]) + "\n",
                                                     encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    result = load(raw, db, only=["perizinan"], progress=False)
    assert result.exit_code == 1, result.errors
    exports = db.parent / "exports" / result.data_version
    doc = json.loads((exports / catalog.MANIFEST).read_text(encoding="utf-8"))
    entry = doc["datasets"]["baris_ditolak"]
    assert entry["rows"] == 3
    texts = [(exports / f["file"]).read_bytes() for f in entry["files"].values()]
    texts.append(pl.read_parquet(exports / entry["files"]["parquet"]["file"])
                 .write_csv().encode())
    texts.append(pl.read_excel(exports / entry["files"]["xlsx"]["file"], sheet_name="data")
                 .write_csv().encode())
    with zipfile.ZipFile(exports / doc["package"]["file"]) as zf:
        texts.append(zf.read(f"{export.PACKAGE_DIR}/baris_ditolak.csv"))
    for secret in secrets.values():
        for text in texts:
            assert secret.encode() not in text, secret
    published = pl.read_csv(io.BytesIO(texts[-1]), infer_schema_length=0)
    joined = " ".join(published["value"].drop_nulls())
    assert "[NIK]" in joined and "[TELEPON]" in joined and "[EMAIL]" in joined


def test_values_of_personal_or_free_text_columns_are_withheld(fixture_warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse.db, db)
    con = duckdb.connect(str(db))
    # rows an older or careless loader could have stored: a name, a home address in free text
    con.execute("""INSERT INTO etl_rejects (run_id, source, source_file, source_row, "column",
                   value, reason) VALUES
                   ('t', 'perizinan', 'x.csv', 2, 'nama_pemohon', 'Budi Santoso', 'wajib diisi'),
                   ('t', 'pengaduan', 'y.csv', 3, 'isi,tanggal_masuk',
                    'Rumah Budi di Gang Mawar 7 | kemarin', 'tanggal tidak dikenali')""")
    con.close()
    path = export.export_package(db, tmp_path / "pkg")
    rejects = pl.read_csv(path.parent / "baris_ditolak.csv", infer_schema_length=0)
    text = (path.parent / "baris_ditolak.csv").read_text(encoding="utf-8")
    assert "Budi" not in text and "Mawar" not in text
    mine = rejects.filter(pl.col("source_file").is_in(["x.csv", "y.csv"]))
    assert mine.height == 2
    assert mine["nilai_ditahan"].to_list() == ["true", "true"]
    assert sorted(mine["reason"]) == ["tanggal tidak dikenali", "wajib diisi"]
