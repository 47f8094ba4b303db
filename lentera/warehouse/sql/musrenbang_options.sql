-- The values the filters offer: every plan year, source, bidang, target office and kecamatan seen.
SELECT 'tahun' AS filter, CAST(tahun_rkpd AS VARCHAR) AS value, NULL AS label
FROM (SELECT DISTINCT tahun_rkpd FROM usulan WHERE tahun_rkpd IS NOT NULL)
UNION ALL
SELECT 'sumber', v, NULL FROM (SELECT DISTINCT coalesce(sumber, 'musrenbang') AS v FROM usulan)
UNION ALL
SELECT 'bidang', v, NULL FROM (SELECT DISTINCT bidang_urusan AS v FROM usulan WHERE bidang_urusan IS NOT NULL)
UNION ALL
SELECT 'opd', o.kode_skpd_tujuan, coalesce(any_value(s.nama_skpd), o.kode_skpd_tujuan)
FROM (SELECT DISTINCT kode_skpd_tujuan FROM usulan WHERE kode_skpd_tujuan IS NOT NULL) o
LEFT JOIN skpd s ON s.kode_skpd = o.kode_skpd_tujuan
GROUP BY o.kode_skpd_tujuan
UNION ALL
SELECT 'kecamatan', k.kode_kecamatan, k.nama_kecamatan
FROM wilayah_kecamatan k
ORDER BY 1, 2
