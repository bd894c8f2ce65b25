"""The two consoles every command group prints to: results on stdout, errors on stderr,
and the decorator that turns a registry error into a message there.

One pair for the whole command line, so that width, colour and capture behave the same in
every sub-command (Rich fixes a console's width from `COLUMNS` when it is created).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console

from centrale.errors import CentraleError, InvalidInput, system_reason

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def output_file(path: Path) -> Path:
    """`path`, once its folder is known to exist: a command says so before any work."""
    if path.is_dir():
        raise InvalidInput(
            f"« {path} » est un dossier ; donnez le nom du fichier à écrire, "
            f"ex. {path / 'problemes.csv'}"
        )
    if not path.parent.is_dir():
        raise InvalidInput(
            f"le dossier « {path.parent} » n'existe pas ; créez-le ou écrivez {path.name} ailleurs"
        )
    return path


def handle_errors(func: F) -> F:
    """Turn a CentraleError, or a file the system refuses, into a French message on stderr
    and exit code 2, not a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CentraleError as error:
            err_console.print(f"[bold red]Erreur :[/] {error.message}")
            sys.exit(2)
        except OSError as error:  # a file the command was told to write or read
            where = f"à « {error.filename} »" if error.filename else "au fichier"
            err_console.print(
                f"[bold red]Erreur :[/] impossible d'accéder {where} ({system_reason(error)}) ; "
                "vérifiez le chemin (le dossier existe-t-il ?) et les droits"
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]
