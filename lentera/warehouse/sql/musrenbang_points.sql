-- Every proposal with a point: the input of the placement and duplicate checks (all years).
SELECT id_usulan, tahun_rkpd, usulan, kode_desa, nama_desa, kode_kecamatan, nama_kecamatan,
       lat, lng, status
FROM usulan
WHERE lat IS NOT NULL AND lng IS NOT NULL
ORDER BY id_usulan
