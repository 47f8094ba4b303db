"""The submissions database: one schema (tables), one migration path (migrate), the only writer of events (events)."""
