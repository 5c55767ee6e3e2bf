"""CSV with a header row: the JSON Lines fields as columns.

Columns are named as the JSON Lines keys (see `jsonl`), or renamed to them with
`--map` and left out with `--ignore` (`ingest.importers.mapping`: a spreadsheet
from elsewhere, `--map title=headline --ignore label`); only `headline` and
`body` are required, and any other column name is an error for the whole file.
`tags` holds tag names separated by `|` (TAG_SEPARATOR), e.g. `Politics|Local`.
An empty cell counts as missing. `import_ref` follows the JSON Lines rule (the
record's own, else its `source_url`, else `newsroom:<slug>`).

The file must be UTF-8 (a byte-order mark, as spreadsheet programs write, is
allowed), comma-separated with double-quote quoting. Record numbers count data
rows from 1; `line` is the file line the row starts on.
"""

import codecs
import csv
from collections.abc import Iterator
from typing import BinaryIO

from ingest.importers.jsonl import REQUIRED_FIELDS, from_fields
from ingest.importers.mapping import NO_MAP, FieldMap, unknown_fields_error
from ingest.importers.records import HEAD_SIZE, FormatError, ImportedArticle, Rejection

TAG_SEPARATOR = "|"
FIELD_SIZE_LIMIT = 64 * 1024 * 1024  # the csv module's default (128 KB) is below long bodies


def sniff(head: bytes) -> bool:
    """Does the start of a file look like CSV: a first line of names between commas?
    (Which names, `check()` says: ours, or mapped to ours with --map.)"""
    first = head.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[0].strip()
    return b"," in first and not first.startswith((b"<", b"{", b"[")) and b"\x00" not in first


def check(fp: BinaryIO, fields: FieldMap = NO_MAP) -> None:
    head = fp.read(HEAD_SIZE)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:
            raise FormatError(f"not UTF-8 (byte {error.start}): {error.reason}") from None
        text = head[: error.start].decode("utf-8-sig")
    header_line = text.splitlines()[0] if text else ""
    check_header(next(csv.reader([header_line]), []), fields)


def check_header(header: list[str], fields: FieldMap = NO_MAP) -> None:
    if unknown := fields.unknown(header):
        present = [name for name in header if name not in unknown]
        raise FormatError(
            unknown_fields_error(unknown, present, fields, "column(s) in the header row")
        )
    if clashes := fields.clashes(header):
        raise FormatError(f"two columns would fill {', '.join(clashes)}: ours and a mapped one")
    named = {fields.renames.get(name, name) for name in header if not fields.is_ignored(name)}
    missing = [name for name in REQUIRED_FIELDS if name not in named]
    if missing:
        raise FormatError(f"the header row lacks required column(s): {', '.join(missing)}")


def parse(fp: BinaryIO, fields: FieldMap = NO_MAP) -> Iterator[ImportedArticle | Rejection]:
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(decoded_lines(fp))
    try:
        header = next(reader, None)
        if header is None:
            return
        check_header(header, fields)
        number = 0
        start = reader.line_num + 1
        for row in reader:
            number += 1
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                number -= 1
                continue
            if len(row) > len(header):
                yield Rejection(number, "", "more cells than header columns", line=line, raw=row)
                continue
            raw = {name: cell for name, cell in zip(header, row, strict=False) if cell != ""}
            data = fields.apply(raw) if fields else dict(raw)
            if isinstance(data.get("tags"), str):
                data["tags"] = [t.strip() for t in data["tags"].split(TAG_SEPARATOR) if t.strip()]
            yield from_fields(number, data, line=line, raw=raw)
    except csv.Error as error:
        raise FormatError(f"line {reader.line_num}: {error}") from None


def decoded_lines(fp: BinaryIO) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a bad byte is found at its line."""
    for number, line in enumerate(fp, 1):
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError(f"not UTF-8 at line {number}: {error.reason}") from None
