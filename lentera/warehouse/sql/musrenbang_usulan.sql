-- Proposals matching the page filters (NULL = all), each with the furthest funnel stage it
-- reached (tahap_usulan), whether its link to a sub kegiatan is valid (tautan_usulan) and, when
-- its sub kegiatan is in the plan year's APBD, that sub kegiatan's effective pagu, realisasi
-- and serapan (the sub kegiatan's figures, shared by every proposal linked to it).
SELECT s.id_usulan, s.tahun_rkpd, s.usulan, s.permasalahan,
       coalesce(s.sumber, 'musrenbang') AS sumber, s.tahap,
       s.kode_desa, s.nama_desa, s.kode_kecamatan, s.nama_kecamatan,
       s.lat, s.lng, s.volume, s.satuan,
       CAST(s.perkiraan_biaya AS DOUBLE) AS perkiraan_biaya,
       s.kode_skpd_tujuan, k.nama_skpd AS nama_skpd_tujuan, s.bidang_urusan,
       s.status, s.alasan, s.kode_sub_kegiatan, s.nama_sub_kegiatan,
       CAST(s.pagu_sub_kegiatan AS DOUBLE) AS pagu_sub_kegiatan,
       CAST(s.realisasi_sub_kegiatan AS DOUBLE) AS realisasi_sub_kegiatan,
       s.serapan_sub_kegiatan, s.tautan_tidak_cocok, s.tahap_tercapai
FROM usulan_bertahap($tahun, $status, $sumber, $bidang, $opd, $kecamatan,
                     $kode_sub_kegiatan) AS s
LEFT JOIN skpd k ON k.kode_skpd = s.kode_skpd_tujuan
ORDER BY s.tahun_rkpd DESC, s.kode_kecamatan, s.kode_desa, s.id_usulan
