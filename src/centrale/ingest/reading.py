"""Reading a submission file into string columns, in chunks, after whole-file checks.

A file is rejected whole (`InvalidSubmission`) when it cannot be read as format v1: unknown
extension, not UTF-8 (with a guess of what it is), or a wrong header. Everything else is a
row problem, found by `centrale.ingest.rules`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import polars as pl

from centrale.domain.submission_format import COLUMNS, DATE_COLUMNS, EXTRA_CELLS, HAS_NUL
from centrale.errors import InvalidSubmission

_BLOCK = 1 << 22
#: Bytes of CSV parsed at once (about 150,000 rows of format v1); two blocks at most are held.
_CSV_BLOCK = 1 << 25
FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)
_BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class SourceFile:
    """A submission ready to be read: a UTF-8 CSV on disk, or the frame of an XLSX sheet."""

    name: str
    sha256: str
    csv_path: Path | None
    sheet: pl.DataFrame | None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def open_submission(path: Path) -> Iterator[SourceFile]:
    """Check the file whole and hand it over for chunked reading.

    >>> with open_submission(Path("AMANA_2025-01.csv")) as source:  # doctest: +SKIP
    ...     for chunk in read_chunks(source, 100_000): ...
    """
    if not path.exists():
        raise InvalidSubmission(f"fichier introuvable : {path}")
    if not path.is_file():
        raise InvalidSubmission(
            f"{path} n'est pas un fichier (un dossier ?) ; donnez le chemin d'un fichier"
        )
    name = path.name.lower()
    if not name.endswith((".csv", ".csv.gz", ".xlsx")):
        raise InvalidSubmission(
            f"{path.name} : format de fichier non reconnu ; envoyez un fichier .csv, .csv.gz "
            "ou .xlsx"
        )
    # A CSV's checks read it beside its digest (hashlib lets the other thread run).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="centrale-sha") as pool:
        digest = pool.submit(file_sha256, path)
        with _signed(digest.result):
            checked = _checked_csv(path, path.name, "") if name.endswith(".csv") else None
        sha = digest.result()
    if checked is not None:
        yield replace(checked, sha256=sha)
        return
    if name.endswith(".xlsx"):
        with _signed(lambda: sha):
            sheet = _read_sheet(path)
        yield SourceFile(path.name, sha, None, sheet)
        return
    with tempfile.TemporaryDirectory(prefix="centrale-gz-") as tmp:
        plain = Path(tmp) / path.name[: -len(".gz")]
        with _signed(lambda: sha):
            try:
                with gzip.open(path, "rb") as src, plain.open("wb") as dst:
                    shutil.copyfileobj(src, dst, _BLOCK)
            except (OSError, EOFError, zlib.error) as error:
                raise InvalidSubmission(
                    f"{path.name} : archive gzip illisible ({_why_not_gzip(error)}) ; "
                    "recompressez le fichier avec gzip, ou envoyez le CSV tel quel"
                ) from error
            checked = _checked_csv(plain, path.name, sha)
        yield checked


@contextmanager
def _signed(sha: Callable[[], str]) -> Iterator[None]:
    """A rejection raised inside carries the file's digest: the file was read, and its
    rejection is recorded (`InvalidSubmission.file_sha256`)."""
    try:
        yield
    except InvalidSubmission as error:
        error.file_sha256 = sha()
        raise


def _why_not_gzip(error: Exception) -> str:
    """What went wrong with a .csv.gz, in French (gzip and zlib say it in English)."""
    if isinstance(error, gzip.BadGzipFile):
        return "ce n'est pas une archive gzip : un fichier renommé en .csv.gz ?"
    if isinstance(error, EOFError):
        return "l'archive est incomplète : un envoi ou une copie interrompus ?"
    if isinstance(error, zlib.error):
        return "les données compressées sont endommagées"
    return "le fichier n'a pas pu être décompressé"


def _checked_csv(path: Path, display: str, sha: str) -> SourceFile:
    with path.open("rb") as handle:
        start = handle.read(_BLOCK)
    if not start.strip(b"\xef\xbb\xbf \t\r\n"):
        raise InvalidSubmission(
            f"{display} est vide : il faut l'en-tête du format v1 puis une ligne par contrat"
        )
    _check_not_utf16(start, display)
    check_utf8(path, display)
    first_line = start.split(b"\n", 1)[0]
    if b"\r" in first_line.rstrip(b"\r"):
        raise InvalidSubmission(
            f"{display} : ses lignes finissent par un retour chariot seul (le « CSV Macintosh » "
            "des anciens tableurs), que le format v1 ne lit pas ; réenregistrez le fichier en "
            "« CSV UTF-8 » depuis votre tableur"
        )
    check_header(_csv_header(path), display)
    return SourceFile(display, sha, path, None)


def _check_not_utf16(start: bytes, display: str) -> None:
    """UTF-16 without its byte-order mark is valid UTF-8 (a NUL after each ASCII letter): it
    is told by those NULs before anything else reads it."""
    if start[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(start[:200]):
        raise InvalidSubmission(_utf16_reason(display))


def _looks_utf16(head: bytes) -> bool:
    """ASCII text in UTF-16: a NUL beside every letter, all on the odd bytes (little-endian)
    or all on the even ones. A file of NULs, as a failed copy leaves, is not that.

    >>> _looks_utf16("institution_code".encode("utf-16-le")), _looks_utf16(bytes(200))
    (True, False)
    """
    odd, even = head[1::2], head[0::2]
    if len(head) < 8:
        return False
    return (odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even)) or (
        even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd)
    )


def _utf16_reason(display: str) -> str:
    return (
        f"{display} est encodé en UTF-16 (« Texte Unicode » des tableurs), pas en UTF-8. "
        "Réenregistrez le fichier en « CSV UTF-8 » depuis votre tableur, ou convertissez-le : "
        + _recode_command(display, "UTF-16")
    )


def _recode_command(display: str, encoding: str) -> str:
    """The command that converts the file to UTF-8, decompressing it first if it is gzip."""
    stem = display[: -len(".csv.gz")] if display.lower().endswith(".csv.gz") else Path(display).stem
    if display.lower().endswith(".gz"):
        return f"gunzip -c {display} | iconv -f {encoding} -t UTF-8 > {stem}-utf8.csv"
    return f"iconv -f {encoding} -t UTF-8 {display} > {stem}-utf8.csv"


def check_utf8(path: Path, display: str) -> None:
    """Check that the file is UTF-8, in blocks; on failure name the line and the likely
    encoding.

    Polars checks a block at once (a cast from bytes to text), about a fifth of the time of
    decoding it in Python, which makes every character a Python string's first. A block
    ends before its last character, which may be cut, and the next begins with it. Only a
    file found wrong is decoded in Python, to find where.
    """
    carry = b""
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            data = carry + block
            end = _last_character_start(data) if block else len(data)
            try:
                pl.Series([data[:end]], dtype=pl.Binary).cast(pl.String)
            except pl.exceptions.PolarsError:
                _find_not_utf8(path, display)
                return
            carry = data[end:]
            if not block:
                return


def _last_character_start(data: bytes) -> int:
    """Where the last character of `data` starts when it is multibyte (it may be cut),
    else the length of `data`.

    >>> _last_character_start("aé".encode()), _last_character_start(b"ab")
    (1, 2)
    """
    at = len(data) - 1
    # At most three continuation bytes (10xxxxxx) follow a character's lead byte (11xxxxxx).
    while at >= 0 and len(data) - at <= 3 and 0x80 <= data[at] < 0xC0:
        at -= 1
    return at if at >= 0 and data[at] >= 0xC0 else len(data)


def _find_not_utf8(path: Path, display: str) -> None:
    """Decode the file in Python and raise where it is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while True:
            block = handle.read(_BLOCK)
            # The decoder holds back the bytes of a character the block before cut; an error
            # is placed in them and this block together.
            held = len(decoder.getstate()[0])
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                _raise_not_utf8(path, display, offset - held + error.start)
            if not block:
                return
            offset += len(block)


