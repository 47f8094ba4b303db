-- pengaduan_alur: the status funnel, how many filtered complaints reached each stage.
SELECT tahap, urutan, jumlah
FROM alur_pengaduan($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
ORDER BY urutan
