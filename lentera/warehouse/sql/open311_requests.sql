-- open311_requests: complaints for the read-only Open311 GeoReport v2 API, newest first. The
-- warehouse's and the live citizen reports, their state on $as_of from sla_pengaduan (no second
-- rule for open/closed); confidential reports never appear; the title only where the published
-- download carries it (warehouse rows), never a live report's text nor any point.
SELECT
    s.nomor_tiket, s.langsung, s.kategori, s.status, s.terbuka, s.tanggal_masuk,
    greatest(s.tanggal_masuk, s.tanggal_verifikasi, s.tanggal_disposisi, s.tanggal_tindak_lanjut,
             s.tanggal_selesai) AS diperbarui,
    s.target_date AS tanggal_target, s.kode_desa, d.nama_desa, k.nama_kecamatan, s.kode_skpd,
    o.nama_skpd,
    CASE WHEN s.langsung THEN NULL ELSE p.judul END AS judul
FROM sla_pengaduan($as_of) AS s
LEFT JOIN pengaduan AS p ON NOT s.langsung AND p.nomor_tiket = s.nomor_tiket
LEFT JOIN wilayah_desa AS d ON d.kode_desa = s.kode_desa
LEFT JOIN wilayah_kecamatan AS k ON k.kode_kecamatan = s.kode_kecamatan
LEFT JOIN skpd AS o ON o.kode_skpd = s.kode_skpd
WHERE NOT coalesce(s.rahasia, false)
  AND ($kategori IS NULL OR list_contains($kategori, s.kategori))
  AND ($terbuka IS NULL OR s.terbuka = $terbuka)
  AND ($mulai IS NULL OR s.tanggal_masuk >= $mulai)
  AND ($sampai IS NULL OR s.tanggal_masuk <= $sampai)
  AND ($nomor IS NULL
       OR (NOT s.langsung AND list_contains($nomor, s.nomor_tiket))
       OR (s.langsung AND list_contains($tiket_langsung, s.nomor_tiket)))
ORDER BY s.tanggal_masuk DESC, s.nomor_tiket
LIMIT $batas
