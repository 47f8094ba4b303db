"""The open-data catalogue: dataset metadata, the data dictionary, provenance, exports and changes.

One definition (`DATASETS`) serves the Data page, the prepared downloads (`etl.export`) and the
Frictionless data package. Columns come from `lentera.core.schema` (sources) or are described here
(reference tables, the fiscal `status` column). Query functions return Polars frames and never
import Streamlit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from lentera.core import config
from lentera.core.schema import PERSONAL_COLUMNS, SOURCES, Column
from lentera.warehouse import db

# Fiscal Data Package status (FACTS.md §8): APBD murni = approved, perubahan = adjusted,
# realisasi = executed. Nothing in the warehouse is merely "proposed" (RKA drafts are not loaded).
FISCAL_STATUS = Column(
    "status", "enum", "VARCHAR", derived=True,
    description_id="Status fiskal (Fiscal Data Package): approved = APBD murni, adjusted = APBD "
                   "perubahan, executed = realisasi",
    description_en="Fiscal Data Package status: approved = original APBD (murni), adjusted = "
                   "revised APBD (perubahan), executed = realisation",
    example="approved", values=("approved", "adjusted", "executed"),
)

_WILAYAH_COMMON = (
    Column("lat", "lat", "DOUBLE", description_id="Lintang titik tengah",
           description_en="Latitude of the centre point", unit="derajat", example="-0.35"),
    Column("lng", "lng", "DOUBLE", description_id="Bujur titik tengah",
           description_en="Longitude of the centre point", unit="derajat", example="109.50"),
    Column("penduduk", "int", "INTEGER", description_id="Jumlah penduduk",
           description_en="Population", unit="jiwa"),
    Column("penduduk_estimasi", "bool", "BOOLEAN",
           description_id="Penduduk hasil estimasi (bukan angka Dukcapil per wilayah)",
           description_en="Population is an estimate (not a Dukcapil figure for the area)"),
)

KECAMATAN_COLUMNS = (
    Column("kode_kecamatan", "code_wilayah", "VARCHAR", description_id="Kode kecamatan Kemendagri",
           description_en="Kemendagri district code", example="61.12.05"),
    Column("kode_bps", "text", "VARCHAR", description_id="Kode kecamatan BPS",
           description_en="BPS (Statistics Indonesia) district code"),
    Column("nama_kecamatan", "text", "VARCHAR", description_id="Nama kecamatan",
           description_en="District name", example="Batu Ampar"),
    Column("jumlah_desa", "int", "INTEGER", description_id="Jumlah desa/kelurahan",
           description_en="Number of villages"),
    Column("luas_km2", "number", "DOUBLE", description_id="Luas wilayah",
           description_en="Area", unit="km²"),
) + _WILAYAH_COMMON

DESA_COLUMNS = (
    Column("kode_desa", "code_wilayah", "VARCHAR", description_id="Kode desa Kemendagri",
           description_en="Kemendagri village code", example="61.12.05.2001"),
    Column("nama_desa", "text", "VARCHAR", description_id="Nama desa",
           description_en="Village name"),
    Column("kode_kecamatan", "code_wilayah", "VARCHAR", description_id="Kode kecamatan",
           description_en="District code", example="61.12.05"),
    Column("nama_kecamatan", "text", "VARCHAR", description_id="Nama kecamatan",
           description_en="District name"),
) + _WILAYAH_COMMON


# The SLA of each complaint at the data's date (meta as_of), from the semantic layer's
# sla_pengaduan: a journalist can recompute every on-time figure from the rows and the calendar.
PENGADUAN_SLA_COLUMNS = (
    Column("target_hari_kerja", "int", "INTEGER", derived=True,
           description_id="Target penyelesaian kategori ini (dataset kategori_pengaduan, kategori "
                          "dicocokkan tanpa membedakan huruf besar); kosong bila tanpa target",
           description_en="Target of this category (dataset kategori_pengaduan, category matched "
                          "case-insensitively); empty when the category has no target",
           unit="hari kerja", example="14"),
    Column("tanggal_target", "date", "DATE", derived=True,
           description_id="Tanggal target: hari kerja ke-(target + hari_ditunda) sesudah tanggal "
                          "masuk (kalender_kerja); tanggal masuk bila keduanya nol",
           description_en="Target date: the (target + hari_ditunda)-th working day after receipt "
                          "(kalender_kerja); the receipt date when both are zero",
           example="2026-08-19"),
    Column("hari_kotor", "int", "INTEGER", derived=True,
           description_id="Hari kerja kotor: idx kalender_kerja pada tanggal selesai (atau tanggal "
                          "data bila belum selesai) dikurangi idx pada tanggal masuk; kosong bila "
                          "berakhir tanpa tanggal selesai",
           description_en="Gross working days: kalender_kerja idx on the end date (or the data's "
                          "date while open) minus idx on the receipt date; empty when ended "
                          "without an end date", unit="hari kerja"),
    Column("hari_kerja", "int", "INTEGER", derived=True,
           description_id="Hari kerja bersih: hari_kotor dikurangi hari_ditunda, minimal 0",
           description_en="Net working days: hari_kotor minus hari_ditunda, at least 0",
           unit="hari kerja"),
    Column("tepat_waktu", "bool", "BOOLEAN", derived=True,
           description_id="Selesai paling lambat tanggal data dengan hari_kerja ≤ "
                          "target_hari_kerja; kosong bila belum selesai atau tanpa target",
           description_en="Finished by the data's date with hari_kerja ≤ target_hari_kerja; "
                          "empty while open or without a target"),
    Column("tepat_waktu_kotor", "bool", "BOOLEAN", derived=True,
           description_id="Seperti tepat_waktu, tetapi dengan hari_kotor (jeda tidak dikurangi)",
           description_en="As tepat_waktu, but with hari_kotor (pauses not subtracted)"),
    Column("hari_lewat", "int", "INTEGER", derived=True,
           description_id="Hari kerja bersih lewat target (hari_kerja − target, minimal 0)",
           description_en="Net working days past target (hari_kerja − target, at least 0)",
           unit="hari kerja"),
    Column("hari_lewat_kotor", "int", "INTEGER", derived=True,
           description_id="Hari kerja kotor lewat target (hari_kotor − target, minimal 0)",
           description_en="Gross working days past target (hari_kotor − target, at least 0)",
           unit="hari kerja"),
    Column("terbuka", "bool", "BOOLEAN", derived=True,
           description_id="Masih terbuka pada tanggal data (belum selesai dan tidak berakhir)",
           description_en="Still open on the data's date (not finished and not ended)"),
)

# The SLA of each application at the data's date, from the semantic layer's sla_perizinan.
PERIZINAN_SLA_COLUMNS = (
    Column("tanggal_mulai", "date", "DATE", derived=True,
           description_id="Jam mulai: tanggal berkas lengkap, atau tanggal permohonan bila kosong",
           description_en="Clock start: the file-complete date, or the application date when "
                          "missing", example="2026-03-02"),
    Column("tanggal_target", "date", "DATE", derived=True,
           description_id="Tanggal target: hari kerja ke-(target_hari_kerja) sesudah tanggal_mulai",
           description_en="Target date: the target_hari_kerja-th working day after tanggal_mulai",
           example="2026-04-09"),
    Column("hasil", "enum", "VARCHAR", derived=True, values=("terbit", "tidak_terbit", "proses"),
           description_id="Hasil: terbit (dokumen terbit), tidak_terbit (ditolak, dikembalikan "
                          "atau dicabut), proses (belum selesai pada tanggal data)",
           description_en="Outcome: terbit (issued), tidak_terbit (rejected, returned or "
                          "withdrawn), proses (still in progress on the data's date)"),
    Column("tanpa_standar", "bool", "BOOLEAN", derived=True,
           description_id="Layanan tanpa standar waktu: tidak dihitung dalam bagian tepat waktu, "
                          "dihitung terpisah sebagai 'tanpa standar'",
           description_en="A service without a time standard: left out of on-time shares, "
                          "counted separately as 'tanpa standar'"),
    Column("hari_ditunda", "int", "INTEGER", derived=True,
           description_id="Hari kerja menunggu berkas lengkap (dari tanggal permohonan sampai "
                          "tanggal berkas lengkap); jam standar baru mulai sesudahnya",
           description_en="Working days waiting for a complete file (application date to "
                          "file-complete date); the standard's clock starts after it",
           unit="hari kerja"),
    Column("hari_kotor", "int", "INTEGER", derived=True,
           description_id="Hari kerja kotor: dari tanggal permohonan sampai tanggal selesai (atau "
                          "tanggal data bila masih diproses) = hari_kerja + hari_ditunda; kosong "
                          "bila berakhir tanpa tanggal selesai",
           description_en="Gross working days: application date to the end date (or the data's "
                          "date while in progress) = hari_kerja + hari_ditunda; empty when ended "
                          "without an end date", unit="hari kerja"),
    Column("hari_kerja", "int", "INTEGER", derived=True,
           description_id="Hari kerja bersih: dari tanggal_mulai sampai tanggal selesai (atau "
                          "tanggal data): idx kalender_kerja dikurangi idx",
           description_en="Net working days: tanggal_mulai to the end date (or the data's date): "
                          "kalender_kerja idx minus idx", unit="hari kerja"),
    Column("tepat_waktu", "bool", "BOOLEAN", derived=True,
           description_id="Selesai dengan hari_kerja ≤ target_hari_kerja (dalam standar); kosong "
                          "bila belum selesai atau tanpa standar",
           description_en="Finished with hari_kerja ≤ target_hari_kerja (within the standard); "
                          "empty while in progress or without a standard"),
    Column("tepat_waktu_kotor", "bool", "BOOLEAN", derived=True,
           description_id="Seperti tepat_waktu, tetapi dengan hari_kotor (dari tanggal permohonan)",
           description_en="As tepat_waktu, but with hari_kotor (from the application date)"),
    Column("hari_lewat", "int", "INTEGER", derived=True,
           description_id="Hari kerja lewat standar (hari_kerja − target, minimal 0)",
           description_en="Working days past the standard (hari_kerja − target, at least 0)",
           unit="hari kerja"),
    Column("hari_lewat_kotor", "int", "INTEGER", derived=True,
           description_id="Hari kerja kotor lewat standar (hari_kotor − target, minimal 0)",
           description_en="Gross working days past the standard (hari_kotor − target, at least 0)",
           unit="hari kerja"),
    Column("terbuka", "bool", "BOOLEAN", derived=True,
           description_id="Masih diproses pada tanggal data",
           description_en="Still in progress on the data's date"),
)


def _text(name: str, id_: str, en: str, example: str = "", sql_type: str = "VARCHAR",
          kind: str = "text", unit: str = "", values: tuple[str, ...] = ()) -> Column:
    return Column(name, kind, sql_type, description_id=id_, description_en=en, example=example,
                  unit=unit, values=values)


KATEGORI_COLUMNS = (
    _text("kategori", "Kategori pengaduan (dicocokkan tanpa membedakan huruf besar)",
          "Complaint category (matched case-insensitively)", "Infrastruktur"),
    _text("target_hari_kerja", "Target penyelesaian", "Target to finish", "14", "INTEGER", "int",
          "hari kerja"),
    _text("tingkat", "Tingkat SP4N-LAPOR!/SIPPN (ringan, normatif, tanpa/dengan pengawasan)",
          "SP4N-LAPOR!/SIPPN tier (light, normative, without/with inspection)", "normatif"),
    _text("catatan", "Dasar atau catatan target", "Basis or note on the target"),
    _text("kepastian", "Seberapa pasti target ini (seen = terlihat di dokumen resmi, assumed = "
          "asumsi yang dapat diatur)", "How certain the target is (seen = in an official "
          "document, assumed = a configurable assumption)", "assumed"),
)

STANDAR_COLUMNS = (
    _text("jenis_layanan", "Jenis layanan (nama baku)", "Service (canonical name)",
          "Persetujuan Bangunan Gedung (PBG)"),
    _text("aliases", "Nama lain yang dicocokkan ke layanan ini, dipisah |",
          "Other names matched to this service, separated by |", "PBG|IMB"),
    _text("kantor", "Kantor yang memproses", "Processing office", "DPMPTSP"),
    _text("target_hari_kerja", "Standar waktu sejak berkas lengkap; kosong = tanpa standar",
          "Time standard from a complete file; empty = no standard", "28", "INTEGER", "int",
          "hari kerja"),
    _text("catatan", "Catatan", "Note"),
    _text("dasar", "Dasar hukum standar waktu", "Legal basis of the time standard",
          "PP 16/2021"),
    _text("kepastian", "Sumber standar ini: regulasi = peraturan yang disebut di 'dasar', "
          "standar_daerah = standar pelayanan yang diterbitkan daerah ini, asumsi_contoh = "
          "asumsi atau contoh dari daerah lain (dapat diatur)", "Source of the standard: "
          "regulasi = the regulation named in 'dasar', standar_daerah = this region's published "
          "service standard, asumsi_contoh = an assumption or another region's example "
          "(configurable)", "regulasi"),
)

KALENDER_COLUMNS = (
    _text("tanggal", "Tanggal", "Date", "2026-08-17", "DATE", "date"),
    _text("hari_kerja", "Hari kerja (Senin–Jumat, bukan libur nasional dan bukan cuti bersama)",
          "Working day (Monday–Friday, not a national holiday nor cuti bersama)", "false",
          "BOOLEAN", "bool"),
    _text("idx", "Jumlah hari kerja sampai dan termasuk tanggal ini sejak awal kalender; hari "
          "kerja dari tanggal A ke tanggal B = idx(B) − idx(A)", "Working days up to and "
          "including this date since the calendar's start; working days from date A to date B = "
          "idx(B) − idx(A)", "2301", "INTEGER", "int", "hari kerja"),
    _text("nama_libur", "Nama libur nasional atau cuti bersama", "Name of the national holiday "
          "or cuti bersama", "Hari Kemerdekaan Republik Indonesia"),
    _text("jenis_hari", "Jenis hari: kerja, akhir pekan, libur nasional, atau cuti bersama yang "
          "ditetapkan untuk daerah ini", "Kind of day: working, weekend, national holiday, or "
          "the cuti bersama configured for this region", "libur_nasional", kind="enum",
          values=("kerja", "akhir_pekan", "libur_nasional", "cuti_bersama")),
)

SKPD_COLUMNS = (
    _text("kode_skpd", "Kode SKPD (perangkat daerah)", "Office (SKPD) code",
          "1.02.0.00.0.00.01.0000", kind="code_skpd"),
    _text("nama_skpd", "Nama perangkat daerah", "Office name", "Dinas Kesehatan"),
    _text("singkatan", "Singkatan", "Abbreviation", "Dinkes"),
    _text("kode_bidang", "Kode bidang urusan", "Government sector code", "1.02"),
    _text("nama_bidang", "Nama bidang urusan", "Government sector name", "Kesehatan"),
)

# A rejected row never publishes the value of a column that may hold personal data or free text:
# the reason is published, the value is withheld (nilai_ditahan). Other values were redacted by
# the loader (NIK, phone numbers, e-mail) before they were stored.
REJECT_VALUE_WITHHELD = tuple(dict.fromkeys((
    *PERSONAL_COLUMNS, "nama_pemohon", "judul", "isi", "alamat", "usulan", "permasalahan",
    "alasan")))

REJECT_COLUMNS = (
    _text("source", "Sumber data (dataset)", "Data source (dataset)", "perizinan"),
    _text("source_file", "Berkas sumber", "Source file"),
    _text("source_row", "Nomor baris di berkas sumber (1 = baris pertama berkas)",
          "Line number in the source file (1 = first line of the file)", "12", "INTEGER", "int"),
    _text("column", "Kolom yang bermasalah (dipisah koma)", "Column(s) at fault (comma-separated)",
          "tanggal_permohonan"),
    _text("value", "Nilai yang ditolak, setelah NIK, nomor telepon dan e-mail disamarkan; kosong "
          "bila ditahan", "The rejected value, with NIK, phone numbers and e-mail redacted; empty "
          "when withheld", "2025-13-45"),
    _text("nilai_ditahan", "Nilai tidak diterbitkan karena kolomnya bisa memuat data pribadi atau "
          "teks bebas (" + ", ".join(REJECT_VALUE_WITHHELD) + ")", "Value not published because "
          "its column may hold personal data or free text (" + ", ".join(REJECT_VALUE_WITHHELD)
          + ")", "false", "BOOLEAN", "bool"),
    _text("reason", "Alasan penolakan", "Reason for rejection", "tanggal tidak dikenali"),
)


@dataclass(frozen=True)
class Dataset:
    """One published dataset: where it comes from, what its columns mean, how it is exported."""

    name: str
    table: str
    title_id: str
    title_en: str
    description_id: str
    description_en: str
    producer: str
    frequency_id: str
    frequency_en: str
    columns: tuple[Column, ...]
    # SQL expression per exported column when it is not the column itself (privacy, status).
    exprs: dict[str, str] = field(default_factory=dict)
    order_by: tuple[str, ...] = ()
    geometry: str = ""  # "point" (lat/lng) or "polygon" (geojson column) or ""
    amount: str = ""  # the column whose sum the catalogue shows (and the tests compare)
    time_sql: str = ""  # (min, max) of the time coverage, as SQL expressions
    key: tuple[str, ...] = ()
    source: bool = True  # an ETL source (has etl_runs provenance) rather than reference data
    # Named query (sql/export_<name>.sql) the rows come from when they carry computed columns;
    # `table` stays the stored table the rows are counted in. `params` are the query's $names.
    query: str = ""
    params: tuple[str, ...] = ()
    # Named query with the amount summed per year/stage/group: never one sum over all of them.
    totals: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_id

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_id

    def frequency(self, lang: str) -> str:
        return self.frequency_en if lang == "en" else self.frequency_id

    def from_sql(self) -> str:
        """What the rows are selected from: the table, or the dataset's named query."""
        if not self.query:
            return self.table
        # newlines keep a trailing comment of the file from swallowing the parenthesis
        return f"(\n{db.sql_text(self.query)}\n) AS {quote_ident(self.name)}"

    def select_sql(self, ordered: bool = True) -> str:
        """The export query: every documented column, privacy rules applied, stable order
        (`ordered=False`: no ORDER BY, for a caller that orders the rows itself)."""
        cols = ", ".join(f'{self.exprs.get(c.name, quote_ident(c.name))} AS {quote_ident(c.name)}'
                         for c in self.columns)
        order = (" ORDER BY " + ", ".join(quote_ident(c) for c in self.order_by)
                 if self.order_by and ordered else "")
        return f"SELECT {cols} FROM {self.from_sql()}{order}"

    def query_params(self, as_of) -> dict:
        """The values of the export query's parameters (`as_of`: the data's reporting date)."""
        known = {"as_of": as_of, "kolom_tertahan": list(REJECT_VALUE_WITHHELD)}
        return {k: known[k] for k in self.params}


