"""Wires settings, the database engine and the identity resolver, once, for each front end."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from centrale.settings import Settings
from centrale.store.db import make_engine, upgrade


@dataclass
class App:
    """What every service receives: the settings and the database engine."""

    settings: Settings
    engine: Engine
    extras: dict[str, object] = field(default_factory=dict)

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, migrate: bool = True) -> App:
    """Build the app from settings (default: the `CENTRALE_` environment).

    >>> app = bootstrap(Settings(database_url="sqlite://"))  # doctest: +SKIP
    """
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return App(settings=settings, engine=engine)
