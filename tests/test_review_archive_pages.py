"""The public archive's pages, read as a browser or a screen reader would: parsed, each text
with the language and direction it inherits.

- An issue the archive does not show sends the reader to the archive, not to the editors'
  command line.
- The site's frame stays French and left to right around an Arabic issue; only the issue's
  element is Arabic, right to left.
- In the archive's table, the French words of an Arabic edition's row stay French; only its
  Arabic title is marked Arabic, right to left.
"""

# The fixtures come from the support modules: their names shadow the imports by design.

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from centrale.bootstrap import App
from centrale.review.errors import UnknownIssue
from centrale.review.issues import create_issue, issue_id_of
from centrale.review.queue import queue
from centrale.web.app import create_app
from test_review_support import an_issue, fetched, served, signed_in

__all__ = ["fetched", "served"]

ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
LATIN_LETTERS = re.compile(r"[A-Za-zÀ-ÿ]")
#: Elements without an end tag in HTML.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


# --------------------------------------------------------------------------------------------
# A small HTML tree, with the language and direction each element inherits


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def inherited(self, name: str) -> str | None:
        """The attribute as it applies here: on the element, or on its nearest ancestor."""
        node: Element | None = self
        while node is not None:
            if name in node.attrs:
                return node.attrs[name]
            node = node.parent
        return None

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """The text as shown: its whitespace folded."""
        return " ".join(self.raw_text().split())

    def iter(self) -> list[Element]:
        found = [self]
        for child in self.children:
            if isinstance(child, Element):
                found += child.iter()
        return found

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return [
            node
            for node in self.iter()
            if node.tag == tag and all(node.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag: str, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, (tag, attrs)
        return found[0]

    def texts(self) -> list[tuple[str, Element]]:
        """Every non-blank text, with the element that holds it (scripts and styles aside)."""
        if self.tag in {"style", "script"}:
            return []
        found: list[tuple[str, Element]] = []
        for child in self.children:
            if isinstance(child, Element):
                found += child.texts()
            elif child.strip():
                found.append((" ".join(child.split()), self))
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.open))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # a stray end tag closes nothing
            self.open = node.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def ancestors(node: Element) -> list[Element]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


# --------------------------------------------------------------------------------------------
# Helpers


def client_of(app: App) -> TestClient:
    return TestClient(create_app(app), raise_server_exceptions=False)


def arabic_items(app: App) -> list[int]:
    return [i.id for i in queue(app.engine, "pending", everything=True) if i.language == "ar"]


def french_items(app: App) -> list[int]:
    return [i.id for i in queue(app.engine, "pending", everything=True) if i.language == "fr"]


def assert_french_frame(document: Element) -> None:
    html = document.find("html")
    assert (html.attrs.get("lang"), html.attrs.get("dir")) == ("fr", "ltr")
    for tag in ("header", "nav", "main", "footer", "title"):
        for node in document.find_all(tag):
            assert node.inherited("lang") == "fr" and node.inherited("dir") == "ltr", tag


def assert_arabic_is_marked(document: Element) -> None:
    """Every text in Arabic script is in an element that is Arabic and right to left."""
    for text, holder in document.texts():
        if ARABIC_SCRIPT.search(text):
            assert holder.inherited("lang") == "ar", text
            assert holder.inherited("dir") == "rtl", text


# --------------------------------------------------------------------------------------------
# An issue the archive does not show


def error_paragraph(document: Element) -> Element:
    return document.find("p", **{"class": "error"})


@pytest.mark.parametrize(
    ("path", "number"), [("/revue/7", 7), ("/revue/0", 0), ("/revue/7.pdf", 7)]
)
def test_an_unknown_issue_sends_the_reader_to_the_archive(app: App, path: str, number: int) -> None:
    answer = client_of(app).get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    document = parse(answer.text)
    assert_french_frame(document)
    error = error_paragraph(document)
    assert error.text() == (
        f"Aucun numéro {number} de Flash-back n'est publié ; les numéros parus sont dans les "
        "archives."
    )
    # The fix is a link the reader can follow, to the archive.
    assert [a.attrs["href"] for a in error.find_all("a")] == ["/revue"]
    assert error.find("a").text() == "archives"
    assert "centrale review" not in answer.text


def test_an_unknown_issue_asked_as_json_names_the_archive(app: App) -> None:
    answer = client_of(app).get("/revue/7", headers={"accept": "application/json"})
    assert answer.status_code == 404
    assert answer.json() == {
        "error": {
            "code": "unknown_issue",
            "message": "Aucun numéro 7 de Flash-back n'est publié ; les numéros parus sont "
            "dans les archives : /revue",
        }
    }


def test_a_draft_sends_the_reader_to_the_archive_too(app: App) -> None:
    create_issue(app.engine, 5, date(2012, 2, 1), date(2012, 2, 8), take_accepted=False)
    for path in ("/revue/5", "/revue/5.pdf"):
        answer = client_of(app).get(path)
        assert answer.status_code == 404
        error = error_paragraph(parse(answer.text))
        assert error.text().startswith("Le numéro 5 n'est pas encore publié ; ")
        assert [a.attrs["href"] for a in error.find_all("a")] == ["/revue"]


def test_the_editors_keep_their_command_line(app: App) -> None:
    # The CLI and the editor's pages still name the command that lists every issue.
    with pytest.raises(UnknownIssue, match="voyez `centrale review issue list`"):
        issue_id_of(app.engine, 7)


def test_an_address_that_leads_nowhere_keeps_its_own_message(app: App) -> None:
    answer = client_of(app).get("/revue/nulle-part")
    assert answer.status_code == 404
    error = error_paragraph(parse(answer.text))
    assert error.text().startswith("Page introuvable : « /revue/nulle-part »")
    assert error.find_all("a") == []


