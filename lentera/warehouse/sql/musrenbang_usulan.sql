-- Proposals matching the page filters (NULL = all), each with the furthest funnel stage it
-- reached and, when its sub kegiatan is in the plan year's APBD, that sub kegiatan's effective
-- pagu, realisasi and serapan.
WITH u AS (
    SELECT *
    FROM usulan
    WHERE ($tahun IS NULL OR tahun_rkpd = $tahun)
      AND ($status IS NULL OR status = $status)
      AND ($sumber IS NULL OR coalesce(sumber, 'musrenbang') = $sumber)
      AND ($bidang IS NULL OR bidang_urusan = $bidang)
      AND ($opd IS NULL OR kode_skpd_tujuan = $opd)
      AND ($kecamatan IS NULL OR kode_kecamatan = $kecamatan)
      AND ($kode_sub_kegiatan IS NULL OR kode_sub_kegiatan = $kode_sub_kegiatan)
),
uang AS (
    SELECT * FROM uang_sub_kegiatan()
    WHERE ($tahun IS NULL OR tahun = $tahun)
      AND ($kode_sub_kegiatan IS NULL OR kode_sub_kegiatan = $kode_sub_kegiatan)
),
staged AS (
    SELECT u.*, m.nama_sub_kegiatan, m.pagu AS pagu_sub_kegiatan,
           m.realisasi AS realisasi_sub_kegiatan, m.serapan AS serapan_sub_kegiatan,
           -- funded: its sub kegiatan is in that plan year's APBD
           m.kode_sub_kegiatan IS NOT NULL AS di_apbd
    FROM u
    LEFT JOIN uang m ON m.tahun = u.tahun_rkpd AND m.kode_sub_kegiatan = u.kode_sub_kegiatan
)
SELECT s.id_usulan, s.tahun_rkpd, s.usulan, s.permasalahan,
       coalesce(s.sumber, 'musrenbang') AS sumber, s.tahap,
       s.kode_desa, s.nama_desa, s.kode_kecamatan, s.nama_kecamatan,
       s.lat, s.lng, s.volume, s.satuan,
       CAST(s.perkiraan_biaya AS DOUBLE) AS perkiraan_biaya,
       s.kode_skpd_tujuan, k.nama_skpd AS nama_skpd_tujuan, s.bidang_urusan,
       s.status, s.alasan, s.kode_sub_kegiatan, s.nama_sub_kegiatan,
       CAST(s.pagu_sub_kegiatan AS DOUBLE) AS pagu_sub_kegiatan,
       CAST(s.realisasi_sub_kegiatan AS DOUBLE) AS realisasi_sub_kegiatan,
       s.serapan_sub_kegiatan,
       tahap_usulan(s.status, s.tahap, s.di_apbd, s.realisasi_sub_kegiatan > 0) AS tahap_tercapai
FROM staged s
LEFT JOIN skpd k ON k.kode_skpd = s.kode_skpd_tujuan
ORDER BY s.tahun_rkpd DESC, s.kode_kecamatan, s.kode_desa, s.id_usulan
