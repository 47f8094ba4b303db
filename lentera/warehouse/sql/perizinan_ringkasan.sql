-- perizinan_ringkasan: headline figures. Flows: applications received in the filter's year, by
-- outcome, within standard (issued; not issued; net and gross), without a standard, paused.
-- Stock: applications open on $as_of, whatever year received.
WITH k AS (
    SELECT *, true AS alir FROM perizinan_kasus($as_of, $tahun, $layanan, $kantor, $kecamatan)
    UNION ALL BY NAME
    SELECT *, false AS alir FROM perizinan_kasus($as_of, NULL, $layanan, $kantor, $kecamatan)
    WHERE terbuka
)
SELECT
    count(*) FILTER (WHERE alir) AS jumlah,
    count(*) FILTER (WHERE alir AND tanggal_selesai IS NOT NULL) AS selesai,
    count(*) FILTER (WHERE alir AND hasil = 'terbit') AS terbit,
    count(*) FILTER (WHERE alir AND hasil = 'tidak_terbit' AND tanggal_selesai IS NOT NULL)
        AS tidak_terbit,
    count(*) FILTER (WHERE alir AND hasil = 'terbit' AND tepat_waktu IS NOT NULL) AS dinilai,
    rasio_tepat_waktu(CASE WHEN alir AND hasil = 'terbit' THEN tepat_waktu END)
        AS persen_tepat_waktu,
    rasio_tepat_waktu(CASE WHEN alir AND hasil = 'terbit' THEN tepat_waktu_kotor END)
        AS persen_tepat_waktu_kotor,
    rasio_tepat_waktu(CASE WHEN alir AND hasil = 'tidak_terbit' THEN tepat_waktu END)
        AS persen_tepat_waktu_tidak_terbit,
    count(*) FILTER (WHERE alir AND tanpa_standar) AS tanpa_standar,
    count(*) FILTER (WHERE alir AND hasil = 'terbit' AND tanpa_standar) AS terbit_tanpa_standar,
    rasio(count(*) FILTER (WHERE alir AND pernah_ditunda), count(*) FILTER (WHERE alir))
        AS persen_ditunda,
    count(*) FILTER (WHERE alir AND jeda_panjang(hari_ditunda, $batas_jeda)) AS jeda_panjang,
    count(*) FILTER (WHERE NOT alir) AS terbuka,
    count(*) FILTER (WHERE NOT alir AND hari_lewat > 0) AS terbuka_lewat,
    count(*) FILTER (WHERE alir AND jenis_layanan ILIKE '%NIB%' AND hasil = 'terbit') AS nib_terbit
FROM k
