-- Years with a budget: which stages exist, the stage in force, and the latest month with realisasi.
WITH r AS (
    SELECT tahun, max(bulan) AS bulan_terakhir FROM realisasi GROUP BY tahun
)
SELECT t.tahun, t.ada_murni, t.ada_perubahan, t.tahap_efektif, r.bulan_terakhir
FROM tahap_anggaran() t LEFT JOIN r USING (tahun)
ORDER BY t.tahun
