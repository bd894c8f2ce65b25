"""`centrale review subscribers ...` and `centrale review consent ...`: the editor's view of
the subscribers. Parsing and formatting only; the work is in the subscriber modules."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.errors import InvalidInput
from centrale.review.confirmation_mail import send_confirmations
from centrale.review.consent import add_wording, current_wording
from centrale.review.subscriber_data import (
    erase_subscriber,
    export_subscriber,
    purge_unconfirmed,
    subscriber_rows,
)
from centrale.review.subscriber_import import import_subscribers
from centrale.review.subscribers import DEFAULT_LIST, Signup, find_by_email, load, subscribe
from centrale.terminal import console

STATUSES = {"pending": "en attente", "active": "actif", "unsubscribed": "désabonné"}
ListOption = Annotated[str, typer.Option("--list", help="Code de la liste.")]


def register(review_app: typer.Typer) -> None:
    from centrale.review.cli import command, registry

    subscribers = CentraleTyper(help="Les abonnés de la revue.", no_args_is_help=True)
    consent_app = CentraleTyper(help="Le texte de consentement.", no_args_is_help=True)
    review_app.add_typer(subscribers, name="subscribers")
    review_app.add_typer(consent_app, name="consent")

    @subscribers.command("add")
    @command
    def add(
        email: str,
        name: Annotated[str, typer.Option(help="Nom de l'abonné.")] = "",
        organisation: Annotated[str, typer.Option(help="Son organisation.")] = "",
        language: Annotated[str, typer.Option(help="Langue de la revue.")] = "fr",
        segment: Annotated[list[str] | None, typer.Option(help="Segment (répétable).")] = None,
        list_code: ListOption = DEFAULT_LIST,
    ) -> None:
        """Inscrit une adresse et lui envoie le lien de confirmation (double opt-in)."""
        with registry() as app:
            wording = current_wording(app.engine)
            signup = Signup(
                email,
                wording.version,
                name,
                organisation,
                language,
                tuple(segment or ()),
                (list_code,),
            )
            subscriber = subscribe(app.engine, signup, origin="cli")
            send_confirmations(app, [subscriber])
        console.print(
            f"{subscriber.email} inscrit : un lien de confirmation lui a été envoyé. "
            "Il ne recevra la revue qu'après l'avoir ouvert."
        )

    @subscribers.command("list")
    @command
    def list_(
        status: Annotated[str | None, typer.Option(help="pending, active ou unsubscribed.")] = None,
        segment: Annotated[str | None, typer.Option(help="Code de segment.")] = None,
        list_code: ListOption = DEFAULT_LIST,
    ) -> None:
        """Affiche les abonnés d'une liste."""
        with registry() as app:
            rows = subscriber_rows(app.engine, list_code=list_code, status=status, segment=segment)
        table = Table(
            "adresse", "nom", "organisation", "langue", "statut", "segments", "liste d'exclusion"
        )
        for row in rows:
            table.add_row(
                row["email"],
                row["name"],
                row["organisation"],
                row["language"],
                STATUSES.get(row["status"], row["status"]),
                row["segments"],
                row["suppressed"] or "",
            )
        console.print(table)
        console.print(f"{len(rows)} abonné(s).")

    @subscribers.command("import")
    @command
    def import_(
        file: Path,
        confirmed: Annotated[
            bool,
            typer.Option(
                help="Les personnes ont déjà consenti ailleurs : pas d'e-mail de confirmation."
            ),
        ] = False,
        proof: Annotated[str, typer.Option(help="Preuve de ce consentement antérieur.")] = "",
        list_code: ListOption = DEFAULT_LIST,
    ) -> None:
        """Importe un fichier CSV (email, name, organisation, language, segments)."""
        with registry() as app:
            report = import_subscribers(
                app.engine,
                file,
                wording_version=current_wording(app.engine).version,
                confirmed=confirmed,
                proof=proof,
                list_code=list_code,
            )
            mailed = 0
            if report.added and not confirmed:
                with app.engine.connect() as conn:
                    pending = [load(conn, subscriber_id) for subscriber_id in report.added]
                mailed = send_confirmations(app, pending)
        console.print(
            f"{report.rows} ligne(s) lue(s) : {len(report.added)} abonné(s) ajouté(s), "
            f"{report.existing} déjà connu(s), {len(report.problems)} problème(s)."
        )
        if mailed:
            console.print(f"{mailed} e-mail(s) de confirmation envoyé(s).")
        if report.problems:
            table = Table("ligne", "colonne", "problème", "valeur")
            for problem in report.problems:
                table.add_row(str(problem.row), problem.column, problem.message, problem.value)
            console.print(table)
            raise typer.Exit(1)

    @subscribers.command("export")
    @command
    def export(
        file: Path,
        file_format: Annotated[str, typer.Option("--format", help="csv ou json.")] = "csv",
        list_code: ListOption = DEFAULT_LIST,
    ) -> None:
        """Exporte les abonnés d'une liste dans un fichier CSV ou JSON."""
        if file_format not in ("csv", "json"):
            raise InvalidInput(f"Format inconnu : « {file_format} » ; choisissez csv ou json.")
        with registry() as app:
            rows = subscriber_rows(app.engine, list_code=list_code)
        if file_format == "json":
            file.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            with file.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["email"])
                writer.writeheader()
                writer.writerows(rows)
        console.print(f"{len(rows)} abonné(s) exporté(s) dans {file}.")

    @subscribers.command("show")
    @command
    def show(email: str) -> None:
        """Affiche tout ce qui est conservé sur un abonné, preuve de consentement comprise."""
        with registry() as app:
            data = export_subscriber(app.engine, find_by_email(app.engine, email).id)
        console.print_json(json.dumps(data, ensure_ascii=False))

    @subscribers.command("remove")
    @command
    def remove(email: str) -> None:
        """Supprime un abonné et ses données (la preuve du consentement reste, anonymisée)."""
        with registry() as app:
            subscriber = find_by_email(app.engine, email)
            erase_subscriber(app.engine, subscriber.id, origin="cli", ip=None)
        console.print(f"{subscriber.email} supprimé.")

    @subscribers.command("purge-pending")
    @command
    def purge_pending(
        days: Annotated[int, typer.Option(help="Âge minimal des inscriptions, en jours.")] = 30,
    ) -> None:
        """Efface les inscriptions jamais confirmées après ce délai."""
        with registry() as app:
            purged = purge_unconfirmed(app.engine, timedelta(days=days))
        console.print(
            f"{purged} inscription(s) non confirmée(s) depuis plus de {days} jours effacée(s)."
        )

    @consent_app.command("show")
    @command
    def consent_show() -> None:
        """Affiche le texte de consentement en vigueur."""
        with registry() as app:
            wording = current_wording(app.engine)
        console.print(f"Version {wording.version} ({wording.language}) :\n{wording.text}")

    @consent_app.command("add")
    @command
    def consent_add(
        version: str,
        text: Annotated[str, typer.Option(help="Le nouveau texte, tel que l'abonné le lira.")],
        language: Annotated[str, typer.Option(help="Langue du texte.")] = "fr",
    ) -> None:
        """Enregistre un nouveau texte de consentement ; les anciens restent inchangés."""
        with registry() as app:
            add_wording(app.engine, version, text, language)
        console.print(f"Texte de consentement {version} enregistré : le formulaire l'affiche.")