def quote_ident(name: str) -> str:
    """`name` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _from_source(name: str, description_id: str, description_en: str, *, extra=(), exprs=None,
                 order_by=(), geometry="", amount="", time_sql="", query="", params=(),
                 totals="") -> Dataset:
    s = SOURCES[name]
    return Dataset(
        name=name, table=s.table, title_id=s.title_id, title_en=s.title_en,
        description_id=description_id, description_en=description_en, producer=s.producer,
        frequency_id=s.frequency_id, frequency_en=s.frequency_en,
        columns=tuple(s.columns) + tuple(extra), exprs=exprs or {}, order_by=order_by,
        geometry=geometry, amount=amount, time_sql=time_sql, key=s.key, query=query,
        params=params, totals=totals,
    )


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    _from_source(
        "anggaran",
        "Pagu APBD per SKPD, sub kegiatan dan kode rekening, untuk APBD murni dan perubahan.",
        "APBD budget by office, sub-activity and account code, original and revised.",
        extra=(FISCAL_STATUS,),
        exprs={"status": "CASE tahap WHEN 'perubahan' THEN 'adjusted' ELSE 'approved' END"},
        order_by=("tahun", "tahap", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"),
        amount="pagu", time_sql="min(tahun)::VARCHAR, max(tahun)::VARCHAR",
        totals="export_jumlah_anggaran",
    ),
    _from_source(
        "realisasi",
        "Realisasi belanja per bulan (bukan kumulatif) per SKPD, sub kegiatan dan kode rekening.",
        "Spending realised per month (not cumulative) by office, sub-activity and account code.",
        extra=(FISCAL_STATUS,), exprs={"status": "'executed'"},
        order_by=("tahun", "bulan", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"),
        amount="realisasi",
        time_sql="min(make_date(tahun, bulan, 1))::VARCHAR, "
                 "max(last_day(make_date(tahun, bulan, 1)))::VARCHAR",
        totals="export_jumlah_realisasi",
    ),
    _from_source(
        "pengaduan",
        "Pengaduan masyarakat dari SP4N-LAPOR! dengan tahapan dan waktunya, serta SLA-nya (target, "
        "tanggal target, hari kerja kotor dan bersih, tepat waktu) pada tanggal data, dihitung "
        "dengan aturan yang sama dengan halaman Pengaduan. Data pribadi disamarkan; judul dan isi "
        "laporan rahasia dikosongkan.",
        "Public complaints from SP4N-LAPOR! with their stages and times, and their SLA (target, "
        "target date, gross and net working days, on time) at the data's date, computed by the "
        "same rule as the Pengaduan page. Personal data redacted; title and text of confidential "
        "reports are left empty.",
        extra=PENGADUAN_SLA_COLUMNS,
        exprs={"judul": "CASE WHEN rahasia THEN NULL ELSE judul END",
               "isi": "CASE WHEN rahasia THEN NULL ELSE isi END"},
        order_by=("tanggal_masuk", "nomor_tiket"),
        time_sql="min(tanggal_masuk)::DATE::VARCHAR, max(tanggal_masuk)::DATE::VARCHAR",
        query="export_pengaduan", params=("as_of",),
    ),
    _from_source(
        "perizinan",
        "Permohonan izin dan layanan dengan tanggal berkas lengkap, selesai dan targetnya, serta "
        "hari kerja dan putusan dalam standar pada tanggal data (aturan yang sama dengan halaman "
        "Perizinan). Nama pemohon hanya untuk badan usaha.",
        "Permit and service applications with file-complete and finish dates and targets, and "
        "their working days and within-standard verdict at the data's date (the same rule as the "
        "Perizinan page). Applicant names for businesses only.",
        extra=PERIZINAN_SLA_COLUMNS,
        order_by=("tanggal_permohonan", "nomor_permohonan"),
        time_sql="min(tanggal_permohonan)::VARCHAR, max(tanggal_permohonan)::VARCHAR",
        query="export_perizinan", params=("as_of",),
    ),
    _from_source(
        "usulan",
        "Usulan pembangunan dari musrenbang, pokok pikiran DPRD dan warga, dengan lokasi dan "
        "statusnya.",
        "Development proposals from musrenbang, council members and citizens, with location and "
        "status.",
        order_by=("tahun_rkpd", "id_usulan"), geometry="point", amount="perkiraan_biaya",
        time_sql="min(tahun_rkpd)::VARCHAR, max(tahun_rkpd)::VARCHAR",
        totals="export_jumlah_usulan",
    ),
    Dataset(
        name="wilayah_kecamatan", table="wilayah_kecamatan",
        title_id="Wilayah: kecamatan", title_en="Areas: districts",
        description_id="Kecamatan dengan kode Kemendagri dan BPS, luas, penduduk dan batas "
                       "wilayah (GeoJSON).",
        description_en="Districts with Kemendagri and BPS codes, area, population and boundaries "
                       "(GeoJSON).",
        producer="Kemendagri / BPS", frequency_id="Saat ada pemekaran atau pembaruan",
        frequency_en="When boundaries change", columns=KECAMATAN_COLUMNS,
        order_by=("kode_kecamatan",), geometry="polygon", key=("kode_kecamatan",), source=False,
    ),
    Dataset(
        name="wilayah_desa", table="wilayah_desa",
        title_id="Wilayah: desa", title_en="Areas: villages",
        description_id="Desa dan kelurahan dengan kode Kemendagri, penduduk dan batas wilayah "
                       "(GeoJSON, bila tersedia).",
        description_en="Villages with Kemendagri codes, population and boundaries (GeoJSON, "
                       "where available).",
        producer="Kemendagri / BPS", frequency_id="Saat ada pemekaran atau pembaruan",
        frequency_en="When boundaries change", columns=DESA_COLUMNS,
        order_by=("kode_desa",), geometry="polygon", key=("kode_desa",), source=False,
    ),
    Dataset(
        name="kategori_pengaduan", table="kategori_pengaduan",
        title_id="Referensi: target kategori pengaduan",
        title_en="Reference: complaint category targets",
        description_id="Target penyelesaian (hari kerja) per kategori pengaduan, yang dipakai "
                       "kolom target_hari_kerja dan tepat_waktu di dataset pengaduan.",
        description_en="Target (working days) per complaint category, as used by the "
                       "target_hari_kerja and tepat_waktu columns of the complaints dataset.",
        producer="Bagian Organisasi / SP4N-LAPOR!", frequency_id="Saat standar berubah",
        frequency_en="When the standard changes", columns=KATEGORI_COLUMNS,
        order_by=("kategori",), key=("kategori",), source=False,
    ),
    Dataset(
        name="standar_layanan", table="standar_layanan",
        title_id="Referensi: standar waktu layanan", title_en="Reference: service time standards",
        description_id="Standar waktu (hari kerja) dan dasar hukumnya per jenis izin dan layanan, "
                       "yang dipakai kolom target_hari_kerja dan tepat_waktu di dataset perizinan.",
        description_en="Time standard (working days) and its legal basis per permit and service, "
                       "as used by the target_hari_kerja and tepat_waktu columns of the permits "
                       "dataset.",
        producer="DPMPTSP / Disdukcapil", frequency_id="Saat standar pelayanan berubah",
        frequency_en="When the service standard changes", columns=STANDAR_COLUMNS,
        order_by=("jenis_layanan",), key=("jenis_layanan",), source=False,
    ),
    Dataset(
        name="kalender_kerja", table="kalender_kerja",
        title_id="Referensi: kalender hari kerja", title_en="Reference: working-day calendar",
        description_id="Setiap tanggal dengan hari kerja atau bukan, libur nasional dan cuti "
                       "bersama yang ditetapkan, dan nomor urut hari kerja (idx) yang dipakai "
                       "semua hitungan hari kerja.",
        description_en="Every date: working day or not, national holidays and the configured "
                       "cuti bersama, and the working-day index (idx) every working-day count "
                       "uses.",
        producer="SKB Menteri (libur nasional dan cuti bersama)",
        frequency_id="Tahunan", frequency_en="Yearly", columns=KALENDER_COLUMNS,
        order_by=("tanggal",), key=("tanggal",), source=False,
        time_sql="min(tanggal)::VARCHAR, max(tanggal)::VARCHAR",
        query="export_kalender_kerja",
    ),
    Dataset(
        name="skpd", table="skpd",
        title_id="Referensi: perangkat daerah (SKPD)", title_en="Reference: offices (SKPD)",
        description_id="Kode, nama, singkatan dan bidang urusan perangkat daerah, untuk membaca "
                       "kode_skpd di dataset lain.",
        description_en="Code, name, abbreviation and government sector of each office, to read "
                       "the kode_skpd of the other datasets.",
        producer="BKAD / Bagian Organisasi", frequency_id="Saat susunan perangkat daerah berubah",
        frequency_en="When the offices change", columns=SKPD_COLUMNS,
        order_by=("kode_skpd",), key=("kode_skpd",), source=False,
    ),
    Dataset(
        name="baris_ditolak", table="etl_rejects",
        title_id="Baris yang ditolak saat dimuat", title_en="Rows rejected at load",
        description_id="Setiap baris berkas sumber yang tidak dimuat, dengan kolom dan alasannya. "
                       "Nilai yang ditolak sudah disamarkan; nilai kolom yang bisa memuat data "
                       "pribadi atau teks bebas tidak diterbitkan.",
        description_en="Every source-file row that was not loaded, with the column and the "
                       "reason. Rejected values are redacted; values of columns that may hold "
                       "personal data or free text are not published.",
        producer="Diskominfo (pemuat data Lentera)", frequency_id="Setiap kali data dimuat",
        frequency_en="Every load", columns=REJECT_COLUMNS,
        order_by=("source", "source_file", "source_row"), source=False,
        query="export_baris_ditolak", params=("kolom_tertahan",),
    ),
)}

# Column headers of the dictionary table (i18n keys in data.toml).
DICTIONARY_COLUMNS = ("kolom", "tipe", "arti", "satuan", "contoh")


def dataset(name: str) -> Dataset:
    """The dataset called `name` (KeyError for an unknown one)."""
    return DATASETS[name]


def dictionary(name: str, lang: str = "id") -> pl.DataFrame:
    """The data dictionary of a dataset: kolom, tipe, arti, satuan, contoh (one row per column)."""
    ds = DATASETS[name]
    rows = []
    for c in ds.columns:
        meaning = c.description_en if lang == "en" else c.description_id
        if c.values:
            meaning = f"{meaning} ({', '.join(c.values)})"
        rows.append((c.name, c.sql_type, meaning, c.unit, c.example))
    return pl.DataFrame(rows, schema={k: pl.String for k in DICTIONARY_COLUMNS}, orient="row")


# --- live citizen reports: a public id, never the ticket ---------------------------------

LIVE_ID = "id_publik"
_PUBLIC_ID_SECRET = "public_id"  # kept in the store (lentera.store.keys), the same on every replica


def public_id(ticket: str, key: str) -> str:
    """The public id of a citizen report: `W-` + 16 hex of an HMAC-SHA256 of its ticket under a
    secret key. Stable across downloads; the ticket (which opens Lacak and its photos) can't be
    recovered or guessed from it."""
    import hashlib
    import hmac

    return "W-" + hmac.new(key.encode(), ticket.encode(), hashlib.sha256).hexdigest()[:16]


def public_id_key() -> str:
    """The secret key of `public_id` (kept in the store, the same on every replica)."""
    from lentera.store import keys

    return keys.app_secret_value(_PUBLIC_ID_SECRET)


def laporan_warga() -> pl.DataFrame:
    """Live citizen complaints for the public download: `id_publik` in place of `nomor_tiket`."""
    from lentera.store import submissions

    frame = submissions.pengaduan_frame()
    key = public_id_key()
    ids = pl.Series(LIVE_ID, [public_id(x, key) for x in frame["nomor_tiket"].to_list()],
                    dtype=pl.String)
    return frame.with_columns(ids).select(
        [LIVE_ID if c == "nomor_tiket" else c for c in frame.columns])


def laporan_warga_dictionary(lang: str = "id") -> pl.DataFrame:
    """The dictionary of `laporan_warga()`: the complaints' one, with the public id's row."""
    meaning = ("Public id of the report (a keyed hash of its ticket, which stays private)"
               if lang == "en" else
               "Id publik laporan (hash berkunci dari nomor tiketnya; nomor tiket tetap rahasia)")
    row = pl.DataFrame([(LIVE_ID, "VARCHAR", meaning, "", "W-3f9a0c1d2b4e5f60")],
                       schema={k: pl.String for k in DICTIONARY_COLUMNS}, orient="row")
    rows = dictionary("pengaduan", lang)
    return pl.concat([row, rows.filter(pl.col("kolom") != "nomor_tiket")])


# --- queries against the warehouse --------------------------------------------------------


def summary(name: str) -> dict:
    """Rows, sum of the amount column, time coverage and number of kecamatan of one dataset."""
    ds = DATASETS[name]
    amount = f"sum({quote_ident(ds.amount)})::DOUBLE" if ds.amount else "NULL::DOUBLE"
    time_sql = ds.time_sql or "NULL::VARCHAR, NULL::VARCHAR"
    has_kec = any(c.name == "kode_kecamatan" for c in ds.columns)
    kec = "count(DISTINCT kode_kecamatan)" if has_kec else "NULL::BIGINT"
    # identifiers come from DATASETS (an allow-list), never from the URL
    frame = db.query(f"SELECT count(*) AS rows, {amount} AS amount, {time_sql}, {kec} AS kecamatan "
                     f"FROM {ds.table}")
    rows, total, start, end, kecamatan = frame.row(0)
    return {"rows": rows, "amount": total, "start": start, "end": end, "kecamatan": kecamatan}


def totals(name: str) -> pl.DataFrame:
    """The dataset's amount per year, stage and group (its `totals` query); empty without one."""
    ds = DATASETS[name]
    return db.named(ds.totals) if ds.totals else pl.DataFrame()


