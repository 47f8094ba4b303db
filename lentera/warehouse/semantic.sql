-- Lentera's semantic layer: every measure the app publishes is defined here, once, as a DuckDB
-- macro or table macro over the warehouse tables. `lentera.warehouse.semantic.install` runs this
-- file on the app's in-memory parent connection (the warehouse ATTACHed read-only), and the ETL,
-- the tests and `make bench` use the same installer.
--
-- A measure's documentation stands directly above its definition, so text and computation
-- cannot drift apart; the Tentang page and the API read it from here (lentera.warehouse.measures).
-- A documentation block is a run of comment lines of the form
--   -- measure: <name>            (starts the block; the CREATE below it is the definition)
--   -- unit: <unit>
--   -- id.name: …  / en.name: …
--   -- id.definition: …  / en.definition: …
--   -- id.base: …  / en.base: …          (base period and cohort)
--   -- id.caveats: …  / en.caveats: …
-- A value continues on the following comment lines that start with "--   " (three spaces).
-- Helpers that are not published measures carry no block.
--
-- Values always arrive as macro parameters; no caller formats SQL. Sections are owned by topic.

-- ==== common ==================================================================================

-- Safe division: empty when the denominator is zero or empty (a helper, not a measure).
CREATE OR REPLACE MACRO rasio(pembilang, penyebut) AS
    CAST(pembilang AS DOUBLE) / nullif(CAST(penyebut AS DOUBLE), 0);

-- ==== anggaran (budget) =======================================================================

-- measure: serapan
-- unit: rasio (ditampilkan sebagai persen)
-- id.name: Serapan anggaran
-- en.name: Budget absorption
-- id.definition: Realisasi dibagi pagu: berapa bagian dari anggaran yang sudah dibelanjakan
--   (atau, untuk pendapatan, sudah diterima). Kosong bila pagu nol.
-- en.definition: Realisation divided by the pagu: the share of the budget already spent (or,
--   for revenue, already received). Empty when the pagu is zero.
-- id.base: Realisasi kumulatif sejak Januari sampai bulan yang dipilih, dibandingkan dengan pagu
--   efektif tahun yang sama (pagu perubahan bila tahun itu punya APBD-P, selain itu pagu murni).
-- en.base: Cumulative realisation from January to the chosen month, against the effective pagu
--   of the same year (the revised pagu when the year has an APBD-P, else the original one).
-- id.caveats: Realisasi yang tidak punya baris pagu tetap dihitung pada tingkat kabupaten.
-- en.caveats: Realisation without a matching pagu line still counts at the kabupaten level.
CREATE OR REPLACE MACRO serapan(realisasi, pagu) AS rasio(realisasi, pagu);

-- ==== sla (complaints and permits) ============================================================

-- Stage deadline: verification within 3 working days of receipt (SP4N-LAPOR!, Permenpan RB 62/2018).
CREATE OR REPLACE MACRO batas_verifikasi_hari_kerja() AS 3;

-- Stage deadline: the OPD's follow-up within 5 working days of disposition (Permenpan RB 62/2018).
CREATE OR REPLACE MACRO batas_tindak_lanjut_hari_kerja() AS 5;

-- Complaint statuses that end a case; without tanggal_selesai such a case is neither open nor measured.
CREATE OR REPLACE MACRO status_berakhir_pengaduan() AS ['bukan_wewenang', 'diarsipkan', 'ditolak'];

-- Permit statuses that end a case; without tanggal_selesai such a case is neither open nor measured.
CREATE OR REPLACE MACRO status_berakhir_perizinan() AS ['ditolak', 'dikembalikan', 'dicabut'];

-- Live citizen complaints, refreshed by lentera.warehouse.pengaduan (same columns as pengaduan).
CREATE TABLE IF NOT EXISTS pengaduan_live AS SELECT * FROM pengaduan LIMIT 0;

-- The live complaints' raw status events in local time (urutan orders events of one ticket).
CREATE TABLE IF NOT EXISTS pengaduan_live_event (
    nomor_tiket VARCHAR, waktu TIMESTAMP, status VARCHAR, urutan BIGINT
);

