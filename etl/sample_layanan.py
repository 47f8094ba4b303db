"""Complaint (pengaduan) and permit (perizinan) sample frames and their export files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from etl.sample_common import (
    FILE_PREFIX,
    Reference,
    lookup,
    pick,
    tanggal_indonesia,
    write_csv,
)

PENGADUAN_PER_YEAR = 4_500
# Old complaints left open on purpose (visible outliers in the backlog, hundreds of working days).
OLD_OPEN_OUTLIERS = 5
KATEGORI_WEIGHT = {"Infrastruktur": 25, "Administrasi Kependudukan": 12, "Kesehatan": 9,
                   "Pendidikan": 8, "Sosial dan Bantuan Sosial": 8, "Dana Desa": 6,
                   "Lingkungan Hidup": 6, "Transportasi": 5, "Perizinan": 4, "Ketenagakerjaan": 3,
                   "Pungutan Liar": 2, "Permintaan Informasi": 5, "Lainnya": 7}
KATEGORI_SKPD = {"Infrastruktur": (("Dinas PUPR", 0.8), ("Disperkim", 0.2)),
                 "Administrasi Kependudukan": (("Disdukcapil", 1.0),),
                 "Kesehatan": (("Dinkes", 0.7), ("RSUD", 0.3)),
                 "Pendidikan": (("Disdikbud", 1.0),),
                 "Sosial dan Bantuan Sosial": (("Dinsos P3A", 1.0),),
                 "Dana Desa": (("DPMD", 0.7), ("Inspektorat", 0.3)),
                 "Lingkungan Hidup": (("DLH", 1.0),), "Transportasi": (("Dishub", 1.0),),
                 "Perizinan": (("DPMPTSP", 1.0),), "Ketenagakerjaan": (("Disnakertrans", 1.0),),
                 "Pungutan Liar": (("Inspektorat", 1.0),),
                 "Permintaan Informasi": (("Diskominfo", 1.0),),
                 "Lainnya": (("Setda", 0.5), ("Satpol PP", 0.5))}
KANAL_WEIGHT = {"web": 30, "aplikasi": 28, "whatsapp": 14, "media_sosial": 10, "sms": 8,
                "langsung": 6, "telepon": 4}
# Urban kecamatan next to Pontianak report more per head.
URBAN = {"Sungai Raya": 2.0, "Sungai Ambawang": 1.5, "Sungai Kakap": 1.2, "Rasau Jaya": 1.1}

JUDUL_ISI = {
    "Infrastruktur": (
        ("Jalan rusak di Desa {desa}", "Jalan utama di Desa {desa}, Kecamatan {kec} berlubang dan tergenang saat hujan. Mohon segera diperbaiki karena membahayakan pengendara."),
        ("Jembatan kayu lapuk", "Jembatan penghubung dusun di Desa {desa} sudah lapuk dan papannya banyak yang patah. Anak sekolah setiap hari melintas."),
        ("Parit tersumbat", "Parit di sepanjang jalan Desa {desa} tersumbat sampah dan lumpur sehingga rumah warga kebanjiran saat pasang."),
    ),
    "Administrasi Kependudukan": (
        ("KTP-el belum jadi", "Saya sudah merekam KTP-el di Kecamatan {kec} dua bulan lalu tetapi sampai sekarang belum dicetak. Mohon informasinya."),
        ("Akta kelahiran anak", "Pengurusan akta kelahiran anak di Disdukcapil lama sekali, berkas sudah lengkap sejak minggu lalu."),
    ),
    "Kesehatan": (
        ("Pelayanan puskesmas lambat", "Antrean di Puskesmas Kecamatan {kec} sangat panjang dan dokter datang terlambat."),
        ("Obat kosong di puskesmas", "Obat untuk penyakit kronis sering kosong di puskesmas dekat Desa {desa}."),
    ),
    "Pendidikan": (
        ("Ruang kelas rusak", "Atap ruang kelas SD di Desa {desa} bocor dan plafon hampir runtuh."),
        ("Pungutan di sekolah", "Ada pungutan untuk seragam dan buku di sekolah negeri di Kecamatan {kec}."),
    ),
    "Sosial dan Bantuan Sosial": (
        ("Bansos tidak tepat sasaran", "Warga yang mampu di Desa {desa} menerima bantuan sementara warga miskin tidak terdata."),
    ),
    "Dana Desa": (
        ("Penggunaan dana desa tidak transparan", "Papan informasi APBDes di Desa {desa} tidak dipasang dan warga tidak tahu penggunaan dana desa."),
    ),
    "Lingkungan Hidup": (
        ("Sampah menumpuk", "Sampah menumpuk di pinggir jalan Desa {desa} dan tidak diangkut berminggu-minggu."),
        ("Asap kebakaran lahan", "Asap dari kebakaran lahan di sekitar Kecamatan {kec} mengganggu pernapasan warga."),
    ),
    "Transportasi": (
        ("Lampu jalan mati", "Lampu penerangan jalan umum di Desa {desa} mati sudah sebulan, rawan kecelakaan."),
        ("Dermaga penyeberangan rusak", "Lantai dermaga penyeberangan di Kecamatan {kec} rusak dan licin."),
    ),
    "Perizinan": (
        ("PBG lama terbit", "Permohonan PBG untuk ruko di Kecamatan {kec} belum selesai padahal berkas lengkap."),
    ),
    "Ketenagakerjaan": (
        ("Upah di bawah UMK", "Perusahaan perkebunan di Kecamatan {kec} membayar upah di bawah UMK."),
    ),
    "Pungutan Liar": (
        ("Dugaan pungli", "Ada permintaan uang tambahan saat mengurus surat di kantor desa {desa}."),
    ),
    "Permintaan Informasi": (
        ("Informasi jadwal musrenbang", "Mohon informasi jadwal musrenbang Kecamatan {kec} tahun ini."),
        ("Informasi beasiswa", "Bagaimana cara mendaftar beasiswa daerah untuk mahasiswa dari Desa {desa}?"),
    ),
    "Lainnya": (
        ("Pedagang di bahu jalan", "Pedagang berjualan di bahu jalan di Desa {desa} sehingga jalan macet."),
    ),
}

# Perizinan: (jenis_layanan as in the standard, volume per year at scale 1, duration kind)
PERIZINAN_VOLUME = {"Persetujuan Bangunan Gedung (PBG)": 400, "Nomor Induk Berusaha (NIB)": 2500,
                    "Sertifikat Standar (terverifikasi)": 300, "Surat Izin Praktik (SIP) Bidan": 120,
                    "Surat Izin Praktik (SIP) Perawat": 150, "Surat Izin Praktik (SIP) Dokter": 60,
                    "Izin Reklame": 150, "KTP Elektronik": 6000, "Kartu Keluarga": 7000,
                    "Akta Kelahiran": 5000, "Akta Kematian": 1200, "Surat Keterangan Pindah": 2500}
UNKNOWN_LAYANAN = {"Izin Usaha Perikanan": 25, "Izin Penelitian": 40}
BADAN_USAHA_SHARE = {"Persetujuan Bangunan Gedung (PBG)": 0.3, "Nomor Induk Berusaha (NIB)": 0.25,
                     "Sertifikat Standar (terverifikasi)": 0.55, "Izin Reklame": 0.6,
                     "Izin Usaha Perikanan": 0.5, "Izin Penelitian": 0.1}
KBLI = (("47111", "rendah", 8), ("47211", "rendah", 10), ("56101", "rendah", 8),
        ("56102", "rendah", 6), ("10794", "rendah", 4), ("46311", "rendah", 3),
        ("47782", "rendah", 2), ("95230", "rendah", 2), ("45407", "rendah", 3),
        ("01131", "menengah_rendah", 5), ("03111", "menengah_rendah", 4),
        ("03221", "menengah_rendah", 3), ("49431", "menengah_rendah", 2),
        ("10611", "menengah_rendah", 2), ("01262", "menengah_tinggi", 3),
        ("16101", "menengah_tinggi", 1), ("41011", "menengah_tinggi", 1),
        ("68111", "menengah_tinggi", 1))
NAMA_USAHA = ("Sinar", "Kapuas", "Borneo", "Mandiri", "Jaya", "Abadi", "Khatulistiwa", "Raya",
              "Sejahtera", "Makmur", "Ambawang", "Bumi", "Karya", "Putra", "Sentosa", "Landak",
              "Lestari", "Cahaya", "Harapan", "Maju", "Ulin", "Tani", "Mulia", "Bersama")


def _year_span(year: int, as_of: dt.date) -> tuple[np.datetime64, int]:
    """First day and number of days of a year covered up to as_of."""
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), as_of)
    return np.datetime64(start, "D"), max(0, (end - start).days + 1)


def _weekday_dates(rng: np.random.Generator, start: np.datetime64, days: int, n: int,
                   hol: np.ndarray, weekend_keep: float) -> np.ndarray:
    """Dates within the span, mostly on working days."""
    d = start + rng.integers(0, days, n).astype("timedelta64[D]")
    off = ~np.is_busday(d, holidays=hol) & (rng.random(n) > weekend_keep)
    d[off] = np.busday_offset(d[off], 0, roll="forward", holidays=hol)
    return np.minimum(d, start + np.timedelta64(days - 1, "D"))


def _desa_pick(ref: Reference, rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Desa drawn by population (urban kecamatan weighted up)."""
    desa = ref.desa
    w = desa["penduduk"].to_numpy() * np.array([URBAN.get(k, 1.0) for k in desa["nama_kecamatan"]])
    idx = rng.choice(desa.height, n, p=w / w.sum())
    return desa[idx].select("kode_desa", "nama_desa", "nama_kecamatan")


