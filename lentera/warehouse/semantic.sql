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

-- The stage of one budget line: a line loaded without a stage belongs to the murni budget.
CREATE OR REPLACE MACRO tahap_baris(tahap_tertulis) AS coalesce(tahap_tertulis, 'murni');

-- measure: tahap_efektif
-- unit: tahap (murni | perubahan)
-- id.name: Tahap APBD yang berlaku
-- en.name: Budget stage in force
-- id.definition: Tahap APBD yang menjadi dasar serapan suatu tahun: perubahan bila tahun itu
--   punya satu saja baris APBD perubahan, selain itu murni. Dipilih per tahun untuk seluruh
--   anggaran, tidak per perangkat daerah atau sub kegiatan, sehingga halaman Anggaran,
--   Musrenbang dan Beranda memakai pagu yang sama.
-- en.definition: The budget stage a year's absorption is measured against: the revised budget
--   (perubahan) when the year has any perubahan line, otherwise the original (murni). Chosen per
--   year for the whole budget, never per office or sub-activity, so the Anggaran, Musrenbang and
--   Beranda pages use the same budget.
-- id.base: Satu tahun anggaran; semua baris pagu tahun itu.
-- en.base: One budget year; every budget line of that year.
-- id.caveats: APBD perubahan disahkan di tengah tahun: sebelum itu tahun berjalan diukur
--   terhadap pagu murni. Sub kegiatan yang tidak ada di APBD perubahan tahun itu berpagu nol.
-- en.caveats: The revision is adopted mid-year, so until then the current year is measured
--   against the original budget. A sub-activity missing from that year's revision has a budget
--   of zero.
-- Pass a $parameter or a qualified column (not `tahun` nor `ae_baris.*`): they would bind inside.
CREATE OR REPLACE MACRO tahap_efektif(pilih_tahun) AS (
    SELECT CASE WHEN bool_or(tahap_baris(ae_baris.tahap) = 'perubahan') THEN 'perubahan'
                ELSE 'murni' END
    FROM anggaran ae_baris WHERE ae_baris.tahun = pilih_tahun
);

-- Every budget year: which stages exist and the stage in force (a helper for year pickers).
CREATE OR REPLACE MACRO tahap_anggaran() AS TABLE
    SELECT y.tahun,
           bool_or(tahap_baris(y.tahap) = 'murni') AS ada_murni,
           bool_or(tahap_baris(y.tahap) = 'perubahan') AS ada_perubahan,
           tahap_efektif(y.tahun) AS tahap_efektif
    FROM anggaran y
    GROUP BY y.tahun;

-- measure: pagu_baris
-- unit: rupiah (baris anggaran)
-- id.name: Pagu
-- en.name: Budget (pagu)
-- id.definition: Baris-baris pagu APBD suatu tahun pada satu tahap (murni atau perubahan);
--   pagu suatu perangkat daerah, sub kegiatan atau rekening adalah jumlah barisnya. Untuk
--   pendapatan (akun 4) pagu adalah target. Memilih tahap di halaman Anggaran mengganti pagu
--   yang ditampilkan; persentase di ringkasan, rincian dan pencarian dihitung terhadap pagu
--   tahap itu.
-- en.definition: The APBD budget lines of a year at one stage (original murni or revised
--   perubahan); the budget of an office, sub-activity or account is the sum of its lines. For
--   revenue (account 4) the budget is the target. Choosing a stage on the Anggaran page changes
--   the budget shown; percentages in the headline, breakdown and search are against that stage.
-- id.base: Tahun anggaran dan tahap yang dipilih.
-- en.base: The chosen budget year and stage.
-- id.caveats: Angka dari dokumen APBD yang dimuat; baris tanpa keterangan tahap dianggap murni.
-- en.caveats: Figures from the loaded APBD documents; a line without a stage counts as murni.
CREATE OR REPLACE MACRO pagu_baris(pilih_tahun, pilih_tahap) AS TABLE
    SELECT * FROM anggaran WHERE tahun = pilih_tahun AND tahap_baris(tahap) = pilih_tahap;

-- measure: pagu_efektif
-- unit: rupiah (baris anggaran)
-- id.name: Pagu efektif
-- en.name: Effective budget
-- id.definition: Baris pagu setiap tahun pada tahap yang berlaku tahun itu (perubahan bila ada,
--   selain itu murni; lihat tahap APBD yang berlaku). Dasar serapan anggaran dan pagu sub
--   kegiatan di halaman Musrenbang.
-- en.definition: Every year's budget lines at the stage in force that year (the revision when
--   there is one, else the original; see budget stage in force). The base of budget absorption
--   and of the sub-activity budgets on the Musrenbang page.
-- id.base: Semua tahun anggaran yang dimuat.
-- en.base: Every loaded budget year.
-- id.caveats: Tahun berjalan memakai pagu murni sampai APBD perubahan dimuat.
-- en.caveats: The current year uses the original budget until the revision is loaded.
CREATE OR REPLACE MACRO pagu_efektif() AS TABLE
    SELECT a.* FROM tahap_anggaran() t, pagu_baris(t.tahun, t.tahap_efektif) a;

-- The stage a view asks for, per year: 'efektif' is the stage in force that year (a helper).
CREATE OR REPLACE MACRO tahap_pilihan(pilih_tahun, pilih_tahap) AS
    CASE WHEN pilih_tahap = 'efektif' THEN tahap_efektif(pilih_tahun) ELSE pilih_tahap END;

