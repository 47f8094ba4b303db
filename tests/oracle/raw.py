"""The raw source files read by the written rules of docs/INPUT_FORMATS.md, with csv/Polars only.

Nothing here imports etl or lentera: headers are folded and matched to the documented aliases,
amounts, dates, coordinates and statuses are parsed by the documented rules, and a row that breaks
one is set aside with its reason, as the ETL must do. `read(raw_dir, source)` gives the accepted
rows (strings parsed into Python values) and the rejected ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"


def fold(text: str) -> str:
    """Header/value folding: lower case, runs of spaces and punctuation become one `_`."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


# --- columns and aliases (the tables of INPUT_FORMATS.md) --------------------------------------

@dataclass(frozen=True)
class Source:
    """One source: canonical column → accepted aliases, and the required columns."""

    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    key: str | None = None
    vocab: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


_PENGADUAN_STATUS = {
    "diterima": ("baru", "masuk", "terima", "belum_diverifikasi"),
    "diverifikasi": ("verifikasi", "terverifikasi"),
    "didisposisi": ("disposisi", "didisposisikan", "terdisposisi"),
    "ditindaklanjuti": ("tindak_lanjut", "ditindak_lanjuti", "proses", "diproses", "dalam_proses"),
    "selesai": ("tuntas", "ditutup", "tutup"),
    "ditunda": ("tunda",),
    "bukan_wewenang": ("bukan_kewenangan", "tidak_berwenang"),
    "diarsipkan": ("arsip", "arsipkan", "diarsip"),
    "ditolak": ("tolak",),
}
_PERIZINAN_STATUS = {
    "diproses": ("proses", "dalam_proses", "sedang_diproses", "verifikasi", "menunggu", "baru"),
    "selesai": ("terbit", "sudah_terbit", "diterbitkan", "izin_terbit", "tuntas"),
    "ditolak": ("tolak",),
    "dikembalikan": ("kembali", "kembalikan"),
    "dicabut": ("cabut",),
}
_USULAN_STATUS = {
    "diusulkan": ("usulan", "baru", "diajukan", "usul"),
    "diverifikasi_kecamatan": ("verifikasi_kecamatan", "diverifikasi", "lolos_kecamatan"),
    "diterima_opd": ("diterima", "diterima_skpd", "diterima_perangkat_daerah"),
    "masuk_rkpd": ("rkpd", "diakomodir", "diakomodasi"),
    "ditolak": ("tolak", "tidak_diakomodir"),
    "dikembalikan": ("kembali", "kembalikan"),
}

