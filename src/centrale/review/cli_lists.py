"""`centrale review lists ...` and `centrale review segments ...`: the mailing lists and the
subscriber segments. Parsing and formatting only; the work is in `centrale.review.mailing_lists`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.review.mailing_lists import add_list, add_segment, all_lists, all_segments
from centrale.terminal import console

CodeArgument = Annotated[
    str, typer.Argument(help="Code : lettres minuscules, chiffres et tirets (ex. bailleurs-ue).")
]


def register(review_app: typer.Typer) -> None:
    from centrale.review.cli import command, registry

    lists_app = CentraleTyper(help="Les listes de diffusion de la revue.", no_args_is_help=True)
    segments_app = CentraleTyper(
        help="Les segments d'abonnés (institutions, bailleurs, presse, chercheurs, …).",
        no_args_is_help=True,
    )
    review_app.add_typer(lists_app, name="lists")
    review_app.add_typer(segments_app, name="segments")

    @lists_app.command("add")
    @command
    def lists_add(
        code: CodeArgument,
        name: Annotated[
            str, typer.Option(help="Nom affiché (en-tête List-Id, pages d'abonnement).")
        ] = "",
        description: Annotated[str, typer.Option(help="Une phrase pour les abonnés.")] = "",
    ) -> None:
        """Crée une liste de diffusion."""
        with registry() as app:
            created = add_list(app.engine, code, name, description)
        console.print(
            f"Liste « {created.code} » créée (« {created.name} »). Inscrivez-y des abonnés avec "
            f"`centrale review subscribers add ADRESSE --list {created.code}`, puis envoyez-lui "
            f"un numéro avec `centrale review send NUMÉRO --list {created.code}`."
        )

    @lists_app.command("list")
    @command
    def lists_list() -> None:
        """Affiche les listes de diffusion et leurs abonnements."""
        with registry() as app:
            found = all_lists(app.engine)
        table = Table("code", "nom", "description", "actifs", "en attente")
        for mailing_list in found:
            table.add_row(
                mailing_list.code,
                mailing_list.name,
                mailing_list.description,
                str(mailing_list.active),
                str(mailing_list.pending),
            )
        console.print(table)
        console.print(f"{len(found)} liste(s).")

    @segments_app.command("add")
    @command
    def segments_add(
        code: CodeArgument,
        name: Annotated[str, typer.Option(help="Nom affiché sur le formulaire d'abonnement.")] = "",
    ) -> None:
        """Crée un segment d'abonnés."""
        with registry() as app:
            created = add_segment(app.engine, code, name)
        console.print(
            f"Segment « {created.code} » créé (« {created.name} ») : le formulaire d'abonnement "
            f"le propose, et `centrale review send NUMÉRO --segment {created.code}` n'envoie "
            "qu'à ses abonnés."
        )

    @segments_app.command("list")
    @command
    def segments_list() -> None:
        """Affiche les segments et le nombre d'abonnés de chacun."""
        with registry() as app:
            found = all_segments(app.engine)
        table = Table("code", "nom", "abonnés")
        for segment in found:
            table.add_row(segment.code, segment.name, str(segment.subscribers))
        console.print(table)
        console.print(f"{len(found)} segment(s).")
