"""JSON Feed 1.0 and 1.1, read like RSS and Atom (feed.json was written for these tests)."""

import json
from datetime import UTC, datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from ingest.importers import FormatError, guess_format, jsonfeed

from .helpers import DATA, parse_file


def test_json_feeds_are_guessed_from_their_version(tmp_path):
    assert guess_format((DATA / "feed.json").read_bytes()) == "jsonfeed"
    one_line = json.dumps({"version": "https://jsonfeed.org/version/1", "title": "T", "items": []})
    assert guess_format(one_line.encode()) == "jsonfeed"


def test_items_are_read_like_feed_entries():
    articles, rejections, _ = parse_file(jsonfeed, "feed.json")
    lights, mill, untitled = articles
    assert lights.import_ref == "https://marshgazette.example/2025/06/harbour-lights/"
    assert lights.headline == "Harbour lights switched on"
    assert lights.body.startswith("<h2>At last</h2>")  # HTML as given; sanitized when stored
    assert lights.summary == "The new lamps are brighter and use less power."
    assert lights.byline == "Ada Reed, Ben Cole"
    assert lights.source_name == "Marsh Gazette"
    assert lights.tags == ["Harbour", "Energy"]
    assert lights.published_at == datetime(2025, 6, 3, 20, 15, tzinfo=timezone(timedelta(hours=1)))
    assert lights.lead_image.url == "https://marshgazette.example/images/lamps.jpg"
    assert lights.old_addresses == ["/2025/06/harbour-lights"]

    assert mill.import_ref == "2041"  # a number is read as its text
    assert mill.body == (
        "<p>Volunteers have restored the wheel.</p><p>The first flour goes on sale in July.</p>"
    )
    assert mill.published_at == datetime(2025, 6, 2, 10, tzinfo=UTC)  # date_modified
    assert mill.old_addresses is None  # on another host than the feed's
    assert (untitled.untitled, untitled.headline) == (True, "Ferries run late tonight.")
    assert [(r.record, r.field) for r in rejections] == [(4, "published_at")]


def test_version_one_authors_and_what_is_not_a_json_feed(tmp_path):
    path = tmp_path / "v1.json"
    path.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1",
                "title": "Old",
                "items": [{"id": "1", "title": "T", "content_text": "x", "author": {"name": "Al"}}],
            }
        )
    )
    with path.open("rb") as fp:
        (item,) = jsonfeed.parse(fp)
    assert item.byline == "Al"
    path.write_text('{"version": "https://jsonfeed.org/version/2", "items": []}')
    with path.open("rb") as fp, pytest.raises(FormatError, match="not a JSON Feed"):
        jsonfeed.check(fp)


@pytest.mark.django_db
def test_importing_a_json_feed_sanitizes_its_html(client):
    out = StringIO()
    with pytest.raises(CommandError, match="1 record\\(s\\) rejected"):
        call_command("import_articles", str(DATA / "feed.json"), "--status", "published",
                     stdout=out, stderr=StringIO())  # fmt: skip
    assert "3 created, 0 updated, 0 unchanged, 1 rejected" in out.getvalue()
    lights = Article.objects.get(slug="harbour-lights-switched-on")
    assert "<strong>dusk</strong>" in lights.body
    for unsafe in ("<script", "onclick", "javascript:"):
        assert unsafe not in lights.body
    response = client.get("/2025/06/harbour-lights/")
    assert (response.status_code, response["Location"]) == (301, lights.get_absolute_url())


@pytest.mark.django_db
def test_our_own_json_feed_reads_back(client, make_article, tmp_path):
    make_article(headline="Quay wall mended", body="<p>Stone by stone.</p>", tags=["Harbour"])
    path = tmp_path / "feed.json"
    path.write_bytes(client.get("/feed.json").content)
    with path.open("rb") as fp:
        (item,) = jsonfeed.parse(fp)
    assert (item.headline, item.body, item.tags) == (
        "Quay wall mended",
        "<p>Stone by stone.</p>",
        ["Harbour"],
    )
