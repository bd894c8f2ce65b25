"""The review's words in each edition's language: fixed texts, labels, dates and numbers.

French is the reference edition; Arabic editions read right to left and use the month names
of Moroccan usage (ماي, يوليوز, غشت, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EDITIONS = ("fr", "ar")
RTL_LANGUAGES = frozenset({"ar"})
REGIONS = ("maroc", "monde")
KINDS = ("article", "etude", "rapport")
LINK_LABELS = ("article", "plus", "en-savoir-plus", "entretien", "suite")
NBSP = "\u00a0"
NNBSP = "\u202f"


@dataclass(frozen=True)
class Wording:
    name: str
    tagline: str
    intro: str
    disclaimer: str
    number: str
    summary: str
    see_also: str
    source: str
    barometer: str
    no_data: str
    chart_caption: str
    period: str
    regions: dict[str, str]
    kinds: dict[str, str]
    labels: dict[str, str]
    indicators: dict[str, str]
    months: tuple[str, ...]
    date_from: str
    date_to: str
    archive: str = ""
    footer: dict[str, str] = field(default_factory=dict)
    # A rendered file reaches no one in particular, so it cannot carry a reader's personal
    # links (preferences, one-click unsubscribe): its foot says so, and links to what needs
    # no token. These words replace `footer`'s on such a copy.
    archive_footer: dict[str, str] = field(default_factory=dict)


FRENCH = Wording(
    name="Flash-back",
    tagline=(
        "Revue électronique hebdomadaire du Centre Mohammed VI de Soutien "
        "à la Microfinance Solidaire"
    ),
    intro=(
        "« Flash-back » est une revue hebdomadaire électronique d’articles, d’études et de "
        "rapports sur le Micro-Crédit et la Micro-Finance au Maroc et dans le Monde "
        "sélectionnés par les soins de l’équipe du Centre Mohammed VI de Soutien à la "
        "Microfinance Solidaire. Elle est diffusée à l’ensemble des acteurs du secteur dans "
        "notre pays."
    ),
    disclaimer=(
        "S’agissant d’une sélection d’articles, d’études et de rapports dans l’objectif de "
        "diffuser l’information et encourager l’échange, le Centre ne peut alors pas "
        "cautionner le point de vue exprimé par la source."
    ),
    number="N°",
    summary="Sommaire",
    see_also="Voir aussi",
    source="Source",
    barometer="Baromètre du secteur",
    no_data=(
        "Pas encore de données : la centrale des risques n’a reçu aucune déclaration "
        "mensuelle. Les indicateurs paraîtront dès la première déclaration chargée."
    ),
    chart_caption="Taux d’endettement croisé, mois par mois",
    period="Mois de référence",
    regions={"maroc": "Maroc", "monde": "Monde"},
    kinds={"article": "Articles", "etude": "Études", "rapport": "Rapports"},
    labels={
        "article": "Lire l’article",
        "plus": "Lire plus",
        "en-savoir-plus": "En savoir plus",
        "entretien": "Lire l’entretien",
        "suite": "Lire la suite",
    },
    indicators={
        "cross_indebtedness_rate": "Taux d’endettement croisé",
        "par30": "Portefeuille à risque à 30 jours (PAR30)",
        "active_borrowers": "Emprunteurs actifs",
        "outstanding": "Encours brut",
        "change": "sur un mois",
    },
    months=(
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    date_from="Du",
    date_to="au",
    archive="Archives de la revue",
    footer={
        "unsubscribe": "Se désabonner",
        "preferences": "Gérer mon abonnement",
        "web": "Lire ce numéro en ligne",
        "why": "Vous recevez Flash-back parce que vous vous y êtes abonné.",
    },
    archive_footer={
        "why": (
            "Copie d’archive de Flash-back, qui n’est adressée à personne en particulier : "
            "vos liens personnels pour gérer votre abonnement ou vous désabonner figurent au "
            "bas de chaque numéro reçu par e-mail."
        ),
        "subscribe": "S’abonner",
        "issues": "Tous les numéros",
    },
)

ARABIC = Wording(
    name="فلاش باك",
    tagline="النشرة الإلكترونية الأسبوعية لمركز محمد السادس لدعم القروض الصغرى التضامنية",
    intro=(
        "«فلاش باك» نشرة إلكترونية أسبوعية تضم مقالات ودراسات وتقارير حول القروض الصغرى "
        "والتمويل الأصغر في المغرب وفي العالم، يختارها فريق مركز محمد السادس لدعم القروض "
        "الصغرى التضامنية، وتُوزَّع على جميع الفاعلين في القطاع ببلادنا."
    ),
    disclaimer=(
        "لمّا كانت هذه النشرة مجموعة مختارة من المقالات والدراسات والتقارير غايتها نشر "
        "المعلومة وتشجيع تبادل الآراء، فإن المركز لا يتبنّى بالضرورة وجهات النظر التي "
        "تعبّر عنها المصادر."
    ),
    number="العدد",
    summary="الفهرس",
    see_also="انظر أيضًا",
    source="المصدر",
    barometer="مؤشرات القطاع",
    no_data=(
        "لا تتوفر بيانات بعد: لم تتلقَّ مركزية المخاطر أي تصريح شهري. "
        "ستظهر المؤشرات فور تحميل أول تصريح."
    ),
    chart_caption="نسبة المديونية المتقاطعة شهرًا بعد شهر",
    period="الشهر المرجعي",
    regions={"maroc": "المغرب", "monde": "العالم"},
    kinds={"article": "مقالات", "etude": "دراسات", "rapport": "تقارير"},
    labels={
        "article": "اقرأ المقال",
        "plus": "اقرأ المزيد",
        "en-savoir-plus": "لمعرفة المزيد",
        "entretien": "اقرأ الحوار",
        "suite": "تتمة المقال",
    },
    indicators={
        "cross_indebtedness_rate": "نسبة المديونية المتقاطعة",
        "par30": "المحفظة المعرضة للخطر لأكثر من 30 يومًا",
        "active_borrowers": "المقترضون النشيطون",
        "outstanding": "جاري القروض الإجمالي",
        "change": "خلال شهر",
    },
    months=(
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ),
    date_from="من",
    date_to="إلى",
    archive="أرشيف النشرة",
    footer={
        "unsubscribe": "إلغاء الاشتراك",
        "preferences": "تدبير اشتراكي",
        "web": "اقرأ هذا العدد على الموقع",
        "why": "تتوصلون بنشرة «فلاش باك» لأنكم اشتركتم فيها.",
    },
    archive_footer={
        "why": (
            "نسخة أرشيفية من «فلاش باك» غير موجهة إلى شخص بعينه: تجدون روابطكم الشخصية "
            "لتدبير اشتراككم أو إلغائه في أسفل كل عدد يصلكم عبر البريد الإلكتروني."
        ),
        "subscribe": "الاشتراك في النشرة",
        "issues": "جميع الأعداد",
    },
)

WORDINGS = {"fr": FRENCH, "ar": ARABIC}


def wording(lang: str) -> Wording:
    """The fixed texts of an edition; French when the language has no edition.

    >>> wording("ar").summary
    'الفهرس'
    """
    return WORDINGS.get(lang, FRENCH)


def text_direction(lang: str) -> str:
    """`rtl` for Arabic, `ltr` otherwise: the value of the HTML `dir` attribute."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def day_month(day: date, lang: str, *, with_year: bool = True) -> str:
    """One date in words: `1er février 2015`, `2 فبراير 2015`.

    >>> day_month(date(2015, 2, 1), "fr")
    '1er février 2015'
    """
    words = wording(lang)
    number = "1er" if day.day == 1 and lang == "fr" else str(day.day)
    text = f"{number} {words.months[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def date_range(start: date, end: date, lang: str = "fr") -> str:
    """An issue's period in words, of any length.

    >>> date_range(date(2015, 2, 2), date(2015, 4, 5))
    'Du 2 février au 5 avril 2015'
    >>> date_range(date(2015, 2, 2), date(2015, 2, 9))
    'Du 2 au 9 février 2015'
    """
    words = wording(lang)
    if start.year != end.year:
        first = day_month(start, lang)
    elif start.month != end.month:
        first = day_month(start, lang, with_year=False)
    else:
        first = "1er" if start.day == 1 and lang == "fr" else str(start.day)
    return f"{words.date_from} {first} {words.date_to} {day_month(end, lang)}"


def format_int(value: int) -> str:
    """Thousands separated by a narrow no-break space, as French typography wants.

    >>> format_int(1234567) == "1\u202f234\u202f567"
    True
    """
    return f"{value:,}".replace(",", NNBSP)


def format_rate(fraction: float) -> str:
    """A fraction as a percentage with one decimal and a decimal comma.

    >>> format_rate(0.1234) == "12,3\u00a0%"
    True
    """
    return f"{fraction * 100:.1f}".replace(".", ",") + NBSP + "%"


def format_points(delta: float, lang: str = "fr") -> str:
    """A change of a rate, in percentage points, signed: `+0,4 pt` (`+0,4 نقطة` in Arabic)."""
    points = f"{delta * 100:+.1f}".replace(".", ",")
    return f"{points}{NBSP}{'نقطة' if lang == 'ar' else 'pt'}"


def format_relative(new: float, old: float) -> str:
    """A relative change, signed: `+2,1 %`; `n.d.` when the old value is zero."""
    if old == 0:
        return "n.d."
    return f"{(new - old) / old * 100:+.1f}".replace(".", ",") + NBSP + "%"
