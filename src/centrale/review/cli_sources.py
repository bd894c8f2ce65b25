"""`centrale review sources|rules`: the source registry, OPML, and the selection rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.review.cli import command, console, registry
from centrale.review.wording import FRENCH

sources_app = CentraleTyper(help="Les sources de la revue (flux et pages).", no_args_is_help=True)
rules_app = CentraleTyper(help="Règles de sélection : boost, block, keep.", no_args_is_help=True)
KIND_LABELS = {"feed": "flux", "page": "page"}


def register(review_app: typer.Typer) -> None:
    review_app.add_typer(sources_app, name="sources")
    review_app.add_typer(rules_app, name="rules")


@sources_app.command("add")
@command
def sources_add(
    url: str,
    name: Annotated[str, typer.Option(help="Nom affiché dans le sommaire, ex. « Le Matin ».")],
    kind: Annotated[str, typer.Option(help="feed (RSS, Atom, JSON) ou page.")] = "feed",
    lang: Annotated[str, typer.Option(help="Langue : fr, ar ou en.")] = "fr",
    region: Annotated[str, typer.Option(help="maroc ou monde.")] = "maroc",
    priority: Annotated[int, typer.Option(help="De 1 (basse) à 5 (haute).")] = 3,
) -> None:
    """Enregistre une source."""
    from centrale.review.sources import add_source

    with registry() as app:
        source_id = add_source(
            app.engine, url, name=name, kind=kind, language=lang, region=region, priority=priority
        )
    console.print(f"Source {source_id} enregistrée : {name} ({url})")


@sources_app.command("list")
@command
def sources_list() -> None:
    """Liste les sources et leur santé (dernier relevé, échecs consécutifs)."""
    from centrale.review.fetching import outcome_label
    from centrale.review.sources import source_health

    table = Table("id", "nom", "type", "langue", "région", "priorité", "dernier relevé", "état")
    with registry() as app:
        for health in source_health(app.engine):
            s = health.source
            when = f"{health.last_fetch:%Y-%m-%d %H:%M}" if health.last_fetch else "jamais"
            state = outcome_label(health.last_outcome)
            if health.failures_in_a_row:
                state = f"{health.failures_in_a_row} échec(s) : {health.last_message}"
            if not s.active:
                state = "en pause · " + state
            table.add_row(
                str(s.id),
                s.name,
                KIND_LABELS.get(s.kind, s.kind),
                s.language,
                FRENCH.regions.get(s.region, s.region),
                str(s.priority),
                when,
                state,
            )
    console.print(table)


@sources_app.command("import-opml")
@command
def sources_import(file: Path) -> None:
    """Importe les sources d'un fichier OPML."""
    from centrale.review.opml import import_opml

    with registry() as app:
        report = import_opml(app.engine, file.read_bytes())
    console.print(f"{report.added} source(s) ajoutée(s), {report.skipped} déjà connue(s).")
    for problem in report.problems:
        console.print(f"[yellow]Ignorée :[/] {problem}")


@sources_app.command("export-opml")
@command
def sources_export(
    out: Annotated[Path | None, typer.Option(help="Fichier à écrire (sinon la sortie).")] = None,
) -> None:
    """Exporte les sources en OPML."""
    from centrale.review.opml import export_opml

    with registry() as app:
        text = export_opml(app.engine)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Sources exportées dans {out}")


@sources_app.command("pause")
@command
def sources_pause(source_id: int) -> None:
    """Met une source en pause (elle garde son historique)."""
    from centrale.review.sources import set_active

    with registry() as app:
        set_active(app.engine, source_id, False)
    console.print(f"Source {source_id} en pause.")


@sources_app.command("resume")
@command
def sources_resume(source_id: int) -> None:
    """Reprend le relevé d'une source en pause."""
    from centrale.review.sources import set_active

    with registry() as app:
        set_active(app.engine, source_id, True)
    console.print(f"Source {source_id} reprise.")


@rules_app.command("add")
@command
def rules_add(
    kind: Annotated[str, typer.Argument(help="boost, block ou keep.")],
    term: str,
    weight: Annotated[float, typer.Option(help="Facteur d'un boost, ex. 1.5.")] = 1.5,
) -> None:
    """Ajoute une règle de sélection (appliquée au prochain relevé ou `review rank`)."""
    from centrale.review.ranking import add_rule

    with registry() as app:
        rule_id = add_rule(app.engine, kind, term, weight)
    console.print(f"Règle {rule_id} ajoutée : {kind} « {term} »")


@rules_app.command("list")
@command
def rules_list() -> None:
    """Liste les règles de sélection."""
    from centrale.review.ranking import list_rules

    table = Table("id", "type", "terme", "poids")
    with registry() as app:
        for rule in list_rules(app.engine):
            table.add_row(str(rule.id), rule.kind, rule.term, f"{rule.weight:g}")
    console.print(table)


@rules_app.command("remove")
@command
def rules_remove(rule_id: int) -> None:
    """Supprime une règle."""
    from centrale.review.ranking import remove_rule

    with registry() as app:
        remove_rule(app.engine, rule_id)
    console.print(f"Règle {rule_id} supprimée.")
