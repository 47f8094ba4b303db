-- Proposals matching the page filters (NULL = all), each with the furthest funnel stage it
-- reached and, when funded, its sub kegiatan's pagu (revised when a perubahan exists) and realisasi.
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
linked AS (
    SELECT DISTINCT tahun_rkpd AS tahun, kode_sub_kegiatan
    FROM u
    WHERE kode_sub_kegiatan IS NOT NULL
),
pagu AS (
    -- the revised budget (perubahan) counts when the year has one for that sub kegiatan
    SELECT a.tahun, a.kode_sub_kegiatan,
           any_value(a.nama_sub_kegiatan) AS nama_sub_kegiatan,
           CASE WHEN count(*) FILTER (WHERE a.tahap = 'perubahan') > 0
                THEN sum(a.pagu) FILTER (WHERE a.tahap = 'perubahan')
                ELSE sum(a.pagu) FILTER (WHERE coalesce(a.tahap, 'murni') = 'murni') END AS pagu
    FROM anggaran a
    SEMI JOIN linked l ON a.tahun = l.tahun AND a.kode_sub_kegiatan = l.kode_sub_kegiatan
    GROUP BY a.tahun, a.kode_sub_kegiatan
),
real AS (
    SELECT r.tahun, r.kode_sub_kegiatan, sum(r.realisasi) AS realisasi
    FROM realisasi r
    SEMI JOIN linked l ON r.tahun = l.tahun AND r.kode_sub_kegiatan = l.kode_sub_kegiatan
    GROUP BY r.tahun, r.kode_sub_kegiatan
),
staged AS (
    SELECT u.*,
           p.nama_sub_kegiatan,
           p.pagu AS pagu_sub_kegiatan,
           coalesce(r.realisasi, 0) AS realisasi_sub_kegiatan,
           -- funded: its sub kegiatan is in that plan year's APBD; rejected ones never count
           (p.kode_sub_kegiatan IS NOT NULL
            AND u.status NOT IN ('ditolak', 'dikembalikan')) AS didanai,
           (p.kode_sub_kegiatan IS NOT NULL
            AND u.status NOT IN ('ditolak', 'dikembalikan')
            AND coalesce(r.realisasi, 0) > 0) AS terealisasi
    FROM u
    LEFT JOIN pagu p ON p.tahun = u.tahun_rkpd AND p.kode_sub_kegiatan = u.kode_sub_kegiatan
    LEFT JOIN real r ON r.tahun = u.tahun_rkpd AND r.kode_sub_kegiatan = u.kode_sub_kegiatan
)
SELECT s.id_usulan, s.tahun_rkpd, s.usulan, s.permasalahan,
       coalesce(s.sumber, 'musrenbang') AS sumber, s.tahap,
       s.kode_desa, s.nama_desa, s.kode_kecamatan, s.nama_kecamatan,
       s.lat, s.lng, s.volume, s.satuan,
       CAST(s.perkiraan_biaya AS DOUBLE) AS perkiraan_biaya,
       s.kode_skpd_tujuan, k.nama_skpd AS nama_skpd_tujuan, s.bidang_urusan,
       s.status, s.alasan, s.kode_sub_kegiatan, s.nama_sub_kegiatan,
       CAST(s.pagu_sub_kegiatan AS DOUBLE) AS pagu_sub_kegiatan,
       CAST(CASE WHEN s.pagu_sub_kegiatan IS NULL THEN NULL ELSE s.realisasi_sub_kegiatan END
            AS DOUBLE) AS realisasi_sub_kegiatan,
       -- furthest stage reached, 1..6 (see METHODS): desa, kecamatan, OPD, RKPD, APBD, realised
       greatest(
           CASE s.status
               WHEN 'diusulkan' THEN 1
               WHEN 'diverifikasi_kecamatan' THEN 2
               WHEN 'diterima_opd' THEN 3
               WHEN 'masuk_rkpd' THEN 4
               -- a rejected/returned proposal at kabupaten level had passed the kecamatan
               ELSE CASE WHEN s.tahap = 'kabupaten' THEN 2 ELSE 1 END
           END,
           CASE WHEN s.didanai THEN 5 ELSE 0 END,
           CASE WHEN s.terealisasi THEN 6 ELSE 0 END
       ) AS tahap_tercapai
FROM staged s
LEFT JOIN skpd k ON k.kode_skpd = s.kode_skpd_tujuan
ORDER BY s.tahun_rkpd DESC, s.kode_kecamatan, s.kode_desa, s.id_usulan
