"""Rendering an issue from one set of templates: e-mail (HTML with inlined CSS, plus text),
the web archive's fragment, and the PDF.

Nothing here reaches the network: the CSS is inlined from the package, and WeasyPrint is
given a URL fetcher that refuses every remote resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine

from centrale.review.composition import IssueView, issue_view
from centrale.review.errors import InvalidReviewInput
from centrale.review.wording import Wording, text_direction, wording

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class EmailContent:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Footer:
    """The subscriber-specific links placed at the foot of both parts of an e-mail."""

    unsubscribe_url: str
    preferences_url: str
    web_url: str | None
    lang: str

    @property
    def words(self) -> dict[str, str]:
        return wording(self.lang).footer

    @property
    def direction(self) -> str:
        return text_direction(self.lang)


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@cache
def stylesheet() -> str:
    return (TEMPLATES / "issue.css").read_text(encoding="utf-8")


def render_email(
    engine: Engine,
    issue_id: int,
    *,
    unsubscribe_url: str,
    preferences_url: str,
    lang: str = "fr",
    web_url: str | None = None,
) -> EmailContent:
    """The e-mail of one issue for one subscriber: subject, HTML part and text part.

    `lang` is the subscriber's language: it sets the footer's words; the issue itself is an
    edition in its own language.

    >>> render_email(engine, 1, unsubscribe_url="https://x/u/t", preferences_url="https://x/p/t")
    ... # doctest: +SKIP
    EmailContent(subject='Flash-back N° 118 – Du 2 février au 5 avril 2015', html=..., text=...)
    """
    issue = issue_view(engine, issue_id)
    footer = Footer(unsubscribe_url, preferences_url, web_url, lang)
    return EmailContent(
        subject=email_subject(issue),
        html=render_email_html(issue, footer),
        text=render_text(issue, footer),
    )


def email_subject(issue: IssueView) -> str:
    """`Flash-back N° 118 – Du 2 février au 5 avril 2015`."""
    words: Wording = issue.words
    return f"{words.name} {words.number} {issue.number} – {issue.period}"


def render_email_html(issue: IssueView, footer: Footer | None = None) -> str:
    """A responsive HTML e-mail whose CSS is inlined into the elements, media query kept."""
    html = (
        environment()
        .get_template("email.html")
        .render(issue=issue, footer=footer, css=stylesheet())
    )
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    return str(inliner.inline(html))


def render_text(issue: IssueView, footer: Footer | None = None) -> str:
    """The plain-text part, made from the same data as the HTML, not by stripping it."""
    return environment().get_template("issue.txt").render(issue=issue, footer=footer)


def render_fragment(issue: IssueView) -> str:
    """The issue as an HTML fragment, for the web archive page that frames it."""
    return environment().get_template("_issue.html").render(issue=issue, footer=None)


def render_page(issue: IssueView) -> str:
    """The issue as a whole HTML document styled for print (the PDF's source)."""
    return (
        environment().get_template("page.html").render(issue=issue, footer=None, css=stylesheet())
    )


def render_pdf(issue: IssueView) -> bytes:
    """The issue as a PDF, with fonts that show Arabic (Noto Naskh Arabic, DejaVu Sans)."""
    from weasyprint import HTML

    return bytes(HTML(string=render_page(issue), url_fetcher=_no_fetch).write_pdf())


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The issue carries no images or remote resources; refusing all keeps PDFs offline.
    raise InvalidReviewInput(f"Ressource externe refusée dans le PDF : {url}.")
