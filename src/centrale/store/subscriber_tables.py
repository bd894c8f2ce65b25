"""Tables of the review's subscribers, consent ledger and delivery (owned by review delivery)."""

from __future__ import annotations