-- Working days each live complaint spent `ditunda` up to as_of (each pause runs to the next event).
CREATE OR REPLACE MACRO hari_ditunda_live(as_of) AS TABLE
WITH jeda AS (
    SELECT nomor_tiket, status, CAST(waktu AS DATE) AS mulai,
        coalesce(CAST(lead(waktu) OVER (PARTITION BY nomor_tiket ORDER BY urutan) AS DATE),
                 CAST(as_of AS DATE)) AS akhir
    FROM pengaduan_live_event
)
SELECT jeda.nomor_tiket, CAST(sum(greatest(0, ka.idx - km.idx)) AS INTEGER) AS hari_ditunda
FROM jeda
JOIN kalender_kerja AS km ON km.tanggal = jeda.mulai
JOIN kalender_kerja AS ka ON ka.tanggal = jeda.akhir
WHERE jeda.status = 'ditunda'
GROUP BY jeda.nomor_tiket;

-- Every complaint: the warehouse's (unless dengan_gudang is false) and the live ones, with pauses.
CREATE OR REPLACE MACRO pengaduan_semua(as_of, dengan_gudang := true) AS TABLE
SELECT * FROM pengaduan WHERE dengan_gudang
UNION ALL BY NAME
SELECT l.* REPLACE (coalesce(h.hari_ditunda, 0) AS hari_ditunda)
FROM pengaduan_live AS l
LEFT JOIN hari_ditunda_live(as_of) AS h ON h.nomor_tiket = l.nomor_tiket;

