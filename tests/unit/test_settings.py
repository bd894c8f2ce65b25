"""Every setting has a default and a description; every command has its help text."""

from __future__ import annotations

import pytest
import typer

from centrale.cli import app
from centrale.settings import Settings


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_documented(name: str) -> None:
    field = Settings.model_fields[name]
    assert field.description, f"setting {name} needs a description"
    assert not field.is_required(), f"setting {name} needs a default"


def test_database_defaults_to_a_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CENTRALE_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:///centrale.db"
    monkeypatch.setenv("CENTRALE_DATABASE_URL", "postgresql://u@h/db")
    assert Settings().database_url == "postgresql://u@h/db"


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for command in group.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "?")
        found.append(
            (prefix + name, command.help or (command.callback and command.callback.__doc__))
        )
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        found += _commands(sub.typer_instance, f"{prefix}{sub.name} ")
    return found


def test_every_command_has_help() -> None:
    missing = [name for name, text in _commands(app) if not text]
    assert missing == []
