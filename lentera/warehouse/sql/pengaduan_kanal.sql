-- pengaduan_kanal: complaints per channel (the page adds who each channel under-represents).
SELECT coalesce(kanal, '?') AS kanal, count(*) AS jumlah,
    count(*) / sum(count(*)) OVER () AS bagian
FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd) GROUP BY ALL ORDER BY jumlah DESC
