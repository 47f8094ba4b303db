-- Absorption of belanja by month for every year: cumulative realisasi ÷ the year's effective
-- pagu (perubahan when the year has one, else murni). Months without realisasi count as zero.
WITH eff AS (
    SELECT tahun,
           CASE WHEN bool_or(coalesce(tahap, 'murni') = 'perubahan') THEN 'perubahan'
                ELSE 'murni' END AS tahap
    FROM anggaran GROUP BY tahun
),
pagu AS (
    SELECT a.tahun, sum(a.pagu) AS pagu
    FROM anggaran a JOIN eff ON a.tahun = eff.tahun AND coalesce(a.tahap, 'murni') = eff.tahap
    WHERE starts_with(a.kode_rekening, '5')
    GROUP BY a.tahun
),
bulanan AS (
    SELECT tahun, bulan, sum(realisasi) AS realisasi
    FROM realisasi WHERE starts_with(kode_rekening, '5')
    GROUP BY tahun, bulan
),
bulan AS (
    SELECT t.tahun, CAST(r.range AS INTEGER) AS bulan
    FROM (SELECT tahun, max(bulan) AS terakhir FROM bulanan GROUP BY tahun) t,
         range(1, 13) r
    WHERE r.range <= t.terakhir
),
kum AS (
    SELECT b.tahun, b.bulan, coalesce(m.realisasi, 0) AS realisasi,
           sum(coalesce(m.realisasi, 0)) OVER (PARTITION BY b.tahun ORDER BY b.bulan)
               AS realisasi_kumulatif
    FROM bulan b LEFT JOIN bulanan m USING (tahun, bulan)
)
SELECT kum.tahun, kum.bulan, kum.realisasi, kum.realisasi_kumulatif, pagu.pagu,
       CAST(kum.realisasi_kumulatif AS DOUBLE) / nullif(CAST(pagu.pagu AS DOUBLE), 0) AS serapan
FROM kum JOIN pagu USING (tahun)
ORDER BY kum.tahun, kum.bulan
