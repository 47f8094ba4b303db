"""The warehouse contract: sources, their columns (with aliases) and the tables they load into.

One definition serves the ETL (header matching, parsing, required columns), the data dictionary
on the Data page and the open-data package. Column names are the canonical names of
INPUT_FORMATS.md; derived columns are marked `derived=True` (computed by the ETL, not read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Parser kinds understood by etl.parse: text, code_skpd, code_rekening, code_sub_kegiatan,
# code_wilayah, int, year, month, amount, number, date, datetime, bool, enum, lat, lng.


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    sql_type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    description_id: str = ""
    description_en: str = ""
    unit: str = ""
    example: str = ""
    derived: bool = False
    # values allowed for kind == "enum" (canonical form; synonyms in etl.parse)
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    table: str
    title_id: str
    title_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # a row is unique on these (reloads never duplicate)
    producer: str = ""  # SKPD that produces the data (singkatan)
    frequency_id: str = ""
    frequency_en: str = ""
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required and not c.derived]


# Columns that exports carry and that are dropped on read (UU PDP; FACTS.md §6).
# nama_pemohon is kept only for badan_usaha rows (handled by the ETL).
PERSONAL_COLUMNS = (
    "nama_pelapor", "nik", "no_nik", "no_kk", "nomor_kk", "no_hp", "nomor_hp", "hp", "telepon",
    "no_telepon", "telp", "email", "e_mail", "alamat_pelapor", "alamat_pemohon", "tanggal_lahir",
    "tgl_lahir", "tempat_lahir", "nama_lengkap", "nama_warga",
)

PROVENANCE = (
    Column("source_file", "text", "VARCHAR", derived=True,
           description_id="Berkas sumber baris ini", description_en="File this row came from"),
    Column("source_row", "int", "INTEGER", derived=True,
           description_id="Nomor baris di berkas sumber (1 = baris pertama berkas)",
           description_en="Line number in the source file (1 = first line of the file)"),
)

STATUS_PENGADUAN = ("diterima", "diverifikasi", "didisposisi", "ditindaklanjuti", "selesai",
                    "ditunda", "bukan_wewenang", "diarsipkan", "ditolak")
STATUS_PERIZINAN = ("diproses", "selesai", "ditolak", "dikembalikan", "dicabut")
STATUS_USULAN = ("diusulkan", "diverifikasi_kecamatan", "diterima_opd", "masuk_rkpd",
                 "ditolak", "dikembalikan")
KANAL = ("web", "sms", "aplikasi", "media_sosial", "langsung", "telepon", "whatsapp", "kiosk")
KLASIFIKASI = ("pengaduan", "aspirasi", "permintaan_informasi")
SUMBER_USULAN = ("musrenbang", "pokir", "warga")
TAHAP_USULAN = ("desa", "kecamatan", "kabupaten")
TAHAP_APBD = ("murni", "perubahan")
BENTUK_PEMOHON = ("perorangan", "badan_usaha")
SKALA_USAHA = ("mikro", "kecil", "menengah", "besar")
TINGKAT_RISIKO = ("rendah", "menengah_rendah", "menengah_tinggi", "tinggi")

_WILAYAH = (
    Column("kode_desa", "code_wilayah", "VARCHAR", aliases=("kode_kelurahan",),
           description_id="Kode desa Kemendagri", description_en="Kemendagri village code",
           example="61.12.05.2001"),
    Column("nama_desa", "text", "VARCHAR", aliases=("desa", "kelurahan", "desa_kelurahan"),
           description_id="Nama desa", description_en="Village name", example="Batu Ampar"),
    Column("kode_kecamatan", "code_wilayah", "VARCHAR", derived=True,
           description_id="Kode kecamatan Kemendagri (dari desa atau nama kecamatan)",
           description_en="Kemendagri district code (from the village or district name)",
           example="61.12.05"),
    Column("nama_kecamatan", "text", "VARCHAR", aliases=("kecamatan",),
           description_id="Nama kecamatan", description_en="District name", example="Batu Ampar"),
)

ANGGARAN = Source(
    name="anggaran", table="anggaran",
    title_id="Anggaran (APBD) per rekening", title_en="Budget (APBD) by account",
    producer="BPKAD", frequency_id="Tahunan (murni) dan saat perubahan",
    frequency_en="Yearly (original) and at revision",
    key=("tahun", "tahap", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"),
    columns=(
        Column("tahun", "year", "INTEGER", True, ("tahun_anggaran",),
               "Tahun anggaran", "Fiscal year", example="2025"),
        Column("tahap", "enum", "VARCHAR", False, ("jenis_apbd",),
               "Tahap APBD: murni atau perubahan", "Budget stage: original (murni) or revised (perubahan)",
               example="murni", values=TAHAP_APBD),
        Column("kode_skpd", "code_skpd", "VARCHAR", True, ("kode_opd", "kode_unit"),
               "Kode SKPD (perangkat daerah)", "Office (SKPD) code", example="1.02.0.00.0.00.01.0000"),
        Column("nama_skpd", "text", "VARCHAR", True, ("nama_opd", "nama_unit", "skpd"),
               "Nama SKPD", "Office name", example="Dinas Kesehatan"),
        Column("kode_sub_kegiatan", "code_sub_kegiatan", "VARCHAR", False,
               ("kode_sub_giat", "kode_subkegiatan"),
               "Kode sub kegiatan (urusan.bidang.program.kegiatan.sub)",
               "Sub-activity code", example="1.02.02.2.01.0001"),
        Column("nama_sub_kegiatan", "text", "VARCHAR", False, ("nama_sub_giat",),
               "Nama sub kegiatan", "Sub-activity name"),
        Column("kode_rekening", "code_rekening", "VARCHAR", True, ("kode_akun", "kode_rek"),
               "Kode rekening (akun.kelompok.jenis.objek.rincian.sub rincian), dinormalkan",
               "Account code, normalised", example="5.1.01.01.01.0001"),
        Column("nama_rekening", "text", "VARCHAR", False, ("nama_akun", "uraian"),
               "Uraian rekening", "Account name", example="Belanja Gaji Pokok PNS"),
        Column("pagu", "amount", "DECIMAL(18,2)", True, ("anggaran", "nilai", "jumlah"),
               "Pagu anggaran", "Budgeted amount", unit="rupiah", example="1250000000.00"),
        Column("sumber_dana", "text", "VARCHAR", False, ("nama_dana",),
               "Sumber dana", "Funding source", example="DAU"),
    ) + PROVENANCE,
)

REALISASI = Source(
    name="realisasi", table="realisasi",
    title_id="Realisasi anggaran per bulan", title_en="Budget execution by month",
    producer="BPKAD", frequency_id="Bulanan", frequency_en="Monthly",
    key=("tahun", "bulan", "kode_skpd", "kode_sub_kegiatan", "kode_rekening"),
    columns=(
        Column("tahun", "year", "INTEGER", True, ("tahun_anggaran",), "Tahun anggaran", "Fiscal year",
               example="2025"),
        Column("bulan", "month", "INTEGER", True, ("periode",), "Bulan (1–12)", "Month (1–12)",
               example="8"),
        Column("kode_skpd", "code_skpd", "VARCHAR", True, ("kode_opd", "kode_unit"),
               "Kode SKPD", "Office (SKPD) code"),
        Column("kode_sub_kegiatan", "code_sub_kegiatan", "VARCHAR", False, ("kode_sub_giat",),
               "Kode sub kegiatan", "Sub-activity code"),
        Column("kode_rekening", "code_rekening", "VARCHAR", True, ("kode_akun", "kode_rek"),
               "Kode rekening, dinormalkan", "Account code, normalised"),
        Column("realisasi", "amount", "DECIMAL(18,2)", True,
               ("nilai_realisasi", "jumlah_realisasi", "nilai"),
               "Realisasi pada bulan itu (bukan kumulatif)", "Amount realised in the month (not cumulative)",
               unit="rupiah"),
    ) + PROVENANCE,
)

PENGADUAN = Source(
    name="pengaduan", table="pengaduan",
    title_id="Pengaduan masyarakat (SP4N-LAPOR!)", title_en="Public complaints (SP4N-LAPOR!)",
    producer="Diskominfo", frequency_id="Harian", frequency_en="Daily",
    key=("nomor_tiket",),
    columns=(
        Column("nomor_tiket", "text", "VARCHAR", True, ("id_laporan", "no_laporan", "tracking_id"),
               "Nomor tiket laporan", "Ticket number", example="LPR-2025-000123"),
        Column("tanggal_masuk", "datetime", "TIMESTAMP", True, ("tanggal_laporan", "created_at"),
               "Waktu laporan diterima (jam mulai SLA)", "Time received (SLA clock starts)"),
        Column("kategori", "text", "VARCHAR", True, ("topik",), "Kategori", "Category",
               example="Infrastruktur"),
        Column("status", "enum", "VARCHAR", True, ("status_laporan",), "Status terakhir",
               "Latest status", values=STATUS_PENGADUAN, example="selesai"),
        Column("kanal", "enum", "VARCHAR", False, ("sumber",), "Kanal pelaporan", "Channel",
               values=KANAL, example="web"),
        Column("klasifikasi", "enum", "VARCHAR", False, ("jenis_laporan",), "Klasifikasi",
               "Classification", values=KLASIFIKASI, example="pengaduan"),
        Column("judul", "text", "VARCHAR", False, (), "Judul (disamarkan)", "Title (redacted)"),
        Column("isi", "text", "VARCHAR", False, ("isi_laporan", "uraian"),
               "Isi laporan (data pribadi disamarkan)", "Text (personal data redacted)"),
        *_WILAYAH,
        Column("kode_skpd", "code_skpd", "VARCHAR", False, ("instansi_tujuan", "opd_tujuan"),
               "OPD tujuan disposisi", "Office the complaint was disposed to"),
        Column("tanggal_verifikasi", "datetime", "TIMESTAMP", False, (), "Waktu diverifikasi", "Verified at"),
        Column("tanggal_disposisi", "datetime", "TIMESTAMP", False, (), "Waktu didisposisi", "Disposed at"),
        Column("tanggal_tindak_lanjut", "datetime", "TIMESTAMP", False, (),
               "Waktu tindak lanjut pertama", "First follow-up at"),
        Column("tanggal_selesai", "datetime", "TIMESTAMP", False, (), "Waktu selesai", "Finished at"),
        Column("hari_ditunda", "int", "INTEGER", False, ("hari_tunda",),
               "Hari kerja jam SLA berhenti menunggu pelapor (ditunda)",
               "Working days the SLA clock was paused waiting on the citizen", unit="hari kerja"),
        Column("anonim", "bool", "BOOLEAN", False, (), "Identitas pelapor disembunyikan", "Anonymous"),
        Column("rahasia", "bool", "BOOLEAN", False, (), "Laporan rahasia: isi tidak ditampilkan",
               "Confidential: text never shown"),
    ) + PROVENANCE,
)

PERIZINAN = Source(
    name="perizinan", table="perizinan",
    title_id="Perizinan dan layanan administrasi kependudukan",
    title_en="Permits and civil-registry services",
    producer="DPMPTSP", frequency_id="Harian", frequency_en="Daily",
    key=("nomor_permohonan",),
    columns=(
        Column("nomor_permohonan", "text", "VARCHAR", True, ("no_registrasi", "nomor_registrasi"),
               "Nomor permohonan", "Application number"),
        Column("jenis_layanan", "text", "VARCHAR", True, ("jenis_izin", "layanan"),
               "Jenis layanan (nama baku dari standar layanan)", "Service (standard name)",
               example="Persetujuan Bangunan Gedung (PBG)"),
        Column("jenis_layanan_asli", "text", "VARCHAR", derived=True,
               description_id="Jenis layanan seperti tertulis di berkas sumber",
               description_en="Service as written in the source file"),
        Column("target_hari_kerja", "int", "INTEGER", derived=True,
               description_id="Target penyelesaian menurut standar layanan (kosong bila tidak dikenal)",
               description_en="Target from the service standard (empty when unknown)", unit="hari kerja"),
        Column("tanggal_permohonan", "date", "DATE", True, ("tanggal_daftar",),
               "Tanggal permohonan", "Application date"),
        Column("tanggal_berkas_lengkap", "date", "DATE", False, (),
               "Tanggal berkas lengkap (jam SLA mulai)", "File complete (SLA clock starts)"),
        Column("tanggal_selesai", "date", "DATE", False, ("tanggal_terbit",),
               "Tanggal selesai/terbit", "Finished/issued"),
        Column("status", "enum", "VARCHAR", True, (), "Status", "Status", values=STATUS_PERIZINAN),
        *_WILAYAH,
        Column("bentuk_pemohon", "enum", "VARCHAR", False, (), "Perorangan atau badan usaha",
               "Individual or business", values=BENTUK_PEMOHON),
        Column("nama_pemohon", "text", "VARCHAR", False, (),
               "Nama pemohon (hanya badan usaha)", "Applicant (businesses only)"),
        Column("kbli", "text", "VARCHAR", False, (), "KBLI 2020 (5 digit)", "KBLI 2020 code",
               example="47111"),
        Column("skala_usaha", "enum", "VARCHAR", False, (), "Skala usaha", "Business scale",
               values=SKALA_USAHA),
        Column("tingkat_risiko", "enum", "VARCHAR", False, (), "Tingkat risiko", "Risk level",
               values=TINGKAT_RISIKO),
        Column("kode_skpd", "code_skpd", "VARCHAR", False, (), "Kantor yang memproses",
               "Processing office"),
    ) + PROVENANCE,
)

USULAN = Source(
    name="usulan", table="usulan",
    title_id="Usulan musrenbang", title_en="Development proposals (musrenbang)",
    producer="Bappedalitbang", frequency_id="Tahunan (siklus musrenbang)",
    frequency_en="Yearly (planning cycle)",
    key=("id_usulan",),
    columns=(
        Column("id_usulan", "text", "VARCHAR", True, ("id_unik",), "ID usulan", "Proposal id"),
        Column("tahun_rkpd", "year", "INTEGER", True, ("tahun_anggaran", "tahun"),
               "Tahun rencana (RKPD) yang dituju", "Plan year the proposal is for"),
        Column("usulan", "text", "VARCHAR", True, ("detail_gagasan", "gagasan"), "Usulan", "Proposal"),
        Column("permasalahan", "text", "VARCHAR", False, ("masalah", "detail_masalah"),
               "Permasalahan", "Problem"),
        Column("sumber", "enum", "VARCHAR", False, ("jenis_usul",), "Sumber usulan", "Source",
               values=SUMBER_USULAN),
        Column("tahap", "enum", "VARCHAR", False, (), "Tahap", "Stage", values=TAHAP_USULAN),
        Column("kode_desa", "code_wilayah", "VARCHAR", False, ("kode_kelurahan",),
               "Kode desa", "Village code"),
        Column("nama_desa", "text", "VARCHAR", False, ("desa", "kelurahan", "detail_lurahteks"),
               "Nama desa", "Village"),
        Column("kode_kecamatan", "code_wilayah", "VARCHAR", derived=True,
               description_id="Kode kecamatan", description_en="District code"),
        Column("nama_kecamatan", "text", "VARCHAR", False, ("kecamatan", "detail_camatteks"),
               "Nama kecamatan", "District"),
        Column("alamat", "text", "VARCHAR", False, ("alamat_teks",), "Lokasi (disamarkan)",
               "Location (redacted)"),
        Column("lat", "lat", "DOUBLE", False, ("detail_latpeta", "latitude"), "Lintang", "Latitude",
               unit="derajat"),
        Column("lng", "lng", "DOUBLE", False, ("detail_langpeta", "longitude", "lon"), "Bujur",
               "Longitude", unit="derajat"),
        Column("volume", "number", "DOUBLE", False, ("detail_volume",), "Volume", "Volume"),
        Column("satuan", "text", "VARCHAR", False, (), "Satuan", "Unit", example="meter"),
        Column("perkiraan_biaya", "amount", "DECIMAL(18,2)", False,
               ("anggaran", "detail_usulanggaran"), "Perkiraan biaya", "Estimated cost", unit="rupiah"),
        Column("kode_skpd_tujuan", "code_skpd", "VARCHAR", False, ("kode_skpd",), "OPD tujuan",
               "Target office"),
        Column("bidang_urusan", "text", "VARCHAR", False, (), "Bidang urusan", "Government sector"),
        Column("status", "enum", "VARCHAR", True, ("status_usul",), "Status", "Status",
               values=STATUS_USULAN),
        Column("alasan", "text", "VARCHAR", False, ("tolak_teks", "alasan_tolak"),
               "Alasan ditolak/dikembalikan", "Reason for rejection/return"),
        Column("kode_sub_kegiatan", "code_sub_kegiatan", "VARCHAR", False, (),
               "Sub kegiatan APBD yang mendanai", "Funding budget sub-activity"),
    ) + PROVENANCE,
)

SOURCES: dict[str, Source] = {s.name: s for s in (ANGGARAN, REALISASI, PENGADUAN, PERIZINAN, USULAN)}

# Reference and bookkeeping tables (created by etl.load from data/reference/).
REFERENCE_TABLES_SQL = {
    "wilayah_kecamatan": """
        kode_kecamatan VARCHAR PRIMARY KEY, kode_bps VARCHAR, nama_kecamatan VARCHAR,
        jumlah_desa INTEGER, lat DOUBLE, lng DOUBLE, luas_km2 DOUBLE, penduduk INTEGER,
        penduduk_estimasi BOOLEAN, geojson VARCHAR""",
    "wilayah_desa": """
        kode_desa VARCHAR PRIMARY KEY, nama_desa VARCHAR, kode_kecamatan VARCHAR,
        nama_kecamatan VARCHAR, lat DOUBLE, lng DOUBLE, penduduk INTEGER,
        penduduk_estimasi BOOLEAN, geojson VARCHAR""",
    "skpd": """
        kode_skpd VARCHAR PRIMARY KEY, nama_skpd VARCHAR, singkatan VARCHAR,
        kode_bidang VARCHAR, nama_bidang VARCHAR""",
    "kode_rekening": "kode_rekening VARCHAR PRIMARY KEY, nama_rekening VARCHAR, level VARCHAR",
    "standar_layanan": """
        jenis_layanan VARCHAR PRIMARY KEY, aliases VARCHAR, kantor VARCHAR,
        target_hari_kerja INTEGER, catatan VARCHAR, dasar VARCHAR, kepastian VARCHAR""",
    "kategori_pengaduan": """
        kategori VARCHAR PRIMARY KEY, target_hari_kerja INTEGER, tingkat VARCHAR,
        catatan VARCHAR, kepastian VARCHAR, kode_skpd_default VARCHAR""",
    "cuti_bersama": "tanggal DATE PRIMARY KEY, keterangan VARCHAR",
}

ETL_TABLES_SQL = {
    "etl_runs": """
        run_id VARCHAR, data_version VARCHAR, source VARCHAR, source_file VARCHAR,
        sha256 VARCHAR, rows_read INTEGER, rows_loaded INTEGER, rows_rejected INTEGER,
        status VARCHAR, message VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP""",
    "etl_rejects": """
        run_id VARCHAR, source VARCHAR, source_file VARCHAR, source_row INTEGER,
        "column" VARCHAR, value VARCHAR, reason VARCHAR""",
    # key/value facts about this build: data_version, built_at, is_sample, as_of, region
    "etl_warnings": """
        run_id VARCHAR, source VARCHAR, source_file VARCHAR, source_row INTEGER,
        "column" VARCHAR, value VARCHAR, reason VARCHAR""",
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
}
