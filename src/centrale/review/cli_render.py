"""`centrale review render` and `centrale review demo`: an issue's files, and the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from centrale.review.cli import command, console, registry
from centrale.review.errors import InvalidReviewInput

FORMATS = ("html", "text", "pdf", "web", "atom", "rss")


def register(review_app: typer.Typer) -> None:
    review_app.command("render")(render)
    review_app.command("demo")(demo)


@command
def render(
    number: int,
    out: Annotated[Path, typer.Option(help="Dossier où écrire les fichiers.")],
    formats: Annotated[
        str, typer.Option("--format", help="Parmi html, text, pdf, web, atom, rss.")
    ] = "html,text,pdf,atom",
) -> None:
    """Écrit un numéro : e-mail HTML, texte, PDF, page web, et les flux Atom et RSS."""
    from centrale.review.composition import issue_view
    from centrale.review.feeds_out import issue_url, render_atom, render_rss
    from centrale.review.issues import issue_id_of
    from centrale.review.rendering import (
        archive_footer,
        render_email_html,
        render_page,
        render_pdf,
        render_text,
    )

    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise InvalidReviewInput(
            f"Format(s) inconnu(s) : {', '.join(unknown)} ; choisissez parmi {', '.join(FORMATS)}."
        )
    out.mkdir(parents=True, exist_ok=True)
    with registry() as app:
        issue = issue_view(app.engine, issue_id_of(app.engine, number))
        public = app.settings.public_url
        footer = archive_footer(public, issue_url(public, number), issue.language)
        stem = out / f"flashback-{number}"
        writers = {
            "html": lambda: stem.with_suffix(".html").write_text(
                render_email_html(issue, footer), encoding="utf-8"
            ),
            "text": lambda: stem.with_suffix(".txt").write_text(
                render_text(issue, footer), encoding="utf-8"
            ),
            "pdf": lambda: stem.with_suffix(".pdf").write_bytes(render_pdf(issue)),
            "web": lambda: (out / f"flashback-{number}-web.html").write_text(
                render_page(issue), encoding="utf-8"
            ),
            "atom": lambda: (out / "atom.xml").write_text(
                render_atom(app.engine, public), encoding="utf-8"
            ),
            "rss": lambda: (out / "rss.xml").write_text(
                render_rss(app.engine, public), encoding="utf-8"
            ),
        }
        for name in wanted:
            writers[name]()
    console.print(f"Numéro {number} écrit dans {out} ({', '.join(wanted)}).")


@command
def demo(
    out: Annotated[Path, typer.Option(help="Dossier où écrire la démonstration.")],
) -> None:
    """Construit un numéro complet à partir des flux et pages fournis, sans réseau."""
    from centrale.review.demo import build_demo

    for path in build_demo(out):
        console.print(f"  {path}")
    console.print(f"Démonstration écrite dans {out}.")
