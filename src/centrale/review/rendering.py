"""Rendering an issue from one set of templates: e-mail (HTML with inlined CSS, plus text),
the web archive's fragment, and the PDF.

Nothing here reaches the network: the CSS is inlined from the package, and WeasyPrint is
given a URL fetcher that refuses every remote resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from centrale.review.composition import IssueView, issue_view
from centrale.review.errors import InvalidReviewInput
from centrale.review.wording import Wording, text_direction, wording

if TYPE_CHECKING:
    from sqlalchemy import Engine

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class EmailContent:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class Footer:
    """The links at the foot of both parts of an e-mail.

    A subscriber's copy carries their own links (preferences, one-click unsubscribe). An
    archive copy, which reaches no one in particular, leaves them out: it links to the sign-up
    form and to every issue instead, and says why (see `archive_footer`).
    """

    unsubscribe_url: str | None
    preferences_url: str | None
    web_url: str | None
    lang: str
    subscribe_url: str | None = None
    issues_url: str | None = None

    @property
    def personal(self) -> bool:
        return self.unsubscribe_url is not None or self.preferences_url is not None

    @property
    def words(self) -> dict[str, str]:
        words = wording(self.lang)
        return words.footer if self.personal else {**words.footer, **words.archive_footer}

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, URL) pairs in the order they are shown, the absent ones left out."""
        urls = {
            "web": self.web_url,
            "preferences": self.preferences_url,
            "unsubscribe": self.unsubscribe_url,
            "subscribe": self.subscribe_url,
            "issues": self.issues_url,
        }
        words = self.words
        return [(words[key], url) for key, url in urls.items() if url]

    @property
    def direction(self) -> str:
        return text_direction(self.lang)


def archive_footer(public_url: str, web_url: str | None, lang: str) -> Footer:
    """The foot of an issue rendered to a file: no recipient, so no personal links.

    >>> archive_footer("https://revue.ma", "https://revue.ma/revue/118", "fr").links[1]
    ('S’abonner', 'https://revue.ma/abonnement')
    """
    base = public_url.rstrip("/")
    return Footer(
        None,
        None,
        web_url,
        lang,
        subscribe_url=f"{base}/abonnement",
        issues_url=f"{base}/revue",
    )


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
