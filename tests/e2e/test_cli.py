"""The `centrale` command through its runner, on both backends: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from centrale.cli import app
from support.v1 import v1_row, write_v1

runner = CliRunner()


def test_ingest_json_and_exit_codes(cli_env: Path) -> None:
    good = write_v1(cli_env / "good.csv", [v1_row(1), v1_row(2, gender="X")])
    bad = write_v1(cli_env / "bad.csv", [v1_row(3, institution_code="NOPE")])
    result = runner.invoke(app, ["ingest", str(good), "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["status"] == "accepted"
    assert (report["rows"], report["accepted"], report["rejected"]) == (2, 1, 1)
    assert report["problems"] == [
        {
            "row": 3,
            "column": "gender",
            "code": "unknown_value",
            "message": "ligne 3, colonne « gender » : « X » n'est pas une valeur admise ; "
            "valeurs admises : F, M",
            "value": "X",
        }
    ]
    result = runner.invoke(app, ["ingest", str(good), str(bad), "--json"])
    assert result.exit_code == 1
    first, second = json.loads(result.stdout)
    assert first["unchanged"] is True
    assert second["status"] == "rejected" and "NOPE" in second["reason"]


def test_ingest_human_output_in_french(cli_env: Path) -> None:
    path = write_v1(cli_env / "a.csv", [v1_row(1), v1_row(2, birth_date="12/04/1980")])
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0
    assert "accepté" in result.output and "2 lignes, 1 acceptée, 1 rejetée" in result.output
    assert "n'est pas une date" in result.output


def test_submissions_and_problems_file(cli_env: Path) -> None:
    path = write_v1(cli_env / "a.csv", [v1_row(1), v1_row(2, amount="abc")])
    runner.invoke(app, ["ingest", str(path)])
    listing = runner.invoke(app, ["submissions", "list"])
    assert listing.exit_code == 0 and "a.csv" in listing.output
    shown = runner.invoke(app, ["submissions", "show", "1"])
    assert "not_integer" in shown.output
    out = cli_env / "problems.csv"
    result = runner.invoke(app, ["submissions", "problems", "1", "--out", str(out)])
    assert result.exit_code == 0
    problems = pl.read_csv(out)
    assert problems.columns == ["row", "column", "code", "message", "value"]
    assert problems.row(0) == (
        3,
        "amount",
        "not_integer",
        "ligne 3, colonne « amount » : « abc » n'est pas un nombre entier ; écrivez un nombre "
        "entier de dirhams, sans séparateur de milliers ni unité",
        "abc",
    )
    missing = runner.invoke(app, ["submissions", "show", "99"])
    assert missing.exit_code == 2 and "introuvable" in missing.output


def test_stats_json_and_empty_registry(cli_env: Path) -> None:
    empty = runner.invoke(app, ["stats"])
    assert empty.exit_code == 0 and "Aucune donnée" in empty.output
    nothing = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert nothing["period"] is None and nothing["active_borrowers"] == 0
    assert nothing["cross_indebtedness_rate"] == 0.0
    runner.invoke(app, ["ingest", str(write_v1(cli_env / "a.csv", [v1_row(1), v1_row(2)]))])
    result = runner.invoke(app, ["stats", "--json"])
    figures = json.loads(result.stdout)
    for key in (
        "period",
        "active_borrowers",
        "active_contracts",
        "outstanding",
        "cross_indebtedness_rate",
        "par30",
        "par90",
    ):
        assert key in figures
    assert figures["active_contracts"] == 2 and figures["outstanding"] == 10800
    human = runner.invoke(app, ["stats", "--period", "2025-01"])
    assert "Baromètre du secteur — 2025-01" in human.output
    assert "10\u202f800 DH" in human.output


def test_persons_export(cli_env: Path) -> None:
    # One client under two references, the CIN written two ways.
    rows = [v1_row(1), v1_row(1, contract_ref="C9", customer_ref="K9", cin="be 100 001")]
    runner.invoke(app, ["ingest", str(write_v1(cli_env / "a.csv", rows))])
    out = cli_env / "persons.csv"
    result = runner.invoke(app, ["persons", "export", str(out)])
    assert result.exit_code == 0
    persons = pl.read_csv(out)
    assert persons.columns[:3] == ["institution_code", "customer_ref", "person_id"]
    assert persons.height == 2 and persons.get_column("person_id").n_unique() == 1


def test_bad_input_is_a_message_not_a_traceback(cli_env: Path) -> None:
    again = runner.invoke(app, ["institutions", "add", "AMANA", "--name", "Al Amana"])
    assert again.exit_code == 2 and "existe déjà" in again.output
    bad_code = runner.invoke(app, ["institutions", "add", "al amana", "--name", "x"])
    assert bad_code.exit_code == 2 and "invalide" in bad_code.output
    bad_month = runner.invoke(app, ["stats", "--period", "2025-13"])
    assert bad_month.exit_code == 2 and "AAAA-MM" in bad_month.output
    assert "Traceback" not in again.output + bad_code.output + bad_month.output
    nowhere = cli_env / "missing-folder" / "out.csv"
    for args, said in [
        (["synth", "--out", "s", "--months", "0"], "nombre de mois"),
        (
            ["synth", "--out", "s", "--persons", "10"],
            "au moins 1 000",
        ),  # split() takes the narrow space too
        (["persons", "export", str(nowhere)], "missing-folder » n'existe pas"),
        (["submissions", "problems", "1", "--out", str(nowhere)], "introuvable"),
        # Beyond this machine, not with the key that signs sessions left at its default.
        (["serve", "--host", "0.0.0.0"], "CENTRALE_SECRET_KEY est celle par défaut"),
    ]:
        result = runner.invoke(app, args)
        shown = " ".join(result.output.split())  # as Rich wrapped it, unwrapped
        assert result.exit_code == 2 and said in shown, (args, result.output)


@pytest.mark.parametrize(
    "url", ["foo", "postgresql://u@127.0.0.1:1/db", "sqlite:////nonexistent-dir/x.db"]
)
def test_a_database_that_cannot_be_opened_is_named(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CENTRALE_DATABASE_URL", url)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert (
        "base de données inaccessible" in result.output and "CENTRALE_DATABASE_URL" in result.output
    )


def test_init_institutions_synth_and_demo(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert f"Base prête : {database_url}" in result.output

    again = runner.invoke(app, ["institutions", "add", "AMANA", "--name", "Autre nom"])
    assert again.exit_code != 0 and "AMANA" in again.output and "Traceback" not in again.output
    runner.invoke(app, ["institutions", "add", "ARDI", "--name", "Fondation Ardi"])
    listed = runner.invoke(app, ["institutions", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "AMANA" in listed.output and "Fondation Ardi" in listed.output

    out = cli_env / "secteur"
    made = runner.invoke(app, ["synth", "--out", str(out), "--persons", "1000", "--months", "2"])
    assert made.exit_code == 0, made.output
    files = sorted(out.glob("*_2025-*.csv"))
    institutions = {f.name.rsplit("_", 1)[0] for f in files}
    assert len(files) == 2 * len(institutions) == 18  # every institution, every month
    truth = pl.read_csv(out / "truth.csv", schema_overrides={"customer_ref": pl.String})
    assert truth.columns == ["institution_code", "customer_ref", "person_id"]

    monkeypatch.setenv("CENTRALE_DEMO_PERSONS", "300")
    monkeypatch.setenv("CENTRALE_DEMO_MONTHS", "2")
    monkeypatch.setenv("CENTRALE_SYNTH_DIR", str(cli_env / "demo-synth"))
    shown = runner.invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    for line in (
        "Baromètre du secteur",
        "Emprunteurs actifs",
        "Taux d'endettement croisé",
        "PAR30",
    ):
        assert line in shown.output
    assert f"Base de données : {database_url}" in shown.output
    if database_url.startswith("sqlite:///"):  # where the file is, not a relative URL
        path = Path(database_url.removeprefix("sqlite:///")).resolve()
        assert f"(fichier {path})" in shown.output.replace("\n", "")


def test_serving_beyond_this_machine_needs_a_long_secret_key(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CENTRALE_SECRET_KEY", "court")
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    shown = " ".join(result.output.split())
    assert result.exit_code == 2 and "n'a que 5 caractères (il en faut au moins 32)" in shown
