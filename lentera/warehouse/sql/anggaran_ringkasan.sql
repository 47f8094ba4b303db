-- Headline: pagu and realisasi (to month $bulan) of pendapatan, belanja and pembiayaan for
-- $tahun at stage $tahap (murni, perubahan, or efektif = in force), and the same month of the previous
-- year against its budget at the same stage (pagu_tahun_lalu: like with like). tahap and
-- tahap_lalu name the stage each side was read at.
WITH pos(pos, urut) AS (
    VALUES ('pendapatan', 1), ('belanja', 2), ('penerimaan_pembiayaan', 3),
           ('pengeluaran_pembiayaan', 4)
),
baris AS (
    SELECT 'kini' AS kapan, kode_rekening, pagu, NULL AS realisasi
    FROM pagu_baris($tahun, tahap_pilihan($tahun, $tahap))
    UNION ALL
    SELECT 'lalu', kode_rekening, pagu, NULL FROM pagu_tahun_lalu($tahun, $tahap)
    UNION ALL
    SELECT 'kini', kode_rekening, NULL, realisasi FROM realisasi_kumulatif($tahun, $bulan)
    UNION ALL
    SELECT 'lalu', kode_rekening, NULL, realisasi FROM realisasi_kumulatif($tahun - 1, $bulan)
),
g AS (
    SELECT CASE WHEN starts_with(kode_rekening, '4') THEN 'pendapatan'
                WHEN starts_with(kode_rekening, '5') THEN 'belanja'
                WHEN starts_with(kode_rekening, '6.1') THEN 'penerimaan_pembiayaan'
                WHEN starts_with(kode_rekening, '6.2') THEN 'pengeluaran_pembiayaan' END AS pos,
           sum(pagu) FILTER (WHERE kapan = 'kini') AS pagu,
           sum(realisasi) FILTER (WHERE kapan = 'kini') AS realisasi,
           sum(pagu) FILTER (WHERE kapan = 'lalu') AS pagu_lalu,
           sum(realisasi) FILTER (WHERE kapan = 'lalu') AS realisasi_lalu
    FROM baris
    GROUP BY 1
)
SELECT pos.pos,
       coalesce(g.pagu, 0) AS pagu,
       coalesce(g.realisasi, 0) AS realisasi,
       serapan(g.realisasi, g.pagu) AS persen,
       g.pagu_lalu,
       g.realisasi_lalu,
       serapan(g.realisasi_lalu, g.pagu_lalu) AS persen_lalu,
       tahap_pilihan($tahun, $tahap) AS tahap,
       tahap_pilihan($tahun - 1, $tahap) AS tahap_lalu
FROM pos
LEFT JOIN g USING (pos)
ORDER BY pos.urut