SOURCES: dict[str, Source] = {
    "anggaran": Source(
        columns={
            "tahun": ("tahun_anggaran",), "tahap": ("jenis_apbd",),
            "kode_skpd": ("kode_opd", "kode_unit"), "nama_skpd": ("nama_opd", "nama_unit", "skpd"),
            "kode_sub_kegiatan": ("kode_sub_giat", "kode_subkegiatan"),
            "nama_sub_kegiatan": ("nama_sub_giat",),
            "kode_rekening": ("kode_akun", "kode_rek"), "nama_rekening": ("nama_akun", "uraian"),
            "pagu": ("anggaran", "nilai", "jumlah"), "sumber_dana": ("nama_dana",),
        },
        required=("tahun", "kode_skpd", "nama_skpd", "kode_rekening", "pagu"),
        vocab={"tahap": {
            "murni": ("apbd_murni", "induk", "apbd_induk", "awal"),
            "perubahan": ("apbd_perubahan", "p_apbd", "apbdp", "apbd_p", "pergeseran"),
        }},
    ),
    "realisasi": Source(
        columns={
            "tahun": ("tahun_anggaran",), "bulan": ("periode",),
            "kode_skpd": ("kode_opd", "kode_unit"), "kode_sub_kegiatan": ("kode_sub_giat",),
            "kode_rekening": ("kode_akun", "kode_rek"),
            "realisasi": ("nilai_realisasi", "jumlah_realisasi", "nilai"),
        },
        required=("tahun", "bulan", "kode_skpd", "kode_rekening", "realisasi"),
    ),
    "pengaduan": Source(
        columns={
            "nomor_tiket": ("id_laporan", "no_laporan", "tracking_id"),
            "tanggal_masuk": ("tanggal_laporan", "created_at"), "kategori": ("topik",),
            "status": ("status_laporan",), "kanal": ("sumber",), "klasifikasi": ("jenis_laporan",),
            "tanggal_verifikasi": (), "tanggal_disposisi": (), "tanggal_tindak_lanjut": (),
            "tanggal_selesai": (), "hari_ditunda": ("hari_tunda",),
        },
        required=("nomor_tiket", "tanggal_masuk", "kategori", "status"),
        key="nomor_tiket",
        vocab={"status": _PENGADUAN_STATUS},
    ),
    "perizinan": Source(
        columns={
            "nomor_permohonan": ("no_registrasi", "nomor_registrasi"),
            "jenis_layanan": ("jenis_izin", "layanan"), "tanggal_permohonan": ("tanggal_daftar",),
            "tanggal_berkas_lengkap": (), "tanggal_selesai": ("tanggal_terbit",), "status": (),
        },
        required=("nomor_permohonan", "jenis_layanan", "tanggal_permohonan", "status"),
        key="nomor_permohonan",
        vocab={"status": _PERIZINAN_STATUS},
    ),
    "usulan": Source(
        columns={
            "id_usulan": ("id_unik",), "tahun_rkpd": ("tahun_anggaran", "tahun"),
            "usulan": ("detail_gagasan", "gagasan"),
            "kode_desa": (), "nama_desa": ("detail_lurahteks", "desa"),
            "nama_kecamatan": ("detail_camatteks", "kecamatan"),
            "lat": ("detail_latpeta", "latitude"), "lng": ("detail_langpeta", "longitude"),
            "perkiraan_biaya": ("anggaran", "detail_usulanggaran"),
            "kode_skpd_tujuan": ("kode_skpd",), "bidang_urusan": (), "status": ("status_usul",),
            "kode_sub_kegiatan": (), "tahap": (),
        },
        required=("id_usulan", "tahun_rkpd", "usulan", "status"),
        key="id_usulan",
        vocab={"status": _USULAN_STATUS, "tahap": {
            "desa": ("musrenbang_desa", "musrenbangdes", "kelurahan"),
            "kecamatan": ("musrenbang_kecamatan", "musrenbangcam", "forum_kecamatan"),
            "kabupaten": ("musrenbang_kabupaten", "musrenbangkab", "kab",
                          "forum_perangkat_daerah", "forum_opd"),
        }},
    ),
}


class Reject(ValueError):
    """A cell or row the written rules do not accept (the message is the reason)."""


# --- numbers -------------------------------------------------------------------------------------

def amount(text: str | None) -> float | None:
    """Indonesian notation: dot groups thousands, comma is the decimal mark; `1234567.5` and
    `1,234,567.50` too; a single dot before exactly three digits after 1–3 digits groups."""
    if text is None or not text.strip():
        return None
    s = re.sub(r"(?i)^rp\.?", "", text.strip()).replace(" ", "").replace("\u00a0", "")
    neg = s.startswith("-")
    s = s.lstrip("-")
    if not re.fullmatch(r"[0-9][0-9.,]*", s) or s[-1] in ".,":
        raise Reject(f"amount {text!r}")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        grp = "." if dec == "," else ","
        whole, _, frac = s.rpartition(dec)
        if whole.count(dec) or not re.fullmatch(r"[0-9]{1,3}(" + re.escape(grp) + r"[0-9]{3})*", whole):
            raise Reject(f"amount {text!r}")
        value = float(whole.replace(grp, "") + "." + frac)
    elif commas > 1 or dots > 1:
        mark = "," if commas else "."
        if not re.fullmatch(r"[0-9]{1,3}(" + re.escape(mark) + r"[0-9]{3})+", s):
            raise Reject(f"amount {text!r}")
        value = float(s.replace(mark, ""))
    elif commas == 1:
        value = float(s.replace(",", "."))
    elif dots == 1 and re.fullmatch(r"[0-9]{1,3}\.[0-9]{3}", s):
        value = float(s.replace(".", ""))
    else:
        value = float(s)
    return -value if neg else value