-- measure: pagu_tahun_lalu
-- unit: rupiah (baris anggaran)
-- id.name: Pagu pembanding tahun lalu
-- en.name: Last year's comparable budget
-- id.definition: Baris pagu tahun sebelumnya pada tahap yang sama dengan tampilan: APBD murni
--   dibandingkan dengan murni tahun lalu, perubahan dengan perubahan tahun lalu, pagu efektif
--   (Beranda, grafik serapan) dengan pagu efektif tahun lalu. "+x poin dibanding tahun lalu" =
--   serapan tahun ini (realisasi Januari sampai bulan data ÷ pagu tahap itu) dikurangi serapan
--   tahun lalu pada bulan yang sama terhadap pagu pembanding ini. Keterangan di bawah angka
--   menyebut tahap dan tahun kedua sisi.
-- en.definition: Last year's budget lines at the same stage as the view: the original budget
--   (murni) against last year's murni, the revision (perubahan) against last year's perubahan,
--   the effective budget (Beranda, absorption chart) against last year's effective budget.
--   "+x points vs last year" = this year's absorption (realisation January to the data's month ÷
--   that stage's pagu) minus last year's absorption at the same month against this budget. The
--   caption under the figure names the stage and year of both sides.
-- id.base: Tahun sebelum tahun yang dipilih, tahap yang sama, realisasi sampai bulan yang sama.
-- en.base: The year before the chosen one, the same stage, realisation to the same month.
-- id.caveats: Bila tahun lalu tidak punya tahap itu (mis. tanpa APBD perubahan), tidak ada
--   perbandingan; halaman mengatakannya alih-alih membandingkan dengan tahap lain.
-- en.caveats: When last year has no budget at that stage (e.g. no revision), there is no
--   comparison; the page says so instead of comparing with another stage.
CREATE OR REPLACE MACRO pagu_tahun_lalu(pilih_tahun, pilih_tahap) AS TABLE
    SELECT * FROM pagu_baris(pilih_tahun - 1, tahap_pilihan(pilih_tahun - 1, pilih_tahap));

-- measure: perubahan_pagu
-- unit: rupiah
-- id.name: Perubahan APBD
-- en.name: Budget revision
-- id.definition: Per baris anggaran (perangkat daerah, sub kegiatan, rekening) suatu tahun:
--   pagu murni dan pagu perubahan berdampingan; selisih = perubahan − murni. Bagian "apa yang
--   berubah" menjumlahkannya per perangkat daerah dan per jenis belanja.
-- en.definition: Per budget line (office, sub-activity, account) of a year: the original and
--   revised budgets side by side; difference = revised − original. "What changed" sums them by
--   office and by kind of spending.
-- id.base: Satu tahun anggaran yang punya kedua tahap.
-- en.base: One budget year that has both stages.
-- id.caveats: Baris yang hanya ada di satu tahap berpagu nol di tahap lainnya.
-- en.caveats: A line present at only one stage has a budget of zero at the other.
CREATE OR REPLACE MACRO perubahan_pagu(pilih_tahun) AS TABLE
    WITH m AS (
        SELECT kode_skpd, kode_sub_kegiatan, kode_rekening, sum(pagu) AS pagu
        FROM pagu_baris(pilih_tahun, 'murni') GROUP BY ALL
    ),
    p AS (
        SELECT kode_skpd, kode_sub_kegiatan, kode_rekening, sum(pagu) AS pagu
        FROM pagu_baris(pilih_tahun, 'perubahan') GROUP BY ALL
    )
    SELECT coalesce(m.kode_skpd, p.kode_skpd) AS kode_skpd,
           coalesce(m.kode_sub_kegiatan, p.kode_sub_kegiatan) AS kode_sub_kegiatan,
           coalesce(m.kode_rekening, p.kode_rekening) AS kode_rekening,
           coalesce(m.pagu, 0) AS pagu_murni, coalesce(p.pagu, 0) AS pagu_perubahan
    FROM m FULL JOIN p
      ON m.kode_skpd IS NOT DISTINCT FROM p.kode_skpd
     AND m.kode_sub_kegiatan IS NOT DISTINCT FROM p.kode_sub_kegiatan
     AND m.kode_rekening IS NOT DISTINCT FROM p.kode_rekening;

-- measure: realisasi_kumulatif
-- unit: rupiah (baris realisasi)
-- id.name: Realisasi kumulatif
-- en.name: Cumulative spending (realisasi)
-- id.definition: Baris realisasi suatu tahun dari Januari sampai akhir bulan yang dipilih;
--   jumlahnya adalah uang yang sudah dibelanjakan (atau, untuk pendapatan, diterima) sampai
--   tanggal itu. "Per akhir <bulan> <tahun>" adalah bulan terakhir yang sudah ada realisasinya.
-- en.definition: The spending lines of a year from January to the end of the chosen month; their
--   sum is the money spent (or, for revenue, received) by that date. "As of the end of <month>
--   <year>" is the latest month with recorded spending.
-- id.base: Tahun anggaran, Januari sampai akhir bulan yang dipilih.
-- en.base: The budget year, January to the end of the chosen month.
-- id.caveats: Realisasi dicatat per bulan; bulan tanpa realisasi dihitung nol.
-- en.caveats: Spending is recorded per month; a month without spending counts as zero.
CREATE OR REPLACE MACRO realisasi_kumulatif(pilih_tahun, sampai_bulan) AS TABLE
    SELECT * FROM realisasi WHERE tahun = pilih_tahun AND bulan <= sampai_bulan;

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
-- id.caveats: Realisasi dicocokkan ke baris anggaran pada (tahun, kode SKPD, kode sub kegiatan,
--   kode rekening). Realisasi yang tidak punya baris pagu tetap dihitung, pada tingkat kabupaten
--   maupun dengan pagu nol di rinciannya, sehingga persentasenya bisa melewati 100%. Bila tahap
--   dipilih di halaman Anggaran, persentase dihitung terhadap pagu tahap itu.
-- en.caveats: Spending is matched to budget lines on (year, office code, sub-activity code,
--   account code). Spending without a budget line still counts, at the kabupaten level and with
--   a zero budget in the breakdown, so percentages can exceed 100%. When a stage is chosen on the
--   Anggaran page, percentages are against that stage's budget.
CREATE OR REPLACE MACRO serapan(realisasi, pagu) AS rasio(realisasi, pagu);

-- ==== sla (complaints and permits) ============================================================

-- The verdict of one case, shared by complaints and permits (helpers, not measures): on time when
-- closed within the target; no verdict while open or without a target (NULL stays NULL).
CREATE OR REPLACE MACRO putusan_tepat_waktu(tanggal_selesai, hari_kerja, target) AS
    CASE WHEN tanggal_selesai IS NOT NULL THEN hari_kerja <= target END;
-- Working days past the target, never below zero (greatest() would skip a NULL target).
CREATE OR REPLACE MACRO hari_lewat_target(hari_kerja, target) AS
    CAST(CASE WHEN hari_kerja - target < 0 THEN 0 ELSE hari_kerja - target END AS INTEGER);

