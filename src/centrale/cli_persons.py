"""`centrale persons`: the registry's persons."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from centrale import services
from centrale.bootstrap import bootstrap

persons_app = typer.Typer(help="Personnes du registre.", no_args_is_help=True)
console = Console()


@persons_app.command("export")
def persons_export(out: Path) -> None:
    """Écrit une ligne par fiche emprunteur : institution, client, personne, score du lien."""
    rows = services.export_persons(bootstrap(), out)
    console.print(f"{rows} fiche(s) emprunteur écrite(s) dans {out}")
