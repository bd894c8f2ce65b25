"""Reading returned mail: RFC 3464 delivery status notifications and RFC 5965 complaints.

Parsing only, with the stdlib `email` package; what to do with the result is decided in
`centrale.review.bounces`. A message that is neither (an auto-reply, a person writing back)
reads as None and is left alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser


@dataclass(frozen=True)
class RecipientStatus:
    email: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # RFC 3463 enhanced code, e.g. 5.1.1
    diagnostic: str

    @property
    def kind(self) -> str | None:
        """`hard`, `soft`, or None when the report says the mail went through."""
        if self.action in ("delivered", "relayed", "expanded"):
            return None
        # A full mailbox (5.2.2) is temporary in practice, whatever its class says.
        if self.status.startswith("5.") and self.status != "5.2.2":
            return "hard"
        return "soft"


@dataclass(frozen=True)
class ReturnedMail:
    report_id: str
    report_type: str  # delivery-status or feedback-report
    recipients: tuple[RecipientStatus, ...]


def parse_message(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def read_returned_mail(raw: bytes) -> ReturnedMail | None:
    """The recipients a DSN or complaint reports on, or None for any other message.

    >>> read_returned_mail(b"Subject: Absent du bureau\\r\\n\\r\\nJe reviens lundi.") is None
    True
    """
    message = parse_message(raw)
    report_type = str(message.get_param("report-type", "") or "").lower()
    if message.get_content_type() != "multipart/report" or report_type not in (
        "delivery-status",
        "feedback-report",
    ):
        return None
    report_id = str(message.get("Message-ID") or "") or hashlib.sha256(raw).hexdigest()
    if report_type == "delivery-status":
        recipients = _delivery_statuses(message)
    else:
        recipients = _complaints(message)
    return ReturnedMail(report_id.strip(), report_type, tuple(recipients))


def _delivery_statuses(message: EmailMessage) -> list[RecipientStatus]:
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The first block holds per-message fields; each later one is about one recipient.
        for block in _blocks(part):
            email = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
            if not email:
                continue
            found.append(
                RecipientStatus(
                    email=email,
                    action=str(block.get("Action", "")).strip().lower(),
                    status=str(block.get("Status", "")).strip().split(" ")[0],
                    diagnostic=str(block.get("Diagnostic-Code", "")).strip(),
                )
            )
    return found


def _complaints(message: EmailMessage) -> list[RecipientStatus]:
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/feedback-report":
            continue
        for block in _blocks(part):
            email = _address(block.get("Original-Rcpt-To"))
            if email:
                kind = str(block.get("Feedback-Type", "abuse")).strip().lower()
                found.append(RecipientStatus(email, "complaint", kind, ""))
    return found


def _blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    # Some writers send the fields as plain text: parse them as header blocks.
    text = payload if isinstance(payload, str) else part.as_string().partition("\n\n")[2]
    return [
        BytesParser(policy=policy.default).parsebytes(chunk.strip().encode() + b"\n\n")
        for chunk in text.replace("\r\n", "\n").split("\n\n")
        if chunk.strip()
    ]


def _address(field: object) -> str:
    if not field:
        return ""
    value = str(field).split(";", 1)[-1].strip().strip("<>").strip()
    return value.lower() if "@" in value else ""
