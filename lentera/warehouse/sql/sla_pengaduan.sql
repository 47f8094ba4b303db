-- sla_pengaduan: per complaint, working days per stage and the SLA at $as_of.
-- The rules are defined once in lentera/sla.py (module docstring); sla.sla_pengaduan is the
-- Python twin and tests/test_sla.py checks that both agree. Needs the tables pengaduan,
-- kategori_pengaduan and kalender_kerja. No trailing semicolon: callers may wrap it as a subquery.
-- DuckDB's greatest() skips NULLs, so clamping at 0 is spelled with CASE to keep NULL as NULL.
WITH acuan AS (
    SELECT max(idx) AS idx FROM kalender_kerja WHERE tanggal = CAST($as_of AS DATE)
),
target AS (
    SELECT lower(trim(kategori)) AS kunci, target_hari_kerja FROM kategori_pengaduan
),
p AS (
    SELECT
        p.nomor_tiket, p.kategori, p.status, p.kanal, p.klasifikasi,
        p.kode_desa, p.kode_kecamatan, p.kode_skpd, p.anonim, p.rahasia,
        p.tanggal_masuk, p.tanggal_verifikasi, p.tanggal_disposisi,
        p.tanggal_tindak_lanjut, p.tanggal_selesai, p.hari_ditunda,
        CAST(p.tanggal_masuk AS DATE) AS mulai,
        CASE WHEN coalesce(p.hari_ditunda, 0) < 0 THEN 0 ELSE coalesce(p.hari_ditunda, 0) END
            AS ditunda,
        CAST(t.target_hari_kerja AS INTEGER) AS target_hari_kerja,
        -- ended by its status without an end date: neither open nor measured
        coalesce(p.status IN ('bukan_wewenang', 'diarsipkan', 'ditolak'), false)
            AND p.tanggal_selesai IS NULL AS berakhir
    FROM pengaduan AS p
    LEFT JOIN target AS t ON t.kunci = lower(trim(p.kategori))
),
i AS (
    SELECT
        p.*,
        km.idx AS i_mulai,
        kv.idx AS i_verifikasi,
        kd.idx AS i_disposisi,
        kt.idx AS i_tindak_lanjut,
        ks.idx AS i_selesai,
        coalesce(ks.idx, acuan.idx) - km.idx AS dipakai
    FROM p
    CROSS JOIN acuan
    LEFT JOIN kalender_kerja AS km ON km.tanggal = p.mulai
    LEFT JOIN kalender_kerja AS kv ON kv.tanggal = CAST(p.tanggal_verifikasi AS DATE)
    LEFT JOIN kalender_kerja AS kd ON kd.tanggal = CAST(p.tanggal_disposisi AS DATE)
    LEFT JOIN kalender_kerja AS kt ON kt.tanggal = CAST(p.tanggal_tindak_lanjut AS DATE)
    LEFT JOIN kalender_kerja AS ks ON ks.tanggal = CAST(p.tanggal_selesai AS DATE)
),
s AS (
    SELECT
        i.*,
        CASE WHEN NOT berakhir THEN
            CASE WHEN dipakai < 0 THEN 0 ELSE dipakai END
            - ditunda
        END AS bersih
    FROM i
),
h AS (
    SELECT s.*, CASE WHEN bersih < 0 THEN 0 ELSE bersih END AS hk FROM s
)
SELECT
    h.nomor_tiket, h.kategori, h.status, h.kanal, h.klasifikasi,
    h.kode_desa, h.kode_kecamatan, h.kode_skpd, h.anonim, h.rahasia,
    h.tanggal_masuk, h.tanggal_verifikasi, h.tanggal_disposisi,
    h.tanggal_tindak_lanjut, h.tanggal_selesai, h.hari_ditunda, h.mulai,
    h.target_hari_kerja,
    CASE WHEN h.target_hari_kerja + h.ditunda = 0 THEN h.mulai ELSE kt.tanggal END AS target_date,
    CAST(h.i_verifikasi - h.i_mulai AS INTEGER) AS hk_verifikasi,
    CAST(h.i_disposisi - h.i_mulai AS INTEGER) AS hk_disposisi,
    CAST(h.i_tindak_lanjut - h.i_mulai AS INTEGER) AS hk_tindak_lanjut,
    CAST(h.i_selesai - h.i_mulai AS INTEGER) AS hk_selesai,
    CAST(h.i_tindak_lanjut - h.i_disposisi AS INTEGER) AS hk_disposisi_ke_tindak_lanjut,
    h.i_verifikasi - h.i_mulai <= 3 AS verifikasi_tepat_waktu,          -- BATAS_VERIFIKASI_HARI_KERJA
    h.i_tindak_lanjut - h.i_disposisi <= 5 AS tindak_lanjut_tepat_waktu, -- BATAS_TINDAK_LANJUT_HARI_KERJA
    CAST(h.hk AS INTEGER) AS hari_kerja,
    CASE WHEN h.tanggal_selesai IS NOT NULL THEN h.hk <= h.target_hari_kerja END AS tepat_waktu,
    CAST(CASE WHEN h.hk - h.target_hari_kerja < 0 THEN 0 ELSE h.hk - h.target_hari_kerja END
         AS INTEGER) AS hari_lewat,
    h.tanggal_selesai IS NULL AND NOT h.berakhir AS terbuka
FROM h
LEFT JOIN kalender_kerja AS kt
    ON kt.hari_kerja AND kt.idx = h.i_mulai + h.target_hari_kerja + h.ditunda
