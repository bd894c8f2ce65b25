"""`centrale review bounces|suppressions`: returned mail, and the suppression list the editor
reviews. Parsing and formatting only; the work is in `inbox` and `bounces`.

Users read « liste d'exclusion » and « exclu » for it: « supprimé » would read as deleted.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.terminal import console


def when(moment: datetime | None) -> str:
    """A date as the editor reads it: `23/11/2026 08:00`, or a dash."""
    return f"{moment:%d/%m/%Y %H:%M}" if moment else "—"


def register(review_app: typer.Typer) -> None:
    from centrale.review.cli import command, registry

    bounces_app = CentraleTyper(help="Les rebonds et retours de courrier.", no_args_is_help=True)
    suppressions_app = CentraleTyper(
        help="La liste d'exclusion : les adresses qui ne reçoivent plus rien.",
        no_args_is_help=True,
    )
    review_app.add_typer(bounces_app, name="bounces")
    review_app.add_typer(suppressions_app, name="suppressions")

    @bounces_app.command("process")
    @command
    def bounces_process(
        paths: Annotated[list[Path], typer.Argument(help="Messages (.eml) ou dossiers Maildir.")],
    ) -> None:
        """Traite les rebonds (RFC 3464), plaintes et désabonnements par e-mail reçus."""
        from centrale.review.inbox import process_returned_mail

        with registry() as app:
            report = process_returned_mail(app, paths)
        console.print(
            f"{report.read} message(s) lu(s) : {report.hard} rebond(s) définitif(s), "
            f"{report.soft} temporaire(s), {report.complaints} plainte(s), "
            f"{report.repeated} déjà traité(s), {len(report.ignored)} ignoré(s)."
        )
        for email in report.suppressed:
            console.print(f"  exclue : {email}")
        for email in report.unsubscribed:
            console.print(f"  désabonnée : {email}")
        for path in report.ignored:
            console.print(f"  non reconnu (laissé en place, à lire) : {path}")

    @suppressions_app.command("list")
    @command
    def suppressions_list() -> None:
        """Affiche la liste d'exclusion, à revoir par l'éditeur."""
        from centrale.review.bounces import REASONS, suppression_rows

        with registry() as app:
            rows = suppression_rows(app.engine)
        table = Table("adresse", "motif", "détail", "depuis", "rebonds")
        for row in rows:
            table.add_row(
                row["email"],
                REASONS.get(row["reason"], row["reason"]),
                row["detail"],
                when(row["created_at"]),
                str(row["bounces"]),
            )
        console.print(table)
        console.print(f"{len(rows)} adresse(s) exclue(s).")

    @suppressions_app.command("release")
    @command
    def suppressions_release(email: str) -> None:
        """Réautorise une adresse après vérification."""
        from centrale.review.bounces import release

        with registry() as app:
            release(app.engine, email)
        console.print(f"{email} réautorisée : elle recevra les prochains numéros.")

    @suppressions_app.command("add")
    @command
    def suppressions_add(
        email: str, reason: Annotated[str, typer.Option("--detail", help="Pourquoi.")] = ""
    ) -> None:
        """Exclut une adresse à la main : elle ne recevra plus rien."""
        from centrale.review.bounces import add_suppression

        with registry() as app:
            added = add_suppression(app.engine, email, reason)
        console.print(
            f"{email} ajoutée à la liste d'exclusion."
            if added
            else f"{email} était déjà dans la liste d'exclusion."
        )
