"""Imports keep their items' old addresses, and a site moving in keeps its links."""

from io import StringIO
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, OldAddress
from ingest.importers import feeds, wordpress

from .helpers import DATA, parse_file

WP = "{http://wordpress.org/export/1.2/}"


def run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_wordpress_posts_carry_their_permalink_and_query_address():
    articles, _, skipped = parse_file(wordpress, "moving.wxr.xml")
    addresses = {a.import_ref: a.old_addresses for a in articles}
    assert addresses["wxr:harbourtimes.example:11"] == ["/2019/03/14/ferry-strike-ends", "/?p=11"]
    assert addresses["wxr:harbourtimes.example:12"] == ["/2019/04/02/café-reopens", "/?p=12"]
    assert addresses["wxr:harbourtimes.example:14"] == ["/?p=14"]  # a draft's link is ?p=
    assert [s.kind for s in skipped] == ["page"]


def test_a_blog_below_the_root_keeps_its_permalinks_but_not_query_addresses():
    # export.wxr.xml's blog lives at https://marsh.example.com/news/
    articles, _, _ = parse_file(wordpress, "export.wxr.xml")
    herons = next(a for a in articles if a.slug == "herons-return")
    assert herons.old_addresses == ["/news/herons-return"]


def test_feed_items_keep_links_on_the_feeds_own_host_only(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        """<?xml version="1.0"?><rss version="2.0"><channel><title>Quay</title>
        <link>https://quay.example/</link>
        <item><guid>1</guid><title>Own</title><link>https://quay.example/2025/own/</link></item>
        <item><guid>2</guid><title>Tagged</title>
          <link>https://quay.example/2025/tagged?utm_source=rss&amp;utm_medium=feed</link></item>
        <item><guid>3</guid><title>Wire</title><link>https://wire.example/2025/wire/</link></item>
        <item><guid>4</guid><title>Query</title><link>https://quay.example/story.php?id=4</link></item>
        </channel></rss>"""
    )
    with feed.open("rb") as fp:
        addresses = [item.old_addresses for item in feeds.parse(fp)]
    assert addresses == [["/2025/own"], ["/2025/tagged"], None, None]


def published_posts(path):
    """(post id, link) of every published post in a WXR file, read independently."""
    for item in ElementTree.parse(path).iter("item"):
        if item.findtext(f"{WP}post_type") == "post" and item.findtext(f"{WP}status") == "publish":
            yield item.findtext(f"{WP}post_id"), item.findtext("link")


@pytest.mark.django_db
def test_every_published_posts_old_address_answers_301_after_a_wordpress_import(
    client, make_article
):
    live = make_article(slug="lifeboat-day", headline="Our own lifeboat story")
    run(DATA / "moving.wxr.xml", "--status", "published")

    posts = list(published_posts(DATA / "moving.wxr.xml"))
    assert len(posts) == 4
    for post_id, link in posts:
        article = Article.objects.get(import_ref=f"wxr:harbourtimes.example:{post_id}")
        parts = urlsplit(link)
        for address in (parts.path, f"/?p={post_id}"):
            response = client.get(address, follow=True)
            assert response.redirect_chain, address
            assert all(status == 301 for _, status in response.redirect_chain), address
            assert response.redirect_chain[-1][0] == article.get_absolute_url(), address
            assert response.status_code == 200
    # The post whose slug a live story had took another; the live story keeps its address.
    assert client.get("/lifeboat-day/").context["article"] == live
    assert client.get("/2019/05/01/lifeboat-day/")["Location"] == "/lifeboat-day-2/"


@pytest.mark.django_db
def test_unpublished_posts_old_addresses_lead_nowhere_yet(client):
    run(DATA / "moving.wxr.xml")
    assert client.get("/2031/08/20/regatta-results/").status_code == 404  # scheduled
    assert client.get("/?p=14").status_code == 200  # a draft: the front page, as before


@pytest.mark.django_db
def test_reimport_adds_no_address_twice():
    run(DATA / "moving.wxr.xml")
    stored = sorted(OldAddress.objects.values_list("address", flat=True))
    assert "6 unchanged" in run(DATA / "moving.wxr.xml")
    assert sorted(OldAddress.objects.values_list("address", flat=True)) == stored


@pytest.mark.django_db
def test_an_address_another_article_holds_stays_with_it(tmp_path):
    run(DATA / "moving.wxr.xml")
    ferry = Article.objects.get(import_ref="wxr:harbourtimes.example:11")
    other = tmp_path / "other.jsonl"
    other.write_text(
        '{"import_ref": "x:1", "headline": "Other", "body": "",'
        ' "old_addresses": ["/2019/03/14/ferry-strike-ends/", "/2019/03/14/other/"]}\n'
    )
    run(other)
    assert OldAddress.objects.get(address="/2019/03/14/ferry-strike-ends").article == ferry
    assert OldAddress.objects.get(address="/2019/03/14/other").article.import_ref == "x:1"


@pytest.mark.django_db
def test_old_addresses_in_json_lines_must_be_paths(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"headline": "A", "body": "", "old_addresses": ["https://x.example/a"]}\n')
    with pytest.raises(CommandError, match="1 record\\(s\\) rejected"):
        run(bad)


@pytest.mark.django_db
def test_redirects_only_adds_old_addresses_to_an_archive_imported_earlier(client, make_article):
    run(DATA / "moving.wxr.xml", "--status", "published")
    OldAddress.objects.all().delete()  # as imported before old addresses were kept
    ferry = Article.objects.get(import_ref="wxr:harbourtimes.example:11")
    Article.objects.filter(pk=ferry.pk).update(headline="Edited here since")
    other = make_article(slug="someone-else")
    OldAddress.objects.create(address="/?p=12", article=other)
    Article.objects.filter(import_ref="wxr:harbourtimes.example:13").delete()
    before = list(Article.objects.order_by("pk").values())

    out = run(DATA / "moving.wxr.xml", "--redirects-only", "--dry-run")
    assert out.startswith("Dry run (nothing written): would have added 8 old address(es)")
    assert OldAddress.objects.count() == 1

    out = run(DATA / "moving.wxr.xml", "--redirects-only")
    assert out == (
        "Added 8 old address(es) to 5 article(s); 1 already lead to another article, "
        "which keeps them; 1 record(s) name no article here (import the file first).\n"
    )
    assert list(Article.objects.order_by("pk").values()) == before  # no article changed
    response = client.get("/2019/03/14/ferry-strike-ends/")
    assert (response.status_code, response["Location"]) == (301, ferry.get_absolute_url())
    assert client.get("/?p=12")["Location"] == other.get_absolute_url()
    assert "Added 0 old address(es)" in run(DATA / "moving.wxr.xml", "--redirects-only")
