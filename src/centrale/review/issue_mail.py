"""Where delivery meets the issues: which issue a number names, and its per-recipient e-mail.

Each recipient receives the edition in their language (`centrale.review.editions`: the
Arabic one right to left), its subject in that language, and their own unsubscribe and
preference links in the footer. When that edition cannot be produced (the editor wrote an
introduction or disclaimer of their own, which has no translation) they receive the issue's
own edition, French for a French issue, with the footer still in their language. Each edition
is assembled once per send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from centrale.bootstrap import App
from centrale.errors import InvalidInput
from centrale.review.delivery import Renderer
from centrale.review.editions import Editions
from centrale.review.errors import UnknownIssue
from centrale.review.feeds_out import issue_url
from centrale.review.rendering import (
    EmailContent,
    Footer,
    email_subject,
    render_email_html,
    render_text,
)
from centrale.review.wording import EDITIONS
from centrale.store import sends as store

if TYPE_CHECKING:
    from sqlalchemy import Engine


def sendable_issue(engine: Engine, number: int) -> int:
    """The id of published issue `number`; a draft is refused with the way out.

    >>> sendable_issue(engine, 118)  # doctest: +SKIP
    1
    """
    with engine.connect() as conn:
        found = store.issue_by_number(conn, number)
    if found is None:
        raise UnknownIssue(
            f"Numéro inconnu : {number}. `centrale review issue list` affiche les numéros."
        )
    issue_id, status = found
    if status != "published":
        raise InvalidInput(
            f"Le numéro {number} n'est pas publié (statut : {status}) : publiez-le avec "
            f"`centrale review issue publish {number}`, puis relancez l'envoi ; la version "
            "envoyée est ainsi celle de l'archive."
        )
    return issue_id


def issue_number(engine: Engine, issue_id: int) -> int:
    with engine.connect() as conn:
        return store.issue_number(conn, issue_id)


def issue_renderer(app: App, issue_id: int) -> Renderer:
    """A renderer for `send_issue`: the edition in the recipient's language, their footer.

    >>> send_issue(app, issue_id, issue_renderer(app, issue_id))  # doctest: +SKIP
    """
    editions = Editions(app.engine, issue_id)
    web_url = issue_url(app.settings.public_url, editions.original.number)

    def render(unsubscribe_url: str, preferences_url: str, lang: str) -> EmailContent:
        issue = editions.for_reader(lang)
        footer = Footer(
            unsubscribe_url,
            preferences_url,
            web_url,
            lang if lang in EDITIONS else issue.language,
        )
        return EmailContent(
            email_subject(issue), render_email_html(issue, footer), render_text(issue, footer)
        )

    return render
