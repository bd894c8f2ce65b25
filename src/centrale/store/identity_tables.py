"""Tables of identity resolution (owned by the identity package)."""

from __future__ import annotations
