"""The model resolver: batch linking at submission, behind the identity seam.

Each submission's new or changed records are compared with the registry (candidates through
the stored blocking keys) and with one another, scored by the trained model, and grouped into
persons by `centrale.identity.decide`. Every record keeps the evidence of its link (the record
it matched, the probability, each field's level) so `centrale persons show` can explain it.
The model is trained on the registry's own records when there is none yet, and again when
the registry has grown by `identity_retrain_growth` (or, for a model that saw too few
matches, by `identity_retrain_few_matches_growth`). Data too young to teach anything (fewer
likely matches than `identity_min_model_matches`) links with the reference model
(`centrale.identity.reference`).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import ExitStack
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from centrale.identity.blocking import key_hashes, sharing_a_key
from centrale.identity.borrowers import (
    FEATURES_VERSION,
    BorrowerSpec,
    with_keys,
)
from centrale.identity.decide import Decision, decide
from centrale.identity.linkage import Compared, Scored, compared, linkage_columns, score, train
from centrale.identity.model import Model
from centrale.identity.reference import likely_matches, or_reference
from centrale.identity.seam import LINK_SCHEMA, RECORD_SCHEMA, IdentityResolver
from centrale.settings import Settings
from centrale.store import identity_repo as repo

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from centrale.store.staging import Ahead


def levels_json(model: Model, levels: np.ndarray) -> pl.Series:
    """Each row of `levels` as a JSON object of comparison name -> level label.

    >>> from centrale.identity.model import Comparison
    >>> m = Model([Comparison("cin", ("exact", "different"))], [], [], 1.0)
    >>> levels_json(m, np.array([[0], [-1]], dtype=np.int8)).to_list()
    ['{"cin": "exact"}', '{"cin": "absent"}']
    """
    parts = []
    for k, comparison in enumerate(model.comparisons):
        labels = pl.Series([*comparison.labels, "absent"])
        index = pl.Series(np.where(levels[:, k] < 0, comparison.levels, levels[:, k]))
        parts.append(pl.lit(f'"{comparison.name}": "') + labels.gather(index) + pl.lit('"'))
    frame = pl.select(pl.concat_str(parts, separator=", ").alias("levels"))
    return ("{" + frame["levels"] + "}").alias("levels")


class ModelResolver:
    """Links borrower records with the probabilistic model (see the module docstring)."""

    name = "model"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.spec = BorrowerSpec()

    def link(self, conn: Connection, records: pl.DataFrame) -> pl.DataFrame:
        """Link `records` (the seam's `RECORD_SCHEMA`) and return `LINK_SCHEMA` rows."""
        if records.is_empty():
            return pl.DataFrame(schema=LINK_SCHEMA)
        registry_size = repo.count_features(conn)
        if registry_size:  # an empty registry has no earlier links to forget
            # A record above the last one with features has no identity rows. New records get
            # ids above every existing record's, so a first load, all new, forgets nothing
            # (on PostgreSQL, a concurrent load's may lie above: asked, and found with none).
            all_ids = records["borrower_record_id"]
            ids = all_ids.filter(all_ids <= repo.last_featured_record(conn)).to_list()
            if ids:
                repo.forget_records(conn, ids, with_keys(repo.key_sources(conn, ids)))
                registry_size = repo.count_features(conn)
            del all_ids, ids
        # The records as reported are let go once their features are made (the caller hands
        # them over): only the features are compared, kept and written.
        new = self.spec.prepare(records).drop(_REPORTED_ONLY)
        del records
        if registry_size == 0:  # the first features: the registry's are of this version
            repo.set_features_version(conn, FEATURES_VERSION)
        with ExitStack() as cleanup:
            # The keys' hashes are made (on SQLite, staged) by a worker thread while the model
            # works. A pass over the registry's features is a load's peak of memory: with a
            # registry to read, the hashes (200 MB for a million records) wait until the pass
            # is over, and on PostgreSQL, which would hold them through scoring, are not made
            # ahead at all (an onboarding peaked at 2,068-2,075 MiB instead of 1,940-1,951).
            keys = None if registry_size else _keys_ahead(conn, new, cleanup)
            # The batch's pairs among themselves are found and compared once: a first load
            # trains on those of its drawn records, then scores them all.
            within = compared(self.spec, new) if registry_size == 0 else None
            model_id, model, registry = self._model_and_candidates(conn, new, registry_size, within)
            if registry_size:
                keys = _keys_ahead(conn, new, cleanup, hold=False)
            return self._scored(conn, new, registry, registry_size, model, model_id, keys, within)

    def _scored(
        self,
        conn: Connection,
        new: pl.DataFrame,
        registry: pl.DataFrame,
        registry_size: int,
        model: Model,
        model_id: int,
        keys: Ahead | None,
        compared_within: Compared | None,
    ) -> pl.DataFrame:
        """`new` scored against `registry` and one another (their pairs already compared,
        when given), decided and written."""
        population = registry_size + len(new)
        within = score(
            self.spec,
            model,
            new,
            pairs=None if compared_within is None else compared_within.pairs,
            levels=None if compared_within is None else compared_within.levels,
            records=population,
        )
        cross = score(self.spec, model, new, registry, records=population)
        decision = decide(
            len(new),
            registry["person_id"].to_numpy(),
            cross,
            within,
            self.settings.identity_threshold,
        )
        return self._write(
            conn, new, registry, registry_size, decision, model, model_id, cross, within, keys
        )

    def _model_and_candidates(
        self,
        conn: Connection,
        new: pl.DataFrame,
        registry_size: int,
        within: Compared | None = None,
    ) -> tuple[int, Model, pl.DataFrame]:
        """The model to score with (trained now if due) and the registry's candidates of
        `new`; a large batch's come from one pass over the registry, which also draws the
        training sample when one is needed. `within`, the batch's pairs already compared,
        spares training its own when the sample is drawn from the batch alone."""
        population = registry_size + len(new)
        trained = self._trained(conn, population)
        full = bool(registry_size) and (
            len(new) >= self.settings.identity_full_read_share * registry_size
        )
        limit = self.settings.identity_train_sample
        scan = _RegistryPass(
            self.spec,
            new,
            registry_size,
            None if trained is not None or population <= limit else _draw(population, limit),
            train=trained is None,
            candidates=full,
        )
        if registry_size and (trained is None or full):
            scan.read(repo.feature_slices(conn, _PASS_ROWS))
        if trained is None:
            data = scan.training_data()
            given = scan.batch_pairs(within) if within is not None else None
            fitted = train(
                self.spec,
                data,
                pairs=None if given is None else given.pairs,
                levels=None if given is None else given.levels,
            )
            model = or_reference(fitted, self.settings.identity_min_model_matches)
            # The registry's size, not the sample's: growth is measured against what it was.
            trained = repo.save_model(conn, model.to_json(), population), model
        registry = scan.candidates() if full else self._candidates(conn, new, registry_size)
        return (*trained, registry)

    def _trained(self, conn: Connection, population: int) -> tuple[int, Model] | None:
        """The newest model, unless the registry has grown enough to train it again."""
        latest = repo.latest_model(conn)
        if latest is None:
            return None
        model_id, parameters, trained_at = latest
        model = Model.from_json(parameters)
        seen = likely_matches(model)
        grown = population >= self.settings.identity_retrain_growth * trained_at
        few = seen < self.settings.identity_min_training_matches
        more = population >= self.settings.identity_retrain_few_matches_growth * trained_at
        return None if grown or (few and more) else (model_id, model)

    def _candidates(self, conn: Connection, new: pl.DataFrame, registry_size: int) -> pl.DataFrame:
        """A batch small beside the registry: its candidates looked up through the keys' index."""
        if registry_size == 0:
            return _no_features()
        return with_keys(repo.features_sharing_keys(conn, new))

    def _write(
        self,
        conn: Connection,
        new: pl.DataFrame,
        registry: pl.DataFrame,
        registry_size: int,
        decision: Decision,
        model: Model,
        model_id: int,
        cross: Scored,
        within: Scored,
        keys: Ahead | None,
    ) -> pl.DataFrame:
        rows = decision.records
        founders = rows.filter(pl.col("person_id").is_null()).unique("group", keep="first")
        founders = founders.sort("row")
        cins = new["cin"].gather(founders["row"]).to_list()
        record_ids = new["borrower_record_id"]
        with repo.identity_writes(conn, registry_size, adding=len(new)) as out:
            created = pl.DataFrame(
                {"group": founders["group"], "new_person": repo.new_persons(conn, cins, out)},
                schema={"group": pl.Int64, "new_person": pl.Int64},
            )
            rows = rows.join(created, on="group", how="left").with_columns(
                person_id=pl.coalesce("person_id", "new_person")
            )
            repo.write_features(out, new.with_columns(person_id=rows["person_id"]), keys)
            evidence = _Evidence(registry["borrower_record_id"].to_numpy(), cross, within, model)
            # A slice at a time: the JSON of a million links' levels is the peak of a first
            # load.
            for start in range(0, len(rows), _LINK_SLICE):
                part = slice(start, start + _LINK_SLICE)
                links = evidence.links(rows[part], record_ids[part], record_ids, model_id)
                repo.write_links(out, links)
        for conflict in decision.conflicts.iter_rows(named=True):
            members = rows.filter(pl.col("group") == conflict["group"])
            chosen = int(members["person_id"][0])
            for other in conflict["person_ids"]:
                if other != chosen:
                    ids = record_ids.gather(members["row"]).to_list()
                    repo.record_change(conn, "conflict", chosen, int(other), ids)
        return pl.DataFrame(
            {
                "borrower_record_id": record_ids,
                "person_id": rows["person_id"],
                "match_score": rows["probability"],
            },
            schema=LINK_SCHEMA,
        )


#: Columns of the seam's records that are not features.
_REPORTED_ONLY = [c for c in RECORD_SCHEMA if c not in repo.FEATURE_SCHEMA]

#: Registry features read at a time by a pass over the whole registry.
_PASS_ROWS = 200_000


def _keys_ahead(
    conn: Connection, new: pl.DataFrame, cleanup: ExitStack, *, hold: bool = True
) -> Ahead | None:
    """`repo.keys_ahead`, its worker stopped when `cleanup` closes."""
    ahead = repo.keys_ahead(conn, new, hold=hold)
    if ahead is not None:
        cleanup.callback(ahead.abandon)
    return ahead


def _no_features() -> pl.DataFrame:
    return with_keys(pl.DataFrame(schema=repo.FEATURE_SCHEMA))


def _draw(population: int, limit: int) -> np.ndarray:
    """`limit` positions drawn at random (always the same) among the registry's records, in
    record order, followed by the batch's: the training sample.

    >>> _draw(10, 4).tolist()
    [2, 4, 5, 7]
    """
    return np.sort(np.random.default_rng(0).choice(population, limit, replace=False))


class _RegistryPass:
    """One pass over the registry's features, a slice at a time, keeping what the link needs
    of them: the records drawn for training (`chosen` positions, or all of them), and the
    records that share a blocking key with the batch, its only possible candidates. A
    million-record registry is never held whole, nor held through scoring.
    """

    def __init__(
        self,
        spec: BorrowerSpec,
        new: pl.DataFrame,
        registry_size: int,
        chosen: np.ndarray | None,
        *,
        train: bool,
        candidates: bool,
    ) -> None:
        self.new, self.registry_size, self.chosen = new, registry_size, chosen
        self.train = train
        self.columns = ["borrower_record_id", *linkage_columns(spec)]
        self.keys = spec.blocking_keys if candidates else None
        self.drawn: list[pl.DataFrame] = []
        self.kept: list[pl.DataFrame] = []

    def read(self, slices: Iterable[pl.DataFrame]) -> None:
        # The batch's key hashes live only through the pass, not through training and scoring.
        wanted = None if self.keys is None else key_hashes(self.new, self.keys)
        start = 0
        for part in slices:
            inside = None if self.chosen is None else self._inside(start, len(part))
            start += len(part)
            if wanted is None:  # training only: the keys of the drawn records alone
                self.drawn.append(with_keys(part if inside is None else part[inside]))
                continue
            part = with_keys(part)
            if self.train:
                self.drawn.append(part if inside is None else part[inside])
            self.kept.append(sharing_a_key(part, wanted))

    def _inside(self, start: int, length: int) -> np.ndarray:
        """The drawn positions within the slice at `start`. Positions from `registry_size`
        on are the batch's: a pass that meets more rows (a load committed meanwhile, on
        PostgreSQL) does not draw them twice."""
        assert self.chosen is not None
        chosen = self.chosen
        end = min(start + length, self.registry_size)
        return chosen[(chosen >= start) & (chosen < end)] - start

    def training_data(self) -> pl.DataFrame:
        """The drawn records, the registry's and the batch's; handed over, not kept."""
        # Only what training reads: the batch's frame also holds its records as reported.
        new = self.new.select(self.columns)
        if self.chosen is not None:
            new = new[self.chosen[self.chosen >= self.registry_size] - self.registry_size]
        drawn, self.drawn = self.drawn, []
        drawn = [part.select(self.columns) for part in drawn]
        return pl.concat([*drawn, new], how="vertical_relaxed")

    def batch_pairs(self, within: Compared) -> Compared | None:
        """The pairs of `within` (the batch's, compared) among the training sample, when it
        is drawn from the batch alone (an empty registry); else None."""
        if self.registry_size:
            return None
        if self.chosen is None:
            return within
        return within.among(self.chosen, len(self.new))

    def candidates(self) -> pl.DataFrame:
        return pl.concat(self.kept) if self.kept else _no_features()


#: Links whose evidence is built and written at once.
_LINK_SLICE = 200_000


class _Evidence:
    """What `identity_links` records of each decision: the pair that decided it and its
    levels, from the scored pairs of one load."""

    def __init__(
        self, registry_ids: np.ndarray, cross: Scored, within: Scored, model: Model
    ) -> None:
        empty = np.full((1, len(model.comparisons)), -1, dtype=np.int8)
        self.stacked = np.vstack([cross.levels, within.levels, empty])
        self.cross_count = len(cross.levels)
        self.registry_ids = registry_ids
        self.model = model

    def links(
        self, rows: pl.DataFrame, record_ids: pl.Series, all_ids: pl.Series, model_id: int
    ) -> pl.DataFrame:
        """Evidence rows for `rows` (a slice of the decisions) and their `record_ids`."""
        source = rows["source"].fill_null("").to_numpy()
        pair = rows["pair"].fill_null(0).cast(pl.Int64).to_numpy()
        matched = rows["matched"].fill_null(0).cast(pl.Int64).to_numpy()
        from_registry, from_new = source == "registry", source == "new"
        index = np.full(len(rows), len(self.stacked) - 1)
        index[from_registry] = pair[from_registry]
        index[from_new] = self.cross_count + pair[from_new]
        matched_id = np.full(len(rows), -1, dtype=np.int64)
        matched_id[from_registry] = self.registry_ids[matched[from_registry]]
        matched_id[from_new] = all_ids.to_numpy()[matched[from_new]]
        # A record that founds a person was compared with nothing: its levels would all be
        # "absent", the largest column of a first load for nothing that `persons show` tells.
        paired = np.flatnonzero(source != "")
        levels = pl.Series("levels", [None] * len(rows), dtype=pl.String)
        levels = levels.scatter(paired, levels_json(self.model, self.stacked[index[paired]]))
        return rows.select(
            borrower_record_id=record_ids,
            person_id="person_id",
            matched_record_id=pl.Series(matched_id).replace(-1, None),
            probability="probability",
            weight="weight",
            levels=levels,
            decided_by=pl.when(pl.col("source").is_null())
            .then(pl.lit("new_person"))
            .otherwise(pl.lit("model")),
            model_id=pl.lit(model_id, dtype=pl.Int64),
        )


def make_resolver(settings: Settings) -> IdentityResolver:
    """The resolver that bootstrap wires in: the probabilistic model.

    >>> make_resolver(Settings(database_url="sqlite://")).name
    'model'
    """
    return ModelResolver(settings)
