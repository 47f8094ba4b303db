-- perizinan_kecamatan: applications received in the filter's year per kecamatan of the
-- applicant, per 1,000 residents (population from wilayah_kecamatan, mostly estimates), median
-- working days and share within standard of the issued ones, and the open stock on $as_of.
SELECT
    w.kode_kecamatan, w.nama_kecamatan, coalesce(n.jumlah, 0) AS jumlah, w.penduduk,
    w.penduduk_estimasi,
    CASE WHEN w.penduduk > 0 THEN 1000.0 * coalesce(n.jumlah, 0) / w.penduduk END AS per_1000,
    n.terbit, n.median_hari_kerja, n.persen_tepat_waktu, n.tanpa_standar,
    coalesce(n.terbuka, 0) AS terbuka,
    coalesce(n.jumlah, 0) >= $min_kasus AS cukup
FROM wilayah_kecamatan AS w
LEFT JOIN (
    SELECT kode_kecamatan, count(*) FILTER (WHERE alir) AS jumlah,
        count(*) FILTER (WHERE alir AND hasil = 'terbit') AS terbit,
        median(hari_kerja) FILTER (WHERE alir AND hasil = 'terbit') AS median_hari_kerja,
        rasio_tepat_waktu(CASE WHEN alir AND hasil = 'terbit' THEN tepat_waktu END)
            AS persen_tepat_waktu,
        count(*) FILTER (WHERE alir AND tanpa_standar) AS tanpa_standar,
        count(*) FILTER (WHERE NOT alir) AS terbuka
    FROM (
        SELECT *, true AS alir
        FROM perizinan_kasus($as_of, $tahun, $layanan, $kantor, $kecamatan)
        UNION ALL BY NAME
        SELECT *, false AS alir
        FROM perizinan_kasus($as_of, NULL, $layanan, $kantor, $kecamatan) WHERE terbuka
    ) AS k
    GROUP BY kode_kecamatan
) AS n USING (kode_kecamatan)
ORDER BY per_1000 DESC NULLS LAST, w.nama_kecamatan