def whole(text: str | None) -> int | None:
    """A whole number written the way amounts are."""
    value = amount(text)
    if value is None:
        return None
    if value != int(value):
        raise Reject(f"whole {text!r}")
    return int(value)


def coordinate(text: str | None) -> float | None:
    """Decimal degrees: one dot or one comma is the decimal mark, never a thousands separator."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    if not re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", s):
        raise Reject("coordinate written with more than one mark or other characters")
    return float(s.replace(",", "."))


# --- dates ---------------------------------------------------------------------------------------

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "pebruari": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6,
    "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8, "august": 8, "agu": 8,
    "agt": 8, "aug": 8, "ags": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "nop": 11, "desember": 12,
    "december": 12, "des": 12, "dec": 12,
}


def month(text: str | None) -> int | None:
    """1–12, or a month name/abbreviation in Indonesian or English."""
    if text is None or not text.strip():
        return None
    s = text.strip().lower()
    if s in _MONTHS:
        return _MONTHS[s]
    n = whole(s)
    if n is None or not 1 <= n <= 12:
        raise Reject(f"month {text!r}")
    return n


def date(text: str | None) -> dt.date | None:
    """`17/08/2025`, `2025-08-17`, `17 Agustus 2025`, an Excel serial, with or without a time."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})([T ][0-9:.]+)?", s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})( [0-9:.]+)?", s):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})( [0-9:.]+)?", s):
            if m[2].lower() in _MONTHS:
                return dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if re.fullmatch(r"\d{5}(\.\d+)?", s):
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(s)))
    except ValueError as exc:
        raise Reject(f"date {text!r}") from exc
    raise Reject(f"date {text!r}")


def year(text: str | None) -> int | None:
    value = whole(text) if text and re.fullmatch(r"[0-9.,]+", text.strip()) else None
    if text and text.strip() and value is None:
        raise Reject(f"year {text!r}")
    if value is not None and not 2000 <= value <= 2100:
        raise Reject(f"year {text!r}")
    return value


# --- files ---------------------------------------------------------------------------------------

def _table(path: Path) -> list[list[str]]:
    """Every row of a CSV (comma or semicolon; UTF-8 with/without BOM or Windows-1252) or of an
    XLSX's first sheet, as strings."""
    if path.suffix.lower() == ".xlsx":
        frame = pl.read_excel(path, has_header=False, infer_schema_length=0)
        return [["" if v is None else str(v) for v in row] for row in frame.iter_rows()]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    head = text[:5000]
    delimiter = ";" if head.count(";") > head.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _header(row: list[str], src: Source) -> dict[int, str] | None:
    """Cell index → canonical column when `row` is a header carrying every required column."""
    lookup = {}
    for canon, aliases in src.columns.items():
        for name in (canon, *aliases):
            lookup.setdefault(name, canon)
    found: dict[int, str] = {}
    for i, cell in enumerate(row):
        canon = lookup.get(fold(cell))
        if canon and canon not in found.values():
            found[i] = canon
    return found if set(src.required) <= set(found.values()) else None


def records(raw: Path, source: str) -> list[dict]:
    """Data rows of every file of a source as {canonical column: text or None, _file, _row}:
    title lines above the header, blank rows, repeated headers and JUMLAH/TOTAL rows skipped."""
    src = SOURCES[source]
    out = []
    for path in sorted((raw / source).glob("*")):
        if path.suffix.lower() not in (".csv", ".xlsx"):
            continue
        rows = _table(path)
        start = next(i for i, r in enumerate(rows) if _header(r, src))
        header = _header(rows[start], src)
        folded_header = [fold(c) for c in rows[start]]
        for n, row in enumerate(rows[start + 1:], start=start + 2):
            cells = [c.strip() for c in row]
            if not any(cells) or [fold(c) for c in row] == folded_header:
                continue
            if fold(next(c for c in cells if c)) in ("jumlah", "total", "grand_total"):
                continue
            rec = {canon: (cells[i] or None) if i < len(cells) else None
                   for i, canon in header.items()}
            out.append({**{c: None for c in src.columns}, **rec, "_file": path.name, "_row": n})
    return out


