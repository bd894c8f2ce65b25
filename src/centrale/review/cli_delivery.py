"""`centrale review send|sends`, and the registration of every delivery command.

`centrale review send --due` is what cron runs: it carries out the sends whose time has come.
Exit code 1 when a send leaves failed recipients (run it again to retry them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from centrale.bootstrap import App
from centrale.cli_french import CentraleTyper
from centrale.errors import InvalidInput
from centrale.review.cli_returns import when as _when
from centrale.review.sends import SendReport
from centrale.review.subscribers import DEFAULT_LIST
from centrale.terminal import console

STATUS_FR = {
    "new": "nouveau",
    "scheduled": "programmé",
    "sending": "en cours",
    "done": "terminé",
    "partial": "incomplet",
    "dry_run": "simulation",
}


def register_delivery_commands(review_app: typer.Typer) -> None:
    """Attach the subscribers, send, bounces and suppressions commands to `centrale review`."""
    from centrale.review import cli_returns, cli_subscribers
    from centrale.review.cli import command, registry

    cli_subscribers.register(review_app)
    cli_returns.register(review_app)
    sends_app = CentraleTyper(help="Les rapports d'envoi.", no_args_is_help=True)
    review_app.add_typer(sends_app, name="sends")

    @review_app.command("send")
    @command
    def send(
        issue: Annotated[int | None, typer.Argument(help="Numéro de la revue.")] = None,
        due: Annotated[
            bool, typer.Option("--due", help="Envoie les numéros programmés échus.")
        ] = False,
        at: Annotated[
            str | None, typer.Option(help="Programme l'envoi : AAAA-MM-JJ HH:MM.")
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Simule sans rien envoyer.")
        ] = False,
        segment: Annotated[list[str] | None, typer.Option(help="Segment visé (répétable).")] = None,
        list_code: Annotated[str, typer.Option("--list", help="Code de la liste.")] = DEFAULT_LIST,
        resume: Annotated[
            bool, typer.Option("--reprendre", help="Reprend un envoi interrompu.")
        ] = False,
    ) -> None:
        """Envoie un numéro aux abonnés confirmés, le programme (--at) ou envoie les échus."""
        from centrale.review.delivery import schedule_send, send_due, send_issue
        from centrale.review.issue_mail import issue_renderer, sendable_issue

        if due == (issue is not None):
            raise InvalidInput("Donnez un numéro de revue (`send 118`) ou --due, l'un ou l'autre.")
        with registry() as app:
            _warn_about_settings(app)
            if due:
                reports = send_due(app, lambda issue_id: issue_renderer(app, issue_id))
                if not reports:
                    console.print("Aucun envoi programmé n'est échu.")
            else:
                assert issue is not None
                issue_id = sendable_issue(app.engine, issue)
                if at is not None:
                    when = _parse_at(at, app.settings.send_timezone)
                    scheduled = schedule_send(
                        app, issue_id, when, list_code=list_code, segment_codes=segment or ()
                    )
                    console.print(
                        f"Numéro {issue} programmé pour le {when:%d/%m/%Y à %H:%M} "
                        f"({app.settings.send_timezone}), envoi n° {scheduled.send_id}."
                    )
                    return
                reports = [
                    send_issue(
                        app,
                        issue_id,
                        issue_renderer(app, issue_id),
                        list_code=list_code,
                        segment_codes=segment or (),
                        dry_run=dry_run,
                        resume=resume,
                    )
                ]
            for report in reports:
                _print_report(app, report)
        if any(report.failed for report in reports):
            raise typer.Exit(1)

    @sends_app.command("list")
    @command
    def sends_list() -> None:
        """Affiche les envois et leurs comptes."""
        from centrale.review.sends import all_reports

        with registry() as app:
            reports = all_reports(app.engine)
        table = Table(
            "envoi",
            "numéro",
            "liste",
            "statut",
            "programmé",
            "envoyés",
            "échecs",
            "non confirmés",
            "exclus",
            "désabonnés",
        )
        for r in reports:
            table.add_row(
                str(r.send_id),
                str(_number(app, r.issue_id)),
                r.list_code,
                STATUS_FR.get(r.status, r.status),
                _when(r.scheduled_at),
                str(r.sent),
                str(r.failed),
                str(r.skipped_unconfirmed),
                str(r.skipped_suppressed),
                str(r.skipped_unsubscribed),
            )
        console.print(table)


def _parse_at(value: str, timezone: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise InvalidInput(
            f"Date d'envoi invalide : « {value} » ; écrivez-la AAAA-MM-JJ HH:MM, "
            "par exemple 2026-11-23 08:00."
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


def _number(app: App, issue_id: int) -> int:
    from centrale.review.issue_mail import issue_number

    return issue_number(app.engine, issue_id)


def _warn_about_settings(app: App) -> None:
    settings = app.settings
    if not settings.public_url.startswith("https://"):
        console.print(
            "[yellow]Attention :[/] CENTRALE_PUBLIC_URL n'est pas en https ; les "
            "messageries n'offriront pas le désabonnement en un clic (RFC 8058)."
        )
    if not settings.dkim_domain:
        console.print(
            "[yellow]Attention :[/] signature DKIM désactivée (CENTRALE_DKIM_DOMAIN "
            "vide) ; les messages risquent d'être classés comme indésirables."
        )


def _print_report(app: App, report: SendReport) -> None:
    number = _number(app, report.issue_id)
    title = f"Numéro {number}, liste {report.list_code}"
    if report.dry_run:
        console.print(f"{title} : simulation, rien n'a été envoyé.")
        console.print(f"  objet : {report.subject or '—'}")
        console.print(f"  destinataires : {report.to_send}")
    else:
        console.print(
            f"{title} (envoi n° {report.send_id}) : {STATUS_FR.get(report.status, report.status)}."
        )
        console.print(f"  envoyés maintenant : {report.sent_this_run} (en tout : {report.sent})")
        console.print(f"  échecs : {report.failed}")
    console.print(
        f"  ignorés : {report.skipped_unconfirmed} non confirmé(s), "
        f"{report.skipped_suppressed} exclu(s), "
        f"{report.skipped_unsubscribed} désabonné(s)"
    )
    for email, error in report.failures:
        console.print(f"  [red]échec[/] {email} : {error}")
