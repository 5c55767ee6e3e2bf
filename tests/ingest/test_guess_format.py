import json

import pytest

from ingest.importers import FormatError, guess_format, read_head

from .helpers import DATA


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("articles.jsonl", "jsonl"),
        ("articles.csv", "csv"),
        ("feed_rss2.xml", "rss"),
        ("feed_rdf_latin1.xml", "rss"),
        ("feed_utf16_bom.xml", "rss"),
        ("feed_atom.xml", "atom"),
        ("export.wxr.xml", "wxr"),
        ("old_wxr_1_0_latin1.xml", "wxr"),
    ],
)
def test_format_guessed_from_content(name, expected):
    assert guess_format((DATA / name).read_bytes()[:65536]) == expected


def test_unknown_content_is_refused():
    with pytest.raises(FormatError):
        guess_format(b"\x00\x01 binary garbage")
    with pytest.raises(FormatError, match="no feed or WXR"):
        guess_format((DATA / "not_a_feed.html").read_bytes())


@pytest.mark.parametrize(
    ("name", "expected"),
    [("feed.json", "jsonfeed"), ("ghost2.json", "ghost"), ("ghost5.json", "ghost"),
     ("newsapi.json", "json"), ("mapped.csv", "csv")],
)  # fmt: skip
def test_json_documents_and_other_csvs_are_guessed(name, expected):
    assert guess_format((DATA / name).read_bytes()[:65536]) == expected


def test_one_json_value_is_json_and_one_object_a_line_is_json_lines():
    record = json.dumps({"headline": "A", "body": "<p>b</p>"}).encode()
    assert guess_format(record + b"\n" + record + b"\n") == "jsonl"
    assert guess_format(record + b"\n") == "jsonl"  # one record of ours on one line
    assert guess_format(b'{"title": "A", "text": "b"}\n') == "jsonl"  # another system's
    document = {"status": "ok", "articles": [{"title": "A"}]}
    assert guess_format(json.dumps(document).encode()) == "json"  # minified: one line
    assert guess_format(json.dumps(document, indent=2).encode()) == "json"
    assert guess_format(b"[\n]") == "json"


def test_a_first_line_longer_than_the_head_is_read_whole(tmp_path):
    long_record = json.dumps({"headline": "A", "body": "<p>" + "x" * 100_000 + "</p>"})
    path = tmp_path / "long.jsonl"
    path.write_text(long_record + "\n" + long_record + "\n")
    with path.open("rb") as fp:
        assert guess_format(read_head(fp)) == "jsonl"
    path.write_text(json.dumps({"articles": [{"title": "x" * 100_000}]}))  # one long line
    with path.open("rb") as fp:
        assert guess_format(read_head(fp)) == "json"
    pretty = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "x" * 100_000}]}
    path.write_text(json.dumps(pretty, indent=2))  # larger than the head, over many lines
    with path.open("rb") as fp:
        assert guess_format(read_head(fp)) == "jsonfeed"
