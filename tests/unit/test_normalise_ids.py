"""CIN, phone and birth-date normalisers."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from centrale.domain.birth_date import birth_date_closeness
from centrale.domain.cin import (
    cin_deletion_keys,
    cin_neighbours,
    cin_parts,
    looks_like_cin,
    normalise_cin,
)
from centrale.domain.phone import national_form, normalise_phone
from centrale.identity.borrowers import NORMAL_CIN, NORMAL_PHONE

prefixes = st.text(alphabet="ABCDEFGHJKMNPRSTUVWXYZ", min_size=1, max_size=2)
serials = st.text(alphabet="0123456789", min_size=5, max_size=6)
cins = st.builds(lambda p, s: p + s, prefixes, serials)
noise = st.sampled_from(["", " ", "-", ".", " - ", "/"])


@given(prefixes, serials, noise, noise, st.booleans())
def test_cin_ignores_case_spaces_and_dashes(prefix: str, serial: str, a: str, b: str, low: bool):
    written = a + (prefix.lower() if low else prefix) + b + serial[:3] + a + serial[3:] + b
    assert normalise_cin(written) == prefix + serial
    assert looks_like_cin(prefix + serial)


@given(cins)
def test_cin_normal_form_is_idempotent_and_splits_into_prefix_and_serial(cin: str) -> None:
    assert normalise_cin(normalise_cin(cin)) == normalise_cin(cin)
    prefix, serial = cin_parts(cin)
    assert prefix.isalpha() and serial.isdigit() and prefix + serial == cin


@given(prefixes, serials)
def test_letter_o_in_the_serial_reads_as_zero(prefix: str, serial: str) -> None:
    assume("0" in serial[1:])
    typed = prefix + serial[0] + serial[1:].replace("0", "O")
    assert normalise_cin(typed) == prefix + serial


@given(cins, st.data())
def test_one_slip_cins_are_neighbours_and_share_a_deletion_key(cin: str, data) -> None:
    prefix, serial = cin_parts(cin)
    i = data.draw(st.integers(0, len(serial) - 2))
    digit = data.draw(st.sampled_from("0123456789"))
    slips = {
        prefix + serial[:i] + digit + serial[i + 1 :],
        prefix + serial[:i] + serial[i + 1] + serial[i] + serial[i + 2 :],
        prefix + serial[:i] + serial[i + 1 :],
    } - {cin}
    for slip in slips:
        assert slip in cin_neighbours(cin)
        assert set(cin_deletion_keys(slip)) & set(cin_deletion_keys(cin))


@given(cins, cins)
def test_far_apart_cins_are_not_neighbours(a: str, b: str) -> None:
    differing = sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))
    assume(differing >= 3)
    assert b not in cin_neighbours(a)


subscribers = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("5678"),
    st.text("0123456789", min_size=8, max_size=8),
)


@given(subscribers, st.sampled_from(["0{}", "+212{}", "00212{}", "212{}", "+212 (0){}", "{}"]))
def test_phone_forms_reach_one_e164(number: str, form: str) -> None:
    spaced = " ".join(number[i : i + 2] for i in range(0, 9, 2))
    for body in (number, spaced, number.replace("", "-").strip("-")):
        assert normalise_phone(form.format(body)) == "+212" + number
    assert normalise_phone(national_form("+212" + number)) == "+212" + number


@given(st.text(alphabet="0123456789 +-", max_size=20))
def test_phone_is_e164_or_none(raw: str) -> None:
    value = normalise_phone(raw)
    assert value is None or (value.startswith("+212") and len(value) == 13)


def test_phone_rejects_other_countries_and_short_numbers() -> None:
    assert normalise_phone("+33612345678") is None
    assert normalise_phone("0412345678") is None
    assert normalise_phone("") is None


dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2008, 12, 31))


@given(dates)
def test_day_and_month_swapped_are_close(day: date) -> None:
    assume(day.day <= 12 and day.day != day.month)
    swapped = date(day.year, day.day, day.month)
    assert birth_date_closeness(day, swapped) == "day_month_swapped"
    assert birth_date_closeness(swapped, day) == "day_month_swapped"


@given(dates)
def test_year_off_by_one_is_close(day: date) -> None:
    assume(not (day.month == 2 and day.day == 29))
    assert birth_date_closeness(day, day.replace(year=day.year + 1)) == "year_off_by_one"


@given(dates, dates)
def test_closeness_is_symmetric_and_exact_only_when_equal(a: date, b: date) -> None:
    assert birth_date_closeness(a, b) == birth_date_closeness(b, a)
    assert (birth_date_closeness(a, b) == "exact") == (a == b)


def test_far_dates_are_different_and_missing_is_none() -> None:
    assert birth_date_closeness(date(1980, 1, 1), date(1980, 1, 1) + timedelta(days=400)) == (
        "different"
    )
    assert birth_date_closeness(None, date(1980, 1, 1)) is None


@given(st.from_regex(NORMAL_CIN, fullmatch=True), st.from_regex(NORMAL_PHONE, fullmatch=True))
def test_values_in_normal_shape_are_kept_as_they_are(cin: str, phone: str) -> None:
    """The identity features pass such values through without calling the normaliser: they
    must be its fixed points."""
    assert normalise_cin(cin) == cin
    assert normalise_phone(phone) == phone
