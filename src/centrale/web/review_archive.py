"""The review's public archive: the list of issues, each issue's page and PDF, and the Atom
and RSS feeds. Only published issues are shown; a draft is previewed from the editor's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from centrale.bootstrap import App
from centrale.review.composition import IssueView, issue_view
from centrale.review.errors import UnknownIssue
from centrale.review.feeds_out import render_atom, render_rss
from centrale.review.issues import issue_id_of, list_issues
from centrale.review.rendering import render_fragment, render_pdf, stylesheet
from centrale.review.wording import FRENCH, date_range, text_direction, wording
from centrale.store.review_issues import IssueSummary
from centrale.web.app import templates

router = APIRouter()

#: Where a public reader finds the issues that are out.
ARCHIVE = "/revue"
#: How the French frame names an edition that is not in French.
EDITIONS_IN_FRENCH = {"ar": "édition arabe"}


class NotInArchive(UnknownIssue):
    """An issue the public archive does not show (unknown, or still a draft).

    The reader is sent to the archive page: the message `issue_id_of` writes for editors
    names a command line the public cannot run. `message` is the plain text (JSON answers);
    `message_html` is the same sentence with the archive as a link (error.html).
    """

    def __init__(self, sentence: str) -> None:
        super().__init__(f"{sentence} ; les numéros parus sont dans les archives : {ARCHIVE}")
        self.message_html = Markup(
            '{} ; les numéros parus sont dans les <a href="{}">archives</a>.'
        ).format(sentence, ARCHIVE)


@dataclass(frozen=True)
class ArchiveRow:
    """One issue of the archive. The page is French: its number and period are in French
    whatever the edition, so that the columns read alike; an edition in another language
    adds its own title, in that language, to be marked as such on its own."""

    issue: IssueSummary
    period: str
    #: What the French row says of the edition's language, e.g. "édition arabe".
    edition: str | None
    own_title: EditionTitle | None


@dataclass(frozen=True)
class EditionTitle:
    """An edition's title in its own language, with the attributes that mark it."""

    text: str
    lang: str
    dir: str


def _archive_row(issue: IssueSummary) -> ArchiveRow:
    period = date_range(issue.date_from, issue.date_to)
    return ArchiveRow(issue, period, EDITIONS_IN_FRENCH.get(issue.language), _own_title(issue))


def _own_title(issue: IssueSummary) -> EditionTitle | None:
    if issue.language == "fr":
        return None
    words = wording(issue.language)
    period = date_range(issue.date_from, issue.date_to, issue.language)
    return EditionTitle(
        f"{words.name} {words.number} {issue.number} – {period}",
        issue.language,
        text_direction(issue.language),
    )


def _registry(request: Request) -> App:
    registry: App = request.app.state.registry
    return registry


def _base_url(request: Request) -> str:
    # The host the reader came to, so that links work behind any name.
    return str(request.base_url).rstrip("/")


@router.get("/revue", response_class=HTMLResponse)
def archive(request: Request) -> Response:
    issues = list_issues(_registry(request).engine, published_only=True)
    rows = [_archive_row(issue) for issue in issues]
    return templates.TemplateResponse(
        request, "review/archive.html", {"rows": rows, "words": FRENCH}
    )


@router.get("/revue/atom.xml")
def atom(request: Request) -> Response:
    body = render_atom(_registry(request).engine, _base_url(request))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/revue/rss.xml")
def rss(request: Request) -> Response:
    body = render_rss(_registry(request).engine, _base_url(request))
    return Response(body, media_type="application/rss+xml; charset=utf-8")


@router.get("/revue/{number:id}.pdf")
def issue_pdf(request: Request, number: int) -> Response:
    issue = published(_registry(request), number)
    return Response(
        render_pdf(issue),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="flashback-{number}.pdf"'},
    )


@router.get("/revue/{number:id}", response_class=HTMLResponse)
def issue_page(request: Request, number: int) -> Response:
    issue = published(_registry(request), number)
    return issue_response(request, issue)


def issue_response(request: Request, issue: IssueView) -> Response:
    """The page that frames an issue's HTML (shared with the editor's preview).

    The frame (header, tools, footer) is the site's, in French, whatever the edition: only
    the issue's own element, rendered by `render_fragment`, carries the edition's `lang` and
    `dir`. The tab's title is part of the frame too, so it is written in French.
    """
    title = f"{FRENCH.name} {FRENCH.number} {issue.number} – " + date_range(
        issue.date_from, issue.date_to
    )
    if issue.language in EDITIONS_IN_FRENCH:
        title += f" ({EDITIONS_IN_FRENCH[issue.language]})"
    return templates.TemplateResponse(
        request,
        "review/issue.html",
        {
            "issue": issue,
            "title": title,
            "body": Markup(render_fragment(issue)),
            "css": Markup(stylesheet()),
        },
    )


def published(registry: App, number: int) -> IssueView:
    """Published issue N°`number`, or a 404 that sends the reader to the archive."""
    try:
        issue = issue_view(registry.engine, issue_id_of(registry.engine, number))
    except UnknownIssue:
        raise NotInArchive(f"Aucun numéro {number} de {FRENCH.name} n'est publié") from None
    if issue.status != "published":
        raise NotInArchive(f"Le numéro {number} n'est pas encore publié")
    return issue