def reject_reasons(name: str, top: int = 10) -> pl.DataFrame:
    """The most frequent reasons rows of one source were rejected: reason, rows."""
    if not db.table_exists("etl_rejects"):
        return pl.DataFrame(schema={"reason": pl.String, "rows": pl.Int64})
    return db.query("""
        SELECT reason, count(*) AS rows FROM etl_rejects WHERE source = $source
        GROUP BY reason ORDER BY rows DESC, reason LIMIT $top""", {"source": name, "top": top})


def provenance(name: str) -> pl.DataFrame:
    """The source files of a dataset in this build: file, sha256, rows read/loaded/rejected, time."""
    if not db.table_exists("etl_runs"):
        return _empty_provenance()
    return db.query("""
        SELECT source_file, sha256, rows_read, rows_loaded, rows_rejected, status, message,
               finished_at
        FROM etl_runs WHERE source = $source ORDER BY source_file""", {"source": name})


def _empty_provenance() -> pl.DataFrame:
    return pl.DataFrame(schema={"source_file": pl.String, "sha256": pl.String,
                                "rows_read": pl.Int32, "rows_loaded": pl.Int32,
                                "rows_rejected": pl.Int32, "status": pl.String,
                                "message": pl.String, "finished_at": pl.Datetime("us")})