-- Stage deadline: verification within 3 working days of receipt (SP4N-LAPOR!, Permenpan RB 62/2018).
CREATE OR REPLACE MACRO batas_verifikasi_hari_kerja() AS 3;

-- Stage deadline: the OPD's follow-up within 5 working days of disposition (Permenpan RB 62/2018).
CREATE OR REPLACE MACRO batas_tindak_lanjut_hari_kerja() AS 5;

-- Complaint statuses that end a case; without tanggal_selesai such a case is neither open nor measured.
CREATE OR REPLACE MACRO status_berakhir_pengaduan() AS ['bukan_wewenang', 'diarsipkan', 'ditolak'];

-- Permit statuses that end a case; without tanggal_selesai such a case is neither open nor measured.
CREATE OR REPLACE MACRO status_berakhir_perizinan() AS ['ditolak', 'dikembalikan', 'dicabut'];

-- A stage date as known on as_of: NULL when it lies after as_of (a helper, not a measure).
CREATE OR REPLACE MACRO tanggal_pada(tanggal, as_of) AS
    CASE WHEN CAST(tanggal AS DATE) <= CAST(as_of AS DATE) THEN tanggal END;

-- measure: terbuka_pada
-- unit: flag per case (true = open on the date)
-- id.name: Terbuka pada tanggal
-- en.name: Open on a date
-- id.definition: Suatu kasus terbuka pada tanggal D bila sudah diterima paling lambat D, belum
--   selesai pada D (tanpa tanggal selesai, atau tanggal selesainya sesudah D) dan tidak berakhir
--   karena statusnya tanpa tanggal selesai. Tahun diterimanya tidak berpengaruh: tunggakan per D
--   memuat pengaduan dari tahun-tahun sebelumnya yang masih terbuka. Semua tampilan (Pengaduan,
--   Tinjauan mingguan, Beranda) memakai aturan ini.
-- en.definition: A case is open on date D when it was received on or before D, was not finished
--   by D (no end date, or an end date after D) and was not ended by a status without an end date.
--   The year it arrived does not matter: the backlog on D includes complaints from earlier years
--   still open. Every view (Pengaduan, weekly review, Beranda) uses this rule.
-- id.base: Persediaan (stok) pada tanggal D; saringan tahun tidak berlaku.
-- en.base: A stock on date D; the year filter does not apply.
-- id.caveats: Untuk tanggal sebelum tanggal data, status dan jeda yang tercatat adalah yang
--   terakhir; tanggal tahap sesudah D diabaikan.
-- en.caveats: For dates before the data's date the recorded status and pauses are the latest
--   ones; stage dates after D are ignored.
CREATE OR REPLACE MACRO terbuka_pada(tanggal_masuk, tanggal_selesai, berakhir, as_of) AS
    CAST(tanggal_masuk AS DATE) <= CAST(as_of AS DATE)
    AND (tanggal_selesai IS NULL OR CAST(tanggal_selesai AS DATE) > CAST(as_of AS DATE))
    AND NOT coalesce(berakhir, false);

-- Pauses longer than `batas` working days are flagged (the limit is LENTERA_PAUSE_FLAG_DAYS).
CREATE OR REPLACE MACRO jeda_panjang(hari_ditunda, batas) AS coalesce(hari_ditunda, 0) > batas;

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

-- Every complaint received on or before as_of (all when as_of is NULL): the warehouse's (unless
-- dengan_gudang is false) and the live ones, with pauses; `langsung` marks the live ones.
CREATE OR REPLACE MACRO pengaduan_semua(as_of, dengan_gudang := true) AS TABLE
SELECT * FROM (
    SELECT *, false AS langsung FROM pengaduan WHERE dengan_gudang
    UNION ALL BY NAME
    SELECT l.* REPLACE (coalesce(h.hari_ditunda, 0) AS hari_ditunda), true AS langsung
    FROM pengaduan_live AS l
    LEFT JOIN hari_ditunda_live(as_of) AS h ON h.nomor_tiket = l.nomor_tiket
) AS semua
WHERE as_of IS NULL OR CAST(semua.tanggal_masuk AS DATE) <= CAST(as_of AS DATE);

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
--   25/2009; Perpres 76/2013). Setiap angka SLA ditampilkan bersih (jeda dikurangi: hari_kerja,
--   tepat_waktu, hari_lewat) dan kotor (hari kerja kalender sejak diterima: hari_kotor,
--   tepat_waktu_kotor, hari_lewat_kotor) berdampingan. Mulai di akhir pekan atau hari libur:
--   hari kerja ke-1 adalah hari kerja berikutnya. Contoh: diterima Sabtu 15 Agustus 2026 (Senin
--   17 Agustus libur Hari Kemerdekaan) dengan target 2 hari kerja: hari ke-1 Selasa 18 Agustus,
--   tanggal target Rabu 19 Agustus; selesai Selasa 18 Agustus = 1 hari kerja, tepat waktu.
--   Pada tanggal D hanya pengaduan yang diterima paling lambat D yang dihitung (laporan warga
--   lewat Lentera juga), dan tanggal tahap sesudah D diabaikan.
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
--   62/2018; UU 25/2009; Perpres 76/2013). Every SLA figure is shown net (pauses subtracted:
--   hari_kerja, tepat_waktu, hari_lewat) and gross (calendar working days since receipt:
--   hari_kotor, tepat_waktu_kotor, hari_lewat_kotor) side by side. A start on a weekend or
--   holiday: working day 1 is the next working day. Example: received Saturday 15 August 2026
--   (Monday 17 August is the Independence Day holiday) with a 2-working-day target: day 1 is
--   Tuesday 18 August, the target date Wednesday 19 August; finished Tuesday 18 August = 1
--   working day, on time. On date D only complaints received on or before D count (citizens'
--   reports through Lentera too), and stage dates after D are ignored.
-- id.base: Setiap pengaduan di gudang data (SP4N-LAPOR!) dan yang dikirim warga lewat Lentera,
--   yang diterima paling lambat tanggal D (as_of), dihitung pada tanggal D.
-- en.base: Every complaint in the warehouse (SP4N-LAPOR!) and those citizens filed through
--   Lentera that was received on or before date D (as_of), computed at D.
-- id.caveats: Pengaduan yang berakhir sebagai bukan wewenang, diarsipkan atau ditolak tanpa
--   tanggal selesai tidak terbuka dan tidak diukur. Kategori tanpa target tidak dinilai tepat
--   atau terlambat. Letak jeda dalam alur tidak diketahui, jadi tahap antara (verifikasi,
--   disposisi, tindak lanjut) selalu kotor. Jeda yang lebih panjang dari batas (setelan
--   LENTERA_PAUSE_FLAG_DAYS, bawaan 20 hari kerja) ditandai di halaman dan di antrean petugas.
-- en.caveats: Complaints ended as not in scope, archived or rejected without an end date are
--   neither open nor measured. A category without a target is never judged on time or late.
--   Where a pause fell in the flow is unknown, so the intermediate stages (verification,
--   disposition, follow-up) are always gross. Pauses longer than the limit (setting
--   LENTERA_PAUSE_FLAG_DAYS, default 20 working days) are flagged on the page and in the
--   officials' queue.
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
        p.tanggal_masuk, tanggal_pada(p.tanggal_verifikasi, as_of) AS tanggal_verifikasi,
        tanggal_pada(p.tanggal_disposisi, as_of) AS tanggal_disposisi,
        tanggal_pada(p.tanggal_tindak_lanjut, as_of) AS tanggal_tindak_lanjut,
        tanggal_pada(p.tanggal_selesai, as_of) AS tanggal_selesai, p.hari_ditunda,
        p.source_file, p.langsung, CAST(p.tanggal_masuk AS DATE) AS mulai,
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
    b.tanggal_tindak_lanjut, b.tanggal_selesai, b.hari_ditunda, b.source_file, b.langsung,
    b.mulai, b.target_hari_kerja,
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
    putusan_tepat_waktu(b.tanggal_selesai, b.hk, b.target_hari_kerja) AS tepat_waktu,
    hari_lewat_target(b.hk, b.target_hari_kerja) AS hari_lewat,
    putusan_tepat_waktu(b.tanggal_selesai, b.kotor, b.target_hari_kerja) AS tepat_waktu_kotor,
    hari_lewat_target(b.kotor, b.target_hari_kerja) AS hari_lewat_kotor,
    b.ditunda > 0 AS pernah_ditunda,
    terbuka_pada(b.tanggal_masuk, b.tanggal_selesai, b.berakhir, as_of) AS terbuka
