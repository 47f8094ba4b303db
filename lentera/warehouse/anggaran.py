"""Budget (APBD) measures for the Anggaran page: headline, absorption, laggards, drill-down, search.

Every function takes plain parameters and returns a Polars frame (queries in
`lentera/warehouse/sql/anggaran_*.sql` over the semantic layer's budget measures: tahap_efektif,
pagu_baris, pagu_efektif, pagu_tahun_lalu, realisasi_kumulatif, serapan; values always as
`$parameters`).
Account codes are the ETL's normalised fixed-width codes (`5.1.01.01.01.0001`), so the levels
are prefixes: akun 1, kelompok 3, jenis 6, objek 9, rincian 12 characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl

from lentera.core import config
from lentera.core.i18n import t
from lentera.warehouse import db

TAHAP = ("murni", "perubahan")
DIMENSI = ("akun", "org")
# (width of the code prefix, level name) of the account levels below the root; 0 = whole code.
AKUN_LEVELS = ((1, "akun"), (3, "kelompok"), (6, "jenis"), (9, "objek"), (12, "rincian"),
               (0, "sub_rincian"))
ORG_LEVELS = ("skpd", "program", "kegiatan", "sub_kegiatan", "rekening")
# Laggards are listed only for SKPD with at least this much belanja pagu (tiny offices swing wildly).
MIN_PAGU_TERTINGGAL = 100_000_000
MAX_KATA_CARI = 5
ORG_SEP = ":"

_AKUN_PATH = re.compile(r"^\d(\.\d{1,5}){0,6}$")
_SKPD_CODE = re.compile(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+){0,9}$")
_SUB_CODE = re.compile(r"^(-|\d(\.\d{1,5}){0,6})$")


class AnggaranPathError(ValueError):
    """A drill path that is not a well-formed code path for its dimension."""


# ---------------------------------------------------------------- years, headline, absorption


def tahun_anggaran() -> pl.DataFrame:
    """Years with a budget: tahun, ada_murni, ada_perubahan, tahap_efektif, bulan_terakhir."""
    return db.named("anggaran_tahun")


def ringkasan(tahun: int, tahap: str, bulan: int) -> pl.DataFrame:
    """Headline rows (pendapatan, belanja, penerimaan/pengeluaran pembiayaan): pagu, realisasi to
    `bulan`, persen, and the same month of the previous year at the same stage (pagu_lalu,
    realisasi_lalu, persen_lalu; tahap and tahap_lalu name both sides). `tahap` is murni,
    perubahan or efektif (the stage in force each year)."""
    return db.named("anggaran_ringkasan", {"tahun": int(tahun), "tahap": tahap, "bulan": int(bulan)})


def saldo(ringkasan_frame: pl.DataFrame) -> dict[str, dict[str, float | None]]:
    """Surplus/defisit (pendapatan − belanja) and pembiayaan netto, for pagu and realisasi."""
    pos = {r["pos"]: r for r in ringkasan_frame.iter_rows(named=True)}

    def amount(name: str, col: str) -> float:
        row = pos.get(name)
        return float(row[col]) if row and row[col] is not None else 0.0

    out: dict[str, dict[str, float | None]] = {}
    for col in ("pagu", "realisasi"):
        out[col] = {
            "surplus_defisit": amount("pendapatan", col) - amount("belanja", col),
            "pembiayaan_netto": amount("penerimaan_pembiayaan", col)
            - amount("pengeluaran_pembiayaan", col),
        }
    return out


def per_kapita(amount: float | None, penduduk: int | None = None) -> float | None:
    """Rupiah per resident, with the region file's population unless one is given."""
    penduduk = penduduk if penduduk is not None else config.region().population_total
    if amount is None or not penduduk:
        return None
    return float(amount) / penduduk


def serapan_bulanan() -> pl.DataFrame:
    """Belanja absorption by month for every year: tahun, bulan, realisasi, realisasi_kumulatif,
    pagu, serapan (cumulative ÷ the year's effective pagu)."""
    return db.named("anggaran_serapan")


