"""`centrale review editors ...`: who may open the editor's pages. Parsing and formatting
only; the work is in `centrale.review.editors`, imported by each command as its siblings do
(Argon2 need not load for every `centrale` run).

A password is asked twice and never echoed; `--password-stdin` reads it from the standard
input instead, for scripts (a password given as an argument would stay in the shell's
history and in the process list).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from centrale.cli_french import CentraleTyper
from centrale.errors import InvalidInput
from centrale.terminal import console

LoginArgument = Annotated[str, typer.Argument(help="Identifiant de connexion (ex. f.benali).")]
FromStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")
]


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("--password-stdin : l'entrée standard ne donne aucun mot de passe")
        return password
    return str(
        typer.prompt(
            "Mot de passe",
            hide_input=True,
            confirmation_prompt="Le même mot de passe, encore une fois",
        )
    )


def register(review_app: typer.Typer) -> None:
    from centrale.review.cli import command, registry

    editors_app = CentraleTyper(
        help="Les éditeurs de la revue : qui peut ouvrir les pages de l'éditeur.",
        no_args_is_help=True,
    )
    review_app.add_typer(editors_app, name="editors")

    @editors_app.command("add")
    @command
    def editors_add(
        login: LoginArgument,
        name: Annotated[str, typer.Option("--name", help="Nom affiché (ex. Fatima Benali).")],
        password_stdin: FromStdin = False,
    ) -> None:
        """Crée le compte d'un éditeur ; le mot de passe est demandé."""
        from centrale.review.editors import add_editor

        password = read_password(password_stdin)
        with registry() as app:
            editor = add_editor(app.engine, login, name, password)
            page = f"{app.settings.public_url.rstrip('/')}/revue/editeur"
        console.print(f"Éditeur « {editor.login} » créé ({editor.name}). Sa page : {page}")

    @editors_app.command("list")
    @command
    def editors_list() -> None:
        """Affiche les éditeurs."""
        from centrale.review.editors import list_editors

        with registry() as app:
            found = list_editors(app.engine)
        if not found:
            console.print(
                "Aucun éditeur. Créez-en un : centrale review editors add IDENTIFIANT --name NOM"
            )
            return
        table = Table("identifiant", "nom")
        for editor in found:
            table.add_row(editor.login, editor.name)
        console.print(table)

    @editors_app.command("password")
    @command
    def editors_password(login: LoginArgument, password_stdin: FromStdin = False) -> None:
        """Change le mot de passe d'un éditeur ; ses sessions ouvertes sont fermées."""
        from centrale.review.editors import change_password

        password = read_password(password_stdin)
        with registry() as app:
            change_password(app.engine, login, password)
        console.print(f"Mot de passe de « {login} » changé ; ses sessions ouvertes sont fermées.")

    @editors_app.command("remove")
    @command
    def editors_remove(login: LoginArgument) -> None:
        """Supprime le compte d'un éditeur ; ses sessions ouvertes sont fermées."""
        from centrale.review.editors import remove_editor

        with registry() as app:
            remove_editor(app.engine, login)
        console.print(f"Éditeur « {login} » supprimé.")
