"""Pure parts of delivery, no database: status classes of RFC 3464 reports, the parser's
robustness, the wire form of list messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.review.dsn import RecipientStatus, read_returned_mail
from centrale.review.mail_message import Content, ListHeaders, build_message, wire_bytes


@pytest.mark.parametrize(
    ("action", "status", "kind"),
    [
        ("failed", "5.1.1", "hard"),  # no such mailbox
        ("failed", "5.2.1", "hard"),  # mailbox disabled
        ("failed", "5.2.2", "soft"),  # mailbox full: temporary in practice
        ("failed", "4.4.1", "soft"),
        ("delayed", "4.4.7", "soft"),
        ("delivered", "2.0.0", None),
        ("relayed", "2.0.0", None),
    ],
)
def test_status_classes(action: str, status: str, kind: str | None) -> None:
    assert RecipientStatus("a@b.ma", action, status, "").kind == kind


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_read_as_a_report_or_none_without_raising(raw: bytes) -> None:
    returned = read_returned_mail(raw)
    assert returned is None or all("@" in r.email for r in returned.recipients)


@settings(max_examples=50, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=300)
)
def test_a_report_survives_any_diagnostic_text(diagnostic: str) -> None:
    raw = (
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        "Final-Recipient: rfc822; a@b.ma\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        f"Diagnostic-Code: smtp; {diagnostic}\r\n\r\n--B--\r\n"
    ).encode()
    returned = read_returned_mail(raw)
    assert returned is not None
    assert [(r.email, r.kind) for r in returned.recipients] == [("a@b.ma", "hard")]


def test_long_unsubscribe_links_stay_whole_on_the_wire() -> None:
    token = "x" * 300
    headers = ListHeaders(
        "Flash-back <flash-back.centrale.example.ma>",
        f"https://revue.centrale.example.ma/desabonnement/{token}",
        f"mailto:desabonnement@centrale.example.ma?subject=unsubscribe%20{token}",
    )
    message = build_message(
        sender="Flash-back <flashback@centrale.example.ma>",
        to="lectrice@exemple.ma",
        content=Content("Flash-back N° 118 – Du 2 février au 5 avril 2015", "<p>é</p>", "é"),
        list_headers=headers,
    )
    data = wire_bytes(message)
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    line = re.search(rb"List-Unsubscribe: ([^\r]+)", data).group(1)
    assert line.decode() == f"<{headers.unsubscribe_https}>, <{headers.unsubscribe_mailto}>"
    assert b"=?utf-8?" not in line


def test_an_unreadable_dkim_key_is_said_in_french(tmp_path: Path) -> None:
    from centrale.errors import InvalidInput
    from centrale.review.dkim_signing import DkimSigner
    from centrale.settings import Settings

    missing = tmp_path / "absente.pem"
    configured = Settings(
        database_url="sqlite://", dkim_domain="centrale.ma", dkim_private_key_path=missing
    )
    with pytest.raises(InvalidInput) as refused:
        DkimSigner.from_settings(configured)
    assert f"Clé DKIM illisible : « {missing} » (introuvable)" in refused.value.message
    assert "No such file" not in refused.value.message
