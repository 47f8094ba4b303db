-- export_jumlah_usulan: estimated cost of proposals per plan (RKPD) year and status: a cost
-- estimate is not money budgeted, and rejected proposals are shown apart, never in one total.
SELECT u.tahun_rkpd, u.status, count(*) AS baris, sum(u.perkiraan_biaya) AS jumlah
FROM usulan AS u
GROUP BY u.tahun_rkpd, u.status
ORDER BY u.tahun_rkpd, u.status
