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

-- ==== sla (complaints and permits) ============================================================

-- ==== musrenbang ==============================================================================
