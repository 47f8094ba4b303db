-- perizinan_kelompok: per service or per processing office ($per). Flows (applications received
-- in the filter's year): volume, outcome (issued / not issued), median and 90th percentile
-- working days of issued applications net (from the complete file) and gross (from the
-- application), share within standard of issued and of not-issued applications, applications
-- of services without a standard (tanpa standar), share paused and pauses over $batas_jeda.
-- Stock (open on $as_of, whatever year received): the backlog and how late it is.
-- `cukup` says whether the group may be ranked.
WITH k AS (
    SELECT *, true AS alir FROM perizinan_kasus($as_of, $tahun, $layanan, $kantor, $kecamatan)
    UNION ALL BY NAME
    SELECT *, false AS alir FROM perizinan_kasus($as_of, NULL, $layanan, $kantor, $kecamatan)
    WHERE terbuka
)
SELECT
    CASE WHEN $per = 'kantor' THEN coalesce(kantor, '?') ELSE jenis_layanan END AS kelompok,
    count(*) FILTER (WHERE alir) AS jumlah,
    CASE WHEN $per = 'kantor' THEN NULL ELSE any_value(target_hari_kerja) END
        AS target_hari_kerja,
    CASE WHEN $per = 'kantor' THEN NULL ELSE any_value(dasar) END AS dasar,
    count(*) FILTER (WHERE alir AND tanpa_standar) AS tanpa_standar,
    count(*) FILTER (WHERE alir AND tanggal_selesai IS NOT NULL) AS selesai,
    count(*) FILTER (WHERE alir AND hasil = 'terbit') AS terbit,
    count(*) FILTER (WHERE alir AND hasil = 'tidak_terbit' AND tanggal_selesai IS NOT NULL)
        AS tidak_terbit,
    median(hari_kerja) FILTER (WHERE alir AND hasil = 'terbit') AS median_hari_kerja,
    quantile_cont(hari_kerja, 0.9) FILTER (WHERE alir AND hasil = 'terbit') AS p90_hari_kerja,
    median(hari_kotor) FILTER (WHERE alir AND hasil = 'terbit') AS median_hari_kotor,
    quantile_cont(hari_kotor, 0.9) FILTER (WHERE alir AND hasil = 'terbit') AS p90_hari_kotor,
    count(*) FILTER (WHERE alir AND hasil = 'terbit' AND tepat_waktu IS NOT NULL) AS dinilai,
    rasio_tepat_waktu(CASE WHEN alir AND hasil = 'terbit' THEN tepat_waktu END)
        AS persen_tepat_waktu,
    rasio_tepat_waktu(CASE WHEN alir AND hasil = 'terbit' THEN tepat_waktu_kotor END)
        AS persen_tepat_waktu_kotor,
    count(*) FILTER (WHERE alir AND hasil = 'terbit' AND tanpa_standar) AS terbit_tanpa_standar,
    median(hari_kerja) FILTER (WHERE alir AND hasil = 'tidak_terbit')
        AS median_hari_kerja_tidak_terbit,
    count(*) FILTER (WHERE alir AND hasil = 'tidak_terbit' AND tepat_waktu IS NOT NULL)
        AS dinilai_tidak_terbit,
    rasio_tepat_waktu(CASE WHEN alir AND hasil = 'tidak_terbit' THEN tepat_waktu END)
        AS persen_tepat_waktu_tidak_terbit,
    rasio(count(*) FILTER (WHERE alir AND pernah_ditunda), count(*) FILTER (WHERE alir))
        AS persen_ditunda,
    median(hari_ditunda) FILTER (WHERE alir AND pernah_ditunda) AS median_hari_ditunda,
    count(*) FILTER (WHERE alir AND jeda_panjang(hari_ditunda, $batas_jeda)) AS jeda_panjang,
    count(*) FILTER (WHERE NOT alir) AS terbuka,
    count(*) FILTER (WHERE NOT alir AND hari_lewat > 0) AS terbuka_lewat,
    median(hari_lewat) FILTER (WHERE NOT alir AND hari_lewat > 0) AS median_hari_lewat,
    max(hari_lewat) FILTER (WHERE NOT alir) AS max_hari_lewat,
    count(*) FILTER (WHERE alir) >= $min_kasus AS cukup
FROM k
GROUP BY 1
ORDER BY cukup DESC, persen_tepat_waktu DESC NULLS LAST, jumlah DESC, kelompok
