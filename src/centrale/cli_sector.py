"""`centrale synth`, `centrale demo` and `centrale serve`: the whole product at once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from centrale import services
from centrale.bootstrap import bootstrap
from centrale.cli_format import (
    print_barometer,
    progress_bar,
    rows_in_file,
    thousands,
)
from centrale.errors import CentraleError, InvalidInput
from centrale.settings import Settings
from centrale.store.db import database_shown
from centrale.terminal import console, handle_errors


def register_sector_commands(app: typer.Typer) -> None:
    app.command("synth")(handle_errors(synth))
    app.command("demo")(handle_errors(demo))
    app.command("serve")(handle_errors(serve))


def synth(
    out: Annotated[Path, typer.Option("--out", help="Dossier de sortie")],
    persons: Annotated[int, typer.Option("--persons", help="Nombre d'emprunteurs")] = 50_000,
    months: Annotated[int, typer.Option("--months", help="Nombre de mois")] = 12,
    seed: Annotated[int, typer.Option("--seed", help="Graine aléatoire")] = 0,
    cross: Annotated[
        float | None, typer.Option("--cross-indebtedness", help="Part multi-prêteurs")
    ] = None,
) -> None:
    """Génère un secteur synthétique : un fichier v1 par institution et par mois."""
    from centrale.synth import generate_sector

    _check_sector_size(persons, months, cross)

    rate = cross if cross is not None else bootstrap(migrate=False).settings.cross_indebtedness
    with progress_bar(console) as progress:
        task = progress.add_task("Génération", total=months)
        sector = generate_sector(
            out,
            persons=persons,
            months=months,
            seed=seed,
            cross_indebtedness=rate,
            progress=lambda _label, done, total: progress.update(task, completed=done, total=total),
        )
    console.print(
        f"{len(sector.files)} fichiers écrits dans {out} ; vérité terrain : {sector.truth}"
    )


#: Fewer borrowers leave the smallest institutions without a client some month, and so
#: without the file that every institution sends every month.
_MIN_PERSONS = 1_000
_MAX_MONTHS = 120


def _check_sector_size(persons: int, months: int, cross: float | None) -> None:
    if persons < _MIN_PERSONS:
        raise InvalidInput(
            f"--persons {persons} : trop peu d'emprunteurs pour que chaque institution ait "
            f"des clients chaque mois ; donnez-en au moins {thousands(_MIN_PERSONS)}"
        )
    if not 1 <= months <= _MAX_MONTHS:
        raise InvalidInput(f"--months {months} : donnez un nombre de mois de 1 à {_MAX_MONTHS}")
    if cross is not None and not 0 <= cross < 1:
        raise InvalidInput(
            f"--cross-indebtedness {cross} : donnez une part entre 0 et 1 (ex. 0.2 pour 20 %)"
        )


def demo() -> None:
    """Génère un secteur (50 000 emprunteurs, 12 mois), le charge et affiche le baromètre."""
    from centrale.synth import SECTOR_INSTITUTIONS, generate_sector

    started = time.monotonic()
    registry = bootstrap()
    settings = registry.settings
    console.print("[bold]Centrale des risques — démonstration sur un secteur synthétique[/]")
    with progress_bar(console) as progress:
        task = progress.add_task("Génération du secteur", total=settings.demo_months)
        sector = generate_sector(
            settings.synth_dir,
            persons=settings.demo_persons,
            months=settings.demo_months,
            seed=0,
            cross_indebtedness=settings.cross_indebtedness,
            progress=lambda _label, done, total: progress.update(task, completed=done, total=total),
        )
    known = {row.code for row in services.list_institutions(registry)}
    for code, name, _share in SECTOR_INSTITUTIONS:
        if code not in known:
            services.add_institution(registry, code, name)
    total_rows = sum(rows_in_file(f) or 0 for f in sector.files)
    accepted = rejected = 0
    with progress_bar(console) as progress:
        task = progress.add_task("Chargement des soumissions", total=total_rows)
        for path in sector.files:
            progress.update(task, description=f"Chargement {path.name}")
            report = services.submit_file(registry, path, lambda n: progress.advance(task, n))
            if report.status == "rejected":
                raise CentraleError(f"{path.name} rejeté : {report.reason}")
            accepted += report.accepted
            rejected += report.rejected
        progress.update(task, description="Chargement des soumissions")
    console.print(
        f"{len(sector.files)} soumissions chargées : {thousands(accepted)} lignes acceptées, "
        f"{thousands(rejected)} rejetées (problèmes consignés, voir `centrale submissions list`)."
    )
    print_barometer(console, services.sector_stats(registry))
    console.print(f"Base de données : {database_shown(settings.database_url)}")
    console.print(f"Fichiers du secteur : {settings.synth_dir.resolve()}")
    console.print(f"Durée : {time.monotonic() - started:.0f} s")


def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Sert l'API et les pages web."""
    import uvicorn

    from centrale.web.app import create_app

    registry = bootstrap()
    _check_secret_key(registry.settings, host)
    uvicorn.run(create_app(registry), host=host, port=port)


#: Hosts that only this machine reaches.
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _check_secret_key(settings: Settings, host: str) -> None:
    """Served beyond this machine, the key that signs subscribers' links and editors' sessions
    must be a secret one: not the default, which anyone can read in the source, nor a short
    one, which can be guessed."""
    if host in _LOOPBACK:
        return
    key = settings.secret_key.strip()
    if key == Settings.model_fields["secret_key"].default.strip():
        problem = "est celle par défaut, publique"
    elif len(key) < _MIN_SECRET:
        problem = f"n'a que {len(key)} caractères (il en faut au moins {_MIN_SECRET})"
    else:
        return
    raise InvalidInput(
        f"--host {host} : la clé CENTRALE_SECRET_KEY {problem} ; n'importe qui pourrait "
        "signer des liens d'abonnés. Donnez-en une secrète avant de servir hors de cette "
        "machine, par exemple : export CENTRALE_SECRET_KEY=$(openssl rand -base64 32)"
    )


_MIN_SECRET = 32
