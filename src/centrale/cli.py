"""The `centrale` command: a thin shell over the services; it parses and it formats."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from centrale import services
from centrale.bootstrap import App, bootstrap
from centrale.cli_format import (
    STATUSES,
    print_barometer,
    print_report,
    progress_bar,
    rows_in_file,
)
from centrale.cli_french import CentraleTyper
from centrale.risk.stats import empty_json
from centrale.store.db import database_shown
from centrale.terminal import console, err_console, handle_errors, output_file

app = CentraleTyper(
    help="Centrale des risques du microcrédit et revue Flash-back.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
institutions_app = CentraleTyper(help="Institutions membres.", no_args_is_help=True)
submissions_app = CentraleTyper(help="Soumissions mensuelles reçues.", no_args_is_help=True)
app.add_typer(institutions_app, name="institutions")
app.add_typer(submissions_app, name="submissions")


def open_app(migrate: bool = True) -> App:
    return bootstrap(migrate=migrate)


@app.command()
@handle_errors
def init() -> None:
    """Crée la base de données ou la met à jour."""
    registry = open_app()
    console.print(f"Base prête : {database_shown(registry.settings.database_url)}")
    _warn_identity(registry)
    registry.close()


def _warn_identity(registry: App) -> None:
    warning = services.identity_warning(registry)
    if warning:
        err_console.print(f"[bold yellow]Attention :[/] {warning}")


@institutions_app.command("add")
@handle_errors
def institutions_add(
    code: str, name: Annotated[str, typer.Option("--name", help="Nom de l'institution")]
) -> None:
    """Enregistre une institution membre."""
    registry = open_app()
    row = services.add_institution(registry, code, name)
    console.print(f"Institution {row.code} enregistrée : {row.name}")


@institutions_app.command("list")
@handle_errors
def institutions_list() -> None:
    """Liste les institutions membres."""
    table = Table("Code", "Nom")
    for row in services.list_institutions(open_app()):
        table.add_row(row.code, row.name)
    console.print(table)


@app.command()
@handle_errors
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Fichiers mensuels (CSV, CSV.gz, XLSX)")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Valide et charge des soumissions mensuelles (format v1)."""
    registry = open_app()
    _warn_identity(registry)
    reports = []
    with progress_bar(console, disable=as_json) as progress:
        for path in files:
            task = progress.add_task(path.name, total=rows_in_file(path))
            report = services.submit_file(registry, path, partial(progress.advance, task))
            progress.update(task, completed=report.rows or 0, total=report.rows or 1)
            reports.append(report)
    if as_json:
        print(json.dumps([r.as_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            print_report(console, report)
    sys.exit(1 if any(r.status == "rejected" for r in reports) else 0)


@submissions_app.command("list")
@handle_errors
def submissions_list(limit: int = 50) -> None:
    """Liste les dernières soumissions."""
    table = Table(
        "N°", "Fichier", "Institution", "Mois", "Statut", "Lignes", "Acceptées", "Rejetées"
    )
    for s in services.submissions(open_app(), limit):
        status = STATUSES.get(s.status, s.status) + (" (en vigueur)" if s.is_current else "")
        table.add_row(
            str(s.id),
            s.file_name,
            s.institution_code or "-",
            s.period or "-",
            status,
            str(s.rows),
            str(s.accepted),
            str(s.rejected),
        )
    console.print(table)


@submissions_app.command("show")
@handle_errors
def submissions_show(submission_id: int) -> None:
    """Montre une soumission et le décompte de ses problèmes."""
    registry = open_app()
    s = services.submission(registry, submission_id)
    where = f"{s.institution_code or 'institution inconnue'}, {s.period or 'mois inconnu'}"
    console.print(f"Soumission {s.id} : {s.file_name} ({where})")
    status = STATUSES.get(s.status, s.status)
    console.print(f"Reçue le {s.received_at:%d/%m/%Y %H:%M}, statut : {status}")
    if s.reason:
        console.print(f"Motif du rejet : {s.reason}")
    console.print(f"Lignes : {s.rows}, acceptées : {s.accepted}, rejetées : {s.rejected}")
    problems = services.submission_problems(registry, submission_id)
    if problems.height:
        counts = (
            problems.group_by("column", "code")
            .len()
            .sort(["len", "column", "code"], descending=[True, False, False])
        )
        table = Table("Colonne", "Code", "Nombre")
        for column, code, n in counts.iter_rows():
            table.add_row(column, code, str(n))
        console.print(table)


@submissions_app.command("problems")
@handle_errors
def submissions_problems(
    submission_id: int,
    out: Annotated[Path, typer.Option("--out", help="Fichier CSV des problèmes")],
) -> None:
    """Écrit tous les problèmes d'une soumission dans un fichier CSV."""
    problems = services.submission_problems(open_app(), submission_id)
    problems.write_csv(output_file(out))
    console.print(f"{problems.height} problème(s) écrit(s) dans {out}")


@app.command()
@handle_errors
def stats(
    period: Annotated[str | None, typer.Option("--period", help="Mois AAAA-MM")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
) -> None:
    """Le baromètre du secteur pour un mois (par défaut le dernier)."""
    figures = services.sector_stats(open_app(), period)
    if as_json:
        shown = figures.as_json() if figures else empty_json(period)
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    print_barometer(console, figures)


def _register_sub_apps() -> None:
    # Imported here so that each feature package owns its own commands.
    from centrale.cli_sector import register_sector_commands
    from centrale.identity.cli import persons_app
    from centrale.review.cli import review_app

    app.add_typer(persons_app, name="persons")
    app.add_typer(review_app, name="review")
    register_sector_commands(app)


_register_sub_apps()
