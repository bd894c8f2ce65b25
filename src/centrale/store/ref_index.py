"""Rows found by a text key (a customer or contract ref), chunk after chunk of a file.

A load meets each chunk of its file with what it holds by ref: the registry's ids and
fingerprints of the institution (a million refs), and what the file's earlier chunks said.
A Polars join or `is_in` builds its hash table on that side afresh for every chunk: in a
settled month of a million rows that was most of the split's time.

Here the held rows are sorted once by a 64-bit hash of their key (xxHash64, which Polars'
`search_sorted` searches as plain integers, in cache), and a chunk's keys are hashed and
found by binary search. The key itself is then compared, so that the answer is exact: two
keys of one hash (about one chance in 10^7 for a million refs) are both searched.

What a load adds as it goes (the refs new in each chunk) is merged into a second sorted
run (a linear merge, not a sort): a lookup searches two runs at most, however many chunks
came before, and sorts the chunk's hashes once for both.
"""

from __future__ import annotations

import polars as pl
import polars_hash as plh

_HASH = "_key_hash"


def key_hashes(keys: pl.Series) -> pl.Series:
    """The 64-bit hash by which keys are sorted and searched (the same in every version)."""
    frame = keys.rename("key").to_frame()
    return frame.select(plh.col("key").nchash.xxhash64()).to_series()


def in_key_order(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """`frame` in the order in which a `RefIndex` holds it: by the hash of its `key`. A
    frame kept in that order (what the registry holds, from one load to the next) is
    returned as it is, and its index is built without sorting a million rows again."""
    hashes = key_hashes(frame.get_column(key))
    if hashes.is_sorted():
        return frame
    return frame.with_columns(hashes.alias(_HASH)).sort(_HASH).drop(_HASH)


def merged_in_key_order(ordered: pl.DataFrame, more: pl.DataFrame, key: str) -> pl.DataFrame:
    """`ordered` (in key order, see `in_key_order`) and `more` (in any order) as one frame
    in key order: a merge, not a sort of the whole."""
    if more.is_empty():
        return ordered
    hashed = [f.with_columns(key_hashes(f.get_column(key)).alias(_HASH)) for f in (ordered, more)]
    return hashed[0].merge_sorted(hashed[1].sort(_HASH), _HASH).drop(_HASH)


class RefIndex:
    """Rows of unique text keys, looked up by key.

    >>> index = RefIndex(pl.DataFrame({"ref": ["b", "a"], "id": [2, 1]}), key="ref")
    >>> index.find(pl.Series(["a", "c", "b"]))["id"].to_list()
    [1, None, 2]
    """

    def __init__(self, frame: pl.DataFrame, *, key: str) -> None:
        self._key = key
        self._schema = frame.schema
        self._runs: list[pl.DataFrame] = []
        self.add(frame)

    def add(self, frame: pl.DataFrame) -> None:
        """More rows, whose keys are in none of the rows added before (the caller knows).
        Columns of the index that `frame` lacks are null in its rows."""
        if frame.is_empty():
            return
        run = frame.select(
            pl.col(n) if n in frame.columns else pl.lit(None, dtype=t).alias(n)
            for n, t in self._schema.items()
        )
        run = run.with_columns(key_hashes(run.get_column(self._key)).alias(_HASH))
        if not run.get_column(_HASH).is_sorted():
            run = run.sort(_HASH)
        # The first rows given (what the registry holds: a million) stay a run of their
        # own; what comes after is merged into one second run.
        if len(self._runs) < 2:
            self._runs.append(run)
        else:
            self._runs[1] = self._runs[1].merge_sorted(run, _HASH)

    def contains(self, keys: pl.Series) -> pl.Series:
        """Whether each key is held (aligned with `keys`; a null key is not)."""
        probe = _Probe(keys)
        found = pl.repeat(False, len(keys), dtype=pl.Boolean, eager=True)
        for run in self._runs:
            found = found | self._positions(run, probe).is_not_null()
        return found.alias(keys.name)

    def find(self, keys: pl.Series, columns: list[str] | None = None) -> pl.DataFrame:
        """The held rows' other `columns` (all by default) for each key, aligned with
        `keys`: nulls where a key is not held."""
        values = columns or [n for n in self._schema.names() if n != self._key]
        probe = _Probe(keys)
        # A key is in one run at most: a gather at a null position is a null row.
        parts = [run.select(values)[self._positions(run, probe)] for run in self._runs]
        if not parts:
            return pl.DataFrame(
                [
                    pl.repeat(None, len(keys), dtype=self._schema[n], eager=True).alias(n)
                    for n in values
                ]
            )
        if len(parts) == 1:
            return parts[0]
        return pl.select(pl.coalesce([p.get_column(n) for p in parts]).alias(n) for n in values)

    def _positions(self, run: pl.DataFrame, probe: _Probe) -> pl.Series:
        """Where each key is in `run`, null where it is not."""
        keys, hashes = probe.keys, probe.hashes
        held_hashes, held_keys = run.get_column(_HASH), run.get_column(self._key)
        first = pl.zeros(len(keys), dtype=pl.get_index_type(), eager=True).scatter(
            probe.order, held_hashes.search_sorted(probe.sorted_hashes, side="left")
        )
        found = pl.repeat(None, len(keys), dtype=first.dtype, eager=True)
        # The rows of a key's hash are contiguous from `first`: step along them while some
        # key has met only rows of its hash with another key (a collision).
        pending = pl.repeat(True, len(keys), dtype=pl.Boolean, eager=True)
        step = 0
        while True:
            at = first + step
            inside = at < len(run)
            at = at.clip(0, max(len(run) - 1, 0))
            pending = pending & inside & (held_hashes.gather(at) == hashes).fill_null(False)
            match = pending & (held_keys.gather(at) == keys).fill_null(False)
            found = pl.select(pl.when(match).then(at).otherwise(found)).to_series()
            pending = pending & ~match
            if not pending.any():
                return found
            step += 1


class _Probe:
    """Keys to look up, hashed and put in hash order once for every run searched: searched
    in hash order, the searches walk the held hashes forward (twice as fast)."""

    def __init__(self, keys: pl.Series) -> None:
        self.keys = keys
        self.hashes = key_hashes(keys)
        self.order = self.hashes.arg_sort()
        self.sorted_hashes = self.hashes.gather(self.order)