def garis_merata(bulan_terakhir: int = 12) -> pl.DataFrame:
    """The even-spending line: bulan and serapan = bulan / 12."""
    return pl.DataFrame({"bulan": list(range(1, bulan_terakhir + 1))}).with_columns(
        serapan=pl.col("bulan") / 12.0
    )


def tertinggal(tahun: int, bulan: int, min_pagu: int = MIN_PAGU_TERTINGGAL) -> pl.DataFrame:
    """SKPD behind the absorption their earlier years predict at month `bulan`, most rupiah first."""
    return db.named("anggaran_tertinggal",
                    {"tahun": int(tahun), "bulan": int(bulan), "min_pagu": int(min_pagu)})


# ---------------------------------------------------------------- drill-down


def valid_path(dim: str, path: str | None) -> str:
    """`path` if it is a well-formed path for `dim`, else '' (the root): URL text is untrusted."""
    try:
        return _parse(dim, path or "")[0]
    except AnggaranPathError:
        return ""


def _parse(dim: str, path: str) -> tuple[str, str, str]:
    """(normalised path, skpd, sub kegiatan prefix) — for akun the prefix is the account code."""
    path = path.strip()
    if dim not in DIMENSI:
        raise AnggaranPathError(f"dimensi {dim!r}")
    if not path:
        return "", "", ""
    if dim == "akun":
        if not _AKUN_PATH.match(path):
            raise AnggaranPathError(path)
        return path, "", path
    skpd, _, sub = path.partition(ORG_SEP)
    if not _SKPD_CODE.match(skpd) or (sub and not _SUB_CODE.match(sub)):
        raise AnggaranPathError(path)
    return path, skpd, sub


def _akun_child_width(prefix: str) -> int | None:
    """Width of the children of an account prefix; None below a whole code (a leaf)."""
    if not prefix:
        return 1
    widths = [w for w, _ in AKUN_LEVELS]
    if len(prefix) in widths[:-2]:
        return widths[widths.index(len(prefix)) + 1]
    if len(prefix) == widths[-2]:
        return 0
    return None


def _org_child_level(skpd: str, sub: str) -> int | None:
    if not skpd:
        return 0
    if not sub:
        return 1
    if len(sub) == 7:
        return 2
    if len(sub) == 12:
        return 3
    return 4


def tingkat_anak(dim: str, path: str) -> str | None:
    """The level name of the children of `path` (e.g. 'kelompok', 'program'); None for a leaf."""
    path, skpd, sub = _parse(dim, path)
    if dim == "akun":
        width = _akun_child_width(sub)
        return None if width is None else dict(AKUN_LEVELS)[width]
    return ORG_LEVELS[_org_child_level(skpd, sub)]


def rincian(tahun: int, tahap: str, dim: str, path: str = "") -> pl.DataFrame:
    """Children of a drill node: kode, nama, pagu, realisasi, persen, porsi (of the node's pagu),
    tingkat (their level) and path (to drill into each; null for leaves)."""
    path, skpd, sub = _parse(dim, path)
    if dim == "akun":
        width = _akun_child_width(sub)
        # a whole code is a leaf: show the line itself
        panjang = 0 if width is None else width
        frame = db.named("anggaran_rincian_akun",
                         {"tahun": int(tahun), "tahap": tahap, "awalan": sub, "panjang": panjang})
        level = dict(AKUN_LEVELS)[panjang]
        child_path = (pl.lit(None, dtype=pl.String) if panjang == 0 else pl.col("kode"))
        return frame.with_columns(tingkat=pl.lit(level), path=child_path)
    level_no = _org_child_level(skpd, sub)
    frame = db.named("anggaran_rincian_org", {"tahun": int(tahun), "tahap": tahap, "skpd": skpd,
                                              "awalan": sub, "tingkat": level_no})
    if level_no == 0:
        child_path = pl.col("kode")
    elif level_no == 4:
        child_path = pl.lit(None, dtype=pl.String)
    else:
        child_path = pl.lit(skpd + ORG_SEP) + pl.col("kode")
    return frame.drop("singkatan").with_columns(tingkat=pl.lit(ORG_LEVELS[level_no]),
                                                path=child_path)


