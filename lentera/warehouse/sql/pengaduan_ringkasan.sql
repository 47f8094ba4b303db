-- pengaduan_ringkasan: headline figures. Flows (received, finished, on time, working days) are the
-- complaints received in $tahun (every year when NULL) as known on $as_of, net and gross of
-- pauses; the backlog (terbuka*) is the stock open on $as_of, whatever year it arrived.
WITH aliran AS (
    SELECT
        count(*) AS jumlah,
        count(*) FILTER (WHERE tanggal_selesai IS NOT NULL) AS selesai,
        count(*) FILTER (WHERE tepat_waktu IS NOT NULL) AS dinilai,
        count(*) FILTER (WHERE tepat_waktu) AS tepat_waktu,
        rasio_tepat_waktu(tepat_waktu) AS persen_tepat_waktu,
        rasio_tepat_waktu(tepat_waktu_kotor) AS persen_tepat_waktu_kotor,
        median(hari_kerja) FILTER (WHERE tanggal_selesai IS NOT NULL) AS median_hari_kerja,
        quantile_cont(hari_kerja, 0.9) FILTER (WHERE tanggal_selesai IS NOT NULL)
            AS p90_hari_kerja,
        median(hari_kotor) FILTER (WHERE tanggal_selesai IS NOT NULL) AS median_hari_kotor,
        quantile_cont(hari_kotor, 0.9) FILTER (WHERE tanggal_selesai IS NOT NULL)
            AS p90_hari_kotor,
        count(*) FILTER (WHERE pernah_ditunda) AS ditunda,
        count(*) FILTER (WHERE jeda_panjang(hari_ditunda, $batas_jeda)) AS jeda_panjang,
        count(*) FILTER (WHERE terbuka) AS terbuka_kohort,
        count(*) FILTER (WHERE langsung) AS langsung,
        count(*) FILTER (WHERE rahasia) AS rahasia
    FROM pengaduan_kasus($as_of, $tahun, $kategori, $kanal, $kecamatan, $opd)
),
stok AS (
    SELECT
        count(*) AS terbuka,
        count(*) FILTER (WHERE hari_lewat > 0) AS terbuka_lewat,
        count(*) FILTER (WHERE hari_lewat_kotor > 0) AS terbuka_lewat_kotor,
        count(*) FILTER (WHERE CAST($tahun AS INTEGER) IS NOT NULL
                         AND year(tanggal_masuk) < CAST($tahun AS INTEGER)) AS terbuka_tahun_lalu,
        count(*) FILTER (WHERE jeda_panjang(hari_ditunda, $batas_jeda)) AS terbuka_jeda_panjang
    FROM pengaduan_kasus($as_of, NULL, $kategori, $kanal, $kecamatan, $opd)
    WHERE terbuka
)
SELECT * FROM aliran, stok
