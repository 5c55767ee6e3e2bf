"""The WXR parser, without the database."""

from datetime import UTC, datetime

import pytest

from ingest.importers import FormatError, wordpress

from .helpers import DATA, parse_file


@pytest.fixture(scope="module")
def parsed():
    return parse_file(wordpress, "export.wxr.xml")


def test_posts_map_to_articles(parsed):
    articles, _, _ = parsed
    herons = articles[0]
    assert herons.import_ref == "wxr:marsh.example.com/news:101"
    assert herons.headline == "Herons & egrets return to the reed beds"
    assert herons.body == (
        "<p>The first pair arrived at dawn.</p>"
        "<p>Volunteers counted <strong>forty</strong> nests by noon.</p>"
    )
    assert herons.summary == "Forty nests by noon."
    assert herons.byline == "Hattie Bell"  # the login's display name
    assert herons.tags == ["Wildlife", "Birds"]  # post formats are not tags
    assert herons.slug == "herons-return"
    assert herons.status == "published"
    assert herons.published_at == datetime(2025, 4, 5, 6, 0, tzinfo=UTC)


def test_statuses_follow_the_contract(parsed):
    articles, _, _ = parsed
    status = {a.import_ref.rsplit(":", 1)[1]: a.status for a in articles}
    assert status == {
        "101": "published",
        "102": "draft",
        "103": "draft",  # published but password-protected
        "104": "published",  # future: scheduled by its date
        "105": "draft",  # private
        "107": "published",  # untitled: imported with a headline made from the text
    }
    future = next(a for a in articles if a.import_ref.endswith(":104"))
    assert future.published_at == datetime(2099, 10, 1, 8, tzinfo=UTC)


def test_zero_gmt_date_falls_back_to_local_date(parsed):
    articles, _, _ = parsed
    draft = next(a for a in articles if a.import_ref.endswith(":102"))
    assert draft.published_at == datetime(2025, 7, 1, 9, 0)  # naive: the site's zone
    assert draft.byline == "someone-else"  # no author entry: the login itself


def test_non_posts_skipped_and_bad_posts_rejected(parsed):
    _, rejections, skipped = parsed
    assert sorted(s.kind for s in skipped) == ["attachment", "page", "trash post"]
    assert [(r.field, r.reason) for r in rejections] == [
        ("published_at", "cannot read the date '2025-13-45 99:00:00'"),
    ]


def test_wxr_1_0_namespaces_and_declared_latin1():
    (article,), _, _ = parse_file(wordpress, "old_wxr_1_0_latin1.xml")
    assert article.import_ref == "wxr:old.example.org:7"
    assert article.headline == "Café crawl – part one"
    assert article.body == "<p>Naïve espresso review.</p>"
    assert article.published_at == datetime(2008, 2, 29, 23, 30)


def test_truncated_export_is_refused_with_its_line():
    with (DATA / "export_truncated.wxr.xml").open("rb") as fp:
        with pytest.raises(FormatError, match=r"ill-formed XML at line \d+"):
            wordpress.check(fp)


def test_a_feed_is_not_a_wxr_export():
    with (DATA / "feed_rss2.xml").open("rb") as fp, pytest.raises(FormatError, match="not a WXR"):
        wordpress.check(fp)


def test_entity_declarations_are_refused():
    with (DATA / "feed_entities.xml").open("rb") as fp, pytest.raises(FormatError, match="refused"):
        wordpress.check(fp)
