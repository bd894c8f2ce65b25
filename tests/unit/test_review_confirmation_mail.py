"""The Arabic confirmation mail counts its hours in Arabic: the noun follows the number."""

from __future__ import annotations

import pytest

from centrale.review.confirmation_mail import confirmation_content
from centrale.review.outbox import Outbox
from centrale.review.subscribers import Subscriber
from centrale.settings import Settings

KARIM = Subscriber(1, "karim@amc.ma", "كريم", "", "ar", None, {}, ())


@pytest.mark.parametrize(
    ("hours", "valid_for"),
    [
        (1, "لمدة ساعة واحدة"),
        (2, "لمدة ساعتين"),
        (3, "لمدة 3 ساعات"),
        (10, "لمدة 10 ساعات"),
        (11, "لمدة 11 ساعة"),
        (72, "لمدة 72 ساعة"),
    ],
)
def test_the_arabic_confirmation_says_its_hours_in_the_right_form(
    hours: int, valid_for: str
) -> None:
    outbox = Outbox(Settings(confirm_link_hours=hours, dkim_domain=""))
    content = confirmation_content(outbox, KARIM)
    assert valid_for in content.text and valid_for in content.html
    assert "القروض الصغرى" not in content.text + content.html
    assert "التمويل الأصغر" in content.text and "التمويل الأصغر" in content.html
