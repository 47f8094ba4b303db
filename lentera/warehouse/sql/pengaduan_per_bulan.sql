-- pengaduan_per_bulan: complaints received per month and group ($per chooses the grouping
-- column through a CASE, never through formatting).
SELECT
    CAST(date_trunc('month', tanggal_masuk) AS DATE) AS bulan,
    CASE $per
        WHEN 'kanal' THEN coalesce(kanal, '?')
        WHEN 'kecamatan' THEN coalesce(nama_kecamatan, '?')
        ELSE kategori
    END AS kelompok,
    count(*) AS jumlah
FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
GROUP BY ALL
ORDER BY bulan, kelompok
