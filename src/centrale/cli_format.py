"""How the CLI shows things: French labels, Rich tables and progress bars."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from centrale.ingest.pipeline import SubmissionReport
from centrale.risk.stats import SectorStats

_SHOWN_PROBLEMS = 10


def progress_bar(console: Console, disable: bool = False) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=disable,
        transient=False,
    )


def rows_in_file(path: Path) -> int | None:
    """Data rows of a CSV (lines minus the header), for the progress bar; None if unknown."""
    name = path.name.lower()
    if not path.exists() or not (name.endswith(".csv") or name.endswith(".csv.gz")):
        return None
    opener = gzip.open if name.endswith(".gz") else open
    lines = 0
    try:
        with opener(path, "rb") as handle:
            while block := handle.read(1 << 22):
                lines += block.count(b"\n")
    except (OSError, EOFError, zlib.error):  # the load says what is wrong with the file
        return None
    return max(lines - 1, 0)


def thousands(value: int | float) -> str:
    """French grouping with a narrow no-break space: 1 234 567."""
    return f"{value:,.0f}".replace(",", "\u202f")


def percent(value: float) -> str:
    return f"{value * 100:.2f}".replace(".", ",") + " %"


def counted(n: int, word: str, words: str) -> str:
    """`n` and the noun it counts, singular up to one as French writes it.

    >>> [counted(n, "ligne", "lignes") for n in (0, 1, 2000)]
    ['0 ligne', '1 ligne', '2\u202f000 lignes']
    """
    return f"{thousands(n)} {word if n < 2 else words}"


#: Submission statuses as the commands show them.
STATUSES = {"accepted": "acceptée", "rejected": "rejetée"}


def print_report(console: Console, report: SubmissionReport) -> None:
    said = [part for part in (report.institution_code, report.period) if part]
    where = f"({', '.join(said)})" if said else ""
    if report.status == "rejected":
        console.print(f"[bold red]✗ {report.file} rejeté[/] {where}".rstrip())
        console.print(f"  Motif : {report.reason}")
        return
    note = " — fichier déjà reçu, rien n'a changé" if report.unchanged else ""
    console.print(
        f"[bold green]✓ {report.file} accepté[/] {where} : "
        f"{counted(report.rows, 'ligne', 'lignes')}, "
        f"{counted(report.accepted, 'acceptée', 'acceptées')}, "
        f"{counted(report.rejected, 'rejetée', 'rejetées')}{note}"
    )
    for problem in report.problems[:_SHOWN_PROBLEMS]:
        console.print(f"  • {problem['message']}")
    hidden = len(report.problems) - _SHOWN_PROBLEMS
    if hidden > 0:
        console.print(
            f"  … et {thousands(hidden)} autre(s) problème(s) : "
            f"centrale submissions problems {report.submission_id} --out problemes.csv"
        )


def barometer_table(figures: SectorStats) -> Table:
    table = Table(title=f"Baromètre du secteur — {figures.period}", show_header=False)
    table.add_column("Indicateur")
    table.add_column("Valeur", justify="right")
    table.add_row("Emprunteurs actifs", thousands(figures.active_borrowers))
    table.add_row("Contrats actifs", thousands(figures.active_contracts))
    table.add_row("Encours brut", f"{thousands(figures.outstanding)} DH")
    table.add_row("Prêt moyen (montant débloqué)", f"{thousands(figures.average_loan)} DH")
    table.add_row(
        "Encours moyen par emprunteur",
        f"{thousands(figures.average_outstanding_per_borrower)} DH",
    )
    table.add_row("Taux d'endettement croisé", percent(figures.cross_indebtedness_rate))
    table.add_row("PAR30", percent(figures.par30))
    table.add_row("PAR90", percent(figures.par90))
    table.add_row("Institutions déclarantes", str(figures.institutions))
    return table


def print_barometer(console: Console, figures: SectorStats | None) -> None:
    if figures is None:
        console.print(
            "Aucune donnée : le registre est vide. Chargez des soumissions avec `centrale ingest`."
        )
        return
    console.print(barometer_table(figures))
