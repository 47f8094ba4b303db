"""Musrenbang proposal (usulan) sample: points inside their desa, a funnel, links to the budget."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from etl.sample_common import FILE_PREFIX, Reference, lookup, pick, points_in_rings, write_csv

USULAN_PER_YEAR = (2_000, 3_000)
# (usulan, permasalahan, satuan, volume range, unit cost, office, bidang urusan, weight)
# Irrigation and drinking water are public works (urusan PU, 1.03), as in Permendagri 90/2019.
JENIS = (
    ("Pembangunan jalan rabat beton Dusun {dusun}", "Jalan dusun masih tanah dan becek saat hujan",
     "meter", (150, 1500), 1_250_000, "Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", 16),
    ("Peningkatan jalan desa (pengaspalan) Desa {desa}", "Jalan desa rusak berat dan berlubang",
     "km", (0.5, 3.0), 2_600_000_000, "Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", 10),
    ("Pembangunan drainase/parit Dusun {dusun}", "Permukiman tergenang saat hujan dan pasang",
     "meter", (200, 2000), 850_000, "Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", 10),
    ("Normalisasi saluran irigasi persawahan Desa {desa}", "Saluran dangkal, sawah kekeringan",
     "meter", (500, 4000), 150_000, "Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", 6),
    ("Pembangunan jembatan kayu ulin Dusun {dusun}", "Jembatan lama lapuk dan membahayakan",
     "meter", (8, 60), 15_000_000, "Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", 6),
    ("Pembangunan gedung posyandu Dusun {dusun}", "Posyandu masih menumpang di rumah warga",
     "unit", (1, 1), 250_000_000, "Dinkes", "Kesehatan", 5),
    ("Rehabilitasi ruang kelas SD Negeri di Desa {desa}", "Atap bocor dan lantai kelas rusak",
     "ruang", (2, 6), 160_000_000, "Disdikbud", "Pendidikan", 7),
    ("Pengadaan hand traktor untuk kelompok tani Desa {desa}", "Pengolahan lahan masih manual",
     "unit", (2, 10), 35_000_000, "Distan", "Pertanian", 5),
    ("Pembangunan sumur bor dan sarana air bersih Dusun {dusun}", "Warga kesulitan air bersih di musim kemarau",
     "unit", (1, 5), 85_000_000, "Dinas PUPR", "Pekerjaan Umum dan Penataan Ruang", 6),
    ("Bedah rumah tidak layak huni Desa {desa}", "Banyak rumah warga miskin tidak layak huni",
     "unit", (5, 30), 20_000_000, "Disperkim", "Perumahan dan Kawasan Permukiman", 5),
    ("Pemasangan lampu penerangan jalan umum Dusun {dusun}", "Jalan gelap pada malam hari, rawan kecelakaan",
     "titik", (10, 50), 8_000_000, "Dishub", "Perhubungan", 6),
    ("Pembangunan tambatan perahu Desa {desa}", "Warga dan nelayan sulit menambatkan perahu",
     "unit", (1, 2), 350_000_000, "Dishub", "Perhubungan", 3),
    ("Pengadaan perahu dan alat tangkap nelayan Desa {desa}", "Alat tangkap nelayan kecil rusak",
     "unit", (5, 20), 25_000_000, "Diskan", "Kelautan dan Perikanan", 3),
    ("Pelatihan keterampilan kerja bagi pemuda Desa {desa}", "Pengangguran pemuda tinggi",
     "orang", (20, 60), 1_500_000, "Disnakertrans", "Tenaga Kerja", 3),
    ("Pengadaan tempat sampah dan TPS3R Desa {desa}", "Sampah dibuang ke sungai",
     "unit", (1, 3), 120_000_000, "DLH", "Lingkungan Hidup", 3),
)
# The budget sub kegiatan (names in sample_catalog.TEKNIS) that can fund each JENIS, in order;
# a proposal is only ever linked to one of these, of its own office (so of its bidang urusan).
FUNDED_BY = (
    ("Pembangunan Jalan", "Rekonstruksi Jalan"),
    ("Pembangunan Jalan", "Rekonstruksi Jalan", "Pemeliharaan Berkala Jalan"),
    ("Pembangunan Sistem Drainase Perkotaan",),
    ("Rehabilitasi Jaringan Irigasi Permukaan",),
    ("Pembangunan Jembatan",),
    (),  # a posyandu building is a village (Dana Desa) matter: never in the APBD here
    ("Rehabilitasi Sedang/Berat Ruang Kelas Sekolah SD",),
    ("Pengadaan Alat dan Mesin Pertanian",),
    ("Pembangunan Sistem Penyediaan Air Minum (SPAM)",),
    ("Peningkatan Kualitas Rumah Tidak Layak Huni",),
    ("Penyediaan Perlengkapan Jalan (Lampu Penerangan Jalan Umum)",),
    ("Pembangunan Dermaga Sungai dan Tambatan Perahu",),
    ("Penyediaan Sarana Penangkapan Ikan bagi Nelayan Kecil",),
    ("Pelatihan Berbasis Kompetensi",),
    ("Pembangunan Tempat Pengolahan Sampah Terpadu (TPS3R)", "Pengelolaan Sampah Rumah Tangga"),
)
DUSUN = ("Sukamaju", "Karya Bakti", "Sumber Rejeki", "Parit Baru", "Suka Damai", "Mekar Sari",
         "Tanjung Harapan", "Bina Usaha", "Sungai Itik", "Parit Haji Husin", "Mulya Jaya",
         "Harapan Baru")
FINAL_STATUS = (("masuk_rkpd", 0.30), ("diterima_opd", 0.15), ("diverifikasi_kecamatan", 0.15),
                ("diusulkan", 0.08), ("ditolak", 0.22), ("dikembalikan", 0.10))
FUNNEL = ("diusulkan", "diverifikasi_kecamatan", "diterima_opd", "masuk_rkpd")
ALASAN_TOLAK = ("Kewenangan desa, dapat dibiayai Dana Desa",
                "Bukan kewenangan kabupaten (kewenangan provinsi)",
                "Melebihi pagu indikatif kecamatan", "Tumpang tindih dengan usulan lain",
                "Lokasi berada di kawasan lindung")
ALASAN_KEMBALI = ("Koordinat lokasi belum sesuai", "Volume dan satuan belum jelas",
                  "Lampirkan foto kondisi eksisting", "Rincian anggaran belum lengkap")


def rkpd_years(years: tuple[int, int], as_of: dt.date) -> list[int]:
    """Plan years whose musrenbang (January of the year before) has started by as_of."""
    cand = range(years[0], years[1] + 2 if as_of.year >= years[1] else years[1] + 1)
    return [y for y in cand if dt.date(y - 1, 1, 5) <= as_of]


def _calendar_level(year: int, as_of: dt.date) -> int:
    """How far the plan-year's musrenbang cycle has got at as_of (0 desa … 3 RKPD adopted)."""
    steps = (dt.date(year - 1, 2, 10), dt.date(year - 1, 3, 31), dt.date(year - 1, 6, 30))
    return sum(as_of >= s for s in steps)


