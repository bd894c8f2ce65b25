"""Fixtures shared by every test: the settings, and a `db` on SQLite and on PostgreSQL.

The PostgreSQL server is real and throwaway: started once per test session (per xdist worker),
migrated once into a template database, then each test gets a fresh copy of the template.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

# Rich fixes the CLI consoles' width from COLUMNS when centrale.terminal is first imported;
# a wide, fixed width keeps the lines tests read whole, whatever terminal (or none) CI has.
os.environ["COLUMNS"] = "250"

from centrale.bootstrap import App
from centrale.settings import Settings
from centrale.store.db import make_engine, upgrade
from centrale.store.throwaway import throwaway_postgres

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    with throwaway_postgres() as url:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE centrale_template"))
        engine.dispose()
        template_url = url.rsplit("/", 1)[0] + "/centrale_template"
        template = make_engine(template_url)
        upgrade(template)
        template.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _fresh_postgres(server_url: str) -> str:
    name = f"centrale_test_{next(_counter)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE centrale_template"))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(server_url: str, database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A freshly migrated, empty database; every test using it runs on both backends."""
    if request.param == "sqlite":
        path = tmp_path / "centrale.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("pg_server")
    url = _fresh_postgres(server)
    yield url
    _drop_postgres(server, url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, synth_dir=tmp_path / "synth")


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings: Settings, db: Engine) -> Iterator[App]:
    yield App(settings=settings, engine=db)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The docstrings' examples run as tests (`--doctest-modules` over `src/centrale`).
    Those marked `+SKIP` whole show a call that needs a database or a file (how to use it,
    not a claim): they are deselected, not reported as skipped tests."""
    import doctest

    from _pytest.doctest import DoctestItem

    illustrations = [
        item
        for item in items
        if isinstance(item, DoctestItem)
        and item.dtest is not None
        and all(example.options.get(doctest.SKIP) for example in item.dtest.examples)
    ]
    if illustrations:
        config.hook.pytest_deselected(items=illustrations)
        kept = set(map(id, illustrations))
        items[:] = [item for item in items if id(item) not in kept]
