-- open311_kategori: every complaint category (the reference targets and any category the
-- public complaints use) with its target in working days, for Open311 services.json.
SELECT kategori, max(target_hari_kerja) AS target_hari_kerja FROM (
    SELECT trim(kategori) AS kategori, CAST(target_hari_kerja AS INTEGER) AS target_hari_kerja
    FROM kategori_pengaduan
    UNION ALL
    SELECT DISTINCT trim(kategori), NULL FROM sla_pengaduan($as_of)
    WHERE NOT coalesce(rahasia, false) AND kategori IS NOT NULL
) GROUP BY kategori ORDER BY kategori
