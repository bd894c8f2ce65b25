"""`handle_errors` and `output_file`: what a command says when the system refuses a file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from centrale.errors import InvalidInput
from centrale.terminal import handle_errors, output_file


def test_a_refused_file_is_named_in_french_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "rapport.csv"

    @handle_errors
    def write() -> None:
        raise PermissionError(13, "Permission denied", str(target))

    with pytest.raises(SystemExit) as stopped:
        write()
    assert stopped.value.code == 2
    said = " ".join(capsys.readouterr().err.split())
    assert f"Erreur : impossible d'accéder à « {target} »" in said
    assert "vérifiez le chemin (le dossier existe-t-il ?) et les droits" in said


def test_a_system_error_without_a_file_name_still_says_what_to_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    @handle_errors
    def write() -> None:
        raise OSError("no space left on the device")  # a library's words, in English

    with pytest.raises(SystemExit) as stopped:
        write()
    assert stopped.value.code == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "Erreur : impossible d'accéder au fichier (le système l'a refusé)" in said
    assert "no space" not in said


def test_an_answer_passes_through_unchanged() -> None:
    assert handle_errors(lambda: 42)() == 42


def test_output_file_names_the_missing_folder(tmp_path: Path) -> None:
    assert output_file(tmp_path / "a.csv") == tmp_path / "a.csv"
    said = f"le dossier « {tmp_path / 'absent'} » n'existe pas ; créez-le ou écrivez a.csv ailleurs"
    with pytest.raises(InvalidInput, match=re.escape(said)):
        output_file(tmp_path / "absent" / "a.csv")
