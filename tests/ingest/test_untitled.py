"""Untitled WordPress posts and feed entries are imported with a headline made from their text."""

import io
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from ingest.importers import feeds, jsonl, wordpress
from ingest.importers.records import ImportedArticle, Rejection
from ingest.importers.untitled import MADE_HEADLINE_LENGTH, made_headline

from .helpers import DATA, parse_file
from .test_corpus import CORPUS


def test_headline_is_the_first_sentence():
    body = "<p>The <b>harbour</b> wall gave way at dawn. Nobody was hurt.</p>"
    assert made_headline(body, None) == "The harbour wall gave way at dawn."


def test_a_long_first_sentence_is_cut_at_a_whole_word():
    sentence = "Councillors " + "argued late into the night about the bridge " * 5 + "again."
    headline = made_headline(f"<p>{sentence}</p>", None)
    assert len(headline) <= MADE_HEADLINE_LENGTH
    assert headline.endswith("…")
    assert sentence.startswith(headline.removesuffix("…"))
    assert sentence[len(headline) - 1] == " "  # the cut falls between words


def test_without_text_the_headline_is_the_date_in_the_site_zone(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    assert made_headline("<p> </p>", datetime(2025, 7, 4, 23, 30, tzinfo=UTC)) == "5 July 2025"


def test_untitled_wordpress_post_gets_a_headline():
    articles, rejections, _ = parse_file(wordpress, "export.wxr.xml")
    untitled = next(a for a in articles if a.import_ref.endswith(":107"))
    assert untitled.untitled
    assert untitled.headline == "5 July 2025"  # no text: the date, in Europe/London
    assert [r.field for r in rejections] == ["published_at"]


def test_untitled_feed_entry_gets_a_headline():
    articles, rejections, _ = parse_file(feeds, "feed_rss2.xml")
    untitled = next(a for a in articles if a.import_ref == "courier-1004")
    assert (untitled.headline, untitled.untitled) == ("An item with no title.", True)
    assert [(r.record, r.field) for r in rejections] == [(5, "published_at")]


def test_jsonl_record_without_a_headline_is_still_rejected():
    (item,) = jsonl.parse(io.BytesIO(b'{"body": "<p>Text.</p>"}\n'))
    assert isinstance(item, Rejection)
    assert (item.field, item.reason) == ("headline", "missing headline")


@pytest.mark.django_db
def test_import_counts_untitled_items_in_its_summary(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="1 record"):  # the post with a broken date
        call_command("import_articles", str(DATA / "export.wxr.xml"), stdout=out, stderr=StringIO())
    assert "1 untitled, headline made from the text" in out.getvalue()
    assert Article.objects.filter(headline="5 July 2025").exists()


@pytest.mark.django_db
@pytest.mark.skipif(CORPUS is None, reason="no shared/corpus/ beside the checkout")
def test_untitled_draft_in_a_real_wordpress_export_is_kept():
    path = CORPUS / "wxr" / "pelican_wordpressexport.xml"
    with path.open("rb") as fp:
        items = list(wordpress.parse(fp))
    post = next(
        i for i in items if isinstance(i, ImportedArticle) and i.import_ref.endswith(":168")
    )
    assert post.headline == "This is a draft with no title"
    out = StringIO()
    with pytest.raises(CommandError, match="2 record"):  # two posts repeat earlier post ids
        call_command("import_articles", str(path), stdout=out, stderr=StringIO())
    assert "1 untitled, headline made from the text" in out.getvalue()
    article = Article.objects.get(headline="This is a draft with no title")
    assert article.status == Article.Status.DRAFT
