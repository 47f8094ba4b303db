-- Headline: pagu and realisasi (to month $bulan) of pendapatan, belanja and pembiayaan for
-- $tahun at stage $tahap, and the same month of the previous year against its effective pagu.
WITH pos(pos, urut) AS (
    VALUES ('pendapatan', 1), ('belanja', 2), ('penerimaan_pembiayaan', 3),
           ('pengeluaran_pembiayaan', 4)
),
tahap_lalu AS (
    SELECT CASE WHEN bool_or(coalesce(tahap, 'murni') = 'perubahan') THEN 'perubahan'
                ELSE 'murni' END AS tahap
    FROM anggaran WHERE tahun = $tahun - 1
),
pagu AS (
    SELECT CASE WHEN starts_with(a.kode_rekening, '4') THEN 'pendapatan'
                WHEN starts_with(a.kode_rekening, '5') THEN 'belanja'
                WHEN starts_with(a.kode_rekening, '6.1') THEN 'penerimaan_pembiayaan'
                WHEN starts_with(a.kode_rekening, '6.2') THEN 'pengeluaran_pembiayaan' END AS pos,
           sum(a.pagu) FILTER (WHERE a.tahun = $tahun
                                 AND coalesce(a.tahap, 'murni') = $tahap) AS pagu,
           sum(a.pagu) FILTER (WHERE a.tahun = $tahun - 1
                                 AND coalesce(a.tahap, 'murni') = t.tahap) AS pagu_lalu
    FROM anggaran a, tahap_lalu t
    WHERE a.tahun IN ($tahun, $tahun - 1)
    GROUP BY 1
),
real AS (
    SELECT CASE WHEN starts_with(kode_rekening, '4') THEN 'pendapatan'
                WHEN starts_with(kode_rekening, '5') THEN 'belanja'
                WHEN starts_with(kode_rekening, '6.1') THEN 'penerimaan_pembiayaan'
                WHEN starts_with(kode_rekening, '6.2') THEN 'pengeluaran_pembiayaan' END AS pos,
           sum(realisasi) FILTER (WHERE tahun = $tahun) AS realisasi,
           sum(realisasi) FILTER (WHERE tahun = $tahun - 1) AS realisasi_lalu
    FROM realisasi
    WHERE tahun IN ($tahun, $tahun - 1) AND bulan <= $bulan
    GROUP BY 1
)
SELECT pos.pos,
       coalesce(pagu.pagu, 0) AS pagu,
       coalesce(real.realisasi, 0) AS realisasi,
       CAST(real.realisasi AS DOUBLE) / nullif(CAST(pagu.pagu AS DOUBLE), 0) AS persen,
       pagu.pagu_lalu,
       real.realisasi_lalu,
       CAST(real.realisasi_lalu AS DOUBLE) / nullif(CAST(pagu.pagu_lalu AS DOUBLE), 0)
           AS persen_lalu
FROM pos
LEFT JOIN pagu USING (pos)
LEFT JOIN real USING (pos)
ORDER BY pos.urut