FROM b
LEFT JOIN kalender_kerja AS kt
    ON kt.hari_kerja AND kt.idx = b.i_mulai + b.target_hari_kerja + b.ditunda;

-- measure: hasil_perizinan
-- unit: hasil (terbit | tidak_terbit | proses)
-- id.name: Hasil permohonan izin
-- en.name: Outcome of a permit application
-- id.definition: 'terbit': dokumen sudah terbit (punya tanggal selesai dan statusnya bukan
--   ditolak, dikembalikan atau dicabut). 'tidak_terbit': permohonan ditolak, dikembalikan atau
--   dicabut (tanggal selesai, bila ada, adalah tanggal keputusan itu). 'proses': selain itu
--   (masih diproses). Waktu proses dan bagian dalam standar dihitung terpisah untuk 'terbit' dan
--   'tidak_terbit' dan selalu disebut hasil mana yang dihitung; "berapa lama layanan saya"
--   memakai permohonan yang terbit.
-- en.definition: 'terbit' (issued): the document was issued (it has an end date and its status
--   is not rejected, returned or withdrawn). 'tidak_terbit' (not issued): the application was
--   rejected, returned or withdrawn (its end date, if any, is the date of that decision).
--   'proses': anything else (in progress). Processing times and within-standard shares are
--   computed separately for issued and not-issued applications and always say which outcome
--   they cover; "how long will mine take" uses issued applications.
-- id.base: Satu permohonan, menurut status dan tanggal selesainya.
-- en.base: One application, by its status and end date.
-- id.caveats: Status dicatat oleh kantor pemroses; permohonan ditolak tanpa tanggal keputusan
--   tidak punya waktu proses.
-- en.caveats: Statuses are recorded by the processing office; a rejection without a decision
--   date has no processing time.
CREATE OR REPLACE MACRO hasil_perizinan(status, tanggal_selesai) AS
    CASE WHEN coalesce(list_contains(status_berakhir_perizinan(), status), false)
             THEN 'tidak_terbit'
         WHEN tanggal_selesai IS NOT NULL THEN 'terbit'
         ELSE 'proses' END;

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
--   diproses pada tanggal data dan berapa hari kerja sudah lewat standar. Jeda pada izin adalah
--   waktu menunggu berkas lengkap dari pemohon: hari_ditunda = hari kerja dari tanggal
--   permohonan sampai berkas lengkap. hari_kerja (bersih, dasar standar) dihitung dari berkas
--   lengkap; hari_kotor dihitung dari tanggal permohonan; tepat_waktu_kotor dan hari_lewat_kotor
--   memakai hari_kotor. Keduanya ditampilkan berdampingan. Mulai di akhir pekan atau hari
--   libur: hari kerja ke-1 adalah hari kerja berikutnya (berkas lengkap Sabtu, terbit Senin = 1
--   hari kerja). tanpa_standar: layanan yang tidak punya standar waktu; tidak dinilai dan
--   dihitung sebagai "tanpa standar".
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
--   working days past the standard they are. A pause on a permit is the wait for the applicant's
--   complete file: hari_ditunda = working days from the application date to the complete file.
--   hari_kerja (net, the standard's basis) counts from the complete file; hari_kotor counts from
--   the application date; tepat_waktu_kotor and hari_lewat_kotor use hari_kotor. Both are shown
--   side by side. A start on a weekend or holiday: working day 1 is the next working day (file
--   complete on Saturday, issued Monday = 1 working day). tanpa_standar: the service has no time
--   standard; it is never judged and is counted as "without a standard".
-- id.base: Setiap permohonan di gudang data, dihitung pada tanggal data (as_of).
-- en.base: Every application in the warehouse, computed at the data's date (as_of).
-- id.caveats: Permohonan yang ditolak, dikembalikan atau dicabut tanpa tanggal selesai tidak
--   terbuka dan tidak diukur. Layanan tanpa standar tidak dinilai tepat atau terlambat, tetapi
--   dihitung dan ditampilkan sebagai "tanpa standar". Jeda yang lebih panjang dari batas
--   (setelan LENTERA_PAUSE_FLAG_DAYS) ditandai.
-- en.caveats: Applications rejected, returned or withdrawn without an end date are neither open
--   nor measured. A service without a standard is never judged on time or late, but is counted
--   and shown as "without a standard". Pauses longer than the limit (setting
--   LENTERA_PAUSE_FLAG_DAYS) are flagged.
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
        hasil_perizinan(p.status, p.tanggal_selesai) AS hasil,
        -- ended by its status without an end date: neither open nor measured
        coalesce(list_contains(status_berakhir_perizinan(), p.status), false)
            AND p.tanggal_selesai IS NULL AS berakhir
    FROM perizinan AS p
),
i AS (
    SELECT
        p.*,
        km.idx AS i_mulai,
        CASE WHEN NOT p.berakhir THEN coalesce(ks.idx, acuan.idx) - km.idx END AS dipakai,
        -- the wait for a complete file, from the application date (the pause of a permit)
        km.idx - kp.idx AS tunggu
    FROM p
    CROSS JOIN acuan
    LEFT JOIN kalender_kerja AS km ON km.tanggal = p.mulai
    LEFT JOIN kalender_kerja AS kp ON kp.tanggal = CAST(p.tanggal_permohonan AS DATE)
    LEFT JOIN kalender_kerja AS ks ON ks.tanggal = CAST(p.tanggal_selesai AS DATE)
),
-- DuckDB's greatest() skips NULLs, so clamping a maybe-NULL value at 0 is spelled with CASE
h AS (
    SELECT i.*, CASE WHEN dipakai < 0 THEN 0 ELSE dipakai END AS hk,
        CASE WHEN tunggu < 0 THEN 0 ELSE coalesce(tunggu, 0) END AS ditunda
    FROM i
),
g AS (
    SELECT h.*, CASE WHEN NOT h.berakhir THEN h.hk + h.ditunda END AS kotor FROM h
)
SELECT
    g.nomor_permohonan, g.jenis_layanan, g.status, g.kode_desa, g.kode_kecamatan,
    g.kode_skpd, g.bentuk_pemohon, g.kbli, g.skala_usaha, g.tingkat_risiko,
    g.tanggal_permohonan, g.tanggal_berkas_lengkap, g.tanggal_selesai, g.mulai,
    g.target_hari_kerja,
    CASE WHEN g.target_hari_kerja = 0 THEN g.mulai ELSE kt.tanggal END AS target_date,
    g.hasil,
    g.target_hari_kerja IS NULL AS tanpa_standar,
    CAST(g.ditunda AS INTEGER) AS hari_ditunda,
    g.ditunda > 0 AS pernah_ditunda,
    CAST(g.kotor AS INTEGER) AS hari_kotor,
    CAST(g.hk AS INTEGER) AS hari_kerja,
    putusan_tepat_waktu(g.tanggal_selesai, g.hk, g.target_hari_kerja) AS tepat_waktu,
    hari_lewat_target(g.hk, g.target_hari_kerja) AS hari_lewat,
    putusan_tepat_waktu(g.tanggal_selesai, g.kotor, g.target_hari_kerja) AS tepat_waktu_kotor,
    hari_lewat_target(g.kotor, g.target_hari_kerja) AS hari_lewat_kotor,
    g.tanggal_selesai IS NULL AND NOT g.berakhir AS terbuka
