"""Format v1 rows: each client as its lender writes it, each contract, each month's state.

Identity fields are written once per client and contract fields once per loan, then gathered
onto the month-by-month states: the same client is written the same way in every month's
file of its institution.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from centrale.domain.submission_format import COLUMNS
from centrale.synth.book import STATUSES, Book
from centrale.synth.calendar import period_text
from centrale.synth.clientele import Clientele, style_rates
from centrale.synth.customers import Customers, customer_refs, rank_within
from centrale.synth.institutions import style_of
from centrale.synth.loans import FREQUENCIES, PRODUCTS
from centrale.synth.persons import Persons
from centrale.synth.purposes import FLAT_PURPOSES
from centrale.synth.written_ids import written_ids
from centrale.synth.written_names import written_names


def borrower_records(
    names_rng: np.random.Generator,
    ids_rng: np.random.Generator,
    persons: Persons,
    customers: Customers,
    codes: list[str],
) -> pl.DataFrame:
    """One row per client: `institution_code, customer_ref, person_id`, then the identity
    columns of format v1 as the client's institution writes them, then `relative_of` (the
    person_id of the relative this person lives with, or null).
    """
    styles = [style_of(code) for code in codes]
    person, institution = customers.person, customers.institution
    relative = persons.household[person]
    keys = pl.DataFrame(
        {
            "institution_code": pl.Series(codes).gather(institution),
            "customer_ref": customer_refs(customers, codes),
            "person_id": person + 1,
        }
    )
    names = written_names(Clientele(names_rng, persons, person, institution, styles))
    ids = written_ids(Clientele(ids_rng, persons, person, institution, styles))
    related = pl.Series("relative_of", np.where(relative >= 0, relative + 1, 0)).replace(0, None)
    return pl.concat([keys, names, ids], how="horizontal").with_columns(related)


def contract_records(
    rng: np.random.Generator, book: Book, customers: Customers, codes: list[str]
) -> pl.DataFrame:
    """One row per loan: `number` (the contract's number inside its institution), then the
    contract columns of format v1 that do not change with months."""
    styles = [style_of(code) for code in codes]
    institution = customers.institution[book.customer]
    # Contracts are numbered in the order they were disbursed, after older ones.
    base = rng.integers(10_000, 900_000, len(codes))[institution]
    tie = rng.random(len(book))
    number = base + rank_within(institution, len(codes), book.disbursed.astype(np.int64) + tie)
    purpose_missing = rng.random(len(book)) < style_rates(styles, "purpose_missing", institution)
    frame = pl.DataFrame(
        {
            "prefix": pl.Series([s.contract_prefix for s in styles]).gather(institution),
            "width": pl.Series([s.contract_width for s in styles]).gather(institution),
            "group_prefix": pl.Series([s.group_prefix for s in styles]).gather(institution),
            "number": number,
            "group": book.group,
            "product": pl.Series(PRODUCTS).gather(book.product),
            "disbursed_on": book.disbursed,
            "amount": book.amount,
            "frequency": pl.Series(FREQUENCIES).gather(book.frequency),
            "purpose": pl.Series(FLAT_PURPOSES).gather(book.purpose),
            "purpose_missing": purpose_missing,
        }
    )
    return frame.select(
        "number",
        (pl.col("prefix") + pl.col("number").cast(pl.String).str.zfill(pl.col("width"))).alias(
            "contract_ref"
        ),
        "product",
        pl.when(pl.col("group") >= 0)
        .then(pl.col("group_prefix") + pl.col("group").cast(pl.String).str.zfill(6))
        .alias("group_ref"),
        "disbursed_on",
        "amount",
        "frequency",
        pl.when(~pl.col("purpose_missing")).then("purpose").alias("purpose"),
    )


def v1_rows(
    states: pl.DataFrame, contracts: pl.DataFrame, borrowers: pl.DataFrame, book: Book
) -> pl.DataFrame:
    """Rows of format v1 in its column order, plus `month` (the month index) first; in each
    month, contracts come in the order of their numbers, as an institution's system lists them.
    """
    number = contracts.get_column("number").to_numpy()
    loan = states.get_column("loan").to_numpy()
    # Sort the narrow states, not the wide rows: gathers then come out in file order.
    order = np.lexsort((number[loan], states.get_column("month").to_numpy()))
    states, loan = states[order], loan[order]
    months = states.get_column("month")
    periods = {m: period_text(m) for m in months.unique().to_list()}
    frame = pl.concat(
        [
            states.select(
                "month",
                pl.col("month").replace_strict(periods, return_dtype=pl.String).alias("period"),
                pl.Series(STATUSES).gather(states.get_column("status")).alias("status"),
                "outstanding",
                "arrears",
                "days_past_due",
                "closed_on",
                "maturity_on",
                "installment",
            ),
            contracts[loan],
            borrowers[book.customer[loan]],
        ],
        how="horizontal",
    )
    return frame.select("month", *COLUMNS)