def vocab(source: str, column: str, text: str | None) -> str | None:
    """The canonical value of an enumerated cell (as written or a listed synonym)."""
    if text is None:
        return None
    key = fold(text)
    for value, synonyms in SOURCES[source].vocab[column].items():
        if key == value or key in synonyms:
            return value
    raise Reject(f"{column} {text!r} tidak dikenal")


def reference(name: str) -> pl.DataFrame:
    """A reference table of data/reference/ as strings."""
    return pl.read_csv(REFERENCE / name, infer_schema_length=0)


def region_bbox() -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat) of the region (region.toml)."""
    with open(REFERENCE / "region.toml", "rb") as fh:
        return tuple(tomllib.load(fh)["region"]["bbox"])


# --- sources: accepted rows and rejected rows -----------------------------------------------------

OPEN_PENGADUAN = ("diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "ditunda")
ENDED_PENGADUAN = ("bukan_wewenang", "diarsipkan", "ditolak")
ENDED_PERIZINAN = ("ditolak", "dikembalikan", "dicabut")
REFUSED_USULAN = ("ditolak", "dikembalikan")


def moment(text: str | None) -> dt.datetime | None:
    """A date or date-time cell as a datetime (midnight when no time is written)."""
    day = date(text)
    if day is None:
        return None
    m = re.search(r"[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$", text.strip())
    h, mi, se = (int(m[1]), int(m[2]), int(m[3] or 0)) if m else (0, 0, 0)
    return dt.datetime(day.year, day.month, day.day, h, mi, se)


def _need(rec: dict, *columns: str) -> None:
    for c in columns:
        if rec[c] is None:
            raise Reject(f"{c} wajib diisi")


def _anggaran(r: dict) -> dict:
    _need(r, *SOURCES["anggaran"].required)
    kode = r["kode_rekening"]
    if kode.startswith("5") and r["kode_sub_kegiatan"] is None:
        raise Reject("kode_sub_kegiatan wajib untuk belanja")
    return {"tahun": year(r["tahun"]), "tahap": vocab("anggaran", "tahap", r["tahap"]) or "murni",
            "kode_skpd": r["kode_skpd"], "kode_sub_kegiatan": r["kode_sub_kegiatan"],
            "nama_sub_kegiatan": r["nama_sub_kegiatan"], "kode_rekening": kode,
            "pagu": amount(r["pagu"])}


def _realisasi(r: dict) -> dict:
    _need(r, *SOURCES["realisasi"].required)
    return {"tahun": year(r["tahun"]), "bulan": month(r["bulan"]), "kode_skpd": r["kode_skpd"],
            "kode_sub_kegiatan": r["kode_sub_kegiatan"], "kode_rekening": r["kode_rekening"],
            "realisasi": amount(r["realisasi"])}


def _pengaduan(r: dict) -> dict:
    _need(r, *SOURCES["pengaduan"].required)
    masuk = moment(r["tanggal_masuk"])
    status = vocab("pengaduan", "status", r["status"])
    out = {"nomor_tiket": r["nomor_tiket"], "tanggal_masuk": masuk.date(), "kategori": r["kategori"],
           "status": status, "hari_ditunda": whole(r["hari_ditunda"])}
    for c in ("tanggal_verifikasi", "tanggal_disposisi", "tanggal_tindak_lanjut", "tanggal_selesai"):
        when = moment(r[c])
        if when is not None and when < masuk:
            raise Reject(f"{c} sebelum tanggal_masuk")
        out[c] = when.date() if when else None
    if status in OPEN_PENGADUAN and out["tanggal_selesai"] is not None:
        raise Reject("status bertentangan: terbuka dengan tanggal_selesai")
    if status == "selesai" and out["tanggal_selesai"] is None:
        raise Reject("status bertentangan: selesai tanpa tanggal_selesai")
    return out


def _perizinan(r: dict) -> dict:
    _need(r, *SOURCES["perizinan"].required)
    status = vocab("perizinan", "status", r["status"])
    out = {"nomor_permohonan": r["nomor_permohonan"], "jenis_layanan": r["jenis_layanan"],
           "status": status, "tanggal_permohonan": date(r["tanggal_permohonan"]),
           "tanggal_berkas_lengkap": date(r["tanggal_berkas_lengkap"]),
           "tanggal_selesai": date(r["tanggal_selesai"])}
    if status == "diproses" and out["tanggal_selesai"] is not None:
        raise Reject("status bertentangan: diproses dengan tanggal_selesai")
    if status == "selesai" and out["tanggal_selesai"] is None:
        raise Reject("status bertentangan: selesai tanpa tanggal_selesai")
    return out


def _kecamatan_of(r: dict) -> str | None:
    """The proposal's kecamatan code: from kode_desa, else its names in the wilayah tables."""
    if r["kode_desa"]:
        return ".".join(r["kode_desa"].split(".")[:3])
    desa = reference("wilayah_desa.csv")
    kec = reference("wilayah_kecamatan.csv")
    if r["nama_desa"]:
        hit = desa.filter(pl.col("nama_desa").str.to_lowercase() == r["nama_desa"].lower())
        if r["nama_kecamatan"]:
            hit = hit.filter(pl.col("nama_kecamatan").str.to_lowercase()
                             == r["nama_kecamatan"].lower())
        if hit.height == 1:
            return hit["kode_kecamatan"][0]
    if r["nama_kecamatan"]:
        hit = kec.filter(pl.col("nama_kecamatan").str.to_lowercase() == r["nama_kecamatan"].lower())
        if hit.height == 1:
            return hit["kode_kecamatan"][0]
    return None