def sample_points(rng: np.random.Generator, rings: list[np.ndarray], k: int) -> np.ndarray:
    """k points uniformly inside a polygon (rejection sampling in its bounding box)."""
    allpts = np.concatenate(rings)
    lo, hi = allpts.min(axis=0), allpts.max(axis=0)
    got: list[np.ndarray] = []
    have = 0
    while have < k:
        m = max(16, 3 * (k - have))
        cand = lo + rng.random((m, 2)) * (hi - lo)
        keep = cand[points_in_rings(cand[:, 0], cand[:, 1], rings)]
        got.append(keep)
        have += len(keep)
    return np.concatenate(got)[:k]


def usulan_frame(ref: Reference, rng: np.random.Generator, scale: float, years: tuple[int, int],
                 as_of: dt.date, anggaran: pl.DataFrame) -> pl.DataFrame:
    """Proposals for each plan year, with near-duplicates and budget links for funded ones."""
    frames = []
    for year in rkpd_years(years, as_of):
        n = max(10, round(rng.integers(*USULAN_PER_YEAR) * scale))
        frames.append(pl.DataFrame({"tahun_rkpd": np.full(n, year, dtype=np.int32)}))
    base = pl.concat(frames)
    n = base.height
    desa = ref.desa
    w = desa["penduduk"].to_numpy().astype(np.float64)
    d_idx = np.sort(rng.choice(desa.height, n, p=w / w.sum()))
    jenis_idx = rng.choice(len(JENIS), n, p=np.array([j[7] for j in JENIS]) / sum(j[7] for j in JENIS))
    # points: per desa (a loop over ~120 desa, vectorised inside)
    lat = np.full(n, np.nan)
    lng = np.full(n, np.nan)
    codes = desa["kode_desa"].to_list()
    for i, kode in enumerate(codes):
        rows = np.nonzero(d_idx == i)[0]
        rings = ref.desa_polygons.get(kode)
        if rows.size == 0 or rings is None:
            continue
        pts = sample_points(rng, rings, rows.size)
        lng[rows], lat[rows] = pts[:, 0], pts[:, 1]

    tahun = base["tahun_rkpd"].to_numpy()
    final = pick(rng, [s for s, _ in FINAL_STATUS], n, [p for _, p in FINAL_STATUS])
    cal = np.array([_calendar_level(int(y), as_of) for y in range(tahun.min(), tahun.max() + 1)])[
        tahun - tahun.min()]
    funnel_level = {s: i for i, s in enumerate(FUNNEL)}
    level = lookup(final, funnel_level, 0).astype(np.int64)
    decided_at = rng.integers(1, 3, n)  # rejections happen at the kecamatan or OPD step
    status = np.array(FUNNEL, dtype=object)[np.minimum(level, cal)]
    reject = np.isin(final, ["ditolak", "dikembalikan"])
    status = np.where(reject & (cal >= decided_at), final, np.where(
        reject, np.array(FUNNEL, dtype=object)[np.minimum(decided_at - 1, cal)], status))
    tahap_level = np.where(reject, decided_at, lookup(status, funnel_level, 0).astype(np.int64))
    tahap = np.array(["desa", "kecamatan", "kabupaten", "kabupaten"], dtype=object)[tahap_level]
    sumber = pick(rng, ["musrenbang", "pokir", "warga"], n, [0.85, 0.1, 0.05])
    tahap = np.where(sumber == "pokir", "kabupaten", tahap)
    alasan = np.where(status == "ditolak", pick(rng, ALASAN_TOLAK, n),
                      np.where(status == "dikembalikan", pick(rng, ALASAN_KEMBALI, n), None))

    jenis = [JENIS[i] for i in range(len(JENIS))]
    lo = np.array([j[3][0] for j in jenis])[jenis_idx]
    hi = np.array([j[3][1] for j in jenis])[jenis_idx]
    satuan = np.array([j[2] for j in jenis])[jenis_idx]
    volume = lo + rng.random(n) * (hi - lo)
    volume = np.where(satuan == "km", np.round(volume, 1), np.round(volume))
    biaya = np.round(volume * np.array([j[4] for j in jenis])[jenis_idx]
                     * rng.lognormal(0, 0.2, n) / 1e5) * 1e5
    office = np.array([ref.skpd_code(j[5]) for j in jenis])[jenis_idx]
    d = desa[d_idx]
    frame = pl.DataFrame({
        "tahun_rkpd": tahun,
        "template": np.array([j[0] for j in jenis])[jenis_idx],
        "permasalahan": np.array([j[1] for j in jenis])[jenis_idx],
        "sumber": sumber.astype(str), "tahap": tahap.astype(str),
        "kode_desa": d["kode_desa"], "nama_desa": d["nama_desa"],
        "nama_kecamatan": d["nama_kecamatan"],
        "dusun": pick(rng, DUSUN, n).astype(str),
        "lat": pl.Series(np.round(lat, 6)).fill_nan(None),
        "lng": pl.Series(np.round(lng, 6)).fill_nan(None),
        "volume": volume, "satuan": satuan, "perkiraan_biaya": biaya.astype(np.int64),
        "kode_skpd_tujuan": office,
        "bidang_urusan": np.array([j[6] for j in jenis])[jenis_idx],
        "status": status.astype(str), "alasan": pl.Series(alasan.tolist(), dtype=pl.String),
        "jenis_i": jenis_idx.astype(np.int64),
    }).with_columns(
        usulan=pl.col("template").str.replace("{dusun}", pl.col("dusun"), literal=True)
        .str.replace("{desa}", pl.col("nama_desa"), literal=True),
        alamat=pl.concat_str([pl.lit("Dusun "), pl.col("dusun")]),
    ).drop("template", "dusun")
    frame = _add_duplicates(frame, rng, ref)
    frame = _fund(frame, rng, anggaran).drop("jenis_i")
    return frame.sort("tahun_rkpd", "kode_desa", "usulan", "lat", nulls_last=True).with_columns(
        id_usulan=pl.format("USL-{}-{}", pl.col("tahun_rkpd"),
                            (pl.int_range(pl.len()).over("tahun_rkpd") + 1).cast(pl.String)
                            .str.zfill(6)))