-- measure: sla_pengaduan
-- unit: one row per complaint (working days, dates, flags)
-- id.name: SLA pengaduan: hari kerja, target, tepat waktu
-- en.name: Complaint SLA: working days, target, on time
-- id.definition: Hari kerja adalah Senin–Jumat kecuali libur nasional Indonesia dan cuti bersama
--   yang ditetapkan. Hari kerja yang dipakai dihitung dari tanggal mulai ke tanggal akhir:
--   diterima Senin dan selesai Selasa = 1 hari kerja; selesai di hari yang sama = 0; jam
--   diabaikan. Jam mulai saat pengaduan diterima (tanggal_masuk) dan berhenti saat selesai
--   (tanggal_selesai); untuk pengaduan yang belum selesai jam berjalan sampai tanggal data.
--   Hari kerja saat pengaduan berstatus ditunda (menunggu keterangan pelapor) dikurangkan dari
--   waktu yang dipakai (hari_kerja, tidak pernah negatif) dan tanggal target bergeser sebanyak
--   itu; hari_kotor adalah hari kerja tanpa pengurangan jeda. Target per kategori mengikuti
--   tabel kategori_pengaduan (standar SP4N-LAPOR!/SIPPN: ringan ≤ 2, normatif ≤ 5, tanpa
--   pengawasan ≤ 14, perlu pemeriksaan ≤ 60 hari kerja; permintaan informasi 10 hari kerja
--   menurut UU 14/2008). Tanggal target: hari kerja ke-(target + jeda) setelah diterima. Tepat
--   waktu: pengaduan selesai dengan hari kerja tidak melebihi target; lewat target: hari kerja
--   dikurangi target (minimal 0), bagi yang masih terbuka dihitung pada tanggal data. Tahap
--   diukur dari tanggal diterima tanpa mengurangi jeda: verifikasi paling lama 3 hari kerja dan
--   tindak lanjut OPD paling lama 5 hari kerja setelah disposisi (Permenpan RB 62/2018; UU
--   25/2009; Perpres 76/2013).
-- en.definition: Working days are Monday to Friday except Indonesian national holidays and the
--   configured cuti bersama (collective leave). Working days used run from the start date to the
--   end date: received Monday and finished Tuesday = 1 working day; finished the same day = 0;
--   times of day are ignored. The clock starts when the complaint is received (tanggal_masuk)
--   and stops when it is finished (tanggal_selesai); for open complaints it runs to the data's
--   date. Working days a complaint spent 'ditunda' (waiting for the citizen's information) are
--   subtracted from the time used (hari_kerja, never negative) and the target date moves by as
--   many days; hari_kotor is the gross count without that subtraction. The target per category
--   comes from the kategori_pengaduan table (SP4N-LAPOR!/SIPPN tiers: light ≤ 2, normative ≤ 5,
--   no supervision needed ≤ 14, inspection needed ≤ 60 working days; information requests 10
--   working days under UU 14/2008). Target date: the (target + paused)-th working day after
--   receipt. On time: a finished complaint whose working days do not exceed the target; days past
--   target: working days minus target (at least 0), for open complaints counted at the data's
--   date. Stages are counted from receipt without subtracting pauses: verification within 3
--   working days and the office's follow-up within 5 working days of disposition (Permenpan RB
--   62/2018; UU 25/2009; Perpres 76/2013).
-- id.base: Setiap pengaduan di gudang data (SP4N-LAPOR!) dan yang dikirim warga lewat Lentera,
--   dihitung pada tanggal data (as_of).
-- en.base: Every complaint in the warehouse (SP4N-LAPOR!) and those citizens filed through
--   Lentera, computed at the data's date (as_of).
-- id.caveats: Pengaduan yang berakhir sebagai bukan wewenang, diarsipkan atau ditolak tanpa
--   tanggal selesai tidak terbuka dan tidak diukur. Kategori tanpa target tidak dinilai tepat
--   atau terlambat. Letak jeda dalam alur tidak diketahui, jadi tahap tidak dikurangi jeda.
-- en.caveats: Complaints ended as not in scope, archived or rejected without an end date are
--   neither open nor measured. A category without a target is never judged on time or late.
--   Where a pause fell in the flow is unknown, so stages are not net of pauses.
CREATE OR REPLACE MACRO sla_pengaduan(as_of, dengan_gudang := true) AS TABLE
WITH acuan AS (
    SELECT max(idx) AS idx FROM kalender_kerja WHERE tanggal = CAST(as_of AS DATE)
),
target AS (
    SELECT lower(trim(kategori)) AS kunci, target_hari_kerja FROM kategori_pengaduan
),
p AS (
    SELECT
        p.nomor_tiket, p.kategori, p.status, p.kanal, p.klasifikasi,
        p.kode_desa, p.kode_kecamatan, p.kode_skpd, p.anonim, p.rahasia,
        p.tanggal_masuk, p.tanggal_verifikasi, p.tanggal_disposisi,
        p.tanggal_tindak_lanjut, p.tanggal_selesai, p.hari_ditunda, p.source_file,
        CAST(p.tanggal_masuk AS DATE) AS mulai,
        greatest(coalesce(p.hari_ditunda, 0), 0) AS ditunda,
        CAST(t.target_hari_kerja AS INTEGER) AS target_hari_kerja,
        -- ended by its status without an end date: neither open nor measured
        coalesce(list_contains(status_berakhir_pengaduan(), p.status), false)
            AND p.tanggal_selesai IS NULL AS berakhir
    FROM pengaduan_semua(as_of, dengan_gudang := dengan_gudang) AS p
    LEFT JOIN target AS t ON t.kunci = lower(trim(p.kategori))
),
i AS (
    SELECT
        p.*,
        km.idx AS i_mulai, kv.idx AS i_verifikasi, kd.idx AS i_disposisi,
        kt.idx AS i_tindak_lanjut, ks.idx AS i_selesai,
        coalesce(ks.idx, acuan.idx) - km.idx AS dipakai
    FROM p
    CROSS JOIN acuan
    LEFT JOIN kalender_kerja AS km ON km.tanggal = p.mulai
    LEFT JOIN kalender_kerja AS kv ON kv.tanggal = CAST(p.tanggal_verifikasi AS DATE)
    LEFT JOIN kalender_kerja AS kd ON kd.tanggal = CAST(p.tanggal_disposisi AS DATE)
    LEFT JOIN kalender_kerja AS kt ON kt.tanggal = CAST(p.tanggal_tindak_lanjut AS DATE)
    LEFT JOIN kalender_kerja AS ks ON ks.tanggal = CAST(p.tanggal_selesai AS DATE)
),
-- DuckDB's greatest() skips NULLs, so clamping a maybe-NULL value at 0 is spelled with CASE
h AS (
    SELECT i.*,
        CASE WHEN NOT berakhir THEN CASE WHEN dipakai < 0 THEN 0 ELSE dipakai END END AS kotor
    FROM i
),
b AS (
    SELECT h.*, CASE WHEN kotor - ditunda < 0 THEN 0 ELSE kotor - ditunda END AS hk FROM h
)
SELECT
    b.nomor_tiket, b.kategori, b.status, b.kanal, b.klasifikasi,
    b.kode_desa, b.kode_kecamatan, b.kode_skpd, b.anonim, b.rahasia,
    b.tanggal_masuk, b.tanggal_verifikasi, b.tanggal_disposisi,
    b.tanggal_tindak_lanjut, b.tanggal_selesai, b.hari_ditunda, b.source_file, b.mulai,
    b.target_hari_kerja,
    CASE WHEN b.target_hari_kerja + b.ditunda = 0 THEN b.mulai ELSE kt.tanggal END AS target_date,
    CAST(b.i_verifikasi - b.i_mulai AS INTEGER) AS hk_verifikasi,
    CAST(b.i_disposisi - b.i_mulai AS INTEGER) AS hk_disposisi,
    CAST(b.i_tindak_lanjut - b.i_mulai AS INTEGER) AS hk_tindak_lanjut,
    CAST(b.i_selesai - b.i_mulai AS INTEGER) AS hk_selesai,
    CAST(b.i_tindak_lanjut - b.i_disposisi AS INTEGER) AS hk_disposisi_ke_tindak_lanjut,
    b.i_verifikasi - b.i_mulai <= batas_verifikasi_hari_kerja() AS verifikasi_tepat_waktu,
    b.i_tindak_lanjut - b.i_disposisi <= batas_tindak_lanjut_hari_kerja()
        AS tindak_lanjut_tepat_waktu,
    CAST(b.kotor AS INTEGER) AS hari_kotor,
    CAST(b.hk AS INTEGER) AS hari_kerja,
    CASE WHEN b.tanggal_selesai IS NOT NULL THEN b.hk <= b.target_hari_kerja END AS tepat_waktu,
    CAST(CASE WHEN b.hk - b.target_hari_kerja < 0 THEN 0 ELSE b.hk - b.target_hari_kerja END
         AS INTEGER) AS hari_lewat,
    b.tanggal_selesai IS NULL AND NOT b.berakhir AS terbuka