def load_totals() -> pl.DataFrame:
    """Per source: files, rows read, loaded and rejected, and when the load finished."""
    if not db.table_exists("etl_runs"):
        return pl.DataFrame(schema={"source": pl.String, "files": pl.Int64,
                                    "rows_read": pl.Int64, "rows_loaded": pl.Int64,
                                    "rows_rejected": pl.Int64, "loaded_at": pl.Datetime("us")})
    return db.query("""
        SELECT source, count(*) AS files, sum(rows_read)::BIGINT AS rows_read,
               sum(rows_loaded)::BIGINT AS rows_loaded, sum(rows_rejected)::BIGINT AS rows_rejected,
               max(finished_at) AS loaded_at
        FROM etl_runs GROUP BY source ORDER BY source""")


CHANGES_SCHEMA = {"data_version": pl.String, "dataset": pl.String, "added": pl.Int64,
                  "removed": pl.Int64, "changed": pl.Int64}


def changes(version: str | None = None) -> pl.DataFrame:
    """Rows added, removed and changed per dataset by the load that made `version` (default: now)."""
    if not db.table_exists("etl_changes"):
        return pl.DataFrame(schema=CHANGES_SCHEMA)
    version = version or db.data_version()
    return db.query("""
        SELECT data_version, dataset, added::BIGINT AS added, removed::BIGINT AS removed,
               changed::BIGINT AS changed
        FROM etl_changes WHERE data_version = $v ORDER BY dataset""", {"v": version})


