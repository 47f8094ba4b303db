-- export_jumlah_anggaran: pagu per year, stage and account group (4 pendapatan, 5 belanja,
-- 6 pembiayaan), with the stage in force (berlaku): murni and perubahan are never added together.
SELECT g.tahun, g.tahap, g.tahap = tahap_efektif(g.tahun) AS berlaku, g.akun, g.nama_akun,
       g.baris, g.jumlah
FROM (
    SELECT a.tahun, tahap_baris(a.tahap) AS tahap, left(a.kode_rekening, 1) AS akun,
           any_value(k.nama_rekening) AS nama_akun, count(*) AS baris, sum(a.pagu) AS jumlah
    FROM anggaran AS a
    LEFT JOIN kode_rekening AS k ON k.kode_rekening = left(a.kode_rekening, 1)
    GROUP BY a.tahun, tahap_baris(a.tahap), left(a.kode_rekening, 1)
) AS g
ORDER BY g.tahun, g.tahap, g.akun
