"""`centrale review queue`: the editor's queue from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.review.analysis import fold_accents
from centrale.review.cli import command, console, registry
from centrale.review.wording import FRENCH

queue_app = CentraleTyper(help="La file de l'éditeur : accepter, rejeter, étiqueter, ordonner.")
# The words an editor may type for `--state`, accents and plural optional.
STATE_WORDS = {
    "attente": "pending",
    "en-attente": "pending",
    "retenu": "accepted",
    "retenus": "accepted",
    "rejete": "rejected",
    "rejetes": "rejected",
    "bloque": "blocked",
    "bloques": "blocked",
}


def state_code(word: str) -> str:
    """The stored state an editor means: `retenus`, `rejetés` or `accepted`… -> `accepted`.

    Any other word is passed on as typed: `queue()` checks it and lists the states.
    """
    word = word.strip().lower()
    return STATE_WORDS.get(fold_accents(word.replace(" ", "-")), word)


def register(review_app: typer.Typer) -> None:
    review_app.add_typer(queue_app, name="queue", no_args_is_help=True)


@queue_app.command("list")
@command
def queue_list(
    state: Annotated[
        str,
        typer.Option(
            help="attente, retenus, rejetés ou bloqués (ou pending, accepted, rejected, blocked)."
        ),
    ] = "attente",
    everything: Annotated[
        bool, typer.Option("--all", help="Montrer aussi les articles hors sujet.")
    ] = False,
) -> None:
    """Liste la file : en attente par pertinence, retenus dans l'ordre de la revue."""
    from centrale.review.queue import STATE_LABELS, queue

    code = state_code(state)
    table = Table("id", "score", "langue", "région", "source", "titre", "étiquettes", "doublons")
    with registry() as app:
        items = queue(app.engine, code, everything=everything)
    for item in items:
        mark = "★ " if item.kept else ""
        table.add_row(
            str(item.id),
            f"{item.score:.1f}",
            item.language,
            FRENCH.regions.get(item.region, item.region),
            item.source_name,
            mark + item.headline,
            ", ".join(item.tags),
            str(item.duplicates or ""),
        )
    console.print(table)
    plural = "" if code == "pending" else "(s)"  # « en attente » does not take a plural
    console.print(f"{len(items)} article(s) {STATE_LABELS[code]}{plural}.")


@queue_app.command("show")
@command
def queue_show(item_id: int) -> None:
    """Montre un article, son texte et les phrases suggérées pour la citation."""
    from centrale.review.excerpts import suggest
    from centrale.review.queue import STATE_LABELS, get_item

    with registry() as app:
        item = get_item(app.engine, item_id)
    state = STATE_LABELS.get(item.state, item.state)
    console.print(f"[bold]{item.headline}[/] [{item.source_name}] ({item.language}, {state})")
    console.print(item.url)
    if item.excerpt:
        console.print(f"Citation : {item.excerpt}")
    console.print("\n" + (item.text or "(pas de texte)") + "\n")
    console.print("[bold]Phrases suggérées[/] (pour `review issue quote ID --pick 1,2`) :")
    for number, sentence in enumerate(suggest(item.text or "", item.language), start=1):
        console.print(f"  {number}. {sentence}")


@queue_app.command("accept")
@command
def queue_accept(
    item_id: int,
    region: Annotated[str | None, typer.Option(help="maroc ou monde.")] = None,
    kind: Annotated[str | None, typer.Option(help="article, etude ou rapport.")] = None,
    headline: Annotated[str | None, typer.Option(help="Titre à afficher (ex. traduit).")] = None,
    label: Annotated[
        str | None,
        typer.Option(help="Libellé du lien : article, plus, en-savoir-plus, entretien, suite."),
    ] = None,
) -> None:
    """Retient un article pour la revue."""
    from centrale.review.queue import accept

    with registry() as app:
        accept(app.engine, item_id, region=region, kind=kind, headline=headline, label=label)
    console.print(f"Article {item_id} retenu.")


@queue_app.command("reject")
@command
def queue_reject(item_id: int) -> None:
    """Rejette un article."""
    from centrale.review.queue import reject

    with registry() as app:
        reject(app.engine, item_id)
    console.print(f"Article {item_id} rejeté.")


@queue_app.command("requeue")
@command
def queue_requeue(item_id: int) -> None:
    """Remet un article retenu (ou rejeté) en attente : il quitte la sélection."""
    from centrale.review.queue import requeue

    with registry() as app:
        requeue(app.engine, item_id)
    console.print(f"Article {item_id} remis en attente dans la file.")


@queue_app.command("tag")
@command
def queue_tag(
    item_id: int,
    tags: list[str],
    remove: Annotated[bool, typer.Option(help="Retirer ces étiquettes.")] = False,
) -> None:
    """Ajoute (ou retire) des étiquettes à un article."""
    from centrale.review.queue import tag

    with registry() as app:
        current = tag(app.engine, item_id, tags, remove=remove)
    console.print(f"Article {item_id} : {', '.join(current) or 'aucune étiquette'}.")


@queue_app.command("order")
@command
def queue_order(item_id: int, position: int) -> None:
    """Place un article retenu au rang donné (1 = premier)."""
    from centrale.review.queue import order

    with registry() as app:
        order(app.engine, item_id, position)
    console.print(f"Article {item_id} placé au rang {position}.")
