"""The sample generator: determinism, plausibility of the figures, geography, messiness."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from pathlib import Path

import polars as pl
import pytest

from etl.sample import SampleError, generate, remove_previous
from etl.sample_common import default_as_of
from lentera.core.config import region
from lentera.core.fmt import BULAN
from lentera.core.schema import STATUS_PENGADUAN, STATUS_USULAN

AS_OF = dt.date(2026, 10, 31)
SCALE = 0.1
BULAN_NUM = {name.lower(): i + 1 for i, name in enumerate(BULAN)}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out, seed=7, scale=SCALE, as_of=AS_OF)


# ---------- readers that undo each export's quirks (independent of etl.parse) ----------

def _amount(expr: pl.Expr) -> pl.Expr:
    """`Rp 1.234.567,00`, `1.234.567` or `1234567` → float (null when unparseable)."""
    s = expr.cast(pl.String).str.replace_all(r"Rp|\s", "")
    return (pl.when(s.str.contains(","))
            .then(s.str.replace_all(r"\.", "").str.replace(",", "."))
            .when(s.str.contains(r"^\d{1,3}(\.\d{3})+$")).then(s.str.replace_all(r"\.", ""))
            .otherwise(s).cast(pl.Float64, strict=False))


def _norm(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_")


def _rekening(expr: pl.Expr) -> pl.Expr:
    """Normalise the short and wide code shapes to 1-1-2-2-2-4 (by segment values)."""
    parts = expr.str.split(".")
    widths = (1, 1, 2, 2, 2, 4)
    segs = [parts.list.get(i, null_on_oob=True).cast(pl.Int64, strict=False)
            .cast(pl.String).str.zfill(w) for i, w in enumerate(widths)]
    return pl.concat_str(segs, separator=".", ignore_nulls=True)


ANGGARAN_ALIASES = {"tahun_anggaran": "tahun", "jenis_apbd": "tahap", "kode_opd": "kode_skpd",
                    "nama_opd": "nama_skpd", "kode_sub_giat": "kode_sub_kegiatan",
                    "nama_sub_giat": "nama_sub_kegiatan", "kode_akun": "kode_rekening",
                    "nama_akun": "nama_rekening", "nilai": "pagu", "nama_dana": "sumber_dana"}


def read_anggaran(out: Path) -> tuple[pl.DataFrame, int]:
    """All anggaran rows, canonical; also the count of rows that could not be read."""
    frames = []
    for path in sorted((out / "anggaran").iterdir()):
        if path.suffix == ".xlsx":
            df = pl.read_excel(path, read_options={"header_row": 2}, infer_schema_length=0)
        else:
            first = path.read_text(encoding="utf-8-sig").splitlines()[0]
            df = pl.read_csv(path, separator=";" if ";" in first else ",", infer_schema=False,
                             encoding="utf8-lossy")
        df = df.rename({c: ANGGARAN_ALIASES.get(_norm(c), _norm(c)) for c in df.columns})
        df = df.filter(pl.col("tahun") != "tahun")  # a repeated header line
        frames.append(df.select(pl.all().cast(pl.String)))
    df = pl.concat(frames, how="diagonal")
    df = df.with_columns(tahun=pl.col("tahun").cast(pl.Int32, strict=False),
                         pagu=_amount(pl.col("pagu")),
                         kode_rekening=_rekening(pl.col("kode_rekening")))
    bad = df.filter(pl.col("tahun").is_null() | pl.col("pagu").is_null()
                    | (pl.col("kode_skpd").fill_null("") == ""))
    return df.filter(~pl.any_horizontal(pl.col("tahun").is_null(), pl.col("pagu").is_null(),
                                        pl.col("kode_skpd").fill_null("") == "")), bad.height


def read_realisasi(out: Path) -> pl.DataFrame:
    plain = pl.concat([pl.read_csv(p, schema_overrides={"kode_sub_kegiatan": pl.String})
                       for p in sorted((out / "realisasi").glob("sample_realisasi_20*.csv"))])
    return plain


def read_pendapatan_realisasi(out: Path) -> pl.DataFrame:
    df = pl.read_csv(out / "realisasi" / "sample_realisasi_pendapatan.csv", separator=";",
                     skip_rows=1, infer_schema=False)
    df = df.rename({c: _norm(c) for c in df.columns}).filter(pl.col("tahun_anggaran") != "JUMLAH")
    month = pl.col("periode").str.to_lowercase().str.slice(0, 3)
    short = {k[:3]: v for k, v in BULAN_NUM.items()}
    return df.select(tahun=pl.col("tahun_anggaran").cast(pl.Int32),
                     bulan=month.replace_strict(short, return_dtype=pl.Int32),
                     kode_rekening=pl.col("kode_rek"), realisasi=_amount(pl.col("nilai_realisasi")))


PENGADUAN_ALIASES = {"id_laporan": "nomor_tiket", "tanggal_laporan": "tanggal_masuk",
                     "topik": "kategori", "status_laporan": "status", "sumber": "kanal",
                     "jenis_laporan": "klasifikasi", "isi_laporan": "isi", "desa": "nama_desa",
                     "kecamatan": "nama_kecamatan", "instansi_tujuan": "kode_skpd"}
STAGES = ["tanggal_masuk", "tanggal_verifikasi", "tanggal_disposisi", "tanggal_tindak_lanjut",
          "tanggal_selesai"]


def read_pengaduan(out: Path) -> pl.DataFrame:
    frames = []
    for path in sorted((out / "pengaduan").glob("*.csv")):
        first = path.read_text(encoding="utf-8-sig").splitlines()[0]
        df = pl.read_csv(path, separator=";" if ";" in first else ",", infer_schema=False,
                         encoding="utf8-lossy")
        df = df.rename({c: PENGADUAN_ALIASES.get(_norm(c), _norm(c)) for c in df.columns})
        parsed = []
        for c in STAGES:
            v = pl.col(c).str.replace("T", " ")
            parsed.append(pl.coalesce(v.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False),
                                      v.str.to_datetime("%d/%m/%Y %H:%M", strict=False)).alias(c))
        df = df.with_columns(parsed, anonim=pl.col("anonim").is_in(["ya", "1", "true"]),
                             rahasia=pl.col("rahasia").is_in(["ya", "1", "true"]),
                             hari_ditunda=pl.col("hari_ditunda").cast(pl.Int32),
                             file=pl.lit(path.name))
        frames.append(df)
    return pl.concat(frames, how="diagonal")


def read_perizinan(out: Path) -> pl.DataFrame:
    aliases = {"no_registrasi": "nomor_permohonan", "jenis_izin": "jenis_layanan",
               "tanggal_daftar": "tanggal_permohonan", "tanggal_terbit": "tanggal_selesai"}
    frames = []
    for path in sorted((out / "perizinan").glob("*.csv")):
        df = pl.read_csv(path, infer_schema=False)
        df = df.rename({c: aliases.get(c, c) for c in df.columns})
        parsed = []
        for c in ("tanggal_permohonan", "tanggal_berkas_lengkap", "tanggal_selesai"):
            indo = pl.col(c).str.to_lowercase()
            for name, num in BULAN_NUM.items():
                indo = indo.str.replace(f" {name} ", f"/{num}/", literal=True)
            parsed.append(pl.coalesce(pl.col(c).str.to_date("%Y-%m-%d", strict=False),
                                      pl.col(c).str.to_date("%d/%m/%Y", strict=False),
                                      indo.str.to_date("%d/%m/%Y", strict=False)).alias(c))
        frames.append(df.with_columns(parsed))
    return pl.concat(frames, how="diagonal")


USULAN_ALIASES = {"id_unik": "id_usulan", "detail_gagasan": "usulan", "masalah": "permasalahan",
                  "jenis_usul": "sumber", "detail_lurahteks": "nama_desa",
                  "detail_camatteks": "nama_kecamatan", "alamat_teks": "alamat",
                  "detail_latpeta": "lat", "detail_langpeta": "lng", "detail_volume": "volume",
                  "detail_usulanggaran": "perkiraan_biaya", "kode_skpd": "kode_skpd_tujuan",
                  "status_usul": "status", "tolak_teks": "alasan"}


def read_usulan(out: Path) -> pl.DataFrame:
    desa = pl.read_csv(region().path("desa"), infer_schema=False).select(
        "kode_desa", pl.col("nama_desa").alias("_d"), pl.col("nama_kecamatan").alias("_k"))
    frames = []
    for path in sorted((out / "usulan").glob("*.csv")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        df = pl.read_csv(path, separator=";" if ";" in first else ",", infer_schema=False)
        df = df.rename({c: USULAN_ALIASES.get(c, c) for c in df.columns})
        if "kode_desa" not in df.columns:
            df = df.join(desa, left_on=["nama_desa", "nama_kecamatan"], right_on=["_d", "_k"],
                         how="left")
        frames.append(df.select(pl.all().cast(pl.String)))
    df = pl.concat(frames, how="diagonal")
    return df.with_columns(pl.col("lat", "lng").cast(pl.Float64),
                           tahun_rkpd=pl.col("tahun_rkpd").cast(pl.Int32, strict=False))


def point_in_polygon(x: float, y: float, rings: list) -> bool:
    """Plain even-odd ray casting (independent of the generator's numpy version)."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def desa_rings() -> dict[str, list]:
    doc = json.loads(region().path("desa_geojson").read_text(encoding="utf-8"))
    out = {}
    for f in doc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        out[f["properties"]["kode"]] = [[tuple(p[:2]) for p in ring] for poly in polys
                                        for ring in poly]
    return out


# ---------- determinism and housekeeping ----------

def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_arguments_give_identical_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, seed=3, scale=0.05, as_of=AS_OF)
    generate(b, seed=3, scale=0.05, as_of=AS_OF)
    generate(c, seed=4, scale=0.05, as_of=AS_OF)
    da, db, dc = _digests(a), _digests(b), _digests(c)
    assert any(k.endswith(".xlsx") for k in da)
    assert da == db
    assert da.keys() == dc.keys() and da != dc


