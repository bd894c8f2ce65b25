"""The `centrale` command: a thin shell over the services; it parses and it formats."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from centrale.bootstrap import App, bootstrap
from centrale.errors import CentraleError

app = typer.Typer(
    help="Centrale des risques du microcrédit et revue Flash-back.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn a CentraleError into a French message on stderr and exit code 2, not a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CentraleError as error:
            err_console.print(f"[bold red]Erreur :[/] {error.message}")
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def open_app(migrate: bool = True) -> App:
    return bootstrap(migrate=migrate)


@app.command()
@handle_errors
def init() -> None:
    """Crée la base de données ou la met à jour."""
    registry = open_app()
    console.print(f"Base prête : {registry.settings.database_url}")
    registry.close()


def _register_sub_apps() -> None:
    # Imported here so that each feature package owns its own commands.
    from centrale.review.cli import review_app

    app.add_typer(review_app, name="review")


_register_sub_apps()
