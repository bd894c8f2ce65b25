"""Tables of the weekly review (owned by the review package)."""

from __future__ import annotations
