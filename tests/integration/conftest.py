"""Fixtures shared by the registry's integration tests."""

from __future__ import annotations

import pytest

from centrale import services
from centrale.bootstrap import App


@pytest.fixture
def amana(app: App) -> App:
    """A registry with one member institution, AMANA."""
    services.add_institution(app, "AMANA", "Al Amana Microfinance")
    return app
