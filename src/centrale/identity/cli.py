"""`centrale persons`: read, export, split and join the registry's persons (mounted by the
main CLI). Output is French, through Rich; the work is in `centrale.identity.persons`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from centrale.bootstrap import bootstrap
from centrale.cli_format import thousands
from centrale.cli_french import CentraleTyper
from centrale.identity import persons
from centrale.terminal import console, err_console, handle_errors, output_file

persons_app = CentraleTyper(help="Personnes du registre.", no_args_is_help=True)

#: French names of the comparisons and of their levels, for `persons show`.
FIELDS = {
    "cin": "CIN",
    "last_name": "nom",
    "first_name": "prénom",
    "birth_date": "date de naissance",
    "phone": "téléphone",
    "gender": "sexe",
    "region": "région",
}
LEVELS = {
    "exact": "identique",
    "same": "identique",
    "same_key": "même nom, autre graphie",
    "one_slip": "une faute de frappe",
    "two_slips": "deux fautes de frappe",
    "close": "très proche",
    "similar": "proche",
    "day_month_swapped": "jour et mois inversés",
    "year_off_by_one": "année à un an près",
    "one_digit": "un chiffre diffère",
    "different": "différent",
    "absent": "absent",
}
DECIDED_BY = {"model": "modèle", "new_person": "première fiche", "analyst": "analyste"}
#: French names of the recorded changes (`identity_changes.action`).
ACTIONS = {
    "conflict": "Conflit signalé par le modèle",
    "split": "Séparation",
    "join": "Réunion",
}


@persons_app.command("export")
@handle_errors
def export(out: Path) -> None:
    """Écrit une ligne par fiche emprunteur : institution, client, personne, score du lien."""
    rows = persons.export_persons(bootstrap().engine, output_file(out))
    console.print(f"{rows} fiche(s) emprunteur écrite(s) dans {out}")


def _agreement(levels: dict[str, str]) -> str:
    agreed = [
        f"{FIELDS.get(name, name)} : {LEVELS.get(level, level)}"
        for name, level in levels.items()
        if level not in ("different", "absent")
    ]
    return "\n".join(agreed) or "—"


@persons_app.command("show")
@handle_errors
def show(person_id: int) -> None:
    """Montre les fiches réunies dans une personne, et pourquoi (score, champs concordants)."""
    view = persons.show_person(bootstrap().engine, person_id)
    table = Table(title=f"Personne {person_id} : {len(view.records)} fiche(s)")
    for header in ("fiche", "institution", "client", "CIN", "nom", "né(e) le", "lien", "score"):
        table.add_column(header)
    table.add_column("champs concordants")
    for record in view.records:
        probability = record.get("probability")
        table.add_row(
            str(record["borrower_record_id"]),
            str(record["institution_code"]),
            str(record["customer_ref"]),
            str(record["cin_norm"]),
            f"{record['first_name']} {record['last_name']}",
            str(record["birth_date"] or "—"),
            _link_text(record),
            "—" if probability is None else f"{float(str(probability)):.4f}",
            _agreement(record["levels"]),  # type: ignore[arg-type]
        )
    console.print(table)
    for change in view.changes:
        records = ", ".join(str(r) for r in json.loads(str(change["record_ids"])))
        console.print(
            f"{ACTIONS.get(str(change['action']), change['action'])} : personnes "
            f"{change['person_id']} et {change['other_person_id']}, fiche(s) {records}"
            + (f", par {change['analyst']} ({change['reason']})" if change["analyst"] else "")
        )


def _link_text(record: dict[str, object]) -> str:
    decided = DECIDED_BY.get(str(record.get("decided_by")), "—")
    matched = record.get("matched_record_id")
    return f"{decided}, avec la fiche {matched}" if matched is not None else decided


@persons_app.command("split")
@handle_errors
def split(
    person_id: int,
    records: Annotated[str, typer.Option(help="Fiches à séparer, ex. 12,15")],
    analyst: Annotated[str, typer.Option(help="Qui décide")],
    reason: Annotated[str, typer.Option(help="Pourquoi")],
) -> None:
    """Sépare des fiches d'une personne dans une nouvelle personne (fusion à tort)."""
    try:
        ids = [int(part) for part in records.split(",") if part.strip()]
    except ValueError:
        err_console.print(
            f"[bold red]Erreur :[/] « {records} » n'est pas une liste de numéros de fiches ; "
            "écrivez par exemple --records 12,15"
        )
        sys.exit(2)
    new_id = persons.split_person(bootstrap().engine, person_id, ids, analyst, reason)
    console.print(f"{len(ids)} fiche(s) déplacée(s) de la personne {person_id} vers {new_id}")


@persons_app.command("join")
@handle_errors
def join(
    person_id: int,
    other_person_id: int,
    analyst: Annotated[str, typer.Option(help="Qui décide")],
    reason: Annotated[str, typer.Option(help="Pourquoi")],
) -> None:
    """Réunit deux personnes en une (lien manqué) : la seconde rejoint la première."""
    moved = persons.join_persons(bootstrap().engine, person_id, other_person_id, analyst, reason)
    console.print(
        f"{moved} fiche(s) de la personne {other_person_id} réunie(s) à la personne {person_id}"
    )


@persons_app.command("rekey")
@handle_errors
def rekey() -> None:
    """Recalcule les champs normalisés et les clés d'identité de toutes les fiches (après une
    mise à jour des normaliseurs) ; les personnes et les liens restent."""
    from centrale.identity.rekey import rekey as rekey_all

    registry = bootstrap()
    done = rekey_all(registry.engine)
    registry.close()
    console.print(
        f"Clés d'identité recalculées pour {thousands(done.records)} fiche(s), dont "
        f"{thousands(done.changed)} changée(s), en {done.seconds:.1f} s."
    )