FROM b
LEFT JOIN kalender_kerja AS kt
    ON kt.hari_kerja AND kt.idx = b.i_mulai + b.target_hari_kerja + b.ditunda;

-- measure: sla_perizinan
-- unit: one row per application (working days, dates, flags)
-- id.name: SLA perizinan: hari kerja, standar, dalam standar
-- en.name: Permit SLA: working days, standard, within standard
-- id.definition: Hari kerja adalah Senin–Jumat kecuali libur nasional Indonesia dan cuti bersama
--   yang ditetapkan, dihitung dari tanggal mulai ke tanggal selesai: berkas lengkap Senin dan
--   terbit Selasa = 1 hari kerja; terbit di hari yang sama = 0. Jam mulai saat berkas lengkap
--   (tanggal_berkas_lengkap; tanggal permohonan bila kosong), sesuai standar pelayanan
--   (Permenpan RB 15/2014), dan berhenti saat dokumen selesai/terbit; yang masih diproses
--   dihitung sampai tanggal data. Standar waktu per layanan dari tabel standar_layanan, dengan
--   dasar hukumnya di kolom 'dasar': misalnya PBG paling lama 28 hari kerja (PP 16/2021), NIB
--   lewat OSS-RBA (PP 5/2021), layanan Disdukcapil 1 hari kerja setelah berkas lengkap (praktik
--   umum; dapat diatur). Dalam standar: selesai dengan hari kerja tidak melebihi standar. Lewat
--   standar: hari kerja dikurangi standar (minimal 0); tunggakan adalah permohonan yang masih
--   diproses pada tanggal data dan berapa hari kerja sudah lewat standar.
-- en.definition: Working days are Monday to Friday except Indonesian national holidays and the
--   configured cuti bersama, counted from the start date to the end date: file complete Monday
--   and issued Tuesday = 1 working day; issued the same day = 0. The clock starts when the file
--   is complete (tanggal_berkas_lengkap; the application date when missing), as service
--   standards require (Permenpan RB 15/2014), and stops when the document is finished or issued;
--   applications in progress count to the data's date. The time standard per service comes from
--   the standar_layanan table, its legal basis in the 'dasar' column: for example PBG within 28
--   working days (PP 16/2021), NIB through OSS-RBA (PP 5/2021), Disdukcapil documents 1 working
--   day after a complete file (common practice; configurable). Within standard: finished with
--   working days not above the standard. Days past standard: working days minus the standard (at
--   least 0); the backlog is the applications still in progress at the data's date and how many
--   working days past the standard they are.
-- id.base: Setiap permohonan di gudang data, dihitung pada tanggal data (as_of).
-- en.base: Every application in the warehouse, computed at the data's date (as_of).
-- id.caveats: Permohonan yang ditolak, dikembalikan atau dicabut tanpa tanggal selesai tidak
--   terbuka dan tidak diukur. Layanan tanpa standar tidak dinilai. Tidak ada jeda pada izin.
-- en.caveats: Applications rejected, returned or withdrawn without an end date are neither open
--   nor measured. A service without a standard is never judged. Permits have no pauses.
CREATE OR REPLACE MACRO sla_perizinan(as_of) AS TABLE
WITH acuan AS (
    SELECT max(idx) AS idx FROM kalender_kerja WHERE tanggal = CAST(as_of AS DATE)
),
p AS (
    SELECT
        p.nomor_permohonan, p.jenis_layanan, p.status, p.kode_desa, p.kode_kecamatan,
        p.kode_skpd, p.bentuk_pemohon, p.kbli, p.skala_usaha, p.tingkat_risiko,
        p.tanggal_permohonan, p.tanggal_berkas_lengkap, p.tanggal_selesai,
        CAST(coalesce(p.tanggal_berkas_lengkap, p.tanggal_permohonan) AS DATE) AS mulai,
        CAST(p.target_hari_kerja AS INTEGER) AS target_hari_kerja,
        -- ended by its status without an end date: neither open nor measured
        coalesce(list_contains(status_berakhir_perizinan(), p.status), false)
            AND p.tanggal_selesai IS NULL AS berakhir
    FROM perizinan AS p
),
i AS (
    SELECT
        p.*,
        km.idx AS i_mulai,
        CASE WHEN NOT p.berakhir THEN coalesce(ks.idx, acuan.idx) - km.idx END AS dipakai
    FROM p
    CROSS JOIN acuan
    LEFT JOIN kalender_kerja AS km ON km.tanggal = p.mulai
    LEFT JOIN kalender_kerja AS ks ON ks.tanggal = CAST(p.tanggal_selesai AS DATE)
),
h AS (
    SELECT i.*, CASE WHEN dipakai < 0 THEN 0 ELSE dipakai END AS hk FROM i
)
SELECT
    h.nomor_permohonan, h.jenis_layanan, h.status, h.kode_desa, h.kode_kecamatan,
    h.kode_skpd, h.bentuk_pemohon, h.kbli, h.skala_usaha, h.tingkat_risiko,
    h.tanggal_permohonan, h.tanggal_berkas_lengkap, h.tanggal_selesai, h.mulai,
    h.target_hari_kerja,
    CASE WHEN h.target_hari_kerja = 0 THEN h.mulai ELSE kt.tanggal END AS target_date,
    CAST(h.hk AS INTEGER) AS hari_kotor,
    CAST(h.hk AS INTEGER) AS hari_kerja,
    CASE WHEN h.tanggal_selesai IS NOT NULL THEN h.hk <= h.target_hari_kerja END AS tepat_waktu,
    CAST(CASE WHEN h.hk - h.target_hari_kerja < 0 THEN 0 ELSE h.hk - h.target_hari_kerja END
         AS INTEGER) AS hari_lewat,
    h.tanggal_selesai IS NULL AND NOT h.berakhir AS terbuka
