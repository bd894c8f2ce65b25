"""Flash-back, the sector's weekly review: sources, intake, curation, issues, subscribers."""
