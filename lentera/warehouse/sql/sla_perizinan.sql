-- sla_perizinan: per permit or service request, the SLA at $as_of.
SELECT * FROM sla_perizinan($as_of)
