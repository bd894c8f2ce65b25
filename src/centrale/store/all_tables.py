"""Imports every table module so that the shared metadata knows the whole schema."""

from centrale.store import identity_tables, review_tables, subscriber_tables, tables

__all__ = ["identity_tables", "review_tables", "subscriber_tables", "tables"]
