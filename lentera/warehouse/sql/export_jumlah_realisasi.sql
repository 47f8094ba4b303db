-- export_jumlah_realisasi: realisation per year and account group, January to the latest month
-- with data in that year (sampai_bulan): the monthly rows are not cumulative, so they add up.
SELECT r.tahun, left(r.kode_rekening, 1) AS akun, any_value(k.nama_rekening) AS nama_akun,
       max(r.bulan) AS sampai_bulan, count(*) AS baris, sum(r.realisasi) AS jumlah
FROM realisasi AS r
LEFT JOIN kode_rekening AS k ON k.kode_rekening = left(r.kode_rekening, 1)
GROUP BY r.tahun, left(r.kode_rekening, 1)
ORDER BY r.tahun, akun