def _bd(dates: np.ndarray, offset: np.ndarray, hol: np.ndarray) -> np.ndarray:
    return np.busday_offset(dates, offset, roll="forward", holidays=hol)


def pengaduan_frame(ref: Reference, rng: np.random.Generator, scale: float,
                    years: tuple[int, int], as_of: dt.date, hol: np.ndarray) -> pl.DataFrame:
    """Complaints with stage timestamps consistent with their status at as_of."""
    kat = ref.kategori_pengaduan
    kategori_all = kat["kategori"].to_list()
    target = dict(zip(kat["kategori"], kat["target_hari_kerja"].cast(pl.Int64), strict=True))
    frames = []
    for year in range(years[0], years[1] + 1):
        start, days = _year_span(year, as_of)
        if days == 0:
            continue
        n = max(5, round(PENGADUAN_PER_YEAR * scale * 1.1 ** (year - years[0]) * days / 365))
        tgl = _weekday_dates(rng, start, days, n, hol, weekend_keep=0.35)
        minute = np.clip(rng.normal(11 * 60, 200, n), 0, 24 * 60 - 1).astype(int)
        frames.append(pl.DataFrame({"tanggal": tgl, "menit": minute}))
    base = pl.concat(frames).sort("tanggal", "menit")
    n = base.height
    tgl = base["tanggal"].to_numpy().astype("datetime64[D]")
    masuk = tgl.astype("datetime64[m]") + base["menit"].to_numpy().astype("timedelta64[m]")
    kategori = pick(rng, kategori_all, n, [KATEGORI_WEIGHT.get(k, 3) for k in kategori_all])
    tgt = lookup(kategori, target).astype(np.int64)

    def stage(prev_dt: np.ndarray, wd: np.ndarray) -> np.ndarray:
        day = _bd(prev_dt.astype("datetime64[D]"), wd, hol)
        tod = (8 * 60 + rng.integers(0, 8 * 60, n)).astype("timedelta64[m]")
        later = prev_dt + rng.integers(15, 240, n).astype("timedelta64[m]")
        return np.maximum(day.astype("datetime64[m]") + tod, later)

    ver = stage(masuk, rng.choice([0, 1, 2, 3, 4, 6, 10], n, p=[.3, .3, .18, .1, .05, .04, .03]))
    outcome = pick(rng, ["lanjut", "bukan_wewenang", "diarsipkan", "ditolak"], n,
                   [0.9, 0.04, 0.03, 0.03])
    dis = stage(ver, rng.choice([0, 1, 2], n, p=[.6, .3, .1]))
    tl = stage(dis, rng.choice([1, 2, 3, 4, 5, 7, 10], n, p=[.2, .25, .2, .15, .1, .06, .04]))
    paused = rng.random(n) < 0.07
    pause = np.where(paused, rng.integers(2, 16, n), 0)
    total = np.maximum(1, np.round(tgt * rng.lognormal(np.log(0.55), 0.6, n))).astype(int)
    tl_day = tl.astype("datetime64[D]")
    pause_end = _bd(tl_day, pause, hol)
    masuk_day = masuk.astype("datetime64[D]")
    end_day = np.maximum(_bd(masuk_day, total + pause, hol), pause_end)
    selesai = np.maximum(end_day.astype("datetime64[m]")
                         + (8 * 60 + rng.integers(0, 8 * 60, n)).astype("timedelta64[m]"),
                         tl + np.timedelta64(30, "m"))
    # a backlog tail that has not closed by as_of: recent cases (received in the last ~4
    # months), half waiting on the citizen, half with the OPD, so pauses stay plausible
    masuk_d = masuk.astype("datetime64[D]")
    recent = masuk_d >= np.datetime64(as_of, "D") - np.timedelta64(120, "D")
    stuck_draw = rng.random(n) < 0.02
    stuck_wait = stuck_draw & recent & (rng.random(n) < 0.5)
    stuck = stuck_draw & recent
    # deliberate outliers: a handful of old cases still open with the OPD (never paused), so
    # the backlog shows what a case forgotten for a year or more looks like
    old = np.flatnonzero(stuck_draw & ~recent)
    stuck[rng.choice(old, min(old.size, OLD_OPEN_OUTLIERS), replace=False)] = True
    never = np.datetime64("2200-01-01T00:00")
    selesai = np.where(stuck, never, selesai)
    paused = paused | stuck_wait

    cut = np.datetime64(as_of + dt.timedelta(days=1), "m")
    as_of_d = np.datetime64(as_of, "D")
    status = np.full(n, "selesai", dtype=object)
    open_tl = selesai >= cut
    in_pause = paused & (tl < cut) & (stuck_wait | (pause_end > as_of_d))
    status[open_tl] = "ditindaklanjuti"
    status[open_tl & in_pause] = "ditunda"
    status[tl >= cut] = "didisposisi"
    status[dis >= cut] = "diverifikasi"
    proceed = outcome == "lanjut"
    status[~proceed] = outcome[~proceed]
    status[ver >= cut] = "diterima"

    nat = np.datetime64("NaT", "m")
    reached = {s: i for i, s in enumerate(["diterima", "diverifikasi", "didisposisi",
                                           "ditindaklanjuti", "ditunda", "selesai"])}
    level = lookup(status, reached, 1).astype(np.int64)
    ver_out = np.where(level >= 1, ver, nat)
    dis_out = np.where(proceed & (level >= 2), dis, nat)
    tl_out = np.where(proceed & (level >= 3), tl, nat)
    sel_out = np.where(status == "selesai", selesai, nat)
    elapsed_pause = np.busday_count(tl_day, np.full(n, as_of_d), holidays=hol)
    hari_ditunda = np.where(status == "ditunda",
                            np.where(stuck_wait, np.maximum(1, elapsed_pause),
                                     np.maximum(1, np.minimum(pause, elapsed_pause))),
                            np.where((status == "selesai") & paused, pause, 0))

    desa = _desa_pick(ref, rng, n)
    skpd = np.empty(n, dtype=object)
    for k in kategori_all:
        mask = kategori == k
        if mask.any():
            opts = KATEGORI_SKPD.get(k, (("Setda", 1.0),))
            codes = [ref.skpd_code(s) for s, _ in opts]
            skpd[mask] = pick(rng, codes, int(mask.sum()), [w for _, w in opts])
    skpd = np.where(proceed & (level >= 2), skpd, None)
    klas = pick(rng, ["pengaduan", "aspirasi", "permintaan_informasi"], n, [0.74, 0.18, 0.08])
    klas = np.where(kategori == "Permintaan Informasi", "permintaan_informasi", klas)

    template_idx = rng.random(n)
    tmpl_kat = pl.Series("kategori", kategori.astype(str))
    tmpl = pl.DataFrame([(k, i, j, s) for k, opts in JUDUL_ISI.items()
                         for i, (j, s) in enumerate(opts)], orient="row",
                        schema=["kategori", "i", "judul", "isi"])
    counts = tmpl.group_by("kategori").len()
    frame = pl.DataFrame({
        "tanggal_masuk": masuk.astype("datetime64[ms]"), "kategori": tmpl_kat, "status": status.astype(str),
        "kanal": pick(rng, list(KANAL_WEIGHT), n, list(KANAL_WEIGHT.values())).astype(str),
        "klasifikasi": klas.astype(str),
        "u": template_idx,
    }).with_columns(desa).join(counts, on="kategori", how="left").with_columns(
        i=(pl.col("u") * pl.col("len").fill_null(1)).floor().cast(pl.Int64))
    frame = frame.join(tmpl, on=["kategori", "i"], how="left", maintain_order="left").with_columns(
        judul=pl.col("judul").fill_null("Laporan warga"),
        isi=pl.col("isi").fill_null("Mohon ditindaklanjuti keluhan warga di Desa {desa}."))
    frame = frame.with_columns(
        judul=pl.col("judul").str.replace_all("{desa}", pl.col("nama_desa"), literal=True)
        .str.replace_all("{kec}", pl.col("nama_kecamatan"), literal=True),
        isi=pl.col("isi").str.replace_all("{desa}", pl.col("nama_desa"), literal=True)
        .str.replace_all("{kec}", pl.col("nama_kecamatan"), literal=True))
    # a few texts carry a fake NIK or phone number, for the redaction to find
    pii = rng.random(n)
    nik = pl.Series(rng.integers(0, 10**12, n)).cast(pl.String).str.zfill(12)
    hp1 = pl.Series(rng.integers(0, 10**4, n)).cast(pl.String).str.zfill(4)
    hp2 = pl.Series(rng.integers(0, 10**4, n)).cast(pl.String).str.zfill(4)
    frame = frame.with_columns(
        isi=pl.when(pl.Series(pii < 0.01)).then(pl.concat_str([pl.col("isi"), pl.lit(" NIK saya 6112"), nik]))
        .when(pl.Series(pii > 0.99)).then(pl.concat_str([pl.col("isi"), pl.lit(" Hubungi saya di 0812-"), hp1, pl.lit("-"), hp2]))
        .otherwise(pl.col("isi")))
    year = frame["tanggal_masuk"].dt.year()
    frame = frame.with_columns(
        tahun=year,
        tanggal_verifikasi=pl.Series(ver_out.astype("datetime64[ms]")), tanggal_disposisi=pl.Series(dis_out.astype("datetime64[ms]")),
        tanggal_tindak_lanjut=pl.Series(tl_out.astype("datetime64[ms]")), tanggal_selesai=pl.Series(sel_out.astype("datetime64[ms]")),
        hari_ditunda=pl.Series(hari_ditunda.astype(np.int64)),
        kode_skpd=pl.Series(skpd.tolist(), dtype=pl.String),
        anonim=pl.Series(rng.random(n) < 0.6), rahasia=pl.Series(rng.random(n) < 0.05),
    ).with_columns(
        nomor_tiket=pl.format("LPR-{}-{}", pl.col("tahun"),
                              (pl.int_range(pl.len()).over("tahun") + 1).cast(pl.String).str.zfill(6)))
    return frame.select("nomor_tiket", "tanggal_masuk", "kategori", "status", "kanal",
                        "klasifikasi", "judul", "isi", "kode_desa", "nama_desa", "nama_kecamatan",
                        "kode_skpd", "tanggal_verifikasi", "tanggal_disposisi",
                        "tanggal_tindak_lanjut", "tanggal_selesai", "hari_ditunda", "anonim",
                        "rahasia", "tahun")