FROM g
LEFT JOIN kalender_kerja AS kt ON kt.hari_kerja AND kt.idx = g.i_mulai + g.target_hari_kerja;

-- measure: rasio_tepat_waktu
-- unit: share (0–1)
-- id.name: Tepat waktu / dalam standar
-- en.name: On time / within standard
-- id.definition: Bagian kasus yang sudah selesai dengan hari kerja (pengaduan: setelah dikurangi
--   jeda) tidak melebihi target kategori atau standar layanannya: jumlah tepat waktu dibagi
--   jumlah kasus selesai yang punya target. Untuk pengaduan angka kotor (tanpa mengurangi jeda,
--   dari tepat_waktu_kotor) selalu ditampilkan di sampingnya.
-- en.definition: The share of finished cases whose working days (complaints: net of pauses) do
--   not exceed their category's target or service's standard: on-time cases divided by finished
--   cases that have a target. For complaints the gross rate (pauses not subtracted, from
--   tepat_waktu_kotor) is always shown beside it.
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

-- The label and order of a days-past-target bucket (a helper, not a measure).
CREATE OR REPLACE MACRO kelompok_lewat(hari) AS
    CASE WHEN hari IS NULL THEN '?' WHEN hari = 0 THEN '0' WHEN hari <= 5 THEN '1–5'
         WHEN hari <= 20 THEN '6–20' ELSE '> 20' END;
-- The sort order of that bucket (a helper, not a measure).
CREATE OR REPLACE MACRO urutan_lewat(hari) AS
    CASE WHEN hari IS NULL THEN 5 WHEN hari = 0 THEN 1 WHEN hari <= 5 THEN 2
         WHEN hari <= 20 THEN 3 ELSE 4 END;