FROM h
LEFT JOIN kalender_kerja AS kt ON kt.hari_kerja AND kt.idx = h.i_mulai + h.target_hari_kerja;

-- measure: rasio_tepat_waktu
-- unit: share (0–1)
-- id.name: Tepat waktu / dalam standar
-- en.name: On time / within standard
-- id.definition: Bagian kasus yang sudah selesai dengan hari kerja (pengaduan: setelah dikurangi
--   jeda) tidak melebihi target kategori atau standar layanannya: jumlah tepat waktu dibagi
--   jumlah kasus selesai yang punya target.
-- en.definition: The share of finished cases whose working days (complaints: net of pauses) do
--   not exceed their category's target or service's standard: on-time cases divided by finished
--   cases that have a target.
-- id.base: Kasus selesai dalam saringan yang dipilih (tahun masuk, kategori/layanan, wilayah).
-- en.base: Finished cases within the chosen filters (year received, category/service, area).
-- id.caveats: Kasus yang belum selesai belum dinilai, dan kasus tanpa target tidak dihitung;
--   tunggakan yang sudah lewat target tidak menurunkan angka ini (lihat tunggakan).
-- en.caveats: Open cases are not judged yet and cases without a target are left out; an overdue
--   backlog does not lower this figure (see the backlog).
CREATE OR REPLACE MACRO rasio_tepat_waktu(tepat_waktu) AS
    avg(CASE WHEN tepat_waktu THEN 1.0 ELSE 0.0 END) FILTER (WHERE tepat_waktu IS NOT NULL);