def _corrupt(df: pl.DataFrame, rng: np.random.Generator, share: float,
             edits: list[tuple[str, str]]) -> pl.DataFrame:
    """Make a small share of rows invalid, cycling through (column, bad value) edits."""
    n = df.height
    k = min(n, max(len(edits), round(n * share)))
    kind = np.full(n, -1)
    kind[rng.choice(n, k, replace=False)] = np.arange(k) % len(edits)
    out = df
    for i, (col, value) in enumerate(edits):
        mask = pl.Series(kind == i)
        out = out.with_columns(pl.when(mask).then(pl.lit(value)).otherwise(pl.col(col)).alias(col))
    return out


def write_pengaduan(df: pl.DataFrame, out: Path, rng: np.random.Generator) -> dict[str, int]:
    """One LAPOR!-style export per year, each shaped differently."""
    folder = out / "pengaduan"
    written: dict[str, int] = {}
    years = sorted(df["tahun"].unique().to_list())
    stage_cols = ["tanggal_verifikasi", "tanggal_disposisi", "tanggal_tindak_lanjut",
                  "tanggal_selesai"]
    for i, year in enumerate(years):
        ydf = df.filter(pl.col("tahun") == year).drop("tahun")
        # a stage recorded before the report itself (a data-entry slip the importer must catch)
        has_ver = np.nonzero(ydf["tanggal_verifikasi"].is_not_null().to_numpy())[0]
        slip_rows = rng.choice(has_ver, min(has_ver.size, max(1, round(0.002 * ydf.height))),
                               replace=False)
        slip = pl.Series(np.isin(np.arange(ydf.height), slip_rows))
        ydf = ydf.with_columns(tanggal_verifikasi=pl.when(slip)
                               .then(pl.col("tanggal_masuk") - pl.duration(days=3))
                               .otherwise(pl.col("tanggal_verifikasi")))
        style = "first" if i == 0 else ("last" if i == len(years) - 1 else "middle")
        if style == "middle":
            fmt = "%d/%m/%Y %H:%M"
        elif style == "last":
            fmt = "%Y-%m-%dT%H:%M:%S"
        else:
            fmt = "%Y-%m-%d %H:%M:%S"
        text = ydf.with_columns([pl.col(c).dt.strftime(fmt) for c in ["tanggal_masuk", *stage_cols]]
                                + [pl.col("hari_ditunda").cast(pl.String)])
        bools = {"first": ("ya", "tidak"), "middle": ("1", "0"), "last": ("true", "false")}[style]
        text = text.with_columns([pl.when(pl.col(c)).then(pl.lit(bools[0])).otherwise(pl.lit(bools[1]))
                                  .alias(c) for c in ("anonim", "rahasia")])
        text = _corrupt(text, rng, 0.005, [("tanggal_masuk", "31/02/2025"), ("status", "proses"),
                                           ("kategori", ""), ("tanggal_masuk", "kemarin")])
        name = f"{FILE_PREFIX}pengaduan_{year}.csv"
        if style == "middle":
            n = text.height
            pelapor = pl.format("Warga Contoh {}", pl.Series(rng.integers(1, 999, n)))
            hp = pl.concat_str([pl.lit("0812-0000-"),
                                pl.Series(rng.integers(0, 10**4, n)).cast(pl.String).str.zfill(4)])
            text = text.with_columns(nama_pelapor=pelapor, no_hp=hp).drop("kode_desa").rename({
                "nomor_tiket": "id_laporan", "tanggal_masuk": "tanggal_laporan", "kategori": "topik",
                "status": "status_laporan", "kanal": "sumber", "klasifikasi": "jenis_laporan",
                "isi": "isi_laporan", "nama_desa": "desa", "nama_kecamatan": "kecamatan",
                "kode_skpd": "instansi_tujuan"})
            written[name] = write_csv(text, folder / name)
        elif style == "last":
            written[name] = write_csv(text, folder / name, separator=";", bom=True)
        else:
            written[name] = write_csv(text, folder / name)
    return written