_NAMA_AKUN = """
SELECT c.kode, coalesce(k.nama_rekening,
                        (SELECT min(a.nama_rekening) FROM anggaran a
                          WHERE a.tahun = $tahun AND a.kode_rekening = c.kode)) AS nama
FROM (SELECT unnest($kode::VARCHAR[]) AS kode) c
LEFT JOIN kode_rekening k ON k.kode_rekening = c.kode
"""

_NAMA_ORG = """
SELECT
  (SELECT coalesce(min(s.singkatan), min(s.nama_skpd)) FROM skpd s WHERE s.kode_skpd = $skpd) AS singkatan,
  (SELECT min(a.nama_skpd) FROM anggaran a WHERE a.tahun = $tahun AND a.kode_skpd = $skpd) AS nama_skpd,
  (SELECT min(a.nama_sub_kegiatan) FROM anggaran a
    WHERE a.tahun = $tahun AND a.kode_skpd = $skpd AND a.kode_sub_kegiatan = $sub) AS nama_sub
"""


def jejak(tahun: int, dim: str, path: str) -> pl.DataFrame:
    """The breadcrumb from the root to `path`: path, kode, tingkat, nama (null where unknown)."""
    path, skpd, sub = _parse(dim, path)
    schema = {"path": pl.String, "kode": pl.String, "tingkat": pl.String, "nama": pl.String}
    if not path:
        return pl.DataFrame(schema=schema)
    if dim == "akun":
        widths = [w for w, _ in AKUN_LEVELS[:-1] if w < len(sub)]
        kode = [sub[:w] for w in widths] + [sub]
        names = dict(db.query(_NAMA_AKUN, {"tahun": int(tahun), "kode": kode}).iter_rows())
        levels = [dict(AKUN_LEVELS)[w] for w in widths]
        levels.append(dict(AKUN_LEVELS).get(len(sub), "sub_rincian"))
        return pl.DataFrame({"path": kode, "kode": kode, "tingkat": levels,
                             "nama": [names.get(k) for k in kode]}, schema=schema)
    row = db.query(_NAMA_ORG, {"tahun": int(tahun), "skpd": skpd, "sub": sub}).row(0, named=True)
    rows = [(skpd, skpd, "skpd", row["singkatan"] or row["nama_skpd"])]
    if sub:
        for width, level in ((7, "program"), (12, "kegiatan")):
            if len(sub) > width:
                rows.append((f"{skpd}{ORG_SEP}{sub[:width]}", sub[:width], level, None))
        level = {7: "program", 12: "kegiatan"}.get(len(sub), "sub_kegiatan")
        rows.append((path, sub, level, row["nama_sub"] if level == "sub_kegiatan" else None))
    return pl.DataFrame(rows, schema=schema, orient="row")


def label_node(tingkat: str, kode: str, nama: str | None) -> str:
    """A readable label: the name when known, else "Program 1.03.02"; '-' is "no sub kegiatan"."""
    if kode == "-":
        return t("anggaran.tanpa_sub_kegiatan")
    if nama:
        return nama
    return f"{t('anggaran.tingkat_' + tingkat)} {kode}"


# ---------------------------------------------------------------- by kind, urusan, pendapatan


def belanja_per_jenis(tahun: int, tahap: str) -> pl.DataFrame:
    """Belanja by plain-language kind (pegawai, barang_jasa, modal, hibah, bansos, transfer, …)."""
    return db.named("anggaran_jenis_belanja", {"tahun": int(tahun), "tahap": tahap})