def test_rerun_removes_only_its_own_files(tmp_path):
    (tmp_path / "anggaran").mkdir(parents=True)
    stale = tmp_path / "anggaran" / "sample_anggaran_1999.csv"
    real = tmp_path / "anggaran" / "apbd_asli_2025.csv"
    stale.write_text("x\n")
    real.write_text("y\n")
    summary = generate(tmp_path, scale=0.02, as_of=AS_OF)
    assert not stale.exists() and real.read_text() == "y\n"
    assert all((tmp_path / f).is_file() for f in summary["files"])
    assert remove_previous(tmp_path) and real.exists()
    assert not list((tmp_path / "realisasi").glob("sample_*"))


def test_sample_json_and_summary(sample):
    out, summary = sample
    meta = json.loads((out / "SAMPLE.json").read_text())
    assert meta == {"generator": "lentera etl sample", "seed": 7, "scale": SCALE,
                    "years": [2024, 2026], "as_of": "2026-10-31"}
    assert set(summary["rows"]) == {"anggaran", "realisasi", "pengaduan", "perizinan", "usulan"}
    assert all(n > 0 for n in summary["rows"].values())


def test_default_as_of_and_bad_arguments(tmp_path):
    assert default_as_of(dt.date(2026, 11, 27)) == dt.date(2026, 10, 31)
    assert default_as_of(dt.date(2026, 1, 5)) == dt.date(2025, 12, 31)
    with pytest.raises(SampleError):
        generate(tmp_path, years=(2026, 2024))
    with pytest.raises(SampleError):
        generate(tmp_path, scale=0)