# --- prepared files: where they live and the addresses they are served at -----------------

MANIFEST = "manifest.json"
# lentera.web.downloads serves these addresses (relative, so they work under any base path)
DOWNLOADS_URL = "unduh"
PACKAGE_NAME = "paket-data.zip"
# the file name of each format under /unduh/latest/, after the dataset's name
LATEST_SUFFIX = {"csv": ".csv", "csv_excel": "_excel.csv", "parquet": ".parquet",
                 "xlsx": ".xlsx", "geojson": ".geojson"}


def exports_root() -> Path:
    """`exports/` beside the warehouse: one folder per data version, written at load time."""
    return config.warehouse_path().parent / "exports"


def versions_root() -> Path:
    """`versions/` beside the warehouse: earlier warehouses kept for old links."""
    return config.warehouse_path().parent / "versions"


def manifest(version: str | None = None) -> dict:
    """The manifest of one version's prepared files (empty when there are none)."""
    version = version or db.data_version()
    if not _safe_version(version):
        return {}
    path = exports_root() / version / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _safe_version(version: str) -> bool:
    # versions come from URLs: only the loader's own shape may touch the file system
    return bool(re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,80}", version or ""))


def retained_versions() -> list[str]:
    """Data versions whose warehouse is kept under `<data dir>/versions`, newest first."""
    root = versions_root()
    if not root.is_dir():
        return []
    return sorted((p.stem for p in root.glob("*.duckdb")), reverse=True)


