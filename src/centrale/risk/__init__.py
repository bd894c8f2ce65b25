"""Sector risk: cross-indebtedness, arrears (PAR), provisions, statistics."""
