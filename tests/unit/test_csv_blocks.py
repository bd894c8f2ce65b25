"""The bounded CSV reader: blocks end at record ends, quoted newlines included."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.ingest import reading
from centrale.ingest.reading import csv_blocks

# No lone CR: the csv module itself writes one unquoted and reads it back as nothing.
cells = st.text(alphabet='ab ,"\n\u0627', max_size=6)
records = st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=30)


def _write(path: Path, rows: list[list[str]], newline: str = "\n") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(records, st.integers(min_value=1, max_value=64), st.sampled_from(["\n", "\r\n"]))
def test_blocks_are_whole_records(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], size: int, newline: str
) -> None:
    path = tmp_path_factory.mktemp("blocks") / "f.csv"
    _write(path, rows, newline)
    blocks = list(csv_blocks(path, size))
    # Each block parses on its own into whole records, and together they are the file's.
    parsed = [r for b in blocks for r in csv.reader(io.StringIO(b.decode(), newline=""))]
    assert parsed == rows


def test_chunks_number_rows_across_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from support.v1 import v1_row, write_v1

    rows = [v1_row(n, purpose="ligne 1\nligne 2" if n % 3 else "simple") for n in range(1, 41)]
    path = write_v1(tmp_path / "a.csv", rows)
    monkeypatch.setattr(reading, "_CSV_BLOCK", 300)  # a few records per block
    with reading.open_submission(path) as source:
        chunks = list(reading.read_chunks(source, 7))
    assert len(chunks) > 6
    frame = __import__("polars").concat(chunks)
    assert frame["row"].to_list() == list(range(2, 42))
    assert frame["contract_ref"].to_list() == [f"C{n:05d}" for n in range(1, 41)]
    assert frame["purpose"][0] == "ligne 1\nligne 2"