def _usulan(r: dict) -> dict:
    _need(r, *SOURCES["usulan"].required)
    if not (r["kode_desa"] or r["nama_desa"] or r["nama_kecamatan"]):
        raise Reject("kode_desa / nama_desa / nama_kecamatan wajib diisi (salah satu)")
    status = vocab("usulan", "status", r["status"])
    if status in REFUSED_USULAN and r["kode_sub_kegiatan"]:
        raise Reject("status bertentangan: usulan ditolak/dikembalikan dengan kode_sub_kegiatan")
    lat, lng = coordinate(r["lat"]), coordinate(r["lng"])
    if lat is not None and lng is not None:
        min_lng, min_lat, max_lng, max_lat = region_bbox()

        def inside(la: float, ln: float) -> bool:
            return min_lat <= la <= max_lat and min_lng <= ln <= max_lng

        if not inside(lat, lng):
            if not inside(lng, lat):
                raise Reject("titik di luar wilayah")
            lat, lng = lng, lat
    return {"id_usulan": r["id_usulan"], "tahun_rkpd": year(r["tahun_rkpd"]), "status": status,
            "tahap": vocab("usulan", "tahap", r["tahap"]), "kode_kecamatan": _kecamatan_of(r),
            "perkiraan_biaya": amount(r["perkiraan_biaya"]),
            "kode_skpd_tujuan": r["kode_skpd_tujuan"], "bidang_urusan": r["bidang_urusan"],
            "kode_sub_kegiatan": r["kode_sub_kegiatan"], "lat": lat, "lng": lng}


_PARSE = {"anggaran": _anggaran, "realisasi": _realisasi, "pengaduan": _pengaduan,
          "perizinan": _perizinan, "usulan": _usulan}


def read(raw: Path, source: str) -> tuple[pl.DataFrame, list[tuple[str, int, str]]]:
    """The accepted rows of a source as a frame, and the rejected ones as (file, row, reason)."""
    accepted, rejected, seen = [], [], set()
    key = SOURCES[source].key
    for rec in records(raw, source):
        try:
            row = _PARSE[source](rec)
        except Reject as exc:
            rejected.append((rec["_file"], rec["_row"], str(exc)))
            continue
        if key is not None:
            # a key loaded twice is one row (the first), as "loading twice does not duplicate"
            if row[key] in seen:
                continue
            seen.add(row[key])
        accepted.append(row)
    return pl.DataFrame(accepted, infer_schema_length=None), rejected
