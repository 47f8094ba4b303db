-- perizinan_ringkasan: headline figures of the filtered applications.
SELECT
    count(*) AS jumlah,
    count(*) FILTER (WHERE tanggal_selesai IS NOT NULL) AS selesai,
    count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
    rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
    count(*) FILTER (WHERE terbuka) AS terbuka,
    count(*) FILTER (WHERE terbuka AND hari_lewat > 0) AS terbuka_lewat,
    count(*) FILTER (WHERE jenis_layanan ILIKE '%NIB%' AND status = 'selesai') AS nib_terbit
FROM perizinan_kasus($as_of, $tahun, $layanan, $kantor, $kecamatan)
