"""`review bounces process`: reads the return mailbox and acts on each message.

Three kinds of mail come back to the review's addresses: delivery status reports (bounces),
complaint reports (a recipient pressed "spam"), and mailto: unsubscribe requests sent from the
List-Unsubscribe header. Anything else (auto-replies, people writing back) is counted as
ignored and left where it is: the command never deletes mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from centrale.bootstrap import App
from centrale.errors import InvalidInput
from centrale.review.bounces import record_bounce, suppress
from centrale.review.dsn import ReturnedMail, parse_message, read_returned_mail
from centrale.review.preferences import unsubscribe
from centrale.review.subscribers import load
from centrale.review.tokens import UNSUBSCRIBE, LinkSigner
from centrale.store import subscribers

UNSUBSCRIBE_SUBJECT = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


@dataclass
class InboxReport:
    read: int = 0
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    repeated: int = 0  # reports already processed earlier
    suppressed: list[str] = field(default_factory=list)
    unsubscribed: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def mail_files(paths: Iterable[Path]) -> list[Path]:
    """Files to read: each file given, and every file under a directory (Maildir or .eml)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise InvalidInput(
                f"Fichier introuvable : « {path} ». Donnez des fichiers de message (.eml) "
                "ou un dossier de boîte aux lettres (Maildir)."
            )
    return found


def process_returned_mail(app: App, paths: Iterable[Path]) -> InboxReport:
    """Apply every bounce, complaint and mailto unsubscribe found in the given files.

    >>> process_returned_mail(app, [Path("retours/")]).hard  # doctest: +SKIP
    2
    """
    report = InboxReport()
    signer = LinkSigner(app.settings.secret_key)
    for path in mail_files(paths):
        raw = path.read_bytes()
        report.read += 1
        returned = read_returned_mail(raw)
        if returned is None:
            if not _mailto_unsubscribe(app, signer, raw, report):
                report.ignored.append(str(path))
        elif returned.report_type == "delivery-status":
            _bounces(app, returned, str(path), report)
        else:
            _complaints(app, returned, signer, report)
    return report


def _bounces(app: App, returned: ReturnedMail, source: str, report: InboxReport) -> None:
    with app.engine.begin() as conn:
        for status in returned.recipients:
            new, suppressed = record_bounce(
                conn,
                status,
                report_id=returned.report_id,
                source=source,
                soft_limit=app.settings.soft_bounce_limit,
            )
            if not new:
                report.repeated += status.kind is not None
                continue
            report.hard += status.kind == "hard"
            report.soft += status.kind == "soft"
            if suppressed:
                report.suppressed.append(status.email)


def _complaints(app: App, returned: ReturnedMail, signer: LinkSigner, report: InboxReport) -> None:
    for status in returned.recipients:
        report.complaints += 1
        with app.engine.begin() as conn:
            if suppress(conn, status.email, "complaint", f"signalement {status.status}"):
                report.suppressed.append(status.email)
            row = subscribers.subscriber_by_email(conn, status.email)
        if row is not None:
            with app.engine.connect() as conn:
                subscriber = load(conn, row.id)
            for list_code in subscriber.lists:
                if unsubscribe(
                    app.engine, row.id, subscriber.digest, list_code, origin="complaint"
                ):
                    report.unsubscribed.append(status.email)


def _mailto_unsubscribe(app: App, signer: LinkSigner, raw: bytes, report: InboxReport) -> bool:
    match = UNSUBSCRIBE_SUBJECT.search(str(parse_message(raw).get("Subject", "")))
    if match is None:
        return False
    try:
        claim = signer.read(UNSUBSCRIBE, match.group(1))
        changed = unsubscribe(
            app.engine,
            claim.subscriber_id,
            claim.digest,
            claim.list_code or "flash-back",
            origin="mailto",
        )
    except InvalidInput:
        return False  # a forged or stale token: leave the message for a person to read
    if changed:
        with app.engine.connect() as conn:
            email = subscribers.email_of(conn, claim.subscriber_id)
        report.unsubscribed.append(email)
    return True