def _add_duplicates(frame: pl.DataFrame, rng: np.random.Generator, ref: Reference) -> pl.DataFrame:
    """Near-duplicates: the same idea again within ~50 m, in another year or from pokir."""
    n = frame.height
    src = frame.filter(pl.Series(rng.random(n) < 0.04) & pl.col("lat").is_not_null())
    if src.height == 0:
        return frame
    m = src.height
    yrs = sorted(frame["tahun_rkpd"].unique().to_list())
    other_year = np.array(yrs)[rng.integers(0, len(yrs), m)]
    as_pokir = rng.random(m) < 0.3
    new_year = np.where(as_pokir, src["tahun_rkpd"].to_numpy(), other_year)
    jit_lat = src["lat"].to_numpy() + rng.uniform(-0.0003, 0.0003, m)
    jit_lng = src["lng"].to_numpy() + rng.uniform(-0.0003, 0.0003, m)
    # keep the jitter only when it stays inside the same desa polygon
    inside = np.zeros(m, dtype=bool)
    kode = src["kode_desa"].to_numpy()
    for k in np.unique(kode):
        rows = np.nonzero(kode == k)[0]
        inside[rows] = points_in_rings(jit_lng[rows], jit_lat[rows], ref.desa_polygons[k])
    variant = rng.random(m) < 0.5
    dup = src.with_columns(
        tahun_rkpd=pl.Series(new_year, dtype=pl.Int32),
        sumber=pl.when(pl.Series(as_pokir)).then(pl.lit("pokir")).otherwise(pl.col("sumber")),
        tahap=pl.when(pl.Series(as_pokir)).then(pl.lit("kabupaten")).otherwise(pl.col("tahap")),
        lat=pl.when(pl.Series(inside)).then(pl.Series(np.round(jit_lat, 6))).otherwise(pl.col("lat")),
        lng=pl.when(pl.Series(inside)).then(pl.Series(np.round(jit_lng, 6))).otherwise(pl.col("lng")),
        usulan=pl.when(pl.Series(variant))
        .then(pl.col("usulan").str.replace(r"^Pembangunan", "Usulan pembangunan")
              .str.replace(" Dusun ", " di Dusun ", literal=True).str.to_uppercase())
        .otherwise(pl.col("usulan")),
    )
    return pl.concat([frame.with_columns(pl.col("tahun_rkpd").cast(pl.Int32)), dup])


