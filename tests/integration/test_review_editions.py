"""Each subscriber receives the edition in their language, on SQLite and PostgreSQL, through a
real local SMTP server: the seed issue sent to a French and an Arabic reader, the fallback to
the issue's own edition when the editor wrote its introduction, and the confirmation mail in
the language chosen at sign-up."""

# The fixtures come from the support modules: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import date
from email.message import EmailMessage

from centrale.bootstrap import App
from centrale.review.confirmation_mail import send_confirmations
from centrale.review.delivery import send_issue
from centrale.review.issue_mail import issue_renderer
from centrale.review.issues import create_issue, publish_issue
from centrale.review.subscribers import Signup, subscribe
from centrale.review.wording import ARABIC, FRENCH
from test_review_delivery_support import (
    DkimKey,
    MailSink,
    confirmed_subscriber,
    dkim_key,  # noqa: F401  (fixture)
    mail_app,  # noqa: F401  (fixture)
    mail_sink,  # noqa: F401  (fixture)
)
from test_review_issue import compose_seed_issue
from test_review_support import fetched, past_issue, served  # noqa: F401  (fixtures)

ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]")


def parts(message: EmailMessage) -> tuple[str, str]:
    """The HTML and the text part of a received message, decoded."""
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None and text is not None
    return html.get_content(), text.get_content()


def tags(html: str, css_class: str) -> list[str]:
    """The opening tags of the elements of a class (the CSS inliner reorders attributes)."""
    return re.findall(rf'<[a-z]+ class="{css_class}"[^>]*>', html)


def test_a_french_and_an_arabic_reader_each_receive_their_edition(
    fetched: App, mail_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    issue_id = compose_seed_issue(fetched)
    publish_issue(fetched.engine, 118)
    confirmed_subscriber(mail_app, "nadia@amc.ma", language="fr")
    confirmed_subscriber(mail_app, "karim@amc.ma", language="ar")

    report = send_issue(mail_app, issue_id, issue_renderer(mail_app, issue_id))

    assert report.sent == 2 and report.failed == 0
    [french] = mail_sink.to("nadia@amc.ma")
    [arabic] = mail_sink.to("karim@amc.ma")
    assert dkim_key.verify(french.data) and dkim_key.verify(arabic.data)
    headlines = [entry.headline for entry in past_issue().items]

    assert french.message["Subject"] == "Flash-back N° 118 – Du 1er au 8 février 2012"
    html, text = parts(french.message)
    assert '<html lang="fr" dir="ltr">' in html
    assert 'dir="rtl"' not in html
    assert not ARABIC_LETTERS.search(html + text)
    assert "Sommaire" in html and FRENCH.disclaimer in html
    assert all(headline in text for headline in headlines)

    assert arabic.message["Subject"] == "فلاش باك العدد 118 – من 1 إلى 8 فبراير 2012"
    html, text = parts(arabic.message)
    assert '<html lang="ar" dir="rtl">' in html
    assert "الفهرس" in html and "مؤشرات القطاع" in html and ARABIC.disclaimer in html
    assert ARABIC.no_data in html  # the barometer, in Arabic, on an empty registry
    assert "إلغاء الاشتراك" in html and "إلغاء الاشتراك" in text
    assert "Sommaire" not in html and FRENCH.disclaimer not in html
    # The items stay as they were quoted: French, left to right, with Arabic link labels.
    assert all(headline in text for headline in headlines)
    items = tags(html, "item")
    assert len(items) == len(headlines)
    assert all('lang="fr"' in tag and 'dir="ltr"' in tag for tag in items)
    assert "اقرأ" in html and "Lire l’article" not in html


def test_an_introduction_the_editor_wrote_sends_the_issue_in_its_own_edition(
    mail_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    own_intro = "Numéro spécial consacré aux assises nationales de la microfinance."
    issue_id = create_issue(
        mail_app.engine,
        119,
        date(2015, 2, 2),
        date(2015, 4, 5),
        intro=own_intro,
        take_accepted=False,
    )
    publish_issue(mail_app.engine, 119)
    confirmed_subscriber(mail_app, "karim@amc.ma", language="ar")

    send_issue(mail_app, issue_id, issue_renderer(mail_app, issue_id))

    [mail] = mail_sink.to("karim@amc.ma")
    assert dkim_key.verify(mail.data)
    assert mail.message["Subject"] == "Flash-back N° 119 – Du 2 février au 5 avril 2015"
    html, text = parts(mail.message)
    assert '<html lang="fr" dir="ltr">' in html and own_intro in text
    # The footer alone is in the reader's language, so they can still change it.
    [footer] = tags(html, "pad footer")
    assert 'lang="ar"' in footer and 'dir="rtl"' in footer
    assert "تدبير اشتراكي" in text


def test_an_arabic_issue_reaches_french_readers_in_french(
    mail_app: App, mail_sink: MailSink
) -> None:
    issue_id = create_issue(
        mail_app.engine, 7, date(2015, 2, 2), date(2015, 2, 9), language="ar", take_accepted=False
    )
    publish_issue(mail_app.engine, 7)
    confirmed_subscriber(mail_app, "nadia@amc.ma", language="fr")
    confirmed_subscriber(mail_app, "karim@amc.ma", language="ar")

    send_issue(mail_app, issue_id, issue_renderer(mail_app, issue_id))

    [french] = mail_sink.to("nadia@amc.ma")
    [arabic] = mail_sink.to("karim@amc.ma")
    assert french.message["Subject"] == "Flash-back N° 7 – Du 2 au 9 février 2015"
    assert 'dir="rtl"' not in parts(french.message)[0]
    assert arabic.message["Subject"] == "فلاش باك العدد 7 – من 2 إلى 9 فبراير 2015"


def test_the_confirmation_mail_is_in_the_language_chosen_at_sign_up(
    mail_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    readers = [
        subscribe(
            mail_app.engine,
            Signup(address, "fr-1", name=name, language=language),
            origin="web_form",
        )
        for address, name, language in (
            ("nadia@amc.ma", "Nadia", "fr"),
            ("karim@amc.ma", "كريم", "ar"),
        )
    ]

    assert send_confirmations(mail_app, readers) == 2

    [french] = mail_sink.to("nadia@amc.ma")
    [arabic] = mail_sink.to("karim@amc.ma")
    assert dkim_key.verify(french.data) and dkim_key.verify(arabic.data)
    assert french.message["Subject"] == "Confirmez votre abonnement à Flash-back"
    html, text = parts(french.message)
    assert "Confirmer mon abonnement" in html and 'dir="rtl"' not in html
    assert not ARABIC_LETTERS.search(html + text)

    assert arabic.message["Subject"] == "أكِّدوا اشتراككم في نشرة «فلاش باك»"
    html, text = parts(arabic.message)
    assert '<html lang="ar" dir="rtl">' in html and "تأكيد اشتراكي" in html
    assert "مرحبًا كريم" in text and "72 ساعة" in text
    link = re.search(r"/abonnement/confirmer/(\S+)", text)
    assert link is not None and link.group(0) in html
