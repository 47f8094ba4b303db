-- export_perizinan: every application row with its SLA at $as_of, as the semantic layer's
-- sla_perizinan computes it (no second formula): outcome, net (from the complete file) and gross
-- (from the application) working days, the wait for a complete file, verdicts net and gross.
SELECT p.*, s.mulai AS tanggal_mulai, s.target_date AS tanggal_target, s.hasil, s.tanpa_standar,
       s.hari_ditunda, s.hari_kotor, s.hari_kerja, s.tepat_waktu, s.tepat_waktu_kotor,
       s.hari_lewat, s.hari_lewat_kotor, s.terbuka
FROM perizinan AS p
LEFT JOIN sla_perizinan($as_of) AS s USING (nomor_permohonan)