# ---------- budget ----------

def _belanja(df: pl.DataFrame) -> pl.DataFrame:
    return df.filter(pl.col("kode_rekening").str.starts_with("5"))


def test_anggaran_totals_and_structure(sample):
    out, _ = sample
    df, bad = read_anggaran(out)
    assert 0.002 * df.height <= bad <= 0.01 * df.height
    stages = df.group_by("tahun").agg(pl.col("tahap").unique().sort()).sort("tahun")
    assert stages["tahap"].to_list() == [["murni", "perubahan"]] * 3  # 2026 revised by October
    for (tahun, tahap), part in df.group_by("tahun", "tahap"):
        bel = _belanja(part)
        total = bel["pagu"].sum()
        assert 1.6e12 <= total <= 2.0e12, (tahun, tahap, total)
        share = {p: bel.filter(pl.col("kode_rekening").str.starts_with(p))["pagu"].sum() / total
                 for p in ("5.1.01", "5.1.02", "5.2")}
        assert 0.36 <= share["5.1.01"] <= 0.44
        assert 0.26 <= share["5.1.02"] <= 0.34
        assert 0.10 <= share["5.2"] <= 0.15
        pend = part.filter(pl.col("kode_rekening").str.starts_with("4"))["pagu"].sum()
        pad = part.filter(pl.col("kode_rekening").str.starts_with("4.1"))["pagu"].sum()
        assert 0.9 <= pend / total <= 1.05
        assert 0.13 <= pad / pend <= 0.16
        silpa = part.filter(pl.col("kode_rekening").str.starts_with("6.1"))["pagu"].sum()
        peny = part.filter(pl.col("kode_rekening").str.starts_with("6.2"))["pagu"].sum()
        assert silpa > 0 and peny > 0
        assert abs(pend + silpa - peny - total) < 1e6 * part.height  # the budget balances
        assert abs(bel.height - 14_000 * SCALE) < 0.3 * 14_000 * SCALE


