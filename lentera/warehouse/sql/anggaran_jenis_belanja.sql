-- Belanja by plain-language kind (Permendagri 90/2019 jenis): pagu of stage $tahap, realisasi so far.
WITH k AS (
    SELECT * FROM (VALUES
        ('5.1.01', 'pegawai', 1), ('5.1.02', 'barang_jasa', 2), ('5.1.03', 'bunga', 7),
        ('5.1.04', 'subsidi', 8), ('5.1.05', 'hibah', 4), ('5.1.06', 'bansos', 5),
        ('5.2', 'modal', 3), ('5.3', 'btt', 9), ('5.4', 'transfer', 6)
    ) AS t(awalan, kategori, urut)
),
a AS (
    SELECT CASE WHEN starts_with(kode_rekening, '5.1') THEN left(kode_rekening, 6)
                ELSE left(kode_rekening, 3) END AS awalan, sum(pagu) AS pagu
    FROM pagu_baris($tahun, $tahap)
    WHERE starts_with(kode_rekening, '5')
    GROUP BY 1
),
r AS (
    SELECT CASE WHEN starts_with(kode_rekening, '5.1') THEN left(kode_rekening, 6)
                ELSE left(kode_rekening, 3) END AS awalan, sum(realisasi) AS realisasi
    FROM realisasi
    WHERE tahun = $tahun AND starts_with(kode_rekening, '5')
    GROUP BY 1
),
j AS (
    SELECT coalesce(k.kategori, 'lainnya') AS kategori, coalesce(min(k.urut), 99) AS urut,
           sum(coalesce(a.pagu, 0)) AS pagu, sum(coalesce(r.realisasi, 0)) AS realisasi
    FROM a FULL JOIN r ON a.awalan = r.awalan
    LEFT JOIN k ON k.awalan = coalesce(a.awalan, r.awalan)
    GROUP BY 1
)
SELECT kategori, pagu, realisasi,
       serapan(realisasi, pagu) AS persen,
       rasio(pagu, sum(pagu) OVER ()) AS porsi
FROM j
ORDER BY urut
