"""Wires settings, the database engine and the identity resolver, once, for each front end."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from centrale.identity.seam import IdentityResolver
from centrale.settings import Settings
from centrale.store.db import make_engine, upgrade


@dataclass
class App:
    """What every service receives: the settings and the database engine."""

    settings: Settings
    engine: Engine
    resolver: IdentityResolver = field(default_factory=lambda: _default_resolver())

    def close(self) -> None:
        self.engine.dispose()


def _default_resolver() -> IdentityResolver:
    from centrale.identity.cin_resolver import CinResolver

    return CinResolver()


def bootstrap(settings: Settings | None = None, *, migrate: bool = True) -> App:
    """Build the app from settings (default: the `CENTRALE_` environment).

    >>> app = bootstrap(Settings(database_url="sqlite://"))  # doctest: +SKIP
    """
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return App(settings=settings, engine=engine)
