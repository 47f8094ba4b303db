-- Belanja by bidang urusan (U.BB of the sub kegiatan code, else the SKPD's bidang).
WITH bidang AS (
    SELECT kode_bidang, min(nama_bidang) AS nama_bidang FROM skpd GROUP BY kode_bidang
),
a AS (
    SELECT coalesce(left(a.kode_sub_kegiatan, 4), s.kode_bidang, '-') AS kode_bidang,
           sum(a.pagu) AS pagu
    FROM pagu_baris($tahun, $tahap) a LEFT JOIN skpd s USING (kode_skpd)
    WHERE starts_with(a.kode_rekening, '5')
    GROUP BY 1
),
r AS (
    SELECT coalesce(left(r.kode_sub_kegiatan, 4), s.kode_bidang, '-') AS kode_bidang,
           sum(r.realisasi) AS realisasi
    FROM realisasi r LEFT JOIN skpd s USING (kode_skpd)
    WHERE r.tahun = $tahun AND starts_with(r.kode_rekening, '5')
    GROUP BY 1
),
j AS (
    SELECT coalesce(a.kode_bidang, r.kode_bidang) AS kode_bidang,
           coalesce(a.pagu, 0) AS pagu, coalesce(r.realisasi, 0) AS realisasi
    FROM a FULL JOIN r ON a.kode_bidang = r.kode_bidang
)
SELECT j.kode_bidang, coalesce(b.nama_bidang, j.kode_bidang) AS nama_bidang, j.pagu, j.realisasi,
       serapan(j.realisasi, j.pagu) AS persen,
       rasio(j.pagu, sum(j.pagu) OVER ()) AS porsi
FROM j LEFT JOIN bidang b USING (kode_bidang)
ORDER BY j.pagu DESC
