-- Beranda's permit figures on $as_of, from the sla section's perizinan_kasus: applications
-- received in $tahun (NULL = the year of $as_of) and, of those same applications, how many were
-- issued (status selesai with an end date), rejected, returned or withdrawn (ended by one of
-- status_berakhir_perizinan()), and still in process on $as_of.
WITH th AS (
    SELECT coalesce(CAST($tahun AS INTEGER), year(CAST($as_of AS DATE))) AS tahun
),
k AS (
    SELECT k.* FROM perizinan_kasus($as_of, NULL, NULL, NULL, NULL) AS k, th
    WHERE year(k.tanggal_permohonan) = th.tahun
      AND CAST(k.tanggal_permohonan AS DATE) <= CAST($as_of AS DATE)
)
SELECT th.tahun, CAST($as_of AS DATE) AS as_of,
       count(k.nomor_permohonan) AS masuk,
       count(k.nomor_permohonan) FILTER (WHERE k.status = 'selesai' AND k.tanggal_selesai IS NOT NULL
                                           AND CAST(k.tanggal_selesai AS DATE) <= CAST($as_of AS DATE))
           AS terbit,
       count(k.nomor_permohonan) FILTER (WHERE list_contains(status_berakhir_perizinan(), k.status))
           AS ditolak,
       count(k.nomor_permohonan) FILTER (WHERE k.terbuka) AS diproses,
       max(k.tanggal_permohonan) AS terakhir
FROM th LEFT JOIN k ON true
GROUP BY th.tahun
