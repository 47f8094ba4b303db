-- Drill by organisation (belanja only): level $tingkat 0 = SKPD, 1 = program (U.BB.PP),
-- 2 = kegiatan (U.BB.PP.L.KK), 3 = sub kegiatan, 4 = the rekening lines of one sub kegiatan;
-- within SKPD $skpd ('' = all) and sub kegiatan code prefix $awalan. Lines without a sub
-- kegiatan code group under '-'.
WITH a AS (
    SELECT CASE $tingkat WHEN 0 THEN kode_skpd
                         WHEN 1 THEN left(coalesce(kode_sub_kegiatan, '-'), 7)
                         WHEN 2 THEN left(coalesce(kode_sub_kegiatan, '-'), 12)
                         WHEN 3 THEN coalesce(kode_sub_kegiatan, '-')
                         ELSE kode_rekening END AS kode,
           sum(pagu) AS pagu, min(nama_sub_kegiatan) AS nama_sub, min(nama_skpd) AS nama_skpd_baris,
           min(nama_rekening) AS nama_rek
    FROM pagu_baris($tahun, $tahap)
    WHERE starts_with(kode_rekening, '5')
      AND ($skpd = '' OR kode_skpd = $skpd)
      AND starts_with(coalesce(kode_sub_kegiatan, '-'), $awalan)
    GROUP BY 1
),
r AS (
    SELECT CASE $tingkat WHEN 0 THEN kode_skpd
                         WHEN 1 THEN left(coalesce(kode_sub_kegiatan, '-'), 7)
                         WHEN 2 THEN left(coalesce(kode_sub_kegiatan, '-'), 12)
                         WHEN 3 THEN coalesce(kode_sub_kegiatan, '-')
                         ELSE kode_rekening END AS kode,
           sum(realisasi) AS realisasi
    FROM realisasi
    WHERE tahun = $tahun AND starts_with(kode_rekening, '5')
      AND ($skpd = '' OR kode_skpd = $skpd)
      AND starts_with(coalesce(kode_sub_kegiatan, '-'), $awalan)
    GROUP BY 1
),
j AS (
    SELECT coalesce(a.kode, r.kode) AS kode, a.nama_sub, a.nama_skpd_baris, a.nama_rek,
           coalesce(a.pagu, 0) AS pagu, coalesce(r.realisasi, 0) AS realisasi
    FROM a FULL JOIN r ON a.kode = r.kode
)
SELECT j.kode,
       CASE $tingkat WHEN 0 THEN coalesce(s.nama_skpd, j.nama_skpd_baris, j.kode)
                     WHEN 3 THEN coalesce(j.nama_sub, j.kode)
                     WHEN 4 THEN coalesce(k.nama_rekening, j.nama_rek, j.kode)
                     ELSE NULL END AS nama,
       CASE WHEN $tingkat = 0 THEN s.singkatan END AS singkatan,
       j.pagu, j.realisasi,
       serapan(j.realisasi, j.pagu) AS persen,
       rasio(j.pagu, sum(j.pagu) OVER ()) AS porsi
FROM j LEFT JOIN skpd s ON $tingkat = 0 AND s.kode_skpd = j.kode
LEFT JOIN kode_rekening k ON $tingkat = 4 AND k.kode_rekening = j.kode
ORDER BY j.pagu DESC, j.kode
