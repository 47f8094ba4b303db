-- pengaduan_mingguan: complaints received in the last full week (Monday–Sunday) before $as_of
-- and in the week before it; the year filter does not apply (weeks cross years).
SELECT
    CAST(senin_ini - INTERVAL 7 DAY AS DATE) AS minggu_lalu_mulai,
    count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) >= senin_ini - INTERVAL 7 DAY
                       AND CAST(tanggal_masuk AS DATE) < senin_ini) AS minggu_lalu,
    count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) >= senin_ini - INTERVAL 14 DAY
                       AND CAST(tanggal_masuk AS DATE) < senin_ini - INTERVAL 7 DAY)
        AS minggu_sebelumnya
FROM (SELECT CAST(date_trunc('week', CAST($as_of AS DATE)) AS DATE) AS senin_ini) AS b
LEFT JOIN pengaduan_kasus($as_of, NULL, $kategori, $kanal, $kecamatan, $opd) ON true
GROUP BY senin_ini
