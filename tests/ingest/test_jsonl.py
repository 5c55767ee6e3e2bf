from datetime import UTC, datetime, timedelta, timezone

import pytest

from ingest.importers import FormatError, jsonl
from ingest.importers.records import ImportedArticle, Rejection

from .helpers import DATA, parse_file


def test_parses_records_with_line_numbers():
    articles, rejections, _ = parse_file(jsonl, "articles.jsonl")
    assert [a.import_ref for a in articles] == [
        "desk:1", "desk:2", "desk:3", "desk:1", "desk:8", "desk:10", "desk:11"
    ]  # fmt: skip
    first = articles[0]
    assert first.line == 1
    assert first.headline == "Ferry timetable changes from May"
    assert first.tags == ["Transport", "Local"]
    assert first.status == "published"
    assert first.byline == "Ines Marlow"
    assert first.published_at == datetime(2025, 4, 1, 8, 30, tzinfo=UTC)
    assert first.published_at.utcoffset() == timedelta(hours=1)
    assert articles[2].line == 4  # the blank line 3 still counts


def test_naive_and_date_only_dates_stay_naive_for_the_site_zone():
    articles, _, _ = parse_file(jsonl, "articles.jsonl")
    by_ref = {a.import_ref: a for a in articles}
    assert by_ref["desk:2"].published_at == datetime(2025, 4, 2, 10, 0)
    assert by_ref["desk:2"].published_at.tzinfo is None
    assert by_ref["desk:3"].published_at == datetime(2025, 4, 3, 0, 0)


def test_rejects_bad_records_with_line_field_and_reason():
    _, rejections, _ = parse_file(jsonl, "articles.jsonl")
    found = {(r.line, r.field): r.reason for r in rejections}
    assert found == {
        (6, "published_at"): "not an ISO 8601 date or date and time",
        (7, "colour"): "unknown field",
        (8, "headline"): "missing headline",
        (10, ""): "not JSON: Expecting value",
    }


def test_read_only_export_keys_are_accepted_and_unicode_kept():
    articles, _, _ = parse_file(jsonl, "articles.jsonl")
    cafe = next(a for a in articles if a.import_ref == "desk:8")
    assert cafe.headline == "Café owners welcome “pedestrian Sundays”"
    assert "Crème brûlée" in cafe.body


def test_identity_falls_back_to_source_url_then_slug():
    lines = [
        b'{"headline": "A", "body": "", "source_url": "https://x.example/a"}\n',
        b'{"headline": "B", "body": "", "slug": "b-story"}\n',
        b'{"headline": "C", "body": ""}\n',
    ]
    refs = [item.import_ref for item in jsonl.parse(iter(lines))]
    assert refs == ["https://x.example/a", "newsroom:b-story", ""]


def test_wrong_types_are_rejected():
    lines = [
        b'{"headline": "A", "body": "", "tags": "Politics"}\n',
        b'{"headline": ["A"], "body": ""}\n',
        b"[1, 2]\n",
        b'{"headline": "A", "body": "\xff"}\n',
    ]
    items = list(jsonl.parse(iter(lines)))
    assert all(isinstance(i, Rejection) for i in items)
    assert [i.field for i in items] == ["tags", "headline", "", ""]


def test_bom_is_ignored():
    items = list(jsonl.parse(iter([b'\xef\xbb\xbf{"headline": "A", "body": "b"}\n'])))
    assert isinstance(items[0], ImportedArticle)


def test_offset_dates_keep_their_offset():
    items = list(
        jsonl.parse(
            iter([b'{"headline": "A", "body": "", "published_at": "2025-01-01T10:00:00-03:00"}'])
        )
    )
    assert items[0].published_at == datetime(2025, 1, 1, 13, 0, tzinfo=UTC)
    assert items[0].published_at.tzinfo == timezone(timedelta(hours=-3))


def test_check_refuses_other_encodings_and_formats(tmp_path):
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes('{"headline": "A", "body": ""}\n'.encode("utf-16"))
    with utf16.open("rb") as fp, pytest.raises(FormatError, match="not UTF-8"):
        jsonl.check(fp)
    with (
        (DATA / "articles.csv").open("rb") as fp,
        pytest.raises(FormatError, match="not JSON Lines"),
    ):
        jsonl.check(fp)
