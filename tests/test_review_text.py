"""Pure functions of the review, in milliseconds: canonical URLs, dates and numbers in words,
sentences and quotes, past issues' text, ranking, near-duplicates, language, feed parsing.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from centrale.review.dedup import Document, near_duplicate_groups
from centrale.review.errors import InvalidReviewInput
from centrale.review.excerpts import compose, format_quote, sentences, suggest
from centrale.review.flashback_text import unwrap
from centrale.review.intake import html_to_text, parse_feed
from centrale.review.language import detect_language
from centrale.review.ranking import bm25, contains
from centrale.review.urls import canonical_url, without_tracking
from centrale.review.wording import date_range, format_points, format_relative

segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
params = st.dictionaries(st.sampled_from(["id", "page", "q", "lang"]), segment, max_size=3)


@given(st.lists(segment, max_size=4), params, st.sampled_from(["http", "https"]))
def test_canonical_url_is_idempotent_and_ignores_tracking(
    path: list[str], query: dict[str, str], scheme: str
) -> None:
    base = f"{scheme}://www.Lematin.ma/" + "/".join(path)
    plain = base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    tracked = plain + ("&" if query else "?") + "utm_source=rss&fbclid=abc&xtor=RSS-1#haut"
    key = canonical_url(plain)
    assert canonical_url(key) == key
    assert canonical_url(tracked) == key
    assert key.startswith("https://lematin.ma")


def test_link_shown_keeps_everything_but_tracking() -> None:
    assert without_tracking("http://x.ma/a?id=3&utm_medium=rss") == "http://x.ma/a?id=3"


def test_dates_and_changes_in_words() -> None:
    assert date_range(date(2015, 2, 2), date(2015, 4, 5)) == "Du 2 février au 5 avril 2015"
    assert date_range(date(2014, 12, 29), date(2015, 1, 4)) == (
        "Du 29 décembre 2014 au 4 janvier 2015"
    )
    assert date_range(date(2015, 8, 1), date(2015, 8, 7), "ar") == "من 1 إلى 7 غشت 2015"
    assert format_points(0.24 - 0.18) == "+6,0\u00a0pt"
    assert format_relative(95, 100) == "-5,0\u00a0%" and format_relative(5, 0) == "n.d."


def test_sentences_keep_abbreviations_and_arabic() -> None:
    assert sentences("M. Yunus parle. Le taux est de 99%. Fin") == [
        "M. Yunus parle.",
        "Le taux est de 99%.",
        "Fin",
    ]
    assert len(sentences("هذه جملة أولى. وهذه جملة ثانية؟ وثالثة")) == 3


def test_quote_gets_its_elisions_and_reports_what_is_not_in_the_article() -> None:
    article = "Premier point. Le microcrédit aide les femmes. Autre chose. Elle rembourse bien."
    quote = format_quote("Le microcrédit aide les femmes. (...) (Elle) rembourse bien.", article)
    assert (
        quote.text == "«\u00a0(…) Le microcrédit aide les femmes. (…) (Elle) rembourse bien.\u00a0»"
    )
    assert quote.missing == []
    at_start = format_quote("« Premier point. »", article)
    assert at_start.text == "«\u00a0Premier point.\u00a0»"
    assert format_quote("Une phrase inventée.", article).missing == ["Une phrase inventée"]
    assert compose(["Le microcrédit aide les femmes.", "Elle rembourse bien."], article) == (
        "(…) Le microcrédit aide les femmes. (…) Elle rembourse bien."
    )
    with pytest.raises(InvalidReviewInput, match="Citation vide"):
        format_quote(" « » ", article)


def test_suggestions_are_the_sentences_about_microfinance() -> None:
    text = (
        "Il a fait beau toute la semaine sur la côte atlantique du pays. "
        "Les associations de microcrédit ont accordé plus de prêts aux femmes rurales. "
        "Le match de football a été reporté à cause de la pluie de dimanche soir."
    )
    assert suggest(text, "fr", 1) == [
        "Les associations de microcrédit ont accordé plus de prêts aux femmes rurales."
    ]


def test_unwrap_joins_pdf_lines() -> None:
    assert unwrap("les micro-\n\npaiements et la\n micro-épargne") == (
        "les micro-paiements et la micro-épargne"
    )


@pytest.mark.parametrize(
    ("language", "relevant", "other"),
    [
        ("fr", "Le micro-crédit et l'inclusion financière au Maroc", "Le derby de Casablanca"),
        ("ar", "القروض الصغرى والإدماج المالي في المغرب", "أمطار رعدية مرتقبة بالمملكة"),
        ("en", "Microfinance and financial inclusion in Morocco", "New smartphones unveiled"),
    ],
)
def test_bm25_profile_ranks_the_topic_first(language: str, relevant: str, other: str) -> None:
    high, low = bm25([relevant, other], language)
    assert high > 0 == low


def test_rule_terms_match_whole_words_without_accents() -> None:
    assert contains("L'Épargne des ménages", "epargne", "fr")
    assert not contains("microcrédits", "crédit", "fr")
    assert contains("مؤسسة الأمانة للقروض", "الامانة", "ar")


def test_near_duplicates_group_and_distinct_texts_do_not() -> None:
    story = " ".join(f"mot{i}" for i in range(80))
    groups = near_duplicate_groups(
        [
            Document(1, story),
            Document(2, story.replace("mot40", "autre")),
            Document(3, " ".join(f"terme{i}" for i in range(80))),
        ]
    )
    assert groups == [[1, 2]]


def test_language_detection_falls_back_on_short_text() -> None:
    assert detect_language("Les associations de microcrédit accordent des prêts.", "en") == "fr"
    assert detect_language("أعلنت جمعية الأمانة عن برنامج جديد للقروض الصغرى", "fr") == "ar"
    assert detect_language("Microfinance institutions lend to poor households.", "fr") == "en"
    assert detect_language("AMC", "ar") == "ar"


def test_feed_parsing_rss_json_and_garbage() -> None:
    rss = (
        b"<rss version='2.0'><channel><title>T</title><item><title>A &amp; B</title>"
        b"<link>https://x.ma/a?utm_source=rss</link><description>&lt;p&gt;Le "
        b"&lt;b&gt;microcr\xc3\xa9dit&lt;/b&gt;&lt;/p&gt;</description>"
        b"<pubDate>Mon, 06 Feb 2012 09:30:00 +0100</pubDate></item></channel></rss>"
    )
    version, entries = parse_feed(rss)
    assert version == "rss20"
    assert (entries[0].title, entries[0].summary) == ("A & B", "Le microcrédit")
    assert entries[0].published_at is not None and entries[0].published_at.hour == 8
    feed = {
        "version": "https://jsonfeed.org/version/1",
        "items": [{"id": "1", "url": "https://x.ma/b", "title": "B", "content_html": "<p>x</p>"}],
    }
    version, entries = parse_feed(json.dumps(feed).encode(), "application/feed+json")
    assert (version, entries[0].text) == ("json1", "x")
    with pytest.raises(InvalidReviewInput, match="pas un flux RSS, Atom ou JSON"):
        parse_feed(b"<html><body>Bonjour</body></html>")
    with pytest.raises(InvalidReviewInput, match="pas un JSON Feed"):
        parse_feed(b'{"title": "x"}')
    assert html_to_text("<p>a</p><p>b &amp; c</p>") == "a\nb & c"
