"""`centrale review issue`: compose an issue, quote its items, publish it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.review.cli import command, console, registry
from centrale.review.errors import InvalidReviewInput

issue_app = CentraleTyper(help="Les numéros : créer, composer, citer, publier.")


def register(review_app: typer.Typer) -> None:
    review_app.add_typer(issue_app, name="issue", no_args_is_help=True)


def parse_day(value: str, option: str) -> date:
    """`2015-02-02` as a date, or a French message naming the option and the format."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise InvalidReviewInput(
            f"{option} : « {value} » n'est pas une date ; écrivez-la AAAA-MM-JJ, ex. 2015-02-02."
        ) from error


@issue_app.command("create")
@command
def issue_create(
    number: int,
    start: Annotated[str, typer.Option("--from", help="Premier jour couvert, AAAA-MM-JJ.")],
    end: Annotated[str, typer.Option("--to", help="Dernier jour couvert, AAAA-MM-JJ.")],
    lang: Annotated[str, typer.Option(help="Édition : fr ou ar.")] = "fr",
    intro: Annotated[str | None, typer.Option(help="Introduction (sinon le texte type).")] = None,
    empty: Annotated[
        bool, typer.Option(help="Ne pas reprendre les articles retenus de la période.")
    ] = False,
) -> None:
    """Crée un numéro sur une période quelconque, avec les articles retenus de la période."""
    from centrale.review.issues import create_issue, list_issues

    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    with registry() as app:
        create_issue(
            app.engine, number, first, last, language=lang, intro=intro, take_accepted=not empty
        )
        created = next(i for i in list_issues(app.engine) if i.number == number)
    console.print(f"Numéro {number} créé avec {created.items} article(s).")


@issue_app.command("list")
@command
def issue_list() -> None:
    """Liste les numéros."""
    from centrale.review.issues import list_issues

    table = Table("n°", "du", "au", "langue", "état", "articles")
    with registry() as app:
        for issue in list_issues(app.engine):
            table.add_row(
                str(issue.number),
                f"{issue.date_from}",
                f"{issue.date_to}",
                issue.language,
                "publié" if issue.status == "published" else "brouillon",
                str(issue.items),
            )
    console.print(table)


@issue_app.command("show")
@command
def issue_show(number: int) -> None:
    """Affiche un numéro tel que le lira l'abonné (version texte)."""
    from centrale.review.composition import issue_view
    from centrale.review.issues import issue_id_of
    from centrale.review.rendering import render_text

    with registry() as app:
        text = render_text(issue_view(app.engine, issue_id_of(app.engine, number)))
    typer.echo(text)


@issue_app.command("add")
@command
def issue_add(number: int, items: list[int]) -> None:
    """Ajoute des articles à un numéro, à la suite."""
    from centrale.review.issues import add_items

    with registry() as app:
        added = add_items(app.engine, number, items)
    already = len(set(items)) - added
    kept = f" ; {already} y {'était' if already == 1 else 'étaient'} déjà" if already else ""
    console.print(f"{added} article(s) ajouté(s) au numéro {number}{kept}.")


@issue_app.command("remove")
@command
def issue_remove(number: int, item_id: int) -> None:
    """Retire un article d'un numéro."""
    from centrale.review.issues import remove_item

    with registry() as app:
        remove_item(app.engine, number, item_id)
    console.print(f"Article {item_id} retiré du numéro {number}.")


@issue_app.command("quote")
@command
def issue_quote(
    item_id: int,
    passage: Annotated[str | None, typer.Argument(help="Le passage cité, (…) pour couper.")] = None,
    pick: Annotated[
        str | None, typer.Option(help="Phrases suggérées à citer, ex. 1,3 (voir queue show).")
    ] = None,
    label: Annotated[
        str | None,
        typer.Option(help="Libellé du lien : article, plus, en-savoir-plus, entretien, suite."),
    ] = None,
) -> None:
    """Fixe la citation d'un article : un passage, ou des phrases suggérées."""
    from centrale.review.excerpts import compose, quote_item, suggest
    from centrale.review.queue import get_item

    with registry() as app:
        if pick is not None:
            item = get_item(app.engine, item_id)
            suggestions = suggest(item.text or "", item.language)
            chosen = [suggestions[i - 1] for i in _numbers(pick, len(suggestions))]
            passage = compose(chosen, item.text or "")
        if not passage:
            raise InvalidReviewInput(
                "Donnez le passage à citer, ou --pick avec les numéros des phrases suggérées."
            )
        quote = quote_item(app.engine, item_id, passage, label=label)
    console.print(f"Citation : {quote.text}")
    for fragment in quote.missing:
        console.print(f"[yellow]Attention :[/] absent tel quel de l'article : « {fragment} »")


@issue_app.command("publish")
@command
def issue_publish(number: int) -> None:
    """Publie un numéro : il entre dans les archives et les flux, son baromètre est figé."""
    from centrale.review.issues import publish_issue

    with registry() as app:
        publish_issue(app.engine, number)
    console.print(f"Numéro {number} publié.")


def _numbers(text: str, available: int) -> list[int]:
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise InvalidReviewInput(
            f"--pick : « {text} » n'est pas une liste de numéros ; écrivez par exemple 1,3."
        ) from error
    wrong = [n for n in numbers if not 1 <= n <= available]
    if wrong or not numbers:
        raise InvalidReviewInput(
            f"--pick : « {', '.join(map(str, wrong)) or text} » hors des suggestions (1 à "
            f"{available})."
        )
    return numbers
