-- pengaduan_tahap: per category or OPD ($per), the on-time rate of closed cases net and gross of
-- pauses, the median and 90th percentile of working days to each stage (intermediate stages are
-- gross; to finish both net and gross), how many cases were paused and how many longer than
-- $batas_jeda working days; `cukup` says if the group may be ranked.
SELECT
    CASE WHEN $per = 'opd' THEN coalesce(kode_skpd, '') ELSE kategori END AS kunci,
    CASE WHEN $per = 'opd' THEN coalesce(nama_opd, kode_skpd, '?') ELSE kategori END AS kelompok,
    count(*) AS jumlah,
    any_value(target_hari_kerja) FILTER (WHERE $per <> 'opd') AS target_hari_kerja,
    count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
    rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
    rasio_tepat_waktu(tepat_waktu_kotor) AS persen_tepat_waktu_kotor,
    median(hk_verifikasi) AS median_verifikasi,
    quantile_cont(hk_verifikasi, 0.9) AS p90_verifikasi,
    median(hk_disposisi) AS median_disposisi,
    quantile_cont(hk_disposisi, 0.9) AS p90_disposisi,
    median(hk_tindak_lanjut) AS median_tindak_lanjut,
    quantile_cont(hk_tindak_lanjut, 0.9) AS p90_tindak_lanjut,
    median(hari_kerja) FILTER (WHERE tanggal_selesai IS NOT NULL) AS median_selesai,
    quantile_cont(hari_kerja, 0.9) FILTER (WHERE tanggal_selesai IS NOT NULL) AS p90_selesai,
    median(hari_kotor) FILTER (WHERE tanggal_selesai IS NOT NULL) AS median_selesai_kotor,
    quantile_cont(hari_kotor, 0.9) FILTER (WHERE tanggal_selesai IS NOT NULL)
        AS p90_selesai_kotor,
    count(*) FILTER (WHERE pernah_ditunda) AS ditunda,
    count(*) FILTER (WHERE pernah_ditunda) / count(*) AS bagian_ditunda,
    count(*) FILTER (WHERE jeda_panjang(hari_ditunda, $batas_jeda)) AS jeda_panjang,
    count(*) FILTER (WHERE terbuka) AS terbuka,
    count(*) >= $min_kasus AS cukup
FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
WHERE $per <> 'opd' OR kode_skpd IS NOT NULL
GROUP BY ALL
ORDER BY cukup DESC, persen_tepat_waktu DESC NULLS LAST, jumlah DESC, kelompok
