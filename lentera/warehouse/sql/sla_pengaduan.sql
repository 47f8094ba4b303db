-- sla_pengaduan: per complaint (warehouse and live), working days per stage and the SLA at $as_of.
SELECT * FROM sla_pengaduan($as_of)
