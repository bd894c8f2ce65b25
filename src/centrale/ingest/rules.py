"""Row rules of format v1, as vectorised Polars expressions.

`validate_chunk` turns a chunk of string columns into typed, normalised valid rows and the
list of every problem of every row (`row, column, code, message, value`). Messages are French,
name the value and say the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from centrale.domain.submission_format import (
    COLUMNS,
    DATE_COLUMNS,
    EXTRA_CELLS,
    HAS_NUL,
    INTEGER_COLUMNS,
    MAX_LENGTHS,
    REQUIRED,
    VOCABULARIES,
)
from centrale.errors import NUL_SHOWN

PROBLEM_SCHEMA = pl.Schema(
    {
        "row": pl.Int64(),
        "column": pl.String(),
        "code": pl.String(),
        "message": pl.String(),
        "value": pl.String(),
    }
)

_CIN_NOISE = r"[\s\-_./]+"
_CIN_SHAPE = r"^[A-Z]{1,3}[0-9]{3,8}$"
#: Country code (00212 or 212), then an optional 0, then the 9 digits of the national plan.
_PHONE_NATIONAL = r"^(?:00212|212)?0?([5-8][0-9]{8})$"
#: A phone as most files write it, 0612345678 or +212612345678: its 9 national digits.
_PHONE_PLAIN = r"^(?:\+212|0)([5-8][0-9]{8})$"
_MIN_BIRTH = date(1900, 1, 1)
#: A date as format v1 writes it, with a month and a day that may exist: 2025-02-30 is one.
_DAY_SHAPED = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
#: Region numbers as written, 06 as well as 6 (a spreadsheet's two-digit codes).
_REGIONS = [f"{r}" for r in range(1, 13)] + [f"0{r}" for r in range(1, 10)]
#: Arabic-Indic and Eastern Arabic-Indic (Persian) digits, as Arabic-locale sheets write them.
_EASTERN_DIGITS = "[\u0660-\u0669\u06f0-\u06f9]"
#: Codes about an absent value: their message has no value to quote.
_NO_VALUE_CODES = frozenset({"required", "group_ref_required", "closed_on_required"})


#: Each integer column's unit, and the largest value that is not a slip: a loan far above
#: the 150,000 DH ceiling of the law, a century late. The bound also keeps a sector's sums
#: of millions of contracts well inside 64 bits.
_INTEGER_UNITS: dict[str, tuple[str, int]] = {
    "amount": ("dirhams", 100_000_000),
    "installment": ("dirhams", 100_000_000),
    "outstanding": ("dirhams", 100_000_000),
    "arrears": ("dirhams", 100_000_000),
    "days_past_due": ("jours", 36_500),
}
_TOO_LARGE_FIX = {
    "dirhams": "; vérifiez le montant (en dirhams entiers, pas en centimes)",
    "jours": "de retard ; vérifiez le nombre de jours",
}


@dataclass(frozen=True)
class Rule:
    column: str
    code: str
    broken: pl.Expr
    fix: str  # what the message says after the value
    #: A closer fix for some of the broken values: (where it applies, what it says). It is
    #: worked out on the broken rows only.
    closer: tuple[pl.Expr, str] | None = None


def cin_norm_expr(column: str = "cin") -> pl.Expr:
    """Vectorised twin of `centrale.domain.cin.normalise_cin` (a test holds them equal)."""
    value = pl.col(column).str.replace_all(_CIN_NOISE, "").str.to_uppercase()
    prefix = value.str.extract(r"^(\D*)", 1)
    serial = (
        value.str.slice(prefix.str.len_chars())
        .str.replace_all("[OQ]", "0")
        .str.replace_all("[IL]", "1")
    )
    return (prefix + serial).replace("", None)


def phone_e164_expr(column: str = "phone") -> pl.Expr:
    """Vectorised twin of `centrale.domain.phone.normalise_phone` (a test holds them equal).

    One regex does the country code, the lost or kept leading zero and the shape at once:
    the same steps as nested `when`s made Polars evaluate the digits a dozen times over.
    """
    digits = pl.col(column).str.replace_all(r"\D+", "")
    return "+212" + digits.str.extract(_PHONE_NATIONAL, 1)


def _parse_date(column: str) -> pl.Expr:
    value = pl.col(column)
    # The parser also takes 2024-6-1 and +2024-06-01; format v1 writes the ten characters.
    return pl.when(value.str.len_bytes() == 10).then(value.str.to_date("%Y-%m-%d", strict=False))


def _parse_int(column: str) -> pl.Expr:
    """An integer column's value: a plain integer, or a spreadsheet's whole "5000.0"."""
    value = pl.col(column)
    plain = value.cast(pl.Int64, strict=False)
    # Spreadsheets write whole numbers as "5000.0"; that is still a whole number of dirhams.
    spreadsheet = pl.when(value.str.contains(r"^-?\d{1,15}\.0*$")).then(
        value.str.replace(r"\.0*$", "").cast(pl.Int64, strict=False)
    )
    return pl.when(plain.is_not_null()).then(plain).otherwise(spreadsheet)


def _sign(column: str) -> pl.Expr:
    """For a value of ASCII digits, whether it has a minus sign; null for any other value
    (`\\d` would take Arabic-Indic digits too)."""
    value = pl.col(column)
    return pl.when(value.str.contains(r"^-?[0-9]+$")).then(value.str.starts_with("-"))


def _date(column: str) -> pl.Expr:
    """The parsed value of a date column (null when absent or not a date)."""
    return pl.col(f"_date_{column}")


def _int(column: str) -> pl.Expr:
    """The parsed value of an integer column (null when absent or not an integer)."""
    return pl.col(f"_int_{column}")


def parse_columns(chunk: pl.DataFrame) -> pl.DataFrame:
    """Parse every typed column once; the rules and the typed rows read the results.

    Most values are already in their plain form (a CIN such as BE123456, a phone such as
    0612345678, a whole number): one cheap expression reads those, and the full
    normalisation runs only on the rows of the others, a tenth to a fifth of a file. It is
    the same as the full normalisation of every row (the tests hold them to the domain's).
    """
    parsed = chunk.with_columns(
        *[_parse_date(c).alias(f"_date_{c}") for c in DATE_COLUMNS],
        *[pl.col(c).cast(pl.Int64, strict=False).alias(f"_int_{c}") for c in INTEGER_COLUMNS],
        # The sign is read for a value that is not a 64-bit integer only (see the rules).
        *[pl.lit(None, dtype=pl.Boolean).alias(f"_sign_{c}") for c in INTEGER_COLUMNS],
        pl.when(pl.col("cin").str.contains(_CIN_SHAPE)).then(pl.col("cin")).alias("_cin_norm"),
        ("+212" + pl.col("phone").str.extract(_PHONE_PLAIN, 1)).alias("_phone"),
    )
    full = {
        "_cin_norm": ("cin", [cin_norm_expr().alias("_cin_norm")]),
        "_phone": ("phone", [phone_e164_expr().alias("_phone")]),
        **{
            f"_int_{c}": (c, [_parse_int(c).alias(f"_int_{c}"), _sign(c).alias(f"_sign_{c}")])
            for c in INTEGER_COLUMNS
        },
    }
    for result, (column, exprs) in full.items():
        redo = parsed.get_column(column).is_not_null() & parsed.get_column(result).is_null()
        rows = redo.arg_true()
        if rows.is_empty():
            continue
        done = parsed.select(column)[rows].select(exprs)
        parsed = parsed.with_columns(
            parsed.get_column(name).scatter(rows, done.get_column(name)) for name in done.columns
        )
    return parsed


def _present(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


def _not_in_script(column: str, script: str) -> pl.Expr:
    """A present value with a letter of another script, or with no letter of `script`
    (Unicode script names: `Latin`, `Arabic`). Marks are not letters, and letters common to
    several scripts (the tatweel of `محمـد`, the modifier apostrophe of `Oʼ`) belong to all."""
    value = pl.col(column)
    foreign = value.str.contains(rf"[\p{{L}}&&\P{{{script}}}&&\P{{Common}}]")
    return _present(column) & (foreign | ~value.str.contains(rf"\p{{{script}}}"))


def row_rules(period_end: date) -> list[Rule]:
    """Every row rule of format v1, for a file whose reporting month ends on `period_end`."""
    rules = [
        Rule(c, "required", pl.col(c).is_null(), "valeur obligatoire manquante") for c in REQUIRED
    ]
    rules.append(
        Rule(
            EXTRA_CELLS,
            "extra_cells",
            pl.col(EXTRA_CELLS).is_not_null(),
            f"est en trop : la ligne a plus de cellules que les {len(COLUMNS)} colonnes de "
            "l'en-tête, et ses valeurs sont sans doute décalées ; mettez entre guillemets "
            "toute valeur qui contient une virgule",
        )
    )
    for column, limit in MAX_LENGTHS.items():
        rules.append(
            Rule(
                column,
                "too_long",
                pl.col(column).str.len_chars() > limit,
                f"est trop long ; {limit} caractères au plus",
            )
        )
    for column in ("last_name", "first_name"):
        rules.append(
            Rule(
                column,
                "not_latin",
                _not_in_script(column, "Latin"),
                f"n'est pas en lettres latines ; écrivez ici le nom en lettres latines et sa "
                f"graphie arabe dans {column}_ar",
            )
        )
        rules.append(
            Rule(
                f"{column}_ar",
                "not_arabic",
                _not_in_script(f"{column}_ar", "Arabic"),
                f"n'est pas en lettres arabes ; cette colonne ne prend que la graphie arabe du "
                f"nom, la graphie latine va dans {column}",
            )
        )
    for column in DATE_COLUMNS:
        rules.append(
            Rule(
                column,
                "invalid_date",
                _present(column) & _date(column).is_null(),
                "n'est pas une date ; utilisez AAAA-MM-JJ (ex. 2024-03-31)",
                # Written as it should be, but no such day: the month is shorter.
                closer=(
                    pl.col(column).str.contains(_DAY_SHAPED),
                    "n'existe pas : ce mois n'a pas ce jour (ex. pas de 30 février, ni de 29 "
                    "février hors année bissextile) ; vérifiez le jour et le mois",
                ),
            )
        )
    for column in INTEGER_COLUMNS:
        unit, limit = _INTEGER_UNITS[column]
        # Whole, but beyond 64 bits; below zero or not.
        whole = _int(column).is_null() & pl.col(f"_sign_{column}").is_not_null()
        below_zero = whole & pl.col(f"_sign_{column}")
        rules.append(
            Rule(
                column,
                "not_integer",
                _present(column) & _int(column).is_null() & ~whole,
                f"n'est pas un nombre entier ; écrivez un nombre entier de {unit}, sans "
                "séparateur de milliers ni unité",
                closer=(
                    pl.col(column).str.contains(_EASTERN_DIGITS),
                    "est écrit en chiffres arabes orientaux ; écrivez-le avec les chiffres 0 à "
                    "9 (ex. ١٠٠٠٠ s'écrit 10000), comme le demande le format v1",
                ),
            )
        )
        rules.append(
            Rule(
                column,
                "too_large",
                (_int(column) > limit) | (whole & ~below_zero),
                f"est invraisemblable : plus de {limit:,} {unit} ".replace(",", "\u202f")
                + _TOO_LARGE_FIX[unit],
            )
        )
        if column != "amount":
            rules.append(
                Rule(
                    column,
                    "negative",
                    (_int(column) < 0) | below_zero,
                    "ne peut pas être négatif ; 0 ou plus",
                )
            )
        else:
            rules.append(
                Rule(
                    "amount",
                    "not_positive",
                    (_int("amount") <= 0) | below_zero,
                    "n'est pas un montant débloqué valable ; le principal doit être supérieur à 0",
                )
            )
    for column, words in VOCABULARIES.items():
        rules.append(
            Rule(
                column,
                "unknown_value",
                _present(column) & ~pl.col(column).is_in(list(words)),
                "n'est pas une valeur admise ; valeurs admises : " + ", ".join(words),
            )
        )
    rules += [
        Rule(
            "cin",
            "invalid_cin",
            _present("cin") & ~pl.col("_cin_norm").str.contains(_CIN_SHAPE),
            "n'a pas la forme d'une CIN ; 1 à 3 lettres puis des chiffres (ex. BE123456)",
        ),
        Rule(
            "phone",
            "invalid_phone",
            _present("phone") & pl.col("_phone").is_null(),
            "n'est pas un numéro marocain ; ex. 0612345678 ou +212612345678",
        ),
        Rule(
            "region",
            "invalid_region",
            _present("region") & ~pl.col("region").is_in(_REGIONS),
            "n'est pas une région ; numéro de 1 à 12 (découpage de 2015)",
        ),
        Rule(
            "birth_date",
            "implausible_birth_date",
            (_date("birth_date") < _MIN_BIRTH) | (_date("birth_date") > period_end),
            "n'est pas une date de naissance vraisemblable ; vérifiez l'année",
        ),
        Rule(
            "group_ref",
            "group_ref_required",
            (pl.col("product") == "group") & pl.col("group_ref").is_null(),
            "obligatoire pour un prêt de groupe ; donnez l'identifiant du groupe solidaire",
        ),
        Rule(
            "maturity_on",
            "maturity_before_disbursement",
            _date("maturity_on") < _date("disbursed_on"),
            "précède la date de déblocage ; vérifiez maturity_on et disbursed_on",
        ),
        Rule(
            "disbursed_on",
            "disbursed_after_period",
            _date("disbursed_on") > period_end,
            "est postérieure au mois déclaré ; ce prêt appartient à un mois suivant",
        ),
        Rule(
            "closed_on",
            "closed_on_required",
            pl.col("status").is_in(["closed", "written_off"]) & pl.col("closed_on").is_null(),
            "obligatoire pour un contrat soldé ou passé en perte ; donnez la date AAAA-MM-JJ",
        ),
    ]
    return rules


@dataclass(frozen=True)
class CheckedChunk:
    valid: pl.DataFrame
    problems: pl.DataFrame
    rejected_rows: int


def validate_chunk(chunk: pl.DataFrame, period_end: date) -> CheckedChunk:
    """Split a chunk into typed valid rows and every problem of the others.

    >>> validate_chunk(chunk, date(2025, 1, 31)).problems  # doctest: +SKIP
    """
    rules = row_rules(period_end)
    if EXTRA_CELLS not in chunk.columns:  # a frame built by hand, not by the reader
        chunk = chunk.with_columns(pl.lit(None, dtype=pl.String).alias(EXTRA_CELLS))
    if HAS_NUL in chunk.columns:
        rules += _nul_rules()
    chunk = parse_columns(chunk)
    flags = chunk.select(
        "row", *[r.broken.fill_null(False).alias(f"_{i}") for i, r in enumerate(rules)]
    )
    problems = []
    for i, rule in enumerate(rules):
        hit = flags.get_column(f"_{i}")
        if not hit.any():
            continue
        bad = chunk.filter(hit).rechunk()
        problems.append(
            bad.select(
                pl.col("row"),
                pl.lit(rule.column).alias("column"),
                pl.lit(rule.code).alias("code"),
                _message(rule).alias("message"),
                pl.col(rule.column).alias("value"),
            )
        )
    problem_frame = pl.concat(problems) if problems else pl.DataFrame(schema=PROBLEM_SCHEMA)
    problem_frame = problem_frame.cast(PROBLEM_SCHEMA)
    if HAS_NUL in chunk.columns:  # the problems quote the values: their NULs are shown
        problem_frame = problem_frame.with_columns(
            pl.col("message", "value").str.replace_all("\x00", NUL_SHOWN, literal=True)
        )
    bad_rows = pl.any_horizontal(pl.exclude("row")) if len(rules) else pl.lit(False)
    ok = ~flags.select(bad_rows.alias("bad")).get_column("bad")
    valid = typed_rows(chunk.filter(ok))
    return CheckedChunk(valid, problem_frame, int((~ok).sum()))


def _message(rule: Rule) -> pl.Expr:
    # Column and fix go into the template itself: literal arguments to `pl.format` have made
    # Polars panic on filtered multi-chunk frames.
    where = f"ligne {{}}, colonne « {rule.column} » : "
    if rule.column == EXTRA_CELLS:
        where = "ligne {} : "
    if rule.code in _NO_VALUE_CODES:
        return pl.format(where + rule.fix, "row")
    message = pl.format(where + "« {} » " + rule.fix, "row", pl.col(rule.column))
    if rule.closer is None:
        return message
    applies, fix = rule.closer
    closer = pl.format(where + "« {} » " + fix, "row", pl.col(rule.column))
    return pl.when(applies).then(closer).otherwise(message)


def _nul_rules() -> list[Rule]:
    """A NUL in a value, for the chunks of a block that holds one (`HAS_NUL`)."""
    return [
        Rule(
            column,
            "nul_character",
            pl.col(column).str.contains("\x00", literal=True),
            f"contient un caractère nul ({NUL_SHOWN}), reste d'un export défectueux ; retirez-le "
            "ou exportez le fichier à nouveau",
        )
        for column in COLUMNS
    ]


def stage_schema() -> dict[str, pl.DataType]:
    """Columns and types of the valid rows that `typed_rows` produces."""
    empty = pl.DataFrame(schema={"row": pl.Int64, **{c: pl.String for c in COLUMNS}})
    return dict(typed_rows(parse_columns(empty)).schema)


def typed_rows(valid: pl.DataFrame) -> pl.DataFrame:
    """Valid parsed rows (see `parse_columns`) as typed, normalised columns: the stage."""
    return valid.select(
        "row",
        "contract_ref",
        "customer_ref",
        "cin",
        pl.col("_cin_norm").alias("cin_norm"),
        "last_name",
        "first_name",
        "last_name_ar",
        "first_name_ar",
        _date("birth_date").alias("birth_date"),
        "gender",
        pl.col("_phone").alias("phone"),
        pl.col("region").cast(pl.Int16),
        "milieu",
        "activity",
        "product",
        "group_ref",
        _date("disbursed_on").alias("disbursed_on"),
        _date("maturity_on").alias("maturity_on"),
        *[_int(c).alias(c) for c in INTEGER_COLUMNS],
        "frequency",
        "status",
        _date("closed_on").alias("closed_on"),
        "purpose",
    )
