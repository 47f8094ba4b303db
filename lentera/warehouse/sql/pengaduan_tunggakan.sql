-- pengaduan_tunggakan: the complaints open on $as_of (any year received; the year filter does not
-- apply to a stock) by age (calendar working days), days past target net and gross; `urutan`
-- orders the buckets.
SELECT sumbu, kelompok, urutan, jumlah
FROM tunggakan_pengaduan($as_of, $kategori, $kanal, $kecamatan, $opd)
ORDER BY sumbu DESC, urutan
