-- pengaduan_alur: the status funnel, how many filtered complaints reached each stage.
SELECT tahap, urutan, jumlah FROM (
    SELECT
        count(*) AS diterima,
        count(tanggal_verifikasi) AS diverifikasi,
        count(tanggal_disposisi) AS didisposisi,
        count(tanggal_tindak_lanjut) AS ditindaklanjuti,
        count(tanggal_selesai) AS selesai
    FROM f
) UNPIVOT (jumlah FOR tahap IN (diterima, diverifikasi, didisposisi, ditindaklanjuti, selesai))
JOIN (VALUES ('diterima', 1), ('diverifikasi', 2), ('didisposisi', 3), ('ditindaklanjuti', 4),
             ('selesai', 5)) AS u(nama, urutan) ON u.nama = tahap
ORDER BY urutan
