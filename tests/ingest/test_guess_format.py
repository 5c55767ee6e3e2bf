import pytest

from ingest.importers import FormatError, guess_format

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
