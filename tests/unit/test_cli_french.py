"""The command line's own words are French: every `--help`, and the usage errors."""

from __future__ import annotations

import inspect
import re

import pytest
import typer.core
import typer.main
from typer._click import core as click_core
from typer._click import parser as click_parser
from typer.testing import CliRunner

from centrale.cli import app
from centrale.cli_french import _LITERALS, WORDS, _typer_display_type

runner = CliRunner()
#: Words of Typer's own that must not show.
ENGLISH = ("Usage:", "Show this message", "[required]", "[default:", "Commands:", "Error:", "Try '")


def command_paths() -> list[list[str]]:
    """Every group and command of `centrale`, as the words that name it."""
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_every_help_page_is_french() -> None:
    paths = command_paths()
    assert ["ingest"] in paths and ["review", "editors", "add"] in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], prog_name="centrale")
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Utilisation : centrale"), (path, result.output)
        assert "Affiche cette aide." in result.output
        assert not [word for word in ENGLISH if word in result.output], (path, result.output)
        # Arguments and types in French words, not the code's: `{files}`, `<list[Path]>`.
        code_words = re.findall(r"\{\w+\}|<(?:str|int|float|path|list\[\w+\])>", result.output)
        assert not code_words, (path, code_words)


def test_every_argument_has_a_french_name() -> None:
    """A new argument is named in `ARGUMENTS`, not shown as the code's name in capitals."""
    from centrale.cli_french import ARGUMENTS

    def arguments(command: object) -> set[str]:
        found = {
            param.name
            for param in getattr(command, "params", [])
            if param.param_type_name == "argument"
        }
        for sub in getattr(command, "commands", {}).values():
            found |= arguments(sub)
        return found

    assert arguments(typer.main.get_command(app)) <= set(ARGUMENTS)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ingest"], "Erreur : argument « FICHIER » manquant (Fichiers mensuels"),
        (["ingest", "a.csv", "--jsn"], "option « --jsn » inconnue ; options proches : --json"),
        (["submissions", "show", "abc"], "« abc » n'est pas un nombre entier"),
        (["submissions", "problems", "1"], "option « --out » manquante"),
        (["stats", "--period"], "l'option « --period » attend une valeur"),
        (["nothing"], "commande « nothing » inconnue"),
        (["init", "extra"], "argument(s) en trop : extra"),
        (["synth", "--out", "s", "--months", "x"], "« x » n'est pas un nombre entier"),
    ],
)
def test_usage_errors_are_french_and_say_where_the_help_is(args: list[str], said: str) -> None:
    result = runner.invoke(app, args, prog_name="centrale")
    assert result.exit_code == 2
    assert said in result.output, result.output
    assert not [word for word in ENGLISH if word in result.output], result.output
    if args != ["stats", "--period"]:  # raised before the command's context exists
        assert "Aide : centrale" in result.output


def test_the_translated_words_are_still_typer_s() -> None:
    """Each entry matches a string of the Typer installed: a wording changed upstream
    fails here instead of showing in English."""
    source = inspect.getsource(typer.core)
    for english in WORDS:
        assert f'_("{english}")' in source, english
    literals = inspect.getsource(click_core) + inspect.getsource(click_parser)
    for fragment, _, _ in _LITERALS:
        assert fragment in literals, fragment
    # What the command classes replace is still written where they replace it.
    assert 'prefix = "Usage: "' in inspect.getsource(typer._click.formatting)
    assert 'name = f"{{{name}}}"' in inspect.getsource(typer.core.TyperArgument)
    assert 'return f"<{label}>"' in inspect.getsource(_typer_display_type)
    assert "Show this message and exit." in inspect.getsource(typer._click.decorators)
    assert re.search(r"def get_help_option\(", inspect.getsource(click_core))
