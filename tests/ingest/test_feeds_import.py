"""The feed parser (RSS 2.0, RSS 1.0/RDF, Atom), without the database."""

from datetime import UTC, datetime

import pytest

from ingest.importers import FormatError, feeds

from .helpers import parse_file


def test_rss2_entries_map_to_articles():
    articles, rejections, _ = parse_file(feeds, "feed_rss2.xml")
    bridge = articles[0]
    assert bridge.import_ref == "courier-1001"
    assert bridge.headline == "Bridge finally opens & traffic flows"  # HTML title as text
    assert "<p>The new bridge opened at dawn.</p>" in bridge.body  # CDATA content:encoded
    assert "steal()" not in bridge.body and "bad()" not in bridge.body
    assert bridge.summary == "Short teaser for the bridge story."
    assert bridge.published_at == datetime(2025, 6, 10, 6, 15, tzinfo=UTC)
    assert bridge.byline == "Maren Holt"
    assert bridge.tags == ["Transport", "Local"]
    assert (bridge.source_name, bridge.source_url) == (
        "Valley Courier & Times",
        "https://courier.example.net/2025/bridge-opens",
    )
    undated = articles[1]
    assert undated.import_ref == "https://courier.example.net/2025/undated"  # no guid: the link
    assert undated.published_at is None  # the import time, decided when saving
    assert undated.body == (
        'A description with <a href="https://courier.example.net/">a link</a> & an ampersand.'
    )  # CDATA kept verbatim; clean_html escapes the & when it is stored


def test_rss2_bad_entries_are_rejected_and_duplicates_left_to_the_save_path():
    articles, rejections, _ = parse_file(feeds, "feed_rss2.xml")
    assert [a.import_ref for a in articles].count("courier-1001") == 2
    assert [(r.record, r.field) for r in rejections] == [(5, "published_at")]


def test_atom_offsets_html_titles_and_text_content():
    (snow, plain), rejections, _ = parse_file(feeds, "feed_atom.xml")
    assert not rejections
    assert snow.headline == "Snow in July?"
    assert snow.published_at == datetime(2025, 7, 2, 4, 30, tzinfo=UTC)  # -05:00 honoured
    assert "<strong>ten minutes</strong>" in snow.body
    assert snow.tags == ["Weather"] and snow.byline == "R. Okafor"
    assert snow.source_url == "https://hill.example.org/snow-in-july"
    assert plain.published_at == datetime(2025, 7, 2, 12, tzinfo=UTC)  # updated, no published
    assert plain.body == "<p>Plain text content.</p><p>Second paragraph &lt;not a tag&gt;.</p>"


def test_rss1_rdf_declared_latin1_and_date_only():
    (article,), _, _ = parse_file(feeds, "feed_rdf_latin1.xml")
    assert article.headline == "Blåbær season opens early in Ålesund"
    assert article.body == "Pickers report a good year \u2013 almost."
    assert article.import_ref == "https://fjord.example.no/a/1"
    assert article.published_at == datetime(2025, 8, 15, tzinfo=UTC)
    assert article.tags == ["Food"]


def test_utf16_with_byte_order_mark():
    (article,), _, _ = parse_file(feeds, "feed_utf16_bom.xml")
    assert article.headline == "Über-long bytes: 日本"
    assert article.published_at == datetime(2025, 9, 1, 12, tzinfo=UTC)


def test_truncated_feed_yields_what_it_can():
    articles, _, _ = parse_file(feeds, "feed_truncated.xml")
    assert articles[0].import_ref == "courier-1001"


def test_entity_declarations_are_refused():
    with pytest.raises(FormatError, match="refused"):
        parse_file(feeds, "feed_entities.xml")


def test_a_document_that_is_no_feed_is_refused():
    with pytest.raises(FormatError, match="not an RSS or Atom feed"):
        parse_file(feeds, "not_a_feed.html")


def test_long_author_lists_are_shortened_at_a_word():
    authors = ", ".join(f"Author Number{n}" for n in range(30))
    short = feeds.shorten(authors, 200)
    assert len(short) <= 200 and short.endswith("…") and short.startswith("Author Number0, ")