def has_exports(version: str) -> bool:
    return bool(manifest(version))


def prepared_folder(version: str | None = None) -> Path | None:
    """`<data dir>/exports/<version>` when that version's files are complete, else None."""
    version = version or db.data_version()
    if not _safe_version(version):
        return None
    folder = exports_root() / version
    return folder if (folder / MANIFEST).is_file() else None


def export_file(version: str, file: str) -> Path | None:
    """A prepared file of `version`, only if its manifest lists it (an allow-list: URLs never
    reach the file system by themselves)."""
    folder = prepared_folder(version)
    if folder is None:
        return None
    if file == MANIFEST:
        return folder / MANIFEST
    doc = manifest(version)
    listed = {f["file"] for d in doc.get("datasets", {}).values() for f in d.get("files", {}).values()}
    if doc.get("package"):
        listed.add(doc["package"]["file"])
    return folder / file if file in listed and (folder / file).is_file() else None


def latest_file(name: str, version: str | None) -> tuple[str, str] | None:
    """(version, file) behind `/unduh/latest/<name>` when `version` is the latest prepared one
    (lentera.warehouse.prepared.latest_version): `<dataset><suffix>`, `paket-data.zip` or
    `manifest.json`; None for an unknown name or when nothing is prepared."""
    if version is None:
        return None
    doc = manifest(version)
    if name == MANIFEST:
        return version, MANIFEST
    if name == PACKAGE_NAME:
        return (version, doc["package"]["file"]) if doc.get("package") else None
    for dataset, entry in doc.get("datasets", {}).items():
        for fmt_name, suffix in LATEST_SUFFIX.items():
            if name == dataset + suffix and fmt_name in entry.get("files", {}):
                return version, entry["files"][fmt_name]["file"]
    return None


