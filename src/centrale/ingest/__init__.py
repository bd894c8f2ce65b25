"""Ingestion of monthly submissions: read a file, validate every row, load the valid ones."""
