-- export_kalender_kerja: the working-day calendar every SLA counts with, one row per date, with
-- the kind of day (a configured cuti bersama is named so even when it is also a holiday).
SELECT k.tanggal, k.hari_kerja, k.idx, k.nama_libur,
       CASE WHEN k.hari_kerja THEN 'kerja'
            WHEN isodow(k.tanggal) >= 6 THEN 'akhir_pekan'
            WHEN k.tanggal IN (SELECT c.tanggal FROM cuti_bersama AS c) THEN 'cuti_bersama'
            ELSE 'libur_nasional' END AS jenis_hari
FROM kalender_kerja AS k