def _raise_not_utf8(path: Path, display: str, position: int) -> None:
    with path.open("rb") as handle:
        head = handle.read(position + 200)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # the byte-order mark of UTF-16
        raise InvalidSubmission(_utf16_reason(display))
    line = head[:position].count(b"\n") + 1
    start = head.rfind(b"\n", 0, position) + 1
    end = head.find(b"\n", position)
    sample = head[start : end if end > 0 else None]
    guess, recode = guess_encoding(sample)
    raise InvalidSubmission(
        f"{display} n'est pas encodé en UTF-8 : octet 0x{head[position]:02X} invalide à la "
        f"ligne {line}. {guess} Réenregistrez le fichier en « CSV UTF-8 » depuis votre tableur, "
        f"ou convertissez-le : {_recode_command(display, recode)}"
    )


def guess_encoding(sample: bytes) -> tuple[str, str]:
    """Say what a non-UTF-8 line most likely is, and the iconv name to convert it from.

    Arabic words are runs of bytes above 0x7F; a French accent is one such byte, or two,
    between plain letters (`AÏT`, `ÉPICERIE`), and the same bytes would read as Arabic.

    >>> guess_encoding("محمد".encode("cp1256"))[1]
    'WINDOWS-1256'
    >>> guess_encoding("AÏT BAHA,ÉPICERIE".encode("cp1252"))[1]
    'WINDOWS-1252'
    """
    words = [run for run in _HIGH_RUN.findall(sample) if len(run) >= 3]
    arabic = b" ".join(words).decode("cp1256", errors="replace")
    if sum("\u0600" <= ch <= "\u06ff" for ch in arabic) >= 3:
        return (
            "Le contenu ressemble à du Windows-1256 (arabe), l'encodage des exports Excel "
            "en arabe.",
            "WINDOWS-1256",
        )
    return (
        "Le contenu ressemble à du Windows-1252 / Latin-1 (accents français).",
        "WINDOWS-1252",
    )


