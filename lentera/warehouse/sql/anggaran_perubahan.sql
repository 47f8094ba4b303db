-- What the perubahan changed against the murni, belanja by SKPD and by jenis belanja.
WITH a AS (
    SELECT kode_skpd, left(kode_rekening, 6) AS jenis, pagu_murni, pagu_perubahan
    FROM perubahan_pagu($tahun)
    WHERE starts_with(kode_rekening, '5')
),
g AS (
    SELECT 'skpd' AS dimensi, kode_skpd AS kode,
           sum(pagu_murni) AS pagu_murni, sum(pagu_perubahan) AS pagu_perubahan
    FROM a GROUP BY kode_skpd
    UNION ALL
    SELECT 'jenis', jenis, sum(pagu_murni), sum(pagu_perubahan)
    FROM a GROUP BY jenis
)
SELECT g.dimensi, g.kode,
       CASE g.dimensi WHEN 'skpd' THEN coalesce(s.singkatan, s.nama_skpd, g.kode)
                      ELSE coalesce(k.nama_rekening, g.kode) END AS nama,
       g.pagu_murni, g.pagu_perubahan, g.pagu_perubahan - g.pagu_murni AS selisih,
       rasio(g.pagu_perubahan - g.pagu_murni, g.pagu_murni) AS selisih_persen
FROM g
LEFT JOIN skpd s ON g.dimensi = 'skpd' AND s.kode_skpd = g.kode
LEFT JOIN kode_rekening k ON g.dimensi = 'jenis' AND k.kode_rekening = g.kode
ORDER BY g.dimensi, abs(g.pagu_perubahan - g.pagu_murni) DESC, g.kode
