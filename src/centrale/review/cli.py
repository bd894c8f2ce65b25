"""`centrale review`: the weekly review's commands. They parse, call the review's functions
and format; every error is a French message and exit code 2 (the project's `handle_errors`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from centrale.bootstrap import App
from centrale.cli_french import CentraleTyper
from centrale.review.cli_delivery import register_delivery_commands
from centrale.terminal import console

review_app = CentraleTyper(help="La revue hebdomadaire Flash-back.", no_args_is_help=True)
F = TypeVar("F", bound=Callable[..., Any])


def command(func: F) -> F:
    """The project's error handling, looked up when called: `centrale.cli` imports us."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from centrale.cli import handle_errors

        return handle_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def registry() -> Iterator[App]:
    from centrale.cli import open_app

    app = open_app()
    try:
        yield app
    finally:
        app.close()


@review_app.command("fetch")
@command
def fetch(
    source: Annotated[list[int] | None, typer.Option(help="Ne relever que ces sources.")] = None,
) -> None:
    """Relève les sources, regroupe les doublons et classe les articles par pertinence."""
    from centrale.review.fetching import outcome_label
    from centrale.review.pipeline import refresh

    with registry() as app:
        reports, clusters, ranked = refresh(app, source_ids=source)
    table = Table("source", "résultat", "HTTP", "entrées", "nouveaux", "ms", "message")
    for r in reports:
        table.add_row(
            r.source_name,
            outcome_label(r.outcome),
            str(r.http_status or "—"),
            str(r.entries),
            str(r.new_items),
            str(r.duration_ms),
            r.message or "",
        )
    console.print(table)
    console.print(
        f"{clusters} groupe(s) de doublons ; {ranked.scored} article(s) classé(s), "
        f"{ranked.blocked} bloqué(s), {ranked.kept} gardé(s) par une règle."
    )


@review_app.command("rank")
@command
def rank() -> None:
    """Reclasse les articles (après un changement de règles), sans relever les sources."""
    from centrale.review.ranking import rank_items

    with registry() as app:
        report = rank_items(app.engine)
    console.print(f"{report.scored} article(s) classé(s), {report.blocked} bloqué(s).")


def _register() -> None:
    # Each command group owns its module; they attach themselves to `review_app`.
    from centrale.review import (
        cli_editors,
        cli_issue,
        cli_lists,
        cli_queue,
        cli_render,
        cli_sources,
    )

    cli_sources.register(review_app)
    cli_queue.register(review_app)
    cli_issue.register(review_app)
    cli_render.register(review_app)
    register_delivery_commands(review_app)
    cli_lists.register(review_app)
    cli_editors.register(review_app)


_register()
