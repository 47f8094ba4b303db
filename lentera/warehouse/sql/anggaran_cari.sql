-- Search SKPD, sub kegiatan and rekening of $tahun by words in code or name (every word
-- $w1…$w5 must occur; '' matches all), with pagu (stage $tahap), realisasi and the drill path.
WITH ang AS (
    SELECT kode_skpd, kode_sub_kegiatan, kode_rekening, nama_skpd, nama_sub_kegiatan,
           nama_rekening, pagu
    FROM pagu_baris($tahun, $tahap)
),
real_sub AS (
    SELECT kode_skpd, coalesce(kode_sub_kegiatan, '-') AS sub, sum(realisasi) AS realisasi
    FROM realisasi WHERE tahun = $tahun AND starts_with(kode_rekening, '5')
    GROUP BY 1, 2
),
real_rek AS (
    SELECT kode_rekening, sum(realisasi) AS realisasi
    FROM realisasi WHERE tahun = $tahun GROUP BY 1
),
skpd_calon AS (
    SELECT kode_skpd, nama_skpd, singkatan FROM skpd
    UNION ALL
    SELECT DISTINCT kode_skpd, nama_skpd, NULL FROM ang
    WHERE kode_skpd NOT IN (SELECT kode_skpd FROM skpd)
),
skpd_hit AS (
    SELECT 'skpd' AS jenis, c.kode_skpd AS kode,
           coalesce(c.singkatan || ' — ', '') || c.nama_skpd AS nama, c.kode_skpd,
           (SELECT sum(a.pagu) FROM ang a
             WHERE a.kode_skpd = c.kode_skpd AND starts_with(a.kode_rekening, '5')) AS pagu,
           (SELECT sum(r.realisasi) FROM real_sub r WHERE r.kode_skpd = c.kode_skpd) AS realisasi,
           'org' AS dim, c.kode_skpd AS path
    FROM skpd_calon c
    WHERE contains(lower(c.kode_skpd || ' ' || c.nama_skpd || ' ' || coalesce(c.singkatan, '')), $w1)
      AND contains(lower(c.kode_skpd || ' ' || c.nama_skpd || ' ' || coalesce(c.singkatan, '')), $w2)
      AND contains(lower(c.kode_skpd || ' ' || c.nama_skpd || ' ' || coalesce(c.singkatan, '')), $w3)
      AND contains(lower(c.kode_skpd || ' ' || c.nama_skpd || ' ' || coalesce(c.singkatan, '')), $w4)
      AND contains(lower(c.kode_skpd || ' ' || c.nama_skpd || ' ' || coalesce(c.singkatan, '')), $w5)
),
sub_calon AS (
    SELECT kode_skpd, kode_sub_kegiatan, min(nama_sub_kegiatan) AS nama, sum(pagu) AS pagu
    FROM ang
    WHERE kode_sub_kegiatan IS NOT NULL AND starts_with(kode_rekening, '5')
    GROUP BY 1, 2
),
sub_hit AS (
    SELECT 'sub_kegiatan' AS jenis, c.kode_sub_kegiatan AS kode, coalesce(c.nama, c.kode_sub_kegiatan) AS nama,
           c.kode_skpd, c.pagu, r.realisasi,
           'org' AS dim, c.kode_skpd || ':' || c.kode_sub_kegiatan AS path
    FROM sub_calon c
    LEFT JOIN real_sub r ON r.kode_skpd = c.kode_skpd AND r.sub = c.kode_sub_kegiatan
    WHERE contains(lower(c.kode_sub_kegiatan || ' ' || coalesce(c.nama, '')), $w1)
      AND contains(lower(c.kode_sub_kegiatan || ' ' || coalesce(c.nama, '')), $w2)
      AND contains(lower(c.kode_sub_kegiatan || ' ' || coalesce(c.nama, '')), $w3)
      AND contains(lower(c.kode_sub_kegiatan || ' ' || coalesce(c.nama, '')), $w4)
      AND contains(lower(c.kode_sub_kegiatan || ' ' || coalesce(c.nama, '')), $w5)
),
rek_calon AS (
    SELECT kode_rekening, nama_rekening FROM kode_rekening
    UNION ALL
    SELECT kode_rekening, min(nama_rekening) FROM ang
    WHERE kode_rekening NOT IN (SELECT kode_rekening FROM kode_rekening)
      AND nama_rekening IS NOT NULL
    GROUP BY 1
),
rek_cocok AS (
    SELECT * FROM rek_calon c
    WHERE contains(lower(c.kode_rekening || ' ' || c.nama_rekening), $w1)
      AND contains(lower(c.kode_rekening || ' ' || c.nama_rekening), $w2)
      AND contains(lower(c.kode_rekening || ' ' || c.nama_rekening), $w3)
      AND contains(lower(c.kode_rekening || ' ' || c.nama_rekening), $w4)
      AND contains(lower(c.kode_rekening || ' ' || c.nama_rekening), $w5)
),
rek_hit AS (
    SELECT 'rekening' AS jenis, c.kode_rekening AS kode, c.nama_rekening AS nama,
           NULL::VARCHAR AS kode_skpd,
           (SELECT sum(a.pagu) FROM ang a WHERE starts_with(a.kode_rekening, c.kode_rekening)) AS pagu,
           (SELECT sum(r.realisasi) FROM real_rek r
             WHERE starts_with(r.kode_rekening, c.kode_rekening)) AS realisasi,
           'akun' AS dim, c.kode_rekening AS path
    FROM rek_cocok c
),
semua AS (
    SELECT * FROM skpd_hit UNION ALL SELECT * FROM sub_hit UNION ALL SELECT * FROM rek_hit
)
SELECT jenis, kode, nama, kode_skpd, coalesce(pagu, 0) AS pagu, coalesce(realisasi, 0) AS realisasi,
       serapan(realisasi, pagu) AS persen, dim, path
FROM semua
WHERE coalesce(pagu, 0) <> 0 OR coalesce(realisasi, 0) <> 0
ORDER BY pagu DESC, jenis, kode
LIMIT $batas
