-- pengaduan_tepat_kecamatan: the on-time rate (rasio_tepat_waktu, net and gross of pauses) of every
-- kecamatan side by side, for the citizens' comparison; the kecamatan filter does not apply (all
-- are compared, the page marks the chosen one); `cukup` is the ranking rule ($min_kasus
-- complaints); `dinilai` counts the finished cases with a target that the rate is made of.
SELECT
    w.kode_kecamatan, w.nama_kecamatan,
    coalesce(n.jumlah, 0) AS jumlah,
    coalesce(n.dinilai, 0) AS dinilai,
    n.persen_tepat_waktu,
    n.persen_tepat_waktu_kotor,
    coalesce(n.jumlah, 0) >= $min_kasus AS cukup
FROM wilayah_kecamatan AS w
LEFT JOIN (
    SELECT kode_kecamatan, count(*) AS jumlah,
        count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
        rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
        rasio_tepat_waktu(tepat_waktu_kotor) AS persen_tepat_waktu_kotor
    FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, NULL, $opd)
    GROUP BY kode_kecamatan
) AS n USING (kode_kecamatan)
ORDER BY cukup DESC, persen_tepat_waktu DESC NULLS LAST, w.nama_kecamatan
