"""Engines and migrations: the registry's database on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from centrale.errors import DatabaseUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain `postgresql://` URLs.

    >>> normalise_url("postgresql://u@h/db")
    'postgresql+psycopg://u@h/db'
    """
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def open_registry(url: str, migrate: bool = True) -> Engine:
    """The registry's engine for `url`, created or upgraded to the newest schema when
    `migrate`; a URL that is wrong or a database that cannot be reached is a
    `DatabaseUnavailable` that says how to write one."""
    try:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
    except (ArgumentError, NoSuchModuleError, OperationalError) as error:
        raise DatabaseUnavailable(_unavailable(url, error)) from error
    return engine


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


def database_shown(url: str) -> str:
    """The database as a user looks for it: a SQLite file's absolute path, no password.

    >>> database_shown("postgresql://u:secret@h/db")
    'postgresql://u:***@h/db'
    >>> database_shown("sqlite://")
    'sqlite:// (en mémoire)'
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return f"{url} (en mémoire)"
        return f"{url} (fichier {Path(parsed.database).resolve()})"
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps readers going during a load; NORMAL sync is durable at each commit in WAL mode.
    cursor = dbapi_connection.cursor()
    # Larger pages make bulk loads cheaper; only a new, empty file takes the setting.
    cursor.execute("PRAGMA page_size=16384")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A 64 MB page cache and temporary tables in files: an onboarding of 1M records into a
    # registry of 1M peaked at 1,926 MiB so, against 2,229 with a 256 MB cache and temporary
    # tables in memory, and a settled month took 8.8 s against 10.0 s (measured alternately).
    cursor.execute("PRAGMA temp_store=FILE")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Create or upgrade the database to the newest schema."""
    command.upgrade(alembic_config(engine), "head")


def current_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
