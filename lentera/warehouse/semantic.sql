-- Lentera's semantic layer: every measure the app publishes is defined here, once, as a DuckDB
-- macro or table macro over the warehouse tables. `lentera.warehouse.semantic.install` runs this
-- file on the app's in-memory parent connection (the warehouse ATTACHed read-only), and the ETL,
-- the tests and `make bench` use the same installer.
--
-- A measure's documentation stands directly above its definition, so text and computation
-- cannot drift apart; the Tentang page and the API read it from here (lentera.warehouse.measures).
-- A documentation block is a run of comment lines of the form
--   -- measure: <name>            (starts the block; the CREATE below it is the definition)
--   -- unit: <unit>
--   -- id.name: …  / en.name: …
--   -- id.definition: …  / en.definition: …
--   -- id.base: …  / en.base: …          (base period and cohort)
--   -- id.caveats: …  / en.caveats: …
-- A value continues on the following comment lines that start with "--   " (three spaces).
-- Helpers that are not published measures carry no block.
--
-- Values always arrive as macro parameters; no caller formats SQL. Sections are owned by topic.

-- ==== common ==================================================================================

-- Safe division: empty when the denominator is zero or empty (a helper, not a measure).
CREATE OR REPLACE MACRO rasio(pembilang, penyebut) AS
    CAST(pembilang AS DOUBLE) / nullif(CAST(penyebut AS DOUBLE), 0);

-- ==== anggaran (budget) =======================================================================

-- measure: serapan
-- unit: rasio (ditampilkan sebagai persen)
-- id.name: Serapan anggaran
-- en.name: Budget absorption
-- id.definition: Realisasi dibagi pagu: berapa bagian dari anggaran yang sudah dibelanjakan
--   (atau, untuk pendapatan, sudah diterima). Kosong bila pagu nol.
-- en.definition: Realisation divided by the pagu: the share of the budget already spent (or,
--   for revenue, already received). Empty when the pagu is zero.
-- id.base: Realisasi kumulatif sejak Januari sampai bulan yang dipilih, dibandingkan dengan pagu
--   efektif tahun yang sama (pagu perubahan bila tahun itu punya APBD-P, selain itu pagu murni).
-- en.base: Cumulative realisation from January to the chosen month, against the effective pagu
--   of the same year (the revised pagu when the year has an APBD-P, else the original one).
-- id.caveats: Realisasi yang tidak punya baris pagu tetap dihitung pada tingkat kabupaten.
-- en.caveats: Realisation without a matching pagu line still counts at the kabupaten level.
CREATE OR REPLACE MACRO serapan(realisasi, pagu) AS rasio(realisasi, pagu);

-- ==== sla (complaints and permits) ============================================================

-- ==== musrenbang ==============================================================================
