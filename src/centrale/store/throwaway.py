"""A throwaway PostgreSQL server for tests and benchmarks.

System binaries are used where present (Debian's `/usr/lib/postgresql/*/bin`, or `initdb` on
PATH); otherwise the server shipped on PyPI by `pgserver`. PostgreSQL refuses to run as root,
so as root the server runs as `nobody` through `runuser`.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _system_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if Path(directory, "initdb").exists():
            return Path(directory)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *argv]
    return argv


@contextmanager
def system_postgres(bindir: Path) -> Iterator[str]:
    root = Path(tempfile.mkdtemp(prefix="centrale-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "nobody")
        os.chmod(root, 0o755)
    subprocess.run(
        _as_server_user(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
        ),
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50 "
        "-c shared_buffers=256MB -c max_wal_size=4GB"
    )
    subprocess.run(
        _as_server_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def pypi_postgres() -> Iterator[str]:
    import pgserver  # shipped with the dev dependencies

    root = tempfile.mkdtemp(prefix="centrale-pgserver-")
    server = pgserver.get_server(root, cleanup_mode="delete")
    try:
        uri = server.get_uri()
        yield uri.replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a fresh server, yield its SQLAlchemy URL, stop and delete it afterwards."""
    bindir = _system_bindir()
    manager = system_postgres(bindir) if bindir else pypi_postgres()
    with manager as url:
        yield url