_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def check_header(header: list[str], display: str) -> None:
    missing = [c for c in COLUMNS if c not in header]
    # A column without a name is most often a comma left at the end of the header line.
    unknown = [c or "(sans nom : virgule en fin de ligne ?)" for c in header if c not in COLUMNS]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if not (missing or unknown or duplicated):
        return
    for separator, name in ((";", "points-virgules"), ("\t", "tabulations")):
        if len(header) == 1 and header[0].count(separator) >= len(COLUMNS) // 2:
            raise InvalidSubmission(
                f"{display} : les colonnes sont séparées par des {name}, or le format v1 "
                "les sépare par des virgules ; réenregistrez le fichier en « CSV UTF-8 "
                "(délimité par des virgules) » depuis votre tableur"
            )
    parts = []
    if missing:
        parts.append("colonnes manquantes : " + ", ".join(missing))
    if unknown:
        parts.append("colonnes inconnues : " + ", ".join(unknown))
    if duplicated:
        parts.append("colonnes en double : " + ", ".join(duplicated))
    # A column written in capitals (`CIN`, `Period`) is the commonest wrong header: it is
    # named with its spelling, rather than left for the reader to find in the list.
    respelled = [f"{c.lower()} au lieu de {c}" for c in unknown if c.lower() in missing]
    hint = (
        " ; les noms de colonnes s'écrivent en minuscules : écrivez " + ", ".join(respelled)
        if respelled
        else ""
    )
    raise InvalidSubmission(
        f"{display} : en-tête invalide ({' ; '.join(parts)}{hint}). La première ligne doit "
        f"donner les {len(COLUMNS)} colonnes du format v1 : {','.join(COLUMNS)}"
    )


def _read_sheet(path: Path) -> pl.DataFrame:
    try:
        sheet = pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as error:  # fastexcel raises its own types, with English messages
        raise InvalidSubmission(
            f"{path.name} : classeur XLSX illisible ({_why_unreadable(path, error)}) ; "
            "réenregistrez-le depuis votre tableur ou envoyez un CSV UTF-8"
        ) from error
    # Cells past the header's last column come under names of fastexcel's making: they are
    # a row's extra cells, as in a CSV, not a column of the header.
    unnamed = [c for c in sheet.columns if str(c).startswith(_UNNAMED)]
    check_header([str(c).strip() for c in sheet.columns if c not in unnamed], path.name)
    sheet = sheet.rename({c: str(c).strip() for c in sheet.columns if c not in unnamed})
    extra = first_value([pl.col(c).cast(pl.String) for c in unnamed])
    return sheet.select(
        *[_sheet_cell(c) for c in COLUMNS],
        extra.alias(EXTRA_CELLS),
    )


def _sheet_cell(column: str) -> pl.Expr:
    """A workbook's column as text. A spreadsheet date is a date and time: at midnight in any
    column, and at any time in a column that holds a date (a disbursement exported from a
    loan system with its hour), the cell is read as the date alone."""
    time = r"[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?" if column in DATE_COLUMNS else "[ T]00:00:00"
    text = pl.col(column).cast(pl.String)
    return text.str.replace(rf"^(\d{{4}}-\d{{2}}-\d{{2}}){time}$", "${1}")


