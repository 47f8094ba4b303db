-- sla_perizinan: per permit or service request, the SLA at $as_of.
-- The clock starts when the file is complete (tanggal_berkas_lengkap, else tanggal_permohonan);
-- the target is perizinan.target_hari_kerja (from standar_layanan). Rules: lentera/sla.py; its
-- Python twin sla.sla_perizinan must agree (tests/test_sla.py). Needs perizinan and
-- kalender_kerja. No trailing semicolon: callers may wrap it as a subquery.
-- DuckDB's greatest() skips NULLs, so clamping at 0 is spelled with CASE to keep NULL as NULL.
WITH acuan AS (
    SELECT max(idx) AS idx FROM kalender_kerja WHERE tanggal = CAST($as_of AS DATE)
),
p AS (
    SELECT
        p.nomor_permohonan, p.jenis_layanan, p.status, p.kode_desa, p.kode_kecamatan,
        p.kode_skpd, p.bentuk_pemohon, p.kbli, p.skala_usaha, p.tingkat_risiko,
        p.tanggal_permohonan, p.tanggal_berkas_lengkap, p.tanggal_selesai,
        CAST(coalesce(p.tanggal_berkas_lengkap, p.tanggal_permohonan) AS DATE) AS mulai,
        CAST(p.target_hari_kerja AS INTEGER) AS target_hari_kerja,
        -- ended by its status without an end date: neither open nor measured
        coalesce(p.status IN ('ditolak', 'dikembalikan', 'dicabut'), false)
            AND p.tanggal_selesai IS NULL AS berakhir
    FROM perizinan AS p
),
i AS (
    SELECT
        p.*,
        km.idx AS i_mulai,
        CASE WHEN NOT p.berakhir THEN coalesce(ks.idx, acuan.idx) - km.idx END AS dipakai
    FROM p
    CROSS JOIN acuan
    LEFT JOIN kalender_kerja AS km ON km.tanggal = p.mulai
    LEFT JOIN kalender_kerja AS ks ON ks.tanggal = CAST(p.tanggal_selesai AS DATE)
),
h AS (
    SELECT i.*, CASE WHEN dipakai < 0 THEN 0 ELSE dipakai END AS hk FROM i
)
SELECT
    h.nomor_permohonan, h.jenis_layanan, h.status, h.kode_desa, h.kode_kecamatan,
    h.kode_skpd, h.bentuk_pemohon, h.kbli, h.skala_usaha, h.tingkat_risiko,
    h.tanggal_permohonan, h.tanggal_berkas_lengkap, h.tanggal_selesai, h.mulai,
    h.target_hari_kerja,
    CASE WHEN h.target_hari_kerja = 0 THEN h.mulai ELSE kt.tanggal END AS target_date,
    CAST(h.hk AS INTEGER) AS hari_kerja,
    CASE WHEN h.tanggal_selesai IS NOT NULL THEN h.hk <= h.target_hari_kerja END AS tepat_waktu,
    CAST(CASE WHEN h.hk - h.target_hari_kerja < 0 THEN 0 ELSE h.hk - h.target_hari_kerja END
         AS INTEGER) AS hari_lewat,
    h.tanggal_selesai IS NULL AND NOT h.berakhir AS terbuka
FROM h
LEFT JOIN kalender_kerja AS kt ON kt.hari_kerja AND kt.idx = h.i_mulai + h.target_hari_kerja
