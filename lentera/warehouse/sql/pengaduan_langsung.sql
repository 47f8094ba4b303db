-- pengaduan_langsung: the live citizen reports' own stamp: how many were received on or before
-- $as_of (counted in every view) and how many after it (counted in none until the date moves).
SELECT
    count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) <= CAST($as_of AS DATE)) AS dihitung,
    count(*) FILTER (WHERE CAST(tanggal_masuk AS DATE) > CAST($as_of AS DATE)) AS sesudah,
    max(tanggal_masuk) AS terakhir
FROM pengaduan_live
