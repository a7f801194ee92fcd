"""build: counts -> indicator table (aggregation to every level, the indicator formulas, the pipeline)."""
