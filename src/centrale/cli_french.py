"""The command line's own words in French: the usage line, `--help`, and usage errors.

Typer 0.29 carries its own copy of Click, whose words are partly English literals (the usage
line, the help option, the errors) and partly marked for gettext (section titles, "default",
"required"), which picks a catalogue from the environment's locale, English in a data
officer's shell as often as not. Every word centrale prints is French, so:
- the command classes here (`CentraleTyper` builds every command group with them) write the
  usage line and the help option in French, and print usage errors as French sentences that
  name the value and say where the help is;
- `typer.core`'s gettext binding is pointed at `WORDS`;
- arguments are named in French capitals (`ARGUMENTS`) and value types in French words
  (`TYPES`), where Typer shows the code's names (`{files}`, `<list[Path]>`).
`tests/unit/test_cli_french.py` checks every entry against Typer's own source, so a word
changed upstream fails a test instead of showing in English.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
import typer.core
from typer._click import exceptions as click_errors
from typer.core import TyperCommand, TyperGroup

from centrale.expected_values import EXPECTED

USAGE = "Utilisation : "
HELP = "Affiche cette aide."

#: `typer.core`'s gettext messages -> French.
WORDS: dict[str, str] = {
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "required": "obligatoire",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(calculé)",
    "Aborted!": "Interrompu.",
    "Missing command.": "commande manquante",
    "No such command {name!r}.": "commande « {name} » inconnue",
}


#: Arguments' names in the code -> as the help and the errors show them.
ARGUMENTS: dict[str, str] = {
    "code": "CODE",
    "email": "ADRESSE",
    "file": "FICHIER",
    "files": "FICHIER",
    "issue": "NUMÉRO",
    "item_id": "ARTICLE",
    "items": "ARTICLE",
    "kind": "TYPE",
    "login": "IDENTIFIANT",
    "number": "NUMÉRO",
    "other_person_id": "AUTRE_PERSONNE",
    "out": "FICHIER",
    "passage": "PASSAGE",
    "paths": "CHEMIN",
    "person_id": "PERSONNE",
    "position": "POSITION",
    "rule_id": "RÈGLE",
    "source_id": "SOURCE",
    "submission_id": "SOUMISSION",
    "tags": "ÉTIQUETTE",
    "term": "TERME",
    "url": "URL",
    "version": "VERSION",
}

#: The types Typer shows after a parameter, in French.
TYPES: dict[str, str] = {
    "<str>": "<texte>",
    "<int>": "<entier>",
    "<float>": "<nombre>",
    "<path>": "<chemin>",
    "<list[str]>": "<textes>",
    "<list[int]>": "<entiers>",
    "<list[Path]>": "<chemins>",
}
#: Typer writes a required argument `{NAME}` in the usage line; the custom is `NAME`.
_REQUIRED = re.compile(r"\{([^{}\s]+)\}")


def french(message: str) -> str:
    """The French of one of `typer.core`'s messages; any other string as it is.

    >>> french("Commands"), french("anything else")
    ('Commandes', 'anything else')
    """
    return WORDS.get(message, message)


typer.core._ = french
_typer_display_type = typer.core._TyperParameter.display_type


def _display_type(param: Any, ctx: Any) -> str:
    shown = _typer_display_type(param, ctx)
    return TYPES.get(shown, shown)


typer.core._TyperParameter.display_type = _display_type  # type: ignore[method-assign,assignment]


def error_message(error: click_errors.ClickException) -> str:
    """A usage error as a French sentence that names the value at fault."""
    if isinstance(error, click_errors.NoSuchOption):
        shown = f"option « {error.option_name} » inconnue"
        if error.possibilities:
            shown += " ; options proches : " + ", ".join(sorted(error.possibilities))
        return shown
    if isinstance(error, click_errors.MissingParameter) and error.param is not None:
        param = error.param
        said = getattr(param, "help", None)
        helped = f" ({said.rstrip('.')})" if said else ""
        if param.param_type_name == "option":
            return f"option {_param_name(param)} manquante{helped}"
        return f"argument {_param_name(param)} manquant{helped}"
    if isinstance(error, click_errors.BadParameter):
        where = f" pour {_param_name(error.param)}" if error.param is not None else ""
        return f"valeur invalide{where} : {_value_problem(error)}"
    message = error.format_message()
    for _, pattern, french_form in _LITERALS:
        found = pattern.fullmatch(message)
        if found:
            return french_form.format(*found.groups())
    return message


#: Typer's usage errors written as English literals: a fragment of the literal as Typer's
#: source writes it, the message's pattern, and its French.
_LITERALS = [
    (
        "Got unexpected extra argument",
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)"),
        "argument(s) en trop : {0}",
    ),
    (
        "requires {msg}",
        re.compile(r"Option '(.*)' requires an argument\."),
        "l'option « {0} » attend une valeur",
    ),
    (
        "requires {msg}",
        re.compile(r"Option '(.*)' requires (\d+) arguments\."),
        "l'option « {0} » attend {1} valeurs",
    ),
    (
        "does not take a value.",
        re.compile(r"Option '(.*)' does not take a value\."),
        "l'option « {0} » ne prend pas de valeur",
    ),
    (
        "takes {self.nargs} values.",
        re.compile(r"Argument '(.*)' takes (\d+) values\."),
        "l'argument « {0} » prend {1} valeurs",
    ),
]


def _param_name(param: Any) -> str:
    opts = getattr(param, "opts", None)
    if param.param_type_name == "option" and opts:
        return "« " + " / ".join(opts) + " »"
    return f"« {param.metavar or param.name} »"


def _value_problem(error: click_errors.BadParameter) -> str:
    cause: Any = error.__cause__
    details = cause.errors() if hasattr(cause, "errors") else []
    if details:
        first = details[0]
        given = first.get("input")
        expected = EXPECTED.get(first.get("type", ""))
        if expected is not None:
            return f"« {given} » n'est pas {expected}"
        allowed = (first.get("ctx") or {}).get("expected")
        if allowed:
            return f"« {given} » n'est pas une valeur admise ; valeurs admises : {allowed}"
    return str(error.message)


def show_usage_error(error: click_errors.UsageError) -> None:
    ctx = error.ctx
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(f"Aide : {ctx.command_path} --help\n", err=True)
    typer.echo(f"Erreur : {error_message(error)}", err=True)


class _French:
    """What both command classes change: the usage line, the help option, the errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # type: ignore[attr-defined]
            if param.param_type_name == "argument" and param.metavar is None:
                param.metavar = ARGUMENTS.get(param.name, param.name.upper())

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, _REQUIRED.sub(r"\1", pieces), prefix=USAGE)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP
        return option

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        run = super().main  # type: ignore[misc]
        if not standalone_mode:
            return run(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            done = run(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except click_errors.UsageError as error:
            show_usage_error(error)
            sys.exit(error.exit_code)
        except click_errors.ClickException as error:
            typer.echo(f"Erreur : {error_message(error)}", err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo(WORDS["Aborted!"], err=True)
            sys.exit(1)
        # Without standalone mode a command's end (or `--help`) comes back as a value: an
        # exit code when one was raised.
        sys.exit(done if isinstance(done, int) else 0)


class FrenchCommand(_French, TyperCommand):  # type: ignore[misc]
    pass


class FrenchGroup(_French, TyperGroup):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("subcommand_metavar") is None:  # Typer passes its None along
            kwargs["subcommand_metavar"] = "COMMANDE [ARGUMENTS]..."
        super().__init__(*args, **kwargs)


class CentraleTyper(typer.Typer):
    """`typer.Typer` whose groups and commands speak French (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", FrenchGroup)
        # Typer's completion options have English help of their own, outside gettext.
        kwargs.setdefault("add_completion", False)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", FrenchCommand)
        return super().command(*args, **kwargs)
