"""Atom (RFC 4287) and RSS 2.0 feeds of the published issues, from the same templates set.

Each entry carries the whole issue as HTML, a permanent id (the issue's web address) and a
link to its PDF; readers re-parse them with feedparser in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING

from centrale.review.analysis import without_controls
from centrale.review.composition import IssueView, issue_view
from centrale.review.issues import list_issues
from centrale.review.moments import utc_now
from centrale.review.rendering import environment, render_fragment
from centrale.review.wording import FRENCH

if TYPE_CHECKING:
    from sqlalchemy import Engine

LATEST = 20


@dataclass(frozen=True)
class FeedEntry:
    issue: IssueView
    url: str
    html: str

    @property
    def updated(self) -> str:
        return self.issue.updated.isoformat().replace("+00:00", "Z")

    @property
    def pub_date(self) -> str:
        return format_datetime(self.issue.updated)


def issue_url(base_url: str, number: int) -> str:
    """The permanent web address of an issue: `https://…/revue/118`."""
    return f"{base_url.rstrip('/')}/revue/{number}"


def render_atom(engine: Engine, base_url: str) -> str:
    """The Atom feed of the latest published issues.

    >>> feedparser.parse(render_atom(engine, "https://centrale.ma")).entries[0].title
    ... # doctest: +SKIP
    'Flash-back N° 118 – Du 2 février au 5 avril 2015'
    """
    return _render("atom.xml", engine, base_url)


def render_rss(engine: Engine, base_url: str) -> str:
    """The RSS 2.0 feed of the latest published issues."""
    return _render("rss.xml", engine, base_url)


def _render(template: str, engine: Engine, base_url: str) -> str:
    base = base_url.rstrip("/")
    entries = [
        FeedEntry(view, issue_url(base, view.number), render_fragment(view))
        for view in (
            issue_view(engine, issue.id)
            for issue in list_issues(engine, published_only=True)[:LATEST]
        )
    ]
    updated = max((e.issue.updated for e in entries), default=utc_now())
    # Fetched titles and texts may carry a control character that XML refuses.
    return without_controls(
        environment()
        .get_template(template)
        .render(
            base_url=base,
            words=FRENCH,
            entries=entries,
            updated=updated.isoformat().replace("+00:00", "Z"),
        )
    )
