-- export_baris_ditolak: the rows the loader rejected, with reasons; the value of a column listed
-- in $kolom_tertahan (personal data, free text) is withheld, the others were redacted at load.
SELECT source, source_file, source_row, "column",
       CASE WHEN tahan THEN NULL ELSE value END AS value, tahan AS nilai_ditahan, reason
FROM (
    SELECT r.*,
           coalesce(list_has_any(string_split(r."column", ','), $kolom_tertahan), false) AS tahan
    FROM etl_rejects AS r
) AS r
