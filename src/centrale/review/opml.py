"""OPML import and export of the source registry (OPML 2.0, as feed readers write it).

Feeds are `type="rss"` outlines with an `xmlUrl`; single pages are `type="link"` outlines with
a `url`. The region comes from an enclosing folder named Maroc or Monde (or a `region`
attribute); `language` and `priority` are kept as attributes, as FreshRSS keeps its own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from centrale.errors import CentraleError
from centrale.review.errors import InvalidReviewInput, SourceExists
from centrale.review.sources import add_source, list_sources
from centrale.review.wording import FRENCH, REGIONS

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class OpmlReport:
    added: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def import_opml(engine: Engine, content: bytes) -> OpmlReport:
    """Register every source of an OPML file; sources already known are skipped, and a bad
    outline is reported without stopping the others.

    >>> import_opml(engine, Path("sources.opml").read_bytes())  # doctest: +SKIP
    OpmlReport(added=7, skipped=0, problems=[])
    """
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise InvalidReviewInput(
            f"Fichier OPML illisible (XML mal formé à la ligne {error.position[0]}, colonne "
            f"{error.position[1]}) ; exportez-le de nouveau depuis votre lecteur."
        ) from error
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise InvalidReviewInput(
            "Ce fichier n'est pas un OPML (élément <opml><body> absent) ; "
            "vérifiez le fichier donné."
        )
    report = OpmlReport()
    _walk(engine, body, None, report)
    return report


def _walk(
    engine: Engine, node: ElementTree.Element, region: str | None, report: OpmlReport
) -> None:
    for outline in node.findall("outline"):
        url = outline.get("xmlUrl") or outline.get("url")
        name = outline.get("title") or outline.get("text") or ""
        if not url:
            folder = _region_of(name)
            _walk(engine, outline, folder or region, report)
            continue
        kind = "page" if outline.get("type") == "link" and not outline.get("xmlUrl") else "feed"
        try:
            add_source(
                engine,
                url,
                name=name,
                kind=kind,
                language=outline.get("language") or "fr",
                region=outline.get("region") or region or "monde",
                priority=_priority(outline.get("priority"), url),
            )
            report.added += 1
        except SourceExists:
            report.skipped += 1
        except CentraleError as error:
            report.problems.append(error.message)


def _region_of(folder: str) -> str | None:
    lowered = folder.strip().lower()
    for region in REGIONS:
        if lowered in (region, FRENCH.regions[region].lower()):
            return region
    return None


def _priority(value: str | None, url: str) -> int:
    if value is None:
        return 3
    try:
        return int(value)
    except ValueError as error:
        raise InvalidReviewInput(
            f"Priorité invalide « {value} » pour {url} ; donnez un entier de 1 à 5."
        ) from error


def export_opml(engine: Engine) -> str:
    """The registry as OPML 2.0, one folder per region, ready for any feed reader."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "Sources de la revue Flash-back"
    body = ElementTree.SubElement(root, "body")
    sources = list_sources(engine)
    for region in REGIONS:
        folder = ElementTree.SubElement(body, "outline", text=FRENCH.regions[region])
        for source in (s for s in sources if s.region == region):
            attributes = {
                "text": source.name,
                "title": source.name,
                "language": source.language,
                "priority": str(source.priority),
            }
            if source.kind == "page":
                attributes.update(type="link", url=source.url)
            else:
                attributes.update(type="rss", xmlUrl=source.url)
            ElementTree.SubElement(folder, "outline", attributes)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
        root, encoding="unicode"
    )
