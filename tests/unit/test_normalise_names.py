"""Name normalisers: Latin spellings, particles, Arabic forms, and the cross-script key."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from centrale.domain.arabic import arabic_name_key, normalise_arabic_name
from centrale.domain.names import PARTICLES, _tokens, latin_name_key, normalise_latin_name

# Usual spellings of one name (DOMAIN.md section 6 and common Maghrebi transliterations).
SAME_NAME = [
    ["Mohamed", "Mohammed", "Muhammad", "Mohammad", "Mhamed", "M'hamed", "Mouhamad"],
    ["Youssef", "Youssouf", "Yusuf", "Yousef"],
    ["Fatima Zahra", "Fatima-Zahra", "Fatimzahra", "fatima zahra"],
    ["Khadija", "Khadidja", "KHADIJA"],
    ["Abdelkader", "Abd El Kader", "Abdelkadir", "Abd-el-Kader"],
    ["El Amrani", "Elamrani", "El-Amrani", "Al Amrani", "Amrani"],
    ["Ait Ouahmane", "Aït-Ouahmane", "Aitouahmane", "Ait Wahmane"],
    ["Ben Ali", "Benali", "Ben-Ali", "Ibn Ali"],
    ["Chaoui", "Shaoui", "Ech-Chaoui"],
    ["Hicham", "Hisham", "Hichame"],
    ["Abdallah", "Abdellah", "Abdullah", "Abd Allah"],
    ["Rachid", "Rashid", "Rachide"],
    ["Noureddine", "Nourredine", "Nour-Eddine", "Nour Eddine"],
    ["Mustapha", "Mostafa", "Moustafa", "Mustafa"],
    ["Zineb", "Zaynab", "Zeineb"],
    ["Lahcen", "El Hassan", "Hassan"],
    ["Ouafae", "Wafae", "Wafaa"],
    ["Kaoutar", "Kawtar", "Kaouthar"],
    ["Karim", "Kareem", "Qarim"],
]
# The same names in Arabic script: the key must meet the Latin spellings'.
ARABIC = {
    "محمد": "Mohamed",
    "يوسف": "Youssef",
    "فاطمة الزهراء": "Fatima Zahra",
    "خديجة": "Khadija",
    "عبد القادر": "Abdelkader",
    "العمراني": "El Amrani",
    "آيت واحمان": "Ait Ouahmane",
    "بن علي": "Ben Ali",
    "الشاوي": "Chaoui",
    "هشام": "Hicham",
    "عبد الله": "Abdallah",
    "رشيد": "Rachid",
    "نور الدين": "Noureddine",
    "مصطفى": "Mustapha",
    "زينب": "Zineb",
    "الحسن": "Lahcen",
    "وفاء": "Wafae",
    "عائشة": "Aicha",
    "العلوي": "Alaoui",
    "الفاسي": "El Fassi",
    "إبراهيم": "Ibrahim",
    "إسماعيل": "Ismail",
}
DIFFERENT = [("Amine", "Mina"), ("Youssef", "Yassine"), ("Fatima", "Fatiha"), ("Karim", "Kamal")]
# Names of one root share a skeleton (as in Arabic script); the vowels of the normal form,
# which the model also compares, still tell them apart.
SAME_ROOT = [("Hassan", "Hussein"), ("Said", "Saad"), ("Hamid", "Hamad")]

latin_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)
latin_names = st.lists(latin_words, min_size=1, max_size=3).map(" ".join)
# Words whose letters cannot form a digraph with a neighbour (no c, h, k, q, s, w...).
plain_words = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("bdfjmnrtz"),
    st.text(alphabet="abdefijlmnortuz", min_size=1, max_size=10),
)


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda s: s[0])
def test_usual_spellings_of_one_name_share_a_key(spellings: list[str]) -> None:
    assert len({latin_name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(("arabic", "latin"), ARABIC.items())
def test_arabic_and_latin_spellings_share_a_key(arabic: str, latin: str) -> None:
    assert arabic_name_key(arabic) == latin_name_key(latin)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert latin_name_key(a) != latin_name_key(b)


@pytest.mark.parametrize(("a", "b"), SAME_ROOT)
def test_names_of_one_root_differ_in_normal_form(a: str, b: str) -> None:
    assert latin_name_key(a) == latin_name_key(b)
    assert normalise_latin_name(a) != normalise_latin_name(b)


@given(latin_names)
def test_latin_normal_form_is_idempotent_and_ignores_case(name: str) -> None:
    once = normalise_latin_name(name)
    assert once == normalise_latin_name(name.upper())
    assert normalise_latin_name(once) == once


@given(latin_names, st.sampled_from([" ", "-", "  ", " - ", "'"]))
def test_separators_do_not_change_the_normal_form_or_key(name: str, sep: str) -> None:
    respelled = sep.join(name.split(" "))
    if sep == "'" and any(token in PARTICLES for token in _tokens(name)):
        return  # a particle joined by an apostrophe is inside a word: "aa'oulad" has none
    assert normalise_latin_name(respelled) == normalise_latin_name(name)
    # The apostrophe is an elision inside a word (M'hamed): the key's word-level rules, such
    # as a word typed with every letter doubled, may see one word where a space shows two
    # ("ad aa" against "ad'aa"). Spaces and hyphens only separate.
    if sep != "'":
        assert latin_name_key(respelled) == latin_name_key(name)


def test_an_apostrophe_joins_the_letters_of_one_word() -> None:
    assert latin_name_key("M'hamed") == latin_name_key("Mhamed")
    assert latin_name_key("Ait'Ali") == latin_name_key("Ait Ali")


@given(plain_words, st.sampled_from(["El", "Al", "Ben", "Ait", "Ou"]), st.sampled_from(" -"))
def test_particle_written_joined_spaced_or_hyphenated(word: str, particle: str, sep: str) -> None:
    joined = normalise_latin_name(particle + word)
    assert normalise_latin_name(f"{particle}{sep}{word}") == joined
    assert latin_name_key(f"{particle}{sep}{word}") == latin_name_key(particle + word)


@given(latin_names)
def test_accents_do_not_matter(name: str) -> None:
    accented = name.replace("e", "é").replace("i", "ï").replace("a", "â")
    assert normalise_latin_name(accented) == normalise_latin_name(name)
    assert latin_name_key(accented) == latin_name_key(name)


@given(latin_words)
@example("erraa")  # once keyed `r`, doubled `ar`: the doubled `r` read as a sun article
@example("echcha")
def test_doubled_letters_collapse(word: str) -> None:
    doubled = "".join(ch * 2 for ch in word)
    assert normalise_latin_name(doubled) == normalise_latin_name(word)
    assert latin_name_key(doubled) == latin_name_key(word)


@given(plain_words)
def test_ou_u_ch_sh_q_k_are_one_sound(word: str) -> None:
    assert latin_name_key("b" + word + "ou") == latin_name_key("b" + word + "u")
    assert latin_name_key("k" + word) == latin_name_key("q" + word)
    assert latin_name_key(word + "ch") == latin_name_key(word + "sh")
    assert latin_name_key("kh" + word) == latin_name_key("h" + word)


arabic_letters = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=2, max_size=8)


@given(arabic_letters, st.lists(st.sampled_from("\u064b\u064e\u064f\u0650\u0651\u0652\u0640")))
def test_arabic_diacritics_and_tatweel_are_ignored(word: str, marks: list[str]) -> None:
    decorated = word[0] + "".join(marks) + word[1:]
    assert normalise_arabic_name(decorated) == normalise_arabic_name(word)
    assert arabic_name_key(decorated) == arabic_name_key(word)


@given(arabic_letters)
def test_alef_hamza_taa_marbuta_and_alef_maqsura_forms_fold(word: str) -> None:
    for variant, base in (("أ", "ا"), ("إ", "ا"), ("آ", "ا")):
        assert normalise_arabic_name(variant + word) == normalise_arabic_name(base + word)
        assert arabic_name_key(variant + word) == arabic_name_key(base + word)
    assert normalise_arabic_name(word + "ة") == normalise_arabic_name(word + "ه")
    assert normalise_arabic_name(word + "ى") == normalise_arabic_name(word + "ي")
    assert arabic_name_key(word + "ة") == arabic_name_key(word + "ا")


@given(st.text(max_size=30))
def test_normalisers_never_fail_on_any_text(text: str) -> None:
    for value in (normalise_latin_name(text), latin_name_key(text)):
        assert value is None or (value.isascii() and value == value.lower())
    ar = normalise_arabic_name(text)
    assert ar is None or all(unicodedata.name(ch).startswith("ARABIC") for ch in ar)
    key = arabic_name_key(text)
    assert key is None or key.isascii()


def test_empty_names_are_none() -> None:
    assert normalise_latin_name("  - ") is None
    assert latin_name_key(None) is None
    assert normalise_arabic_name("123") is None


def test_like_consonants_with_a_vowel_between_them_are_two_letters() -> None:
    """Bennani (بناني) is b-n-n, not Ben; Hanane (حنان) is not Hana. Only a doubled letter
    (the shadda) is one: Bennis is Benis."""
    assert latin_name_key("Bennani") != latin_name_key("Ben")
    assert latin_name_key("Hanane") != latin_name_key("Hana")
    assert latin_name_key("Bennani") == latin_name_key("Benani") == arabic_name_key("بناني")
    assert latin_name_key("Hanane") == arabic_name_key("حنان")
    assert latin_name_key("Bennis") == latin_name_key("Benis")
