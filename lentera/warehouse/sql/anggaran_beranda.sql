-- Beranda's budget headline for $tahun (NULL = the latest budget year) at the stage in force:
-- belanja pagu, realisasi and serapan, pendapatan target, realisasi and attainment, last month;
-- and last year's belanja absorption at the same month against last year's effective pagu
-- (pagu_tahun_lalu with 'efektif': the effective view compares with the effective view).
-- Account class 4 is pendapatan, class 5 belanja (Permendagri 90/2019).
WITH th AS (
    SELECT y.tahun, tahap_pilihan(y.tahun, 'efektif') AS tahap,
           tahap_pilihan(y.tahun - 1, 'efektif') AS tahap_lalu
    FROM (SELECT coalesce(CAST($tahun AS INTEGER), max(tahun)) AS tahun FROM anggaran) y
    WHERE y.tahun IS NOT NULL
),
pagu AS (
    SELECT sum(a.pagu) FILTER (WHERE starts_with(a.kode_rekening, '5.')) AS pagu_belanja,
           sum(a.pagu) FILTER (WHERE starts_with(a.kode_rekening, '4.')) AS pagu_pendapatan
    FROM th, pagu_baris(th.tahun, th.tahap) a
),
real AS (
    SELECT max(r.bulan) AS bulan_terakhir,
           sum(r.realisasi) FILTER (WHERE starts_with(r.kode_rekening, '5.')) AS realisasi_belanja,
           sum(r.realisasi) FILTER (WHERE starts_with(r.kode_rekening, '4.')) AS realisasi_pendapatan
    FROM realisasi r, th WHERE r.tahun = th.tahun
),
lalu AS (
    SELECT (SELECT sum(a.pagu) FROM th, pagu_tahun_lalu(th.tahun, 'efektif') a
             WHERE starts_with(a.kode_rekening, '5.')) AS pagu_belanja_lalu,
           (SELECT sum(r.realisasi) FROM th, real, realisasi_kumulatif(th.tahun - 1, real.bulan_terakhir) r
             WHERE starts_with(r.kode_rekening, '5.')) AS realisasi_belanja_lalu
)
SELECT th.tahun, th.tahap,
       pagu.pagu_belanja, real.realisasi_belanja,
       serapan(real.realisasi_belanja, pagu.pagu_belanja) AS serapan_belanja,
       pagu.pagu_pendapatan, real.realisasi_pendapatan,
       serapan(real.realisasi_pendapatan, pagu.pagu_pendapatan) AS capaian_pendapatan,
       real.bulan_terakhir, th.tahap_lalu,
       serapan(lalu.realisasi_belanja_lalu, lalu.pagu_belanja_lalu) AS serapan_belanja_lalu
FROM th, pagu, real, lalu