def _funding_subs(anggaran: pl.DataFrame) -> pl.DataFrame:
    """(tahun_rkpd, kode_skpd_tujuan, jenis_i, kecamatan or null, kode_sub_kegiatan) candidates."""
    subs = (anggaran.filter(pl.col("kode_rekening").str.starts_with("5")
                            & pl.col("kode_sub_kegiatan").is_not_null())
            .select(pl.col("tahun").cast(pl.Int32).alias("tahun_rkpd"),
                    pl.col("kode_skpd").alias("kode_skpd_tujuan"), "kode_sub_kegiatan",
                    "nama_sub_kegiatan")
            .unique())
    names = pl.DataFrame([(i, name) for i, names in enumerate(FUNDED_BY) for name in names],
                         orient="row", schema={"jenis_i": pl.Int64, "dasar": pl.String})
    # "Pembangunan Jalan Kecamatan Kubu Tahap 2" -> base name and the kecamatan it is for
    split = subs.with_columns(
        dasar=pl.col("nama_sub_kegiatan").str.replace(r" Kecamatan .*$", ""),
        kecamatan=pl.col("nama_sub_kegiatan").str.extract(r" Kecamatan (.+?)(?: Tahap \d+)?$", 1))
    return (split.join(names, on="dasar", how="inner")
            .select("tahun_rkpd", "kode_skpd_tujuan", "jenis_i", "kecamatan", "kode_sub_kegiatan")
            .sort("tahun_rkpd", "kode_skpd_tujuan", "jenis_i", "kode_sub_kegiatan"))