-- measure: tunggakan_pengaduan
-- unit: complaints (count per bucket)
-- id.name: Tunggakan pengaduan
-- en.name: Complaint backlog
-- id.definition: Pengaduan yang terbuka pada tanggal D (terbuka_pada), dari tahun masuk mana
--   pun, menurut umurnya (hari kerja kalender sejak diterima: 0–5, 6–10, 11–20, 21–60, > 60),
--   menurut berapa hari kerja sudah lewat target setelah jeda dikurangi (sumbu 'lewat') dan
--   tanpa mengurangi jeda (sumbu 'lewat_kotor'): 0, 1–5, 6–20, > 20; '?' bila kategorinya tanpa
--   target.
-- en.definition: Complaints open on date D (terbuka_pada), whatever year they arrived, by age
--   (calendar working days since receipt: 0–5, 6–10, 11–20, 21–60, > 60), by how many working
--   days they are past target net of pauses (axis 'lewat') and gross (axis 'lewat_kotor'): 0,
--   1–5, 6–20, > 20; '?' when the category has no target.
-- id.base: Stok pengaduan terbuka pada tanggal D, dalam saringan kategori, kanal, wilayah dan
--   OPD; saringan tahun tidak berlaku.
-- en.base: The stock of complaints open on date D, within the category, channel, area and
--   office filters; the year filter does not apply.
-- id.caveats: Pengaduan yang berakhir tanpa tanggal selesai (bukan wewenang, diarsipkan,
--   ditolak) tidak termasuk tunggakan.
-- en.caveats: Complaints ended without an end date (not in scope, archived, rejected) are not
--   part of the backlog.
CREATE OR REPLACE MACRO tunggakan_pengaduan(as_of, f_kategori, f_kanal, f_kecamatan, f_opd)
AS TABLE
SELECT sumbu, kelompok, urutan, count(*) AS jumlah
FROM (
    SELECT
        CASE WHEN hari_kotor <= 5 THEN '0–5' WHEN hari_kotor <= 10 THEN '6–10'
             WHEN hari_kotor <= 20 THEN '11–20' WHEN hari_kotor <= 60 THEN '21–60'
             ELSE '> 60' END AS umur,
        CASE WHEN hari_kotor <= 5 THEN 1 WHEN hari_kotor <= 10 THEN 2
             WHEN hari_kotor <= 20 THEN 3 WHEN hari_kotor <= 60 THEN 4 ELSE 5 END AS umur_urutan,
        kelompok_lewat(hari_lewat) AS lewat, urutan_lewat(hari_lewat) AS lewat_urutan,
        kelompok_lewat(hari_lewat_kotor) AS lewat_kotor,
        urutan_lewat(hari_lewat_kotor) AS lewat_kotor_urutan
    FROM pengaduan_kasus(as_of, NULL, f_kategori, f_kanal, f_kecamatan, f_opd)
    WHERE terbuka
) AS o
CROSS JOIN LATERAL (VALUES ('umur', o.umur, o.umur_urutan), ('lewat', o.lewat, o.lewat_urutan),
                           ('lewat_kotor', o.lewat_kotor, o.lewat_kotor_urutan))
    AS v(sumbu, kelompok, urutan)
GROUP BY sumbu, kelompok, urutan;

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

-- measure: uang_sub_kegiatan
-- unit: rupiah
-- id.name: Dari usulan ke uang
-- en.name: From proposal to money
-- id.definition: Untuk setiap sub kegiatan yang ada di APBD suatu tahun (tahap mana pun): pagu
--   efektif sub kegiatan itu (tahap APBD yang berlaku tahun itu, sama dengan halaman Anggaran),
--   jumlah realisasinya pada tahun yang sama, dan serapannya. Usulan yang didanai menampilkan
--   angka sub kegiatannya.
-- en.definition: For every sub-activity in a year's APBD (at any stage): its effective budget
--   (the stage in force that year, the same as on the Anggaran page), its total spending in the
--   same year, and its absorption. Funded proposals show their sub-activity's figures.
-- id.base: Tahun rencana (RKPD) usulan = tahun anggaran; semua perangkat daerah yang memakai kode
--   sub kegiatan itu.
-- en.base: The proposal's plan (RKPD) year = the budget year; every office using that
--   sub-activity code.
-- id.caveats: Satu sub kegiatan bisa membiayai beberapa usulan, jadi angka ini milik sub
--   kegiatan, bukan satu usulan. Sub kegiatan yang tidak ada di APBD perubahan tahun itu berpagu
--   nol.
-- en.caveats: One sub-activity can fund several proposals, so the figures belong to the
--   sub-activity, not to a single proposal. A sub-activity missing from that year's revision has
--   a budget of zero.
CREATE OR REPLACE MACRO uang_sub_kegiatan() AS TABLE
    WITH ada AS (
        SELECT tahun, kode_sub_kegiatan, any_value(nama_sub_kegiatan) AS nama_sub_kegiatan,
               any_value(nama_skpd) AS nama_skpd
        FROM anggaran WHERE kode_sub_kegiatan IS NOT NULL
        GROUP BY tahun, kode_sub_kegiatan
    ),
    p AS (
        SELECT tahun, kode_sub_kegiatan, sum(pagu) AS pagu
        FROM pagu_efektif() WHERE kode_sub_kegiatan IS NOT NULL
        GROUP BY tahun, kode_sub_kegiatan
    ),
    r AS (
        SELECT tahun, kode_sub_kegiatan, sum(realisasi) AS realisasi
        FROM realisasi WHERE kode_sub_kegiatan IS NOT NULL
        GROUP BY tahun, kode_sub_kegiatan
    )
    SELECT ada.tahun, ada.kode_sub_kegiatan, ada.nama_sub_kegiatan, ada.nama_skpd,
           coalesce(p.pagu, 0) AS pagu, coalesce(r.realisasi, 0) AS realisasi,
           serapan(coalesce(r.realisasi, 0), p.pagu) AS serapan
    FROM ada
    LEFT JOIN p USING (tahun, kode_sub_kegiatan)
    LEFT JOIN r USING (tahun, kode_sub_kegiatan);