def perizinan_frame(ref: Reference, rng: np.random.Generator, scale: float,
                    years: tuple[int, int], as_of: dt.date, hol: np.ndarray) -> pl.DataFrame:
    """Permit and civil-registry applications with dates and status at as_of."""
    std = ref.standar_layanan
    kantor = dict(zip(std["jenis_layanan"], std["kantor"], strict=True))
    aliases = dict(zip(std["jenis_layanan"], std["aliases"].fill_null(""), strict=True))
    volume = {j: PERIZINAN_VOLUME.get(j, 100) for j in std["jenis_layanan"]} | UNKNOWN_LAYANAN
    layanan = list(volume)
    frames = []
    for year in range(years[0], years[1] + 1):
        start, days = _year_span(year, as_of)
        if days == 0:
            continue
        for j in layanan:
            n = max(1, round(volume[j] * scale * days / 365))
            d = _weekday_dates(rng, start, days, n, hol, weekend_keep=0.02)
            frames.append(pl.DataFrame({"tanggal_permohonan": d,
                                        "layanan": pl.Series([j] * n, dtype=pl.String)}))
    df = pl.concat(frames).sort("tanggal_permohonan", "layanan")
    n = df.height
    jl = df["layanan"].to_numpy().astype(str)
    office = lookup(jl, kantor, "DPMPTSP").astype(str)
    dukcapil = office == "Disdukcapil"
    is_pbg = np.char.find(jl, "PBG") >= 0
    is_nib = np.char.find(jl, "NIB") >= 0
    is_ss = np.char.startswith(jl, "Sertifikat Standar")
    is_sip = np.char.startswith(jl, "Surat Izin Praktik")
    is_rek = jl == "Izin Reklame"
    mohon = df["tanggal_permohonan"].to_numpy().astype("datetime64[D]")

    lead = rng.choice(11, n, p=np.array([30, 20, 15, 10, 7, 5, 4, 3, 2, 2, 2]) / 100)
    lead = np.where(dukcapil | is_rek, 0, np.where(is_nib, np.minimum(lead, rng.integers(0, 2, n) * 10), lead))
    lengkap = _bd(mohon, lead, hol)
    dur = np.round(rng.lognormal(np.log(10), 0.5, n)).astype(int)
    # same-day service is common but not the rule: offices' medians are a working day or so
    dur = np.where(dukcapil, rng.choice([0, 1, 2, 3, 5, 8], n, p=[.3, .4, .17, .07, .04, .02]), dur)
    dur = np.where(is_nib, rng.choice([0, 1, 3], n, p=[.4, .45, .15]), dur)
    pbg = np.round(rng.lognormal(np.log(19), 0.45, n)).astype(int)
    pbg = np.where(rng.random(n) < 0.05, rng.integers(45, 130, n), pbg)
    dur = np.where(is_pbg, pbg, dur)
    dur = np.where(is_ss, np.round(rng.lognormal(np.log(7), 0.5, n)).astype(int), dur)
    dur = np.where(is_sip, np.round(rng.lognormal(np.log(4), 0.4, n)).astype(int), dur)
    dur = np.where(is_rek, rng.choice([0, 1, 3], n, p=[.3, .45, .25]), dur)
    selesai = _bd(lengkap, dur, hol)

    u = rng.random(n)
    ditolak_p = np.where(is_pbg, 0.06, 0.03)
    kembali_p = np.where(is_pbg | is_ss | is_sip, 0.05, 0.015)
    status = np.where(u < ditolak_p, "ditolak",
                      np.where(u < ditolak_p + kembali_p, "dikembalikan", "selesai")).astype(object)
    cabut = (is_pbg | is_nib) & (rng.random(n) < 0.003)
    status[cabut & (status == "selesai")] = "dicabut"
    as_of_d = np.datetime64(as_of, "D")
    lengkap_out = np.where(status == "dikembalikan", np.datetime64("NaT", "D"), lengkap)
    open_ = selesai > as_of_d
    status[open_ & (status != "dikembalikan")] = "diproses"
    lengkap_out = np.where(lengkap_out > as_of_d, np.datetime64("NaT", "D"), lengkap_out)
    selesai_out = np.where(open_ | (status == "dikembalikan"), np.datetime64("NaT", "D"), selesai)

    share = lookup(jl, BADAN_USAHA_SHARE, 0.0).astype(np.float64)
    badan = rng.random(n) < share
    nama = pl.concat_str([pl.Series(pick(rng, ["CV", "PT", "CV", "PT", "Koperasi"], n), dtype=pl.String),
                          pl.Series(pick(rng, NAMA_USAHA, n), dtype=pl.String),
                          pl.Series(pick(rng, NAMA_USAHA, n), dtype=pl.String)], separator=" ")
    usaha = is_nib | is_ss
    k_idx = rng.choice(len(KBLI), n, p=np.array([k[2] for k in KBLI]) / sum(k[2] for k in KBLI))
    ss_pool = np.array([i for i, k in enumerate(KBLI) if k[1] != "rendah"])
    k_idx = np.where(is_ss, ss_pool[rng.integers(0, len(ss_pool), n)], k_idx)
    kbli = np.where(usaha, np.array([k[0] for k in KBLI])[k_idx], None)
    risiko = np.where(usaha, np.array([k[1] for k in KBLI])[k_idx], None)
    skala = np.where(badan, pick(rng, ["mikro", "kecil", "menengah", "besar"], n, [.45, .35, .15, .05]),
                     pick(rng, ["mikro", "kecil", "menengah", "besar"], n, [.9, .08, .02, 0.0]))
    skala = np.where(usaha, skala, None)

    # a third of the rows name the service by an alias, as real exports do
    jenis = pl.Series(jl, dtype=pl.String)
    alias_df = pl.DataFrame({"layanan": list(aliases), "alias_list": [a.split("|") if a else []
                                                                      for a in aliases.values()]})
    frame = pl.DataFrame({"layanan": jenis, "u": rng.random(n), "use_alias": rng.random(n) < 0.3})
    frame = frame.join(alias_df, on="layanan", how="left", maintain_order="left").with_columns(
        jenis_layanan=pl.when(pl.col("use_alias") & (pl.col("alias_list").list.len() > 0))
        .then(pl.col("alias_list").list.get(
            (pl.col("u") * pl.col("alias_list").list.len()).floor().cast(pl.Int64), null_on_oob=True))
        .otherwise(pl.col("layanan")))
    desa = _desa_pick(ref, rng, n)
    skpd_code = {"Disdukcapil": ref.skpd_code("Disdukcapil"), "DPMPTSP": ref.skpd_code("DPMPTSP")}
    out = pl.DataFrame({
        "jenis_layanan": frame["jenis_layanan"],
        "layanan_baku": jenis,
        "tanggal_permohonan": mohon, "tanggal_berkas_lengkap": lengkap_out,
        "tanggal_selesai": selesai_out, "status": status.astype(str),
    }).with_columns(desa).with_columns(
        bentuk_pemohon=pl.Series(np.where(badan, "badan_usaha", "perorangan")),
        nama_pemohon=pl.when(pl.Series(badan)).then(nama).otherwise(pl.lit(None, pl.String)),
        kbli=pl.Series(kbli.tolist(), dtype=pl.String),
        skala_usaha=pl.Series(skala.tolist(), dtype=pl.String),
        tingkat_risiko=pl.Series(risiko.tolist(), dtype=pl.String),
        kode_skpd=pl.Series(lookup(office, skpd_code, skpd_code["DPMPTSP"]).astype(str),
                            dtype=pl.String),
        prefix=pl.Series(np.where(dukcapil, "DUK", "DPM")),
    ).with_columns(tahun=pl.col("tanggal_permohonan").dt.year())
    out = out.with_columns(nomor_permohonan=pl.format(
        "{}-{}-{}", pl.col("prefix"), pl.col("tahun"),
        (pl.int_range(pl.len()).over("prefix", "tahun") + 1).cast(pl.String).str.zfill(6)))
    return out.drop("prefix")


