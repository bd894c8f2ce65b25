"""Wires settings, the database engine and the identity resolver, once, for each front end."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from centrale.errors import DatabaseUnavailable
from centrale.identity.seam import IdentityResolver
from centrale.settings import Settings
from centrale.store.db import make_engine, upgrade


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
    try:
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
    except (ArgumentError, NoSuchModuleError, OperationalError) as error:
        raise DatabaseUnavailable(_unavailable(settings.database_url, error)) from error
    return App(settings=settings, engine=engine)


def _unavailable(url: str, error: Exception) -> str:
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        shown = url
    cause = getattr(error, "orig", None) or error
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return (
        f"base de données inaccessible : « {shown} » ({reason}) ; vérifiez "
        "CENTRALE_DATABASE_URL (ex. sqlite:///centrale.db, dans un dossier qui existe, ou "
        "postgresql://utilisateur@hôte:5432/base, serveur démarré)"
    )
