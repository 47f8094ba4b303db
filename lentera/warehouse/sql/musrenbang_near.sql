-- Proposals inside a lat/lng box (the cheap first step of "similar proposals near you").
SELECT id_usulan, tahun_rkpd, usulan, nama_desa, nama_kecamatan, status, lat, lng
FROM usulan
WHERE lat BETWEEN $min_lat AND $max_lat
  AND lng BETWEEN $min_lng AND $max_lng
  AND ($exclude_id IS NULL OR id_usulan <> $exclude_id)
