"""Importing subscribers from a CSV file (`centrale review subscribers import`).

Columns: `email` (required), `name`, `organisation`, `language`, `segments` (codes separated
by `;`). Every row is checked and every problem reported; good rows are loaded in bulk.
Addresses already known are left as they are. Imported people are pending and get the
confirmation mail, unless the editor vouches for an earlier consent (`confirmed` with a
proof, e.g. signed forms from a seminar), which the ledger records.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from centrale.errors import InvalidInput, system_reason
from centrale.review import consent
from centrale.review.subscribers import (
    DEFAULT_LIST,
    LANGUAGES,
    email_forms,
    ids_by_code,
    normalise_email,
    profile_text,
)
from centrale.store import mailing_lists, subscribers
from centrale.store import subscriber_import as store

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import Connection, Engine

COLUMNS = ("email", "name", "organisation", "language", "segments")


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str
    value: str


@dataclass
class ImportReport:
    rows: int = 0
    added: list[int] = field(default_factory=list)
    existing: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def import_subscribers(
    engine: Engine,
    path: Path,
    *,
    wording_version: str,
    confirmed: bool = False,
    proof: str = "",
    list_code: str = DEFAULT_LIST,
) -> ImportReport:
    """Load a CSV of subscribers; returns the ids added and every problem found.

    >>> import_subscribers(engine, Path("abonnes.csv"), wording_version="fr-1")  # doctest: +SKIP
    ImportReport(rows=120, added=[...], existing=3, problems=[...])
    """
    if confirmed and not proof.strip():
        raise InvalidInput(
            "Un import d'abonnés déjà confirmés doit citer la preuve de leur consentement, "
            'par exemple --preuve "fiches signées au séminaire du 12 mars 2026".'
        )
    reader = csv.DictReader(io.StringIO(_read_text(path)))
    unknown = [name for name in reader.fieldnames or [] if name not in COLUMNS]
    if "email" not in (reader.fieldnames or []) or unknown:
        raise InvalidInput(
            f"En-tête refusé dans « {path.name} » : "
            f"colonnes inconnues {', '.join(unknown) or '—'} ; "
            f"colonnes possibles : {', '.join(COLUMNS)} (email obligatoire)."
        )
    report = ImportReport()
    with engine.begin() as conn:
        consent.wording(conn, wording_version)
        list_id = ids_by_code(conn, "lists", [list_code])[list_code]
        segment_ids = mailing_lists.segment_ids(conn)
        rows: dict[str, dict] = {}
        for number, record in enumerate(reader, start=2):  # row 1 is the header
            report.rows += 1
            row = _check(record, number, segment_ids, report.problems)
            if row is None:
                continue
            if row["email"] in rows:
                report.problems.append(
                    ImportProblem(
                        number, "email", "adresse en double dans le fichier", row["email"]
                    )
                )
                continue
            rows[row["email"]] = row
        known = _known(conn, rows)
        report.existing = len(known)
        new = [row for email, row in rows.items() if email not in known]
        if not new:
            return report
        ids = store.add_subscribers(
            conn,
            [{k: row[k] for k in ("email", "name", "organisation", "language")} for row in new],
            datetime.now(UTC) if confirmed else None,
        )
        store.add_subscriptions(
            conn, [ids[row["email"]] for row in new], list_id, "active" if confirmed else "pending"
        )
        store.add_segment_links(
            conn,
            [(ids[row["email"]], segment_ids[code]) for row in new for code in row["segments"]],
        )
        detail = f"import {path.name}" + (
            f" ; consentement antérieur : {proof}" if confirmed else ""
        )
        consent.record_many(
            conn,
            [
                {
                    "subscriber_id": ids[row["email"]],
                    "email": row["email"],
                    "event": "import",
                    "list_code": list_code,
                    "wording_version": wording_version,
                    "language": row["language"],
                    "origin": "import",
                    "detail": detail,
                }
                for row in new
            ],
        )
        report.added = [ids[row["email"]] for row in new]
    return report


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InvalidInput(f"Fichier illisible : « {path} » ({system_reason(error)}).") from error
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"« {path.name} » n'est pas en UTF-8 (octet {error.start}) ; enregistrez-le en "
            "« CSV UTF-8 » depuis votre tableur."
        ) from error


def _check(
    record: dict[str, str | None],
    number: int,
    segment_ids: dict[str, int],
    problems: list[ImportProblem],
) -> dict | None:
    raw = {key: (value or "").strip() for key, value in record.items() if key}
    found = []
    try:
        email = normalise_email(raw.get("email", ""), to_mail=True)
    except InvalidInput as error:
        found.append(ImportProblem(number, "email", error.message, raw.get("email", "")))
        email = ""
    language = (raw.get("language") or "fr").lower()
    if language not in LANGUAGES:
        found.append(
            ImportProblem(
                number,
                "language",
                f"langue inconnue ; valeurs possibles : {', '.join(LANGUAGES)}",
                language,
            )
        )
    codes = [c.strip().lower() for c in raw.get("segments", "").split(";") if c.strip()]
    for code in codes:
        if code not in segment_ids:
            found.append(
                ImportProblem(
                    number,
                    "segments",
                    f"segment inconnu ; valeurs possibles : {', '.join(segment_ids)}",
                    code,
                )
            )
    profile = {}
    for column, what in (("name", "Le nom"), ("organisation", "Le nom de l'organisation")):
        try:
            profile[column] = profile_text(raw.get(column, ""), what)
        except InvalidInput as error:
            found.append(ImportProblem(number, column, error.message, raw.get(column, "")[:60]))
    problems.extend(found)
    if found:
        return None
    return {
        "email": email,
        **profile,
        "language": language,
        "segments": sorted(set(codes)),
    }


def _known(conn: Connection, emails: Iterable[str]) -> set[str]:
    """Those of `emails` (ASCII forms) that are already subscribers, in either stored form:
    one kept in Unicode from before the mail rule is moved to its ASCII form, as a sign-up
    would, unless that form is stored too."""
    forms = {form: email for email in emails for form in email_forms(email)}
    stored = store.known_emails(conn, forms)
    for form in stored - set(forms.values()):
        if forms[form] not in stored:
            subscribers.set_email(conn, form, forms[form])
    return {forms[form] for form in stored}
