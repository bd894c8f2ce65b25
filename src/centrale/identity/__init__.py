"""Identity resolution: one person across institutions, spellings and scripts."""