-- measure: tahap_usulan
-- unit: tahap 1–6
-- id.name: Alur usulan musrenbang
-- en.name: Musrenbang proposal pipeline
-- id.definition: Tahap terjauh yang dicapai usulan: 1 diusulkan desa → 2 diverifikasi kecamatan
--   → 3 diterima OPD → 4 masuk RKPD → 5 didanai APBD → 6 sudah dibelanjakan. Tahap diambil dari
--   status usulan; usulan dihitung di setiap tahap yang sudah dilaluinya. Usulan yang ditolak
--   atau dikembalikan di tingkat kabupaten dihitung sampai tahap kecamatan, di tingkat
--   desa/kecamatan hanya di tahap desa. Didanai: tautan usulan ke sub kegiatannya sah menurut
--   tautan_usulan (ada di APBD tahun rencananya, bidang urusan sama, kecamatan sama bila nama
--   sub kegiatan menyebut kecamatan); usulan ditolak/dikembalikan tidak pernah dihitung didanai.
--   Sudah dibelanjakan: sub kegiatan itu punya realisasi di atas nol pada tahun itu.
-- en.definition: The furthest stage a proposal reached: 1 proposed by the village → 2 verified
--   by the district → 3 accepted by the office → 4 in the RKPD plan → 5 funded in the APBD → 6
--   money spent. The stage comes from the proposal's status; a proposal counts in every stage it
--   reached. A proposal rejected or returned at regency level counts up to the district stage,
--   at village/district level only in the village stage. Funded: the proposal's link to its
--   sub-activity is valid under tautan_usulan (in its plan year's APBD, same government sector,
--   same district when the sub-activity's name names one); rejected/returned proposals never
--   count as funded. Money spent: that sub-activity has spending above zero in that year.
-- id.base: Usulan yang cocok dengan saringan; tahun rencana (RKPD) usulan.
-- en.base: The proposals matching the filters; each proposal's plan (RKPD) year.
-- id.caveats: Status dicatat oleh petugas; usulan tanpa kode sub kegiatan, atau dengan tautan
--   yang tidak cocok, tidak pernah mencapai tahap didanai.
-- en.caveats: Statuses are recorded by officials; a proposal without a sub-activity code, or
--   whose link does not match, never reaches the funded stage.
CREATE OR REPLACE MACRO tahap_usulan(status_usulan, tingkat_usulan, didanai, ada_realisasi) AS
    greatest(
        CASE status_usulan
            WHEN 'diusulkan' THEN 1
            WHEN 'diverifikasi_kecamatan' THEN 2
            WHEN 'diterima_opd' THEN 3
            WHEN 'masuk_rkpd' THEN 4
            -- a rejected/returned proposal at kabupaten level had passed the kecamatan
            ELSE CASE WHEN tingkat_usulan = 'kabupaten' THEN 2 ELSE 1 END
        END,
        -- rejected or returned proposals never count as funded or spent
        CASE WHEN didanai AND status_usulan NOT IN ('ditolak', 'dikembalikan') THEN 5 ELSE 0 END,
        CASE WHEN didanai AND status_usulan NOT IN ('ditolak', 'dikembalikan') AND ada_realisasi
             THEN 6 ELSE 0 END
    );

-- The bidang urusan code ("1.03") at the start of a sub kegiatan code or of a written bidang.
CREATE OR REPLACE MACRO kode_bidang_dari(teks) AS
    nullif(regexp_extract(trim(teks), '^([0-9]\.[0-9]{2})([^0-9]|$)', 1), '');

-- Text folded for matching place names: lower case, runs of other characters -> one space.
CREATE OR REPLACE MACRO lipat_nama(teks) AS
    ' ' || trim(regexp_replace(lower(teks), '[^a-z0-9]+', ' ', 'g')) || ' ';

-- measure: tautan_usulan
-- unit: ya/tidak per usulan
-- id.name: Tautan usulan ke sub kegiatan APBD
-- en.name: Link from a proposal to a budget sub-activity
-- id.definition: Usulan yang membawa kode sub kegiatan ditautkan ke sub kegiatan itu. Tautan sah
--   bila ketiganya benar: (1) kode itu ada di APBD tahun rencana (RKPD) usulan; (2) bidang urusan
--   sub kegiatan (dua segmen pertama kodenya, mis. 1.03) sama dengan bidang urusan usulan, yang
--   diambil dari kode di awal kolom bidang_urusan, kalau tidak ada dari namanya di tabel SKPD,
--   kalau tidak ada dari bidang OPD tujuan; (3) bila nama sub kegiatan menyebut kecamatan di
--   wilayah ("... Kecamatan Kubu"), kecamatan usulan termasuk di situ. Tautan yang tidak sah
--   ditampilkan sebagai tidak cocok dan usulannya tidak dihitung didanai.
-- en.definition: A proposal that carries a sub-activity code is linked to that sub-activity. The
--   link is valid when all three hold: (1) the code is in the APBD of the proposal's plan (RKPD)
--   year; (2) the sub-activity's government sector (the first two segments of its code, e.g.
--   1.03) equals the proposal's, taken from a code at the start of bidang_urusan, else from its
--   name in the SKPD table, else from the target office's sector; (3) when the sub-activity's
--   name names a district of the region ("... Kecamatan Kubu"), the proposal's district is among
--   them. An invalid link is shown as not matching and the proposal is not counted as funded.
-- id.base: Setiap usulan dengan kode sub kegiatan; APBD tahun rencananya (tahap mana pun).
-- en.base: Every proposal with a sub-activity code; its plan year's APBD (any stage).
-- id.caveats: Tempat hanya dapat diperiksa bila nama sub kegiatan menyebut kecamatan; sub
--   kegiatan tingkat kabupaten cocok untuk usulan dari kecamatan mana pun. Usulan tanpa bidang
--   urusan dan tanpa OPD tujuan tidak dapat diperiksa dan tidak dihitung didanai.
-- en.caveats: The place can only be checked when the sub-activity's name names a district; a
--   regency-wide sub-activity matches proposals from any district. A proposal with neither a
--   sector nor a target office cannot be checked and is not counted as funded.
CREATE OR REPLACE MACRO tautan_usulan() AS TABLE
    WITH sub AS (
        SELECT tahun, kode_sub_kegiatan, any_value(nama_sub_kegiatan) AS nama_sub_kegiatan
        FROM anggaran WHERE kode_sub_kegiatan IS NOT NULL
        GROUP BY tahun, kode_sub_kegiatan
    ),
    disebut AS (
        SELECT s.tahun, s.kode_sub_kegiatan, list(k.kode_kecamatan) AS kecamatan_disebut
        FROM sub AS s
        JOIN wilayah_kecamatan AS k
          ON contains(lipat_nama(s.nama_sub_kegiatan), ' kecamatan' || lipat_nama(k.nama_kecamatan))
        GROUP BY s.tahun, s.kode_sub_kegiatan
    ),
    bidang_nama AS (
        SELECT lower(trim(nama_bidang)) AS kunci, min(kode_bidang) AS kode_bidang
        FROM skpd WHERE nama_bidang IS NOT NULL GROUP BY 1
    ),
    u AS (
        SELECT u.id_usulan, u.tahun_rkpd, u.kode_sub_kegiatan, u.kode_kecamatan,
               coalesce(kode_bidang_dari(u.bidang_urusan), bn.kode_bidang,
                        kode_bidang_dari(o.kode_bidang)) AS bidang_usulan
        FROM usulan AS u
        LEFT JOIN bidang_nama AS bn ON bn.kunci = lower(trim(u.bidang_urusan))
        LEFT JOIN skpd AS o ON o.kode_skpd = u.kode_skpd_tujuan
        WHERE u.kode_sub_kegiatan IS NOT NULL
    )
    SELECT u.id_usulan, u.tahun_rkpd, u.kode_sub_kegiatan,
           s.kode_sub_kegiatan IS NOT NULL AS di_apbd,
           u.bidang_usulan, kode_bidang_dari(u.kode_sub_kegiatan) AS bidang_sub_kegiatan,
           coalesce(u.bidang_usulan = kode_bidang_dari(u.kode_sub_kegiatan), false) AS bidang_cocok,
           d.kecamatan_disebut,
           d.kecamatan_disebut IS NULL
               OR coalesce(list_contains(d.kecamatan_disebut, u.kode_kecamatan), false)
               AS tempat_cocok,
           s.kode_sub_kegiatan IS NOT NULL
               AND coalesce(u.bidang_usulan = kode_bidang_dari(u.kode_sub_kegiatan), false)
               AND (d.kecamatan_disebut IS NULL
                    OR coalesce(list_contains(d.kecamatan_disebut, u.kode_kecamatan), false))
               AS tautan_sah
    FROM u
    LEFT JOIN sub AS s ON s.tahun = u.tahun_rkpd AND s.kode_sub_kegiatan = u.kode_sub_kegiatan
    LEFT JOIN disebut AS d
        ON d.tahun = u.tahun_rkpd AND d.kode_sub_kegiatan = u.kode_sub_kegiatan;

