"""Wires settings, the database engine and the identity resolver, once, for each front end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from centrale.identity.seam import IdentityResolver
from centrale.settings import Settings
from centrale.store.db import open_registry

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class App:
    """What every service receives: the settings and the database engine."""

    settings: Settings
    engine: Engine
    resolver: IdentityResolver = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = make_resolver(self.settings)

    def close(self) -> None:
        self.engine.dispose()


def make_resolver(settings: Settings) -> IdentityResolver:
    """The identity resolver the settings ask for (`identity_resolver`)."""
    if settings.identity_resolver == "cin":
        from centrale.identity.cin_resolver import CinResolver

        return CinResolver()
    from centrale.identity.resolver import make_resolver as model_resolver

    return model_resolver(settings)


def bootstrap(settings: Settings | None = None, *, migrate: bool = True) -> App:
    """Build the app from settings (default: the `CENTRALE_` environment).

    >>> app = bootstrap(Settings(database_url="sqlite://"))  # doctest: +SKIP
    """
    settings = settings or Settings()
    return App(settings=settings, engine=open_registry(settings.database_url, migrate))
