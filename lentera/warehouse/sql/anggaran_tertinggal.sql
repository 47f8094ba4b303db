-- Laggards: SKPD whose belanja absorption at month $bulan of $tahun is below the mean of their
-- own absorption at the same month in earlier years (fallback: the kabupaten's mean), with how
-- far behind in rupiah: (expected − actual) × pagu. Only SKPD with pagu ≥ $min_pagu.
-- Earlier years only count when their realisasi reaches month $bulan.
WITH pembanding AS (
    SELECT tahun FROM realisasi WHERE tahun < $tahun GROUP BY tahun HAVING max(bulan) >= $bulan
),
pagu AS (
    SELECT tahun, kode_skpd, sum(pagu) AS pagu
    FROM pagu_efektif()
    WHERE tahun <= $tahun AND starts_with(kode_rekening, '5')
    GROUP BY tahun, kode_skpd
),
real AS (
    SELECT r.tahun, r.kode_skpd, sum(r.realisasi) AS realisasi
    FROM (SELECT DISTINCT tahun FROM realisasi WHERE tahun <= $tahun) t,
         realisasi_kumulatif(t.tahun, $bulan) r
    WHERE starts_with(r.kode_rekening, '5')
    GROUP BY r.tahun, r.kode_skpd
),
serapan_skpd AS (
    SELECT p.tahun, p.kode_skpd, p.pagu, coalesce(r.realisasi, 0) AS realisasi,
           serapan(coalesce(r.realisasi, 0), p.pagu) AS serapan
    FROM pagu p LEFT JOIN real r USING (tahun, kode_skpd)
    WHERE p.pagu > 0
),
harapan_skpd AS (
    SELECT kode_skpd, avg(serapan) AS harapan, count(*) AS tahun_pembanding
    FROM serapan_skpd WHERE tahun IN (SELECT tahun FROM pembanding)
    GROUP BY kode_skpd
),
-- the kabupaten's absorption counts all belanja realisasi, matched to a pagu or not
kab_tahun AS (
    SELECT p.tahun,
           serapan(coalesce((SELECT sum(r.realisasi) FROM real r WHERE r.tahun = p.tahun), 0),
                   sum(p.pagu)) AS serapan
    FROM pagu p WHERE p.tahun IN (SELECT tahun FROM pembanding)
    GROUP BY p.tahun
),
harapan_kab AS (SELECT avg(serapan) AS harapan FROM kab_tahun),
kini AS (SELECT * FROM serapan_skpd WHERE tahun = $tahun AND pagu >= $min_pagu),
hasil AS (
    SELECT k.kode_skpd, k.pagu, k.realisasi, k.serapan,
           coalesce(h.harapan, hk.harapan) AS harapan,
           coalesce(h.tahun_pembanding, 0) AS tahun_pembanding,
           h.harapan IS NULL AS pakai_rata_kabupaten
    FROM kini k LEFT JOIN harapan_skpd h USING (kode_skpd) CROSS JOIN harapan_kab hk
)
SELECT hasil.kode_skpd,
       coalesce(s.nama_skpd, hasil.kode_skpd) AS nama_skpd,
       coalesce(s.singkatan, s.nama_skpd, hasil.kode_skpd) AS singkatan,
       hasil.pagu, hasil.realisasi, hasil.serapan, hasil.harapan,
       hasil.harapan - hasil.serapan AS selisih,
       round((hasil.harapan - hasil.serapan) * CAST(hasil.pagu AS DOUBLE), 2) AS tertinggal,
       hasil.tahun_pembanding, hasil.pakai_rata_kabupaten
FROM hasil LEFT JOIN skpd s USING (kode_skpd)
WHERE hasil.harapan > hasil.serapan
ORDER BY tertinggal DESC, hasil.kode_skpd
