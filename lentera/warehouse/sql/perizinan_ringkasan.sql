-- perizinan_ringkasan: headline figures of the filtered applications (CTE `f` from perizinan.py).
SELECT
    count(*) AS jumlah,
    count(*) FILTER (WHERE tanggal_selesai IS NOT NULL) AS selesai,
    count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
    avg(CASE WHEN tepat_waktu THEN 1.0 ELSE 0.0 END) FILTER (WHERE tepat_waktu IS NOT NULL)
        AS persen_tepat_waktu,
    count(*) FILTER (WHERE terbuka) AS terbuka,
    count(*) FILTER (WHERE terbuka AND hari_lewat > 0) AS terbuka_lewat,
    count(*) FILTER (WHERE jenis_layanan ILIKE '%NIB%' AND status = 'selesai') AS nib_terbit
FROM f
