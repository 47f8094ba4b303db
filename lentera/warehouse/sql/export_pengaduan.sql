-- export_pengaduan: every complaint row of the warehouse with its SLA at $as_of, as the semantic
-- layer's sla_pengaduan computes it (no second formula). Live citizen reports are not part of a
-- versioned download; rows received after $as_of keep empty SLA columns.
SELECT p.*, s.target_hari_kerja, s.target_date AS tanggal_target, s.hari_kotor, s.hari_kerja,
       s.tepat_waktu, s.tepat_waktu_kotor, s.hari_lewat, s.hari_lewat_kotor, s.terbuka
FROM pengaduan AS p
LEFT JOIN (SELECT * FROM sla_pengaduan($as_of) WHERE NOT langsung) AS s USING (nomor_tiket)
