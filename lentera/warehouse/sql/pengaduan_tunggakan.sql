-- pengaduan_tunggakan: the open backlog by age (working days so far, net of pauses) and by
-- working days past target; `urutan` orders the buckets.
SELECT sumbu, kelompok, urutan, jumlah
FROM tunggakan_pengaduan($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
ORDER BY sumbu DESC, urutan
