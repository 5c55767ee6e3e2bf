"""One JSON document holding a list of records: a news API's response, another
system's dump (`--format json`).

The records are the document itself when it is a list, else the list at
`--records PATH` (dots between keys: `articles` in a news API's
`{"status": "ok", "articles": [...]}`, `data.items`). Each record is an object
read as a JSON Lines record (`ingest.importers.jsonl.from_fields`): keys named
as our fields, or renamed with `--map` and left out with `--ignore`
(`ingest.importers.mapping`), nested objects reached with dots. `null` counts
as missing. A key that is neither ours, mapped nor ignored in any record refuses
the whole file before anything is written, with the `--map` line that would fix
it; so does a document whose records cannot be found.

`import_ref` follows the JSON Lines rule: the record's own, else its `source_url`
(a news API's `url`). Record numbers count the list's items from 1.

The document is read whole (it is one value, not a stream): for exports too large
for memory, JSON Lines is the format.
"""

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from ingest.importers.jsonl import REQUIRED_FIELDS, from_fields
from ingest.importers.mapping import NO_MAP, FieldMap, flatten, unknown_fields_error
from ingest.importers.records import FormatError, ImportedArticle, Rejection

# How deep `records_error()` looks for lists of objects to suggest as --records.
SUGGESTION_DEPTH = 3


def load(fp: BinaryIO) -> Any:
    """The document's value; FormatError saying where it stops being JSON."""
    data = fp.read()
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 (byte {error.start}): {error.reason}") from None
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not one JSON document: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise FormatError("not a JSON document we read: nested too deeply") from None


def records_of(document: Any, path: str) -> list:
    """The list of records at `path` (dotted keys), or the document when it is a list."""
    if not path:
        if isinstance(document, list):
            return document
        raise FormatError(records_error(document))
    value = document
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            raise FormatError(f"--records {path}: the document has no {key!r} there")
        value = value[key]
    if not isinstance(value, list):
        raise FormatError(f"--records {path}: that is not a list of records")
    return value


def records_error(document: Any) -> str:
    """Why the records cannot be found, with the --records PATH that would find them."""
    if not isinstance(document, dict):
        return "not a list of records, nor an object holding one"
    candidates = list(record_lists(document))
    if not candidates:
        return "the document is one object with no list of records in it"
    hint = " or ".join(f"--records {path}" for path in candidates)
    return f"the document is one object: say where its records are, e.g. {hint}"


def record_lists(value: dict, prefix: str = "", depth: int = 1) -> Iterator[str]:
    for key, inner in value.items():
        if isinstance(inner, list) and inner and all(isinstance(r, dict) for r in inner):
            yield f"{prefix}{key}"
        elif isinstance(inner, dict) and depth < SUGGESTION_DEPTH:
            yield from record_lists(inner, f"{prefix}{key}.", depth + 1)


def check(fp: BinaryIO, fields: FieldMap = NO_MAP, records: str = "") -> None:
    """Refuse a document whose records cannot be found or name unknown keys."""
    check_records(records_of(load(fp), records), fields)


def check_records(items: list, fields: FieldMap) -> None:
    keys: dict[str, None] = {}  # every key, in order of first appearance
    for item in items:
        if isinstance(item, dict):
            keys.update(dict.fromkeys(flatten(item)))
    if unknown := fields.unknown(keys):
        present = [key for key in keys if key in fields.renames or key not in unknown]
        raise FormatError(unknown_fields_error(unknown, present, fields, "key(s)"))
    if clashes := fields.clashes(keys):
        raise FormatError(f"records have {', '.join(clashes)} both under our name and mapped")
    mapped = {fields.renames.get(key, key) for key in keys}
    if missing := [name for name in REQUIRED_FIELDS if name not in mapped]:
        raise FormatError(f"no record has {', '.join(missing)}: map a key to it with --map")


def parse(
    fp: BinaryIO, fields: FieldMap = NO_MAP, records: str = ""
) -> Iterator[ImportedArticle | Rejection]:
    for number, item in enumerate(records_of(load(fp), records), 1):
        if not isinstance(item, dict):
            yield Rejection(number, "", "not a JSON object", raw=item)
            continue
        yield from_fields(number, fields.apply(item), raw=item)
