-- Money of the funded proposals matching the page filters: one row per sub kegiatan and year
-- (uang_usulan), so a sub kegiatan's pagu and realisasi are counted once however many
-- proposals it funds.
SELECT tahun, kode_sub_kegiatan, nama_sub_kegiatan, jumlah_usulan, id_usulan,
       CAST(pagu AS DOUBLE) AS pagu, CAST(realisasi AS DOUBLE) AS realisasi, serapan
FROM uang_usulan($tahun, $status, $sumber, $bidang, $opd, $kecamatan, $kode_sub_kegiatan)
ORDER BY tahun DESC, pagu DESC, kode_sub_kegiatan