def test_anggaran_codes_follow_the_reference(sample):
    out, _ = sample
    df, _ = read_anggaran(out)
    skpd = pl.read_csv(region().path("skpd"), infer_schema=False)
    bel = _belanja(df)
    assert bel["kode_sub_kegiatan"].str.contains(r"^\d\.\d\d\.\d\d\.2\.\d\d\.\d{4}$").all()
    assert set(df["kode_skpd"]) <= set(skpd["kode_skpd"])
    joined = bel.join(skpd, on="kode_skpd")
    assert (joined["kode_sub_kegiatan"].str.slice(0, 4) == joined["kode_bidang"]).all()
    # every office has its program 01 (penunjang), including the payroll sub kegiatan
    penunjang = joined.filter(pl.col("kode_sub_kegiatan").str.slice(5, 2) == "01")
    assert penunjang["kode_skpd"].n_unique() == skpd.height
    pend = df.filter(pl.col("kode_rekening").str.starts_with("4"))
    offices = set(skpd.filter(pl.col("singkatan").is_in(["BPKAD", "Bapenda"]))["kode_skpd"])
    assert set(pend["kode_skpd"]) <= offices
    assert df.filter(pl.col("tahun") == 2024)["kode_rekening"].str.count_matches(r"\.").eq(5).all()


def test_anggaran_exports_are_messy_like_real_ones(sample):
    out, _ = sample
    folder = out / "anggaran"
    xlsx = pl.read_excel(folder / "sample_anggaran_2024_murni.xlsx", has_header=False,
                         infer_schema_length=0)
    assert xlsx[0, 0] == "PEMERINTAH KABUPATEN KUBU RAYA"
    assert xlsx[1, 0] == "APBD TAHUN ANGGARAN 2024"
    assert xlsx[-1, 0] == "JUMLAH"
    short = (folder / "sample_anggaran_2024_perubahan.csv").read_text()
    assert "5.1.1.01.01.0001" in short
    mid = (folder / "sample_anggaran_2025.csv").read_text().splitlines()
    assert mid[0].startswith("tahun_anggaran;") and mid.count(mid[0]) == 2
    assert "Rp " in mid[1] and ",00" in mid[1]
    last = (folder / "sample_anggaran_2026.csv").read_bytes()
    assert last.startswith(b"\xef\xbb\xbf")
    assert b".001.00001;" in last  # the wider 1-1-2-2-3-5 shape


# ---------- realisation ----------