-- Proposals matching the page filters (NULL = all) with their stage and sub kegiatan money.
CREATE OR REPLACE MACRO usulan_bertahap(f_tahun, f_status, f_sumber, f_bidang, f_opd,
                                        f_kecamatan, f_kode_sub_kegiatan) AS TABLE
    WITH u AS (
        SELECT *
        FROM usulan
        WHERE (f_tahun IS NULL OR tahun_rkpd = f_tahun)
          AND (f_status IS NULL OR status = f_status)
          AND (f_sumber IS NULL OR coalesce(sumber, 'musrenbang') = f_sumber)
          AND (f_bidang IS NULL OR bidang_urusan = f_bidang)
          AND (f_opd IS NULL OR kode_skpd_tujuan = f_opd)
          AND (f_kecamatan IS NULL OR kode_kecamatan = f_kecamatan)
          AND (f_kode_sub_kegiatan IS NULL OR kode_sub_kegiatan = f_kode_sub_kegiatan)
    )
    SELECT u.*, m.nama_sub_kegiatan, m.pagu AS pagu_sub_kegiatan,
           m.realisasi AS realisasi_sub_kegiatan, m.serapan AS serapan_sub_kegiatan,
           coalesce(l.tautan_sah, false) AS tautan_sah,
           u.kode_sub_kegiatan IS NOT NULL AND NOT coalesce(l.tautan_sah, false)
               AS tautan_tidak_cocok,
           tahap_usulan(u.status, u.tahap, coalesce(l.tautan_sah, false),
                        m.realisasi > 0) AS tahap_tercapai
    FROM u
    LEFT JOIN tautan_usulan() AS l ON l.id_usulan = u.id_usulan
    LEFT JOIN uang_sub_kegiatan() AS m
        ON m.tahun = u.tahun_rkpd AND m.kode_sub_kegiatan = u.kode_sub_kegiatan;

-- measure: uang_usulan
-- unit: rupiah
-- id.name: Uang untuk usulan yang didanai
-- en.name: Money for funded proposals
-- id.definition: Untuk usulan yang didanai (tahap 5 atau 6 menurut tahap_usulan) yang cocok dengan
--   saringan: satu baris per sub kegiatan per tahun dengan jumlah usulan yang didanainya, pagu
--   efektif, realisasi dan serapan sub kegiatan itu (uang_sub_kegiatan). Jumlah pagu dan
--   realisasi dihitung sekali per sub kegiatan, berapa pun usulan yang ditautkan kepadanya.
-- en.definition: For the funded proposals (stage 5 or 6 under tahap_usulan) matching the
--   filters: one row per sub-activity per year with the number of proposals it funds and the
--   sub-activity's effective budget, spending and absorption (uang_sub_kegiatan). Budget and
--   spending are counted once per sub-activity, however many proposals are linked to it.
-- id.base: Tahun rencana (RKPD) usulan = tahun anggaran; usulan yang cocok dengan saringan.
-- en.base: The proposals' plan (RKPD) year = the budget year; the proposals matching the
--   filters.
-- id.caveats: Pagu sub kegiatan biasanya membiayai lebih dari usulan warga (pekerjaan lain di
--   sub kegiatan yang sama), jadi jumlahnya adalah batas atas uang untuk usulan, bukan biaya
--   usulan.
-- en.caveats: A sub-activity's budget usually pays for more than the citizens' proposals (other
--   work under the same sub-activity), so the total is an upper bound on the money for the
--   proposals, not their cost.
CREATE OR REPLACE MACRO uang_usulan(f_tahun, f_status, f_sumber, f_bidang, f_opd, f_kecamatan,
                                    f_kode_sub_kegiatan) AS TABLE
    SELECT tahun_rkpd AS tahun, kode_sub_kegiatan, any_value(nama_sub_kegiatan) AS nama_sub_kegiatan,
           count(*) AS jumlah_usulan, list(id_usulan ORDER BY id_usulan) AS id_usulan,
           any_value(pagu_sub_kegiatan) AS pagu, any_value(realisasi_sub_kegiatan) AS realisasi,
           any_value(serapan_sub_kegiatan) AS serapan
    FROM usulan_bertahap(f_tahun, f_status, f_sumber, f_bidang, f_opd, f_kecamatan,
                         f_kode_sub_kegiatan)
    WHERE tahap_tercapai >= 5
    GROUP BY tahun_rkpd, kode_sub_kegiatan;
