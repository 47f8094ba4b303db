-- Beranda's complaint figures on $as_of, from the sla section's pengaduan_kasus (warehouse and
-- live citizen reports received on or before $as_of, under the live-report rule there).
-- Flow: complaints received in $tahun (NULL = the year of $as_of) and, of those same complaints,
-- how many were finished by $as_of, ended without finishing, still open, and the on-time share
-- (net and gross of pauses). Stock: every complaint open on $as_of whatever year it arrived,
-- and how many of them are past target.
WITH th AS (
    SELECT coalesce(CAST($tahun AS INTEGER), year(CAST($as_of AS DATE))) AS tahun
),
kasus AS (
    SELECT k.*, year(k.tanggal_masuk) = th.tahun AS kohort
    FROM pengaduan_kasus($as_of, NULL, NULL, NULL, NULL, NULL) AS k, th
),
aliran AS (
    SELECT count(*) AS diterima,
           count(*) FILTER (WHERE tanggal_selesai IS NOT NULL) AS selesai,
           count(*) FILTER (WHERE tanggal_selesai IS NULL AND NOT terbuka) AS berakhir,
           count(*) FILTER (WHERE terbuka) AS masih_terbuka,
           count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
           rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
           rasio_tepat_waktu(tepat_waktu_kotor) AS persen_tepat_waktu_kotor,
           count(*) FILTER (WHERE langsung) AS langsung,
           max(tanggal_masuk) AS terakhir
    FROM kasus WHERE kohort
),
stok AS (
    SELECT count(*) AS tunggakan,
           count(*) FILTER (WHERE hari_lewat > 0) AS tunggakan_lewat,
           count(*) FILTER (WHERE year(tanggal_masuk) < (SELECT tahun FROM th)) AS tunggakan_lama
    FROM kasus WHERE terbuka
)
SELECT th.tahun, CAST($as_of AS DATE) AS as_of, aliran.*, stok.*
FROM th, aliran, stok
