-- Beranda's complaints received in $tahun (NULL = the year of $as_of) by their latest recorded
-- status, over the same complaints as beranda_pengaduan (pengaduan_kasus on $as_of).
WITH th AS (
    SELECT coalesce(CAST($tahun AS INTEGER), year(CAST($as_of AS DATE))) AS tahun
)
SELECT th.tahun, k.status, count(*) AS jumlah
FROM pengaduan_kasus($as_of, NULL, NULL, NULL, NULL, NULL) AS k, th
WHERE year(k.tanggal_masuk) = th.tahun
GROUP BY th.tahun, k.status
ORDER BY jumlah DESC, k.status