def write_perizinan(df: pl.DataFrame, out: Path, rng: np.random.Generator) -> dict[str, int]:
    """One export per year: dd/mm/yyyy, Indonesian month names with alias headers, ISO."""
    folder = out / "perizinan"
    written: dict[str, int] = {}
    years = sorted(df["tahun"].unique().to_list())
    date_cols = ["tanggal_permohonan", "tanggal_berkas_lengkap", "tanggal_selesai"]
    cols = ["nomor_permohonan", "jenis_layanan", "tanggal_permohonan", "tanggal_berkas_lengkap",
            "tanggal_selesai", "status", "kode_desa", "nama_desa", "nama_kecamatan",
            "bentuk_pemohon", "nama_pemohon", "kbli", "skala_usaha", "tingkat_risiko", "kode_skpd"]
    for i, year in enumerate(years):
        ydf = df.filter(pl.col("tahun") == year).select(cols)
        style = "first" if i == 0 else ("last" if i == len(years) - 1 else "middle")
        if style == "first":
            text = ydf.with_columns([pl.col(c).dt.strftime("%d/%m/%Y") for c in date_cols])
        elif style == "middle":
            text = ydf.with_columns([tanggal_indonesia(pl.col(c)).alias(c) for c in date_cols])
            text = text.with_columns(status=pl.when((pl.col("status") == "selesai")
                                                    & pl.col("nomor_permohonan").str.starts_with("DPM"))
                                     .then(pl.lit("terbit")).otherwise(pl.col("status")))
        else:
            text = ydf.with_columns([pl.col(c).dt.strftime("%Y-%m-%d") for c in date_cols])
        text = _corrupt(text, rng, 0.005, [("tanggal_permohonan", "2025-13-45"),
                                           ("status", "pending"), ("jenis_layanan", "")])
        if style == "middle":
            text = text.rename({"nomor_permohonan": "no_registrasi", "jenis_layanan": "jenis_izin",
                                "tanggal_permohonan": "tanggal_daftar",
                                "tanggal_selesai": "tanggal_terbit"})
        name = f"{FILE_PREFIX}perizinan_{year}.csv"
        written[name] = write_csv(text, folder / name)
    return written