def belanja_per_urusan(tahun: int, tahap: str) -> pl.DataFrame:
    """Belanja by bidang urusan (kode_bidang, nama_bidang, pagu, realisasi, persen, porsi)."""
    return db.named("anggaran_urusan", {"tahun": int(tahun), "tahap": tahap})


def pendapatan(tahun: int, tahap: str) -> pl.DataFrame:
    """Pendapatan rows by `bagian`: kelompok (PAD/transfer/lain), pajak, retribusi, transfer."""
    return db.named("anggaran_pendapatan", {"tahun": int(tahun), "tahap": tahap})


def ketergantungan(pendapatan_frame: pl.DataFrame, kolom: str = "pagu") -> float | None:
    """Transfers' share of pendapatan (dependence on the centre), on pagu or realisasi."""
    kel = pendapatan_frame.filter(pl.col("bagian") == "kelompok")
    total = float(kel[kolom].cast(pl.Float64).sum() or 0)
    transfer = float(kel.filter(pl.col("kode") == "4.2")[kolom].cast(pl.Float64).sum() or 0)
    return transfer / total if total else None


def perubahan(tahun: int) -> pl.DataFrame:
    """Murni against perubahan pagu of belanja, by SKPD and by jenis (dimensi column)."""
    return db.named("anggaran_perubahan", {"tahun": int(tahun)})


# ---------------------------------------------------------------- search


def kata_cari(q: str | None) -> list[str]:
    """The lower-cased search words (at most MAX_KATA_CARI, longer text ignored)."""
    return [w for w in (q or "").lower()[:200].split() if w][:MAX_KATA_CARI]


def cari(tahun: int, tahap: str, q: str, batas: int = 50) -> pl.DataFrame:
    """SKPD, sub kegiatan and rekening whose code or name holds every word of `q`: jenis, kode,
    nama, kode_skpd, pagu, realisasi, persen, and the drill link (dim, path)."""
    words = kata_cari(q)
    params: dict = {"tahun": int(tahun), "tahap": tahap, "batas": int(batas)}
    params.update({f"w{i + 1}": (words[i] if i < len(words) else "") for i in range(MAX_KATA_CARI)})
    return db.named("anggaran_cari", params)


# ---------------------------------------------------------------- bench and methods


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The page's queries with typical parameters (the latest year and its stage and month)."""
    def latest() -> tuple[int, str, int]:
        years = tahun_anggaran()
        row = years.row(-1, named=True)
        return row["tahun"], row["tahap_efektif"], row["bulan_terakhir"] or 12

    tahun, tahap, bulan = latest()
    return [
        ("tahun_anggaran", tahun_anggaran),
        ("ringkasan", lambda: ringkasan(tahun, tahap, bulan)),
        ("serapan_bulanan", serapan_bulanan),
        ("tertinggal", lambda: tertinggal(tahun, bulan)),
        ("rincian_akun_root", lambda: rincian(tahun, tahap, "akun", "")),
        ("rincian_akun_jenis", lambda: rincian(tahun, tahap, "akun", "5.1.02")),
        ("rincian_org_root", lambda: rincian(tahun, tahap, "org", "")),
        ("belanja_per_jenis", lambda: belanja_per_jenis(tahun, tahap)),
        ("belanja_per_urusan", lambda: belanja_per_urusan(tahun, tahap)),
        ("pendapatan", lambda: pendapatan(tahun, tahap)),
        ("perubahan", lambda: perubahan(tahun)),
        ("cari", lambda: cari(tahun, tahap, "belanja jalan")),
    ]


# Absorption, pagu, the stage in force and the perubahan are documented beside their definitions
# in semantic.sql; these are the page's other methods.
METHODS: list[tuple[str, str]] = [
    ("anggaran.metode_ringkasan_judul", "anggaran.metode_ringkasan"),
    ("anggaran.metode_tertinggal_judul", "anggaran.metode_tertinggal"),
    ("anggaran.metode_rincian_judul", "anggaran.metode_rincian"),
    ("anggaran.metode_pendapatan_judul", "anggaran.metode_pendapatan"),
]
