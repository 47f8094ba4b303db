-- pengaduan_pilihan: the values each Pengaduan filter offers (filter, value, label); the
-- clock's date does not matter here, so the pauses are counted to no date (NULL).
WITH semua AS (SELECT * FROM pengaduan_semua(NULL))
SELECT 'tahun' AS filter, CAST(year(tanggal_masuk) AS VARCHAR) AS nilai, NULL AS label
FROM semua WHERE tanggal_masuk IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'kategori', kategori, NULL FROM semua WHERE kategori IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'kanal', kanal, NULL FROM semua WHERE kanal IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'kecamatan', kode_kecamatan, nama_kecamatan FROM wilayah_kecamatan
UNION ALL
SELECT 'opd', p.kode_skpd, any_value(coalesce(s.singkatan, s.nama_skpd))
FROM semua AS p LEFT JOIN skpd AS s USING (kode_skpd)
WHERE p.kode_skpd IS NOT NULL GROUP BY p.kode_skpd
ORDER BY 1, 2
