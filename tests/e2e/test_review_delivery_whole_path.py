"""From sources to a sent issue with nothing but `centrale`: the bundled feeds served on
127.0.0.1, the editor's commands, a send to a local SMTP server, and the one-click unsubscribe
of a received message through the web app. On SQLite and PostgreSQL."""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from centrale.bootstrap import App
from centrale.review.demo import DATA
from centrale.review.local_server import serve_directory
from centrale.review.subscribers import find_by_email
from test_review_delivery_support import (
    DkimKey,
    MailSink,
    cli_app,  # noqa: F401
    dkim_key,  # noqa: F401
    mail_app,  # noqa: F401
    mail_sink,  # noqa: F401
    run_cli,
    site,  # noqa: F401
)


def centrale(*args: str) -> str:
    return run_cli(*args)


@pytest.mark.slow
def test_an_editor_goes_from_sources_to_a_sent_issue(
    cli_app: App, mail_sink: MailSink, dkim_key: DkimKey, site: str, tmp_path: Path
) -> None:
    with serve_directory(DATA) as server:
        opml = tmp_path / "sources.opml"
        opml.write_bytes(httpx.get(f"{server}/sources.opml", timeout=10).content)
        centrale("review", "sources", "import-opml", str(opml))
        centrale("review", "fetch")
    pending = centrale("review", "queue", "list")
    french = re.findall(
        r"^│ (\d+)\s+│ [\d.]+\s+│ fr\s+│ \w+\s+│ [^│]+│ ([^│]+?)\s+│", pending, re.M
    )
    chosen = french[:2]
    assert len(chosen) == 2, pending
    for item_id, _ in chosen:
        centrale("review", "queue", "accept", item_id)
    centrale("review", "issue", "create", "1", "--from", "2012-02-01", "--to", "2012-02-08")
    centrale("review", "issue", "publish", "1")

    readers = tmp_path / "lecteurs.csv"
    readers.write_text(
        "email,name,organisation,segments\n"
        "nadia@amc-nord.ma,Nadia,AMC Nord,institutions\n"
        "karim@bailleur.org,Karim,Bailleur,funders\n",
        encoding="utf-8",
    )
    centrale(
        "review",
        "subscribers",
        "import",
        str(readers),
        "--confirmed",
        "--proof",
        "formulaires papier signés, séminaire du Centre du 12 mars 2026",
    )
    centrale("review", "subscribers", "add", "pas.encore@exemple.ma")  # never confirms
    sent = centrale("review", "send", "1")
    assert "envoyés maintenant : 2 (en tout : 2)" in sent
    assert "ignorés : 1 non confirmé(s)" in sent

    issues = [mail for mail in mail_sink.received if "List-Id" in mail.message]
    assert sorted(mail.rcpt_tos[0] for mail in issues) == [
        "karim@bailleur.org",
        "nadia@amc-nord.ma",
    ]
    for mail in issues:
        assert dkim_key.verify(mail.data)
        assert mail.message["Subject"].startswith("Flash-back N° 1 –")
        html = mail.message.get_body(("html",)).get_content()
        text = mail.message.get_body(("plain",)).get_content()
        for _, headline in chosen:
            assert headline.split("«")[-1][:30] in html
            assert headline.split("«")[-1][:30] in re.sub(r"\s+", " ", text)

    karim = next(m for m in issues if m.rcpt_tos == ["karim@bailleur.org"])
    https = re.findall(r"<(https://[^>]+)>", karim.message["List-Unsubscribe"])[0]
    one_click = httpx.post(site + urlsplit(https).path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert find_by_email(cli_app.engine, "karim@bailleur.org").lists == {
        "flash-back": "unsubscribed"
    }
    assert "envoyés maintenant : 0 (en tout : 2)" in centrale("review", "send", "1")
