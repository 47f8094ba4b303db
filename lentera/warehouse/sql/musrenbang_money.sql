-- One sub kegiatan's budget in a year: name, effective pagu, realisasi and serapan (no row when
-- the sub kegiatan is not in that year's APBD).
SELECT kode_sub_kegiatan, tahun, nama_sub_kegiatan, nama_skpd,
       CAST(pagu AS DOUBLE) AS pagu, CAST(realisasi AS DOUBLE) AS realisasi, serapan
FROM uang_sub_kegiatan()
WHERE tahun = $tahun AND kode_sub_kegiatan = $kode
