"""Budget (anggaran) and monthly realisation (realisasi) sample frames and files."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import numpy as np
import polars as pl

from etl import sample_catalog as cat
from etl.sample_common import (
    FILE_PREFIX,
    Reference,
    month_end,
    pick,
    rupiah_text,
    write_csv,
    write_xlsx,
)

BELANJA_LINES_PER_YEAR = 16_200  # ≈ 5 million realisasi rows at scale 10
# Lines per office are set so the total lands near BELANJA_LINES_PER_YEAR × scale.
_SUBS_PER_SCALE = 900
_CATEGORY_OF_POOL_ITEM = {"barjas": "barjas", "alat": "modal", "gedung": "modal", "infra": "modal"}

# Monthly shape of spending per category (relative weights; slow Q1, December spike).
_PROFILE = {
    "pegawai": np.ones(12),
    "barjas": np.array([0.25, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.0, 1.05, 1.1, 1.25, 2.1]),
    "modal": np.array([0.0, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.17, 0.255]),
    "hibah": np.array([0.01, 0.03, 0.06, 0.08, 0.08, 0.08, 0.09, 0.1, 0.1, 0.11, 0.12, 0.14]),
    "bansos": np.array([0.02, 0.04, 0.08, 0.08, 0.08, 0.08, 0.09, 0.1, 0.1, 0.1, 0.1, 0.13]),
    "btt": np.ones(12) / 12,
    "bagi_hasil": np.array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1.3]),
    "bankeu": np.array([0, 0, 0, 0.3, 0.15, 0.2, 0.25, 0.05, 0.1, 0.3, 0.1, 0.2]),
}
_LUMPY = {"modal": 4, "hibah": 3, "bansos": 3, "btt": 2}  # at most this many payment months
# Finished-year absorption per category: (mean, sd).
_ABSORPTION = {"pegawai": (0.965, 0.015), "barjas": (0.90, 0.06), "modal": (0.90, 0.09),
               "hibah": (0.94, 0.05), "bansos": (0.90, 0.06), "btt": (0.35, 0.2),
               "bagi_hasil": (0.97, 0.02), "bankeu": (0.97, 0.02), "pajak": (0.95, 0.06),
               "pbb": (0.88, 0.05), "dau": (0.99, 0.01), "dak": (0.93, 0.05),
               "dbh": (0.95, 0.05), "dd": (0.98, 0.02), "silpa": (1.0, 0.0),
               "penyertaan": (1.0, 0.0)}
_PENDAPATAN_PROFILE = {
    "pajak": np.array([0.7, 0.8, 0.9, 0.9, 1, 1, 1, 1, 1, 1, 1.1, 1.4]),
    "pbb": np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.2, 2.5, 3.0, 1.0, 0.4, 0.3]),
    "dau": np.ones(12),
    "dak": np.array([0, 0, 0.2, 0.3, 0, 0.3, 0.4, 0, 0.4, 0.2, 0.2, 0.5]),
    "dbh": np.array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1.5]),
    "dd": np.array([0, 0, 0.3, 0.2, 0, 0.3, 0.1, 0, 0.2, 0.1, 0, 0.1]),
    "silpa": np.array([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
    "penyertaan": np.array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]),
}
_POOLS = {
    "barjas": cat.BARJAS,
    "alat": cat.MODAL_ALAT + cat.BARJAS[:12],
    "gedung": cat.MODAL_GEDUNG + cat.BARJAS[:20],
    "infra": cat.MODAL_INFRA + cat.BARJAS[:10] + cat.BARJAS[34:36],
}
# Modal lines of infrastructure pools are larger (roads and bridges dominate modal).
_MODAL_POOL_FACTOR = {"alat": 0.3, "gedung": 1.5, "infra": 3.5, "barjas": 1.0}


def belanja_total(year: int) -> float:
    """Murni belanja total for a year: about Rp1,61 T in 2024, growing, capped under Rp2 T."""
    return float(min(1.61e12 * 1.085 ** (year - 2024), 1.90e12)) if year >= 2024 else 1.55e12


def budget_years(years: tuple[int, int], as_of: dt.date) -> list[int]:
    """Years with an adopted APBD at as_of (next year's APBD exists from December)."""
    last = as_of.year + (1 if as_of.month == 12 else 0)
    return [y for y in range(years[0], years[1] + 1) if y <= last]


def has_perubahan(year: int, as_of: dt.date) -> bool:
    """APBD perubahan exists for finished years and the current one from September."""
    return year < as_of.year or (year == as_of.year and as_of.month >= 9)


def months_reported(year: int, as_of: dt.date) -> int:
    """Number of months of the year whose realisation is reported by as_of."""
    if year < as_of.year:
        return 12
    if year > as_of.year:
        return 0
    return as_of.month if as_of >= month_end(year, as_of.month) else as_of.month - 1


def _structure(ref: Reference, rng: np.random.Generator, scale: float) -> pl.DataFrame:
    """Belanja lines (office × sub kegiatan × account), identical across years."""
    skpd = ref.skpd.sort("kode_skpd")
    size = np.array([cat.SKPD_SIZE.get(s, 1.0) for s in skpd["singkatan"]])
    n_teknis_total = max(len(size), round(_SUBS_PER_SCALE * scale))
    n_teknis = np.maximum(1, np.round(size / size.sum() * n_teknis_total)).astype(int)
    n_penunjang = int(np.clip(round(len(cat.PENUNJANG) * min(1.0, scale * 1.5)), 2,
                              len(cat.PENUNJANG)))
    subs: list[tuple] = []  # kode_skpd, nama_skpd, singkatan, kode_sub, nama_sub, pool
    for i, row in enumerate(skpd.iter_rows(named=True)):
        bidang = row["kode_bidang"]
        # payroll is always there; the other penunjang subs are drawn (fewer at small scale)
        chosen = [0] + sorted(rng.choice(np.arange(1, len(cat.PENUNJANG)), n_penunjang - 1,
                                         replace=False).tolist())
        for j in chosen:
            code, name, pool = cat.PENUNJANG[j]
            subs.append((row["kode_skpd"], row["nama_skpd"], row["singkatan"],
                         f"{bidang}.01.{code}", name, pool))
        templates = cat.TEKNIS.get(bidang, (("Pelaksanaan Tugas Teknis", "barjas"),))
        kec = ref.kecamatan["nama_kecamatan"].to_list()
        for k in range(n_teknis[i]):
            t, r = k % len(templates), k // len(templates)
            name, pool = templates[t]
            suffix = "" if r == 0 else f" Kecamatan {kec[(r - 1) % len(kec)]}"
            suffix += "" if r <= len(kec) else f" Tahap {(r - 1) // len(kec) + 1}"
            code = f"{bidang}.{2 + t // 2:02d}.2.{1 + t % 2:02d}.{r + 1:04d}"
            subs.append((row["kode_skpd"], row["nama_skpd"], row["singkatan"], code,
                         name + suffix, pool))
        if row["singkatan"] == "BPKAD":
            for code, name, _lines in cat.BPKAD_SPECIAL:
                subs.append((row["kode_skpd"], row["nama_skpd"], row["singkatan"],
                             f"{bidang}.{code}", name, "special:" + code))
    subs_df = pl.DataFrame(subs, orient="row", schema=["kode_skpd", "nama_skpd", "singkatan",
                                                       "kode_sub_kegiatan", "nama_sub_kegiatan",
                                                       "pool"])
    n_pegawai = int((subs_df["pool"] == "pegawai").sum()) * len(cat.PEGAWAI)
    n_pooled = int(subs_df["pool"].is_in(list(_POOLS)).sum())
    target = BELANJA_LINES_PER_YEAR * scale - n_pegawai - 12
    lam = max(0.5, target / max(n_pooled, 1) - 2)

    frames = []
    for pool_name, pool in [("pegawai", cat.PEGAWAI)] + list(_POOLS.items()):
        part = subs_df.filter(pl.col("pool") == pool_name)
        if part.height == 0:
            continue
        m = len(pool)
        if pool_name == "pegawai":
            k = np.full(part.height, m)
        else:
            k = np.minimum(m, 2 + rng.poisson(lam, part.height))
        order = np.argsort(rng.random((part.height, m)), axis=1)
        take = np.arange(m)[None, :] < k[:, None]
        rows_i, cols_i = np.nonzero(take)
        item = order[rows_i, cols_i]
        codes = np.array([p[0] for p in pool], dtype=object)[item]
        names = np.array([p[1] for p in pool], dtype=object)[item]
        if pool_name == "pegawai":
            category = np.full(item.shape, "pegawai", dtype=object)
            base_w = np.array([p[2] for p in pool])[item]
        else:
            category = np.where(np.char.startswith(codes.astype(str), "5.2"), "modal", "barjas")
            base_w = np.where(category == "modal", _MODAL_POOL_FACTOR[pool_name], 1.0)
        frames.append(part[rows_i].with_columns(
            pl.Series("kode_rekening", codes, dtype=pl.String),
            pl.Series("nama_rekening", names, dtype=pl.String),
            pl.Series("kategori", category.astype(str), dtype=pl.String),
            pl.Series("base_w", base_w.astype(np.float64)),
        ))
    special = []
    for code, _name, lines in cat.BPKAD_SPECIAL:
        for kode, nama, category in lines:
            special.append(("special:" + code, kode, nama, category, 1.0))
    special_df = pl.DataFrame(special, orient="row",
                              schema=["pool", "kode_rekening", "nama_rekening", "kategori",
                                      "base_w"])
    frames.append(subs_df.join(special_df, on="pool", how="inner"))
    lines = pl.concat(frames, how="vertical").drop("pool")
    office_w = pl.DataFrame({
        "singkatan": skpd["singkatan"],
        "size_w": size,
        "pegawai_w": [cat.PEGAWAI_SIZE.get(s, 1.2 if s.startswith("Kec.") else 1.0)
                      for s in skpd["singkatan"]],
    })
    return (lines.join(office_w, on="singkatan", how="left")
            .with_columns(nama_rekening=pl.col("kode_rekening")
                          .replace_strict(ref.kode_rekening, default=pl.col("nama_rekening")))
            .sort("kode_skpd", "kode_sub_kegiatan", "kode_rekening"))


def _belanja_year(lines: pl.DataFrame, rng: np.random.Generator, year: int) -> pl.DataFrame:
    """Murni pagu for one year: category totals from the shares, lognormal spread within."""
    n = lines.height
    kategori = lines["kategori"].to_numpy()
    w = lines["base_w"].to_numpy() * rng.lognormal(0.0, 0.8, n)
    w = np.where(kategori == "pegawai", w * lines["pegawai_w"].to_numpy(),
                 w * np.sqrt(lines["size_w"].to_numpy()))
    total = belanja_total(year) * rng.uniform(0.99, 1.01)
    pagu = np.zeros(n)
    for name, share in cat.BELANJA_SHARE.items():
        mask = kategori == name
        pagu[mask] = w[mask] * (total * share / w[mask].sum()) if mask.any() else 0.0
    pagu = np.maximum(np.round(pagu / 1000.0) * 1000.0, 1000.0).astype(np.int64)
    dana = np.empty(n, dtype=object)
    for name, options in cat.SUMBER_DANA.items():
        mask = kategori == name
        dana[mask] = pick(rng, [o[0] for o in options], int(mask.sum()), [o[1] for o in options])
    return lines.select("kode_skpd", "nama_skpd", "singkatan", "kode_sub_kegiatan",
                        "nama_sub_kegiatan", "kode_rekening", "nama_rekening", "kategori").with_columns(
        tahun=pl.lit(year, pl.Int32), pagu=pl.Series(pagu), sumber_dana=pl.Series(dana, dtype=pl.String))


def _pendapatan_year(ref: Reference, rng: np.random.Generator, year: int,
                     belanja: float) -> pl.DataFrame:
    """Revenue and financing lines under BPKAD/Bapenda: pendapatan ≈ belanja, SiLPA closes."""
    shares = np.array([p[4] for p in cat.PENDAPATAN]) * rng.lognormal(0, 0.05, len(cat.PENDAPATAN))
    pendapatan = belanja * rng.uniform(0.955, 0.99)
    amounts = np.round(shares / shares.sum() * pendapatan / 1e6) * 1e6
    penyertaan = round(rng.uniform(5e9, 15e9) / 1e6) * 1e6
    silpa = belanja - amounts.sum() + penyertaan
    rows = []
    for (kode, nama, office, category, _), amount in zip(cat.PENDAPATAN, amounts, strict=True):
        rows.append((kode, nama or ref.kode_rekening.get(kode, kode), office, category,
                     int(amount)))
    rows.append((cat.PEMBIAYAAN[0][0], cat.PEMBIAYAAN[0][1], "BPKAD", "silpa", int(round(silpa))))
    rows.append((cat.PEMBIAYAAN[1][0], cat.PEMBIAYAAN[1][1], "BPKAD", "penyertaan",
                 int(penyertaan)))
    df = pl.DataFrame(rows, orient="row",
                      schema=["kode_rekening", "nama_rekening", "singkatan", "kategori", "pagu"])
    office = ref.skpd.select("singkatan", "kode_skpd", "nama_skpd")
    return (df.join(office, on="singkatan", how="left")
            .with_columns(tahun=pl.lit(year, pl.Int32), kode_sub_kegiatan=pl.lit(None, pl.String),
                          nama_sub_kegiatan=pl.lit(None, pl.String),
                          pagu=pl.col("pagu").cast(pl.Int64),
                          sumber_dana=pl.lit(None, pl.String)))


def _perubahan(murni: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """APBD perubahan: most lines unchanged, some up or cut; total grows 2–4%."""
    n = murni.height
    u = rng.random(n)
    f = np.where(u < 0.65, 1.0, np.where(u < 0.9, rng.lognormal(0.05, 0.15, n),
                                          rng.uniform(0.6, 0.95, n)))
    is_belanja = murni["kode_rekening"].str.starts_with("5").to_numpy()
    pagu = murni["pagu"].to_numpy().astype(np.float64)
    # own revenue is re-estimated more cautiously than spending
    is_pad = murni["kategori"].is_in(["pajak", "pbb"]).to_numpy()
    new = pagu * np.where(is_belanja, f, np.where(is_pad, 1.0 + (f - 1.0) * 0.3, 1.0))
    target = pagu[is_belanja].sum() * rng.uniform(1.02, 1.04)
    new[is_belanja] *= target / new[is_belanja].sum()
    new = np.maximum(np.round(new / 1000.0) * 1000.0, 1000.0).astype(np.int64)
    out = murni.with_columns(pagu=pl.Series(new))
    # SiLPA is fixed after the audit; it closes the gap again.
    kat = out["kategori"]
    pend = out.filter(pl.col("kode_rekening").str.starts_with("4"))["pagu"].sum()
    bel = out.filter(pl.col("kode_rekening").str.starts_with("5"))["pagu"].sum()
    peny = out.filter(kat == "penyertaan")["pagu"].sum()
    return out.with_columns(pagu=pl.when(pl.col("kategori") == "silpa")
                            .then(pl.lit(int(bel - pend + peny), pl.Int64))
                            .otherwise(pl.col("pagu")))


def anggaran_frames(ref: Reference, rng: np.random.Generator, scale: float,
                    years: tuple[int, int], as_of: dt.date) -> pl.DataFrame:
    """All anggaran rows (both stages) with helper columns `kategori` and `singkatan`."""
    lines = _structure(ref, rng, scale)
    out = []
    for year in budget_years(years, as_of):
        bel = _belanja_year(lines, rng, year)
        pend = _pendapatan_year(ref, rng, year, float(bel["pagu"].sum()))
        murni = pl.concat([bel, pend.select(bel.columns)]).with_columns(tahap=pl.lit("murni"))
        out.append(murni)
        if has_perubahan(year, as_of):
            out.append(_perubahan(murni, rng).with_columns(tahap=pl.lit("perubahan")))
    cols = ["tahun", "tahap", "kode_skpd", "nama_skpd", "kode_sub_kegiatan", "nama_sub_kegiatan",
            "kode_rekening", "nama_rekening", "pagu", "sumber_dana", "kategori", "singkatan"]
    return pl.concat([f.select(cols) for f in out]).sort("tahun", "tahap", "kode_skpd",
                                                         "kode_sub_kegiatan", "kode_rekening",
                                                         nulls_last=True)


def laggard_offices(ref: Reference, rng: np.random.Generator) -> list[str]:
    """Three offices (not BPKAD/Bapenda) that realise clearly slower in the current year."""
    pool = ref.skpd.filter(~pl.col("singkatan").is_in(["BPKAD", "Bapenda"]))
    sizes = np.array([cat.SKPD_SIZE.get(s, 1.0) for s in pool["singkatan"]])
    idx = rng.choice(pool.height, 3, replace=False, p=sizes / sizes.sum())
    return sorted(pool["kode_skpd"][int(i)] for i in idx)


def realisasi_frame(anggaran: pl.DataFrame, rng: np.random.Generator, as_of: dt.date,
                    laggards: list[str]) -> pl.DataFrame:
    """Monthly realisation per line against the final pagu; zero months omitted."""
    final = (anggaran.sort("tahap").group_by("tahun", "kode_skpd", "kode_sub_kegiatan",
                                             "kode_rekening", maintain_order=True)
             .agg(pl.all().last())
             .sort("tahun", "kode_skpd", "kode_sub_kegiatan", "kode_rekening", nulls_last=True))
    n = final.height
    kategori = final["kategori"].to_numpy()
    pagu = final["pagu"].to_numpy().astype(np.float64)
    absorb = np.zeros(n)
    weights = np.zeros((n, 12))
    profiles = {**_PROFILE, **_PENDAPATAN_PROFILE}
    for name, profile in profiles.items():
        mask = kategori == name
        m = int(mask.sum())
        if m == 0:
            continue
        mean, sd = _ABSORPTION[name]
        absorb[mask] = np.clip(rng.normal(mean, sd, m), 0.05 if name == "btt" else 0.5, 1.0)
        if name in _LUMPY:
            # a few payment months drawn from the category's calendar (late for modal)
            p = profile / profile.sum()
            months = rng.choice(12, size=(m, _LUMPY[name]), p=p)
            keep = np.arange(_LUMPY[name])[None, :] < rng.integers(1, _LUMPY[name] + 1, m)[:, None]
            share = rng.random((m, _LUMPY[name])) * keep
            w = np.zeros((m, 12))
            np.add.at(w, (np.repeat(np.arange(m), _LUMPY[name]), months.ravel()), share.ravel())
        else:
            noise = 0.03 if name in ("pegawai", "dau") else 0.25
            w = profile[None, :] * rng.lognormal(0.0, noise, (m, 12))
        weights[mask] = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
    amounts = pagu[:, None] * absorb[:, None] * weights
    tahun = final["tahun"].to_numpy()
    slow = final["kode_skpd"].is_in(laggards).to_numpy() & (tahun == as_of.year) & (
        final["kode_rekening"].str.starts_with("5").to_numpy())
    amounts[slow] *= 0.45
    reported = np.array([months_reported(int(y), as_of) for y in range(tahun.min(), tahun.max() + 1)]
                        ) if n else np.array([])
    n_months = reported[tahun - tahun.min()] if n else np.array([], dtype=int)
    amounts = np.round(amounts)
    amounts[np.arange(12)[None, :] >= n_months[:, None]] = 0
    amounts[_unpaid_works(final, as_of)] = 0
    row_i, month_i = np.nonzero(amounts > 0)
    return final[row_i].select("tahun", "kode_skpd", "kode_sub_kegiatan", "kode_rekening",
                               "kategori").with_columns(
        bulan=pl.Series(month_i + 1, dtype=pl.Int32),
        realisasi=pl.Series(amounts[row_i, month_i].astype(np.int64)),
    ).select("tahun", "bulan", "kode_skpd", "kode_sub_kegiatan", "kode_rekening", "realisasi",
             "kategori")


# Share of this year's physical-works sub kegiatan that have paid nothing yet at as_of
# (contracts paid on completion), so not every funded proposal shows money spent.
UNPAID_WORKS_PERCENT = 30


def _unpaid_works(final: pl.DataFrame, as_of: dt.date) -> np.ndarray:
    """Rows of this year's teknis sub kegiatan with capital lines picked (by a stable hash of
    the code, independent of the random streams) as not yet paid."""
    code = pl.col("kode_sub_kegiatan")
    works = (final.filter((pl.col("tahun") == as_of.year) & (pl.col("kategori") == "modal")
                          & code.is_not_null() & ~code.str.contains(r"^\d\.\d\d\.01\."))
             .get_column("kode_sub_kegiatan").unique().to_list())
    unpaid = [c for c in works if zlib.crc32(c.encode()) % 100 < UNPAID_WORKS_PERCENT]
    hit = (final["tahun"] == as_of.year) & final["kode_sub_kegiatan"].is_in(unpaid)
    return hit.fill_null(False).to_numpy()


def _short_code(expr: pl.Expr) -> pl.Expr:
    """The older short shape: one-digit jenis (`5.1.01.01.01.0001` → `5.1.1.01.01.0001`)."""
    return expr.str.replace(r"^(\d)\.(\d)\.0(\d)\.", "${1}.${2}.${3}.")


def _wide_code(expr: pl.Expr) -> pl.Expr:
    """The wider 2026 shape 1-1-2-2-3-5 (`5.1.01.01.01.0001` → `5.1.01.01.001.00001`)."""
    return expr.str.replace(r"^(\d\.\d\.\d\d\.\d\d)\.(\d\d)\.(\d{4})$", "${1}.0${2}.0${3}")


def _bad_rows(template: pl.DataFrame, rng: np.random.Generator, n: int) -> pl.DataFrame:
    """A few rows no importer can make valid (unparseable amount, missing code, bad year)."""
    base = template.sample(n, seed=int(rng.integers(1 << 31)), with_replacement=True)
    kind = np.arange(n) % 3
    codes = [f"5.1.02.99.99.{9000 + i:04d}" for i in range(n)]
    return base.with_columns(
        kode_rekening=pl.Series(codes),
        pagu=pl.when(pl.Series(kind == 0)).then(pl.lit("Rp 1.2OO.000,00")).otherwise(pl.col("pagu")),
        kode_skpd=pl.when(pl.Series(kind == 1)).then(pl.lit("")).otherwise(pl.col("kode_skpd")),
        tahun=pl.when(pl.Series(kind == 2)).then(pl.lit("20x5")).otherwise(pl.col("tahun")),
    )


def write_anggaran(df: pl.DataFrame, out: Path, rng: np.random.Generator) -> dict[str, int]:
    """Write the anggaran years in their different export shapes; returns rows per file."""
    folder = out / "anggaran"
    cols = ["tahun", "tahap", "kode_skpd", "nama_skpd", "kode_sub_kegiatan", "nama_sub_kegiatan",
            "kode_rekening", "nama_rekening", "pagu", "sumber_dana"]
    years = sorted(df["tahun"].unique().to_list())
    written: dict[str, int] = {}
    for i, year in enumerate(years):
        ydf = df.filter(pl.col("tahun") == year).select(cols)
        first, last = i == 0, i == len(years) - 1 and len(years) > 1
        if first:
            murni = ydf.filter(pl.col("tahap") == "murni")
            name = f"{FILE_PREFIX}anggaran_{year}_murni.xlsx"
            footer = ["JUMLAH", "", "", "", "", "", "", "", int(murni["pagu"].sum()), ""]
            written[name] = write_xlsx(
                murni.with_columns(pl.col("tahun").cast(pl.Int64)), folder / name,
                title_lines=("PEMERINTAH KABUPATEN KUBU RAYA", f"APBD TAHUN ANGGARAN {year}"),
                footer=footer, sheet="APBD")
            perubahan = ydf.filter(pl.col("tahap") == "perubahan")
            if perubahan.height:
                # the older short code shape, dotted thousands without sen
                name = f"{FILE_PREFIX}anggaran_{year}_perubahan.csv"
                text = perubahan.with_columns(
                    _short_code(pl.col("kode_rekening")).alias("kode_rekening"),
                    rupiah_text(pl.col("pagu"), prefix="", sen=False).alias("pagu"))
                written[name] = write_csv(text, folder / name)
            continue
        text = ydf.with_columns(rupiah_text(pl.col("pagu")).alias("pagu"),
                                pl.col("tahun").cast(pl.String))
        n_bad = max(1, round(text.height * 0.004))
        bad = _bad_rows(text, rng, n_bad)
        text = pl.concat([text, bad])
        if last:
            wide = pl.Series(rng.random(text.height) < 0.1) & pl.Series(
                text["kode_rekening"].str.count_matches(r"\.").to_numpy() == 5)
            text = text.with_columns(
                kode_rekening=pl.when(wide).then(_wide_code(pl.col("kode_rekening")))
                .otherwise(pl.col("kode_rekening")))
            text = text.rename({c: c.replace("_", " ").title() for c in text.columns})
            name = f"{FILE_PREFIX}anggaran_{year}.csv"
            written[name] = write_csv(text, folder / name, separator=";", bom=True)
        else:
            text = text.rename({"tahun": "tahun_anggaran", "tahap": "jenis_apbd",
                                "kode_skpd": "kode_opd", "nama_skpd": "nama_opd",
                                "kode_sub_kegiatan": "kode_sub_giat",
                                "nama_sub_kegiatan": "nama_sub_giat", "kode_rekening": "kode_akun",
                                "nama_rekening": "nama_akun", "pagu": "nilai",
                                "sumber_dana": "nama_dana"})
            name = f"{FILE_PREFIX}anggaran_{year}.csv"
            written[name] = write_csv(text, folder / name, separator=";",
                                      repeat_header_at=text.height // 2)
    return written


def write_realisasi(df: pl.DataFrame, out: Path) -> dict[str, int]:
    """Belanja and financing: one plain CSV per year; revenue: one small messy export."""
    folder = out / "realisasi"
    written: dict[str, int] = {}
    cols = ["tahun", "bulan", "kode_skpd", "kode_sub_kegiatan", "kode_rekening", "realisasi"]
    plain = df.filter(~pl.col("kode_rekening").str.starts_with("4"))
    for year in sorted(plain["tahun"].unique().to_list()):
        name = f"{FILE_PREFIX}realisasi_{year}.csv"
        written[name] = write_csv(plain.filter(pl.col("tahun") == year).select(cols), folder / name)
    pend = df.filter(pl.col("kode_rekening").str.starts_with("4"))
    if pend.height:
        names = ["Januari", "Feb", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "Sep",
                 "Oktober", "Nov", "Desember"]
        text = pend.select(
            pl.col("tahun").alias("Tahun Anggaran"),
            pl.col("bulan").replace_strict(list(range(1, 13)), names, return_dtype=pl.String)
            .alias("Periode"),
            pl.col("kode_skpd").alias("Kode OPD"),
            pl.col("kode_rekening").alias("Kode Rek"),
            rupiah_text(pl.col("realisasi")).alias("Nilai Realisasi"),
        )
        name = f"{FILE_PREFIX}realisasi_pendapatan.csv"
        footer = ";".join(["JUMLAH", "", "", "", _rupiah_py(int(pend["realisasi"].sum()))])
        written[name] = write_csv(text, folder / name, separator=";",
                                  title_lines=("LAPORAN REALISASI PENDAPATAN DAERAH PER BULAN",),
                                  footer=footer)
    return written


def _rupiah_py(value: int) -> str:
    return "Rp " + f"{value:,}".replace(",", ".") + ",00"
