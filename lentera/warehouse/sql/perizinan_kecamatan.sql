-- perizinan_kecamatan: applications per kecamatan of the applicant, per 1,000 residents
-- (population from wilayah_kecamatan, mostly estimates), and the share within standard.
SELECT
    w.kode_kecamatan, w.nama_kecamatan, coalesce(n.jumlah, 0) AS jumlah, w.penduduk,
    w.penduduk_estimasi,
    CASE WHEN w.penduduk > 0 THEN 1000.0 * coalesce(n.jumlah, 0) / w.penduduk END AS per_1000,
    n.median_hari_kerja, n.persen_tepat_waktu, n.terbuka,
    coalesce(n.jumlah, 0) >= $min_kasus AS cukup
FROM wilayah_kecamatan AS w
LEFT JOIN (
    SELECT kode_kecamatan, count(*) AS jumlah,
        median(hari_kerja) FILTER (WHERE tanggal_selesai IS NOT NULL) AS median_hari_kerja,
        rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
        count(*) FILTER (WHERE terbuka) AS terbuka
    FROM perizinan_kasus($as_of, $tahun, $layanan, $kantor, $kecamatan)
    GROUP BY kode_kecamatan
) AS n USING (kode_kecamatan)
ORDER BY per_1000 DESC NULLS LAST, w.nama_kecamatan
