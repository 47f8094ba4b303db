-- pengaduan_tunggakan: the open backlog by age (working days so far, net of pauses) and by
-- working days past target, in one pass (GROUPING SETS); `urutan` orders the buckets.
SELECT
    CASE WHEN grouping(umur) = 0 THEN 'umur' ELSE 'lewat' END AS sumbu,
    CASE WHEN grouping(umur) = 0 THEN umur ELSE lewat END AS kelompok,
    CASE WHEN grouping(umur) = 0 THEN umur_urutan ELSE lewat_urutan END AS urutan,
    count(*) AS jumlah
FROM (
    SELECT
        CASE WHEN hari_kerja <= 5 THEN '0–5' WHEN hari_kerja <= 10 THEN '6–10'
             WHEN hari_kerja <= 20 THEN '11–20' WHEN hari_kerja <= 60 THEN '21–60'
             ELSE '> 60' END AS umur,
        CASE WHEN hari_kerja <= 5 THEN 1 WHEN hari_kerja <= 10 THEN 2
             WHEN hari_kerja <= 20 THEN 3 WHEN hari_kerja <= 60 THEN 4 ELSE 5 END AS umur_urutan,
        CASE WHEN hari_lewat IS NULL THEN '?' WHEN hari_lewat = 0 THEN '0'
             WHEN hari_lewat <= 5 THEN '1–5' WHEN hari_lewat <= 20 THEN '6–20'
             ELSE '> 20' END AS lewat,
        CASE WHEN hari_lewat IS NULL THEN 5 WHEN hari_lewat = 0 THEN 1 WHEN hari_lewat <= 5 THEN 2
             WHEN hari_lewat <= 20 THEN 3 ELSE 4 END AS lewat_urutan
    FROM f
    WHERE terbuka
) AS o
GROUP BY GROUPING SETS ((umur, umur_urutan), (lewat, lewat_urutan))
ORDER BY sumbu DESC, urutan
