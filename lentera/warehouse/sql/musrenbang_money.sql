-- One sub kegiatan's budget in a year: name, pagu (revised when a perubahan exists) and realisasi.
WITH a AS (
    SELECT any_value(nama_sub_kegiatan) AS nama_sub_kegiatan,
           any_value(nama_skpd) AS nama_skpd,
           CASE WHEN count(*) FILTER (WHERE tahap = 'perubahan') > 0
                THEN sum(pagu) FILTER (WHERE tahap = 'perubahan')
                ELSE sum(pagu) FILTER (WHERE coalesce(tahap, 'murni') = 'murni') END AS pagu,
           count(*) AS baris
    FROM anggaran
    WHERE tahun = $tahun AND kode_sub_kegiatan = $kode
),
r AS (
    SELECT sum(realisasi) AS realisasi
    FROM realisasi
    WHERE tahun = $tahun AND kode_sub_kegiatan = $kode
)
SELECT $kode AS kode_sub_kegiatan, $tahun AS tahun, a.nama_sub_kegiatan, a.nama_skpd,
       CAST(a.pagu AS DOUBLE) AS pagu, CAST(coalesce(r.realisasi, 0) AS DOUBLE) AS realisasi
FROM a, r
WHERE a.baris > 0
