"""The independent oracle: the raw sample files read with plain Polars/csv by the written rules
(docs/INPUT_FORMATS.md), never through etl, the warehouse or the semantic layer."""
