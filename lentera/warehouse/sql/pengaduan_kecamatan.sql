-- pengaduan_kecamatan: complaints per kecamatan and per 1,000 residents (population from
-- wilayah_kecamatan; `penduduk_estimasi` marks estimates), with the polygon for the map.
SELECT
    w.kode_kecamatan, w.nama_kecamatan, coalesce(n.jumlah, 0) AS jumlah, w.penduduk,
    w.penduduk_estimasi,
    CASE WHEN w.penduduk > 0 THEN 1000.0 * coalesce(n.jumlah, 0) / w.penduduk END AS per_1000,
    n.persen_tepat_waktu,
    coalesce(n.jumlah, 0) >= $min_kasus AS cukup,
    w.geojson
FROM wilayah_kecamatan AS w
LEFT JOIN (
    SELECT kode_kecamatan, count(*) AS jumlah,
        rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu
    FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
    GROUP BY kode_kecamatan
) AS n USING (kode_kecamatan)
ORDER BY per_1000 DESC NULLS LAST, w.nama_kecamatan