-- Complaints with their SLA and names, filtered (each f_ argument NULL = no filter).
CREATE OR REPLACE MACRO pengaduan_kasus(as_of, f_tahun, f_kategori, f_kanal, f_kecamatan, f_opd)
AS TABLE
SELECT k.*, w.nama_kecamatan, coalesce(s.singkatan, s.nama_skpd) AS nama_opd
FROM sla_pengaduan(as_of) AS k
LEFT JOIN wilayah_kecamatan AS w ON w.kode_kecamatan = k.kode_kecamatan
LEFT JOIN skpd AS s ON s.kode_skpd = k.kode_skpd
WHERE (CAST(f_tahun AS INTEGER) IS NULL OR year(k.tanggal_masuk) = CAST(f_tahun AS INTEGER))
  AND (f_kategori IS NULL OR k.kategori = f_kategori)
  AND (f_kanal IS NULL OR k.kanal = f_kanal)
  AND (f_kecamatan IS NULL OR k.kode_kecamatan = f_kecamatan)
  AND (f_opd IS NULL OR k.kode_skpd = f_opd);

-- Applications with their SLA, processing office (the application's SKPD, else the standard's
-- kantor) and legal basis, filtered (each f_ argument NULL = no filter).
CREATE OR REPLACE MACRO perizinan_kasus(as_of, f_tahun, f_layanan, f_kantor, f_kecamatan) AS TABLE
SELECT * FROM (
    SELECT k.*, w.nama_kecamatan,
        coalesce(s.singkatan, sl.kantor, s.nama_skpd) AS kantor, sl.dasar
    FROM sla_perizinan(as_of) AS k
    LEFT JOIN wilayah_kecamatan AS w ON w.kode_kecamatan = k.kode_kecamatan
    LEFT JOIN skpd AS s ON s.kode_skpd = k.kode_skpd
    LEFT JOIN standar_layanan AS sl ON sl.jenis_layanan = k.jenis_layanan
) AS k
WHERE (CAST(f_tahun AS INTEGER) IS NULL OR year(k.tanggal_permohonan) = CAST(f_tahun AS INTEGER))
  AND (f_layanan IS NULL OR k.jenis_layanan = f_layanan)
  AND (f_kantor IS NULL OR k.kantor = f_kantor)
  AND (f_kecamatan IS NULL OR k.kode_kecamatan = f_kecamatan);

-- measure: tunggakan_pengaduan
-- unit: complaints (count per bucket)
-- id.name: Tunggakan pengaduan
-- en.name: Complaint backlog
-- id.definition: Pengaduan yang belum selesai pada tanggal data, menurut umurnya (hari kerja
--   sejak diterima, dikurangi jeda: 0–5, 6–10, 11–20, 21–60, > 60) dan menurut berapa hari
--   kerja sudah lewat target (0, 1–5, 6–20, > 20; '?' bila kategorinya tanpa target).
-- en.definition: Complaints still open at the data's date, by age (working days since receipt,
--   net of pauses: 0–5, 6–10, 11–20, 21–60, > 60) and by how many working days they are past
--   target (0, 1–5, 6–20, > 20; '?' when the category has no target).
-- id.base: Pengaduan terbuka pada tanggal data, dalam saringan yang dipilih.
-- en.base: Complaints open at the data's date, within the chosen filters.
-- id.caveats: Pengaduan yang berakhir tanpa tanggal selesai (bukan wewenang, diarsipkan,
--   ditolak) tidak termasuk tunggakan.
-- en.caveats: Complaints ended without an end date (not in scope, archived, rejected) are not
--   part of the backlog.
CREATE OR REPLACE MACRO tunggakan_pengaduan(as_of, f_tahun, f_kategori, f_kanal, f_kecamatan,
                                            f_opd) AS TABLE
