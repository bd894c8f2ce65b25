"""From fetched bytes to candidate items: feeds (RSS, Atom via feedparser; JSON Feed) and
pages (main text and metadata via trafilatura). Pure functions: no I/O, no database.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from centrale.review.errors import InvalidReviewInput

BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"})


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str
    summary: str | None
    text: str | None
    author: str | None
    published_at: datetime | None


def parse_feed(content: bytes, content_type: str = "") -> tuple[str, list[Candidate]]:
    """The feed's format (`rss20`, `atom10`, `json1`…) and its entries.

    >>> parse_feed(b"<rss version='2.0'><channel><title>T</title></channel></rss>")
    ('rss20', [])
    """
    if "json" in content_type or content.lstrip()[:1] == b"{":
        return _parse_json_feed(content)
    parsed = feedparser.parse(content)
    if not parsed.version:
        reason = str(parsed.get("bozo_exception") or "format non reconnu")
        raise InvalidReviewInput(
            "Le contenu reçu n'est pas un flux RSS, Atom ou JSON lisible : aucun article n'a "
            "pu en être tiré. Vérifiez l'adresse, ou enregistrez la source comme page "
            f"(--kind page). Détail technique : {reason}"
        )
    return str(parsed.version), [_from_feedparser(entry) for entry in parsed.entries]


def _from_feedparser(entry: Any) -> Candidate:
    content = entry.get("content") or []
    body = html_to_text(content[0].get("value", "")) if content else None
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    return Candidate(
        url=str(entry.get("link") or entry.get("id") or ""),
        title=html_to_text(entry.get("title", "")),
        summary=html_to_text(entry.get("summary", "")) or None,
        text=body or None,
        author=entry.get("author") or None,
        published_at=datetime.fromtimestamp(calendar.timegm(moment), UTC) if moment else None,
    )


def _parse_json_feed(content: bytes) -> tuple[str, list[Candidate]]:
    try:
        feed = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidReviewInput(
            "Flux JSON illisible : le contenu reçu n'est pas du JSON valide. Vérifiez "
            f"l'adresse de la source. Détail technique : {error}"
        ) from error
    version = str(feed.get("version", "")) if isinstance(feed, dict) else ""
    if "jsonfeed.org" not in version:
        raise InvalidReviewInput(
            "Le contenu JSON reçu n'est pas un JSON Feed (champ « version » absent) ; "
            "vérifiez l'adresse de la source."
        )
    items = []
    for entry in feed.get("items", []):
        authors = entry.get("authors") or ([entry["author"]] if entry.get("author") else [])
        text = entry.get("content_text") or html_to_text(entry.get("content_html", ""))
        moment = entry.get("date_published") or entry.get("date_modified")
        items.append(
            Candidate(
                url=str(entry.get("url") or entry.get("external_url") or entry.get("id", "")),
                title=str(entry.get("title") or ""),
                summary=entry.get("summary") or None,
                text=text or None,
                author=authors[0].get("name") if authors else None,
                published_at=parse_moment(moment),
            )
        )
    return "json" + version.rstrip("/").rsplit("/", 1)[-1].replace("version", ""), items


def extract_page(html: str, url: str) -> Candidate:
    """A page's main text and metadata, by trafilatura (offline: the HTML is given).

    >>> extract_page(open("article.html").read(), "https://lematin.ma/x").title  # doctest: +SKIP
    'Le microcrédit, un des outils de réduction de la pauvreté'
    """
    import trafilatura
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        raise InvalidReviewInput(
            f"Aucun texte n'a pu être extrait de la page {url} ; vérifiez qu'elle contient "
            "un article, ou retirez la source."
        )
    text = document.text or ""
    title = (document.title or "").strip()
    if text.startswith(title + "\n"):
        text = text[len(title) + 1 :]  # trafilatura keeps the <h1>: the title is kept apart
    return Candidate(
        url=url,
        title=title or text.split("\n", 1)[0][:200],
        summary=document.description or None,
        text=text.strip(),
        author=document.author or None,
        published_at=parse_moment(document.date),
    )


def parse_moment(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime; None when absent or unreadable.

    >>> parse_moment("2012-02-06T09:30:00+01:00").isoformat()
    '2012-02-06T08:30:00+00:00'
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """The text of a feed's HTML fragment, one paragraph a line.

    >>> html_to_text("<p>Le <b>microcrédit</b></p><p>au Maroc</p>")
    'Le microcrédit\\nau Maroc'
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    collector = _TextCollector()
    collector.feed(fragment)
    lines = (" ".join(line.split()) for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)
