"""What the command-line tests share: a registry (SQLite or PostgreSQL) with AMANA in it, in
the environment, and a working folder of their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from centrale.cli import app


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CENTRALE_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["institutions", "add", "AMANA", "--name", "Al Amana"])
    assert result.exit_code == 0, result.output
    return tmp_path
