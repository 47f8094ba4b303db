-- Years with a budget: which stages exist, and the latest month with realisasi.
WITH a AS (
    SELECT tahun,
           bool_or(coalesce(tahap, 'murni') = 'murni') AS ada_murni,
           bool_or(coalesce(tahap, 'murni') = 'perubahan') AS ada_perubahan
    FROM anggaran
    GROUP BY tahun
),
r AS (
    SELECT tahun, max(bulan) AS bulan_terakhir FROM realisasi GROUP BY tahun
)
SELECT a.tahun, a.ada_murni, a.ada_perubahan,
       CASE WHEN a.ada_perubahan THEN 'perubahan' ELSE 'murni' END AS tahap_efektif,
       r.bulan_terakhir
FROM a LEFT JOIN r USING (tahun)
ORDER BY a.tahun
