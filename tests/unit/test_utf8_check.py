"""`check_utf8` refuses exactly the files Python's decoder refuses, wherever its blocks cut a
character, and names the place of the first bad byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.errors import InvalidSubmission
from centrale.ingest import reading

#: Text with characters of one to four bytes, and bytes that no UTF-8 text holds.
PIECES = st.one_of(
    st.text(alphabet="aZ,\n\x00éعب€😀", max_size=6).map(str.encode),
    st.sampled_from([b"\xe9", b"\xc3", b"\xed\xa0\x80", b"\xf8", b"\x80", b"\xc0\xaf"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=12), st.integers(1, 9))
def test_refuses_what_python_refuses(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[bytes], block: int
) -> None:
    data = b"".join(pieces)
    path = tmp_path_factory.mktemp("utf8") / "AMANA_2025-01.csv"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "_BLOCK", block)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            with pytest.raises(InvalidSubmission, match=f"à la ligne {line}\\."):
                reading.check_utf8(path, path.name)
        else:
            reading.check_utf8(path, path.name)


def test_a_character_cut_by_the_block_is_checked_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "AMANA_2025-01.csv"
    path.write_bytes("ab😀cd".encode())  # the emoji is four bytes, from the third on
    for block in range(1, 8):
        monkeypatch.setattr(reading, "_BLOCK", block)
        reading.check_utf8(path, path.name)
