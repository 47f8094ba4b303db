-- pengaduan_kanal: complaints per channel (the page adds who each channel under-represents).
SELECT coalesce(kanal, '?') AS kanal, count(*) AS jumlah,
    count(*) / sum(count(*)) OVER () AS bagian
FROM f GROUP BY ALL ORDER BY jumlah DESC
