-- What the perubahan changed against the murni, belanja by SKPD and by jenis belanja.
WITH a AS (
    SELECT kode_skpd, left(kode_rekening, 6) AS jenis,
           sum(pagu) FILTER (WHERE coalesce(tahap, 'murni') = 'murni') AS murni,
           sum(pagu) FILTER (WHERE tahap = 'perubahan') AS perubahan
    FROM anggaran
    WHERE tahun = $tahun AND starts_with(kode_rekening, '5')
    GROUP BY 1, 2
),
g AS (
    SELECT 'skpd' AS dimensi, kode_skpd AS kode,
           sum(coalesce(murni, 0)) AS pagu_murni, sum(coalesce(perubahan, 0)) AS pagu_perubahan
    FROM a GROUP BY kode_skpd
    UNION ALL
    SELECT 'jenis', jenis, sum(coalesce(murni, 0)), sum(coalesce(perubahan, 0))
    FROM a GROUP BY jenis
)
SELECT g.dimensi, g.kode,
       CASE g.dimensi WHEN 'skpd' THEN coalesce(s.singkatan, s.nama_skpd, g.kode)
                      ELSE coalesce(k.nama_rekening, g.kode) END AS nama,
       g.pagu_murni, g.pagu_perubahan, g.pagu_perubahan - g.pagu_murni AS selisih,
       CAST(g.pagu_perubahan - g.pagu_murni AS DOUBLE) / nullif(CAST(g.pagu_murni AS DOUBLE), 0)
           AS selisih_persen
FROM g
LEFT JOIN skpd s ON g.dimensi = 'skpd' AND s.kode_skpd = g.kode
LEFT JOIN kode_rekening k ON g.dimensi = 'jenis' AND k.kode_rekening = g.kode
ORDER BY g.dimensi, abs(g.pagu_perubahan - g.pagu_murni) DESC, g.kode