def first_value(cells: list[pl.Expr]) -> pl.Expr:
    """The first of a row's extra cells that holds a value: a cell of spaces holds none, and
    must not hide a value further on.

    >>> frame = pl.DataFrame({"a": ["  ", None], "b": ["x", " y "]})
    >>> frame.select(first_value([pl.col("a"), pl.col("b")]).alias("v"))["v"].to_list()
    ['x', 'y']
    """
    values = [c.cast(pl.String).str.strip_chars().replace("", None) for c in cells]
    return pl.coalesce(pl.lit(None, dtype=pl.String), *values)


def _why_unreadable(path: Path, error: Exception) -> str:
    """What a data officer can do about a workbook the reader refused, in French (the
    reader's own message is English, and names its internals)."""
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an old .xls, or a protected workbook
        return "c'est un classeur Excel ancien (.xls) ou protégé par un mot de passe"
    if not start.startswith(b"PK"):
        return "ce n'est pas un classeur XLSX : un autre fichier renommé en .xlsx"
    if "zip" in str(error).lower():
        return "l'archive du classeur est endommagée ou incomplète"
    return "son contenu n'a pas pu être lu"


#: How fastexcel names a column whose header cell is empty.
_UNNAMED = "__UNNAMED__"


def read_chunks(source: SourceFile, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Yield frames of string columns (blank cells null) with `row`, the line in the file.

    The header is line 1, so `row` is what a spreadsheet shows for the record. A line with
    no value at all (empty, or only commas) is no record: it is skipped, and never counted.
    """
    if source.sheet is not None:
        frames: Iterator[pl.DataFrame] = iter([source.sheet])
    else:
        assert source.csv_path is not None
        frames = _parsed_blocks(source.csv_path)
    row = 2  # the header is line 1
    for frame in frames:
        frame = _with_row(frame, first=row)
        row += frame.height
        for offset in range(0, frame.height, chunk_rows):
            chunk = _tidy(frame.slice(offset, chunk_rows))
            if chunk.height:
                yield chunk


#: Cells parsed beyond the header's columns; a row is reported when one of them, or any
#: cell further on, has a value.
_EXTRA_READ = 4


def _parsed_blocks(path: Path) -> Iterator[pl.DataFrame]:
    """The file's blocks as string columns; the next block is parsed in a worker thread while
    the caller works on this one (Polars parses without holding the GIL), so reading overlaps
    the load and no more than two blocks are held."""
    header = _csv_header(path)
    extras = [f"_extra_{i}" for i in range(_EXTRA_READ)]
    schema = dict.fromkeys([*header, *extras], pl.String())
    # Polars takes the number of fields from a block's first line: a first line of empty
    # fields as wide as the schema lets rows longer than the header fill the extra columns.
    lead = b"," * (len(schema) - 1) + b"\n"
    blocks = csv_blocks(path, _CSV_BLOCK)
    line = 2  # of the block's first record: the header is line 1

    def parse_next() -> pl.DataFrame | None:
        nonlocal line
        block = next(blocks, None)
        if block is None:
            return None

        def parse(ragged: bool) -> pl.DataFrame:
            return pl.read_csv(
                lead + block,
                has_header=False,
                schema=schema,
                encoding="utf8",
                truncate_ragged_lines=ragged,
                empty_string_is_null=True,
            ).slice(1)

        try:
            frame = parse(ragged=False)
            beyond = pl.lit(None, dtype=pl.String)
        except pl.exceptions.PolarsError:
            # A record wider than the columns parsed (rare: a file with a problem) is parsed
            # cut, and what was cut is looked for by the csv module, in this block only.
            try:
                frame = parse(ragged=True)
            except pl.exceptions.PolarsError as error:
                # Polars' message quotes the rows (names, CINs): it is not shown.
                raise InvalidSubmission(_misquoted(path.name, block, line)) from error
            cut = _cells_beyond(block, len(schema))
            if cut is None or len(cut) != frame.height:
                raise InvalidSubmission(_misquoted(path.name, block, line)) from None
            beyond = pl.lit(pl.Series(cut, dtype=pl.String))
        line += block.count(b"\n")
        extra = first_value([pl.col(c) for c in extras] + [beyond])
        frame = frame.with_columns(extra.alias(EXTRA_CELLS)).drop(extras)
        # Rare, and costly to look for cell by cell: the rules look only where a block has one.
        return frame.with_columns(pl.lit(True).alias(HAS_NUL)) if b"\x00" in block else frame

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="centrale-csv") as worker:
        ahead = worker.submit(parse_next)
        while (frame := ahead.result()) is not None:
            ahead = worker.submit(parse_next)
            yield frame


def _cells_beyond(block: bytes, width: int) -> list[str | None] | None:
    """For each record of `block`, its first non-blank cell past the first `width`, if any
    (a blank line is a record of no cell, as Polars reads it); None when the csv module
    cannot read the block.

    Lines end at a newline only, as for Polars (`str.splitlines` would also cut at U+2028,
    a form feed or a lone carriage return, and count records Polars does not).
    """
    # The csv module ends a record at a carriage return even alone, and then refuses what
    # follows it on the line: a lone one stands aside, in a character no export writes.
    text = _LONE_CR.sub(_CR_ASIDE, block.decode("utf-8"))
    lines = io.StringIO(text, newline="\n")
    try:
        cut = [next((c for c in cells[width:] if c.strip()), None) for cells in csv.reader(lines)]
    except csv.Error:
        return None
    return [None if c is None else c.replace(_CR_ASIDE, "\r") for c in cut]


_LONE_CR = re.compile(r"\r(?!\n)")
_CR_ASIDE = "\U0010fffd"  # a private-use code point: kept apart, put back after


# A quoted value may be as long as the file: the csv module's guard (128 KiB) is Polars'
# business here.
csv.field_size_limit(1 << 30)


def _misquoted(display: str, block: bytes, first_line: int) -> str:
    """Why a block of records does not parse: nearly always a quote out of place. The first
    line with an odd number of quotes is named (a value in quotes may span lines, but then
    the block parses)."""
    for number, text in enumerate(block.split(b"\n"), start=first_line):
        if text.count(b'"') % 2:
            where = f"à la ligne {number}"
            break
    else:
        where = f"après la ligne {first_line}"
    return (
        f"{display} : CSV mal formé {where} : un guillemet (\") ouvre une valeur qu'aucun "
        "guillemet ne ferme, ou se trouve au milieu d'une valeur. Une valeur qui contient un "
        "guillemet ou une virgule s'écrit entre guillemets, le guillemet doublé : "
        '"5"" tubes". '
        "Réenregistrez le fichier en « CSV UTF-8 » depuis votre tableur : il place lui-même "
        "les guillemets."
    )


def _csv_header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def csv_blocks(path: Path, size: int) -> Iterator[bytes]:
    """The data lines of a CSV file (after its header), in blocks of about `size` bytes that
    each end at the end of a record.

    Polars' streaming reader parses the whole file ahead of a slow consumer, a gigabyte for a
    million rows; this reader holds one block. A record ends at a newline preceded by an even
    number of quotes (a quoted cell may hold a newline).
    """
    with path.open("rb") as handle:
        handle.readline()
        carry = b""
        while block := handle.read(size):
            data = carry + block
            end = _last_record_end(data)
            if end < 0:  # one record longer than a block, or a quote never closed
                carry = data
                continue
            yield data[: end + 1]
            carry = data[end + 1 :]
        if carry.strip():
            yield carry


def _last_record_end(data: bytes) -> int:
    """Index of the last newline of `data` (which starts at a record) that ends a record."""
    quotes = data.count(b'"')
    end = data.rfind(b"\n")
    after = data.count(b'"', end) if end >= 0 else 0
    while end >= 0 and (quotes - after) % 2:
        previous = data.rfind(b"\n", 0, end)
        after += data.count(b'"', max(previous, 0), end)
        end = previous
    return end


def _with_row(frame: FrameT, first: int = 2) -> FrameT:
    """`row`: the record's line in the file, as a spreadsheet shows it (the header is 1)."""
    return frame.with_row_index("row", offset=first).with_columns(pl.col("row").cast(pl.Int64))


def _tidy(chunk: pl.DataFrame) -> pl.DataFrame:
    # Spaces around a value are noise, and a blank cell is an absent value (both readers
    # already made their extra cells so, with `first_value`).
    tidy = chunk.select(
        "row",
        *[pl.col(c).str.strip_chars().replace("", None).alias(c) for c in COLUMNS],
        EXTRA_CELLS,
        *([HAS_NUL] if HAS_NUL in chunk.columns else []),
    )
    return tidy.filter(~pl.all_horizontal(pl.exclude("row", HAS_NUL).is_null()))
