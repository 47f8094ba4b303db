-- Pendapatan: by kelompok (PAD, transfer, lain-lain) and by objek within pajak (4.1.01),
-- retribusi (4.1.02) and central transfers (4.2.01); realisasi against the pagu (target).
WITH a AS (
    SELECT kode_rekening, sum(pagu) AS pagu FROM pagu_baris($tahun, $tahap)
    WHERE starts_with(kode_rekening, '4')
    GROUP BY 1
),
r AS (
    SELECT kode_rekening, sum(realisasi) AS realisasi FROM realisasi
    WHERE tahun = $tahun AND starts_with(kode_rekening, '4')
    GROUP BY 1
),
baris AS (
    SELECT coalesce(a.kode_rekening, r.kode_rekening) AS kode_rekening,
           coalesce(a.pagu, 0) AS pagu, coalesce(r.realisasi, 0) AS realisasi
    FROM a FULL JOIN r ON a.kode_rekening = r.kode_rekening
),
bagian AS (
    SELECT 'kelompok' AS bagian, left(kode_rekening, 3) AS kode, pagu, realisasi FROM baris
    UNION ALL
    SELECT CASE left(kode_rekening, 6) WHEN '4.1.01' THEN 'pajak' WHEN '4.1.02' THEN 'retribusi'
                ELSE 'transfer' END,
           left(kode_rekening, 9), pagu, realisasi
    FROM baris WHERE left(kode_rekening, 6) IN ('4.1.01', '4.1.02', '4.2.01')
),
g AS (
    SELECT bagian, kode, sum(pagu) AS pagu, sum(realisasi) AS realisasi
    FROM bagian GROUP BY bagian, kode
)
SELECT g.bagian, g.kode, coalesce(k.nama_rekening, g.kode) AS nama, g.pagu, g.realisasi,
       serapan(g.realisasi, g.pagu) AS persen,
       rasio(g.pagu, sum(g.pagu) OVER (PARTITION BY g.bagian)) AS porsi
FROM g LEFT JOIN kode_rekening k ON k.kode_rekening = g.kode
ORDER BY g.bagian, g.pagu DESC
