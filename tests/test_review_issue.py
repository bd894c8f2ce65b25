"""The seed issue end to end: its six items, fetched from served fixtures, accepted, quoted
and composed, render to HTML, text and PDF carrying the same headlines, quotes, links and
disclaimer as the archived Flash-back; editions, sections, summary and the e-mail's parts.
"""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from centrale.bootstrap import App
from centrale.review.composition import issue_view
from centrale.review.errors import InvalidReviewInput, IssueExists, UnknownIssue
from centrale.review.excerpts import quote_item
from centrale.review.intake import html_to_text
from centrale.review.issues import add_items, create_issue, list_issues, publish_issue
from centrale.review.queue import accept
from centrale.review.rendering import render_email, render_email_html, render_pdf, render_text
from centrale.review.wording import FRENCH
from test_review_support import by_title, comparable, fetched, past_issue, served

__all__ = ["fetched", "served"]
WEEK = (date(2012, 2, 1), date(2012, 2, 8))


def compose_seed_issue(app: App) -> int:
    items = by_title(app)
    for entry in past_issue().items:
        accept(app.engine, items[entry.headline].id, label=entry.label)
        quote = quote_item(app.engine, items[entry.headline].id, entry.quote)
        assert quote.missing == [] or entry.headline.startswith("Microfinance et environnement")
    return create_issue(app.engine, 118, *WEEK)


def pdf_text_and_links(data: bytes) -> tuple[str, set[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    links = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                links.add(str(action["/URI"]))
    return "\n".join(page.extract_text() for page in reader.pages), links


def test_seed_issue_renders_to_html_and_pdf_with_its_headlines_quotes_links(
    fetched: App,
) -> None:
    issue_id = compose_seed_issue(fetched)
    issue = issue_view(fetched.engine, issue_id)
    past = past_issue()
    assert [item.headline for item in issue.items] == [entry.headline for entry in past.items]
    html = render_email_html(issue)
    html_text = comparable(html_to_text(html))
    pdf_text, pdf_links = pdf_text_and_links(render_pdf(issue))
    pdf_text = comparable(pdf_text)
    labels = {key: FRENCH.labels[key] for key in FRENCH.labels}
    for entry, item in zip(past.items, issue.items, strict=True):
        for text in (html_text, pdf_text):
            assert comparable(entry.headline) in text
            assert comparable(entry.quote) in text
            assert comparable(labels[entry.label]) in text
        assert f'href="{item.url}"' in html
        assert item.url in pdf_links
    for text in (html_text, pdf_text):
        assert comparable(past.disclaimer) in text
        assert comparable(past.intro) in text


def test_summary_sections_and_see_also(fetched: App) -> None:
    issue = issue_view(fetched.engine, compose_seed_issue(fetched))
    assert issue.summary[0].startswith("[Le Matin] «Le microcrédit")
    assert [section.title for section in issue.sections] == ["Maroc – Articles", "Monde – Articles"]
    vittana = next(item for item in issue.items if "Vittana" in item.headline)
    assert [other.source_name for other in vittana.see_also] == ["Afrique Finance Hebdo"]
    text = render_text(issue)
    assert "SOMMAIRE" in text and "Voir aussi : Google offre 250.000 dollars" in text
    assert "N° 118 – Du 1er au 8 février 2012" in text


def test_a_reports_section_renders_after_articles_and_studies(fetched: App) -> None:
    items = by_title(fetched)
    jaida = items[next(t for t in items if "JAIDA" in t)]
    growth = items["Les associations de microcrédit renouent avec la croissance"]
    cgap = items["New CGAP report: digital savings for poor households"]
    crisis = items["What Morocco's microcredit crisis taught the microfinance sector"]
    accept(fetched.engine, cgap.id, kind="rapport", headline="Rapport du CGAP sur l'épargne")
    accept(fetched.engine, growth.id, kind="rapport", region="maroc")
    accept(fetched.engine, crisis.id, kind="etude")
    accept(fetched.engine, jaida.id)
    issue = issue_view(fetched.engine, create_issue(fetched.engine, 9, *WEEK))

    titles = [section.title for section in issue.sections]
    assert titles == ["Maroc – Articles", "Maroc – Rapports", "Monde – Études", "Monde – Rapports"]
    reports = {s.region: s for s in issue.sections if s.kind == "rapport"}
    assert [item.headline for item in reports["maroc"].items] == [growth.headline]
    assert [item.headline for item in reports["monde"].items] == ["Rapport du CGAP sur l'épargne"]
    assert all(item.link_label == "Lire plus" for item in reports["monde"].items)

    html, text = render_email_html(issue), render_text(issue)
    html_text = html_to_text(html)
    for shown, world in ((html_text, "Monde – Rapports"), (text, "MONDE – RAPPORTS")):
        assert world in shown
        after = shown[shown.index(world) :]
        assert "Rapport du CGAP sur l'épargne" in after and "Lire plus" in after
    maroc_reports = text.index("MAROC – RAPPORTS")
    assert maroc_reports < text.index(growth.headline, maroc_reports) < text.index("MONDE – ÉTUDES")
    assert f'href="{cgap.url}"' in html
    assert "[CGAP] Rapport du CGAP sur l'épargne" in issue.summary


def test_email_parts_carry_the_subscriber_links(fetched: App) -> None:
    issue_id = compose_seed_issue(fetched)
    mail = render_email(
        fetched.engine,
        issue_id,
        unsubscribe_url="https://revue.example.ma/desabonnement/tok-1",
        preferences_url="https://revue.example.ma/abonnement/preferences/tok-2",
    )
    assert mail.subject == "Flash-back N° 118 – Du 1er au 8 février 2012"
    for part in (mail.html, mail.text):
        assert "https://revue.example.ma/desabonnement/tok-1" in part
        assert "https://revue.example.ma/abonnement/preferences/tok-2" in part
    # CSS is inlined into the elements; the media query stays for small screens.
    assert 'class="headline" style="' in mail.html
    assert "@media" in mail.html
    assert "<link" not in mail.html


def test_arabic_edition_reads_right_to_left(fetched: App) -> None:
    items = by_title(fetched)
    arabic = [item for item in items.values() if item.language == "ar" and item.score > 0]
    issue_id = create_issue(fetched.engine, 7, *WEEK, language="ar", take_accepted=False)
    add_items(fetched.engine, 7, [item.id for item in arabic])
    issue = issue_view(fetched.engine, issue_id)
    html = render_email_html(issue)
    assert '<html lang="ar" dir="rtl">' in html
    assert "العدد 7 – من 1 إلى 8 فبراير 2012" in html
    assert "مؤشرات القطاع" in html
    pdf_text, _ = pdf_text_and_links(render_pdf(issue))
    assert "فبراير" in pdf_text or "ﻓﺒﺮاﻳﺮ" in pdf_text


def test_any_date_range_and_numbering_rules(fetched: App) -> None:
    create_issue(fetched.engine, 118, date(2015, 2, 2), date(2015, 4, 5), take_accepted=False)
    summary = list_issues(fetched.engine)[0]
    assert (summary.number, summary.items, summary.status) == (118, 0, "draft")
    assert "Du 2 février au 5 avril 2015" in render_text(issue_view(fetched.engine, summary.id))
    with pytest.raises(IssueExists, match="existe déjà"):
        create_issue(fetched.engine, 118, *WEEK)
    with pytest.raises(InvalidReviewInput, match="date de début"):
        create_issue(fetched.engine, 119, date(2015, 4, 5), date(2015, 2, 2))
    with pytest.raises(UnknownIssue, match="inconnu : 999"):
        publish_issue(fetched.engine, 999)