def download_url(version: str, file: str) -> str:
    """Relative URL of one version's prepared file (the same bytes for ever)."""
    return f"{DOWNLOADS_URL}/{version}/{file}"


def latest_url(dataset: str, fmt_name: str) -> str:
    """Relative URL of a dataset's file in the latest prepared version (a stable address)."""
    name = PACKAGE_NAME if fmt_name == "package" else dataset + LATEST_SUFFIX[fmt_name]
    return f"{DOWNLOADS_URL}/latest/{name}"


def size_text(n: int) -> str:
    """A file size as `4,4 MB` / `12 kB` in the current language."""
    from lentera.core import fmt
    return f"{fmt.number(n / 1_000_000, 1)} MB" if n >= 100_000 else f"{fmt.number(n / 1000)} kB"


FORMATS = ("csv", "csv_excel", "xlsx", "parquet", "geojson")


def downloads(name: str, version: str | None = None) -> pl.DataFrame:
    """The prepared files of one dataset: format, file, url (this version's), latest (the stable
    address of the latest version's file), bytes, rows, note."""
    version = version or db.data_version()
    entry = manifest(version).get("datasets", {}).get(name, {})
    rows = []
    for fmt_name in FORMATS:
        f = entry.get("files", {}).get(fmt_name)
        if f:
            rows.append((fmt_name, f["file"], download_url(version, f["file"]),
                         latest_url(name, fmt_name), f["bytes"], f.get("rows"), ""))
        elif fmt_name in entry.get("notes", {}):
            rows.append((fmt_name, "", "", "", 0, None, entry["notes"][fmt_name]))
    return pl.DataFrame(rows, orient="row", schema={
        "format": pl.String, "file": pl.String, "url": pl.String, "latest": pl.String,
        "bytes": pl.Int64, "rows": pl.Int64, "note": pl.String})


