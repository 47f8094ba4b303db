-- pengaduan_ringkasan: headline figures of the filtered complaints.
SELECT
    count(*) AS jumlah,
    count(*) FILTER (WHERE tanggal_selesai IS NOT NULL) AS selesai,
    count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
    count(*) FILTER (WHERE tepat_waktu) AS tepat_waktu,
    rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
    median(hari_kerja) FILTER (WHERE tanggal_selesai IS NOT NULL)
        AS median_hari_kerja,
    quantile_cont(hari_kerja, 0.9) FILTER (WHERE tanggal_selesai IS NOT NULL) AS p90_hari_kerja,
    count(*) FILTER (WHERE terbuka) AS terbuka,
    count(*) FILTER (WHERE terbuka AND hari_lewat > 0) AS terbuka_lewat,
    count(*) FILTER (WHERE rahasia) AS rahasia
FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