SELECT
    CASE WHEN grouping(umur) = 0 THEN 'umur' ELSE 'lewat' END AS sumbu,
    CASE WHEN grouping(umur) = 0 THEN umur ELSE lewat END AS kelompok,
    CASE WHEN grouping(umur) = 0 THEN umur_urutan ELSE lewat_urutan END AS urutan,
    count(*) AS jumlah
FROM (
    SELECT
        CASE WHEN hari_kerja <= 5 THEN '0–5' WHEN hari_kerja <= 10 THEN '6–10'
             WHEN hari_kerja <= 20 THEN '11–20' WHEN hari_kerja <= 60 THEN '21–60'
             ELSE '> 60' END AS umur,
        CASE WHEN hari_kerja <= 5 THEN 1 WHEN hari_kerja <= 10 THEN 2
             WHEN hari_kerja <= 20 THEN 3 WHEN hari_kerja <= 60 THEN 4 ELSE 5 END AS umur_urutan,
        CASE WHEN hari_lewat IS NULL THEN '?' WHEN hari_lewat = 0 THEN '0'
             WHEN hari_lewat <= 5 THEN '1–5' WHEN hari_lewat <= 20 THEN '6–20'
             ELSE '> 20' END AS lewat,
        CASE WHEN hari_lewat IS NULL THEN 5 WHEN hari_lewat = 0 THEN 1 WHEN hari_lewat <= 5 THEN 2
             WHEN hari_lewat <= 20 THEN 3 ELSE 4 END AS lewat_urutan
    FROM pengaduan_kasus(as_of, f_tahun, f_kategori, f_kanal, f_kecamatan, f_opd)
    WHERE terbuka
) AS o
GROUP BY GROUPING SETS ((umur, umur_urutan), (lewat, lewat_urutan));

-- measure: alur_pengaduan
-- unit: complaints (count per stage)
-- id.name: Alur pengaduan (tahap yang dicapai)
-- en.name: Complaint funnel (stages reached)
-- id.definition: Berapa pengaduan mencapai tiap tahap: diterima (semua), diverifikasi,
--   didisposisi ke OPD, ditindaklanjuti, selesai — pengaduan dihitung di suatu tahap bila
--   tanggal tahap itu tercatat.
-- en.definition: How many complaints reached each stage: received (all), verified, disposed to
--   an office, followed up, finished — a complaint counts at a stage when that stage's date is
--   recorded.
-- id.base: Pengaduan yang diterima dalam saringan yang dipilih, pada tanggal data.
-- en.base: Complaints received within the chosen filters, at the data's date.
-- id.caveats: Pengaduan bisa melompati tahap (mis. langsung selesai), jadi tahap berikutnya bisa
--   lebih besar dari sebelumnya; pengaduan yang dibuka kembali kehilangan tanggal selesainya.
-- en.caveats: Complaints may skip a stage (e.g. finished straight away), so a later stage can
--   exceed an earlier one; a reopened complaint loses its end date.
CREATE OR REPLACE MACRO alur_pengaduan(as_of, f_tahun, f_kategori, f_kanal, f_kecamatan, f_opd)
AS TABLE
SELECT tahap, urutan, jumlah FROM (
    SELECT
        count(*) AS diterima,
        count(tanggal_verifikasi) AS diverifikasi,
        count(tanggal_disposisi) AS didisposisi,
        count(tanggal_tindak_lanjut) AS ditindaklanjuti,
        count(tanggal_selesai) AS selesai
    FROM pengaduan_kasus(as_of, f_tahun, f_kategori, f_kanal, f_kecamatan, f_opd)
) UNPIVOT (jumlah FOR tahap IN (diterima, diverifikasi, didisposisi, ditindaklanjuti, selesai))
JOIN (VALUES ('diterima', 1), ('diverifikasi', 2), ('didisposisi', 3), ('ditindaklanjuti', 4),
             ('selesai', 5)) AS u(nama, urutan) ON u.nama = tahap;

-- ==== musrenbang ==============================================================================