def _fund(frame: pl.DataFrame, rng: np.random.Generator, anggaran: pl.DataFrame) -> pl.DataFrame:
    """Half of the masuk_rkpd proposals get a sub kegiatan of their kind, office and place.

    The sub kegiatan does the same kind of work (FUNDED_BY), belongs to the proposal's target
    office (so to its bidang urusan) and is either regency-wide or named for the proposal's
    kecamatan: never a bridge "funded" by a water-supply project.
    """
    cand = _funding_subs(anggaran)
    funded = pl.Series((frame["status"] == "masuk_rkpd").to_numpy() & (rng.random(frame.height) < 0.5))
    work = frame.with_columns(funded=funded, u=pl.Series(rng.random(frame.height)),
                              __i=pl.int_range(pl.len()))
    options = (work.filter("funded").select("__i", "tahun_rkpd", "kode_skpd_tujuan", "jenis_i",
                                            "nama_kecamatan")
               .join(cand, on=["tahun_rkpd", "kode_skpd_tujuan", "jenis_i"], how="inner")
               .filter(pl.col("kecamatan").is_null()
                       | (pl.col("kecamatan") == pl.col("nama_kecamatan")))
               .group_by("__i", maintain_order=True)
               .agg(pl.col("kode_sub_kegiatan").alias("subs")))
    out = work.join(options, on="__i", how="left", maintain_order="left")
    return out.with_columns(kode_sub_kegiatan=pl.when(pl.col("funded") & pl.col("subs").is_not_null())
                            .then(pl.col("subs").list.get(
                                (pl.col("u") * pl.col("subs").list.len()).floor().cast(pl.Int64),
                                null_on_oob=True))
                            .otherwise(pl.lit(None, pl.String))).drop("funded", "u", "subs", "__i")


def write_usulan(df: pl.DataFrame, out: Path, rng: np.random.Generator) -> dict[str, int]:
    """One SIPD-style export per plan year, with swapped and far-away points and bad rows."""
    folder = out / "usulan"
    written: dict[str, int] = {}
    cols = ["id_usulan", "tahun_rkpd", "usulan", "permasalahan", "sumber", "tahap", "kode_desa",
            "nama_desa", "nama_kecamatan", "alamat", "lat", "lng", "volume", "satuan",
            "perkiraan_biaya", "kode_skpd_tujuan", "bidang_urusan", "status", "alasan",
            "kode_sub_kegiatan"]
    years = sorted(df["tahun_rkpd"].unique().to_list())
    far_left = int(rng.integers(1, 4))
    for i, year in enumerate(years):
        ydf = df.filter(pl.col("tahun_rkpd") == year).select(cols)
        n = ydf.height
        swap = pl.Series(rng.random(n) < 0.004)
        far = np.zeros(n, dtype=bool)
        if far_left and n:
            far[rng.choice(n, 1)] = True
            far_left -= 1
        far_s = pl.Series(far)
        text = ydf.with_columns(
            lat=pl.when(far_s).then(pl.lit(-6.2)).when(swap).then(pl.col("lng")).otherwise(pl.col("lat")),
            lng=pl.when(far_s).then(pl.lit(106.8)).when(swap).then(pl.col("lat")).otherwise(pl.col("lng")),
        ).with_columns(pl.col("tahun_rkpd").cast(pl.String), pl.col("perkiraan_biaya").cast(pl.String),
                       pl.col("volume").cast(pl.String))
        k = min(n, max(3, round(n * 0.005)))
        kind = np.full(n, -1)
        kind[rng.choice(n, k, replace=False)] = np.arange(k) % 3
        bad = kind >= 0
        text = text.with_columns(
            status=pl.when(pl.Series(bad & (kind == 0))).then(pl.lit("diproses_bappeda")).otherwise(pl.col("status")),
            usulan=pl.when(pl.Series(bad & (kind == 1))).then(pl.lit("")).otherwise(pl.col("usulan")),
            tahun_rkpd=pl.when(pl.Series(bad & (kind == 2))).then(pl.lit("dua ribu")).otherwise(pl.col("tahun_rkpd")),
        )
        name = f"{FILE_PREFIX}usulan_{year}.csv"
        if 0 < i < len(years) - 1:
            text = text.drop("kode_desa").rename({
                "id_usulan": "id_unik", "usulan": "detail_gagasan", "permasalahan": "masalah",
                "sumber": "jenis_usul", "nama_desa": "detail_lurahteks",
                "nama_kecamatan": "detail_camatteks", "alamat": "alamat_teks",
                "lat": "detail_latpeta", "lng": "detail_langpeta", "volume": "detail_volume",
                "perkiraan_biaya": "detail_usulanggaran", "kode_skpd_tujuan": "kode_skpd",
                "status": "status_usul", "alasan": "tolak_teks"})
            written[name] = write_csv(text, folder / name)
        else:
            written[name] = write_csv(text, folder / name, separator=";" if i else ",")
    return written
