"""Targeted invalidation: which cached pages a change evicts (pagecache.invalidation).

Every change evicts the pages showing what it touched, and only those: the rules
below are the promise that a busy newsroom keeps its cache. That no page is served
older than what it shows is tested change by change in tests/pagecache/test_caching.py.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Correction, Feature

pytestmark = pytest.mark.django_db

ARCHIVE = 60  # more than the newest 51 the front page and the site feeds can show


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_TIMEOUT = 600


@pytest.fixture
def archive(make_article):
    """Published stories, oldest first, tagged politics (odd) and sport (even)."""
    return [
        make_article(headline=f"Story {n}", tags=["politics" if n % 2 else "sport"])
        for n in range(ARCHIVE)
    ]


def url(article) -> str:
    return article.get_absolute_url()


def warm(client, *urls):
    for address in urls:
        client.get(address)
        assert client.get(address)["X-Page-Cache"] == "hit", address


def evicted(client, *urls) -> dict[str, bool]:
    """For each address, whether the next request misses the cache."""
    return {address: client.get(address)["X-Page-Cache"] == "miss" for address in urls}


def test_editing_an_archive_story_evicts_its_page_and_neighbours_only(client, archive):
    old = archive[5]
    kept = ["/", "/feed/", "/tags/sport/", "/tags/politics/", url(archive[30]), url(archive[3])]
    gone = [url(old), url(archive[4]), url(archive[6])]
    warm(client, *kept, *gone)

    old.headline = "Story 5, corrected"
    old.save()

    assert evicted(client, *kept, *gone) == {
        **dict.fromkeys(kept, False),
        **dict.fromkeys(gone, True),
    }
    assert "Story 5, corrected" in client.get(url(archive[4])).content.decode()


def test_a_new_publication_evicts_front_its_tags_and_neighbours(client, archive, make_article):
    draft = make_article(
        headline="Breaking story",
        status=Article.Status.DRAFT,
        published_at=timezone.now() - timedelta(minutes=1),
        tags=["sport"],
    )
    newest, not_a_neighbour = archive[-1], archive[-3]  # politics, like /tags/politics/
    gone = ["/", "/feed/", "/tags/sport/", url(newest)]
    kept = ["/tags/politics/", url(not_a_neighbour), url(archive[1])]
    warm(client, *gone, *kept)

    draft.status = Article.Status.PUBLISHED
    draft.save()

    assert evicted(client, *gone, *kept) == {
        **dict.fromkeys(gone, True),
        **dict.fromkeys(kept, False),
    }
    for address in ("/", "/tags/sport/", "/feed/"):
        assert "Breaking story" in client.get(address).content.decode(), address
    assert "Breaking story" in client.get(url(newest)).content.decode()  # its Next link


def test_older_pages_of_the_front_follow_the_public_order(client, archive, make_article):
    warm(client, "/?page=2")
    make_article(headline="Another story", published_at=timezone.now() - timedelta(minutes=1))
    assert evicted(client, "/?page=2") == {"/?page=2": True}


IMPORTED = (
    '{{"import_ref": "wire:{n}", "headline": "{headline}", "body": "<p>Text.</p>",'
    ' "status": "published", "published_at": "{year}-01-01T00:00:00+00:00"}}\n'
)


def run_import(tmp_path, *lines):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(lines))
    call_command("import_articles", str(source), "--format", "jsonl", stdout=StringIO())


def test_an_import_batch_evicts_only_the_pages_showing_its_articles(client, archive, tmp_path):
    stories = [IMPORTED.format(n=n, headline=f"Wire {n}", year=2019 + n) for n in (1, 2, 3)]
    run_import(tmp_path, *stories)
    first, second, third = (Article.objects.get(import_ref=f"wire:{n}") for n in (1, 2, 3))
    kept = ["/", "/feed/", "/tags/politics/", url(third), url(archive[10])]
    gone = [url(first), url(second)]  # the first's page, and the second's Previous link
    warm(client, *kept, *gone)

    run_import(tmp_path, IMPORTED.format(n=1, headline="Wire 1, updated", year=2020), *stories[1:])

    assert evicted(client, *kept, *gone) == {
        **dict.fromkeys(kept, False),
        **dict.fromkeys(gone, True),
    }
    assert "Wire 1, updated" in client.get(url(second)).content.decode()


def test_an_import_of_new_stories_among_the_newest_evicts_the_front(client, archive, tmp_path):
    warm(client, "/", url(archive[10]))
    year = timezone.now().year
    line = IMPORTED.format(n=9, headline="Fresh wire story", year=year).replace(
        f"{year}-01-01T00:00:00", timezone.now().replace(microsecond=0).isoformat()[:19]
    )
    run_import(tmp_path, line)
    assert "Fresh wire story" in client.get("/").content.decode()
    assert client.get(url(archive[10]))["X-Page-Cache"] == "hit"


def test_pinning_and_unpinning_evict_the_front(client, archive):
    pinned = archive[3]
    warm(client, "/", url(archive[30]))
    feature = Feature.objects.create(article=pinned, slot=Feature.Slot.LEAD)
    assert pinned.headline in client.get("/").content.decode()
    assert client.get(url(archive[30]))["X-Page-Cache"] == "hit"
    warm(client, "/")
    feature.delete()
    assert pinned.headline not in client.get("/").content.decode()


def test_unpublishing_a_pinned_story_removes_it_from_the_front_at_once(client, archive):
    pinned = archive[3]
    Feature.objects.create(article=pinned, slot=Feature.Slot.TOP)
    warm(client, "/")
    assert pinned.headline in client.get("/").content.decode()

    pinned.status = Article.Status.DRAFT
    pinned.save()

    assert pinned.headline not in client.get("/").content.decode()


def test_an_author_edit_evicts_their_page_and_their_articles(client, archive):
    ann = Author.objects.create(name="Ann Reed", slug="ann-reed")
    mine, other = archive[7], archive[20]
    ArticleAuthor.objects.create(article=mine, author=ann)
    warm(client, "/authors/ann-reed/", url(mine), url(other), "/")

    ann.name = "Ann Reed-Cole"
    ann.save()

    assert "Ann Reed-Cole" in client.get("/authors/ann-reed/").content.decode()
    assert "Ann Reed-Cole" in client.get(url(mine)).content.decode()
    assert evicted(client, url(other), "/") == {url(other): False, "/": False}


def test_a_correction_evicts_its_article(client, archive):
    story = archive[12]
    warm(client, url(story), "/")
    Correction.objects.create(
        article=story,
        kind=Correction.Kind.CORRECTION,
        note="An earlier version misspelt the harbour master's name.",
        published_at=timezone.now(),
    )
    assert "misspelt the harbour" in client.get(url(story)).content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_pages_without_targeted_rules_go_with_every_change(client, archive):
    warm(client, "/search/?q=story", "/sitemap-articles.xml")
    archive[2].headline = "Story 2, renamed"
    archive[2].save()
    assert evicted(client, "/search/?q=story", "/sitemap-articles.xml") == {
        "/search/?q=story": True,
        "/sitemap-articles.xml": True,
    }
