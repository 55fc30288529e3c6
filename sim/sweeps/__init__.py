"""Batch parameter sweeps: a spec names levers and context to vary, a design places points,
an executor runs every (point, replication), and a Parquet run store keeps each finished
run at once so that an interrupted sweep resumes with only the missing runs."""
