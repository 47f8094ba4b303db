-- Absorption of belanja by month for every year: cumulative realisasi (January to the month, a
-- running sum of the monthly totals) ÷ the year's effective pagu. Months without realisasi count
-- as zero.
WITH pagu AS (
    SELECT tahun, sum(pagu) AS pagu
    FROM pagu_efektif() WHERE starts_with(kode_rekening, '5')
    GROUP BY tahun
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
       serapan(kum.realisasi_kumulatif, pagu.pagu) AS serapan
FROM kum JOIN pagu USING (tahun)
ORDER BY kum.tahun, kum.bulan