def package_download(version: str | None = None) -> dict | None:
    """The zipped open-data package of a version: {file, url, latest, bytes}, or None."""
    version = version or db.data_version()
    pkg = manifest(version).get("package")
    if not pkg:
        return None
    return {**pkg, "url": download_url(version, pkg["file"]), "latest": latest_url("", "package")}


# --- the Tentang page and `make bench` -----------------------------------------------------

METHODS: list[tuple[str, str]] = [
    ("data.method_fiscal_title", "data.method_fiscal_body"),
    ("data.method_changes_title", "data.method_changes_body"),
    ("data.method_versions_title", "data.method_versions_body"),
    ("data.method_downloads_title", "data.method_downloads_body"),
    ("data.method_reproduce_title", "data.method_reproduce_body"),
    ("data.method_totals_title", "data.method_totals_body"),
    ("data.method_rejects_title", "data.method_rejects_body"),
    ("data.method_door_title", "data.method_door_body"),
]


def bench_queries() -> list[tuple[str, Callable[[], object]]]:
    """The Data page's queries with typical parameters."""
    return [
        ("summary_realisasi", lambda: summary("realisasi")),
        ("summary_pengaduan", lambda: summary("pengaduan")),
        ("provenance_realisasi", lambda: provenance("realisasi")),
        ("load_totals", load_totals),
        ("totals_anggaran", lambda: totals("anggaran")),
        ("reject_reasons_perizinan", lambda: reject_reasons("perizinan")),
        ("changes", changes),
    ]
