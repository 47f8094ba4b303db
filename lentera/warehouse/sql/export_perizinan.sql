-- export_perizinan: every application row with its SLA at $as_of, as the semantic layer's
-- sla_perizinan computes it (no second formula); permits have no pauses (net = gross).
SELECT p.*, s.mulai AS tanggal_mulai, s.target_date AS tanggal_target, s.hari_kotor,
       CAST(s.hari_kotor - s.hari_kerja AS INTEGER) AS hari_ditunda, s.hari_kerja,
       s.tepat_waktu, s.hari_lewat, s.terbuka
FROM perizinan AS p
LEFT JOIN sla_perizinan($as_of) AS s USING (nomor_permohonan)
