-- perizinan_kelompok: per service or per processing office ($per): volume, median and 90th
-- percentile working days of finished cases against the standard, share within standard, the
-- open backlog and how late it is; `cukup` says whether the group may be ranked.
SELECT
    CASE WHEN $per = 'kantor' THEN coalesce(kantor, '?') ELSE jenis_layanan END AS kelompok,
    count(*) AS jumlah,
    CASE WHEN $per = 'kantor' THEN NULL ELSE any_value(target_hari_kerja) END
        AS target_hari_kerja,
    CASE WHEN $per = 'kantor' THEN NULL ELSE any_value(dasar) END AS dasar,
    count(*) FILTER (WHERE tanggal_selesai IS NOT NULL) AS selesai,
    median(hari_kerja) FILTER (WHERE tanggal_selesai IS NOT NULL) AS median_hari_kerja,
    quantile_cont(hari_kerja, 0.9) FILTER (WHERE tanggal_selesai IS NOT NULL) AS p90_hari_kerja,
    count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
    rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
    count(*) FILTER (WHERE terbuka) AS terbuka,
    count(*) FILTER (WHERE terbuka AND hari_lewat > 0) AS terbuka_lewat,
    median(hari_lewat) FILTER (WHERE terbuka AND hari_lewat > 0) AS median_hari_lewat,
    max(hari_lewat) FILTER (WHERE terbuka) AS max_hari_lewat,
    count(*) >= $min_kasus AS cukup
FROM perizinan_kasus($as_of, $tahun, $layanan, $kantor, $kecamatan)
GROUP BY 1
ORDER BY cukup DESC, persen_tepat_waktu DESC NULLS LAST, jumlah DESC, kelompok