def test_realisasi_stops_at_as_of_and_matches_budget_lines(sample):
    out, _ = sample
    r = read_realisasi(out)
    months = r.group_by("tahun").agg(pl.col("bulan").max()).sort("tahun")
    assert months.rows() == [(2024, 12), (2025, 12), (2026, AS_OF.month)]
    assert (r["realisasi"] > 0).all()
    ang, _ = read_anggaran(out)
    keys = ang.select("tahun", "kode_skpd", "kode_sub_kegiatan", "kode_rekening").unique()
    missing = r.with_columns(pl.col("tahun").cast(pl.Int32)).join(
        keys, on=["tahun", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"], how="anti",
        nulls_equal=True)
    # only lines whose anggaran row was deliberately broken may be unmatched
    assert missing.height <= 0.01 * r.height


def test_realisasi_shape_over_the_year(sample):
    out, summary = sample
    r = _belanja(read_realisasi(out))
    ang, _ = read_anggaran(out)
    revised = _belanja(ang.filter(pl.col("tahap") == "perubahan"))
    for year in (2024, 2025):
        absorbed = r.filter(pl.col("tahun") == year)["realisasi"].sum()
        pagu = revised.filter(pl.col("tahun") == year)["pagu"].sum()
        assert 0.85 <= absorbed / pagu <= 0.98
        monthly = (r.filter(pl.col("tahun") == year).group_by("bulan").agg(pl.col("realisasi").sum())
                   .sort("bulan")["realisasi"].to_list())
        assert sum(monthly[:3]) < 0.85 * sum(monthly[3:6])  # slow first quarter
        assert monthly[11] > 1.3 * (sum(monthly[1:11]) / 10)  # December spike
        peg = (r.filter(pl.col("tahun") == year, pl.col("kode_rekening").str.starts_with("5.1.01"))
               .group_by("bulan").agg(pl.col("realisasi").sum())["realisasi"])
        assert peg.len() == 12 and peg.std() / peg.mean() < 0.05  # payroll is smooth
        modal = r.filter(pl.col("tahun") == year, pl.col("kode_rekening").str.starts_with("5.2"))
        late = modal.filter(pl.col("bulan") >= 7)["realisasi"].sum() / modal["realisasi"].sum()
        assert late > 0.65
    # laggards absorb clearly less than the others this year
    cur = r.filter(pl.col("tahun") == AS_OF.year).group_by("kode_skpd").agg(pl.col("realisasi").sum())
    pagu = revised.filter(pl.col("tahun") == AS_OF.year).group_by("kode_skpd").agg(pl.col("pagu").sum())
    rate = pagu.join(cur, on="kode_skpd", how="left").with_columns(
        rate=pl.col("realisasi").fill_null(0) / pl.col("pagu"))
    lag = rate.filter(pl.col("kode_skpd").is_in(summary["laggards"]))["rate"]
    others = rate.filter(~pl.col("kode_skpd").is_in(summary["laggards"]))["rate"]
    assert len(summary["laggards"]) in (2, 3)
    assert lag.max() < 0.75 * others.median()


def test_pendapatan_realisasi_messy_file(sample):
    out, _ = sample
    text = (out / "realisasi" / "sample_realisasi_pendapatan.csv").read_text().splitlines()
    assert text[-1].startswith("JUMLAH;") and "Rp " in text[-1]
    p = read_pendapatan_realisasi(out)
    ang, _ = read_anggaran(out)
    pad_target = ang.filter(pl.col("tahun") == 2025, pl.col("tahap") == "perubahan",
                            pl.col("kode_rekening").str.starts_with("4.1"))["pagu"].sum()
    pad = p.filter(pl.col("tahun") == 2025, pl.col("kode_rekening").str.starts_with("4.1"))
    assert 0.88 <= pad["realisasi"].sum() / pad_target <= 1.0


# ---------- complaints ----------

def test_pengaduan_volumes_and_vocabulary(sample):
    out, _ = sample
    df = read_pengaduan(out)
    kat = pl.read_csv(region().path("kategori_pengaduan"))["kategori"]
    valid = df.filter(pl.col("tanggal_masuk").is_not_null(), pl.col("status") != "proses",
                      pl.col("kategori") != "")
    assert 0.002 * df.height <= df.height - valid.height <= 0.015 * df.height
    assert set(valid["kategori"]) <= set(kat)
    per_year = valid.group_by(pl.col("tanggal_masuk").dt.year()).len()
    assert per_year["len"].min() > 0.6 * 4500 * SCALE
    kanal = valid["kanal"].value_counts(sort=True)["kanal"].to_list()
    assert set(kanal[:2]) == {"web", "aplikasi"}
    assert 0.5 <= valid["anonim"].mean() <= 0.7
    assert 0.02 <= valid["rahasia"].mean() <= 0.09
    statuses = set(valid["status"])
    assert {"selesai", "ditunda", "bukan_wewenang", "diarsipkan", "ditolak", "diterima"} <= statuses
    assert (valid.filter(pl.col("status") == "ditunda")["hari_ditunda"] > 0).all()
    kec = pl.read_csv(region().path("kecamatan"))["nama_kecamatan"]
    assert set(valid["nama_kecamatan"]) == set(kec)
    top = valid["nama_kecamatan"].value_counts(sort=True)["nama_kecamatan"][0]
    assert top == "Sungai Raya"
    assert valid["isi"].str.contains(r"6112\d{12}").any()
    assert valid["isi"].str.contains(r"0812-\d{4}-\d{4}").any()
    header = (out / "pengaduan" / "sample_pengaduan_2025.csv").read_text().splitlines()[0]
    assert "nama_pelapor" in header and "no_hp" in header


def test_pengaduan_stage_times_fit_the_status(sample):
    out, _ = sample
    df = read_pengaduan(out).filter(pl.col("tanggal_masuk").is_not_null(),
                                    pl.col("status").is_in(STATUS_PENGADUAN))
    end = dt.datetime.combine(AS_OF, dt.time(23, 59, 59))
    for c in STAGES:
        assert (df[c].drop_nulls() <= end).all()
    ordered = pl.all_horizontal([pl.col(b).is_null() | pl.col(a).is_null() | (pl.col(a) <= pl.col(b))
                                 for a, b in zip(STAGES, STAGES[1:], strict=False)])
    slips = df.filter(~ordered)
    assert 0 < slips.height <= 0.01 * df.height  # only the deliberate data-entry slips
    done = df.filter(pl.col("status") == "selesai")
    assert done["tanggal_selesai"].is_not_null().all()
    assert df.filter(pl.col("status") != "selesai")["tanggal_selesai"].is_null().all()
    assert df.filter(pl.col("status") == "diterima")["tanggal_verifikasi"].is_null().all()
    open_ = df.filter(pl.col("status").is_in(["diverifikasi", "didisposisi", "ditindaklanjuti"]))
    assert open_.filter(pl.col("tanggal_masuk") >= dt.datetime(2026, 10, 1)).height > 0
    # most closed cases meet their category target (in calendar days ×1.6 as a rough bound)
    targets = pl.read_csv(region().path("kategori_pengaduan")).select("kategori", "target_hari_kerja")
    closed = done.join(targets, on="kategori").with_columns(
        days=(pl.col("tanggal_selesai") - pl.col("tanggal_masuk")).dt.total_days())
    on_time = (closed["days"] <= closed["target_hari_kerja"] * 1.6 + 4).mean()
    assert 0.7 <= on_time < 0.99


# ---------- permits ----------

def test_perizinan(sample):
    out, _ = sample
    df = read_perizinan(out)
    std = pl.read_csv(region().path("standar_layanan"), infer_schema=False)
    names = set(std["jenis_layanan"])
    aliases = {a for s in std["aliases"].drop_nulls() for a in s.split("|")}
    jenis = set(df["jenis_layanan"].drop_nulls())
    assert jenis & names and jenis & aliases
    assert "Izin Usaha Perikanan" in jenis
    ok = df.filter(pl.col("tanggal_permohonan").is_not_null())
    assert (ok["tanggal_permohonan"] <= AS_OF).all()
    lengkap = ok.filter(pl.col("tanggal_berkas_lengkap").is_not_null())
    assert (lengkap["tanggal_berkas_lengkap"] >= lengkap["tanggal_permohonan"]).all()
    duk = ok.filter(pl.col("nomor_permohonan").str.starts_with("DUK"), pl.col("tanggal_selesai").is_not_null())
    same_next = ((duk["tanggal_selesai"] - duk["tanggal_berkas_lengkap"]).dt.total_days() <= 3).mean()
    assert 0.8 <= same_next < 1.0
    pbg = ok.filter(pl.col("jenis_layanan").is_in(["Persetujuan Bangunan Gedung (PBG)", "PBG", "IMB",
                                                   "Izin Mendirikan Bangunan"]))
    assert pbg.height > 2.5 * 400 * SCALE
    assert (df.filter(pl.col("bentuk_pemohon") == "perorangan")["nama_pemohon"].is_null()).all()
    badan = df.filter(pl.col("bentuk_pemohon") == "badan_usaha")["nama_pemohon"]
    assert badan.str.contains(r"^(CV|PT|Koperasi) ").all()
    assert df["kbli"].drop_nulls().str.contains(r"^\d{5}$").all()
    assert df["skala_usaha"].drop_nulls().value_counts(sort=True)["skala_usaha"][0] == "mikro"
    assert set(df["status"].drop_nulls()) >= {"selesai", "terbit", "diproses", "ditolak", "pending"}
    offices = set(pl.read_csv(region().path("skpd"), infer_schema=False)
                  .filter(pl.col("singkatan").is_in(["DPMPTSP", "Disdukcapil"]))["kode_skpd"])
    assert set(df["kode_skpd"]) == offices


# ---------- proposals ----------

def test_usulan_points_sit_inside_their_desa(sample):
    out, _ = sample
    df = read_usulan(out).filter(pl.col("lat").is_not_null())
    rings = desa_rings()
    x0, y0, x1, y1 = region().bbox
    swapped = df.filter(pl.col("lat") > 90)
    far = df.filter(pl.col("lat") < 90, ~(pl.col("lng").is_between(x0, x1) & pl.col("lat").is_between(y0, y1)))
    assert swapped.height >= 1 and 1 <= far.height <= 3
    normal = df.filter(pl.col("lat") < 90, pl.col("lng").is_between(x0, x1),
                       pl.col("lat").is_between(y0, y1))
    inside = [point_in_polygon(x, y, rings[k])
              for x, y, k in normal.select("lng", "lat", "kode_desa").iter_rows()]
    assert all(inside)
    for x, y, k in swapped.select("lat", "lng", "kode_desa").iter_rows():
        assert point_in_polygon(x, y, rings[k])  # swapping back puts it home


def test_usulan_funnel_funding_and_duplicates(sample):
    out, _ = sample
    df = read_usulan(out)
    assert df.filter(pl.col("status") == "diproses_bappeda").height > 0  # an unknown status
    df = df.filter(pl.col("status").is_in(STATUS_USULAN))
    per_year = df.group_by("tahun_rkpd").len().drop_nulls()
    assert (per_year["len"] >= 2000 * SCALE).all() and (per_year["len"] <= 3300 * SCALE).all()
    assert set(df["status"]) >= {"diusulkan", "diverifikasi_kecamatan", "diterima_opd",
                                 "masuk_rkpd", "ditolak", "dikembalikan"}
    assert df.filter(pl.col("status") == "ditolak")["alasan"].is_not_null().all()
    assert df["sumber"].value_counts(sort=True)["sumber"][0] == "musrenbang"
    funded = df.filter(pl.col("kode_sub_kegiatan").is_not_null(), pl.col("tahun_rkpd").is_not_null())
    assert funded.height > 0 and (funded["status"] == "masuk_rkpd").all()
    ang, _ = read_anggaran(out)
    subs = _belanja(ang).select(pl.col("tahun").alias("tahun_rkpd"),
                                pl.col("kode_skpd").alias("kode_skpd_tujuan"),
                                "kode_sub_kegiatan").unique()
    assert funded.join(subs, on=["tahun_rkpd", "kode_skpd_tujuan", "kode_sub_kegiatan"],
                       how="anti").height == 0
    # near-duplicates: same desa, similar text, within ~100 m, another year or source
    pts = df.filter(pl.col("lat").is_between(-2, 1)).with_columns(
        key=pl.col("usulan").str.to_lowercase().str.replace_all(r"usulan | di ", " ")
        .str.replace_all(r"\s+", " ").str.strip_chars())
    pairs = pts.join(pts, on=["kode_desa", "key"], suffix="_b").filter(
        pl.col("id_usulan") < pl.col("id_usulan_b"),
        (pl.col("tahun_rkpd") != pl.col("tahun_rkpd_b")) | (pl.col("sumber") != pl.col("sumber_b")))
    dist_m = ((pl.col("lat") - pl.col("lat_b")) ** 2
              + (pl.col("lng") - pl.col("lng_b")) ** 2).sqrt() * 111_320
    near = pairs.filter(dist_m < 100)
    assert near.height >= 0.01 * df.height
    cost_per_m = df.filter(pl.col("satuan") == "meter").select(
        (pl.col("perkiraan_biaya").cast(pl.Float64, strict=False)
         / pl.col("volume").cast(pl.Float64, strict=False)).alias("c"))["c"].drop_nulls()
    assert 50_000 < cost_per_m.median() < 50_000_000
    assert not math.isnan(cost_per_m.mean())


def test_mid_year_as_of_has_no_revision_and_fewer_months(tmp_path):
    as_of = dt.date(2026, 5, 31)
    generate(tmp_path, scale=0.02, as_of=as_of)
    ang, _ = read_anggaran(tmp_path)
    assert set(ang.filter(pl.col("tahun") == 2026)["tahap"]) == {"murni"}
    r = read_realisasi(tmp_path)
    assert r.filter(pl.col("tahun") == 2026)["bulan"].max() == 5
    usulan = read_usulan(tmp_path)
    # musrenbang for RKPD 2027 ran in early 2026: past the OPD forum, RKPD not yet adopted
    y27 = usulan.filter(pl.col("tahun_rkpd") == 2027)
    assert y27.height > 0 and "masuk_rkpd" not in set(y27["status"])


# ---------- a year that looks real (issue 12, item 8) ----------

def _busdays(start: pl.Expr, end: dt.date) -> pl.Expr:
    """Weekdays from start to `end` (a rough working-day count: holidays ignored)."""
    return pl.business_day_count(start, pl.lit(end))


def test_open_complaints_and_pauses_are_plausible(sample):
    out, _ = sample
    from etl.sample_layanan import OLD_OPEN_OUTLIERS
    df = read_pengaduan(out).filter(pl.col("tanggal_masuk").is_not_null(),
                                    pl.col("status").is_in(STATUS_PENGADUAN))
    ended = ("selesai", "bukan_wewenang", "diarsipkan", "ditolak")
    open_ = df.filter(~pl.col("status").is_in(ended)).with_columns(
        umur=_busdays(pl.col("tanggal_masuk").dt.date(), AS_OF))
    assert open_.height > 0
    # only the deliberate outliers (a handful) are open for a year of working days or more;
    # everything else that is open arrived in the last months
    assert open_.filter(pl.col("umur") >= 250).height > 0
    assert open_.filter(pl.col("umur") > 100).height <= OLD_OPEN_OUTLIERS
    pauses = df.filter(pl.col("hari_ditunda") > 0)["hari_ditunda"]
    assert pauses.median() <= 15 and (pauses > 60).mean() < 0.05


def test_permit_offices_do_not_all_finish_the_same_day(sample):
    out, _ = sample
    df = read_perizinan(out).filter(pl.col("status").is_in(["selesai", "terbit"]),
                                    pl.col("tanggal_selesai").is_not_null(),
                                    pl.col("tanggal_berkas_lengkap").is_not_null())
    days = df.with_columns(hk=pl.business_day_count("tanggal_berkas_lengkap", "tanggal_selesai"))
    medians = days.group_by("kode_skpd").agg(pl.col("hk").median())
    assert medians.height == 2 and (medians["hk"] > 0).all()


def test_funded_proposals_link_to_work_of_their_kind_sector_and_place(sample):
    out, _ = sample
    df = read_usulan(out).filter(pl.col("kode_sub_kegiatan").is_not_null(),
                                 pl.col("status").is_in(STATUS_USULAN))
    ang, _ = read_anggaran(out)
    names = (ang.filter(pl.col("kode_sub_kegiatan").is_not_null())
             .select(pl.col("tahun").alias("tahun_rkpd"), "kode_sub_kegiatan",
                     "nama_sub_kegiatan").unique(["tahun_rkpd", "kode_sub_kegiatan"]))
    skpd = pl.read_csv(region().path("skpd"), infer_schema=False).select(
        pl.col("kode_skpd").alias("kode_skpd_tujuan"), "kode_bidang", "nama_bidang")
    linked = df.join(names, on=["tahun_rkpd", "kode_sub_kegiatan"], how="left").join(
        skpd, on="kode_skpd_tujuan", how="left")
    assert linked["nama_sub_kegiatan"].is_not_null().all()
    # the sector: the sub kegiatan code starts with the office's bidang, named as the proposal's
    assert (linked["kode_sub_kegiatan"].str.slice(0, 4) == linked["kode_bidang"]).all()
    assert (linked["bidang_urusan"] == linked["nama_bidang"]).all()
    # the place: a sub kegiatan named for a kecamatan is the proposal's
    named = linked.with_columns(
        kec=pl.col("nama_sub_kegiatan").str.extract(r" Kecamatan (.+?)(?: Tahap \d+)?$", 1))
    assert (named["kec"].is_null() | (named["kec"] == named["nama_kecamatan"])).all()
    # the kind: no bridge paid by a water-supply project, no road by a drainage one
    kinds = {"jembatan": "Jembatan", "jalan": "Jalan", "air bersih": "Air Minum",
             "drainase": "Drainase", "irigasi": "Irigasi"}
    for word, sub_word in kinds.items():
        mine = named.filter(pl.col("usulan").str.to_lowercase().str.contains(word))
        assert mine["nama_sub_kegiatan"].str.contains(sub_word).all(), word
    # not every funded proposal's money is already spent in the current year
    real = read_realisasi(out).group_by("tahun", "kode_sub_kegiatan").agg(pl.col("realisasi").sum())
    this_year = named.filter(pl.col("tahun_rkpd") == AS_OF.year).join(
        real.rename({"tahun": "tahun_rkpd"}), on=["tahun_rkpd", "kode_sub_kegiatan"], how="left")
    assert this_year.height > 0
    assert 0 < this_year["realisasi"].fill_null(0).eq(0).sum() < this_year.height
