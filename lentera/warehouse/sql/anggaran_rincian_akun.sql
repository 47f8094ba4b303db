-- Drill by account: the children of account prefix $awalan (fixed-width normalised codes), the
-- child code being the first $panjang characters (0 = the whole code). Pagu of stage $tahap;
-- realisasi of the whole year so far, matched on the same code, counted even without a pagu line.
WITH a AS (
    SELECT CASE WHEN $panjang = 0 THEN kode_rekening ELSE left(kode_rekening, $panjang) END AS kode,
           sum(pagu) AS pagu, min(nama_rekening) AS nama_baris
    FROM pagu_baris($tahun, $tahap)
    WHERE starts_with(kode_rekening, $awalan)
    GROUP BY 1
),
r AS (
    SELECT CASE WHEN $panjang = 0 THEN kode_rekening ELSE left(kode_rekening, $panjang) END AS kode,
           sum(realisasi) AS realisasi
    FROM realisasi
    WHERE tahun = $tahun AND starts_with(kode_rekening, $awalan)
    GROUP BY 1
),
j AS (
    SELECT coalesce(a.kode, r.kode) AS kode, a.nama_baris,
           coalesce(a.pagu, 0) AS pagu, coalesce(r.realisasi, 0) AS realisasi
    FROM a FULL JOIN r ON a.kode = r.kode
)
SELECT j.kode,
       coalesce(k.nama_rekening, CASE WHEN $panjang = 0 THEN j.nama_baris END, j.kode) AS nama,
       j.pagu, j.realisasi,
       serapan(j.realisasi, j.pagu) AS persen,
       rasio(j.pagu, sum(j.pagu) OVER ()) AS porsi
FROM j LEFT JOIN kode_rekening k ON k.kode_rekening = j.kode
ORDER BY j.pagu DESC, j.kode
