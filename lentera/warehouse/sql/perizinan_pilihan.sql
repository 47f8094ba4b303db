-- perizinan_pilihan: the values each Perizinan filter offers (filter, value, label).
WITH k AS (SELECT * FROM perizinan_kasus(NULL, NULL, NULL, NULL, NULL))
SELECT 'tahun' AS filter, CAST(year(tanggal_permohonan) AS VARCHAR) AS nilai, NULL AS label
FROM k WHERE tanggal_permohonan IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'layanan', jenis_layanan, NULL FROM k WHERE jenis_layanan IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'kantor', kantor, NULL FROM k WHERE kantor IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'kecamatan', kode_kecamatan, nama_kecamatan FROM wilayah_kecamatan
ORDER BY 1, 2