# --------------------------------------------------------------------------------------------
# The page of an issue


def test_an_arabic_issue_page_keeps_its_french_frame(fetched: App) -> None:
    an_issue(fetched, 300, arabic_items(fetched), "ar", publish=True)
    answer = client_of(fetched).get("/revue/300")
    assert answer.status_code == 200
    document = parse(answer.text)
    assert_french_frame(document)
    # The tools and the tab's title are the site's, in French.
    tools = document.find("p", **{"class": "tools"})
    assert tools.inherited("lang") == "fr" and tools.text() == "Archives · Télécharger le PDF"
    assert document.find("title").text() == (
        "Flash-back N° 300 – Du 1er au 8 février 2012 (édition arabe) · Centrale des risques"
    )
    # The issue itself: one element, Arabic and right to left, inside the French page.
    page = document.find("div", **{"class": "issue-page"})
    assert page.inherited("lang") == "fr"
    content = [child for child in page.children if isinstance(child, Element)]
    assert len(content) == 1
    assert (content[0].attrs.get("lang"), content[0].attrs.get("dir")) == ("ar", "rtl")
    assert "العدد 300 – من 1 إلى 8 فبراير 2012" in content[0].text()
    assert_arabic_is_marked(document)
    # Outside the issue, no text is in Arabic script, and none is declared Arabic.
    for text, holder in document.texts():
        if page not in ancestors(holder) and holder is not page:
            assert not ARABIC_SCRIPT.search(text), text
            assert holder.inherited("lang") == "fr", text


def test_a_french_issue_page_is_french_throughout_but_its_arabic_items(fetched: App) -> None:
    an_issue(
        fetched, 301, french_items(fetched)[:2] + arabic_items(fetched)[:1], "fr", publish=True
    )
    document = parse(client_of(fetched).get("/revue/301").text)
    assert_french_frame(document)
    content = document.find("div", **{"class": "issue-page"}).find("table", **{"class": "sheet"})
    assert (content.attrs.get("lang"), content.attrs.get("dir")) == ("fr", "ltr")
    assert document.find("title").text().startswith("Flash-back N° 301 – Du 1er au 8 février")
    # The Arabic item reads right to left, in Arabic, inside the French issue. (Its line in the
    # summary is `dir="rtl"` without `lang="ar"`: the issue's own template, not checked here.)
    (item,) = [
        d for d in content.find_all("div", **{"class": "item"}) if ARABIC_SCRIPT.search(d.text())
    ]
    assert (item.attrs.get("lang"), item.attrs.get("dir")) == ("ar", "rtl")


def test_the_preview_of_an_arabic_draft_keeps_the_french_frame(fetched: App) -> None:
    an_issue(fetched, 302, arabic_items(fetched)[:1], "ar", publish=False)
    client = signed_in(client_of(fetched), fetched)
    answer = client.get("/revue/editeur/apercu/302")
    assert answer.status_code == 200
    document = parse(answer.text)
    assert_french_frame(document)
    draft = document.find("p", **{"class": "draft"})
    assert draft.inherited("lang") == "fr" and "brouillon" in draft.text()
    assert_arabic_is_marked(document)


# --------------------------------------------------------------------------------------------
# The archive


def archive_rows(app: App) -> tuple[Element, list[Element]]:
    answer = client_of(app).get("/revue")
    assert answer.status_code == 200
    document = parse(answer.text)
    return document, document.find("table", **{"class": "issues"}).find("tbody").find_all("tr")


def test_an_arabic_edition_s_row_keeps_its_french_words_french(fetched: App) -> None:
    an_issue(fetched, 310, arabic_items(fetched)[:1], "ar", publish=True)
    an_issue(fetched, 311, french_items(fetched)[:1], "fr", publish=True)
    document, rows = archive_rows(fetched)
    assert_french_frame(document)
    # Newest first: N° 311 (French), then N° 310 (Arabic) and its title in Arabic.
    assert [[cell.text() for cell in row.find_all("td")] for row in rows] == [
        ["N° 311", "Du 1er au 8 février 2012", "1", "PDF"],
        ["N° 310 (édition arabe)", "Du 1er au 8 février 2012", "1", "PDF"],
        ["فلاش باك العدد 310 – من 1 إلى 8 فبراير 2012"],
    ]
    arabic_edition, arabic_title = rows[1], rows[2]
    for row in (rows[0], arabic_edition):
        for text, holder in row.texts():
            assert holder.inherited("lang") == "fr" and holder.inherited("dir") == "ltr", text
    # Only the Arabic title is Arabic, right to left; it leads to the issue too.
    assert (arabic_title.attrs.get("lang"), arabic_title.attrs.get("dir")) == ("ar", "rtl")
    assert [a.attrs["href"] for a in arabic_title.find_all("a")] == ["/revue/310"]
    links = [a.attrs["href"] for a in arabic_edition.find_all("a")]
    assert links == ["/revue/310", "/revue/310.pdf"]
    assert_arabic_is_marked(document)
    # And no French word is declared Arabic anywhere on the page.
    for text, holder in document.texts():
        if holder.inherited("lang") == "ar":
            assert not LATIN_LETTERS.search(text), text


def test_a_french_only_archive_has_no_arabic_rows(fetched: App) -> None:
    an_issue(fetched, 320, french_items(fetched)[:1], "fr", publish=True)
    document, rows = archive_rows(fetched)
    assert len(rows) == 1 and "lang" not in rows[0].attrs
    assert all(node.attrs.get("lang") in (None, "fr") for node in document.iter())
