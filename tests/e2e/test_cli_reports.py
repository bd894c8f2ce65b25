"""What `centrale ingest` prints for people, not `--json`: a file rejected whole and why, a
long list of problems cut at ten with the command that gives them all, and paths that are
no CSV file (a folder, a broken workbook), on both backends."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from centrale.cli import app
from support.v1 import v1_row, write_v1

runner = CliRunner()


def submissions(cli_env: Path) -> list[list[str]]:
    """`centrale submissions list` as rows of cells."""
    listed = runner.invoke(app, ["submissions", "list"], env={"COLUMNS": "250"})
    assert listed.exit_code == 0, listed.output
    return [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in listed.output.splitlines()
        if line.startswith("│")
    ]


def test_a_rejected_file_is_named_with_its_reason_and_exit_code_1(cli_env: Path) -> None:
    path = write_v1(cli_env / "nope.csv", [v1_row(1, institution_code="NOPE")])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert "✗ nope.csv rejeté (NOPE, 2025-01)" in result.output
    reason = " ".join(result.output.split("Motif :", 1)[1].split())
    assert reason.startswith("nope.csv : institution « NOPE » inconnue ; vérifiez le code")
    assert "centrale institutions add NOPE" in reason
    assert submissions(cli_env)[0][4] == "rejetée"


def test_more_than_ten_problems_are_cut_with_the_command_that_lists_them(cli_env: Path) -> None:
    path = write_v1(cli_env / "a.csv", [v1_row(n, gender="X") for n in range(1, 14)])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert "13 lignes, 0 acceptée, 13 rejetées" in result.output
    bullets = [line for line in result.output.splitlines() if line.startswith("  • ")]
    assert len(bullets) == 10
    assert bullets[0] == (
        "  • ligne 2, colonne « gender » : « X » n'est pas une valeur admise ; "
        "valeurs admises : F, M"
    )
    said = " ".join(result.output.split())
    assert (
        "… et 3 autre(s) problème(s) : centrale submissions problems 1 --out problemes.csv" in said
    )
    out = cli_env / "problemes.csv"
    listed = runner.invoke(app, ["submissions", "problems", "1", "--out", str(out)])
    assert listed.exit_code == 0, listed.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 13  # all of them


def test_a_folder_named_like_a_csv_is_rejected_not_a_traceback(cli_env: Path) -> None:
    folder = cli_env / "janvier.csv"
    folder.mkdir()
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 1
    assert "✗ janvier.csv rejeté" in result.output
    assert "n'est pas un fichier (un dossier ?) ; donnez le chemin d'un fichier" in " ".join(
        result.output.split()
    )
    assert isinstance(result.exception, SystemExit)  # the command's own exit, no traceback
    assert submissions(cli_env) == []  # nothing was read, so nothing is recorded


def test_a_missing_file_is_rejected_by_name(cli_env: Path) -> None:
    result = runner.invoke(app, ["ingest", str(cli_env / "absent.csv")])
    assert result.exit_code == 1
    assert "✗ absent.csv rejeté" in result.output
    assert f"fichier introuvable : {cli_env / 'absent.csv'}" in " ".join(result.output.split())


def test_a_broken_workbook_is_rejected_with_the_fix(cli_env: Path) -> None:
    path = cli_env / "janvier.xlsx"
    path.write_text("institution_code;period\n", encoding="utf-8")  # a CSV, renamed
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "✗ janvier.xlsx rejeté" in said
    assert "classeur XLSX illisible" in said
    assert "réenregistrez-le depuis votre tableur ou envoyez un CSV UTF-8" in said


def test_a_broken_workbook_reason_is_french_only(cli_env: Path) -> None:
    path = cli_env / "janvier.xlsx"
    path.write_text("institution_code;period\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    for english in ("Zip error", "Could not", "Context:"):
        assert english not in result.output
