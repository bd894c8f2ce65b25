"""The review's public archive: the list of issues, each issue's page and PDF, and the Atom
and RSS feeds. Only published issues are shown; a draft is previewed from the editor's pages.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from centrale.bootstrap import App
from centrale.review.composition import IssueView, issue_view
from centrale.review.errors import UnknownIssue
from centrale.review.feeds_out import render_atom, render_rss
from centrale.review.issues import issue_id_of, list_issues
from centrale.review.rendering import render_fragment, render_pdf, stylesheet
from centrale.review.wording import FRENCH, date_range
from centrale.web.app import templates

router = APIRouter()


def _registry(request: Request) -> App:
    registry: App = request.app.state.registry
    return registry


def _base_url(request: Request) -> str:
    # The host the reader came to, so that links work behind any name.
    return str(request.base_url).rstrip("/")


@router.get("/revue", response_class=HTMLResponse)
def archive(request: Request) -> Response:
    issues = list_issues(_registry(request).engine, published_only=True)
    rows = [(issue, date_range(issue.date_from, issue.date_to, issue.language)) for issue in issues]
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
    """The page that frames an issue's HTML (shared with the editor's preview)."""
    return templates.TemplateResponse(
        request,
        "review/issue.html",
        {
            "issue": issue,
            "body": Markup(render_fragment(issue)),
            "css": Markup(stylesheet()),
            "lang": issue.language,
            "dir": issue.direction,
        },
    )


def published(registry: App, number: int) -> IssueView:
    issue = issue_view(registry.engine, issue_id_of(registry.engine, number))
    if issue.status != "published":
        raise UnknownIssue(
            f"Le numéro {number} n'est pas encore publié ; voyez les archives de la revue."
        )
    return issue
